import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from "./shared/graphql/limits.js";
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from "./shared/request-limiter.js";

// The only reader of process.env. Parsed once into a frozen, typed object; secrets are never logged.

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

/** Recently decrypted field values kept in memory (src/privacy/plaintext-cache.ts): a minute, and room
 * for a few hundred requests' worth of hot records (a few MB). */
export const DEFAULT_PLAINTEXT_CACHE = Object.freeze({ maxEntries: 20_000, ttlMs: 60_000 });

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  JWT_AUDIENCE: z.string().min(1).default("qiaoxi-assistance-hub"),
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  TRUSTED_ISSUERS_FILE: z.string().min(1).optional(),
  FIELD_KEYS_FILE: z.string().min(1).optional(),
  FIELD_PLAINTEXT_CACHE_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_PLAINTEXT_CACHE.maxEntries),
  FIELD_PLAINTEXT_CACHE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(DEFAULT_PLAINTEXT_CACHE.ttlMs / 1000),
  DEV_ISSUER: z.string().optional(),
  INTROSPECTION: z.string().optional(),
  SEED_DEMO: z.enum(["auto", "always", "never"]).default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(15),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  AUDIT_TSA_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL")
    .optional(),
  AUDIT_TSA_CA_FILE: z.string().min(1).optional(),
  MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_OPERATION_LIMITS.maxAliases),
  MAX_DEPTH: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_OPERATION_LIMITS.maxDepth),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_OPERATION_LIMITS.maxDirectives),
  MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(DEFAULT_OPERATION_LIMITS.maxTokens),
  MAX_COST: z.coerce.number().int().min(1).max(100_000_000).default(DEFAULT_OPERATION_LIMITS.maxCost),
  MAX_FIELD_REPEATS: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_OPERATION_LIMITS.maxFieldRepeats),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_REQUEST_LIMITS.timeoutMs),
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(DEFAULT_REQUEST_LIMITS.maxResponseBytes),
  REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_REQUEST_LIMITS.perCallerPerMinute),
  ANONYMOUS_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_REQUEST_LIMITS.anonymousPerMinute),
  MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_REQUEST_LIMITS.maxConcurrent),
  HEAVY_QUERY_COST: z.coerce.number().int().min(1).max(100_000_000).default(DEFAULT_REQUEST_LIMITS.heavyCost),
  HEAVY_QUERIES_AT_ONCE: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_REQUEST_LIMITS.heavyAtOnce),
  PUBLIC_MIN_CELL: z.coerce.number().int().min(2).max(1_000).default(5),
  CLAIM_EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  IDEMPOTENCY_WAIT_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
  BEHIND_TLS: z.string().optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((o) => o.trim()).filter((o) => o !== ""))
    .refine((list) => list.every((o) => /^https?:\/\/[^/\s]+$/i.test(o)), "must be a comma-separated list of origins (scheme://host[:port])"),
});

export interface Config {
  readonly env: "development" | "production" | "test";
  readonly host: string;
  readonly port: number;
  /** PostgreSQL URL; absent → embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly jwt: { readonly audience: string; readonly clockToleranceSeconds: number };
  readonly trustedIssuersFile: string | undefined;
  /** AES-256-GCM field keys and the blind-index key; absent outside production → `dataDir/field-keys.json`. */
  readonly fieldKeysFile: string | undefined;
  /** Recently decrypted field values kept in memory (src/privacy/plaintext-cache.ts); maxEntries 0 → none. */
  readonly plaintextCache: { readonly maxEntries: number; readonly ttlMs: number };
  /** Local dev issuer keys in `dataDir`; never on in production unless asked for explicitly. */
  readonly devIssuer: boolean;
  readonly introspection: boolean;
  /** auto: seed the demo district into an empty embedded database. */
  readonly seedDemo: "auto" | "always" | "never";
  readonly logLevel: string;
  readonly audit: AuditConfig;
  /** Lookups by identifier (personByIdNumber, assistanceStatus) each caller may make a minute. */
  readonly lookupsPerMinute: number;
  /** On SIGTERM: seconds in-flight requests get to finish before their connections are cut. */
  readonly shutdownGraceSeconds: number;
  /** Operation limits checked before validation (src/shared/graphql/limits.ts). */
  readonly limits: OperationLimits;
  /** Deadline, response size, per-caller rate and concurrency (src/shared/request-limiter.ts). */
  readonly requestLimits: RequestLimits;
  readonly http: HttpConfig;
  readonly idempotency: IdempotencyConfig;
  /** Seconds between sweeps that expire claims past their due date (src/claim-expiry-schedule.ts); 0 → none. */
  readonly claimExpirySweepSeconds: number;
  /** Public disclosure (fulfilledNeeds, conduct summaries): cells counting fewer records are suppressed. */
  readonly publicMinCell: number;
}

/** Retry-safe mutations with an `Idempotency-Key` header (src/modules/idempotency). */
export interface IdempotencyConfig {
  /** Hours a mutation's first response is kept and replayed to a retry with its key. */
  readonly ttlHours: number;
  /** PostgreSQL: seconds a retry waits for the still-running first request with its key. */
  readonly waitSeconds: number;
}

/** What every HTTP response carries beyond the body. */
export interface HttpConfig {
  /** Behind TLS (directly or at a proxy): send Strict-Transport-Security. */
  readonly behindTls: boolean;
  /** Origins allowed to call the hub from a browser; empty → none. */
  readonly corsOrigins: readonly string[];
}

/** Signed checkpoints of the audit chains (src/audit/checkpoint.ts): where, how often, with which keys. */
export interface AuditConfig {
  /** Seconds between checkpoints; 0 → none on a timer (still one at shutdown). */
  readonly checkpointIntervalSeconds: number;
  /** The checkpoint directory (checkpoints and public keys; nothing secret). Default `<DATA_DIR>-audit/checkpoints`. */
  readonly checkpointDir: string;
  /** The Ed25519 signing key (PKCS#8 PEM). Outside production, default `<DATA_DIR>-audit/signing-key.pem`. */
  readonly signingKeyFile: string;
  /** The development default: created on first use. Never in production, which must name its key. */
  readonly createSigningKey: boolean;
  /** RFC 3161 time-stamping authority; unset → checkpoints carry no time-stamp. */
  readonly tsaUrl: string | undefined;
  /** PEM certificates trusted to issue the TSA's certificate; unset → verification checks a time-stamp's imprint only. */
  readonly tsaCaFile: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Only names and messages, never values: a misconfigured secret must not reach the log.
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const devIssuer = bool(!production).safeParse(e.DEV_ISSUER);
  const introspection = bool(!production).safeParse(e.INTROSPECTION);
  if (!devIssuer.success) throw new ConfigError("invalid configuration: DEV_ISSUER must be true or false");
  if (!introspection.success) throw new ConfigError("invalid configuration: INTROSPECTION must be true or false");
  const behindTls = bool(false).safeParse(e.BEHIND_TLS);
  if (!behindTls.success) throw new ConfigError("invalid configuration: BEHIND_TLS must be true or false");
  if (production && !e.TRUSTED_ISSUERS_FILE && !devIssuer.data) {
    throw new ConfigError("invalid configuration: production needs TRUSTED_ISSUERS_FILE (or DEV_ISSUER=true)");
  }
  if (production && !e.FIELD_KEYS_FILE) {
    throw new ConfigError("invalid configuration: production needs FIELD_KEYS_FILE (field encryption keys)");
  }
  if (e.SHUTDOWN_GRACE_SECONDS * 1000 < e.REQUEST_TIMEOUT_MS) {
    // Otherwise a request still inside its deadline could be cut at shutdown, after its write committed.
    throw new ConfigError("invalid configuration: SHUTDOWN_GRACE_SECONDS must be at least REQUEST_TIMEOUT_MS");
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const audit = auditConfig(e, dataDir, production);
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    jwt: Object.freeze({ audience: e.JWT_AUDIENCE, clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE_SECONDS }),
    trustedIssuersFile: e.TRUSTED_ISSUERS_FILE ? path.resolve(e.TRUSTED_ISSUERS_FILE) : undefined,
    fieldKeysFile: e.FIELD_KEYS_FILE ? path.resolve(e.FIELD_KEYS_FILE) : undefined,
    plaintextCache: Object.freeze({ maxEntries: e.FIELD_PLAINTEXT_CACHE_ENTRIES, ttlMs: e.FIELD_PLAINTEXT_CACHE_SECONDS * 1000 }),
    devIssuer: devIssuer.data,
    introspection: introspection.data,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    lookupsPerMinute: e.LOOKUPS_PER_MINUTE,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    limits: Object.freeze({
      ...DEFAULT_OPERATION_LIMITS,
      maxAliases: e.MAX_ALIASES,
      maxDepth: e.MAX_DEPTH,
      maxDirectives: e.MAX_DIRECTIVES,
      maxTokens: e.MAX_TOKENS,
      maxCost: e.MAX_COST,
      maxFieldRepeats: e.MAX_FIELD_REPEATS,
    }),
    requestLimits: Object.freeze({
      timeoutMs: e.REQUEST_TIMEOUT_MS,
      maxResponseBytes: e.MAX_RESPONSE_BYTES,
      perCallerPerMinute: e.REQUESTS_PER_MINUTE,
      anonymousPerMinute: e.ANONYMOUS_REQUESTS_PER_MINUTE,
      maxConcurrent: e.MAX_CONCURRENT_REQUESTS,
      heavyCost: e.HEAVY_QUERY_COST,
      heavyAtOnce: e.HEAVY_QUERIES_AT_ONCE,
    }),
    http: Object.freeze({ behindTls: behindTls.data, corsOrigins: Object.freeze([...e.CORS_ORIGINS.map((o) => o.toLowerCase())]) }),
    idempotency: Object.freeze({ ttlHours: e.IDEMPOTENCY_TTL_HOURS, waitSeconds: e.IDEMPOTENCY_WAIT_SECONDS }),
    claimExpirySweepSeconds: e.CLAIM_EXPIRY_SWEEP_SECONDS,
    publicMinCell: e.PUBLIC_MIN_CELL,
    audit,
  });
}

/** The audit signing key and checkpoints live beside DATA_DIR, never inside it: `./data` → `./data-audit/`. */
function auditHome(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}-audit`);
}

function auditConfig(e: z.infer<typeof EnvSchema>, dataDir: string, production: boolean): AuditConfig {
  const checkpointDir = path.resolve(e.AUDIT_CHECKPOINT_DIR ?? path.join(auditHome(dataDir), "checkpoints"));
  if (production) {
    // Key custody: whoever holds the database (and DATA_DIR, where the HMAC audit key sits by default)
    // must not also hold the key that signs its checkpoints, or the checkpoints prove nothing.
    if (!e.AUDIT_SIGNING_KEY_FILE) {
      throw new ConfigError("invalid configuration: production needs AUDIT_SIGNING_KEY_FILE (the audit checkpoint signing key, outside DATA_DIR)");
    }
    const keyFile = path.resolve(e.AUDIT_SIGNING_KEY_FILE);
    if (isInside(keyFile, dataDir)) throw new ConfigError("invalid configuration: AUDIT_SIGNING_KEY_FILE must lie outside DATA_DIR");
    let mode: number;
    try {
      const stat = statSync(keyFile);
      if (!stat.isFile()) throw new ConfigError("invalid configuration: AUDIT_SIGNING_KEY_FILE is not a regular file");
      mode = stat.mode & 0o777;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`invalid configuration: AUDIT_SIGNING_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (mode !== 0o600 && mode !== 0o400) {
      throw new ConfigError(`invalid configuration: AUDIT_SIGNING_KEY_FILE must be readable by its owner only (mode 0600 or 0400, not 0${mode.toString(8)})`);
    }
    if (isInside(checkpointDir, dataDir)) throw new ConfigError("invalid configuration: AUDIT_CHECKPOINT_DIR must lie outside DATA_DIR");
  }
  return Object.freeze({
    checkpointIntervalSeconds: e.AUDIT_CHECKPOINT_INTERVAL_SECONDS,
    checkpointDir,
    signingKeyFile: path.resolve(e.AUDIT_SIGNING_KEY_FILE ?? path.join(auditHome(dataDir), "signing-key.pem")),
    createSigningKey: !e.AUDIT_SIGNING_KEY_FILE,
    tsaUrl: e.AUDIT_TSA_URL,
    tsaCaFile: e.AUDIT_TSA_CA_FILE ? path.resolve(e.AUDIT_TSA_CA_FILE) : undefined,
  });
}

/** Whether `file` is `dir` or below it, symbolic links resolved as far as the paths exist. */
function isInside(file: string, dir: string): boolean {
  const relative = path.relative(resolveExisting(dir), resolveExisting(file));
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function resolveExisting(p: string): string {
  const rest: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(p);
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}
