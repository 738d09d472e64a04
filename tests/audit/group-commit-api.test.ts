import { inArray, sql } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog } from "../../src/audit/index.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { insertGate, type InsertGate } from "./insert-gate.js";

// The group-committed access log through the HTTP surface: a response leaves only once the commit
// holding its request's entry has returned, and when a batched INSERT fails, every response waiting
// on it carries no data and a coded error.

const HOUSEHOLD = `query ($id: ID!) { household(id: $id) { householdNo members { name } } }`;
const MARKED = "FAIL-THIS-BATCH";

describe.each(databaseKinds())("the access log's group commit through HTTP on %s", (kind) => {
  let t: TestHub;
  let gate: InsertGate;
  let url: string;
  let token: string;
  let householdId: string;
  /** SQL statements one household request sends before its access-log INSERT. */
  let readsPerRequest: number;

  beforeAll(async () => {
    t = await startTestHub(kind, { wrapDb: (db) => (gate = insertGate(db)).handle });
    url = (await t.hub.listen(0, "127.0.0.1")).url;
    token = await t.token("QX-MZJ", "CASEWORKER");
    const r = await t.exec(token, `{ households(first: 1) { nodes { id } } }`);
    householdId = (r.data!.households as { nodes: Array<{ id: string }> }).nodes[0]!.id;
    // Warm: the writer has read the chain head and the directory knows the org; count one request's reads.
    const warm = await post("warm-request-1");
    expect(warm.status).toBe(200);
    t.statements.length = 0;
    await post("warm-request-2");
    readsPerRequest = t.statements.filter((s) => !s.startsWith('insert into "access_log"')).length;
  });
  afterAll(() => t?.close());

  function post(requestId: string, purpose?: string): Promise<Response> {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": requestId, ...(purpose ? { "x-access-purpose": purpose } : {}) },
      body: JSON.stringify({ query: HOUSEHOLD, variables: { id: householdId } }),
    });
  }

  const loggedRequests = async (requestIds: string[]) =>
    (await t.db.db.select({ requestId: accessLog.requestId }).from(accessLog).where(inArray(accessLog.requestId, requestIds))).map((r) => r.requestId).sort();

  /**
   * Until `count` requests' reads were sent and nothing more happened for a while: their entries are
   * queued at the writer (there is no signal to wait on; the assertions on each batch tell if not).
   */
  async function queuedBehind(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (let seen = -1; Date.now() < deadline && (t.statements.length !== seen || t.statements.length < count * readsPerRequest); ) {
      seen = t.statements.length;
      await sleep(300);
    }
  }

  it("does not send a response before the commit holding its access entry", async () => {
    const held = gate.hold();
    const response = post("durable-request-1");
    await held.reached;
    expect(await Promise.race([response.then(() => "sent"), sleep(150).then(() => "waiting")])).toBe("waiting");
    expect(await loggedRequests(["durable-request-1"])).toEqual([]);
    held.release();
    const res = await response;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toMatchObject({ household: { householdNo: expect.any(String) } });
    expect(await loggedRequests(["durable-request-1"])).toEqual(["durable-request-1"]);
  });

  it("answers every request of a failed batched INSERT with no data and a coded error; the rest are unaffected", async () => {
    await t.db.db.execute(sql.raw(`create function fail_marked_access_entry() returns trigger language plpgsql as $$
      begin if new.purpose = '${MARKED}' then raise exception 'injected failure of the batched insert'; end if; return new; end $$`));
    await t.db.db.execute(sql.raw(`create trigger access_log_injected_failure before insert on access_log for each row execute function fail_marked_access_entry()`));
    try {
      t.statements.length = 0;
      const sent = gate.inserts.length;
      const held = gate.hold();
      const leader = post("leader-request");
      await held.reached;
      // Nine concurrent requests, one of them marked: their entries queue behind the leader's, as one batch.
      const ids = Array.from({ length: 9 }, (_, i) => `batched-request-${i}`);
      const batched = ids.map((id, i) => post(id, i === 4 ? MARKED : "case handling"));
      await queuedBehind(10);
      held.release();

      const first = await leader;
      expect(first.status).toBe(200);
      expect(((await first.json()) as { data: unknown }).data).toMatchObject({ household: { householdNo: expect.any(String) } });
      const answers = await Promise.all((await Promise.all(batched)).map(async (r) => ({ status: r.status, body: await r.json() })));
      expect(answers).toEqual(ids.map(() => ({ status: 200, body: { data: null, errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] } })));
      expect(gate.inserts.slice(sent).map((i) => [...i.requestIds].sort())).toEqual([["leader-request"], [...ids].sort()]);
      expect(await loggedRequests(["leader-request", ...ids])).toEqual(["leader-request"]);
    } finally {
      await t.db.db.execute(sql.raw(`drop trigger access_log_injected_failure on access_log`));
      await t.db.db.execute(sql.raw(`drop function fail_marked_access_entry()`));
    }
    // The next request is logged and answered as usual.
    expect((await post("after-failure-1")).status).toBe(200);
    expect(await loggedRequests(["after-failure-1"])).toEqual(["after-failure-1"]);
  });

  it("answers every request of a batch lost to an unreachable database SERVICE_UNAVAILABLE, with no data", async () => {
    t.statements.length = 0;
    const sent = gate.inserts.length;
    const held = gate.hold();
    const leader = post("outage-leader");
    await held.reached;
    const ids = Array.from({ length: 6 }, (_, i) => `outage-request-${i}`);
    const batched = ids.map((id) => post(id));
    await queuedBehind(7);
    gate.failNext(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }), { times: 2 });
    held.release();
    const answers = await Promise.all((await Promise.all([leader, ...batched])).map(async (r) => ({ status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.json() })));
    const unavailable = {
      data: null,
      errors: [{ message: "the database is unavailable right now; retry shortly", extensions: { code: "SERVICE_UNAVAILABLE", reason: "DATABASE_UNAVAILABLE", retryAfterSeconds: 2 } }],
    };
    expect(answers).toEqual([leader, ...batched].map(() => ({ status: 503, retryAfter: "2", body: unavailable })));
    expect(gate.inserts.slice(sent).map((i) => i.rows)).toEqual([1, 6]);
    expect(await loggedRequests(["outage-leader", ...ids])).toEqual([]);
  });
});
