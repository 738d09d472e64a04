import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

// What every HTTP response carries beyond its body, and the CORS allowlist both ways.

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};
const HSTS = "max-age=31536000; includeSubDomains";
const APP = "https://app.qiaoxi.example";

function securityHeadersOf(res: Response) {
  return {
    ...Object.fromEntries(Object.keys(SECURITY_HEADERS).map((k) => [k, res.headers.get(k)])),
    "strict-transport-security": res.headers.get("strict-transport-security"),
  };
}

describe("HTTP response headers", () => {
  let plain: TestHub;
  let tls: TestHub;
  let plainBase: string;
  let tlsBase: string;
  let token: string;

  beforeAll(async () => {
    plain = await startTestHub("pglite");
    tls = await startTestHub("pglite", { seed: false, http: { behindTls: true, corsOrigins: [APP] } });
    plainBase = `http://127.0.0.1:${(await plain.hub.listen(0, "127.0.0.1")).port}`;
    tlsBase = `http://127.0.0.1:${(await tls.hub.listen(0, "127.0.0.1")).port}`;
    token = await plain.token("QX-MZJ", "CASEWORKER");
  });
  afterAll(async () => {
    await plain?.close();
    await tls?.close();
  });

  /** One request of every kind of response the hub gives. */
  const everyKind = (base: string, auth?: string) => ({
    "graphql with personal data": () =>
      fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify({ query: "{ households(first: 1) { nodes { members { idNumber } } } }" }),
      }),
    "graphql error": () => fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{" }) }),
    "invalid JSON": () => fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }),
    healthz: () => fetch(`${base}/healthz`),
    readyz: () => fetch(`${base}/readyz`),
    "not found": () => fetch(`${base}/nope`),
    "refused preflight": () => fetch(`${base}/graphql`, { method: "OPTIONS", headers: { origin: "https://evil.example" } }),
  });

  it("every response carries no-store, nosniff, no-referrer, DENY and frame-ancestors 'none'; no HSTS without TLS", async () => {
    const seen: Record<string, unknown> = {};
    for (const [kind, request] of Object.entries(everyKind(plainBase, token))) seen[kind] = securityHeadersOf(await request());
    const expected = { ...SECURITY_HEADERS, "strict-transport-security": null };
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, expected])));
    expect(Object.keys(seen)).toHaveLength(7);
  });

  it("behind TLS every response also carries Strict-Transport-Security", async () => {
    const seen: Record<string, unknown> = {};
    for (const [kind, request] of Object.entries(everyKind(tlsBase))) seen[kind] = securityHeadersOf(await request());
    const expected = { ...SECURITY_HEADERS, "strict-transport-security": HSTS };
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, expected])));
  });

  it("the personal-data response itself is data, not an error (the headers above are on a real disclosure)", async () => {
    const res = await everyKind(plainBase, token)["graphql with personal data"]();
    const body = (await res.json()) as { data: { households: { nodes: Array<{ members: Array<{ idNumber: string }> }> } } };
    expect(res.status).toBe(200);
    expect(body.data.households.nodes[0]!.members[0]!.idNumber).toMatch(/^\d{17}[\dX]$/);
  });

  const cors = (res: Response) => ({
    status: res.status,
    allowOrigin: res.headers.get("access-control-allow-origin"),
    allowMethods: res.headers.get("access-control-allow-methods"),
    allowHeaders: res.headers.get("access-control-allow-headers"),
    vary: res.headers.get("vary"),
  });
  const post = (base: string, origin: string) =>
    fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ query: "{ me { role } }" }) });
  const preflight = (base: string, origin: string) =>
    fetch(`${base}/graphql`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });

  it("CORS: a listed origin is allowed, its preflight answered", async () => {
    const got = cors(await post(tlsBase, APP));
    expect(got.status).toBe(200);
    expect(got.allowOrigin).toBe(APP);
    expect(got.vary).toMatch(/^Origin\b/);
    expect(cors(await preflight(tlsBase, APP))).toEqual({
      status: 204,
      allowOrigin: APP,
      allowMethods: "POST, OPTIONS",
      allowHeaders: "authorization, content-type, x-request-id, x-access-purpose, idempotency-key, apollo-require-preflight",
      vary: "Origin",
    });
    // A browser client may read whether a response was an idempotent replay, and when to retry.
    expect((await post(tlsBase, APP)).headers.get("access-control-expose-headers")).toBe("x-request-id, retry-after, idempotent-replayed");
  });

  it("CORS: an unlisted origin gets no Access-Control-Allow-Origin and its preflight is refused", async () => {
    expect(cors(await post(tlsBase, "https://evil.example")).allowOrigin).toBeNull();
    expect(cors(await preflight(tlsBase, "https://evil.example"))).toEqual({ status: 403, allowOrigin: null, allowMethods: null, allowHeaders: null, vary: "Origin" });
  });

  it("CORS: by default no origin is listed, not even the one another hub allows", async () => {
    expect(cors(await post(plainBase, APP)).allowOrigin).toBeNull();
    expect(cors(await preflight(plainBase, APP))).toEqual({ status: 403, allowOrigin: null, allowMethods: null, allowHeaders: null, vary: "Origin" });
  });
});

describe("field suggestions", () => {
  let dev: TestHub;
  let prod: TestHub;
  beforeAll(async () => {
    dev = await startTestHub("pglite", { seed: false });
    // Seeded, so that the token below is a valid civil-affairs caller's.
    prod = await startTestHub("pglite", { production: true });
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  const TYPO = "{ househols(first: 1) { totalCount } }";

  it("are offered in development", async () => {
    expect((await dev.exec(null, TYPO)).errors?.map((e) => [e.message, e.extensions])).toEqual([
      ['Cannot query field "househols" on type "Query". Did you mean "household" or "households"?', { code: "GRAPHQL_VALIDATION_FAILED" }],
    ]);
  });

  it("are offered to no one in production, with a token or without", async () => {
    const token = await prod.token("QX-MZJ", "CASEWORKER");
    expect((await prod.exec(token, "{ me { role } }")).data).toEqual({ me: { role: "CASEWORKER" } });
    for (const who of [null, token]) {
      expect((await prod.exec(who, TYPO)).errors?.map((e) => [e.message, e.extensions])).toEqual([
        ['Cannot query field "househols" on type "Query".', { code: "GRAPHQL_VALIDATION_FAILED" }],
      ]);
    }
  });
});
