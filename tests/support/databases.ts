import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type DbHandle } from "../../src/db/client.js";
import { MIGRATIONS_FOLDER, migrateDatabase } from "../../src/db/migrate.js";

// Test databases for test files. Every test file that needs one opens its own, fresh and migrated, in
// beforeAll, on each available kind:
//
//   describe.each(databaseKinds())("... on %s", (kind) => {
//     let h: TestDatabase;
//     beforeAll(async () => { h = await openTestDatabase(kind); });
//     afterAll(() => h?.close());
//   });
//
// pglite: an in-memory PGlite. Creating and migrating one costs ~5 s, so the first file that asks builds a
// migrated one once per run, dumps its data dir to the run's template directory, and every later open
// loads that dump (~1 s). postgres: a new database `t_<hex>` on the run's server, dropped on close().

export type TestDatabaseKind = "pglite" | "postgres";

export interface TestDatabase extends DbHandle {
  /** What is under test: "pglite", or "postgres/<database name>". */
  readonly name: string;
}

export interface OpenTestDatabaseOptions {
  /** Forwarded to openDatabase: called with every SQL statement drizzle sends. */
  readonly onQuery?: ((sql: string) => void) | undefined;
  /** false → an empty database with no migration applied (for testing the migrations themselves). Default true. */
  readonly migrate?: boolean | undefined;
}

function postgresUrl(): string | null {
  return inject("postgresUrl") ?? null;
}

/** Each database kind and whether this run can test on it. */
export const testDatabases: ReadonlyArray<{ readonly name: TestDatabaseKind; readonly available: boolean }> = [
  { name: "pglite", available: true },
  { name: "postgres", available: postgresUrl() !== null },
];

/** The kinds to run database tests on: pglite always, postgres when the run has a server. */
export function databaseKinds(): TestDatabaseKind[] {
  return testDatabases.filter((d) => d.available).map((d) => d.name);
}

/**
 * A fresh database of the given kind, migrated unless `migrate: false`; close() releases it (and drops it
 * on PostgreSQL). Idempotent close.
 */
export async function openTestDatabase(kind: TestDatabaseKind, options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  return kind === "postgres" ? openPostgres(options) : openPglite(options);
}

// --- PostgreSQL -----------------------------------------------------------------------------------------

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function openPostgres(options: OpenTestDatabaseOptions): Promise<TestDatabase> {
  const adminUrl = postgresUrl();
  if (!adminUrl) throw new Error("no PostgreSQL server in this run (see tests/support/global-setup.ts); use databaseKinds()");
  const database = `t_${randomBytes(8).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${database}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;

  let handle: DbHandle | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await handle?.close();
      } finally {
        await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
      }
    })();
    return closing;
  };
  try {
    handle = await openDatabase({ url: url.toString(), onQuery: options.onQuery });
    if (options.migrate !== false) await migrateDatabase(handle);
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
  const opened = handle;
  return { db: opened.db, kind: opened.kind, ping: () => opened.ping(), query: (text, params) => opened.query(text, params), close, name: `postgres/${database}` };
}

// --- PGlite -----------------------------------------------------------------------------------------------

async function openPglite(options: OpenTestDatabaseOptions): Promise<TestDatabase> {
  const template = options.migrate === false ? null : await migratedPgliteTemplate();
  if (template === null) {
    // Empty on request, or no cache for this run: the plain route through openDatabase.
    const handle = await openDatabase({ onQuery: options.onQuery });
    try {
      if (options.migrate !== false) await migrateDatabase(handle);
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    return withName(handle, "pglite");
  }
  let client: PGlite;
  if (template instanceof PGlite) {
    client = template; // this worker built the template: use the migrated original itself
  } else {
    client = new PGlite({ loadDataDir: template });
    await client.waitReady;
  }
  return withName(await openDatabase({ pgliteClient: client, onQuery: options.onQuery }), "pglite");
}

function withName(handle: DbHandle, name: string): TestDatabase {
  let closing: Promise<void> | undefined;
  return { db: handle.db, kind: handle.kind, ping: () => handle.ping(), query: (text, params) => handle.query(text, params), close: () => (closing ??= handle.close()), name };
}

/** Hash of the committed migrations, so a cached template never outlives a change to them. */
function migrationsFingerprint(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(entry.name).update(readFileSync(file));
    }
  };
  walk(MIGRATIONS_FOLDER);
  return hash.digest("hex").slice(0, 16);
}

const TEMPLATE_WAIT_MS = 180_000;

/**
 * The run's migrated PGlite data dir as a tarball, built by whichever worker asks first (a mkdir lock);
 * that worker gets the migrated PGlite it dumped instead. Null when the run provides no template directory
 * or building it failed (callers then build their own, which reports the real error).
 */
async function migratedPgliteTemplate(): Promise<Blob | PGlite | null> {
  const dir = inject("pgliteTemplateDir") ?? null;
  if (!dir) return null;
  const key = migrationsFingerprint();
  const file = path.join(dir, `migrated-${key}.tar`);
  const failed = `${file}.failed`;
  const lock = `${file}.lock`;
  const load = () => new Blob([readFileSync(file)]);
  if (existsSync(file)) return load();
  if (existsSync(failed)) return null;

  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }

  if (owner) {
    let client: PGlite | undefined;
    try {
      client = new PGlite();
      await client.waitReady;
      await migrateDatabase(await openDatabase({ pgliteClient: client }));
      const dump = await client.dumpDataDir("none");
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
      renameSync(partial, file); // atomic: waiters never read a half-written file
      return client;
    } catch (error) {
      await client?.close().catch(() => {});
      writeFileSync(failed, String((error as Error).stack ?? error));
      return null;
    }
  }

  const deadline = Date.now() + TEMPLATE_WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(file)) return load();
    if (existsSync(failed)) return null;
    await sleep(100);
  }
  return null;
}
