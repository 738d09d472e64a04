import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { idempotencyKeys, type IdempotencyKeyRow } from "./idempotency.table.js";

/**
 * One caller's idempotency keys. Every statement carries the caller: a key is only ever found, claimed
 * or completed among its own. Run it on the request's transaction handle.
 */
export class IdempotencyRepository {
  constructor(
    private readonly db: Database,
    private readonly caller: string,
  ) {}

  /**
   * Inserts the key's row unless the caller already has one; its id when inserted, else null. On
   * PostgreSQL, while another transaction holds an uncommitted row for the same key this waits for it
   * (bounded by lock_timeout, see boundLockWaits) and, once that one commits, inserts nothing.
   */
  async claim(args: { keyHash: string; requestHash: string; createdAt: Date; expiresAt: Date }): Promise<string | null> {
    const [row] = await this.db
      .insert(idempotencyKeys)
      .values({ caller: this.caller, ...args })
      .onConflictDoNothing({ target: [idempotencyKeys.caller, idempotencyKeys.keyHash] })
      .returning({ id: idempotencyKeys.id });
    return row?.id ?? null;
  }

  async find(keyHash: string): Promise<IdempotencyKeyRow | null> {
    const [row] = await this.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.caller, this.caller), eq(idempotencyKeys.keyHash, keyHash)))
      .limit(1);
    return row ?? null;
  }

  /** Removes the row if it has expired by `now` (a purge may not have reached it yet). */
  async removeExpired(id: string, now: Date): Promise<void> {
    await this.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.caller, this.caller), lte(idempotencyKeys.expiresAt, now)));
  }

  /** Writes the response into the row this transaction claimed. */
  async complete(id: string, responseEnc: string): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({ responseEnc })
      .where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.caller, this.caller)));
  }

  /** PostgreSQL: lock waits in this transaction give up after `ms` (SQLSTATE 55P03) instead of waiting on. */
  async boundLockWaits(ms: number): Promise<void> {
    await this.db.execute(sql`select set_config('lock_timeout', ${`${Math.max(1, Math.round(ms))}ms`}, true)`);
  }

  /** Back to the server's lock_timeout for the rest of the transaction (the mutation's own waits). */
  async unboundLockWaits(): Promise<void> {
    await this.db.execute(sql`reset lock_timeout`);
  }
}

export const LOCK_NOT_AVAILABLE = "55P03";

/**
 * System access, for every caller: deletes up to `limit` rows expired by `now`; how many it deleted.
 * Rows another transaction has locked are skipped (a concurrent request is replacing them).
 */
export async function systemPurgeExpiredKeys(db: Database, args: { now: Date; limit: number }): Promise<number> {
  const { now, limit } = args;
  const expired = db
    .select({ id: idempotencyKeys.id })
    .from(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, now))
    .limit(limit)
    .for("update", { skipLocked: true });
  const deleted = await db.delete(idempotencyKeys).where(inArray(idempotencyKeys.id, expired)).returning({ id: idempotencyKeys.id });
  return deleted.length;
}
