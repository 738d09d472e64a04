import { desc } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { OrgKind } from "../modules/organizations/index.js";
import type { DataCategory } from "../privacy/categories.js";
import { accessLog } from "./audit.table.js";
import { EMPTY_CHAIN, type ChainHead, type ChainKey } from "./chain.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../db/errors.js";
import { ROWS_PER_INSERT, appendToStream, canonicalUuid, insertChained, type StreamWriter } from "./stream.js";

/** One read of household data, allowed or denied: who, for which org and purpose, what was disclosed. */
export interface AccessEntry {
  at: Date;
  requestId: string;
  subject: string;
  orgCode: string;
  orgKind: OrgKind;
  role: string;
  purpose: string | null;
  /** GraphQL operation path, e.g. `Query.household`. */
  operation: string;
  outcome: "ALLOWED" | "DENIED";
  entityType: string;
  entityIds: string[];
  householdIds: string[];
  /** Categories disclosed in FULL (what was shown, not what was asked). */
  categoriesFull: DataCategory[];
  /** A reason code for DENIED entries; never personal data. */
  detail: string | null;
}

const writer: StreamWriter<AccessEntry> = {
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
 * Appends entries to the access log in one transaction of its own (the log of a read must not depend
 * on the read's transaction), numbered and hash-chained after the current head. An empty list is a
 * no-op. On PGlite, do not call it from inside another transaction on the same database: PGlite has one
 * connection and the two would wait on each other.
 */
export async function appendAccessEntries(db: Database, entries: readonly AccessEntry[], key?: ChainKey): Promise<void> {
  if (entries.length === 0) return;
  const contents = entries.map(accessContent);
  // Every statement through tx: on PGlite the transaction holds the only connection.
  await db.transaction((tx) => appendToStream(tx, writer, contents, key));
}

/** The hashed content of an entry: exactly the columns, copied (callers' arrays may change later). */
function accessContent(e: AccessEntry): AccessEntry {
  return {
    at: e.at,
    requestId: e.requestId,
    subject: e.subject,
    orgCode: e.orgCode,
    orgKind: e.orgKind,
    role: e.role,
    purpose: e.purpose,
    operation: e.operation,
    outcome: e.outcome,
    entityType: e.entityType,
    entityIds: [...e.entityIds],
    householdIds: e.householdIds.map(canonicalUuid),
    categoriesFull: [...e.categoriesFull],
    detail: e.detail,
  };
}

/**
 * The hub's access-log writer: one INSERT per request in the common case. Appends are serialized in
 * process and the chain head is kept in memory. Other writers (more hub instances on one PostgreSQL)
 * are detected optimistically: seq is the primary key and has no gaps, so an insert chained after a
 * stale head collides with the row someone else wrote at that seq (23505) and changes nothing; the
 * writer then re-reads the head and chains again. Under sustained contention it falls back to the
 * locked path. A chain can therefore not fork, and no lock or head read is paid per request.
 */
export class AccessLogWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private head: ChainHead | null = null;

  constructor(
    private readonly db: Database,
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
    if (entries.length > ROWS_PER_INSERT) return appendAccessEntries(this.db, entries, this.key);
    const contents = entries.map(accessContent);
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      try {
        this.head ??= (await writer.readHead(this.db)) ?? EMPTY_CHAIN;
        this.head = await insertChained(this.db, writer, this.head, contents, this.key);
        return;
      } catch (err) {
        this.head = null;
        if (databaseErrorOf(err)?.code !== UNIQUE_VIOLATION) throw err;
      }
    }
    await appendAccessEntries(this.db, entries, this.key);
  }
}

const OPTIMISTIC_ATTEMPTS = 3;
