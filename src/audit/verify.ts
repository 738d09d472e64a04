import type { KeyObject, X509Certificate } from "node:crypto";
import { asc, gt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { accessLog, changeLog } from "./audit.table.js";
import { accessLogContent } from "./access-log.js";
import { computeEntryHash, GENESIS_HASH, type ChainContent, type ChainKey } from "./chain.js";
import { checkCheckpointSignature, checkpointMessage, type SignedCheckpoint } from "./checkpoint.js";
import type { CheckpointSource, StoredCheckpoint } from "./checkpoint-sink.js";
import type { StreamName } from "./stream.js";
import { checkTimestampToken } from "./timestamp.js";

// Verification recomputes every stream from its first row. It detects an edited row (HASH_MISMATCH),
// an edited row whose own hash was recomputed (PREV_HASH_MISMATCH at the next row), and a removed or
// renumbered row (SEQUENCE_GAP).
//
// What the chain alone cannot show (documented, not hidden): someone with owner rights who removes the
// NEWEST rows leaves a chain consistent with itself; so does one who edits a row and recomputes every
// hash after it with the HMAC audit key (which, by default, sits in DATA_DIR beside the database).
// Both are caught against signed checkpoints (checkpoint.ts), kept outside the database:
// verifyAuditTrail reports a chain that now ends below a checkpoint's seq as TRUNCATED and one whose
// hash at a checkpoint's seq is not the signed one as REWRITTEN. It compares the chain with every
// validly signed checkpoint, not only the newest: a checkpoint signed after a truncation (by a hub that
// saw the shortened chain) cannot hide what an earlier one signed.

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
  const batchSize = batchSizeOf(options);
  const statuses: ChainStatus[] = [];
  for (const { stream, read, content } of readers) statuses.push((await verifyStream(stream, read(db), content, batchSize, options.key)).status);
  return statuses;
}

function batchSizeOf(options: VerifyOptions): number {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new TypeError("batchSize must be a positive integer");
  return batchSize;
}

/** The stream's status, and the stored hash at each watched seq that is present. */
async function verifyStream(
  stream: StreamName,
  read: BatchReader,
  contentOf: ContentOf,
  batchSize: number,
  key: ChainKey,
  watch: ReadonlySet<number> = new Set(),
): Promise<{ status: ChainStatus; hashesAt: Map<number, string> }> {
  let entries = 0;
  let lastSeq = 0;
  let lastHash = GENESIS_HASH;
  let broken: { seq: number; problem: ChainProblem } | null = null;
  const hashesAt = new Map<number, string>();
  for (;;) {
    const batch = await read(lastSeq, batchSize);
    for (const row of batch) {
      if (broken === null) {
        const problem = checkRow(row, contentOf, lastSeq, lastHash, key);
        if (problem !== null) broken = { seq: row.seq, problem };
      }
      if (watch.has(row.seq)) hashesAt.set(row.seq, row.hash);
      entries += 1;
      lastSeq = row.seq;
      lastHash = row.hash;
    }
    if (batch.length < batchSize) break;
  }
  const status: ChainStatus = {
    stream,
    ok: broken === null,
    entries,
    lastSeq: entries === 0 ? null : lastSeq,
    lastHash,
    firstBrokenSeq: broken?.seq ?? null,
    problem: broken?.problem ?? null,
  };
  return { status, hashesAt };
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

// --- against signed checkpoints ---------------------------------------------------------------------------

/** What is wrong with a stored checkpoint itself. */
export type CheckpointProblem = "CHECKPOINT_SIGNATURE_INVALID" | "CHECKPOINT_TIMESTAMP_INVALID";

/** A chain's own problem, its disagreement with a checkpoint, or a checkpoint's own problem. */
export type AuditProblem = ChainProblem | "TRUNCATED" | "REWRITTEN" | CheckpointProblem;

/** What verification weighs the chains against: the stored checkpoints and the keys to check them with. */
export interface CheckpointEvidence {
  readonly checkpoints: readonly StoredCheckpoint[];
  /** The public keys checkpoints may be signed with, by key id. */
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  /** Certificates trusted to issue TSA certificates; none → a time-stamp's imprint only is checked. */
  readonly tsaTrustAnchors?: readonly X509Certificate[];
}

/** Reads a checkpoint source into evidence. */
export async function loadCheckpointEvidence(source: CheckpointSource, tsaTrustAnchors: readonly X509Certificate[] = []): Promise<CheckpointEvidence> {
  const [checkpoints, publicKeys] = await Promise.all([source.read(), source.publicKeys()]);
  return { checkpoints, publicKeys, tsaTrustAnchors };
}

/** One stored checkpoint, checked on its own. */
export interface CheckpointReview {
  readonly ref: string;
  /** null when the record is not a checkpoint at all. */
  readonly checkpoint: SignedCheckpoint | null;
  /** null when it is signed by a trusted key and its time-stamp, if any, holds. */
  readonly problem: CheckpointProblem | null;
  /** MALFORMED, UNKNOWN_KEY or BAD_SIGNATURE for a signature problem; the failing check for a time-stamp. */
  readonly reason: string | null;
  /** The TSA's genTime (ISO 8601) of a valid time-stamp. */
  readonly timestampedAt: string | null;
  /** Whether the time-stamp's CMS signature was checked (trust anchors given) or its imprint only. */
  readonly timestampSignatureChecked: boolean;
}

/**
 * Checks each checkpoint's signature against the trusted keys and, when it carries one, its time-stamp.
 * A checkpoint whose signature holds anchors the chains even if its time-stamp does not.
 */
export function reviewCheckpoints(evidence: CheckpointEvidence): CheckpointReview[] {
  return evidence.checkpoints.map(({ ref, checkpoint }): CheckpointReview => {
    const review = { ref, checkpoint, problem: null, reason: null, timestampedAt: null, timestampSignatureChecked: false };
    if (checkpoint === null) return { ...review, problem: "CHECKPOINT_SIGNATURE_INVALID", reason: "MALFORMED" };
    const signature = checkCheckpointSignature(checkpoint, evidence.publicKeys);
    if (signature !== null) return { ...review, problem: "CHECKPOINT_SIGNATURE_INVALID", reason: signature };
    if (checkpoint.timestamp === null) return review;
    const stamp = checkTimestampToken(Buffer.from(checkpoint.timestamp, "base64"), checkpointMessage(checkpoint.content), evidence.tsaTrustAnchors ?? []);
    if (!stamp.ok) return { ...review, problem: "CHECKPOINT_TIMESTAMP_INVALID", reason: stamp.reason };
    return { ...review, timestampedAt: stamp.genTime.toISOString(), timestampSignatureChecked: stamp.signatureChecked };
  });
}

/** A stream's head as one validly signed checkpoint signed it. */
export interface CheckpointAnchor {
  readonly seq: number;
  readonly hash: string;
  /** The checkpoint's time (the hub's clock). */
  readonly at: string;
  readonly keyId: string;
  readonly ref: string;
  /** The TSA's time, when the checkpoint carries a valid time-stamp. */
  readonly timestampedAt: string | null;
}

/** ChainStatus, weighed against the checkpoints as well. */
export interface AuditStreamStatus extends Omit<ChainStatus, "problem"> {
  /**
   * The first problem, in this order: the chain's own (as in ChainStatus, at firstBrokenSeq); REWRITTEN
   * (firstBrokenSeq = the checkpoint's seq, whose stored hash is not the signed one); TRUNCATED
   * (firstBrokenSeq = the first missing seq, the chain ends below a checkpoint's seq); then a
   * checkpoint's own problem (firstBrokenSeq null: no row of the chain is at fault).
   */
  readonly problem: AuditProblem | null;
  /** The checkpoint the stream disagrees with (REWRITTEN, TRUNCATED), else the newest valid one; null if none. */
  readonly checkpoint: CheckpointAnchor | null;
}

export interface AuditTrailReport {
  readonly streams: AuditStreamStatus[];
  readonly checkpoints: CheckpointReview[];
}

/**
 * verifyAuditChains, and each stream compared with every validly signed checkpoint: a chain that
 * ends below a checkpoint's seq is TRUNCATED, one whose stored hash at a checkpoint's seq differs from
 * the signed hash is REWRITTEN; a checkpoint that fails its own checks is reported on both streams.
 * Read the evidence before calling: a checkpoint written after the chain was read would look like a
 * truncation.
 */
export async function verifyAuditTrail(db: Database, options: VerifyOptions & { readonly evidence: CheckpointEvidence }): Promise<AuditTrailReport> {
  const batchSize = batchSizeOf(options);
  const reviews = reviewCheckpoints(options.evidence);
  const firstProblem =
    reviews.find((r) => r.problem === "CHECKPOINT_SIGNATURE_INVALID")?.problem ?? reviews.find((r) => r.problem !== null)?.problem ?? null;
  const streams: AuditStreamStatus[] = [];
  for (const { stream, read, content } of readers) {
    const anchors = reviews.flatMap((r): CheckpointAnchor[] => {
      if (r.checkpoint === null || r.problem === "CHECKPOINT_SIGNATURE_INVALID") return [];
      const head = r.checkpoint.content.heads.find((h) => h.stream === stream);
      if (!head) return [];
      const { at, keyId } = r.checkpoint.content;
      return [{ seq: head.lastSeq, hash: head.lastHash, at, keyId, ref: r.ref, timestampedAt: r.timestampedAt }];
    });
    const { status, hashesAt } = await verifyStream(stream, read(db), content, batchSize, options.key, new Set(anchors.map((a) => a.seq)));
    streams.push(weigh(status, anchors, hashesAt, firstProblem));
  }
  return { streams, checkpoints: reviews };
}

function weigh(status: ChainStatus, anchors: readonly CheckpointAnchor[], hashesAt: ReadonlyMap<number, string>, checkpointProblem: CheckpointProblem | null): AuditStreamStatus {
  const last = status.lastSeq ?? 0;
  // The earliest checkpoint the chain contradicts bounds where the rewrite happened; the highest seq
  // the chain no longer reaches says how much was cut.
  const rewritten = anchors.find((a) => a.seq > 0 && a.seq <= last && hashesAt.get(a.seq) !== a.hash);
  const truncated = anchors.reduce<CheckpointAnchor | undefined>((top, a) => (a.seq > last && (!top || a.seq >= top.seq) ? a : top), undefined);
  const newest = anchors.at(-1) ?? null;
  if (status.problem !== null) return { ...status, checkpoint: newest };
  if (rewritten) return { ...status, ok: false, firstBrokenSeq: rewritten.seq, problem: "REWRITTEN", checkpoint: rewritten };
  if (truncated) return { ...status, ok: false, firstBrokenSeq: last + 1, problem: "TRUNCATED", checkpoint: truncated };
  if (checkpointProblem !== null) return { ...status, ok: false, problem: checkpointProblem, checkpoint: newest };
  return { ...status, checkpoint: newest };
}
