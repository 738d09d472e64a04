import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessLogWriter, accessLog, computeEntryHash, disclosuresOf, GENESIS_HASH, verifyAuditChains } from "../../src/audit/index.js";
import { databaseErrorOf } from "../../src/db/errors.js";
import { MIGRATIONS_FOLDER, migrateDatabase } from "../../src/db/migrate.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { accessEntry, HOUSEHOLD_A, HOUSEHOLD_B } from "./entries.js";

// Migration 0003 made the access log one row per request (format 2). Rows written before it (format 1,
// one entity type per row) stay in the chain exactly as they were hashed; the new rows chain after them.

/** The committed migrations up to and including `lastTag`, in a folder of their own. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hub-migrations-"));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = path.join(dir, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: Array<{ tag: string }> };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/** A format-1 row as the hub wrote it before 0003: every column of that table hashed, `hash` aside. */
function formatOneRow(seq: number, prevHash: string, key: Buffer, over: { outcome?: "ALLOWED" | "DENIED"; entityType?: string; detail?: string | null } = {}) {
  const content = {
    seq,
    at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, seq)),
    requestId: `legacy-${seq}`,
    subject: "caseworker-01",
    orgCode: "QX-MZJ",
    orgKind: "CIVIL_AFFAIRS",
    role: "CASEWORKER",
    purpose: null,
    operation: "Query.household",
    outcome: over.outcome ?? "ALLOWED",
    entityType: over.entityType ?? "Person",
    entityIds: [`p-${seq}`],
    householdIds: [HOUSEHOLD_A],
    categoriesFull: over.outcome === "DENIED" ? [] : ["IDENTITY"],
    detail: over.detail ?? null,
    prevHash,
  };
  return { ...content, hash: computeEntryHash(content, key) };
}

const arrayLiteral = (values: readonly string[]) => `{${values.join(",")}}`;

describe.each(databaseKinds())("access-log formats on %s", (kind) => {
  let h: TestDatabase;
  let folder: string;
  const key = randomBytes(32);
  let legacy: Array<ReturnType<typeof formatOneRow>>;

  beforeAll(async () => {
    h = await openTestDatabase(kind, { migrate: false });
    folder = migrationsUpTo("0002_consent_withdrawal_unique");
    if (h.kind === "postgres") await migratePg(h.db as never, { migrationsFolder: folder });
    else await migratePglite(h.db as never, { migrationsFolder: folder });
    const first = formatOneRow(1, GENESIS_HASH, key);
    const second = formatOneRow(2, first.hash, key, { outcome: "DENIED", entityType: "Household", detail: "NOT_IN_SCOPE" });
    legacy = [first, second];
    for (const r of legacy) {
      await h.db.execute(sql`insert into access_log (seq, at, request_id, subject, org_code, org_kind, role, purpose, operation, outcome, entity_type, entity_ids, household_ids, categories_full, detail, prev_hash, hash)
        values (${r.seq}, ${r.at.toISOString()}, ${r.requestId}, ${r.subject}, ${r.orgCode}, ${r.orgKind}, ${r.role}, ${r.purpose}, ${r.operation}, ${r.outcome}, ${r.entityType},
                ${arrayLiteral(r.entityIds)}, ${arrayLiteral(r.householdIds)}, ${arrayLiteral(r.categoriesFull)}, ${r.detail}, ${r.prevHash}, ${r.hash})`);
    }
    await migrateDatabase(h); // 0003 onwards, over the written rows
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await h?.close();
  });

  it("rows written before the migration still verify", async () => {
    expect((await verifyAuditChains(h.db, { key }))[0]).toMatchObject({ ok: true, entries: 2, lastSeq: 2, lastHash: legacy[1]!.hash });
  });

  it("the writer chains new rows after them, and the whole stream verifies", async () => {
    const writer = new AccessLogWriter(h, key);
    await writer.append([accessEntry({ requestId: "after-upgrade" })]);
    const [row] = await h.db.select().from(accessLog).where(eq(accessLog.seq, 3));
    expect(row).toMatchObject({ requestId: "after-upgrade", prevHash: legacy[1]!.hash, entityType: null, entityIds: null });
    expect((await verifyAuditChains(h.db, { key }))[0]).toMatchObject({ ok: true, entries: 3 });
  });

  it("reads a format-1 row as the one disclosure it recorded", async () => {
    const [old] = await h.db.select().from(accessLog).where(eq(accessLog.seq, 2));
    expect(disclosuresOf(old!)).toEqual([
      { outcome: "DENIED", entityType: "Household", entityIds: ["p-2"], householdIds: [HOUSEHOLD_A], categoriesFull: [], detail: "NOT_IN_SCOPE" },
    ]);
  });

  it("refuses a row that mixes the two formats", async () => {
    const mixed = h.db.execute(sql`insert into access_log (seq, at, request_id, subject, org_code, org_kind, role, operation, outcome, household_ids, categories_full, disclosures, entity_type, entity_ids, prev_hash, hash)
      values (99, now(), 'r', 's', 'QX-MZJ', 'CIVIL_AFFAIRS', 'CASEWORKER', 'Query.household', 'ALLOWED', ${arrayLiteral([HOUSEHOLD_B])}, '{}', '[]', 'Household', '{x}', 'p', 'h')`);
    expect(await mixed.then(() => "inserted", (e: unknown) => databaseErrorOf(e)?.code)).toBe("23514");
  });

  it("a format-1 column set on a format-2 row (constraint dropped) is a HASH_MISMATCH", async () => {
    await h.db.execute(sql`alter table access_log drop constraint access_log_one_format`);
    await h.db.execute(sql`alter table access_log disable trigger access_log_append_only`);
    await h.db.execute(sql`update access_log set detail = 'REWRITTEN' where seq = 3`);
    expect((await verifyAuditChains(h.db, { key }))[0]).toMatchObject({ ok: false, firstBrokenSeq: 3, problem: "HASH_MISMATCH" });
  });
});
