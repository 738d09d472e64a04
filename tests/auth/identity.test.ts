import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDemoOrganization, DEV_ISSUERS } from "../../src/demo/organizations.js";
import { AUDIENCE, startTestHub, type TestHub } from "../support/hub.js";

// Identity through the real HTTP path: every rejection is UNAUTHENTICATED with a stable reason.

describe("bearer token verification", () => {
  let t: TestHub;
  let url: string;

  beforeAll(async () => {
    t = await startTestHub("pglite");
    ({ url } = await t.hub.listen(0, "127.0.0.1"));
  });
  afterAll(() => t?.close());

  async function me(authorization?: string): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } }> {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: "{ me { role organization { code } } }" }),
    });
    return { status: res.status, body: (await res.json()) as never };
  }

  async function rejected(authorization: string | undefined, reason: string, message: RegExp): Promise<void> {
    const { body } = await me(authorization);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: "UNAUTHENTICATED", reason });
    expect(body.errors![0]!.message).toMatch(message);
  }

  const civil = () => findDemoOrganization("QX-MZJ")!;
  const key = (issuer: string) => t.dev.keys.get(issuer)!;
  const sign = async (claims: Record<string, unknown>, opts: { issuer?: string; kid?: string; exp?: number | null; alg?: string; keyJwk?: Parameters<typeof importJWK>[0]; iat?: number; sub?: string } = {}) => {
    const issuer = opts.issuer ?? civil().issuer;
    const k = key(issuer) ?? key(DEV_ISSUERS.government);
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ org: "QX-MZJ", role: "CASEWORKER", ...claims })
      .setProtectedHeader({ alg: opts.alg ?? "ES256", kid: opts.kid ?? k.kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject(opts.sub ?? "staff-1")
      .setIssuedAt(opts.iat ?? now);
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? now + 600);
    return jwt.sign(await importJWK(opts.keyJwk ?? k.privateJwk, opts.alg ?? "ES256"));
  };

  it("accepts a valid token and says who the caller is", async () => {
    const { status, body } = await me(`Bearer ${await t.token("QX-MZJ", "CASEWORKER")}`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { role: "CASEWORKER", organization: { code: "QX-MZJ" } } } });
  });

  it("asks for a token when none is sent", () => rejected(undefined, "MISSING_TOKEN", /authentication required/));

  it("rejects a header that is not a bearer JWT", () => rejected("Bearer abc", "MALFORMED_TOKEN", /Bearer <JWT>/));

  it("rejects garbage in JWT shape", () => rejected("Bearer aaa.bbb.ccc", "MALFORMED_TOKEN", /not a well-formed JWT/));

  it("rejects an expired token", async () => {
    const token = await t.token("QX-MZJ", "CASEWORKER", { now: new Date(Date.now() - 3600_000), ttlSeconds: 60 });
    await rejected(`Bearer ${token}`, "TOKEN_EXPIRED", /expired/);
  });

  it("tolerates small clock skew but not more", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await me(`Bearer ${await sign({}, { exp: now - 5 })}`)).body.errors).toBeUndefined();
    await rejected(`Bearer ${await sign({}, { exp: now - 120 })}`, "TOKEN_EXPIRED", /expired/);
  });

  it("rejects a token meant for another audience", async () => {
    const token = await t.token("QX-MZJ", "CASEWORKER", { audience: "some-other-service" });
    await rejected(`Bearer ${token}`, "WRONG_AUDIENCE", /not meant for this hub/);
  });

  it("rejects a token from an issuer the hub does not trust", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const token = await new SignJWT({ org: "QX-MZJ", role: "CASEWORKER" })
      .setProtectedHeader({ alg: "ES256" })
      .setIssuer("urn:somebody-else")
      .setAudience(AUDIENCE)
      .setSubject("x")
      .setExpirationTime("10m")
      .sign(privateKey);
    await rejected(`Bearer ${token}`, "UNKNOWN_ISSUER", /not trusted/);
  });

  it("rejects a charity's identity provider speaking for civil affairs (issuer binding)", async () => {
    const charityIssuer = findDemoOrganization("CH-ANKANG")!.issuer;
    const token = await t.token("QX-MZJ", "CASEWORKER", { issuer: charityIssuer });
    await rejected(`Bearer ${token}`, "ISSUER_NOT_BOUND", /may not speak for its organization/);
  });

  it("rejects a signature made with another key", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const forged = await sign({}, { keyJwk: await exportJWK(privateKey) });
    await rejected(`Bearer ${forged}`, "BAD_SIGNATURE", /signature does not verify/);
  });

  it("rejects a token whose payload was altered after signing", async () => {
    const [h, , s] = (await t.token("QX-JD-DF", "CASEWORKER")).split(".");
    const payload = Buffer.from(JSON.stringify({ iss: DEV_ISSUERS.government, aud: AUDIENCE, sub: "x", org: "QX-MZJ", role: "ADMIN", exp: 9999999999 })).toString("base64url");
    await rejected(`Bearer ${h}.${payload}.${s}`, "BAD_SIGNATURE", /signature does not verify/);
  });

  it("rejects alg: none", async () => {
    const token = new UnsecuredJWT({ org: "QX-MZJ", role: "ADMIN" }).setIssuer(DEV_ISSUERS.government).setAudience(AUDIENCE).setSubject("x").setExpirationTime("10m").encode();
    await rejected(`Bearer ${token}`, "ALG_NOT_ALLOWED", /algorithm \(none\)|algorithm none/);
  });

  it("rejects HS256 (algorithm confusion with a public key as the secret)", async () => {
    const pub = key(DEV_ISSUERS.government).publicJwk;
    const secret = new TextEncoder().encode(JSON.stringify(pub));
    const token = await new SignJWT({ org: "QX-MZJ", role: "ADMIN" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(DEV_ISSUERS.government)
      .setAudience(AUDIENCE)
      .setSubject("x")
      .setExpirationTime("10m")
      .sign(secret);
    await rejected(`Bearer ${token}`, "ALG_NOT_ALLOWED", /HS256/);
  });

  it("rejects a token without exp", async () => {
    await rejected(`Bearer ${await sign({}, { exp: null })}`, "MISSING_CLAIM", /exp/);
  });

  it("rejects an organization the hub does not know", async () => {
    await rejected(`Bearer ${await sign({ org: "QX-NOPE" })}`, "UNKNOWN_ORG", /not registered/);
  });

  it("rejects a role that does not exist in the organization's kind", async () => {
    const charity = findDemoOrganization("CH-ANKANG")!;
    const token = await sign({ org: charity.code, role: "CASEWORKER" }, { issuer: charity.issuer });
    await rejected(`Bearer ${token}`, "ROLE_NOT_ALLOWED", /does not exist in organizations of kind CHARITY/);
  });

  it("rejects a resident token that names no household", async () => {
    const resident = findDemoOrganization("QX-RESIDENT")!;
    const token = await sign({ org: resident.code, role: "RESIDENT" }, { issuer: resident.issuer });
    await rejected(`Bearer ${token}`, "MISSING_CLAIM", /household/);
  });

  it("rejects a token issued in the future beyond the clock tolerance (iat)", async () => {
    await rejected(`Bearer ${await sign({}, { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 })}`, "TOKEN_NOT_YET_VALID", /issued in the future/);
    // Within the tolerance it is accepted.
    const { body } = await me(`Bearer ${await sign({}, { iat: Math.floor(Date.now() / 1000) + 5 })}`);
    expect(body.errors).toBeUndefined();
  });

  it.each([
    ["a NUL in the org claim", { org: "QX-MZJ\u0000" }, /org claim is not storable text/],
    ["an org claim that is no organization code", { org: "qx mzj" }, /org claim is not an organization code/],
    ["a lone surrogate in the purpose claim", { purpose: "低保复核\uD800" }, /purpose claim is not storable text/],
  ])("rejects %s as MALFORMED_TOKEN, never a server error", async (_name, claims, message) => {
    await rejected(`Bearer ${await sign(claims)}`, "MALFORMED_TOKEN", message);
  });

  it("rejects a control character in the subject as MALFORMED_TOKEN", async () => {
    await rejected(`Bearer ${await sign({}, { sub: "staff\u0007" })}`, "MALFORMED_TOKEN", /sub claim is not storable text/);
  });

  it("cuts a long purpose claim by character, never inside a surrogate pair", async () => {
    // 199 characters then an emoji (a surrogate pair) across the 200th UTF-16 unit.
    const purpose = `${"低".repeat(199)}😀尾`;
    const token = await sign({ purpose });
    const ctx = await t.hub.contextFor(`Bearer ${token}`);
    expect(ctx.authError).toBeNull();
    expect(ctx.purpose).toBe(`${"低".repeat(199)}😀`);
    const { body } = await me(`Bearer ${token}`);
    expect(body.errors).toBeUndefined();
  });
});
