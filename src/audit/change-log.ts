import { desc, is } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { changeLog } from "./audit.table.js";
import type { ChainKey } from "./chain.js";
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

const writer: StreamWriter<ChangeContent> = {
  name: "change_log",
  readHead: async (tx) => {
    const [head] = await tx
      .select({ seq: changeLog.seq, hash: changeLog.hash })
      .from(changeLog)
      .orderBy(desc(changeLog.seq))
      .limit(1);
    return head ?? null;
  },
  table: changeLog,
  insert: (tx, rows) => tx.insert(changeLog).values(rows),
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
