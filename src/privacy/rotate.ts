import { randomBytes } from "node:crypto";
import { and, asc, isNotNull, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { households, persons } from "../modules/households/households.table.js";
import { idempotencyKeys } from "../modules/idempotency/idempotency.table.js";
import { ENCRYPTED_FIELDS, FieldCryptoError, newKeyId, readFieldKeyFile, writeFieldKeyFile, type FieldCipher } from "./crypto.js";

// Field key rotation without downtime for reads (`npm run keys:rotate`):
//
//   1. addActiveKey: a fresh key becomes the active one in the key file; every old key stays in it.
//   2. reencryptAll: every value not under the active key is decrypted (the cipher still knows the
//      old keys) and encrypted again under the active key, batch by batch.
//   3. optionally retireUnusedKeys: keys no row uses any more leave the file.
//
// Running hubs keep serving reads throughout: a hub that meets a value under a key id it does not
// know re-reads the key file (FieldCipher.decrypt), and every old key is still in it. But a hub that
// started before step 1 keeps encrypting NEW writes under the previous key until it reloads (it
// reloads only when it reads a value under a key it does not know, or restarts). That is why
// reencryptAll loops until a select finds nothing, not just once over the table, and why retiring
// checks which keys rows still use instead of assuming "everything is under the new key now". Even
// then, retire only once every hub has reloaded or restarted: a stale hub holds the previous key in
// memory and can write one more value under it after the usage check.
//
// The blind index (persons.id_number_bidx) uses its own key, which never rotates: it is untouched.

/** One encrypted column: where it lives and the context bound into its values as AAD. */
export interface EncryptedColumn {
  /** The encryption context, also the column's name in summaries: `persons.id_number`. */
  readonly context: string;
  readonly table: PgTable;
  readonly id: PgColumn;
  readonly column: PgColumn;
}

/** Every encrypted column of the schema. A new encrypted column must be added here to be rotated. */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { context: ENCRYPTED_FIELDS.personIdNumber, table: persons, id: persons.id, column: persons.idNumberEnc },
  { context: ENCRYPTED_FIELDS.personPhone, table: persons, id: persons.id, column: persons.phoneEnc },
  { context: ENCRYPTED_FIELDS.householdBankAccount, table: households, id: households.id, column: households.bankAccountEnc },
  // Stored responses expire within a day, but until then a retired key would make them unreadable.
  { context: ENCRYPTED_FIELDS.idempotencyResponse, table: idempotencyKeys, id: idempotencyKeys.id, column: idempotencyKeys.responseEnc },
];

const DEFAULT_BATCH_SIZE = 500;

/** A rotation step that cannot go on (a value no known key decrypts, a key file it may not change). */
export class KeyRotationError extends Error {
  override readonly name = "KeyRotationError";
}

/** LIKE pattern for "a v1 value under this key id". `_` is legal in key ids and a LIKE wildcard: escaped. */
function underKey(column: PgColumn, keyId: string): SQL {
  const escaped = `v1.${keyId}.`.replace(/[!%_]/g, "!$&");
  return sql`${column} like ${`${escaped}%`} escape '!'`;
}

/** Rows of an `update … returning` from either driver (pg QueryResult and PGlite Results both carry `rows`). */
function rowsOf(result: unknown): unknown[] {
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new TypeError("unexpected result shape from the database driver");
  return rows;
}

/**
 * Re-encrypts every value not under `cipher.activeKeyId`, column by column, `batchSize` rows per
 * transaction. Each update is guarded by the value it replaces, so a value a hub wrote meanwhile is
 * never overwritten (if that value is under an old key too, a later batch picks it up). Loops until a
 * select finds nothing. `updated_at` is left as it was: the plaintext did not change.
 * Throws KeyRotationError for a value the cipher cannot decrypt (unknown key, failed authentication):
 * skipping it would loop forever, and retiring its key afterwards would lose it.
 */
export async function reencryptAll(args: {
  db: Database;
  cipher: FieldCipher;
  batchSize?: number;
  onProgress?: (p: { column: string; done: number }) => void;
}): Promise<{ column: string; reencrypted: number }[]> {
  const { db, cipher, onProgress } = args;
  const batchSize = args.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const summary: { column: string; reencrypted: number }[] = [];
  for (const c of ENCRYPTED_COLUMNS) {
    let done = 0;
    for (;;) {
      // Read on every batch: a hub may have reloaded its keys (or not) since the last one.
      const active = cipher.activeKeyId;
      // Every statement goes through `tx`: PGlite has one connection, and a statement sent on `db`
      // while the transaction holds it would wait forever.
      const selected = await db.transaction(async (tx) => {
        const rows = await tx
          .select({ id: c.id, value: c.column })
          .from(c.table)
          .where(and(isNotNull(c.column), sql`not (${underKey(c.column, active)})`))
          .orderBy(asc(c.id))
          .limit(batchSize);
        let updated = 0;
        for (const row of rows) {
          const id = row.id as string;
          const old = row.value as string;
          let next: string;
          try {
            next = cipher.encrypt(cipher.decrypt(old, c.context), c.context);
          } catch (error) {
            if (!(error instanceof FieldCryptoError)) throw error;
            // The id is a random uuid, the message names the key: neither discloses the value.
            throw new KeyRotationError(`${c.context} of row ${id} cannot be re-encrypted: ${error.message}`, { cause: error });
          }
          const result = await tx.execute(
            sql`update ${c.table} set ${sql.identifier(c.column.name)} = ${next} where ${c.id} = ${id} and ${c.column} = ${old} returning ${c.id}`,
          );
          updated += rowsOf(result).length;
        }
        return { rows: rows.length, updated };
      });
      if (selected.rows === 0) break;
      done += selected.updated;
      onProgress?.({ column: c.context, done });
    }
    summary.push({ column: c.context, reencrypted: done });
  }
  return summary;
}

/** Rows (over every encrypted column) holding a value under `keyId`. */
export async function retiredKeysInUse(db: Database, keyId: string): Promise<number> {
  let total = 0;
  for (const c of ENCRYPTED_COLUMNS) total += await db.$count(c.table, underKey(c.column, keyId));
  return total;
}

/**
 * Adds a fresh 32-byte key under `newKeyId(now)` and makes it active. Every old key stays in the file
 * (hubs still decrypt values under them); written atomically, so a hub never reads half a file.
 */
export function addActiveKey(file: string, now: Date = new Date()): { previous: string; active: string } {
  const current = readFieldKeyFile(file);
  let active = newKeyId(now);
  // Two rotations within one second share a prefix; the random suffix is short.
  while (current.keys.has(active)) active = newKeyId(now);
  const keys = new Map(current.keys);
  keys.set(active, randomBytes(32));
  writeFieldKeyFile(file, { ...current, activeKeyId: active, keys });
  return { previous: current.activeKeyId, active };
}

/**
 * Removes from the key file every key not in `keep`. The active key is never removed (asking to drop
 * it is a KeyRotationError); the blind-index key is not an encryption key and always stays. Does not
 * look at the database: see retireUnusedKeys for the checked variant.
 */
export function retireKeys(file: string, keep: string[]): { removed: string[]; kept: string[] } {
  const current = readFieldKeyFile(file);
  if (!keep.includes(current.activeKeyId)) {
    throw new KeyRotationError(`refusing to retire the active field key ${current.activeKeyId}`);
  }
  const keys = new Map([...current.keys].filter(([kid]) => keep.includes(kid)));
  const removed = [...current.keys.keys()].filter((kid) => !keys.has(kid));
  if (removed.length > 0) writeFieldKeyFile(file, { ...current, keys });
  return { removed, kept: [...keys.keys()] };
}

/**
 * Retires every key of the file that no row uses any more (checked with retiredKeysInUse); the active
 * key always stays. Keys still in use are kept and reported with their row counts.
 */
export async function retireUnusedKeys(
  db: Database,
  file: string,
): Promise<{ removed: string[]; kept: string[]; inUse: Record<string, number> }> {
  const current = readFieldKeyFile(file);
  const inUse: Record<string, number> = {};
  const keep = [current.activeKeyId];
  for (const kid of current.keys.keys()) {
    if (kid === current.activeKeyId) continue;
    const rows = await retiredKeysInUse(db, kid);
    if (rows > 0) {
      inUse[kid] = rows;
      keep.push(kid);
    }
  }
  return { ...retireKeys(file, keep), inUse };
}

/**
 * A whole rotation of a key file, as `npm run keys:rotate` and the hub's `rotateFieldKeys` run it: a
 * new active key (`onKeyAdded` runs as soon as it is), every value re-encrypted under it, and with
 * `retire` the old keys no value uses any more removed. `cipher` must read `file`: it is reloaded
 * after each change to it.
 */
export async function rotateKeyFile(args: {
  db: Database;
  file: string;
  cipher: FieldCipher;
  retire: boolean;
  onKeyAdded?: (keys: { previous: string; active: string }) => Promise<void> | void;
}): Promise<{
  previous: string;
  active: string;
  reencrypted: { column: string; reencrypted: number }[];
  retired: { removed: string[]; inUse: Record<string, number> } | null;
}> {
  const { db, file, cipher } = args;
  const keys = addActiveKey(file);
  cipher.reloadKeys();
  await args.onKeyAdded?.(keys);
  const reencrypted = await reencryptAll({ db, cipher });
  let retired: { removed: string[]; inUse: Record<string, number> } | null = null;
  if (args.retire) {
    const { removed, inUse } = await retireUnusedKeys(db, file);
    cipher.reloadKeys();
    retired = { removed, inUse };
  }
  return { ...keys, reencrypted, retired };
}
