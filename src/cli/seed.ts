import "reflect-metadata";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase, type DbHandle } from "../db/client.js";
import { DatabaseInUseError } from "../db/lock.js";
import { migrateDatabase } from "../db/migrate.js";
import { fieldCipherFromConfig } from "../privacy/crypto.js";
import { countDemoTables, DemoSeedError, isDatabaseEmpty, seedDemoDistrict } from "../demo/seed.js";

// `npm run seed`: migrate, then load the fictional demo district into an empty database.
// stdout carries exactly one JSON line (the counts); messages go to stderr. An already seeded
// database is not an error: it is reported and left alone (exit 0).

async function run(): Promise<void> {
  try {
    // No options: anything on the command line is a mistake worth reporting.
    parseArgs({ options: {}, strict: true, allowPositionals: false });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: npm run seed\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const handle: DbHandle = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  });
  try {
    await migrateDatabase(handle);
    if (!(await isDatabaseEmpty(handle.db))) {
      process.stderr.write("the database is already seeded; nothing to do\n");
      process.stdout.write(`${JSON.stringify({ seeded: false, ...(await countDemoTables(handle.db)) })}\n`);
      return;
    }
    const started = performance.now();
    const counts = await seedDemoDistrict(handle.db, fieldCipherFromConfig(config));
    const ms = Math.round(performance.now() - started);
    process.stderr.write(`demo district seeded in ${ms} ms (all households, people and numbers are fictional)\n`);
    process.stdout.write(`${JSON.stringify({ seeded: true, ...counts })}\n`);
  } finally {
    await handle.close();
  }
}

/** The error's message and those of its causes: drizzle wraps the driver's useful one. */
function describe(error: unknown): { message: string; operational: boolean } {
  const parts: string[] = [];
  let operational = false;
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    // pg reports an unreachable multi-address host as an AggregateError with an empty message.
    const inner = e instanceof AggregateError && !e.message ? (e.errors[0] as unknown) : undefined;
    const message = e.message || (inner instanceof Error ? inner.message : "");
    if (message && !parts.includes(message)) parts.push(message.split("\n")[0]!);
    const code = (e as { code?: unknown }).code ?? (inner as { code?: unknown } | undefined)?.code;
    // System errors (ECONNREFUSED, ENOTFOUND, EACCES, ...): the environment, not a bug.
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) operational = true;
    e = e.cause;
  }
  return { message: parts.join(": ") || "unknown error", operational };
}

run().catch((error: unknown) => {
  // Expected failures get one clear line; anything else keeps its stack for whoever debugs it.
  const { message, operational } = describe(error);
  const expected = operational || error instanceof ConfigError || error instanceof DatabaseInUseError || error instanceof DemoSeedError;
  process.stderr.write(`seed failed: ${message}\n`);
  if (!expected && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
