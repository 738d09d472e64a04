import { asc, gt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { accessLog, changeLog } from "./audit.table.js";
import { accessLogContent } from "./access-log.js";
import { computeEntryHash, GENESIS_HASH, type ChainContent, type ChainKey } from "./chain.js";
import type { StreamName } from "./stream.js";

// Verification recomputes every stream from its first row. It detects an edited row (HASH_MISMATCH),
// an edited row whose own hash was recomputed (PREV_HASH_MISMATCH at the next row), and a removed or
// renumbered row (SEQUENCE_GAP).
//
// What the chain alone cannot show (documented, not hidden): someone with owner rights who removes the
// NEWEST rows leaves a chain consistent with itself; so does one who edits a row and recomputes every
// hash after it, unless the chain is keyed (the hub writes HMAC hashes under the audit key, which the
// database does not hold). Truncation is only detectable against an external anchor: publish
// (lastSeq, lastHash) periodically somewhere the database owner cannot rewrite, and compare a later
// run's chain against it (the anchored seq must still carry the anchored hash).

export type ChainProblem = "HASH_MISMATCH" | "PREV_HASH_MISMATCH" | "SEQUENCE_GAP";

export interface ChainStatus {
  readonly stream: StreamName;
  readonly ok: boolean;
  /** Rows in the stream, counted to its end even after a problem. */
  readonly entries: number;
  /** The last row's seq (null when empty) and hash (GENESIS_HASH when empty): the anchor to publish. */
  readonly lastSeq: number | null;
  readonly lastHash: string;
  /** The first seq at which the chain does not hold; null when ok. */
  readonly firstBrokenSeq: number | null;
  readonly problem: ChainProblem | null;
}

export interface VerifyOptions {
  /** Rows read per query; default 1000. */
  readonly batchSize?: number;
  /** The chain key the hub writes with (FieldCipher.auditKey); without it, plain SHA-256 chains. */
  readonly key?: ChainKey;
}

type StoredRow = ChainContent & { readonly seq: number; readonly prevHash: string; readonly hash: string };

/** Reads the rows after `afterSeq` in seq order, at most `limit`. */
type BatchReader = (afterSeq: number, limit: number) => Promise<readonly StoredRow[]>;

/** What a stored row's hash covers; null when the row cannot have been written by the hub. */
type ContentOf = (row: StoredRow) => ChainContent | null;

const everyColumnButHash: ContentOf = ({ hash: _hash, ...content }) => content;

const readers: ReadonlyArray<{ readonly stream: StreamName; readonly read: (db: Database) => BatchReader; readonly content: ContentOf }> = [
  {
    stream: "access_log",
    content: (row) => accessLogContent(row),
    read: (db) => (afterSeq, limit) =>
      db.select().from(accessLog).where(gt(accessLog.seq, afterSeq)).orderBy(asc(accessLog.seq)).limit(limit),
  },
  {
    stream: "change_log",
    content: everyColumnButHash,
    read: (db) => (afterSeq, limit) =>
      db.select().from(changeLog).where(gt(changeLog.seq, afterSeq)).orderBy(asc(changeLog.seq)).limit(limit),
  },
];

/**
 * Verifies both audit streams, reading each in seq order in batches; per stream the first problem is
 * reported. Read-only; concurrent appends are fine (rows committed after a batch are read by the next).
 */
export async function verifyAuditChains(db: Database, options: VerifyOptions = {}): Promise<ChainStatus[]> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new TypeError("batchSize must be a positive integer");
  const statuses: ChainStatus[] = [];
  for (const { stream, read, content } of readers) statuses.push(await verifyStream(stream, read(db), content, batchSize, options.key));
  return statuses;
}

async function verifyStream(stream: StreamName, read: BatchReader, contentOf: ContentOf, batchSize: number, key: ChainKey): Promise<ChainStatus> {
  let entries = 0;
  let lastSeq = 0;
  let lastHash = GENESIS_HASH;
  let broken: { seq: number; problem: ChainProblem } | null = null;
  for (;;) {
    const batch = await read(lastSeq, batchSize);
    for (const row of batch) {
      if (broken === null) {
        const problem = checkRow(row, contentOf, lastSeq, lastHash, key);
        if (problem !== null) broken = { seq: row.seq, problem };
      }
      entries += 1;
      lastSeq = row.seq;
      lastHash = row.hash;
    }
    if (batch.length < batchSize) break;
  }
  return {
    stream,
    ok: broken === null,
    entries,
    lastSeq: entries === 0 ? null : lastSeq,
    lastHash,
    firstBrokenSeq: broken?.seq ?? null,
    problem: broken?.problem ?? null,
  };
}

/** The row's problem given the previous row (seq 0 and GENESIS_HASH before the first). */
function checkRow(row: StoredRow, contentOf: ContentOf, previousSeq: number, previousHash: string, key: ChainKey): ChainProblem | null {
  // Reported at the row after the hole: the rows around it may be intact; what is missing is between.
  if (row.seq !== previousSeq + 1) return "SEQUENCE_GAP";
  if (row.prevHash !== previousHash) return "PREV_HASH_MISMATCH";
  return recompute(contentOf(row), key) === row.hash ? null : "HASH_MISMATCH";
}

function recompute(content: ChainContent | null, key: ChainKey): string | null {
  if (content === null) return null;
  try {
    return computeEntryHash(content, key);
  } catch {
    // A value no append could have hashed (e.g. a timestamp set to 'infinity' reads as an invalid Date):
    // written behind the chain's back, so it cannot match.
    return null;
  }
}
