import { createHash } from "node:crypto";
import { Placeholder, sql, type SQL } from "drizzle-orm";
import { PgDialect, type AnyPgColumn } from "drizzle-orm/pg-core";
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

/**
 * One statement whose text is already built, sent through the database handle's session — the pool, or
 * the caller's transaction — past drizzle's query builder (its per-call work on a many-column INSERT
 * costs more than PostgreSQL's). Parameters in driver form (column.mapToDriverValue); rows as the driver
 * returns them. `name` makes it a named prepared statement on PostgreSQL (parsed and planned once per
 * connection): give one only to a text that never changes under that name.
 */
export async function rawStatement<R>(db: Database, text: string, params: readonly unknown[], name?: string): Promise<R[]> {
  const result = await db._.session.prepareQuery({ sql: text, params: params as unknown[] }, undefined, name, false).execute();
  return (result as unknown as { rows: R[] }).rows;
}

/**
 * Multi-row INSERT texts for a table's columns, built once per row count (up to `cache` rows): the
 * access log's group commit and the change log's append send their rows through them.
 */
export class InsertTexts<K extends string> {
  private readonly texts = new Map<number, string>();
  private readonly names: string;

  constructor(
    private readonly table: string,
    /** Row keys in statement order, each with the drizzle column that converts its value. */
    readonly columns: ReadonlyArray<readonly [K, AnyPgColumn]>,
    private readonly cache = 64,
  ) {
    this.names = columns.map(([, c]) => `"${c.name}"`).join(", ");
  }

  text(rows: number): string {
    let text = this.texts.get(rows);
    if (!text) {
      const n = this.columns.length;
      const tuples = Array.from({ length: rows }, (_, r) => `(${this.columns.map((_, c) => `$${r * n + c + 1}`).join(", ")})`);
      text = `insert into "${this.table}" (${this.names}) values ${tuples.join(", ")}`;
      if (rows <= this.cache) this.texts.set(rows, text);
    }
    return text;
  }

  values(rows: ReadonlyArray<Readonly<Record<K, unknown>>>): unknown[] {
    return rows.flatMap((row) =>
      this.columns.map(([key, column]) => {
        const value = row[key];
        return value === null || value === undefined ? null : column.mapToDriverValue(value);
      }),
    );
  }
}

const dialect = new PgDialect();

/**
 * A statement's text built by drizzle once, its values named with `sql.placeholder(name)`: `params`
 * fills them in statement order for rawStatement. For hot writes whose shape never changes.
 */
export interface PreparedText {
  readonly text: string;
  params(values: Readonly<Record<string, unknown>>): unknown[];
}

export function preparedText(build: () => SQL): PreparedText {
  let query: { sql: string; params: unknown[] } | undefined;
  const built = () => (query ??= dialect.sqlToQuery(build()));
  return {
    get text() {
      return built().sql;
    },
    params: (values) =>
      built().params.map((p) => {
        if (!(p instanceof Placeholder)) return p;
        if (!(p.name in values)) throw new TypeError(`no value for placeholder ${p.name}`);
        return values[p.name];
      }),
  };
}

export interface CachedStatement extends PreparedText {
  /**
   * A name for the text (a digest of it) when its key is one of a bounded set: the statement is then
   * prepared once per connection under it. Undefined for keys that carry a caller's values (a filter, a
   * household): each named statement stays prepared on every connection, and those would pile up.
   */
  readonly name: string | undefined;
}

const STATEMENTS = new Map<string, CachedStatement>();
const MAX_STATEMENTS = 512;

/**
 * A statement's text built once per `key` — what the text depends on (the columns, the caller's scope, a
 * list's length), never a value that is a parameter — and, when `named` (the key's variants are
 * bounded: column sets, organizations), named by its digest, so that rawStatement prepares it once per
 * connection. For the per-request reads whose building by drizzle cost more than their rows. At most
 * MAX_STATEMENTS keys are kept (the oldest goes first).
 */
export function cachedStatement(key: string, build: () => SQL, options: { readonly named: boolean } = { named: true }): CachedStatement {
  let statement = STATEMENTS.get(key);
  if (!statement) {
    const prepared = preparedText(build);
    const text = prepared.text;
    statement = { text, name: options.named ? `q_${createHash("sha256").update(text).digest("hex").slice(0, 24)}` : undefined, params: prepared.params };
    if (STATEMENTS.size >= MAX_STATEMENTS) STATEMENTS.delete(STATEMENTS.keys().next().value!);
    STATEMENTS.set(key, statement);
  }
  return statement;
}
