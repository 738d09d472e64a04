import { getTableColumns, getTableName, is, sql, type Placeholder, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { InsertTexts, rawStatement } from "../db/raw-rows.js";
import { changeLog, changeLogPending } from "./audit.table.js";
import type { Chained } from "./chain.js";
import { ROWS_PER_INSERT, assertStorable, canonicalUuid, type StreamWriter } from "./stream.js";

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

export type ChangeContent = Omit<ChangeEntry, "sensitive">;

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
// Built once (the sequencer's batches are one INSERT each).
const INSERTS = new InsertTexts(getTableName(changeLog), (Object.keys(ROW_KEYS) as Array<keyof typeof ROW_KEYS>).map((k) => [k, COLUMNS[k]] as const));
// (int8 arrives as a string; ordered by the table's column, not an output alias.)
const HEAD_TEXT = `select c."${COLUMNS.seq.name}" as seq, c."${COLUMNS.hash.name}" as hash from "${getTableName(changeLog)}" c order by c."${COLUMNS.seq.name}" desc limit 1`;

/** The change log's chained half (the sequencer appends to it: change-log-sequencer.ts). */
export const changeLogStream: StreamWriter<ChangeContent> = {
  name: "change_log",
  readHead: async (tx) => {
    const [head] = await rawStatement<{ seq: string | number; hash: string }>(tx, HEAD_TEXT, [], "change_log_head");
    return head ? { seq: Number(head.seq), hash: head.hash } : null;
  },
  table: changeLog,
  insert: (tx, rows) => rawStatement(tx, INSERTS.text(rows.length), INSERTS.values(rows)),
};

/** A pending entry's columns, in statement order: the content, without seq and hashes. */
const CONTENT_KEYS = ["at", "requestId", "subject", "orgCode", "role", "entityType", "entityId", "householdId", "field", "oldValue", "newValue"] as const satisfies ReadonlyArray<keyof ChangeContent>;
const PENDING_COLUMNS = getTableColumns(changeLogPending);
const PENDING_INSERTS = new InsertTexts(getTableName(changeLogPending), CONTENT_KEYS.map((k) => [k, PENDING_COLUMNS[k]] as const));

/**
 * Appends entries to the change log inside the caller's transaction, so that a change and its log
 * commit or roll back together. `tx` must be a transaction (TypeError otherwise). The entries are
 * written as pending — one INSERT, no lock: concurrent changes do not queue behind one another's commit
 * — and chained (numbered and hashed, in order) by the hub's ChangeLogSequencer once committed; the
 * server waits for that before it answers a mutation. Sensitive values are stored as REDACTED (null
 * stays null): the log shows that a sensitive field changed, not to what. A value that could not be
 * stored as given is refused (TypeError naming the column) before any SQL.
 */
export async function appendChangeEntries(tx: Database, entries: readonly ChangeEntry[]): Promise<void> {
  if (!is(tx, PgTransaction)) {
    // Outside a transaction the change could commit without its log, or its log without it.
    throw new TypeError("appendChangeEntries runs inside the caller's transaction: pass the transaction, not the database");
  }
  if (entries.length === 0) return;
  const contents = storableContents(entries);
  for (let start = 0; start < contents.length; start += ROWS_PER_INSERT) {
    const rows = contents.slice(start, start + ROWS_PER_INSERT);
    await rawStatement(tx, PENDING_INSERTS.text(rows.length), PENDING_INSERTS.values(rows));
  }
}

/** A change entry whose old or new value only the statement that writes it knows (see pendingChangesSql). */
export type LateChangeEntry = ChangeEntry & { readonly late?: string };

/**
 * The entries as one jsonb parameter for pendingChangesSql: a service whose change and log are best
 * written by one statement (a claim's) passes them with it. Same checks as appendChangeEntries; an
 * entry with a `late` value must not be sensitive (its value would be stored in clear).
 */
export function pendingChangesParam(entries: readonly LateChangeEntry[]): string {
  for (const e of entries) {
    if (e.late !== undefined && e.sensitive) throw new TypeError(`${e.entityType}.${e.field} is sensitive: its value cannot be filled in by the statement`);
  }
  const contents = storableContents(entries);
  return JSON.stringify(
    contents.map((c, i) => {
      const record: Record<string, unknown> = { late: entries[i]!.late ?? null };
      for (const key of CONTENT_KEYS) record[PENDING_COLUMNS[key].name] = c[key] instanceof Date ? (c[key] as Date).toISOString() : c[key];
      return record;
    }),
  );
}

/**
 * An INSERT (for a data-modifying WITH) of the entries in `records` (a pendingChangesParam value) into
 * the pending change log, only `when` it holds. Each record is `e` with `e.late` its tag:
 * `oldValue` / `newValue` (default `e.old_value` / `e.new_value`) fill in what only the statement knows.
 */
export function pendingChangesSql(records: SQL | Placeholder, options: { readonly when: SQL; readonly oldValue?: SQL; readonly newValue?: SQL }): SQL {
  const names = CONTENT_KEYS.map((k) => PENDING_COLUMNS[k].name);
  const value = (key: (typeof CONTENT_KEYS)[number]) => {
    if (key === "oldValue" && options.oldValue) return options.oldValue;
    if (key === "newValue" && options.newValue) return options.newValue;
    return sql.raw(`e."${PENDING_COLUMNS[key].name}"`);
  };
  const recordType = CONTENT_KEYS.map((k) => `"${PENDING_COLUMNS[k].name}" ${PENDING_COLUMNS[k].getSQLType()}`).join(", ");
  return sql`insert into ${changeLogPending} (${sql.raw(names.map((n) => `"${n}"`).join(", "))})
    select ${sql.join(CONTENT_KEYS.map(value), sql`, `)}
    from jsonb_to_recordset(${records}::jsonb) as e(${sql.raw(recordType)}, "late" text)
    where ${options.when}`;
}

/** The entries as they will be stored (REDACTED applied), refused whole if one could not be. */
function storableContents(entries: readonly ChangeEntry[]): ChangeContent[] {
  const contents = entries.map(changeContent);
  assertStorable(changeLogStream, contents);
  return contents;
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
