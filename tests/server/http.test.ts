import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

describe("HTTP surface", () => {
  let t: TestHub;
  let base: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestHub("pglite");
    const { port } = await t.hub.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${port}`;
    token = await t.token("QX-MZJ", "CASEWORKER");
  });
  afterAll(() => t?.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers }, body });

  it("answers liveness and readiness", async () => {
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "ready", database: "pglite" }]);
  });

  it("returns 404 for unknown paths", async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("serves no landing page that would load from a CDN", async () => {
    const res = await fetch(`${base}/graphql`, { headers: { accept: "text/html" } });
    const text = await res.text();
    expect(text).not.toMatch(/<html|cdn\./i);
  });

  it("rejects invalid JSON and oversized bodies with a clear error", async () => {
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errors: [{ message: "request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
    const big = await post(JSON.stringify({ query: `{ me { role } }`, padding: "x".repeat(1_100_000) }));
    expect(big.status).toBe(413);
  });

  it("echoes a safe request id and makes one up otherwise", async () => {
    const res = await post(JSON.stringify({ query: "{ me { role } }" }), { "x-request-id": "req-12345678" });
    expect(res.headers.get("x-request-id")).toBe("req-12345678");
    const other = await post(JSON.stringify({ query: "{ me { role } }" }), { "x-request-id": "<script>" });
    expect(other.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("masks an unexpected failure: no SQL, no stack, INTERNAL_SERVER_ERROR; readiness reports the outage", async () => {
    // Last test: it breaks the database under the running server.
    await t.db.close();
    const res = await post(JSON.stringify({ query: "{ households(first: 1) { totalCount } }" }));
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors).toEqual([{ message: "Internal server error", path: ["households"], extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
    expect(JSON.stringify(body)).not.toMatch(/select|from "|stack|\bat /i);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    t.db.close = async () => {};
  });
});
