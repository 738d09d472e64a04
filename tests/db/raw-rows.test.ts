import { asc, getTableColumns, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewColumns } from "../../src/db/columns.js";
import { pageStatementKey } from "../../src/db/paging.js";
import { cachedStatement, plainColumns, rawRows, RawColumnError, selectList } from "../../src/db/raw-rows.js";
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

describe("statement texts built once", () => {
  it("builds a key's text once; names (prepares on every connection) only a key of a bounded set", () => {
    let built = 0;
    const build = () => {
      built += 1;
      return sql`select ${households.id} from ${households} where ${households.id} = any(${sql.placeholder("ids")}::uuid[])`;
    };
    const first = cachedStatement("raw-rows-test:named", build);
    expect(cachedStatement("raw-rows-test:named", build)).toBe(first);
    expect(built).toBe(1);
    expect(first.name).toMatch(/^q_[0-9a-f]{24}$/);
    expect(first.params({ ids: ["a"] })).toEqual([["a"]]);
    // A caller's values in the key (a filter, a household): the text is cached, never named.
    expect(cachedStatement("raw-rows-test:per-caller", build, { named: false }).name).toBeUndefined();
  });

  it("names a list's page statement only without a filter value and in a scope of few", () => {
    expect(pageStatementKey("cases", { key: "AREA:130104001", few: true }, { areaCode: null, type: undefined })).toEqual({ key: 'cases:AREA:130104001:{"areaCode":null}', named: true });
    expect(pageStatementKey("cases", { key: "AREA:130104001", few: true }, { areaCode: "130104001002" }).named).toBe(false);
    expect(pageStatementKey("households", { key: "HOUSEHOLD:h1", few: false }, {}).named).toBe(false);
  });
});
