import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import {
  canonicalizeEntry,
  chainEntries,
  computeEntryHash,
  EMPTY_CHAIN,
  type ChainContent,
  type ChainHead,
  type Chained,
  type EntryContent,
} from "./chain.js";

// The append half of both streams (internal to src/audit). Appends to one stream are serialized by a
// transaction-scoped advisory lock: the holder reads the head, numbers its entries head+1 … and inserts
// them; the next holder's head read (a new READ COMMITTED snapshot taken after the lock is granted) sees
// them. No sequence: a sequence would leave holes on rollback, and seq must have none, so that a
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

/** Rows per INSERT statement: keeps a large batch under PostgreSQL's 65 535 bind parameters. */
const ROWS_PER_INSERT = 1000;

export interface StreamWriter<C extends EntryContent<C>> {
  readonly name: StreamName;
  /** The last row's seq and hash, or null when the stream is empty. */
  readHead(tx: Database): Promise<ChainHead | null>;
  /** Inserts the rows in one statement and returns them as stored (RETURNING *). */
  insert(tx: Database, rows: Array<Chained<C>>): Promise<ReadonlyArray<ChainContent & { readonly seq: number }>>;
}

/**
 * Appends `contents` to the stream inside `tx`, which must be a transaction: the advisory lock is held,
 * and the entries stay invisible to other appenders, until it ends.
 */
export async function appendToStream<C extends EntryContent<C>>(
  tx: Database,
  stream: StreamWriter<C>,
  contents: readonly C[],
): Promise<void> {
  if (contents.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${STREAM_LOCK_KEYS[stream.name].toString()}::bigint)`);
  const rows = chainEntries((await stream.readHead(tx)) ?? EMPTY_CHAIN, contents);
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    assertStoredUnchanged(stream.name, chunk, await stream.insert(tx, chunk));
  }
}

/**
 * A committed entry must verify. A value the column stores differently from how it was given (an
 * upper-case UUID, a varchar silently cut at its trailing spaces, a lone surrogate) would otherwise
 * be hashed in one form and stored in another and read as tampering forever after: refuse it, which
 * rolls the transaction back. The error names the column, never the value (it may be personal data).
 */
function assertStoredUnchanged<C extends EntryContent<C>>(
  name: StreamName,
  given: ReadonlyArray<Chained<C>>,
  stored: ReadonlyArray<ChainContent & { readonly seq: number }>,
): void {
  const bySeq = new Map(stored.map((row) => [row.seq, row]));
  for (const entry of given) {
    const row = bySeq.get(entry.seq);
    if (!row) throw new Error(`${name}: the insert did not return seq ${entry.seq}`);
    const { hash, ...content } = row;
    if (hash === entry.hash && computeEntryHash(content) === entry.hash) continue;
    const sent = entry as unknown as ChainContent;
    const changed = Object.keys(sent).find(
      (key) => key !== "hash" && canonicalizeEntry({ v: row[key] ?? null }) !== canonicalizeEntry({ v: sent[key] ?? null }),
    );
    throw new TypeError(`${name}: ${changed ?? "a value"} would not be stored as given, so its hash could never verify`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL stores a uuid in lower case: hash it in the form it will be read back in. */
export function canonicalUuid(value: string): string {
  return UUID.test(value) ? value.toLowerCase() : value;
}
