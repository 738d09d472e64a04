import { desc, getTableColumns, getTableName } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database, DbHandle } from "../db/client.js";
import type { OrgKind } from "../modules/organizations/organizations.enums.js";
import type { DataCategory } from "../privacy/categories.js";
import { accessLog, type AccessLogRow } from "./audit.table.js";
import { canonicalizeEntry, EMPTY_CHAIN, type ChainContent, type ChainHead, type ChainKey, type ChainValue } from "./chain.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../db/errors.js";
import { ROWS_PER_INSERT, appendToStream, canonicalUuid, chainStorable, type StreamWriter } from "./stream.js";
import type { Chained } from "./chain.js";

/** What one entity type showed in a request, or one kind of refusal. */
export interface AccessDisclosure {
  outcome: "ALLOWED" | "DENIED";
  entityType: string;
  entityIds: string[];
  /** The households the entities belong to (or the household a refused lookup aimed at). */
  householdIds: string[];
  /** Categories disclosed in FULL (what was shown, not what was asked); empty when DENIED. */
  categoriesFull: DataCategory[];
  /** A reason code for DENIED; never personal data. */
  detail: string | null;
}

/** Who made a request, for which org and purpose, and what it asked. */
interface AccessRequest {
  at: Date;
  requestId: string;
  subject: string;
  orgCode: string;
  orgKind: OrgKind;
  role: string;
  purpose: string | null;
  /** GraphQL operation paths, e.g. `Query.household`. */
  operation: string;
}

/** One request's reads of household data, allowed or denied: the request and what it disclosed. */
export interface AccessEntry extends AccessRequest {
  disclosures: AccessDisclosure[];
}

/** The hashed content of a format-2 row: exactly the columns it sets. */
interface AccessContent extends AccessRequest {
  outcome: "ALLOWED" | "DENIED";
  householdIds: string[];
  categoriesFull: DataCategory[];
  disclosures: string;
}

const writer: StreamWriter<AccessContent> = {
  name: "access_log",
  readHead: async (tx) => {
    const [head] = await tx
      .select({ seq: accessLog.seq, hash: accessLog.hash })
      .from(accessLog)
      .orderBy(desc(accessLog.seq))
      .limit(1);
    return head ?? null;
  },
  table: accessLog,
  insert: (tx, rows) => tx.insert(accessLog).values(rows),
};

/**
 * Appends entries (one per request) to the access log in one transaction of its own (the log of a
 * read must not depend on the read's transaction), numbered and hash-chained after the current head.
 * An empty list is a no-op. On PGlite, do not call it from inside another transaction on the same database: PGlite has one
 * connection and the two would wait on each other.
 */
export async function appendAccessEntries(db: Database, entries: readonly AccessEntry[], key?: ChainKey): Promise<void> {
  if (entries.length === 0) return;
  const contents = entries.map(accessContent);
  // Every statement through tx: on PGlite the transaction holds the only connection.
  await db.transaction((tx) => appendToStream(tx, writer, contents, key));
}

/**
 * The row for a request. Household ids are lower-cased (the uuid column's form) before hashing; the
 * disclosures are stored as their canonical JSON, so the stored text is exactly what was hashed.
 */
export function accessContent(e: AccessEntry): AccessContent {
  const households = new Set<string>();
  const categories = new Set<DataCategory>();
  let outcome: AccessContent["outcome"] = "ALLOWED";
  const disclosures = e.disclosures.map((d) => {
    const householdIds = d.householdIds.map(canonicalUuid);
    householdIds.forEach((h) => households.add(h));
    if (d.outcome === "DENIED") outcome = "DENIED";
    else d.categoriesFull.forEach((c) => categories.add(c));
    return canonicalizeEntry({
      outcome: d.outcome,
      entityType: d.entityType,
      entityIds: d.entityIds,
      householdIds,
      categoriesFull: [...d.categoriesFull].sort(),
      detail: d.detail,
    });
  });
  return {
    at: e.at,
    requestId: e.requestId,
    subject: e.subject,
    orgCode: e.orgCode,
    orgKind: e.orgKind,
    role: e.role,
    purpose: e.purpose,
    operation: e.operation,
    outcome,
    householdIds: [...households],
    categoriesFull: [...categories].sort(),
    disclosures: `[${disclosures.join(",")}]`,
  };
}

/** The columns only format-1 rows (before migration 0003) set. */
const FORMAT_1_ONLY = ["entityType", "entityIds", "detail"] as const;

/**
 * What a stored row's hash covers. Format 2 (disclosures set): every column but `hash` and the
 * format-1-only ones, which must be null — a value there was not written by the hub. Format 1: every
 * column but `hash` and `disclosures`, as those rows were hashed. Null when the row fits neither.
 */
export function accessLogContent(row: Record<string, ChainValue>): ChainContent | null {
  const { hash: _hash, disclosures, ...rest } = row;
  if (disclosures === null || disclosures === undefined) return rest;
  if (FORMAT_1_ONLY.some((c) => rest[c] !== null && rest[c] !== undefined)) return null;
  const content: Record<string, ChainValue> = { ...rest, disclosures };
  for (const c of FORMAT_1_ONLY) delete content[c];
  return content;
}

/** A stored row's disclosures, whichever format it was written in. */
export function disclosuresOf(row: AccessLogRow): AccessDisclosure[] {
  if (row.disclosures !== null) return JSON.parse(row.disclosures) as AccessDisclosure[];
  return [
    {
      outcome: row.outcome,
      entityType: row.entityType ?? "",
      entityIds: row.entityIds ?? [],
      householdIds: row.householdIds,
      categoriesFull: row.categoriesFull,
      detail: row.detail,
    },
  ];
}

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
