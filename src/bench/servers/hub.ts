import "reflect-metadata";
import { devIssuerRegistry, loadOrCreateDevIssuers } from "../../auth/dev-issuer.js";
import { openDatabase } from "../../db/client.js";
import { createLogger } from "../../logger.js";
import { fileBackedCipher } from "../../privacy/crypto.js";
import { DEFAULT_PLAINTEXT_CACHE } from "../../config.js";
import { buildHubSchema } from "../../schema.js";
import { createHub } from "../../server.js";
import { DEFAULT_REQUEST_LIMITS } from "../../shared/request-limiter.js";
import { childConfig, runChild } from "../child.js";

// The hub as `npm start` runs it, in its own process: createHub (Apollo on node:http, projection, the
// access log written before each response, the request log at info level to stdout — which the parent
// points at /dev/null), on PostgreSQL or on file-backed PGlite. Not here: the checkpoint timer (it runs
// every few minutes, not per request) and config parsing. The per-caller rate and concurrency budgets
// are lifted: the benchmark is one caller sending hundreds of requests a second over 10 connections,
// which the production budgets (600 a minute, 8 at once) would answer with 429 — the benchmark
// measures the data path, not the limiter (every other limit stays as deployed).

export interface HubChildConfig {
  /** PostgreSQL URL, or absent with dataDir: embedded PGlite (already migrated and seeded). */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly fieldKeyFile: string;
  /** Where the dev issuers' keys are (the parent mints the caseworker's token from the same file). */
  readonly devIssuerDir: string;
  readonly audience: string;
  readonly poolSize: number;
}

void runChild(async () => {
  const config = childConfig<HubChildConfig>();
  let statements = 0;
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    poolSize: config.poolSize,
    // On PostgreSQL the server counts statements (pg_stat_statements); PGlite has no such view.
    onQuery: config.databaseUrl ? undefined : () => void statements++,
  });
  const hub = await createHub({
    schema: await buildHubSchema(),
    db,
    cipher: fileBackedCipher(config.fieldKeyFile, { cache: DEFAULT_PLAINTEXT_CACHE }),
    registry: devIssuerRegistry(await loadOrCreateDevIssuers(config.devIssuerDir)),
    audience: config.audience,
    clockToleranceSeconds: 30,
    introspection: false,
    logger: createLogger("info"),
    requestLimits: { ...DEFAULT_REQUEST_LIMITS, perCallerPerMinute: 1_000_000_000, maxConcurrent: 1_000_000 },
  });
  return {
    server: hub.httpServer,
    statements: config.databaseUrl ? undefined : () => statements,
    close: async () => {
      await hub.stop();
      await db.close();
    },
  };
});
