import { and, asc, count, gt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { PageRequest } from "../shared/graphql/connection.js";
import type { Database } from "./client.js";
import { rawRows, selectList, type ReadColumn } from "./raw-rows.js";

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
  where: SQL | undefined;
  page: PageRequest;
  columns?: Record<string, ReadColumn>;
}): Promise<{ rows: R[]; totalCount: LazyCount }> {
  const { db, table, key, where, page } = args;
  const condition = and(where, page.afterKey ? gt(key, page.afterKey) : undefined);
  const rows = args.columns
    ? await rawRows<R>(
        db,
        sql`select ${selectList(args.columns)} from ${table} ${condition ? sql`where ${condition} ` : sql``}order by ${key} asc limit ${page.limit + 1}`,
      )
    : ((await db.select().from(table as PgTable).where(condition).orderBy(asc(key)).limit(page.limit + 1)) as R[]);
  const totalCount = lazyCount(async () => {
    const [total] = await db.select({ n: count() }).from(table as PgTable).where(where);
    return total?.n ?? 0;
  });
  return { rows, totalCount };
}

/** Natural keys used as cursors (`QXH-000001`, `QXC-2026-000001` …). */
export const NATURAL_KEY = /^[A-Z0-9-]{1,32}$/;
