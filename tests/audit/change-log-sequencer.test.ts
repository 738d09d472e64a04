import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendChangeEntries, changeLog, ChangeLogSequencer, pendingChanges, verifyAuditChains } from "../../src/audit/index.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { changeEntry } from "./entries.js";

// The hub's change-log sequencer: flush() chains what committed as pending, shares a pass among the
// callers that arrive while one runs, never rejects (the change it follows has committed), and a failed
// pass leaves every entry pending for retry() — nothing lost, nothing chained twice.

describe.each(databaseKinds())("the change-log sequencer on %s", (kind) => {
  let h: TestDatabase;
  const key = randomBytes(32);
  const logged: Array<{ fields: object; message: string }> = [];
  let sequencer: ChangeLogSequencer;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    sequencer = new ChangeLogSequencer(h.db, key, { error: (fields, message) => logged.push({ fields, message }) });
  });
  afterAll(() => h?.close());

  const append = (requestId: string, n = 2) => h.db.transaction((tx) => appendChangeEntries(tx, Array.from({ length: n }, () => changeEntry({ requestId }))));
  const chained = () => h.db.select({ seq: changeLog.seq, requestId: changeLog.requestId }).from(changeLog).orderBy(asc(changeLog.seq));

  it("chains what committed before the call; callers during a pass share the next one", async () => {
    await append("first");
    const a = sequencer.flush();
    // Committed while the first pass may already have read the pending rows: the next pass takes it.
    await append("second");
    const b = sequencer.flush();
    const c = sequencer.flush();
    await Promise.all([a, b, c]);
    // Called while a pass runs: one next pass for all of them.
    const running = sequencer.flush();
    const [next, alsoNext] = [sequencer.flush(), sequencer.flush()];
    expect(next).toBe(alsoNext);
    expect(next).not.toBe(running);
    await Promise.all([running, next]);
    expect((await chained()).map((r) => r.requestId)).toEqual(["first", "first", "second", "second"]);
    expect(await pendingChanges(h.db)).toEqual({ count: 0, oldestAt: null });
    expect((await verifyAuditChains(h.db, { key })).find((s) => s.stream === "change_log")).toMatchObject({ ok: true, entries: 4 });
  });

  it("a failed pass resolves flush(), logs no value, keeps every entry pending, and retry() chains them once", async () => {
    await append("during-outage", 3);
    await h.db.execute(sql`alter table change_log rename to change_log_away`);
    try {
      await expect(sequencer.flush()).resolves.toBeUndefined();
    } finally {
      await h.db.execute(sql`alter table change_log_away rename to change_log`);
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toMatch(/not chained/);
    expect(JSON.stringify(logged[0]!.fields)).not.toMatch(/during-outage|caseworker/);
    expect((await pendingChanges(h.db)).count).toBe(3);

    await sequencer.retry();
    expect((await chained()).filter((r) => r.requestId === "during-outage")).toHaveLength(3);
    expect((await pendingChanges(h.db)).count).toBe(0);
    // Succeeded: the periodic retry sends nothing more.
    await append("after", 1);
    await sequencer.retry();
    expect((await pendingChanges(h.db)).count).toBe(1);
    await sequencer.flush();
    expect((await verifyAuditChains(h.db, { key })).find((s) => s.stream === "change_log")).toMatchObject({ ok: true, entries: 8 });
  });
});
