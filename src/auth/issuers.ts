import { readFileSync } from "node:fs";
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";

// The trusted-issuer registry: which identity providers the hub accepts, with which keys and
// algorithms, and (optionally) which organizations each may speak for. The organization row's
// `issuer` column is the binding that is always checked; `orgs` here narrows it further.

export const ALLOWED_ALGORITHMS = ["ES256", "ES384", "EdDSA", "RS256", "PS256"] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

export interface TrustedIssuer {
  readonly issuer: string;
  readonly algorithms: readonly AllowedAlgorithm[];
  readonly keys: JWTVerifyGetKey;
  /** Organization codes this issuer may speak for; undefined = as bound in the organizations table. */
  readonly orgs: ReadonlySet<string> | undefined;
}

export type IssuerRegistry = ReadonlyMap<string, TrustedIssuer>;

const IssuerFileSchema = z.object({
  issuers: z
    .array(
      z
        .object({
          issuer: z.string().min(1),
          algorithms: z.array(z.enum(ALLOWED_ALGORITHMS)).min(1).default(["ES256"]),
          jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
          jwksUri: z.string().url().optional(),
          orgs: z.array(z.string().min(1)).optional(),
        })
        .refine((i) => Boolean(i.jwks) !== Boolean(i.jwksUri), { message: "give exactly one of jwks or jwksUri" }),
    )
    .min(1),
});

export type TrustedIssuerConfig = z.input<typeof IssuerFileSchema>["issuers"][number];

export function createIssuerRegistry(configs: readonly TrustedIssuerConfig[]): IssuerRegistry {
  const parsed = IssuerFileSchema.parse({ issuers: configs });
  const registry = new Map<string, TrustedIssuer>();
  for (const c of parsed.issuers) {
    if (registry.has(c.issuer)) throw new Error(`trusted issuer listed twice: ${c.issuer}`);
    registry.set(c.issuer, {
      issuer: c.issuer,
      algorithms: c.algorithms,
      keys: c.jwks ? createLocalJWKSet(c.jwks as JSONWebKeySet) : createRemoteJWKSet(new URL(c.jwksUri!)),
      orgs: c.orgs ? new Set(c.orgs) : undefined,
    });
  }
  return registry;
}

/** Reads the production trusted-issuers file (JSON: `{ "issuers": [...] }`). */
export function loadIssuerRegistryFile(file: string): IssuerRegistry {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read trusted issuers file ${file}: ${(err as Error).message}`);
  }
  const parsed = IssuerFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`invalid trusted issuers file ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return createIssuerRegistry(parsed.data.issuers);
}

export function mergeRegistries(...registries: IssuerRegistry[]): IssuerRegistry {
  const merged = new Map<string, TrustedIssuer>();
  for (const r of registries) {
    for (const [iss, entry] of r) {
      if (merged.has(iss)) throw new Error(`trusted issuer configured twice: ${iss}`);
      merged.set(iss, entry);
    }
  }
  return merged;
}
