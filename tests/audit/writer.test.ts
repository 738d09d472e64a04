import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { AccessLogWriter, accessLog, accessLogContent, appendAccessEntries, computeEntryHash, verifyAuditChains } from "../../src/audit/index.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { accessEntry } from "./entries.js";

// The hub's writer keeps the chain head in memory and detects other writers by the primary key.

describe.each(databaseKinds())("the access-log writer on %s", (kind) => {
  let h: TestDatabase;
  let writer: AccessLogWriter;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    writer = new AccessLogWriter(h);
  });
  afterAll(() => h?.close());

  it("chains concurrent appends from one process without gaps", async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => writer.append([accessEntry({ requestId: `req-${i}` }), accessEntry({ requestId: `req-${i}` })])));
    const [status] = await verifyAuditChains(h.db);
    expect(status).toMatchObject({ stream: "access_log", ok: true, entries: 50, lastSeq: 50 });
  });

  it("two hub instances appending in turn and at once never fork the chain", async () => {
    const other = new AccessLogWriter(h);
    const before = (await verifyAuditChains(h.db))[0]!.entries;
    for (let i = 0; i < 5; i++) {
      await writer.append([accessEntry({ requestId: `a-${i}` })]);
      await other.append([accessEntry({ requestId: `b-${i}` })]); // its cached head is stale every time
    }
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? writer : other).append([accessEntry({ requestId: `c-${i}` })])));
    expect((await verifyAuditChains(h.db))[0]).toMatchObject({ ok: true, entries: before + 20, lastSeq: before + 20 });
  });

  it("recovers after a failed append: the next one re-reads the head and the chain stays whole", async () => {
    const tooLong = accessEntry({ orgCode: "x".repeat(70) });
    await expect(writer.append([tooLong])).rejects.toThrow(/orgCode would not be stored as given/);
    // Another writer (a restarted process, say) appends meanwhile; the first must not fork the chain.
    await appendAccessEntries(h.db, [accessEntry({ requestId: "from-elsewhere" })]);
    await writer.append([accessEntry({ requestId: "after-failure" })]);
    const rows = await h.db.select({ seq: accessLog.seq, requestId: accessLog.requestId }).from(accessLog).where(sql`${accessLog.seq} > 70`);
    expect(rows).toEqual([
      { seq: 71, requestId: "from-elsewhere" },
      { seq: 72, requestId: "after-failure" },
    ]);
    expect((await verifyAuditChains(h.db))[0]).toMatchObject({ ok: true, entries: 72 });
  });
});

describe.each(databaseKinds())("keyed audit chains on %s", (kind) => {
  let h: TestDatabase;
  const key = randomBytes(32);

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await appendAccessEntries(h.db, [accessEntry(), accessEntry(), accessEntry()], key);
  });
  afterAll(() => h?.close());

  it("verify with the hub's key, and not without it", async () => {
    expect((await verifyAuditChains(h.db, { key }))[0]).toMatchObject({ ok: true, entries: 3 });
    expect((await verifyAuditChains(h.db))[0]).toMatchObject({ ok: false, firstBrokenSeq: 1, problem: "HASH_MISMATCH" });
  });

  it("detect a rewrite whose author recomputed every hash but does not hold the key", async () => {
    const rows = await h.db.select().from(accessLog).orderBy(accessLog.seq);
    await h.db.execute(sql`alter table access_log disable trigger access_log_append_only`);
    let prevHash = "0".repeat(64);
    for (const row of rows) {
      const content = { ...row, orgCode: row.seq === 2 ? "QX-FORGED" : row.orgCode, prevHash };
      const hash = computeEntryHash(accessLogContent(content)!);
      await h.db.execute(sql`update access_log set org_code = ${content.orgCode}, prev_hash = ${prevHash}, hash = ${hash} where seq = ${row.seq}`);
      prevHash = hash;
    }
    await h.db.execute(sql`alter table access_log enable trigger access_log_append_only`);
    // Self-consistent as a plain SHA-256 chain, so only the key gives the rewrite away.
    expect((await verifyAuditChains(h.db))[0]).toMatchObject({ ok: true });
    expect((await verifyAuditChains(h.db, { key }))[0]).toMatchObject({ ok: false, firstBrokenSeq: 1, problem: "HASH_MISMATCH" });
  });
});
