import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessLog,
  accessLogContent,
  appendAccessEntries,
  appendChangeEntries,
  changeLog,
  changeLogPending,
  computeEntryHash,
  disclosuresOf,
  GENESIS_HASH,
  pendingChanges,
  REDACTED,
  sequencePendingChanges,
  verifyAuditChains,
  type ChainStatus,
} from "../../src/audit/index.js";
import { databaseErrorOf } from "../../src/db/errors.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { accessEntries, accessEntry, changeEntry, disclosure, HOUSEHOLD_A, HOUSEHOLD_B } from "./entries.js";
import { disableTrigger, rolledBack } from "./tamper.js";

/** The SQLSTATE a statement fails with. */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return databaseErrorOf(error)?.code;
  }
  throw new Error("expected the statement to fail");
}


const okStatus = (stream: ChainStatus["stream"], entries: number, lastHash: string): ChainStatus => ({
  stream,
  ok: true,
  entries,
  lastSeq: entries === 0 ? null : entries,
  lastHash,
  firstBrokenSeq: null,
  problem: null,
});

describe.each(databaseKinds())("audit streams on %s", (kind) => {
  let h: TestDatabase;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
  });
  afterAll(() => h?.close());

  const accessRows = () => h.db.select().from(accessLog).orderBy(asc(accessLog.seq));
  const changeRows = () => h.db.select().from(changeLog).orderBy(asc(changeLog.seq));
  const statusOf = (statuses: ChainStatus[], stream: ChainStatus["stream"]) => statuses.find((s) => s.stream === stream)!;
  /** What the hub's sequencer does after a mutation: chains what is pending. */
  const sequence = () => sequencePendingChanges(h.db, undefined);

  it("an empty database verifies as two empty streams anchored at the genesis hash", async () => {
    expect(await verifyAuditChains(h.db)).toEqual([okStatus("access_log", 0, GENESIS_HASH), okStatus("change_log", 0, GENESIS_HASH)]);
  });

  it("access entries appended in several calls are numbered 1..n without gaps and chain from genesis", async () => {
    await appendAccessEntries(h.db, []);
    await appendAccessEntries(h.db, accessEntries(1));
    await appendAccessEntries(h.db, accessEntries(3));
    await appendAccessEntries(h.db, accessEntries(2));

    const rows = await accessRows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.map((r) => r.prevHash)).toEqual([GENESIS_HASH, ...rows.slice(0, -1).map((r) => r.hash)]);
    for (const row of rows) expect(row.hash).toBe(computeEntryHash(accessLogContent(row)!));

    const expected = okStatus("access_log", 6, rows[5]!.hash);
    expect(statusOf(await verifyAuditChains(h.db), "access_log")).toEqual(expected);
    // Batch boundaries carry the previous hash across: any batch size gives the same answer.
    for (const batchSize of [1, 4, 6]) {
      expect(statusOf(await verifyAuditChains(h.db, { batchSize }), "access_log")).toEqual(expected);
    }
  });

  it("a request is one row: its disclosures stored as canonical JSON, household ids in PostgreSQL's lower-case form", async () => {
    const entry = accessEntry({
      purpose: null,
      disclosures: [
        disclosure({ entityType: "Person", entityIds: ["p2", "p1"], householdIds: [HOUSEHOLD_A], categoriesFull: ["IDENTITY", "BASIC"] }),
        disclosure({ outcome: "DENIED", entityType: "Household", detail: "OUT_OF_SCOPE", entityIds: ["b", "a"], householdIds: [HOUSEHOLD_B.toUpperCase(), HOUSEHOLD_A], categoriesFull: [] }),
      ],
    });
    await appendAccessEntries(h.db, [entry]);
    const [row] = await h.db.select().from(accessLog).where(eq(accessLog.seq, 7));
    const { disclosures: _d, ...request } = entry;
    expect(row).toEqual({
      ...request,
      outcome: "DENIED", // something in the request was refused
      householdIds: [HOUSEHOLD_A, HOUSEHOLD_B],
      categoriesFull: ["BASIC", "IDENTITY"], // shown in full: the allowed disclosures only
      disclosures: expect.any(String),
      entityType: null,
      entityIds: null,
      detail: null,
      seq: 7,
      prevHash: (await h.db.select().from(accessLog).where(eq(accessLog.seq, 6)))[0]!.hash,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Key order fixed (canonical), categories sorted, ids kept in the order they were disclosed.
    expect(row!.disclosures).toBe(
      `[{"categoriesFull":["BASIC","IDENTITY"],"detail":null,"entityIds":["p2","p1"],"entityType":"Person","householdIds":["${HOUSEHOLD_A}"],"outcome":"ALLOWED"},` +
        `{"categoriesFull":[],"detail":"OUT_OF_SCOPE","entityIds":["b","a"],"entityType":"Household","householdIds":["${HOUSEHOLD_B}","${HOUSEHOLD_A}"],"outcome":"DENIED"}]`,
    );
    expect(disclosuresOf(row!)).toEqual([
      { outcome: "ALLOWED", entityType: "Person", entityIds: ["p2", "p1"], householdIds: [HOUSEHOLD_A], categoriesFull: ["BASIC", "IDENTITY"], detail: null },
      { outcome: "DENIED", entityType: "Household", entityIds: ["b", "a"], householdIds: [HOUSEHOLD_B, HOUSEHOLD_A], categoriesFull: [], detail: "OUT_OF_SCOPE" },
    ]);
    expect(statusOf(await verifyAuditChains(h.db), "access_log")).toMatchObject({ ok: true, entries: 7 });
  });

  it("an entry the database would store altered is refused (TypeError naming the column) and nothing is appended", async () => {
    // varchar(32) silently drops trailing spaces beyond its length: the stored row would never verify.
    const padded = accessEntry({ role: `CASEWORKER${" ".repeat(40)}` });
    const error = await appendAccessEntries(h.db, [accessEntry(), padded]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("access_log: role would not be stored as given, so its hash could never verify");
    expect((await accessRows()).length).toBe(7);
  });

  it("change entries commit with the caller's transaction as pending, and the sequencer chains them in order", async () => {
    await h.db.transaction(async (tx) => {
      await appendChangeEntries(tx, [changeEntry(), changeEntry({ householdId: null, entityType: "Organization", entityId: "QX-MZJ" })]);
    });
    // Committed, not yet chained: pending, in the order appended.
    expect(await changeRows()).toEqual([]);
    expect((await h.db.select().from(changeLogPending)).map((r) => r.entityType)).toEqual(["Household", "Organization"]);
    expect((await pendingChanges(h.db)).count).toBe(2);
    expect(await sequence()).toBe(2);
    expect((await changeRows()).map((r) => [r.seq, r.entityType])).toEqual([
      [1, "Household"],
      [2, "Organization"],
    ]);
    // Moved, not copied: nothing pending, and a second pass chains nothing.
    expect(await pendingChanges(h.db)).toEqual({ count: 0, oldestAt: null });
    expect(await sequence()).toBe(0);
  });

  it("change entries of a rolled-back transaction leave nothing, and the next append takes the next seq", async () => {
    await expect(
      h.db.transaction(async (tx) => {
        await appendChangeEntries(tx, [changeEntry(), changeEntry(), changeEntry()]);
        throw new Error("the change itself failed");
      }),
    ).rejects.toThrow("the change itself failed");
    expect(await sequence()).toBe(0);
    expect((await changeRows()).map((r) => r.seq)).toEqual([1, 2]);

    await h.db.transaction((tx) => appendChangeEntries(tx, [changeEntry({ field: "address" })]));
    await sequence();
    const rows = await changeRows();
    expect(rows.map((r) => [r.seq, r.field])).toEqual([
      [1, "housingSituation"],
      [2, "housingSituation"],
      [3, "address"],
    ]);
    expect(statusOf(await verifyAuditChains(h.db), "change_log")).toEqual(okStatus("change_log", 3, rows[2]!.hash));
  });

  it("a sensitive field's values are stored as [redacted] (null stays null), pending and chained; other fields in clear", async () => {
    await h.db.transaction((tx) =>
      appendChangeEntries(tx, [
        changeEntry({ field: "phone", oldValue: "13800001234", newValue: "13900005678", sensitive: true }),
        changeEntry({ field: "bankAccount", oldValue: null, newValue: "6222020200112233445", sensitive: true }),
        changeEntry({ field: "housingSituation", oldValue: null, newValue: "RENTED", sensitive: false }),
      ]),
    );
    const pending = JSON.stringify(await h.db.select().from(changeLogPending));
    for (const clear of ["13800001234", "13900005678", "6222020200112233445"]) expect(pending).not.toContain(clear);
    await sequence();
    const rows = (await changeRows()).slice(3);
    expect(rows.map((r) => [r.seq, r.field, r.oldValue, r.newValue])).toEqual([
      [4, "phone", REDACTED, REDACTED],
      [5, "bankAccount", null, REDACTED],
      [6, "housingSituation", null, "RENTED"],
    ]);
    expect(REDACTED).toBe("[redacted]");
    const stored = JSON.stringify(await changeRows());
    for (const clear of ["13800001234", "13900005678", "6222020200112233445"]) expect(stored).not.toContain(clear);
  });

  it("appendChangeEntries refuses to run outside a transaction (TypeError) and appends nothing", async () => {
    await expect(appendChangeEntries(h.db, [changeEntry()])).rejects.toThrow(TypeError);
    expect(await sequence()).toBe(0);
    expect((await changeRows()).length).toBe(6);
  });

  it("a change entry the database would store altered is refused (TypeError naming the column) before any SQL", async () => {
    const error = await h.db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry({ orgCode: "X".repeat(65) })])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("change_log: orgCode would not be stored as given, so its hash could never verify");
    expect((await pendingChanges(h.db)).count).toBe(0);
  });

  it.each([
    ["UPDATE", "access_log", "update access_log set operation = 'Query.cases' where seq = 1"],
    ["DELETE", "access_log", "delete from access_log where seq = 1"],
    ["TRUNCATE", "access_log", "truncate access_log"],
    ["UPDATE", "change_log", "update change_log set new_value = 'x' where seq = 1"],
    ["DELETE", "change_log", "delete from change_log where seq = 1"],
    ["TRUNCATE", "change_log", "truncate change_log"],
  ])("%s on %s is refused with SQLSTATE 42501", async (_statement, _table, statement) => {
    expect(await sqlState(h.db.execute(sql.raw(statement)))).toBe("42501");
  });

  it("a pending change entry cannot be edited (SQLSTATE 42501): it is chained as written or not at all", async () => {
    const state = await rolledBack(h.db, async (tx) => {
      await appendChangeEntries(tx, [changeEntry()]);
      return sqlState(tx.transaction((edit) => edit.execute(sql`update change_log_pending set new_value = 'x'`)));
    });
    expect(state).toBe("42501");
  });

  describe("tampering by someone who can disable the trigger", () => {
    let anchor: ChainStatus[];
    beforeAll(async () => {
      anchor = await verifyAuditChains(h.db);
      expect(anchor.every((s) => s.ok)).toBe(true);
    });

    it("an edited row is a HASH_MISMATCH at its seq", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "access_log");
        await tx.update(accessLog).set({ operation: "Query.cases" }).where(eq(accessLog.seq, 3));
        return verifyAuditChains(tx, { batchSize: 2 });
      });
      expect(statuses).toEqual([
        { ...anchor[0], ok: false, firstBrokenSeq: 3, problem: "HASH_MISMATCH" },
        anchor[1],
      ]);
    });

    it("an edited row with its own hash recomputed is a PREV_HASH_MISMATCH at the next seq", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "access_log");
        const [row] = await tx.select().from(accessLog).where(eq(accessLog.seq, 3));
        const edited = { ...row!, categoriesFull: [...row!.categoriesFull, "FINANCIAL" as const] };
        await tx
          .update(accessLog)
          .set({ categoriesFull: edited.categoriesFull, hash: computeEntryHash(accessLogContent(edited)!) })
          .where(eq(accessLog.seq, 3));
        return verifyAuditChains(tx);
      });
      expect(statusOf(statuses, "access_log")).toEqual({ ...anchor[0], ok: false, firstBrokenSeq: 4, problem: "PREV_HASH_MISMATCH" });
    });

    it("a deleted middle row is a SEQUENCE_GAP at the seq after the hole", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "access_log");
        await tx.delete(accessLog).where(eq(accessLog.seq, 3));
        return verifyAuditChains(tx, { batchSize: 3 });
      });
      expect(statusOf(statuses, "access_log")).toEqual({
        ...anchor[0],
        ok: false,
        entries: anchor[0]!.entries - 1,
        firstBrokenSeq: 4,
        problem: "SEQUENCE_GAP",
      });
    });

    it("a deleted first row is a SEQUENCE_GAP at seq 2: the stream starts at 1", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "access_log");
        await tx.delete(accessLog).where(eq(accessLog.seq, 1));
        return verifyAuditChains(tx);
      });
      expect(statusOf(statuses, "access_log")).toMatchObject({ ok: false, firstBrokenSeq: 2, problem: "SEQUENCE_GAP" });
    });

    it("a redacted change value replaced by a clear one is a HASH_MISMATCH in the change log", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "change_log");
        await tx.update(changeLog).set({ newValue: "13900005678" }).where(eq(changeLog.seq, 4));
        return verifyAuditChains(tx);
      });
      expect(statuses).toEqual([anchor[0], { ...anchor[1], ok: false, firstBrokenSeq: 4, problem: "HASH_MISMATCH" }]);
    });

    it("a timestamp no append could write is a HASH_MISMATCH, not a crash", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "access_log");
        await tx.execute(sql`update access_log set at = 'infinity' where seq = 2`);
        return verifyAuditChains(tx);
      });
      expect(statusOf(statuses, "access_log")).toMatchObject({ ok: false, firstBrokenSeq: 2, problem: "HASH_MISMATCH" });
    });

    it("removing the newest row leaves a self-consistent chain: only the published anchor shows it (documented limit)", async () => {
      const statuses = await rolledBack(h.db, async (tx) => {
        await disableTrigger(tx, "access_log");
        await tx.delete(accessLog).where(eq(accessLog.seq, anchor[0]!.lastSeq!));
        return verifyAuditChains(tx);
      });
      const access = statusOf(statuses, "access_log");
      expect(access.ok).toBe(true);
      expect([access.lastSeq, access.lastHash]).not.toEqual([anchor[0]!.lastSeq, anchor[0]!.lastHash]);
    });

    it("after the rolled-back tampering the chains verify as anchored and the trigger refuses again", async () => {
      expect(await verifyAuditChains(h.db)).toEqual(anchor);
      expect(await sqlState(h.db.execute(sql`delete from access_log where seq = 3`))).toBe("42501");
    });
  });

  it(`20 concurrent appends (${kind === "postgres" ? "through the pool" : "queued on the one connection"}) make one unbroken chain`, async () => {
    const before = statusOf(await verifyAuditChains(h.db), "access_log").entries;
    const k = 5;
    await Promise.all(
      Array.from({ length: 20 }, (_, caller) => appendAccessEntries(h.db, accessEntries(k, { requestId: `concurrent-${caller}` }))),
    );
    const after = statusOf(await verifyAuditChains(h.db), "access_log");
    expect(after).toMatchObject({ ok: true, entries: before + 20 * k, lastSeq: before + 20 * k });
    // Each call's entries are one contiguous run: the lock is held for the whole append.
    const rows = (await accessRows()).slice(before);
    for (let caller = 0; caller < 20; caller++) {
      const seqs = rows.filter((r) => r.requestId === `concurrent-${caller}`).map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: k }, (_, i) => seqs[0]! + i));
    }
  });

  it(`40 concurrent changes (${kind === "postgres" ? "through the pool" : "queued on the one connection"}) and 4 sequencers at once make one unbroken change-log chain, each entry once`, async () => {
    const before = statusOf(await verifyAuditChains(h.db), "change_log").entries;
    const k = 3;
    const changes = Array.from({ length: 40 }, (_, caller) => h.db.transaction((tx) => appendChangeEntries(tx, Array.from({ length: k }, () => changeEntry({ requestId: `change-${caller}` })))));
    // Sequencers running while the changes commit, and once more after: each takes rows no other holds.
    const passes = Array.from({ length: 4 }, () => sequencePendingChanges(h.db, undefined, 7));
    await Promise.all(changes);
    const chained = (await Promise.all(passes)).reduce((a, b) => a + b, 0) + (await sequence());
    expect(chained).toBe(40 * k);
    const after = statusOf(await verifyAuditChains(h.db), "change_log");
    expect(after).toMatchObject({ ok: true, entries: before + 40 * k, lastSeq: before + 40 * k });
    const rows = (await changeRows()).slice(before);
    for (let caller = 0; caller < 40; caller++) expect(rows.filter((r) => r.requestId === `change-${caller}`)).toHaveLength(k);
    expect((await pendingChanges(h.db)).count).toBe(0);
  });
});
