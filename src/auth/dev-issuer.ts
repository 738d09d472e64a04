import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { DEMO_ORGANIZATIONS, type DemoOrganization } from "../demo/organizations.js";
import type { Role } from "../modules/organizations/organizations.enums.js";
import { createIssuerRegistry, type IssuerRegistry } from "./issuers.js";

// Development only: one signing key per demo identity provider, kept in DATA_DIR so the hub and
// `npm run token` (a separate process that never opens the database) agree on them.

const FILE = "dev-issuers.json";
const ALG = "ES256";

interface DevIssuerKey {
  readonly issuer: string;
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export interface DevIssuers {
  readonly keys: ReadonlyMap<string, DevIssuerKey>;
}

function demoIssuers(): string[] {
  return [...new Set(DEMO_ORGANIZATIONS.map((o) => o.issuer))];
}

async function newKey(issuer: string): Promise<DevIssuerKey> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = `dev-${Buffer.from(issuer).toString("base64url").slice(-16)}-${Date.now().toString(36)}`;
  return {
    issuer,
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: "sig" },
  };
}

/** Loads the dev issuers' keys from `dataDir`, creating any that are missing. */
export async function loadOrCreateDevIssuers(dataDir: string): Promise<DevIssuers> {
  const file = path.join(dataDir, FILE);
  let stored: DevIssuerKey[] = [];
  if (existsSync(file)) stored = (JSON.parse(readFileSync(file, "utf8")) as { issuers: DevIssuerKey[] }).issuers;
  const byIssuer = new Map(stored.map((k) => [k.issuer, k]));
  let changed = false;
  for (const issuer of demoIssuers()) {
    if (!byIssuer.has(issuer)) {
      byIssuer.set(issuer, await newKey(issuer));
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ issuers: [...byIssuer.values()] }, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { keys: byIssuer };
}

/** Only reads; `npm run token` must not race the hub into creating different keys. */
export function readDevIssuers(dataDir: string): DevIssuers | null {
  const file = path.join(dataDir, FILE);
  if (!existsSync(file)) return null;
  const stored = (JSON.parse(readFileSync(file, "utf8")) as { issuers: DevIssuerKey[] }).issuers;
  return { keys: new Map(stored.map((k) => [k.issuer, k])) };
}

export function devIssuerRegistry(dev: DevIssuers): IssuerRegistry {
  return createIssuerRegistry(
    [...dev.keys.values()].map((k) => ({ issuer: k.issuer, algorithms: [ALG], jwks: { keys: [k.publicJwk as Record<string, unknown>] } })),
  );
}

export interface MintOptions {
  readonly org: Pick<DemoOrganization, "code" | "issuer">;
  readonly role: Role;
  readonly audience: string;
  readonly subject?: string;
  /** RESIDENT tokens name the household they act for. */
  readonly householdId?: string;
  readonly ttlSeconds?: number;
  /** Sign as another issuer (to demonstrate issuer binding). */
  readonly issuer?: string;
  readonly now?: Date;
}

export async function mintDevToken(dev: DevIssuers, options: MintOptions): Promise<string> {
  const issuer = options.issuer ?? options.org.issuer;
  const key = dev.keys.get(issuer);
  if (!key) throw new Error(`no dev key for issuer ${issuer}; start the hub once to create the dev issuers`);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = { org: options.org.code, role: options.role };
  if (options.householdId) claims.household = options.householdId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(options.audience)
    .setSubject(options.subject ?? `dev-${options.org.code.toLowerCase()}-${options.role.toLowerCase()}`)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + (options.ttlSeconds ?? 8 * 3600))
    .sign(await importJWK(key.privateJwk, ALG));
}
