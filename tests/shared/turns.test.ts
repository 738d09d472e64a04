import { describe, expect, it } from "vitest";
import { buildSchema, execute, parse, type GraphQLObjectType } from "graphql";
import { Deadline, guardResolversWithDeadline } from "../../src/shared/graphql/deadline.js";
import { HeavyLane } from "../../src/shared/heavy-lane.js";
import { FairLoader } from "../../src/shared/fair-loader.js";
import { Lane, SLICE_MS, fairTurn } from "../../src/shared/turns.js";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("fair turns", () => {
  it("goes on at once within a slice, and waits for a turn of the event loop after one", async () => {
    await turn(); // a fresh slice
    expect(fairTurn()).toBeUndefined();
    busy(SLICE_MS + 2);
    const waiting = fairTurn();
    expect(waiting).toBeInstanceOf(Promise);
    let resumed = false;
    void waiting!.then(() => (resumed = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(resumed).toBe(false); // no microtask run resumes it: only the next turn of the event loop
    await waiting;
    expect(fairTurn()).toBeUndefined(); // and a fresh slice begins there
  });

  it("hands a batch's answers out slice by slice, in the order asked, as one batch", async () => {
    const lane = new Lane();
    const batches: string[][] = [];
    const loader = new FairLoader<string, string>(async (keys) => {
      batches.push([...keys]);
      return keys.map((k) => k.toUpperCase());
    }, lane);
    const child = new FairLoader<string, string>(async (keys) => {
      batches.push([...keys]);
      return keys.map((k) => `${k}!`);
    }, lane);
    const order: string[] = [];
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    const results = await Promise.all(
      ["a", "b", "c", "d"].map(async (k) => {
        const v = await loader.load(k);
        order.push(v);
        busy(SLICE_MS); // each resumed resolver works a whole slice
        return child.load(v); // and asks the child loader for more
      }),
    );
    clearInterval(counting);
    expect(results).toEqual(["A!", "B!", "C!", "D!"]);
    expect(order).toEqual(["A", "B", "C", "D"]);
    // Sliced (the event loop turned between resumptions), yet the child's keys came as one batch.
    expect(turns).toBeGreaterThan(0);
    expect(batches).toEqual([["a", "b", "c", "d"], ["A", "B", "C", "D"]]);
  });
});

describe("guarded resolvers and batches", () => {
  it("loads a list's relation in one batch though the slice ran out in the middle of the list", async () => {
    // A list of 10 parents whose `child` field is guarded (deadline.ts) and loads through the lane's loader:
    // the slice runs out after the 3rd parent, so parents 4–10 start on a later turn — and still join the batch.
    const schema = buildSchema("type Query { parents: [Parent!]! } type Parent { id: ID! child: Child } type Child { id: ID! }");
    const lane = new Lane();
    const batches: string[][] = [];
    const loader = new FairLoader<string, { id: string }>(async (keys) => {
      batches.push([...keys]);
      return keys.map((id) => ({ id: `c${id}` }));
    }, lane);
    (schema.getType("Parent") as GraphQLObjectType).getFields().child!.resolve = (parent: { id: string }) => {
      if (parent.id === "3") busy(SLICE_MS + 2);
      return loader.load(parent.id);
    };
    guardResolversWithDeadline(schema);
    await turn(); // a fresh slice
    const result = await execute({
      schema,
      document: parse("{ parents { id child { id } } }"),
      rootValue: { parents: Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1) })) },
      contextValue: { lane, deadline: Deadline.after(5_000) },
    });
    expect(result.errors).toBeUndefined();
    expect((result.data!.parents as Array<{ child: { id: string } }>).map((p) => p.child.id)).toEqual(Array.from({ length: 10 }, (_, i) => `c${i + 1}`));
    expect(batches).toEqual([Array.from({ length: 10 }, (_, i) => String(i + 1))]);
  });
});

describe("the heavy lane", () => {
  it("admits `width` at once, the rest in arrival order as each leaves", async () => {
    const lane = new HeavyLane(1);
    const leaveFirst = await lane.enter(null);
    const admitted: string[] = [];
    const second = lane.enter(null).then((leave) => (admitted.push("second"), leave));
    const third = lane.enter(null).then((leave) => (admitted.push("third"), leave));
    await turn();
    expect([lane.inUse, lane.queued, admitted]).toEqual([1, 2, []]);
    leaveFirst();
    leaveFirst(); // leaving twice frees one slot only
    const leaveSecond = await second;
    expect([lane.inUse, lane.queued, admitted]).toEqual([1, 1, ["second"]]);
    leaveSecond();
    (await third)();
    expect([lane.inUse, lane.queued, admitted]).toEqual([0, 0, ["second", "third"]]);
  });

  it("answers a query that cannot get in before its deadline DEADLINE_EXCEEDED, and forgets it", async () => {
    const lane = new HeavyLane(1);
    const leave = await lane.enter(null);
    await expect(lane.enter(Deadline.after(20))).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED", reason: "REQUEST_DEADLINE", details: { limit: 20 } });
    expect(lane.queued).toBe(0);
    leave();
    expect(lane.inUse).toBe(0);
  });
});
