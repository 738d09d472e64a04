// First: libraries load in production mode (see library-mode.ts).
import { HUB_NODE_ENV } from "./library-mode.js";
import "reflect-metadata";
import { readFileSync } from "node:fs";
import {
  certificatesFromPem,
  Checkpointer,
  DirectoryCheckpointSink,
  loadCheckpointEvidence,
  loadOrCreateSigningKeyFile,
  readSigningKeyFile,
  rfc3161Timestamper,
} from "./audit/index.js";
import { devIssuerRegistry, loadOrCreateDevIssuers } from "./auth/dev-issuer.js";
import { loadIssuerRegistryFile, mergeRegistries, type IssuerRegistry } from "./auth/issuers.js";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { isDatabaseEmpty, seedDemoDistrict } from "./demo/seed.js";
import { createLogger } from "./logger.js";
import { fieldCipherFromConfig } from "./privacy/crypto.js";
import { CheckpointSchedule } from "./checkpoint-schedule.js";
import { ClaimExpirySchedule } from "./claim-expiry-schedule.js";
import { buildHubSchema } from "./schema.js";
import { createHub } from "./server.js";

// Bootstrap only: config → db → migrate → (demo seed) → issuers → audit checkpoints → schema → server.

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: HUB_NODE_ENV });
  const logger = createLogger(config.logLevel);
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    statementTimeoutMs: config.requestLimits.timeoutMs,
  });
  await migrateDatabase(db);
  const cipher = fieldCipherFromConfig(config);

  const seed = config.seedDemo === "always" || (config.seedDemo === "auto" && db.kind === "pglite");
  if (seed && (await isDatabaseEmpty(db.db))) {
    const counts = await seedDemoDistrict(db.db, cipher);
    logger.info({ counts }, "demo district seeded (fictional households)");
  }

  const registries: IssuerRegistry[] = [];
  if (config.trustedIssuersFile) registries.push(loadIssuerRegistryFile(config.trustedIssuersFile));
  if (config.devIssuer) registries.push(devIssuerRegistry(await loadOrCreateDevIssuers(config.dataDir)));

  // Signed checkpoints of the audit chains, outside DATA_DIR (see README "Audit checkpoints").
  const audit = config.audit;
  const signingKey = audit.createSigningKey ? loadOrCreateSigningKeyFile(audit.signingKeyFile) : readSigningKeyFile(audit.signingKeyFile);
  const sink = new DirectoryCheckpointSink(audit.checkpointDir);
  const tsaTrustAnchors = audit.tsaCaFile ? certificatesFromPem(readFileSync(audit.tsaCaFile, "utf8")) : [];
  const checkpointer = new Checkpointer({
    db: db.db,
    sink,
    key: signingKey,
    timestamper: audit.tsaUrl ? rfc3161Timestamper({ url: audit.tsaUrl }) : null,
  });
  const schedule = new CheckpointSchedule({ checkpointer, intervalSeconds: audit.checkpointIntervalSeconds, logger });

  const hub = await createHub({
    schema: await buildHubSchema(),
    db,
    cipher,
    registry: mergeRegistries(...registries),
    audience: config.jwt.audience,
    clockToleranceSeconds: config.jwt.clockToleranceSeconds,
    introspection: config.introspection,
    logger,
    checkpoints: { schedule, evidence: () => loadCheckpointEvidence(sink, tsaTrustAnchors) },
    lookupLimit: { points: config.lookupsPerMinute, durationSeconds: 60 },
    shutdownGraceMs: config.shutdownGraceSeconds * 1000,
    publicMinCell: config.publicMinCell,
    limits: config.limits,
    requestLimits: config.requestLimits,
    production: config.env === "production",
    http: config.http,
    idempotency: config.idempotency,
  });
  const { url } = await hub.listen(config.port, config.host);
  const claimExpiry = new ClaimExpirySchedule({ db: db.db, changeLog: hub.changeLog, intervalSeconds: config.claimExpirySweepSeconds, logger, events: hub.events });
  claimExpiry.start();
  logger.info(
    {
      url,
      database: db.kind,
      devIssuer: config.devIssuer,
      auditCheckpoints: { dir: audit.checkpointDir, keyId: signingKey.keyId, intervalSeconds: audit.checkpointIntervalSeconds, timestamped: audit.tsaUrl !== undefined },
      startupMs: Math.round(process.uptime() * 1000),
    },
    "assistance hub ready",
  );
  if (config.devIssuer) {
    logger.info(
      { hint: "npm run token -- --list ; TOKEN=$(npm run -s token -- --org QX-MZJ --role CASEWORKER)" },
      "mint a development token",
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    hub
      .stop()
      .then(() => claimExpiry.stop())
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: { type: (err as Error)?.name } }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  // Start-up failures are configuration or infrastructure problems: say what, not a stack of SQL.
  const e = err as Error;
  process.stderr.write(`assistance hub failed to start: ${e.name}: ${e.message}\n`);
  process.exit(1);
});
