import { readFileSync } from "node:fs";
import path from "node:path";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { MIGRATIONS_FOLDER, migrateDatabase } from "../../src/db/migrate.js";
import * as schema from "../../src/db/schema.js";
import { households } from "../../src/db/schema.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";

// Every table in the drizzle table index, so a table without a migration fails here.
const EXPECTED_TABLES = (Object.values(schema) as unknown[])
  .filter((t): t is PgTable => is(t, PgTable))
  .map((t) => getTableName(t))
  .sort();
const AREA_CODE_CHECKS = [
  "cases_area_code_ck",
  "households_area_code_ck",
  "needs_area_code_ck",
  "organizations_jurisdiction_area_code_ck",
];

const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
  entries: Array<{ tag: string }>;
};
/** Every statement of every committed migration, whitespace-normalised. */
const migrationStatements = journal.entries.flatMap((e) =>
  readFileSync(path.join(MIGRATIONS_FOLDER, `${e.tag}.sql`), "utf8")
    .split("--> statement-breakpoint")
    .map(normalise)
    .filter((s) => s.length > 0),
);

function normalise(statement: string): string {
  return statement.replace(/\s+/g, " ").trim();
}

async function rows<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  // node-postgres returns { rows }, PGlite returns { rows } too; both through drizzle's execute.
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function publicTables(db: Database): Promise<string[]> {
  const r = await rows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return r.map((x) => x.table_name);
}

async function appliedMigrations(db: Database): Promise<number> {
  const r = await rows<{ n: number | string }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(r[0]?.n);
}

/** The SQLSTATE of a failed query: drizzle wraps the driver's error (DrizzleQueryError) as `cause`. */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: unknown; cause?: { code?: unknown } };
    const code = e.cause?.code ?? e.code;
    return typeof code === "string" ? code : undefined;
  }
  throw new Error("expected the statement to fail");
}

describe.each(databaseKinds())("committed migrations on %s", (kind) => {
  let h: TestDatabase;
  const statements: string[] = [];

  beforeAll(async () => {
    h = await openTestDatabase(kind, { migrate: false, onQuery: (s) => statements.push(normalise(s)) });
  });
  afterAll(() => h?.close());

  it("starts from an empty database", async () => {
    expect(await publicTables(h.db)).toEqual([]);
  });

  it("apply and create the expected tables", async () => {
    await migrateDatabase(h);
    expect(await publicTables(h.db)).toEqual(EXPECTED_TABLES);
    expect(await appliedMigrations(h.db)).toBe(journal.entries.length);
  });

  it("are idempotent: a second migrate runs none of the migration statements", async () => {
    statements.length = 0;
    await migrateDatabase(h);
    expect(statements.length).toBeGreaterThan(0); // the migrator did look (and we saw its statements)
    expect(statements.filter((s) => migrationStatements.includes(s))).toEqual([]);
    expect(await publicTables(h.db)).toEqual(EXPECTED_TABLES);
    expect(await appliedMigrations(h.db)).toBe(journal.entries.length);
  });

  it("create the 12-digit area-code CHECK constraints", async () => {
    const r = await rows<{ conname: string }>(
      h.db,
      sql`select conname from pg_constraint where contype = 'c' and conname like '%area_code_ck' order by conname`,
    );
    expect(r.map((x) => x.conname)).toEqual(AREA_CODE_CHECKS);
  });

  it("reject a non-12-digit area code with SQLSTATE 23514 and accept a 12-digit one", async () => {
    const household = (householdNo: string, areaCode: string) =>
      h.db.insert(households).values({
        householdNo,
        areaCode,
        address: "test address",
        housingSituation: "OWNED",
        residenceStatus: "LOCAL_HUKOU",
      });
    expect(await sqlState(household("QXH-CHECK-1", "12345"))).toBe("23514");
    expect(await sqlState(household("QXH-CHECK-2", "13999900100A"))).toBe("23514");
    await household("QXH-CHECK-3", "139999001001");
    const r = await rows<{ n: number }>(h.db, sql`select count(*)::int as n from households`);
    expect(r[0]?.n).toBe(1);
  });
});
