import { getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { InsertTexts, rawStatement } from "../db/raw-rows.js";
import { changeLog } from "./audit.table.js";
import type { ChainKey, Chained } from "./chain.js";
import { appendToStream, canonicalUuid, type StreamWriter } from "./stream.js";

/** One changed field: who changed what, from which value to which. */
export interface ChangeEntry {
  at: Date;
  requestId: string;
  subject: string;
  orgCode: string;
  role: string;
  entityType: string;
  entityId: string;
  householdId: string | null;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  /** A sensitive field's values are never stored: see REDACTED. */
  sensitive: boolean;
}

/** What the change log stores instead of a sensitive field's non-null value. */
export const REDACTED = "[redacted]";

type ChangeContent = Omit<ChangeEntry, "sensitive">;

/** Every column of a chained entry, in statement order (the row's keys are the columns' properties). */
const ROW_KEYS = {
  seq: true,
  at: true,
  requestId: true,
  subject: true,
  orgCode: true,
  role: true,
  entityType: true,
  entityId: true,
  householdId: true,
  field: true,
  oldValue: true,
  newValue: true,
  prevHash: true,
  hash: true,
} as const satisfies Record<keyof Chained<ChangeContent>, true>;
const COLUMNS = getTableColumns(changeLog);
// Built once (a change's entries are one INSERT of a few rows, in every mutation's transaction: drizzle's
// building of it cost more than the statement).
const INSERTS = new InsertTexts(getTableName(changeLog), (Object.keys(ROW_KEYS) as Array<keyof typeof ROW_KEYS>).map((k) => [k, COLUMNS[k]] as const));
// (int8 arrives as a string; ordered by the table's column, not an output alias.)
const HEAD_TEXT = `select c."${COLUMNS.seq.name}" as seq, c."${COLUMNS.hash.name}" as hash from "${getTableName(changeLog)}" c order by c."${COLUMNS.seq.name}" desc limit 1`;

const writer: StreamWriter<ChangeContent> = {
  name: "change_log",
  readHead: async (tx) => {
    const [head] = await rawStatement<{ seq: string | number; hash: string }>(tx, HEAD_TEXT, [], "change_log_head");
    return head ? { seq: Number(head.seq), hash: head.hash } : null;
  },
  table: changeLog,
  insert: (tx, rows) => rawStatement(tx, INSERTS.text(rows.length), INSERTS.values(rows)),
};

/**
 * Appends entries to the change log inside the caller's transaction, so that a change and its log
 * commit or roll back together. `tx` must be a transaction (TypeError otherwise), at the default READ
 * COMMITTED level (under a stricter level a concurrent append makes this one fail on the primary key
 * rather than fork the chain). The stream's lock is held until `tx` ends: append as the transaction's
 * last step. Sensitive values are stored as REDACTED (null stays null): the log shows that a sensitive
 * field changed, not to what.
 */
export async function appendChangeEntries(tx: Database, entries: readonly ChangeEntry[], key?: ChainKey): Promise<void> {
  if (!is(tx, PgTransaction)) {
    // Outside a transaction the lock would end with its own statement and the log with the change's.
    throw new TypeError("appendChangeEntries runs inside the caller's transaction: pass the transaction, not the database");
  }
  if (entries.length === 0) return;
  await appendToStream(tx, writer, entries.map(changeContent), key);
}

function changeContent(e: ChangeEntry): ChangeContent {
  const stored = (value: string | null) => (value === null ? null : e.sensitive ? REDACTED : value);
  return {
    at: e.at,
    requestId: e.requestId,
    subject: e.subject,
    orgCode: e.orgCode,
    role: e.role,
    entityType: e.entityType,
    entityId: e.entityId,
    householdId: e.householdId === null ? null : canonicalUuid(e.householdId),
    field: e.field,
    oldValue: stored(e.oldValue),
    newValue: stored(e.newValue),
  };
}
