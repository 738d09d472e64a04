import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendAccessEntries,
  appendChangeEntries,
  sequencePendingChanges,
  CHECKPOINT_FILE,
  Checkpointer,
  DirectoryCheckpointSink,
  GENESIS_HASH,
  loadCheckpointEvidence,
  type SignedCheckpoint,
} from "../../src/audit/index.js";
import { generateCheckpointKeyPem, signingKeyFromPem } from "../../src/audit/checkpoint.js";
import { CheckpointSchedule } from "../../src/checkpoint-schedule.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { accessEntries, changeEntry } from "./entries.js";
import { deleteAbove, disableTrigger, enableTrigger, rewriteAndRechain } from "./tamper.js";

// `auditChainStatus` as an auditor calls it, on a hub that keeps signed checkpoints: the tampering that
// verification alone cannot see, reported with the checkpoint it contradicts. Each step tampers further.

const STATUS = `{ auditChainStatus { stream ok entries lastSeq lastHash firstBrokenSeq problem checkpoint { seq hash at keyId ref timestampedAt } } }`;
const AT = "2025-03-01T08:05:00.000Z";

describe.each(databaseKinds())("auditChainStatus against signed checkpoints on %s", (kind) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "checkpoint-api-"));
  const sink = new DirectoryCheckpointSink(path.join(tmp, "checkpoints"));
  const key = signingKeyFromPem(generateCheckpointKeyPem());
  let t: TestHub;
  let auditor: string;
  let checkpointer: Checkpointer;
  let checkpoint: SignedCheckpoint;

  beforeAll(async () => {
    t = await startTestHub(kind, {
      checkpoints: (db) => {
        checkpointer = new Checkpointer({ db: db.db, sink, key, now: () => new Date(AT) });
        return { schedule: new CheckpointSchedule({ checkpointer, intervalSeconds: 0, logger: pino({ level: "silent" }) }), evidence: () => loadCheckpointEvidence(sink) };
      },
    });
    auditor = await t.token("QX-MZJ", "AUDITOR");
    await appendAccessEntries(t.db.db, accessEntries(5), t.cipher.auditKey);
    await t.db.db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry(), changeEntry()]));
    await sequencePendingChanges(t.db.db, t.cipher.auditKey);
    checkpoint = (await checkpointer.write())!.checkpoint;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const status = async () => {
    const r = await t.exec(auditor, STATUS);
    expect(r.errors).toBeUndefined();
    return r.data!.auditChainStatus as Array<Record<string, unknown>>;
  };
  const head = (i: 0 | 1) => checkpoint.content.heads[i]!;
  const anchor = (i: 0 | 1) => ({ seq: head(i).lastSeq, hash: head(i).lastHash, at: AT, keyId: key.keyId, ref: "checkpoints.jsonl:1", timestampedAt: null });
  const intact = (i: 0 | 1) => ({
    stream: head(i).stream,
    ok: true,
    entries: head(i).lastSeq,
    lastSeq: head(i).lastSeq,
    lastHash: head(i).lastHash,
    firstBrokenSeq: null,
    problem: null,
    checkpoint: anchor(i),
  });

  it("reports both chains intact, with the checkpoint they were weighed against", async () => {
    expect(head(0).lastSeq).toBe(5);
    expect(head(1).lastSeq).toBe(3);
    expect(await status()).toEqual([intact(0), intact(1)]);
  });

  it("reports a tampered checkpoint on both streams", async () => {
    const file = path.join(sink.location, CHECKPOINT_FILE);
    const original = readFileSync(file, "utf8");
    const lowered = { ...checkpoint, content: { ...checkpoint.content, heads: [{ ...head(0), lastSeq: 4 }, head(1)] } };
    writeFileSync(file, `${original}${JSON.stringify(lowered)}\n`);
    try {
      expect(await status()).toEqual([0, 1].map((i) => ({ ...intact(i as 0 | 1), ok: false, problem: "CHECKPOINT_SIGNATURE_INVALID" })));
    } finally {
      writeFileSync(file, original);
    }
    expect(await status()).toEqual([intact(0), intact(1)]);
  });

  it("reports a change-log row rewritten with the HMAC key, every later hash recomputed, as REWRITTEN at the checkpoint's seq", async () => {
    await disableTrigger(t.db.db, "change_log");
    await rewriteAndRechain(t.db.db, "change_log", 2, t.cipher.auditKey);
    await enableTrigger(t.db.db, "change_log");
    const [access, change] = await status();
    expect(access).toEqual(intact(0));
    expect(change).toEqual({ ...intact(1), ok: false, lastHash: expect.not.stringMatching(head(1).lastHash), firstBrokenSeq: 3, problem: "REWRITTEN" });
  });

  it("reports the newest rows of either log deleted after the checkpoint as TRUNCATED at the first missing seq", async () => {
    await disableTrigger(t.db.db, "access_log");
    await deleteAbove(t.db.db, "access_log", 3);
    await enableTrigger(t.db.db, "access_log");
    await disableTrigger(t.db.db, "change_log");
    await deleteAbove(t.db.db, "change_log", 2);
    await enableTrigger(t.db.db, "change_log");
    const [access, change] = await status();
    expect(access).toEqual({ ...intact(0), ok: false, entries: 3, lastSeq: 3, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/), firstBrokenSeq: 4, problem: "TRUNCATED" });
    expect(change).toEqual({ ...intact(1), ok: false, entries: 2, lastSeq: 2, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/), firstBrokenSeq: 3, problem: "TRUNCATED" });
    expect(access!.lastHash).not.toBe(head(0).lastHash);
  });

  it("reports every row deleted as TRUNCATED at seq 1", async () => {
    for (const stream of ["access_log", "change_log"] as const) {
      await disableTrigger(t.db.db, stream);
      await deleteAbove(t.db.db, stream, 0);
      await enableTrigger(t.db.db, stream);
    }
    expect(await status()).toEqual([0, 1].map((i) => ({ ...intact(i as 0 | 1), ok: false, entries: 0, lastSeq: null, lastHash: GENESIS_HASH, firstBrokenSeq: 1, problem: "TRUNCATED" })));
  });
});
