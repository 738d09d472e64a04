import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { households } from "../../src/db/schema.js";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub } from "../support/hub.js";

// SIGTERM (hub.stop()) stops accepting, lets in-flight requests finish within the grace — longer than
// the request deadline — and only then closes: a write that committed is answered, never reset.

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterHouseholdInput!) {
    registerHousehold(input: $input) { household { householdNo address } }
  }
`;

function fictionalId(birth: string, seq: number): string {
  const first17 = `139999${birth.replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
  return first17 + idNumberCheckChar(first17);
}

describe.each(databaseKinds())("shutting down on %s", (kind) => {
  it("answers a registration in flight when the shutdown begins, with its committed result", async () => {
    const t = await startTestHub(kind);
    let stopping: Promise<void> | null = null;
    let closed = false;
    try {
      const { url } = await t.hub.listen(0, "127.0.0.1");
      const token = await t.token("QX-MZJ", "CASEWORKER");
      // The moment the request reaches the server, the shutdown begins (as SIGTERM would).
      t.hub.httpServer.once("request", () => {
        stopping = t.hub.stop().then(() => void (closed = true));
      });
      const input = {
        areaCode: "130104001002",
        address: "东风街道第二社区 示例东路9号2单元202",
        housingSituation: "RENTED_PRIVATE",
        residenceStatus: "RESIDENCE_PERMIT",
        members: [{ relationToHead: "HEAD", name: "示例丁", idNumber: fictionalId("1968-05-06", 911), workAbility: "PARTIAL", employmentStatus: "FLEXIBLE" }],
      };
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: REGISTER, variables: { input } }),
      });
      expect(stopping).not.toBeNull();
      expect(closed).toBe(false); // the hub waited for this response
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { registerHousehold: { household: { householdNo: string; address: string } } } };
      expect(body).toEqual({ data: { registerHousehold: { household: { householdNo: "QXH-000321", address: input.address } } } });
      await stopping;
      expect(closed).toBe(true);
      const stored = await t.db.db.select({ no: households.householdNo }).from(households).where(eq(households.householdNo, "QXH-000321"));
      expect(stored).toEqual([{ no: "QXH-000321" }]);
      // Stopped: no new connection is accepted.
      await expect(fetch(url, { method: "POST", body: "{}" })).rejects.toThrow();
    } finally {
      await t.close(); // waits for the stop already under way
    }
  });
});
