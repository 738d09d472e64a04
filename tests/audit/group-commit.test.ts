import { randomBytes } from "node:crypto";
import { asc, gt, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_ROWS } from "../../src/audit/access-log-writer.js";
import { AccessLogWriter, accessLog, verifyAuditChains, type AccessEntry } from "../../src/audit/index.js";
import { databaseErrorOf } from "../../src/db/errors.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { accessEntry } from "./entries.js";
import { insertGate } from "./insert-gate.js";

// The access-log writer's group commit: appends that arrive together, or while a batch is being
// written, share one INSERT and one commit; each resolves only once that commit has returned; the
// chain stays linear in append order; a failed INSERT fails its whole batch and nothing else.

const entry = (requestId: string, overrides: Partial<AccessEntry> = {}) => accessEntry({ requestId, ...overrides });
const ACCESS_INSERT = 'insert into "access_log"';

describe.each(databaseKinds())("access-log group commit on %s", (kind) => {
  let h: TestDatabase;
  const statements: string[] = [];
  const key = randomBytes(32);

  beforeAll(async () => {
    h = await openTestDatabase(kind, { onQuery: (text) => statements.push(text) });
  });
  afterAll(() => h?.close());

  /** The rows after `seq`, in chain order. */
  const rowsAfter = (seq: number) =>
    h.db.select({ seq: accessLog.seq, requestId: accessLog.requestId }).from(accessLog).where(gt(accessLog.seq, seq)).orderBy(asc(accessLog.seq));
  const lastSeq = async () => (await h.db.select({ seq: sql<number>`coalesce(max(${accessLog.seq}), 0)::int` }).from(accessLog))[0]!.seq;
  const chain = async () => (await verifyAuditChains(h.db, { key }))[0]!;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it("writes the appends issued together in one INSERT: one statement, one commit", async () => {
    const before = await lastSeq();
    const writer = new AccessLogWriter(h, key);
    statements.length = 0;
    const together = ids("together", 25);
    await Promise.all(together.map((id) => writer.append([entry(id)])));
    expect(statements.filter((s) => s.startsWith(ACCESS_INSERT))).toHaveLength(1);
    expect(statements).toHaveLength(2); // a new writer reads the head once, then the one INSERT
    expect((await rowsAfter(before)).map((r) => r.requestId)).toEqual(together);
  });

  it("writes the appends that arrive while a batch is in flight as the next batch, in one INSERT", async () => {
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    const held = gate.hold();
    const leader = writer.append([entry("leader")]);
    await held.reached;
    const followers = ids("follower", 30);
    const waiting = followers.map((id) => writer.append([entry(id)]));
    held.release();
    await Promise.all([leader, ...waiting]);
    expect(gate.inserts).toEqual([
      { rows: 1, requestIds: ["leader"] },
      { rows: 30, requestIds: followers },
    ]);
    expect(await chain()).toMatchObject({ ok: true });
  });

  it("resolves an append only after the commit holding its entry, and the entry is then in the table", async () => {
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    const held = gate.hold();
    const durable = ids("durable", 12);
    let resolved = 0;
    const committedWhenResolved: boolean[] = [];
    const appends = durable.map((id) =>
      writer.append([entry(id)]).then(async () => {
        resolved++;
        committedWhenResolved.push(gate.committed.has(id));
        // Read back on the pool (on PostgreSQL, possibly another connection): committed, so visible.
        return (await h.db.select({ requestId: accessLog.requestId }).from(accessLog).where(inArray(accessLog.requestId, [id]))).length;
      }),
    );
    await held.reached;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resolved).toBe(0); // the INSERT has not been sent: no append may have resolved
    expect(await h.db.select().from(accessLog).where(inArray(accessLog.requestId, durable))).toEqual([]);
    held.release();
    expect(await Promise.all(appends)).toEqual(durable.map(() => 1));
    expect(committedWhenResolved).toEqual(durable.map(() => true));
  });

  it("chains concurrent appends in the order appended, across batches, and the chain verifies", async () => {
    const before = await lastSeq();
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    const expected: string[] = [];
    const appends: Array<Promise<void>> = [];
    // Some requests log two entries: they stay adjacent, in order.
    const append = (id: string, two: boolean) => {
      const entries = two ? [entry(`${id}/a`), entry(`${id}/b`)] : [entry(id)];
      expected.push(...entries.map((e) => e.requestId));
      appends.push(writer.append(entries));
    };
    const first = gate.hold();
    append("o-0", false);
    await first.reached;
    for (let i = 1; i <= 20; i++) append(`o-${i}`, i % 3 === 0);
    const secondBatchEnd = expected.length;
    const second = gate.hold();
    first.release();
    await second.reached;
    for (let i = 21; i < 40; i++) append(`o-${i}`, i % 4 === 0);
    second.release();
    await Promise.all(appends);

    expect(gate.inserts.map((i) => i.requestIds)).toEqual([expected.slice(0, 1), expected.slice(1, secondBatchEnd), expected.slice(secondBatchEnd)]);
    const rows = await rowsAfter(before);
    expect(rows.map((r) => r.requestId)).toEqual(expected);
    expect(rows.map((r) => r.seq)).toEqual(expected.map((_, i) => before + 1 + i));
    expect(await chain()).toMatchObject({ ok: true, lastSeq: before + expected.length });
  });

  it("fails every waiter of a batch whose INSERT fails, stores none of its rows, and chains on from the last durable row", async () => {
    // A real failure inside the statement: a trigger that raises on the third row, after two were inserted.
    await h.db.execute(sql.raw(`create function fail_marked_access_entry() returns trigger language plpgsql as $$
      begin if new.purpose = 'FAIL-THIS-BATCH' then raise exception 'injected failure of the batched insert'; end if; return new; end $$`));
    await h.db.execute(sql.raw(`create trigger access_log_injected_failure before insert on access_log for each row execute function fail_marked_access_entry()`));
    try {
      const before = await lastSeq();
      const gate = insertGate(h);
      const writer = new AccessLogWriter(gate.handle, key);
      const first = gate.hold();
      const leader = writer.append([entry("before-failure")]);
      await first.reached;
      const doomedIds = ids("doomed", 5);
      const doomed = doomedIds.map((id, i) => writer.append([entry(id, i === 2 ? { purpose: "FAIL-THIS-BATCH" } : {})]));
      const second = gate.hold();
      first.release();
      await second.reached; // the five are one INSERT, waiting at the gate
      const after = writer.append([entry("after-failure")]);
      second.release();

      await leader;
      const outcomes = await Promise.allSettled(doomed);
      expect(outcomes.map((o) => (o.status === "rejected" ? databaseErrorOf(o.reason)?.code : o.status))).toEqual(doomedIds.map(() => "P0001"));
      await after; // queued behind the failed batch: its own batch, unaffected
      expect(gate.inserts.map((i) => i.requestIds)).toEqual([["before-failure"], doomedIds, ["after-failure"]]);
      // No partial rows, no gap: the next entry takes the seq after the last durable one.
      expect(await rowsAfter(before)).toEqual([
        { seq: before + 1, requestId: "before-failure" },
        { seq: before + 2, requestId: "after-failure" },
      ]);
      expect(await chain()).toMatchObject({ ok: true, lastSeq: before + 2 });
    } finally {
      await h.db.execute(sql.raw(`drop trigger access_log_injected_failure on access_log`));
      await h.db.execute(sql.raw(`drop function fail_marked_access_entry()`));
    }
  });

  it("after a failure it re-reads the head: a batch that committed but whose acknowledgement was lost is chained after, not forked", async () => {
    const before = await lastSeq();
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    await writer.append([entry("warm")]);
    gate.failNext(new Error("Connection terminated unexpectedly"), { afterCommit: true });
    await expect(Promise.all([writer.append([entry("lost-ack-0")]), writer.append([entry("lost-ack-1")])])).rejects.toThrow("Connection terminated");
    statements.length = 0;
    await writer.append([entry("next")]);
    // A head read, then one INSERT after the committed rows: no collision, no retry.
    expect(statements.map((s) => s.startsWith(ACCESS_INSERT))).toEqual([false, true]);
    // The responses of the lost-ack batch carried no data; the log holds their entries (the safe side).
    expect((await rowsAfter(before)).map((r) => r.requestId)).toEqual(["warm", "lost-ack-0", "lost-ack-1", "next"]);
    expect(await chain()).toMatchObject({ ok: true, lastSeq: before + 4 });
  });

  it("refuses an entry that could not be stored as hashed alone; the rest of its batch commits", async () => {
    const before = await lastSeq();
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    const outcomes = await Promise.allSettled([
      writer.append([entry("fine-0")]),
      writer.append([entry("too-long", { orgCode: "x".repeat(70) })]),
      writer.append([entry("fine-1")]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/orgCode would not be stored as given/);
    expect(gate.inserts).toEqual([{ rows: 2, requestIds: ["fine-0", "fine-1"] }]);
    expect((await rowsAfter(before)).map((r) => r.requestId)).toEqual(["fine-0", "fine-1"]);
  });

  it("two hub instances writing batches at once never fork the chain, and each keeps its own order", async () => {
    const before = await lastSeq();
    const a = new AccessLogWriter(h, key);
    const b = new AccessLogWriter(h, key);
    await a.append([entry("a-warm")]);
    await b.append([entry("b-warm")]); // a's cached head is now stale: its first batch collides (23505)
    const fromA = ids("a", 20);
    const fromB = ids("b", 20);
    await Promise.all([...fromA.map((id) => a.append([entry(id)])), ...fromB.map((id) => b.append([entry(id)]))]);
    const rows = (await rowsAfter(before)).map((r) => r.requestId);
    expect(rows.slice(0, 2)).toEqual(["a-warm", "b-warm"]);
    expect(rows.filter((id) => /^a-\d/.test(id))).toEqual(fromA);
    expect(rows.filter((id) => /^b-\d/.test(id))).toEqual(fromB);
    expect(await chain()).toMatchObject({ ok: true, lastSeq: before + 42 });
  });

  it("under sustained contention it writes the batch in the locked transaction, whole and in order", async () => {
    const before = await lastSeq();
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    const collision = Object.assign(new Error('duplicate key value violates unique constraint "access_log_pkey"'), { code: "23505" });
    gate.failNext(collision, { times: 3 });
    statements.length = 0;
    const contended = ids("contended", 10);
    await Promise.all(contended.map((id) => writer.append([entry(id)])));
    expect(gate.inserts.map((i) => i.requestIds)).toEqual([contended, contended, contended]); // re-chained after each re-read
    expect(statements.filter((s) => s.includes("audit_stream_head_locked"))).toHaveLength(1);
    expect((await rowsAfter(before)).map((r) => r.requestId)).toEqual(contended);
    expect(await chain()).toMatchObject({ ok: true, lastSeq: before + 10 });
  });

  it(`caps a batch at ${MAX_BATCH_ROWS} rows (bind parameters), and writes one larger append in the locked transaction`, async () => {
    const before = await lastSeq();
    const gate = insertGate(h);
    const writer = new AccessLogWriter(gate.handle, key);
    await Promise.all(ids("many", MAX_BATCH_ROWS + 3).map((id) => writer.append([entry(id)])));
    expect(gate.inserts.map((i) => i.rows)).toEqual([MAX_BATCH_ROWS, 3]);

    statements.length = 0;
    const big = ids("big", MAX_BATCH_ROWS + 1);
    await writer.append(big.map((id) => entry(id)));
    expect(gate.inserts).toHaveLength(2); // not through the one-statement path
    expect(statements.filter((s) => s.includes("audit_stream_head_locked"))).toHaveLength(1);
    expect(statements.filter((s) => s.startsWith(ACCESS_INSERT))).toHaveLength(2); // ROWS_PER_INSERT each, one transaction
    const rows = await rowsAfter(before);
    expect(rows).toHaveLength(2 * MAX_BATCH_ROWS + 4);
    expect(rows.slice(-big.length).map((r) => r.requestId)).toEqual(big);
    expect(await chain()).toMatchObject({ ok: true, lastSeq: before + 2 * MAX_BATCH_ROWS + 4 });
  });
});
