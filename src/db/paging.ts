import { and, asc, count, gt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { PageRequest } from "../shared/graphql/connection.js";
import type { Database } from "./client.js";
import { cachedStatement, rawRows, rawStatement, selectList, type ReadColumn } from "./raw-rows.js";

/**
 * The total of a list, counted when first asked for — a connection's `totalCount` (a getter, see
 * shared/graphql/connection.ts) runs its `count(*)` only if the operation selected it, once however
 * many aliases ask.
 */
export type LazyCount = () => Promise<number>;

export function lazyCount(count: () => Promise<number>): LazyCount {
  let counted: Promise<number> | undefined;
  return () => (counted ??= count());
}

/**
 * Keyset paging over a unique, non-sensitive key column: `limit + 1` rows after the cursor key, and
 * the total under the same condition when the caller asks for it. One statement, two with the total.
 * `columns`: the columns to read, a plainColumns set (db/raw-rows.ts), each row as the driver returns it
 * (the hot lists); without, every column through drizzle's mapping (timestamps as Dates).
 */
export async function keysetPage<T extends PgTable, R = T["$inferSelect"]>(args: {
  db: Database;
  table: T;
  key: AnyPgColumn;
  /** The list's condition; a function (built only when needed) when the statement is cached by `statementKey`. */
  where: SQL | undefined | (() => SQL | undefined);
  page: PageRequest;
  columns?: Record<string, ReadColumn>;
  /**
   * What `where`'s text and values depend on (the caller's scope, the filter's values): with `columns`,
   * the page's statement is built once per key (and column set, and first page or not); the cursor and
   * the limit are its parameters. `named`: the key is one of few (no filter value, an organization's
   * scope), so the statement is prepared once per connection.
   */
  statementKey?: { readonly key: string; readonly named: boolean };
}): Promise<{ rows: R[]; totalCount: LazyCount }> {
  const { db, table, key, page } = args;
  const where = typeof args.where === "function" ? args.where : () => args.where as SQL | undefined;
  let rows: R[];
  if (args.columns && args.statementKey) {
    const columns = args.columns;
    const statement = cachedStatement(
      `page:${args.statementKey.key}:${Object.keys(columns).join(",")}:${page.afterKey ? "after" : "first"}`,
      () => {
        const condition = and(where(), page.afterKey ? gt(key, sql.placeholder("after")) : undefined);
        return sql`select ${selectList(columns)} from ${table} ${condition ? sql`where ${condition} ` : sql``}order by ${key} asc limit ${sql.placeholder("limit")}`;
      },
      { named: args.statementKey.named },
    );
    rows = await rawStatement<R>(db, statement.text, statement.params({ after: page.afterKey, limit: page.limit + 1 }), statement.name);
  } else {
    const condition = and(where(), page.afterKey ? gt(key, page.afterKey) : undefined);
    rows = args.columns
      ? await rawRows<R>(db, sql`select ${selectList(args.columns)} from ${table} ${condition ? sql`where ${condition} ` : sql``}order by ${key} asc limit ${page.limit + 1}`)
      : ((await db.select().from(table as PgTable).where(condition).orderBy(asc(key)).limit(page.limit + 1)) as R[]);
  }
  const totalCount = lazyCount(async () => {
    const [total] = await db.select({ n: count() }).from(table as PgTable).where(where());
    return total?.n ?? 0;
  });
  return { rows, totalCount };
}

/** A list's statement key (keysetPage's `statementKey`): its scope and filter; named only without a filter value in a scope of few. */
export function pageStatementKey(
  list: string,
  scope: { readonly key: string; readonly few: boolean },
  filter: object,
  embedded: EmbeddedRelation | null = null,
): { key: string; named: boolean } {
  const unfiltered = Object.values(filter).every((v) => v == null);
  return { key: `${list}:${scope.key}${embedded ? `+${embedded.key}` : ""}:${JSON.stringify(filter)}`, named: unfiltered && scope.few };
}

/**
 * A relation a list reads in its own statement (the rows' households, modules/households): one more
 * column per row, which `prime` hands to the request's loaders (removing it from the rows), so that the
 * relation's loader sends nothing.
 */
export interface EmbeddedRelation {
  /** What the column's text depends on (its columns, the caller's scope): part of the list statement's key. */
  readonly key: string;
  /** The column, for the list's foreign-key column. */
  column(foreignKey: AnyPgColumn): SQL;
  /** Primes the loaders with each row's related record (null where the caller may not see it) and removes the column. */
  prime(rows: ReadonlyArray<object>): void;
}

/** The property a row's embedded household arrives under. */
export const EMBEDDED_HOUSEHOLD_COLUMN = "__household";

/** A page's columns plus, when the operation shows the rows' households, the column that carries them. */
export function withHouseholds(columns: Record<string, ReadColumn>, households: EmbeddedRelation | null, householdId: AnyPgColumn): Record<string, ReadColumn> {
  return households ? { ...columns, [EMBEDDED_HOUSEHOLD_COLUMN]: households.column(householdId) } : columns;
}

/** Natural keys used as cursors (`QXH-000001`, `QXC-2026-000001` …). */
export const NATURAL_KEY = /^[A-Z0-9-]{1,32}$/;
