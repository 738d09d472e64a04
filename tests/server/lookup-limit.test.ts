import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// The per-caller lookup budget, over HTTP: the refusal is HTTP 429 with Retry-After and a coded error,
// and it counts per caller (another officer of the same bureau has its own budget).

const STATUS = `query ($n: String!) { assistanceStatus(idNumber: $n) { isRecipient } }`;
const unknown = (() => {
  const f = "13999919991231999";
  return f + idNumberCheckChar(f);
})();

describe("lookup rate limit", () => {
  let t: TestHub;
  let url: string;
  beforeAll(async () => {
    t = await startTestHub("pglite", { lookupLimit: { points: 3, durationSeconds: 600 } });
    url = (await t.hub.listen(0, "127.0.0.1")).url;
  });
  afterAll(() => t?.close());

  const post = (token: string) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: STATUS, variables: { n: unknown } }),
    });

  it("answers the caller's lookups up to the limit, then 429 with Retry-After and RATE_LIMITED", async () => {
    const justice = await t.token("QX-SFJ", "OFFICER", { subject: "officer-1" });
    for (let i = 0; i < 3; i++) {
      const ok = await post(justice);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ data: { assistanceStatus: { isRecipient: false } } });
    }
    const refused = await post(justice);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const body = (await refused.json()) as { data: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.data).toBeNull();
    expect(body.errors.map((e) => e.extensions)).toEqual([{ code: "RATE_LIMITED", reason: "LOOKUP_RATE_LIMITED", limit: 3, retryAfterSeconds: retryAfter }]);

    const colleague = await t.token("QX-SFJ", "OFFICER", { subject: "officer-2" });
    expect((await post(colleague)).status).toBe(200);
  });
});
