import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devIssuerRegistry, loadOrCreateDevIssuers, mintDevToken } from "../../src/auth/dev-issuer.js";
import { openDatabase, type DbHandle } from "../../src/db/client.js";
import { isDatabaseUnavailable } from "../../src/db/errors.js";
import { findDemoOrganization } from "../../src/demo/organizations.js";
import { buildHubSchema } from "../../src/schema.js";
import { createHub, type Hub } from "../../src/server.js";
import { testCipher } from "../support/cipher.js";
import { AUDIENCE } from "../support/hub.js";

// A database the hub cannot reach is "retry", not "bug": HTTP 503 with Retry-After and a coded
// SERVICE_UNAVAILABLE — never INTERNAL_SERVER_ERROR in an HTTP 200 — and /readyz says unavailable.

describe("when the database is unreachable", () => {
  let db: DbHandle;
  let hub: Hub;
  let url: string;
  let token: string;
  let keyDir: string;

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, every connection is refused at once.
    db = await openDatabase({ url: "postgres://hub@127.0.0.1:1/nothing" });
    keyDir = mkdtempSync(path.join(os.tmpdir(), "hub-unavailable-"));
    const dev = await loadOrCreateDevIssuers(keyDir);
    hub = await createHub({
      schema: await buildHubSchema(),
      db,
      cipher: testCipher(),
      registry: devIssuerRegistry(dev),
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
      introspection: false,
      logger: pino({ level: "silent" }),
    });
    url = (await hub.listen(0, "127.0.0.1")).url;
    token = await mintDevToken(dev, { org: findDemoOrganization("QX-MZJ")!, role: "CASEWORKER", audience: AUDIENCE });
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it("answers a GraphQL request 503 with Retry-After and SERVICE_UNAVAILABLE", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ households(first: 1) { totalCount } }" }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([
      { message: "the database is unavailable right now; retry shortly", extensions: { code: "SERVICE_UNAVAILABLE", reason: "DATABASE_UNAVAILABLE", retryAfterSeconds: 2 } },
    ]);
  });

  it("answers a mutation with an Idempotency-Key 503 with Retry-After too: nothing ran, nothing is kept", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": "down-1" },
      body: JSON.stringify({ query: "mutation { withdrawConsent(input: { consentId: \"00000000-0000-4000-8000-000000000001\", evidenceRef: \"W-1\" }) { consent { id } } }" }),
    });
    expect([res.status, res.headers.get("retry-after"), res.headers.get("idempotent-replayed")]).toEqual([503, "2", null]);
    expect(await res.json()).toEqual({
      errors: [{ message: "the database is unavailable right now; retry shortly", extensions: { code: "SERVICE_UNAVAILABLE", reason: "DATABASE_UNAVAILABLE", retryAfterSeconds: 2 } }],
    });
  });

  it("reports /readyz 503 while /healthz stays 200", async () => {
    const base = url.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("tells an unreachable database from a bug by the driver's error, not by its message text", async () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("wrapped"), { cause: Object.assign(new Error("y"), { code: "57P01" }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("a bug"))).toBe(false);
  });
});
