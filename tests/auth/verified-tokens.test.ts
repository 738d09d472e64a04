import { SignJWT, generateKeyPair, type JWTVerifyGetKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { TrustedIssuer } from "../../src/auth/issuers.js";
import { VerifiedTokens, authenticate, type AuthenticateOptions } from "../../src/auth/verify.js";
import type { OrganizationRow } from "../../src/modules/organizations/organizations.table.js";

// A token's signature is verified once per process (for a bounded time); every other check runs on
// every request, and anything that changes what the signature proves — a new registry entry, expiry —
// sends the token through verification again.

const ISSUER = "https://idp.test.invalid";
const AUDIENCE = "qiaoxi-assistance-hub";
const ORG: OrganizationRow = {
  id: "00000000-0000-4000-8000-000000000001",
  code: "QX-MZJ",
  kind: "CIVIL_AFFAIRS",
  nameZh: "民政局(测试)",
  nameEn: "Civil Affairs (test)",
  jurisdictionAreaCode: "130104000000",
  issuer: ISSUER,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe("verified tokens", () => {
  let keyPair: Awaited<ReturnType<typeof generateKeyPair>>;
  let lookups = 0;
  const issuerEntry = (): TrustedIssuer => ({
    issuer: ISSUER,
    algorithms: ["ES256"],
    orgs: undefined,
    keys: (async () => {
      lookups++;
      return keyPair.publicKey;
    }) as JWTVerifyGetKey,
  });
  const sign = (exp: number, key = keyPair.privateKey) =>
    new SignJWT({ org: ORG.code, role: "CASEWORKER" })
      .setProtectedHeader({ alg: "ES256" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject("staff-1")
      .setIssuedAt(1_000)
      .setExpirationTime(exp)
      .sign(key);
  const options = (issuer: TrustedIssuer, verified: VerifiedTokens, nowSeconds: number): AuthenticateOptions => ({
    registry: new Map([[ISSUER, issuer]]),
    audience: AUDIENCE,
    clockToleranceSeconds: 30,
    findOrganization: async (code) => (code === ORG.code ? ORG : null),
    now: () => new Date(nowSeconds * 1000),
    verified,
  });

  beforeAll(async () => {
    keyPair = await generateKeyPair("ES256");
  });

  it("checks a token's signature once, and answers the same principal", async () => {
    const verified = new VerifiedTokens();
    const issuer = issuerEntry();
    const token = await sign(5_000);
    lookups = 0;
    const first = await authenticate(`Bearer ${token}`, options(issuer, verified, 2_000));
    const second = await authenticate(`Bearer ${token}`, options(issuer, verified, 2_010));
    expect(lookups).toBe(1);
    expect(second).toEqual(first);
    expect(first?.org.code).toBe("QX-MZJ");
  });

  it("verifies again under a new registry entry, and refuses a cached token once it has expired", async () => {
    const verified = new VerifiedTokens();
    const token = await sign(5_000);
    lookups = 0;
    await authenticate(`Bearer ${token}`, options(issuerEntry(), verified, 2_000));
    await authenticate(`Bearer ${token}`, options(issuerEntry(), verified, 2_000));
    expect(lookups).toBe(2);
    const issuer = issuerEntry();
    await authenticate(`Bearer ${token}`, options(issuer, verified, 4_990));
    // Past expiry plus the tolerance: verified again, and refused as expired.
    await expect(authenticate(`Bearer ${token}`, options(issuer, verified, 5_031))).rejects.toMatchObject({ reason: "TOKEN_EXPIRED" });
    expect(lookups).toBe(4);
  });

  it("never keeps a token that failed, and keeps a bounded number", async () => {
    const verified = new VerifiedTokens(2);
    const issuer = issuerEntry();
    const stranger = await generateKeyPair("ES256");
    const forged = await sign(5_000, stranger.privateKey);
    lookups = 0;
    for (let i = 0; i < 2; i++) {
      await expect(authenticate(`Bearer ${forged}`, options(issuer, verified, 2_000))).rejects.toMatchObject({ reason: "BAD_SIGNATURE" });
    }
    expect(lookups).toBe(2);
    expect(verified.size).toBe(0);
    for (const exp of [5_000, 5_001, 5_002]) await authenticate(`Bearer ${await sign(exp)}`, options(issuer, verified, 2_000));
    expect(verified.size).toBe(2);
  });

  it("still runs every other check on a cached token: an organization gone is refused", async () => {
    const verified = new VerifiedTokens();
    const issuer = issuerEntry();
    const token = await sign(5_000);
    await authenticate(`Bearer ${token}`, options(issuer, verified, 2_000));
    const gone = { ...options(issuer, verified, 2_001), findOrganization: async () => null };
    await expect(authenticate(`Bearer ${token}`, gone)).rejects.toMatchObject({ reason: "UNKNOWN_ORG" });
  });
});
