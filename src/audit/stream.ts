import { getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { rawStatement } from "../db/raw-rows.js";
import { chainEntries, EMPTY_CHAIN, type ChainContent, type ChainHead, type ChainKey, type ChainValue, type Chained, type EntryContent } from "./chain.js";

// The append half of both streams (internal to src/audit). Appends to one stream are serialized by a
// transaction-scoped advisory lock: the holder reads the head, numbers its entries head+1 … and inserts
// them; the next holder's head read (a new READ COMMITTED snapshot taken after the lock is granted,
// inside the volatile function that takes it) sees them. No sequence: a sequence would leave holes on rollback, and seq must have none, so that a
// deleted row shows as a hole.

export type StreamName = "access_log" | "change_log";

/**
 * Fixed keys in the database-wide advisory lock space (pg_advisory_xact_lock(bigint)). Arbitrary but
 * constant: every process appending to one database must use the same key for the same stream.
 */
export const STREAM_LOCK_KEYS: { readonly [S in StreamName]: bigint } = {
  access_log: 0x4155_4449_5401n, // "AUDIT" 01
  change_log: 0x4155_4449_5402n, // "AUDIT" 02
};

const HEAD_LOCKED_TEXT = `select "seq", "hash" from audit_stream_head_locked($1::bigint, $2::text)`;

/** Rows per INSERT statement: keeps a large batch under PostgreSQL's 65 535 bind parameters. */
export const ROWS_PER_INSERT = 1000;

export interface StreamWriter<C extends EntryContent<C>> {
  readonly name: StreamName;
  /** The stream's table: its column types say which values it would store altered. */
  readonly table: PgTable;
  /** The last row's seq and hash, or null when the stream is empty. */
  readHead(tx: Database): Promise<ChainHead | null>;
  /** Inserts the rows in one statement. */
  insert(tx: Database, rows: Array<Chained<C>>): Promise<unknown>;
}

/**
 * Appends `contents` to the stream inside `tx`, which must be a transaction: the advisory lock is held,
 * and the entries stay invisible to other appenders, until it ends. Returns the stream's head after
 * them (the head once `tx` commits); null when there was nothing to append.
 */
export async function appendToStream<C extends EntryContent<C>>(
  tx: Database,
  stream: StreamWriter<C>,
  contents: readonly C[],
  key?: ChainKey,
): Promise<ChainHead | null> {
  if (contents.length === 0) return null;
  // The lock and the head read after it in one round trip (migrations/0009_stream_head.sql): every other
  // append waits for this transaction's commit, so the fewer round trips it holds the lock, the better.
  return insertChained(tx, stream, await lockedHead(tx, stream.name), contents, key);
}

/**
 * Takes the stream's append lock (held until `tx` ends) and reads its head under it, in one round trip
 * (migrations/0009_stream_head.sql).
 */
export async function lockedHead(tx: Database, name: StreamName): Promise<ChainHead> {
  const [head] = await rawStatement<{ seq: string | number; hash: string }>(tx, HEAD_LOCKED_TEXT, [STREAM_LOCK_KEYS[name].toString(), name], "audit_stream_head_locked");
  return head ? { seq: Number(head.seq), hash: head.hash } : EMPTY_CHAIN;
}

/**
 * Chains `contents` after `head` and inserts them; returns the new head. The caller guarantees that
 * nobody else appends meanwhile (the advisory lock, or an exclusive single-process database).
 */
export async function insertChained<C extends EntryContent<C>>(
  db: Database,
  stream: StreamWriter<C>,
  head: ChainHead,
  contents: readonly C[],
  key?: ChainKey,
): Promise<ChainHead> {
  const rows = chainStorable(stream, head, contents, key);
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await stream.insert(db, rows.slice(start, start + ROWS_PER_INSERT));
  }
  const last = rows.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : head;
}

/** Chains `contents` after `head` and checks that every row would be stored as hashed (see below). */
export function chainStorable<C extends EntryContent<C>>(stream: StreamWriter<C>, head: ChainHead, contents: readonly C[], key?: ChainKey): Array<Chained<C>> {
  const rows = chainEntries(head, contents, key);
  assertStorable(stream, rows);
  return rows;
}

/**
 * A committed entry must verify. A value the column would store differently from how it was given
 * (a varchar cut at its length, a lone surrogate; UUIDs are lower-cased before hashing) would be
 * hashed in one form and stored in another and read as tampering forever after: refuse it before
 * the insert. Checked in memory, so the hot path needs no read-back. The error names the column,
 * never the value (it may be personal data).
 */
export function assertStorable<C extends EntryContent<C>>(stream: Pick<StreamWriter<C>, "name" | "table">, rows: ReadonlyArray<C>): void {
  const columns = getTableColumns(stream.table) as Record<string, { length?: number }>;
  const storable = (value: ChainValue, max: number | undefined): boolean => {
    if (typeof value === "string") return value.isWellFormed() && (max === undefined || value.length <= max);
    if (Array.isArray(value)) return value.every((v: ChainValue) => storable(v, undefined));
    return true;
  };
  for (const row of rows) {
    for (const [key, value] of Object.entries(row as unknown as ChainContent)) {
      if (!storable(value, columns[key]?.length)) {
        throw new TypeError(`${stream.name}: ${key} would not be stored as given, so its hash could never verify`);
      }
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL stores a uuid in lower case: hash it in the form it will be read back in. */
export function canonicalUuid(value: string): string {
  const lower = value.toLowerCase();
  return lower === value || !UUID.test(value) ? value : lower;
}
