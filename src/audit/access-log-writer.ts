import { getTableColumns, getTableName } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { DbHandle } from "../db/client.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../db/errors.js";
import { accessContent, accessLogStream as writer, appendAccessEntries, type AccessContent, type AccessEntry } from "./access-log.js";
import { accessLog } from "./audit.table.js";
import { EMPTY_CHAIN, type ChainHead, type ChainKey, type Chained } from "./chain.js";
import { ROWS_PER_INSERT, chainStorable } from "./stream.js";

/**
 * The hub's access-log writer: one INSERT per request in the common case. Appends are serialized in
 * process and the chain head is kept in memory. Other writers (more hub instances on one PostgreSQL)
 * are detected optimistically: seq is the primary key and has no gaps, so an insert chained after a
 * stale head collides with the row someone else wrote at that seq (23505) and changes nothing; the
 * writer then re-reads the head and chains again. Under sustained contention it falls back to the
 * locked path. A chain can therefore not fork, and no lock or head read is paid per request.
 *
 * The INSERT's text is built once from the table definition and sent through DbHandle.query, with
 * values converted by the columns' own mapToDriverValue: the same statement drizzle would send,
 * without its per-call query building (about half the write's cost on PGlite).
 */
export class AccessLogWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private head: ChainHead | null = null;

  constructor(
    private readonly handle: Pick<DbHandle, "db" | "query">,
    private readonly key?: ChainKey,
  ) {}

  append(entries: readonly AccessEntry[]): Promise<void> {
    const run = this.queue.then(() => this.appendNow(entries));
    this.queue = run.catch(() => {});
    return run;
  }

  private async appendNow(entries: readonly AccessEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One statement is atomic on its own; a batch that needs several takes the locked transaction.
    if (entries.length > ROWS_PER_INSERT) return appendAccessEntries(this.handle.db, entries, this.key);
    const contents = entries.map(accessContent);
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      try {
        this.head ??= (await writer.readHead(this.handle.db)) ?? EMPTY_CHAIN;
        const rows = chainStorable(writer, this.head, contents, this.key);
        await this.handle.query(insertText(rows.length), rows.flatMap(driverValues));
        const last = rows.at(-1)!;
        this.head = { seq: last.seq, hash: last.hash };
        return;
      } catch (err) {
        this.head = null;
        if (databaseErrorOf(err)?.code !== UNIQUE_VIOLATION) throw err;
      }
    }
    await appendAccessEntries(this.handle.db, entries, this.key);
  }
}

const OPTIMISTIC_ATTEMPTS = 3;

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

/** Those columns in statement order, with the drizzle column that converts each value. */
const INSERT_COLUMNS: ReadonlyArray<readonly [keyof Chained<AccessContent>, PgColumn]> = (() => {
  const columns = getTableColumns(accessLog) as Record<string, PgColumn>;
  return (Object.keys(ROW_KEYS) as Array<keyof typeof ROW_KEYS>).map((k) => [k, columns[k]!] as const);
})();

const insertTexts = new Map<number, string>();

function insertText(rows: number): string {
  let text = insertTexts.get(rows);
  if (!text) {
    const names = INSERT_COLUMNS.map(([, c]) => `"${c.name}"`).join(", ");
    const tuples = Array.from({ length: rows }, (_, r) => `(${INSERT_COLUMNS.map((_, c) => `$${r * INSERT_COLUMNS.length + c + 1}`).join(", ")})`);
    text = `insert into "${getTableName(accessLog)}" (${names}) values ${tuples.join(", ")}`;
    if (rows <= 8) insertTexts.set(rows, text);
  }
  return text;
}

function driverValues(row: Chained<AccessContent>): unknown[] {
  return INSERT_COLUMNS.map(([key, column]) => {
    const value = row[key];
    return value === null ? null : column.mapToDriverValue(value);
  });
}
