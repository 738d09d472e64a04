import { desc } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { OrgKind } from "../modules/organizations/organizations.enums.js";
import type { DataCategory } from "../privacy/categories.js";
import { accessLog, type AccessLogRow } from "./audit.table.js";
import { canonicalizeEntry, type ChainContent, type ChainKey, type ChainValue } from "./chain.js";
import { appendToStream, canonicalUuid, type StreamWriter } from "./stream.js";

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
export interface AccessContent extends AccessRequest {
  outcome: "ALLOWED" | "DENIED";
  householdIds: string[];
  categoriesFull: DataCategory[];
  disclosures: string;
}

/** The access log as a stream: its head, table and insert (for the locked path and the hub's writer). */
export const accessLogStream: StreamWriter<AccessContent> = {
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
  await db.transaction((tx) => appendToStream(tx, accessLogStream, contents, key));
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
