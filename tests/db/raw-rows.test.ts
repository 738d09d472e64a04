import { asc, getTableColumns, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewColumns } from "../../src/db/columns.js";
import { plainColumns, rawRows, RawColumnError, selectList } from "../../src/db/raw-rows.js";
import { seedDemoDistrict } from "../../src/demo/seed.js";
import { cases } from "../../src/modules/cases/cases.table.js";
import { households, persons } from "../../src/modules/households/households.table.js";
import { needs } from "../../src/modules/needs/needs.table.js";
import { testCipher } from "../support/cipher.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";

// The driver-level read gives exactly the rows drizzle's mapped select gives, for the columns it accepts
// (dates as strings, text arrays, booleans, integers, enums and nulls), on both drivers.

describe.each(databaseKinds())("raw rows on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seedDemoDistrict(db.db, testCipher());
  });
  afterAll(() => db?.close());

  const tables = [
    ["cases", cases, cases.caseNo],
    ["needs", needs, needs.needNo],
    ["persons", persons, persons.id],
  ] as const;

  for (const [name, table, key] of tables) {
    it(`reads ${name} as drizzle maps them`, async () => {
      const columns: Record<string, AnyPgColumn> = { ...viewColumns(getTableColumns(table) as never) };
      const plain = plainColumns(columns);
      const mapped = await db.db.select(plain).from(table).orderBy(asc(key)).limit(200);
      const raw = await rawRows<Record<string, unknown>>(db.db, sql`select ${selectList(plain)} from ${table} order by ${key} limit 200`);
      expect(raw.length).toBeGreaterThan(50);
      expect(raw).toEqual(mapped);
    });
  }

  it("has nulls, arrays and dates to compare (the comparison is not vacuous)", async () => {
    const rows = await rawRows<{ decidedOn: string | null; tags: string[]; birth: string }>(
      db.db,
      sql`select ${selectList({ decidedOn: cases.decidedOn })}, (select ${needs.beneficiaryTags} from ${needs} where ${needs.beneficiaryTags} <> '{}' limit 1) as tags, (select ${persons.birthDate} from ${persons} limit 1) as birth from ${cases}`,
    );
    expect(rows.some((r) => r.decidedOn === null)).toBe(true);
    expect(rows.some((r) => typeof r.decidedOn === "string" && /^\d{4}-\d{2}-\d{2}$/.test(r.decidedOn))).toBe(true);
    expect(Array.isArray(rows[0]!.tags) && rows[0]!.tags.length > 0).toBe(true);
    expect(rows[0]!.birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("refuses a column whose value drizzle would map (a timestamp)", () => {
    expect(() => plainColumns({ createdAt: households.createdAt })).toThrow(RawColumnError);
  });
});
