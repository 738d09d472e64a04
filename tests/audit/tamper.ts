import { asc, eq, gte, sql } from "drizzle-orm";
import { accessLog, accessLogContent, changeLog, computeEntryHash, GENESIS_HASH, type ChainContent } from "../../src/audit/index.js";
import type { Database } from "../../src/db/client.js";

// What an attacker with owner rights on the database does to the audit tables, for the checkpoint
// suites: the append-only trigger off (as the table owner may), rows deleted, or a row rewritten and
// every later hash recomputed with the HMAC audit key (the attacker who also read DATA_DIR).

export type Stream = "access_log" | "change_log";

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back: tampering that leaves the database as it was. */
export async function rolledBack<T>(db: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  try {
    await db.transaction(async (tx) => {
      result = { value: await fn(tx) };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result!.value;
}

/** Acting as the table owner: the append-only trigger off (for the rest of the transaction, or until enabled). */
export async function disableTrigger(db: Database, stream: Stream): Promise<void> {
  await db.execute(sql.raw(`ALTER TABLE ${stream} DISABLE TRIGGER ${stream}_append_only`));
}

export async function enableTrigger(db: Database, stream: Stream): Promise<void> {
  await db.execute(sql.raw(`ALTER TABLE ${stream} ENABLE TRIGGER ${stream}_append_only`));
}

/** Deletes the rows with seq above `keep` (0: every row). The trigger must be off. */
export async function deleteAbove(db: Database, stream: Stream, keep: number): Promise<void> {
  await db.execute(sql.raw(`DELETE FROM ${stream} WHERE seq > ${Number(keep)}`));
}

/**
 * Rewrites row `seq` (its operation, or its new value in the change log) and recomputes its hash and
 * every later row's prevHash and hash with the chains' HMAC key, as the hub would have written them:
 * the chain stays consistent with itself. The trigger must be off.
 */
export async function rewriteAndRechain(db: Database, stream: Stream, seq: number, key: Buffer): Promise<void> {
  if (stream === "access_log") {
    const rows = await db.select().from(accessLog).where(gte(accessLog.seq, seq - 1)).orderBy(asc(accessLog.seq));
    let prevHash = seq === 1 ? GENESIS_HASH : rows.shift()!.hash;
    for (const row of rows) {
      const edited = { ...row, prevHash, operation: row.seq === seq ? "Query.rewritten" : row.operation };
      const hash = computeEntryHash(accessLogContent(edited)!, key);
      await db.update(accessLog).set({ operation: edited.operation, prevHash, hash }).where(eq(accessLog.seq, row.seq));
      prevHash = hash;
    }
    return;
  }
  const rows = await db.select().from(changeLog).where(gte(changeLog.seq, seq - 1)).orderBy(asc(changeLog.seq));
  let prevHash = seq === 1 ? GENESIS_HASH : rows.shift()!.hash;
  for (const row of rows) {
    const { hash: _old, ...content } = { ...row, prevHash, newValue: row.seq === seq ? "REWRITTEN" : row.newValue };
    const hash = computeEntryHash(content as ChainContent, key);
    await db.update(changeLog).set({ newValue: content.newValue, prevHash, hash }).where(eq(changeLog.seq, row.seq));
    prevHash = hash;
  }
}
