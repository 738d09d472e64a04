import { and, asc, count, gt, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { PageRequest } from "../shared/graphql/connection.js";
import type { Database } from "./client.js";

/**
 * Keyset paging over a unique, non-sensitive key column: `limit + 1` rows after the cursor key
 * plus the total under the same condition. Two statements, whatever the page size.
 */
export async function keysetPage<T extends PgTable>(args: {
  db: Database;
  table: T;
  key: AnyPgColumn;
  where: SQL | undefined;
  page: PageRequest;
}): Promise<{ rows: T["$inferSelect"][]; totalCount: number }> {
  const { db, table, key, where, page } = args;
  const rows = (await db
    .select()
    .from(table as PgTable)
    .where(and(where, page.afterKey ? gt(key, page.afterKey) : undefined))
    .orderBy(asc(key))
    .limit(page.limit + 1)) as T["$inferSelect"][];
  const [total] = await db.select({ n: count() }).from(table as PgTable).where(where);
  return { rows, totalCount: total?.n ?? 0 };
}

/** Natural keys used as cursors (`QXH-000001`, `QXC-2026-000001` …). */
export const NATURAL_KEY = /^[A-Z0-9-]{1,32}$/;
