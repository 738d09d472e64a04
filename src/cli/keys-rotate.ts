// Like every src entry point: type-graphql needs the Reflect metadata API before any decorated class loads.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase, type DbHandle } from "../db/client.js";
import { DatabaseInUseError } from "../db/lock.js";
import { databaseErrorOf } from "../db/errors.js";
import { migrateDatabase } from "../db/migrate.js";
import { FieldCipher, FieldCryptoError, loadOrCreateDevFieldKeys, readFieldKeyFile } from "../privacy/crypto.js";
import { KeyRotationError, rotateKeyFile } from "../privacy/rotate.js";

// `npm run keys:rotate [-- --retire]`: adds a fresh field encryption key to FIELD_KEYS_FILE (or the
// development key file in DATA_DIR), makes it active, re-encrypts every stored value under it, and
// prints one JSON line on stdout:
//
//   {"active":"k…","previous":"k…","reencrypted":{"persons.id_number":930,"persons.phone":610,…}}
//
// Progress and messages go to stderr. On PostgreSQL, running hubs keep serving reads throughout: every
// old key stays in the file, and a hub that meets a value under a key id it does not know re-reads the
// file. The embedded PGlite database is one process's (db/lock.ts): there the running hub rotates its
// own keys (the rotateFieldKeys mutation, same steps), or stop it and run this.
//
// Hubs that started before the rotation keep encrypting NEW writes under the previous key until they
// reload the file (on their first read of a value under the new key, or a restart). That is why
// reencryptAll loops until no value under an old key is left rather than passing over each table once,
// and why --retire removes only keys that no row uses any more (checked after re-encryption) instead of
// every key but the active one. Run --retire once every hub has reloaded or restarted: a hub still on
// the previous key can write one more value under it after the check (a later `keys:rotate --retire`
// then finds and re-encrypts it, as long as the key is still in the file).
//
// Exit 0 on success, 1 when the rotation failed (one line on stderr), 2 on a usage error.

const USAGE = "usage: npm run keys:rotate [-- --retire]   (reads FIELD_KEYS_FILE or DATA_DIR, and DATABASE_URL or DATA_DIR)";

async function run(): Promise<number> {
  let retire: boolean;
  try {
    const { values } = parseArgs({ options: { retire: { type: "boolean", default: false } }, strict: true, allowPositionals: false });
    retire = values.retire === true;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const file = config.fieldKeysFile ?? loadOrCreateDevFieldKeys(config.dataDir).file;
  // Fails early (nothing changed yet) on an unreadable or invalid key file.
  readFieldKeyFile(file);
  const handle: DbHandle = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  });
  try {
    // The database first: an unreachable one must not leave a new active key behind.
    await migrateDatabase(handle);
    const cipher = new FieldCipher(readFieldKeyFile(file), () => readFieldKeyFile(file));
    let started = 0;
    const rotation = await rotateKeyFile({
      db: handle.db,
      file,
      cipher,
      retire,
      onKeyAdded: ({ previous, active }) => {
        process.stderr.write(`field key ${active} is now active (previous: ${previous}); re-encrypting\n`);
        started = performance.now();
      },
    });
    process.stderr.write(`done in ${Math.round(performance.now() - started)} ms\n`);
    const summary: Record<string, unknown> = {
      active: rotation.active,
      previous: rotation.previous,
      reencrypted: Object.fromEntries(rotation.reencrypted.map((c) => [c.column, c.reencrypted])),
    };
    if (rotation.retired) {
      const { removed, inUse } = rotation.retired;
      process.stderr.write(removed.length > 0 ? `retired field keys: ${removed.join(", ")}\n` : "no field key retired\n");
      for (const [kid, rows] of Object.entries(inUse)) {
        process.stderr.write(`field key ${kid} kept: ${rows} values still use it (a hub not yet reloaded?); run again later\n`);
      }
      summary.retired = removed;
      summary.stillInUse = inUse;
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

/** One line for an expected failure: no SQL, no parameters, no stack. Null for anything else. */
function explain(error: unknown): string | null {
  // A running hub on the embedded database rotates its own keys: the rotateFieldKeys mutation.
  if (error instanceof DatabaseInUseError) return `${error.message}; to rotate without stopping it, call the rotateFieldKeys mutation as a civil-affairs ADMIN`;
  if (error instanceof ConfigError || error instanceof FieldCryptoError || error instanceof KeyRotationError) return error.message;
  const database = databaseErrorOf(error);
  if (database) return `database error (SQLSTATE ${database.code})`;
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    // pg reports an unreachable multi-address host as an AggregateError of system errors.
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
    const code = (inner as { code?: unknown }).code;
    // System errors (ECONNREFUSED, ENOTFOUND, EACCES, ...): the environment, not a bug.
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return `${(inner as Error).message || code}`.split("\n")[0]!;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

try {
  process.exitCode = await run();
} catch (error) {
  const expected = explain(error);
  process.stderr.write(`keys:rotate failed: ${expected ?? (error as Error).message}\n`);
  // Anything unexpected keeps its stack for whoever debugs it.
  if (expected === null && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
