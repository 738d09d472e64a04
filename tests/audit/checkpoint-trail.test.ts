import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendAccessEntries,
  appendChangeEntries,
  sequencePendingChanges,
  GENESIS_HASH,
  readStreamHeads,
  signCheckpoint,
  verifyAuditChains,
  verifyAuditTrail,
  type AuditStreamStatus,
  type AuditTrailReport,
  type CheckpointAnchor,
  type CheckpointEvidence,
  type CheckpointHead,
  type SignedCheckpoint,
} from "../../src/audit/index.js";
import { generateCheckpointKeyPem, signingKeyFromPem } from "../../src/audit/checkpoint.js";
import type { Database } from "../../src/db/client.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { accessEntries, changeEntry } from "./entries.js";
import { deleteAbove, disableTrigger, rewriteAndRechain, rolledBack, type Stream } from "./tamper.js";

// The chains weighed against signed checkpoints, on each database: what verification alone cannot see
// (the newest rows deleted, a row rewritten with the HMAC key and every later hash recomputed), a
// checkpoint's own tampering, and a checkpoint by another key. Tampering runs in rolled-back transactions.

const AT = new Date("2025-03-01T08:05:00.000Z");
const LATER = new Date("2025-03-01T08:10:00.000Z");
const STREAMS: Stream[] = ["access_log", "change_log"];
const index = (stream: Stream) => STREAMS.indexOf(stream);

describe.each(databaseKinds())("audit chains against signed checkpoints on %s", (kind) => {
  let h: TestDatabase;
  const key = randomBytes(32);
  const signer = signingKeyFromPem(generateCheckpointKeyPem());
  const publicKeys = new Map([[signer.keyId, signer.publicKey]]);
  let heads: CheckpointHead[];
  let first: SignedCheckpoint;
  let evidence: CheckpointEvidence;
  let intact: AuditTrailReport;

  const anchorOf = (checkpoint: SignedCheckpoint, stream: Stream, ref: string): CheckpointAnchor => {
    const head = checkpoint.content.heads[index(stream)]!;
    return { seq: head.lastSeq, hash: head.lastHash, at: checkpoint.content.at, keyId: checkpoint.content.keyId, ref, timestampedAt: null };
  };
  const withCheckpoints = (...checkpoints: Array<SignedCheckpoint | null>): CheckpointEvidence => ({
    checkpoints: checkpoints.map((checkpoint, i) => ({ ref: `checkpoints.jsonl:${i + 1}`, checkpoint })),
    publicKeys,
  });
  const verifyTrail = (db: Database, e: CheckpointEvidence = evidence) => verifyAuditTrail(db, { key, evidence: e });

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await appendAccessEntries(h.db, accessEntries(2), key);
    await appendAccessEntries(h.db, accessEntries(3), key);
    await h.db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry({ sensitive: true }), changeEntry()]));
    await sequencePendingChanges(h.db, key);
    heads = await readStreamHeads(h.db);
    first = signCheckpoint({ heads, at: AT, key: signer });
    evidence = withCheckpoints(first);
    intact = await verifyTrail(h.db);
  });
  afterAll(() => h?.close());

  const intactStream = (stream: Stream): AuditStreamStatus => intact.streams[index(stream)]!;

  it("an intact trail verifies against its checkpoint, which signs both heads", async () => {
    expect(heads).toEqual([
      { stream: "access_log", lastSeq: 5, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { stream: "change_log", lastSeq: 3, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const [access, change] = await verifyAuditChains(h.db, { key });
    expect(intact).toEqual({
      streams: [
        { ...access, checkpoint: anchorOf(first, "access_log", "checkpoints.jsonl:1") },
        { ...change, checkpoint: anchorOf(first, "change_log", "checkpoints.jsonl:1") },
      ],
      checkpoints: [{ ref: "checkpoints.jsonl:1", checkpoint: first, problem: null, reason: null, timestampedAt: null, timestampSignatureChecked: false }],
    });
    expect([access, change]).toEqual([
      { stream: "access_log", ok: true, entries: 5, lastSeq: 5, lastHash: heads[0]!.lastHash, firstBrokenSeq: null, problem: null },
      { stream: "change_log", ok: true, entries: 3, lastSeq: 3, lastHash: heads[1]!.lastHash, firstBrokenSeq: null, problem: null },
    ]);
  });

  it.each(STREAMS)("deleting the newest rows of %s after a checkpoint verifies today's way, and is TRUNCATED against the checkpoint", async (stream) => {
    const seq = heads[index(stream)]!.lastSeq;
    const { today, trail, keptHash } = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, stream);
      await deleteAbove(tx, stream, seq - 2);
      const keptHash = (await readStreamHeads(tx))[index(stream)]!.lastHash;
      return { today: await verifyAuditChains(tx, { key }), trail: await verifyTrail(tx), keptHash };
    });
    const shortened = { stream, ok: true, entries: seq - 2, lastSeq: seq - 2, lastHash: keptHash, firstBrokenSeq: null, problem: null };
    expect(today[index(stream)]).toEqual(shortened);
    expect(trail.streams[index(stream)]).toEqual({ ...shortened, ok: false, firstBrokenSeq: seq - 1, problem: "TRUNCATED", checkpoint: anchorOf(first, stream, "checkpoints.jsonl:1") });
    expect(trail.streams[1 - index(stream)]).toEqual(intactStream(STREAMS[1 - index(stream)]!));
  });

  it.each(STREAMS)("deleting every row of %s is TRUNCATED at seq 1", async (stream) => {
    const trail = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, stream);
      await deleteAbove(tx, stream, 0);
      return verifyTrail(tx);
    });
    expect(trail.streams[index(stream)]).toEqual({
      stream,
      ok: false,
      entries: 0,
      lastSeq: null,
      lastHash: GENESIS_HASH,
      firstBrokenSeq: 1,
      problem: "TRUNCATED",
      checkpoint: anchorOf(first, stream, "checkpoints.jsonl:1"),
    });
  });

  it.each(STREAMS)("rewriting a middle row of %s with the HMAC key and recomputing every later hash verifies today's way, and is REWRITTEN against the checkpoint", async (stream) => {
    const seq = heads[index(stream)]!.lastSeq;
    const { today, trail, newHead } = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, stream);
      await rewriteAndRechain(tx, stream, 2, key);
      return { today: await verifyAuditChains(tx, { key }), trail: await verifyTrail(tx), newHead: (await readStreamHeads(tx))[index(stream)]! };
    });
    expect(newHead.lastHash).not.toBe(heads[index(stream)]!.lastHash);
    const rechained = { stream, ok: true, entries: seq, lastSeq: seq, lastHash: newHead.lastHash, firstBrokenSeq: null, problem: null };
    expect(today[index(stream)]).toEqual(rechained);
    expect(trail.streams[index(stream)]).toEqual({ ...rechained, ok: false, firstBrokenSeq: seq, problem: "REWRITTEN", checkpoint: anchorOf(first, stream, "checkpoints.jsonl:1") });
  });

  it("a checkpoint signed after a truncation does not hide it, nor do new rows written over the deleted seqs", async () => {
    const { cutOnly, refilled, second } = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, "access_log");
      await deleteAbove(tx, "access_log", 2);
      // A hub that read the shortened chain signs what it saw …
      const second = signCheckpoint({ heads: await readStreamHeads(tx), at: LATER, key: signer });
      const cutOnly = await verifyTrail(tx, withCheckpoints(first, second));
      // … and goes on appending from the shortened head: seqs 3–5 again, other rows.
      await appendAccessEntries(tx, accessEntries(3), key);
      return { cutOnly, refilled: await verifyTrail(tx, withCheckpoints(first, second)), second };
    });
    expect(second.content.heads[0]!.lastSeq).toBe(2);
    expect(cutOnly.streams[0]).toMatchObject({ ok: false, entries: 2, firstBrokenSeq: 3, problem: "TRUNCATED", checkpoint: anchorOf(first, "access_log", "checkpoints.jsonl:1") });
    expect(refilled.streams[0]).toMatchObject({ ok: false, entries: 5, firstBrokenSeq: 5, problem: "REWRITTEN", checkpoint: anchorOf(first, "access_log", "checkpoints.jsonl:1") });
    expect(cutOnly.streams[1]).toEqual({ ...intactStream("change_log"), checkpoint: anchorOf(second, "change_log", "checkpoints.jsonl:2") });
  });

  it("a checkpoint whose content was altered is CHECKPOINT_SIGNATURE_INVALID on both streams, weighed against the valid ones", async () => {
    const lowered = signCheckpoint({ heads, at: LATER, key: signer });
    const tampered: SignedCheckpoint = { ...lowered, content: { ...lowered.content, heads: [{ ...heads[0]!, lastSeq: 3 }, heads[1]!] } };
    const trail = await verifyTrail(h.db, withCheckpoints(first, tampered));
    expect(trail.streams).toEqual(
      STREAMS.map((stream) => ({ ...intactStream(stream), ok: false, problem: "CHECKPOINT_SIGNATURE_INVALID", checkpoint: anchorOf(first, stream, "checkpoints.jsonl:1") })),
    );
    expect(trail.checkpoints.map((r) => [r.ref, r.problem, r.reason])).toEqual([
      ["checkpoints.jsonl:1", null, null],
      ["checkpoints.jsonl:2", "CHECKPOINT_SIGNATURE_INVALID", "BAD_SIGNATURE"],
    ]);

    // The attacker who cut the chain and lowered the newest checkpoint to match is caught by the older one.
    const cut = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, "access_log");
      await deleteAbove(tx, "access_log", 3);
      return verifyTrail(tx, withCheckpoints(first, tampered));
    });
    expect(cut.streams[0]).toMatchObject({ ok: false, firstBrokenSeq: 4, problem: "TRUNCATED", checkpoint: anchorOf(first, "access_log", "checkpoints.jsonl:1") });
    expect(cut.streams[1]).toMatchObject({ ok: false, firstBrokenSeq: null, problem: "CHECKPOINT_SIGNATURE_INVALID" });
  });

  it("a checkpoint signed by another key is reported and anchors nothing", async () => {
    const forger = signingKeyFromPem(generateCheckpointKeyPem());
    const cut = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, "access_log");
      await deleteAbove(tx, "access_log", 3);
      const forged = signCheckpoint({ heads: await readStreamHeads(tx), at: LATER, key: forger });
      return verifyTrail(tx, withCheckpoints(forged));
    });
    expect(cut.streams.map((s) => [s.stream, s.ok, s.firstBrokenSeq, s.problem, s.checkpoint])).toEqual([
      ["access_log", false, null, "CHECKPOINT_SIGNATURE_INVALID", null],
      ["change_log", false, null, "CHECKPOINT_SIGNATURE_INVALID", null],
    ]);
    expect(cut.checkpoints.map((r) => [r.ref, r.problem, r.reason])).toEqual([["checkpoints.jsonl:1", "CHECKPOINT_SIGNATURE_INVALID", "UNKNOWN_KEY"]]);
  });

  it("a malformed record is CHECKPOINT_SIGNATURE_INVALID (MALFORMED)", async () => {
    const trail = await verifyTrail(h.db, withCheckpoints(first, null));
    expect(trail.streams.map((s) => [s.ok, s.problem, s.checkpoint?.ref])).toEqual([
      [false, "CHECKPOINT_SIGNATURE_INVALID", "checkpoints.jsonl:1"],
      [false, "CHECKPOINT_SIGNATURE_INVALID", "checkpoints.jsonl:1"],
    ]);
    expect(trail.checkpoints[1]).toEqual({ ref: "checkpoints.jsonl:2", checkpoint: null, problem: "CHECKPOINT_SIGNATURE_INVALID", reason: "MALFORMED", timestampedAt: null, timestampSignatureChecked: false });
  });

  it("a chain's own problem keeps its meaning and comes first", async () => {
    const trail = await rolledBack(h.db, async (tx) => {
      await disableTrigger(tx, "access_log");
      await tx.execute(sql`update access_log set operation = 'Query.cases' where seq = 3`);
      return verifyTrail(tx);
    });
    expect(trail.streams[0]).toEqual({ ...intactStream("access_log"), ok: false, firstBrokenSeq: 3, problem: "HASH_MISMATCH" });
  });

  it("without any checkpoint the trail is the chains' status, anchored to nothing", async () => {
    const trail = await verifyTrail(h.db, { checkpoints: [], publicKeys });
    expect(trail).toEqual({ streams: intact.streams.map((s) => ({ ...s, checkpoint: null })), checkpoints: [] });
  });
});
