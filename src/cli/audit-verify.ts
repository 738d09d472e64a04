import "reflect-metadata";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  certificatesFromPem,
  DirectoryCheckpointSink,
  loadCheckpointEvidence,
  pendingChanges,
  TimestampError,
  verifyAuditTrail,
  type AuditStreamStatus,
  type CheckpointAnchor,
  type CheckpointReview,
} from "../audit/index.js";
import { fieldCipherFromConfig } from "../privacy/crypto.js";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase, type DbHandle } from "../db/client.js";
import { DatabaseInUseError } from "../db/lock.js";
import { databaseErrorOf } from "../db/errors.js";
import { migrateDatabase } from "../db/migrate.js";

// `npm run audit:verify`: recomputes both audit hash chains of DATABASE_URL (or the PGlite in DATA_DIR),
// weighs them against the signed checkpoints in AUDIT_CHECKPOINT_DIR (checked with the public keys
// published there: no secret needed beyond the chains' HMAC key) and prints one line per stream on stdout:
//
//   access_log: ok, 1234 entries, head seq 1234 <sha-256 hex>, checkpoint seq 1230 of <ISO time> (checkpoints.jsonl:7)
//   access_log: BROKEN at seq 42 (HASH_MISMATCH), 1234 entries, checkpoint seq 1230 of … (checkpoints.jsonl:7)
//   access_log: BROKEN at seq 1231 (TRUNCATED), 1230 entries, checkpoint seq 1234 of … (checkpoints.jsonl:8)
//   access_log: BROKEN at seq 1230 (REWRITTEN), 1234 entries, checkpoint seq 1230 of … (checkpoints.jsonl:7)
//
// a line for change-log entries committed but not yet chained, if any:
//
//   change_log: 3 entries pending since <ISO time>, not yet chained (the hub chains them when it next runs)
//
// then one line per checkpoint that fails its own checks, and a summary:
//
//   checkpoint checkpoints.jsonl:9: CHECKPOINT_SIGNATURE_INVALID (BAD_SIGNATURE), claims access_log seq 1240, change_log seq 17
//   checkpoints: 9 in <dir>, 1 invalid
//
// Exit 0 when every stream verifies (against every valid checkpoint, with no invalid one stored), 1 when
// any does not, 2 when verification could not run (usage, configuration, database unreachable).

const USAGE = "usage: npm run audit:verify   (reads DATABASE_URL or DATA_DIR, and AUDIT_CHECKPOINT_DIR)";

function anchor(a: CheckpointAnchor | null): string {
  if (a === null) return "no checkpoint";
  return `checkpoint seq ${a.seq} of ${a.at}${a.timestampedAt ? `, time-stamped ${a.timestampedAt}` : ""} (${a.ref})`;
}

function line(status: AuditStreamStatus): string {
  if (status.ok) {
    const head = status.lastSeq === null ? "empty" : `head seq ${status.lastSeq} ${status.lastHash}`;
    return `${status.stream}: ok, ${status.entries} entries, ${head}, ${anchor(status.checkpoint)}`;
  }
  const at = status.firstBrokenSeq === null ? "" : ` at seq ${status.firstBrokenSeq}`;
  return `${status.stream}: BROKEN${at} (${status.problem}), ${status.entries} entries, ${anchor(status.checkpoint)}`;
}

function checkpointLine(review: CheckpointReview): string {
  const claims = review.checkpoint ? `, claims ${review.checkpoint.content.heads.map((h) => `${h.stream} seq ${h.lastSeq}`).join(", ")}` : "";
  return `checkpoint ${review.ref}: ${review.problem} (${review.reason})${claims}`;
}

async function run(): Promise<number> {
  try {
    // No options: anything on the command line is a mistake worth reporting.
    parseArgs({ options: {}, strict: true, allowPositionals: false });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  // The hub keys its chains with the audit key from the field-key file: verify with the same key.
  const key = fieldCipherFromConfig(config).auditKey;
  const handle: DbHandle = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  });
  try {
    // An empty data dir is a valid (empty) audit trail, not an error.
    await migrateDatabase(handle);
    const sink = new DirectoryCheckpointSink(config.audit.checkpointDir);
    const anchors = config.audit.tsaCaFile ? certificatesFromPem(readFileSync(config.audit.tsaCaFile, "utf8")) : [];
    // The checkpoints first, then the chains: a checkpoint written meanwhile must not look like a truncation.
    const evidence = await loadCheckpointEvidence(sink, anchors);
    const report = await verifyAuditTrail(handle.db, { key, evidence });
    for (const status of report.streams) process.stdout.write(`${line(status)}\n`);
    // Committed changes whose entries the hub has not chained yet (src/audit/change-log-sequencer.ts): not
    // a break, but not covered by the chain either — a running hub chains them within seconds.
    const pending = await pendingChanges(handle.db);
    if (pending.count > 0) process.stdout.write(`change_log: ${pending.count} entries pending since ${pending.oldestAt!.toISOString()}, not yet chained (the hub chains them when it next runs)\n`);
    for (const review of report.checkpoints) if (review.problem !== null) process.stdout.write(`${checkpointLine(review)}\n`);
    const invalid = report.checkpoints.filter((r) => r.problem !== null).length;
    const stored = report.checkpoints.length;
    process.stdout.write(`checkpoints: ${stored === 0 ? "none" : stored} in ${sink.location}${stored === 0 ? "" : invalid === 0 ? ", all valid" : `, ${invalid} invalid`}\n`);
    return report.streams.every((s) => s.ok) ? 0 : 1;
  } finally {
    await handle.close();
  }
}

/** One line for an expected failure: no SQL, no parameters, no stack. */
function explain(error: unknown): string | null {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError || error instanceof TimestampError) return error.message;
  const database = databaseErrorOf(error);
  if (database) return `database error (SQLSTATE ${database.code})`;
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    // pg reports an unreachable multi-address host as an AggregateError of system errors.
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
    const code = (inner as { code?: unknown }).code;
    // System errors (ECONNREFUSED, ENOTFOUND, EACCES, ...): the environment, not a bug.
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return `cannot reach the database (${code})`;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

try {
  process.exitCode = await run();
} catch (error) {
  const expected = explain(error);
  process.stderr.write(`audit verification could not run: ${expected ?? (error as Error).message}\n`);
  // Anything unexpected keeps its stack for whoever debugs it.
  if (expected === null && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 2;
}
