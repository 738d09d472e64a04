import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { devIssuerRegistry, loadOrCreateDevIssuers, mintDevToken, type DevIssuers, type MintOptions } from "../../src/auth/dev-issuer.js";
import type { DbHandle } from "../../src/db/client.js";
import { findDemoOrganization } from "../../src/demo/organizations.js";
import { seedDemoDistrict } from "../../src/demo/seed.js";
import type { Role } from "../../src/modules/organizations/organizations.enums.js";
import { buildHubSchema } from "../../src/schema.js";
import { createHub, type Hub, type HubOptions } from "../../src/server.js";
import type { FieldCipher } from "../../src/privacy/crypto.js";
import type { LookupLimit } from "../../src/privacy/lookups.js";
import type { HttpConfig } from "../../src/config.js";
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from "../../src/shared/graphql/limits.js";
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from "../../src/shared/request-limiter.js";
import { testCipher } from "./cipher.js";
import { openTestDatabase, type TestDatabaseKind } from "./databases.js";

export const AUDIENCE = "qiaoxi-assistance-hub";

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestHub {
  readonly hub: Hub;
  readonly db: DbHandle;
  readonly dev: DevIssuers;
  readonly cipher: FieldCipher;
  /** SQL statements sent since the last reset. */
  readonly statements: string[];
  token(orgCode: string, role?: Role, options?: Partial<MintOptions>): Promise<string>;
  /** Runs an operation in-process with the context the HTTP path would build for this token. */
  exec(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult>;
  /** Stops the hub (as a shutdown does) and starts a new one on the same database, keys and issuers; `hub` is then the new one. */
  restart(): Promise<Hub>;
  close(): Promise<void>;
}

/** A hub on a fresh, migrated database seeded with the demo district, with its own dev issuers. */
export async function startTestHub(
  kind: TestDatabaseKind,
  options: {
    seed?: boolean;
    now?: () => Date;
    cipher?: FieldCipher;
    /** Signed audit checkpoints for the hub, built on its database (see HubOptions.checkpoints). */
    checkpoints?: (db: DbHandle) => HubOptions["checkpoints"];
    lookupLimit?: LookupLimit;
    /** Operation limits over DEFAULT_OPERATION_LIMITS. */
    limits?: Partial<OperationLimits>;
    /**
     * Request limits over DEFAULT_REQUEST_LIMITS — except that the per-caller rate and concurrency are
     * unlimited unless given: suites send hundreds of requests a minute with one token.
     */
    requestLimits?: Partial<RequestLimits>;
    production?: boolean;
    /** Default: on, except in production. */
    introspection?: boolean;
    http?: HttpConfig;
    /** The handle the hub is given, around the test database (to hold or fail its statements); t.db stays the plain one. */
    wrapDb?: (db: DbHandle) => DbHandle;
    idempotency?: HubOptions["idempotency"];
    maxSubscriptionsPerCaller?: number;
  } = {},
): Promise<TestHub> {
  const statements: string[] = [];
  const db = await openTestDatabase(kind, { onQuery: (sql) => statements.push(sql) });
  const cipher = options.cipher ?? testCipher();
  if (options.seed !== false) await seedDemoDistrict(db.db, cipher);
  const keyDir = mkdtempSync(path.join(os.tmpdir(), "hub-test-keys-"));
  const dev = await loadOrCreateDevIssuers(keyDir);
  const schema = await buildHubSchema();
  const build = () => createHub({
    schema,
    db: options.wrapDb?.(db) ?? db,
    cipher,
    registry: devIssuerRegistry(dev),
    audience: AUDIENCE,
    clockToleranceSeconds: 30,
    introspection: options.introspection ?? options.production !== true,
    logger: pino({ level: "silent" }),
    now: options.now,
    lookupLimit: options.lookupLimit,
    limits: { ...DEFAULT_OPERATION_LIMITS, ...options.limits },
    requestLimits: { ...DEFAULT_REQUEST_LIMITS, perCallerPerMinute: 1_000_000, anonymousPerMinute: 1_000_000, maxConcurrent: 10_000, ...options.requestLimits },
    production: options.production,
    http: options.http,
    checkpoints: options.checkpoints?.(db),
    idempotency: options.idempotency,
    maxSubscriptionsPerCaller: options.maxSubscriptionsPerCaller,
  });
  let hub = await build();
  statements.length = 0;
  return {
    get hub() {
      return hub;
    },
    db,
    dev,
    cipher,
    statements,
    async token(orgCode, role, extra = {}) {
      const org = findDemoOrganization(orgCode);
      if (!org) throw new Error(`no demo organization ${orgCode}`);
      return mintDevToken(dev, { org, role: role ?? org.roles[0]!, audience: AUDIENCE, ...extra });
    },
    async exec(token, query, variables) {
      const contextValue = await hub.contextFor(token ? `Bearer ${token}` : undefined);
      const response = await hub.apollo.executeOperation({ query, variables }, { contextValue });
      // As the server does before answering a mutation: its change-log entries chained.
      if (contextValue.mutation.ran) await hub.changeLog.flush();
      if (response.body.kind !== "single") throw new Error("unexpected incremental response");
      return JSON.parse(JSON.stringify(response.body.singleResult)) as GraphQLResult;
    },
    async restart() {
      await hub.stop();
      hub = await build();
      return hub;
    },
    async close() {
      await hub.stop();
      await db.close();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** The `extensions.code` of each error, for whole-result assertions. */
export function errorCodes(result: GraphQLResult): unknown[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}
