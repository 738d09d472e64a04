import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Logger } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { fairTurn } from "../shared/turns.js";
import { lockDataDir } from "./lock.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
/** The typed database, the same for PostgreSQL (pg Pool) and embedded PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  readonly db: Database;
  readonly kind: "postgres" | "pglite";
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  /**
   * One parameterized statement sent straight to the driver, past drizzle's query builder: for a hot
   * path whose SQL text is built once (the access-log INSERT, where drizzle's per-call work costs as
   * much as PGlite's). Parameters must already be in driver form (column.mapToDriverValue).
   */
  query(text: string, params: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; absent → PGlite. */
  readonly url?: string | undefined;
  /** PGlite data directory; absent (with no url) → in-memory PGlite, for tests. */
  readonly dataDir?: string | undefined;
  /** Called with every SQL statement drizzle sends (statement counting in tests and benchmarks). */
  readonly onQuery?: ((sql: string) => void) | undefined;
  readonly poolSize?: number | undefined;
  /**
   * PostgreSQL's statement_timeout on every connection, in ms (the request deadline). The embedded
   * database cannot interrupt a statement; there the operation limits bound what one may do.
   */
  readonly statementTimeoutMs?: number | undefined;
  /** An already-open PGlite (tests load a migrated template into one); the handle owns it. */
  readonly pgliteClient?: PGlite | undefined;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DbHandle> {
  const logger: Logger | undefined = options.onQuery
    ? { logQuery: (query) => options.onQuery!(query) }
    : undefined;
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    // An idle client's error (server restart) must not crash the process; the next query reports it.
    pool.on("error", () => {});
    const db = drizzlePg(pool, { schema, logger }) as unknown as Database;
    return {
      db,
      kind: "postgres",
      ping: async () => {
        await pool.query("select 1");
      },
      query: async (text, params) => {
        options.onQuery?.(text);
        await pool.query(text, params as unknown[]);
      },
      close: () => pool.end(),
    };
  }
  let release: () => Promise<void> = async () => {};
  if (options.dataDir && !options.pgliteClient) {
    mkdirSync(options.dataDir, { recursive: true });
    // One process per data directory: see lock.ts.
    release = await lockDataDir(options.dataDir);
  }
  let client: PGlite;
  try {
    client = options.pgliteClient ?? (options.dataDir ? new PGlite(options.dataDir) : new PGlite());
    await client.waitReady;
  } catch (error) {
    await release();
    throw error;
  }
  yieldBeforeEachQuery(client);
  const db = drizzlePglite(client, { schema, logger }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    ping: async () => {
      await client.query("select 1");
    },
    query: async (text, params) => {
      options.onQuery?.(text);
      await client.query(text, params as unknown[]);
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        await release();
      }
    },
  };
}

/**
 * PGlite runs a statement synchronously inside its promise, so a request's chain of statements would
 * otherwise run back to back in one microtask run, holding the thread: each statement outside a
 * transaction first takes a fair turn (src/shared/turns.ts), so other requests get theirs between.
 * (Inside a transaction, PGlite's own lock holds every other statement anyway.)
 */
function yieldBeforeEachQuery(client: PGlite): void {
  const query = client.query.bind(client);
  client.query = (async (...args: Parameters<PGlite["query"]>) => {
    const turn = fairTurn();
    if (turn) await turn;
    return query(...args);
  }) as PGlite["query"];
}
