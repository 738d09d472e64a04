import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "./client.js";

// The driver-level read for the hot paths (the per-request loaders, whose rows are most of what a list
// reads): the statement is still built by drizzle, from the same table and column objects, but its rows
// come back as the driver gives them, each column under its property name (`select … as "householdNo"`)
// — no per-cell mapping (drizzle's result mapper cost more than PostgreSQL's answer: measured at about
// a tenth of the hub's CPU on the caseworker's 50 cases). That is only the same as drizzle's rows for
// columns whose driver value is the value, so a raw read accepts only those (checked when the column
// set is defined); drizzle's session keeps dates as strings on both drivers, as its own mapping does.

/** Column kinds drizzle maps as the identity (dates are strings in its `mode: "string"`). */
const PLAIN_COLUMN_TYPES: ReadonlySet<string> = new Set(["PgUUID", "PgVarchar", "PgText", "PgInteger", "PgBoolean", "PgDateString", "PgEnumColumn"]);

export class RawColumnError extends Error {
  override readonly name = "RawColumnError";
}

type ColumnInfo = { readonly columnType: string; readonly baseColumn?: ColumnInfo; readonly name: string };

/** A column set for raw reads; throws at definition if a column's value would need drizzle's mapping. */
export function plainColumns<C extends Record<string, AnyPgColumn>>(columns: C): C {
  for (const [property, column] of Object.entries(columns)) {
    const info = column as unknown as ColumnInfo;
    const plain = PLAIN_COLUMN_TYPES.has(info.columnType) || (info.columnType === "PgArray" && !!info.baseColumn && PLAIN_COLUMN_TYPES.has(info.baseColumn.columnType));
    if (!plain) throw new RawColumnError(`column ${info.name} (${property}) is ${info.columnType}: not readable raw`);
  }
  return columns;
}

/** What a raw read selects under a property name: a plain column, or an SQL expression whose driver
 * value is the value (cast it: `…::int`, `…::text[]`). */
export type ReadColumn = AnyPgColumn | SQL;

/** `"t"."column" as "property", …` */
export function selectList(columns: Record<string, ReadColumn>): SQL {
  return sql.join(
    Object.entries(columns).map(([property, column]) => sql`${column} as ${sql.identifier(property)}`),
    sql`, `,
  );
}

/** Runs a statement built from a plainColumns set; its rows as the driver returns them. */
export async function rawRows<R>(db: Database, query: SQL): Promise<R[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: R[] }).rows;
}

/**
 * The columns an entity's views need under an operation's selection: `always` (keys, cursor, what
 * scope checks and masks read) plus the columns of each field the operation selects.
 */
export function columnsFor(
  entity: string,
  always: Record<string, ReadColumn>,
  byField: Readonly<Record<string, Record<string, ReadColumn> | undefined>>,
  selects: (entity: string, field: string) => boolean,
): Record<string, ReadColumn> {
  const columns = { ...always };
  for (const [field, set] of Object.entries(byField)) if (set && selects(entity, field)) Object.assign(columns, set);
  return columns;
}
