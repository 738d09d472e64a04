import path from "node:path";
import { z } from "zod";

// The only reader of process.env. Parsed once into a frozen, typed object; secrets are never logged.

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

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
  DEV_ISSUER: z.string().optional(),
  INTROSPECTION: z.string().optional(),
  SEED_DEMO: z.enum(["auto", "always", "never"]).default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
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
  /** Local dev issuer keys in `dataDir`; never on in production unless asked for explicitly. */
  readonly devIssuer: boolean;
  readonly introspection: boolean;
  /** auto: seed the demo district into an empty embedded database. */
  readonly seedDemo: "auto" | "always" | "never";
  readonly logLevel: string;
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
  if (production && !e.TRUSTED_ISSUERS_FILE && !devIssuer.data) {
    throw new ConfigError("invalid configuration: production needs TRUSTED_ISSUERS_FILE (or DEV_ISSUER=true)");
  }
  if (production && !e.FIELD_KEYS_FILE) {
    throw new ConfigError("invalid configuration: production needs FIELD_KEYS_FILE (field encryption keys)");
  }
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    jwt: Object.freeze({ audience: e.JWT_AUDIENCE, clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE_SECONDS }),
    trustedIssuersFile: e.TRUSTED_ISSUERS_FILE ? path.resolve(e.TRUSTED_ISSUERS_FILE) : undefined,
    fieldKeysFile: e.FIELD_KEYS_FILE ? path.resolve(e.FIELD_KEYS_FILE) : undefined,
    devIssuer: devIssuer.data,
    introspection: introspection.data,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
  });
}
