import type { Database } from "../db/client.js";
import { sql } from "drizzle-orm";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../db/errors.js";
import { assertValidPersonRow, sealHousehold, sealPerson } from "../modules/households/index.js";
import { assertClaimantText } from "../modules/needs/index.js";
import type { FieldCipher } from "../privacy/crypto.js";
import { cases } from "../modules/cases/cases.table.js";
import { households, persons } from "../modules/households/households.table.js";
import { needs } from "../modules/needs/needs.table.js";
import { organizations } from "../modules/organizations/organizations.table.js";
import { resources } from "../modules/resources/resources.table.js";
import { generateDemoDistrict, type DemoDistrictOptions } from "./generate.js";

/** Row counts per demo table. */
export interface DemoSeedCounts {
  readonly organizations: number;
  readonly households: number;
  readonly persons: number;
  readonly cases: number;
  readonly needs: number;
  readonly resources: number;
}

export type DemoSeedErrorCode = "ALREADY_SEEDED";

/** An expected refusal (not a crash): callers print the message without a stack. */
export class DemoSeedError extends Error {
  override readonly name = "DemoSeedError";
  readonly code: DemoSeedErrorCode;

  constructor(code: DemoSeedErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

const ALREADY_SEEDED_MESSAGE = "the database already holds organizations; demo seed refused";
const CONFLICT_MESSAGE = "the database already holds rows with the demo's keys; demo seed refused, nothing inserted";

// Rows per INSERT: large enough to keep round trips few, small enough to stay far below
// PostgreSQL's 65 535 bind-parameter limit (persons have 14 columns: 7 000 parameters).
const BATCH_SIZE = 500;


/** True when no organization exists yet: the demo (or any real data) has not been loaded. */
export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const rows = await db.select({ id: organizations.id }).from(organizations).limit(1);
  return rows.length === 0;
}

/** Current row counts of the tables the demo seeds. */
export async function countDemoTables(db: Database): Promise<DemoSeedCounts> {
  const [o, h, p, c, n, r] = await Promise.all([
    db.$count(organizations),
    db.$count(households),
    db.$count(persons),
    db.$count(cases),
    db.$count(needs),
    db.$count(resources),
  ]);
  return { organizations: o, households: h, persons: p, cases: c, needs: n, resources: r };
}

/**
 * Inserts the generated demo district in one transaction: all of it or nothing. Refuses, with a
 * DemoSeedError and no rows written, when the database already holds organizations.
 */
export async function seedDemoDistrict(db: Database, cipher: FieldCipher, options?: DemoDistrictOptions): Promise<DemoSeedCounts> {
  const district = generateDemoDistrict(options);
  // The seed is a write path like any other: every ID number passes GB 11643 before it is stored.
  district.persons.forEach((p, i) => assertValidPersonRow(p, `persons[${i}]`));
  // …and every need's claimant-facing text is free of the household's names and numbers.
  const names = new Map<string, string[]>();
  for (const p of district.persons) names.set(p.householdId, [...(names.get(p.householdId) ?? []), p.name]);
  district.needs.forEach((n, i) => assertClaimantText(n.title, { field: `needs[${i}].title`, memberNames: names.get(n.householdId) ?? [] }));
  try {
    // Every statement goes through `tx`: PGlite has one connection, and a statement sent on `db`
    // while the transaction holds it would wait forever.
    await db.transaction(async (tx) => {
      if ((await tx.select({ id: organizations.id }).from(organizations).limit(1)).length > 0) {
        throw new DemoSeedError("ALREADY_SEEDED", ALREADY_SEEDED_MESSAGE);
      }
      // Foreign-key order: organizations and households before the rows that point at them.
      for (const batch of chunks(district.organizations)) await tx.insert(organizations).values(batch);
      // Sealed on the way in: ID numbers, phones and bank accounts are stored encrypted.
      for (const batch of chunks(district.households)) await tx.insert(households).values(batch.map((h) => sealHousehold(h, cipher)));
      for (const batch of chunks(district.persons)) await tx.insert(persons).values(batch.map((p) => sealPerson(p, cipher)));
      for (const batch of chunks(district.cases)) await tx.insert(cases).values(batch);
      for (const batch of chunks(district.needs)) await tx.insert(needs).values(batch);
      for (const batch of chunks(district.resources)) await tx.insert(resources).values(batch);
      // Households registered, needs posted and resources published later continue the demo's numbering
      // (one statement; an empty list leaves its sequence at its start).
      await tx.execute(sql`select ${sql.join(
        (
          [
            ["household_no_seq", district.households.length],
            ["need_no_seq", district.needs.length],
            ["resource_no_seq", district.resources.length],
          ] as const
        ).map(([seq, n]) => sql`setval(${seq}, greatest(${n}::bigint, 1), ${n > 0})`),
        sql`, `,
      )}`);
    });
  } catch (error) {
    if (error instanceof DemoSeedError) throw error;
    // Rows with demo keys but no organizations, or a concurrent seeder that won the race between
    // our check and our inserts: the transaction has rolled back, so nothing was written.
    if (databaseErrorOf(error)?.code === UNIQUE_VIOLATION) {
      throw new DemoSeedError("ALREADY_SEEDED", CONFLICT_MESSAGE, { cause: error });
    }
    throw error;
  }
  return {
    organizations: district.organizations.length,
    households: district.households.length,
    persons: district.persons.length,
    cases: district.cases.length,
    needs: district.needs.length,
    resources: district.resources.length,
  };
}

function chunks<T>(rows: readonly T[], size: number = BATCH_SIZE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < rows.length; i += size) result.push(rows.slice(i, i + size));
  return result;
}
