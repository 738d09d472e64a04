import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  appendAccessEntries,
  appendChangeEntries,
  sequencePendingChanges,
  CHECKPOINT_FILE,
  Checkpointer,
  DirectoryCheckpointSink,
  loadOrCreateSigningKeyFile,
  readStreamHeads,
  signCheckpoint,
  type CheckpointHead,
  type SignedCheckpoint,
} from "../../src/audit/index.js";
import { generateCheckpointKeyPem, signingKeyFromPem } from "../../src/audit/checkpoint.js";
import { openDatabase } from "../../src/db/client.js";
import type { Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { loadOrCreateDevFieldKeys } from "../../src/privacy/crypto.js";
import { databaseKinds, openTestDatabase, type TestDatabase, type TestDatabaseKind } from "../support/databases.js";
import { accessEntries, changeEntry } from "./entries.js";
import { deleteAbove, disableTrigger, enableTrigger, rewriteAndRechain } from "./tamper.js";

// `npm run audit:verify` weighing the chains against the signed checkpoints in the default checkpoint
// directory (beside DATA_DIR), as an auditor runs it, on each database: PGlite in DATA_DIR, and
// PostgreSQL through DATABASE_URL. Each step tampers further; each PGlite open costs seconds.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const CLI = path.join(ROOT, "src/cli/audit-verify.ts");
const SLOW = 120_000;
const AT = "2025-03-01T08:05:00.000Z";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function auditVerify(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.each(databaseKinds())("npm run audit:verify against signed checkpoints on %s", (kind: TestDatabaseKind) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "audit-verify-checkpoints-"));
  const dataDir = path.join(tmp, "data");
  // Where the hub puts them by default: beside DATA_DIR.
  const checkpointDir = path.join(tmp, "data-audit", "checkpoints");
  const checkpointFile = path.join(checkpointDir, CHECKPOINT_FILE);
  const auditKey = loadOrCreateDevFieldKeys(dataDir).keys.auditKey;
  const signer = loadOrCreateSigningKeyFile(path.join(tmp, "data-audit", "signing-key.pem"));
  let postgres: TestDatabase | undefined;
  let env: Record<string, string>;
  let heads: CheckpointHead[];
  let checkpoint: SignedCheckpoint;

  /** Runs `fn` on the database under test (PGlite: opened for it, then closed so the CLI can open it). */
  async function onDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    if (postgres) return fn(postgres.db);
    const handle = await openDatabase({ dataDir });
    try {
      await migrateDatabase(handle);
      return await fn(handle.db);
    } finally {
      await handle.close();
    }
  }

  beforeAll(async () => {
    env = { DATA_DIR: dataDir };
    if (kind === "postgres") {
      postgres = await openTestDatabase("postgres");
      const url = new URL(inject("postgresUrl")!);
      url.pathname = `/${postgres.name.slice("postgres/".length)}`;
      env.DATABASE_URL = url.toString();
    }
    await onDatabase(async (db) => {
      await appendAccessEntries(db, accessEntries(5), auditKey);
      await db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry({ sensitive: true }), changeEntry()]));
      await sequencePendingChanges(db, auditKey);
      heads = await readStreamHeads(db);
      const checkpointer = new Checkpointer({ db, sink: new DirectoryCheckpointSink(checkpointDir), key: signer, now: () => new Date(AT) });
      checkpoint = (await checkpointer.write())!.checkpoint;
    });
  }, SLOW);
  afterAll(async () => {
    await postgres?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const anchor = (i: 0 | 1) => `checkpoint seq ${heads[i]!.lastSeq} of ${AT} (checkpoints.jsonl:1)`;
  const summary = (stored: number, invalid = 0) => `checkpoints: ${stored} in ${checkpointDir}, ${invalid === 0 ? "all valid" : `${invalid} invalid`}\n`;

  it("prints each stream with the checkpoint it was weighed against and exits 0", async () => {
    expect(heads.map((h) => h.lastSeq)).toEqual([5, 3]);
    expect(checkpoint.content.heads).toEqual(heads);
    expect(await auditVerify(env)).toEqual({
      code: 0,
      stdout:
        `access_log: ok, 5 entries, head seq 5 ${heads[0]!.lastHash}, ${anchor(0)}\n` +
        `change_log: ok, 3 entries, head seq 3 ${heads[1]!.lastHash}, ${anchor(1)}\n` +
        summary(1),
      stderr: "",
    });
  }, SLOW);

  it("names a tampered checkpoint and one signed by another key, and exits 1", async () => {
    const original = readFileSync(checkpointFile, "utf8");
    const lowered = { ...checkpoint, content: { ...checkpoint.content, heads: [{ ...heads[0]!, lastSeq: 4 }, heads[1]!] } };
    const forged = signCheckpoint({ heads, at: new Date(AT), key: signingKeyFromPem(generateCheckpointKeyPem()) });
    writeFileSync(checkpointFile, `${original}${JSON.stringify(lowered)}\n${JSON.stringify(forged)}\n`);
    try {
      expect(await auditVerify(env)).toEqual({
        code: 1,
        stdout:
          `access_log: BROKEN (CHECKPOINT_SIGNATURE_INVALID), 5 entries, ${anchor(0)}\n` +
          `change_log: BROKEN (CHECKPOINT_SIGNATURE_INVALID), 3 entries, ${anchor(1)}\n` +
          "checkpoint checkpoints.jsonl:2: CHECKPOINT_SIGNATURE_INVALID (BAD_SIGNATURE), claims access_log seq 4, change_log seq 3\n" +
          "checkpoint checkpoints.jsonl:3: CHECKPOINT_SIGNATURE_INVALID (UNKNOWN_KEY), claims access_log seq 5, change_log seq 3\n" +
          summary(3, 2),
        stderr: "",
      });
    } finally {
      writeFileSync(checkpointFile, original);
    }
  }, SLOW);

  it("names a middle row rewritten with the HMAC key, every later hash recomputed, as REWRITTEN at the checkpoint's seq, and exits 1", async () => {
    const rewrittenHead = await onDatabase(async (db) => {
      await disableTrigger(db, "access_log");
      await rewriteAndRechain(db, "access_log", 3, auditKey);
      await enableTrigger(db, "access_log");
      return (await readStreamHeads(db))[0]!;
    });
    expect(rewrittenHead.lastHash).not.toBe(heads[0]!.lastHash);
    expect(await auditVerify(env)).toEqual({
      code: 1,
      stdout:
        `access_log: BROKEN at seq 5 (REWRITTEN), 5 entries, ${anchor(0)}\n` +
        `change_log: ok, 3 entries, head seq 3 ${heads[1]!.lastHash}, ${anchor(1)}\n` +
        summary(1),
      stderr: "",
    });
  }, SLOW);

  it("names the newest rows of either log deleted after the checkpoint as TRUNCATED at the first missing seq, and exits 1", async () => {
    await onDatabase(async (db) => {
      for (const [stream, keep] of [["access_log", 3], ["change_log", 1]] as const) {
        await disableTrigger(db, stream);
        await deleteAbove(db, stream, keep);
        await enableTrigger(db, stream);
      }
    });
    expect(await auditVerify(env)).toEqual({
      code: 1,
      stdout: `access_log: BROKEN at seq 4 (TRUNCATED), 3 entries, ${anchor(0)}\n` + `change_log: BROKEN at seq 2 (TRUNCATED), 1 entries, ${anchor(1)}\n` + summary(1),
      stderr: "",
    });
  }, SLOW);

  it("names every row deleted as TRUNCATED at seq 1, and exits 1", async () => {
    await onDatabase(async (db) => {
      for (const stream of ["access_log", "change_log"] as const) {
        await disableTrigger(db, stream);
        await deleteAbove(db, stream, 0);
        await enableTrigger(db, stream);
      }
    });
    expect(await auditVerify(env)).toEqual({
      code: 1,
      stdout: `access_log: BROKEN at seq 1 (TRUNCATED), 0 entries, ${anchor(0)}\n` + `change_log: BROKEN at seq 1 (TRUNCATED), 0 entries, ${anchor(1)}\n` + summary(1),
      stderr: "",
    });
  }, SLOW);
});
