import "reflect-metadata";
import { parseArgs } from "node:util";
import { verifyAuditChains, type ChainStatus } from "../audit/index.js";
import { fieldCipherFromConfig } from "../privacy/crypto.js";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase, type DbHandle } from "../db/client.js";
import { DatabaseInUseError } from "../db/lock.js";
import { databaseErrorOf } from "../db/errors.js";
import { migrateDatabase } from "../db/migrate.js";

// `npm run audit:verify`: recomputes both audit hash chains of DATABASE_URL (or the PGlite in DATA_DIR)
// and prints one line per stream on stdout:
//
//   access_log: ok, 1234 entries, head seq 1234 <sha-256 hex>
//   access_log: BROKEN at seq 42 (HASH_MISMATCH), 1234 entries
//
// The head (seq and hash) is the anchor to publish: removal of the newest rows is only detectable
// against it. Exit 0 when every stream verifies, 1 when any is broken, 2 when verification could not
// run (usage, configuration, database unreachable).

const USAGE = "usage: npm run audit:verify   (reads DATABASE_URL or DATA_DIR)";

function line(status: ChainStatus): string {
  if (status.ok) {
    const head = status.lastSeq === null ? "empty" : `head seq ${status.lastSeq} ${status.lastHash}`;
    return `${status.stream}: ok, ${status.entries} entries, ${head}`;
  }
  return `${status.stream}: BROKEN at seq ${status.firstBrokenSeq} (${status.problem}), ${status.entries} entries`;
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
    const statuses = await verifyAuditChains(handle.db, { key });
    for (const status of statuses) process.stdout.write(`${line(status)}\n`);
    return statuses.every((s) => s.ok) ? 0 : 1;
  } finally {
    await handle.close();
  }
}

/** One line for an expected failure: no SQL, no parameters, no stack. */
function explain(error: unknown): string | null {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError) return error.message;
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
