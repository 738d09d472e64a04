import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrayLiteral, sealedDistrict, seedBenchDistrict } from "../../src/bench/district.js";
import { seedDemoDistrict } from "../../src/demo/seed.js";
import { testCipher } from "../support/cipher.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";

// The peer benchmark's --large seeding: the demo generator's rows, checked and sealed as seedDemoDistrict
// does, sent as unnest multi-row inserts. On the default size it must store exactly what seedDemoDistrict
// stores (sealed values compared opened; their nonces differ).

const TABLES = ["organizations", "households", "persons", "cases", "needs", "resources"] as const;
const SEALED: Record<string, string> = { id_number_enc: "persons.id_number", phone_enc: "persons.phone", bank_account_enc: "households.bank_account" };

describe("arrayLiteral", () => {
  it("quotes and escapes each element", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral(["a", 'b "c"', "d\\e", null])).toBe('{"a","b \\"c\\"","d\\\\e",NULL}');
  });
});

describe.each(databaseKinds())("the bench's bulk seed on %s", (kind) => {
  const cipher = testCipher();
  let viaHub: TestDatabase;
  let bulk: TestDatabase;

  beforeAll(async () => {
    [viaHub, bulk] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
    await seedDemoDistrict(viaHub.db, cipher);
    await seedBenchDistrict(bulk, cipher, sealedDistrict(cipher, 320));
  });
  afterAll(async () => {
    await viaHub?.close();
    await bulk?.close();
  });

  async function contents(db: TestDatabase, table: string): Promise<unknown[]> {
    const result = (await db.db.execute(sql.raw(`select to_jsonb(t) as row from "${table}" t order by id`))) as unknown as { rows: Array<{ row: Record<string, unknown> }> };
    return result.rows.map(({ row }) => {
      const { created_at: _c, updated_at: _u, ...rest } = row;
      for (const [column, context] of Object.entries(SEALED)) {
        if (typeof rest[column] === "string") rest[column] = cipher.decrypt(rest[column] as string, context);
      }
      return rest;
    });
  }

  it.each(TABLES)("stores the same %s as seedDemoDistrict", async (table) => {
    const expected = await contents(viaHub, table);
    expect(expected.length).toBeGreaterThan(0);
    expect(await contents(bulk, table)).toEqual(expected);
  });

  it("continues the household numbering as seedDemoDistrict does", async () => {
    const next = async (db: TestDatabase) =>
      ((await db.db.execute(sql`select last_value from household_no_seq`)) as unknown as { rows: Array<{ last_value: unknown }> }).rows[0]!.last_value;
    expect(String(await next(bulk))).toBe(String(await next(viaHub)));
  });
});
