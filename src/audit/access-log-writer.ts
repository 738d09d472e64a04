import { getTableColumns, getTableName } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { InsertTexts } from "../db/raw-rows.js";
import type { DbHandle } from "../db/client.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../db/errors.js";
import { accessContent, accessLogStream, type AccessContent, type AccessEntry } from "./access-log.js";
import { accessLog } from "./audit.table.js";
import { EMPTY_CHAIN, type ChainHead, type ChainKey, type Chained } from "./chain.js";
import { ROWS_PER_INSERT, appendToStream, chainStorable } from "./stream.js";

/** One append() call waiting for the commit that holds its entries. */
interface Waiter {
  readonly contents: readonly AccessContent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The hub's access-log writer, with group commit: entries that arrive while one batch's INSERT is in
 * flight wait in a queue and are written together as the next batch — one multi-row INSERT, one
 * commit — as PostgreSQL's own WAL flush serves every commit queued behind the one in progress. No
 * timer: an idle writer starts a batch at the end of the current event-loop turn (setImmediate), so
 * entries issued in the same turn share it, and under load each batch is whatever queued during the
 * last. A batch holds at most MAX_BATCH_ROWS rows (PostgreSQL's bind-parameter limit).
 *
 * - Durability: append() resolves only once the INSERT holding its entries has returned, i.e. its
 *   commit (a single statement commits on its own); the response waits for that (server.ts).
 * - Order: entries are chained in the order append() was called, each batch after the last, so the
 *   chain stays linear; an entry that cannot be stored as hashed is refused alone, before any SQL.
 * - Failure: one statement is atomic, so a failed INSERT stores none of its rows; every append()
 *   in that batch rejects (the responses then carry no data), and the cached head is dropped, so the
 *   next batch re-reads the last durable row: no gap, and no fork even if the failure came after a
 *   commit whose acknowledgement was lost (those rows then stay in the chain, logged for responses
 *   that carried no data: the safe side).
 *
 * The chain head is kept in memory. Other writers (more hub instances on one PostgreSQL) are detected
 * optimistically: seq is the primary key and has no gaps, so a batch chained after a stale head
 * collides with the row someone else wrote at that seq (23505) and changes nothing; the writer then
 * re-reads the head and chains the batch again. Under sustained contention, and for a single append
 * too large for one statement, it takes the locked path (advisory lock, head read under it, one
 * transaction). A chain can therefore not fork, and no lock or head read is paid per batch.
 *
 * The INSERT's text is built from the table definition and sent through DbHandle.query, with
 * values converted by the columns' own mapToDriverValue: the same statement drizzle would send,
 * without its per-call query building (about half the write's cost on PGlite).
 */
export class AccessLogWriter {
  /** Entries waiting for the next batch, in the order append() was called. */
  private pending: Waiter[] = [];
  /** A drain is scheduled or running; it writes batches until nothing is pending. */
  private draining = false;
  /** The last durable row as far as this writer knows; null → read it before the next batch. */
  private head: ChainHead | null = null;

  constructor(
    private readonly handle: Pick<DbHandle, "db" | "query">,
    private readonly key?: ChainKey,
  ) {}

  /** Appends one request's entries; resolves once they are committed, rejects if they were not. */
  append(entries: readonly AccessEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    let contents: AccessContent[];
    try {
      contents = entries.map(accessContent);
    } catch (error) {
      return Promise.reject(error);
    }
    const committed = new Promise<void>((resolve, reject) => this.pending.push({ contents, resolve, reject }));
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.drain());
    }
    return committed;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.write(this.takeBatch());
    } finally {
      this.draining = false;
    }
  }

  /** The longest run of pending waiters, in order, that fits one batch (at least one). */
  private takeBatch(): Waiter[] {
    let rows = this.pending[0]!.contents.length;
    let n = 1;
    while (n < this.pending.length && rows + this.pending[n]!.contents.length <= MAX_BATCH_ROWS) rows += this.pending[n++]!.contents.length;
    return this.pending.splice(0, n);
  }

  /** Writes one batch and settles every waiter in it; never throws. */
  private async write(batch: readonly Waiter[]): Promise<void> {
    let waiters = batch;
    try {
      // A single append too large for one statement takes the locked transaction (several INSERTs).
      const attempts = rowCount(batch) > MAX_BATCH_ROWS ? 0 : OPTIMISTIC_ATTEMPTS;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const head = (this.head ??= (await accessLogStream.readHead(this.handle.db)) ?? EMPTY_CHAIN);
        const chained = this.chain(head, waiters);
        waiters = chained.waiters;
        if (waiters.length === 0) return;
        try {
          await this.handle.query(INSERTS.text(chained.rows.length), INSERTS.values(chained.rows));
        } catch (error) {
          if (databaseErrorOf(error)?.code !== UNIQUE_VIOLATION) throw error;
          this.head = null; // another writer holds these seqs: re-read the head, chain the batch again
          continue;
        }
        this.head = chained.head;
        for (const w of waiters) w.resolve();
        return;
      }
      const contents = waiters.flatMap((w) => w.contents);
      this.head = await this.handle.db.transaction((tx) => appendToStream(tx, accessLogStream, contents, this.key));
      for (const w of waiters) w.resolve();
    } catch (error) {
      // Nothing of the batch is known to be stored: every waiter fails, and the next batch re-reads.
      this.head = null;
      for (const w of waiters) w.reject(error);
    }
  }

  /**
   * Chains the waiters' entries after `head` in queue order. A waiter whose entries cannot be hashed
   * or stored as hashed is rejected here and left out (its values, not the database, are at fault).
   */
  private chain(head: ChainHead, waiters: readonly Waiter[]): { rows: Array<Chained<AccessContent>>; waiters: Waiter[]; head: ChainHead } {
    const rows: Array<Chained<AccessContent>> = [];
    const kept: Waiter[] = [];
    let last = head;
    for (const w of waiters) {
      let chained: Array<Chained<AccessContent>>;
      try {
        chained = chainStorable(accessLogStream, last, w.contents, this.key);
      } catch (error) {
        w.reject(error);
        continue;
      }
      for (const row of chained) rows.push(row);
      kept.push(w);
      const end = chained.at(-1)!;
      last = { seq: end.seq, hash: end.hash };
    }
    return { rows, waiters: kept, head: last };
  }
}

const OPTIMISTIC_ATTEMPTS = 3;

function rowCount(waiters: readonly Waiter[]): number {
  return waiters.reduce((n, w) => n + w.contents.length, 0);
}

/** Every column a format-2 row sets (its content plus the chain's three): exhaustive by type. */
const ROW_KEYS = {
  seq: true,
  at: true,
  requestId: true,
  subject: true,
  orgCode: true,
  orgKind: true,
  role: true,
  purpose: true,
  operation: true,
  outcome: true,
  householdIds: true,
  categoriesFull: true,
  disclosures: true,
  prevHash: true,
  hash: true,
} as const satisfies Record<keyof Chained<AccessContent>, true>;

/** Those columns in statement order, with the drizzle column that converts each value; texts built once. */
const INSERTS = (() => {
  const columns = getTableColumns(accessLog) as Record<string, PgColumn>;
  return new InsertTexts(getTableName(accessLog), (Object.keys(ROW_KEYS) as Array<keyof typeof ROW_KEYS>).map((k) => [k, columns[k]!] as const));
})();

/** PostgreSQL's limit on one statement's bind parameters ($1 … $65535). */
const MAX_BIND_PARAMETERS = 65_535;

/** Rows per batch: one INSERT of INSERT_COLUMNS.length parameters a row, within MAX_BIND_PARAMETERS. */
export const MAX_BATCH_ROWS = Math.min(ROWS_PER_INSERT, Math.floor(MAX_BIND_PARAMETERS / INSERTS.columns.length));
