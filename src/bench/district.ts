import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { DbHandle } from "../db/client.js";
import { cases, households, needs, organizations, persons, resources } from "../db/schema.js";
import { generateDemoDistrict } from "../demo/generate.js";
import { seedDemoDistrict, type DemoSeedCounts } from "../demo/seed.js";
import { assertValidPersonRow, sealHousehold, sealPerson } from "../modules/households/index.js";
import { assertClaimantText } from "../modules/needs/index.js";
import type { FieldCipher } from "../privacy/crypto.js";

// The benchmark's data. The default district goes through the hub's own seed function (seedDemoDistrict,
// what `npm run seed` runs). A large one (--large: 100,000 households) comes from the same deterministic
// generator with the same checks and sealing, but is sent as multi-row inserts of 10,000 rows per
// statement (`insert … select * from unnest($1::uuid[], $2::text[], …)`), not 500-row batches through
// drizzle's builder, which take minutes at that size.

export type BenchSeedCounts = DemoSeedCounts;

const ROWS_PER_STATEMENT = 10_000;

/** A large district, generated, checked and sealed once, to insert into one database or more. */
export interface SealedDistrict {
  readonly organizations: readonly (typeof organizations.$inferInsert)[];
  readonly households: readonly (typeof households.$inferInsert)[];
  readonly persons: readonly (typeof persons.$inferInsert)[];
  readonly cases: readonly (typeof cases.$inferInsert)[];
  readonly needs: readonly (typeof needs.$inferInsert)[];
  readonly resources: readonly (typeof resources.$inferInsert)[];
}

export function sealedDistrict(cipher: FieldCipher, householdCount: number): SealedDistrict {
  const district = generateDemoDistrict({ households: householdCount });
  // As seedDemoDistrict: every ID number passes GB 11643, every need's claimant text names no member.
  district.persons.forEach((p, i) => assertValidPersonRow(p, `persons[${i}]`));
  const names = new Map<string, string[]>();
  for (const p of district.persons) {
    const list = names.get(p.householdId);
    if (list) list.push(p.name);
    else names.set(p.householdId, [p.name]);
  }
  district.needs.forEach((n, i) => assertClaimantText(n.title, { field: `needs[${i}].title`, memberNames: names.get(n.householdId) ?? [] }));
  return {
    organizations: district.organizations,
    households: district.households.map((h) => sealHousehold(h, cipher)),
    persons: district.persons.map((p) => sealPerson(p, cipher)),
    cases: district.cases,
    needs: district.needs,
    resources: district.resources,
  };
}

/** The default demo district through seedDemoDistrict, or `large` (see sealedDistrict) in bulk. */
export async function seedBenchDistrict(handle: DbHandle, cipher: FieldCipher, large?: SealedDistrict): Promise<BenchSeedCounts> {
  if (!large) return seedDemoDistrict(handle.db, cipher);
  // Foreign-key order, as seedDemoDistrict.
  await insertRows(handle, organizations, large.organizations);
  await insertRows(handle, households, large.households);
  await insertRows(handle, persons, large.persons);
  await insertRows(handle, cases, large.cases);
  await insertRows(handle, needs, large.needs);
  await insertRows(handle, resources, large.resources);
  await handle.query("select setval('household_no_seq', $1)", [large.households.length]);
  await handle.query("select setval('need_no_seq', $1)", [large.needs.length]);
  await handle.query("select setval('resource_no_seq', $1)", [large.resources.length]);
  return {
    organizations: large.organizations.length,
    households: large.households.length,
    persons: large.persons.length,
    cases: large.cases.length,
    needs: large.needs.length,
    resources: large.resources.length,
  };
}

/** PostgreSQL's array literal of text elements: `{"a","b \"c\""}`. */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${String(v).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`)).join(",")}}`;
}

/**
 * Inserts `rows` (drizzle insert shapes) with one statement per ROWS_PER_STATEMENT rows: one array
 * parameter per column, unnested. Columns no row sets are left to their database defaults; a row that
 * leaves out a column others set gets the column's drizzle default.
 */
export async function insertRows<T extends Table>(handle: DbHandle, table: T, rows: readonly T["$inferInsert"][]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => rows.some((r) => (r as Record<string, unknown>)[key] !== undefined));
  const names = columns.map(([, c]) => `"${c.name}"`).join(", ");
  // Array-typed columns travel as one array literal per row (unnest would flatten a 2-D array) and are cast back.
  const isArray = columns.map(([, c]) => c.getSQLType().endsWith("[]"));
  const params = columns.map(([, c], i) => `$${i + 1}::${isArray[i] ? "text" : c.getSQLType()}[]`).join(", ");
  const selects = columns.map(([, c], i) => (isArray[i] ? `u.c${i}::${c.getSQLType()}` : `u.c${i}`)).join(", ");
  const text = `insert into "${getTableName(table)}" (${names}) select ${selects} from unnest(${params}) as u(${columns.map((_, i) => `c${i}`).join(", ")})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT) as Record<string, unknown>[];
    // Each parameter is sent as an array literal (text): pg and PGlite serialise JS arrays differently.
    const values = columns.map(([key, column], i) =>
      arrayLiteral(
        chunk.map((row) => {
          let value = row[key];
          if (value === undefined) {
            if (column.defaultFn) value = column.defaultFn();
            else if (column.default !== undefined && (typeof column.default !== "object" || Array.isArray(column.default))) value = column.default;
            else throw new TypeError(`${getTableName(table)}.${column.name}: some rows leave it out and it has no value default`);
          }
          if (value === null) return null;
          const driver = column.mapToDriverValue(value);
          // drizzle's array columns already map to a literal; anything else array-valued is quoted here.
          return isArray[i] && Array.isArray(driver) ? arrayLiteral(driver) : driver instanceof Date ? driver.toISOString() : driver;
        }),
      ),
    );
    await handle.query(text, values);
  }
}
