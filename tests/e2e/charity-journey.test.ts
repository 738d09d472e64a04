import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claims } from "../../src/db/schema.js";
import { districtDate } from "../../src/shared/calendar.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type GraphQLResult, type TestHub } from "../support/hub.js";
import { openSocket, type TestSocket } from "../support/subscriptions.js";

// Issue #11's journey end to end, over HTTP and WebSocket only, as the three users would walk it: a
// subdistrict caseworker posts a need; a charity publishes a project, is told of the match live, finds
// it with its reasons, claims it, reaches the household's contact only once the household consents,
// and records the delivery; the caseworker is told of the claim and the fulfilment live; the public
// report shows it de-identified and the charity's conduct record counts it.

type Member = { name: string | null; phone: string | null; idNumber: string | null };
type Household = { id: string; areaCode: string; members: Member[] };

describe.each(databaseKinds())("the charity journey over HTTP on %s", (kind) => {
  let t: TestHub;
  let http: string;
  let ws: string;
  const sockets: TestSocket[] = [];
  const today = districtDate(new Date());

  beforeAll(async () => {
    t = await startTestHub(kind);
    const { port } = await t.hub.listen(0, "127.0.0.1");
    http = `http://127.0.0.1:${port}/graphql`;
    ws = `ws://127.0.0.1:${port}/graphql`;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t?.close();
  });

  async function call(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult> {
    const res = await fetch(http, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    expect(res.headers.get("content-type")).toMatch(/json/);
    return (await res.json()) as GraphQLResult;
  }
  async function ok<T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T> {
    const r = await call(token, query, variables);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return Object.values(r.data!)[0] as T;
  }

  it("post → publish → live match → claim → contact under consent → fulfil → public report and conduct record", async () => {
    const caseworker = await t.token("QX-JD-DF", "CASEWORKER");
    const charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    const civil = await t.token("QX-MZJ", "CASEWORKER");
    const households = (await ok<{ nodes: Household[] }>(caseworker, `{ households(first: 40) { nodes { id areaCode members { name phone idNumber } } } }`)).nodes.filter((h) =>
      h.members.some((m) => m.phone),
    );
    const household = households[0]!;
    const district = household.areaCode.slice(0, 6) + "000000";

    // The caseworker follows claims in the subdistrict; the charity publishes and follows its matches.
    const watching = openSocket(ws, { authorization: `Bearer ${caseworker}` });
    sockets.push(watching);
    const activity = watching.subscribe<{ needActivity: { kind: string; claim: { claimNo: string }; need: { id: string } } }>(
      `subscription { needActivity { kind claim { claimNo } need { id } } }`,
    );
    const resource = await ok<{ id: string }>(charity, `mutation ($input: PublishResourceInput!) { publishResource(input: $input) { id } }`, {
      input: { kind: "CHARITY_PROJECT", name: "康复辅具援助项目", categories: ["MEDICAL"], serviceAreaCodes: [district], capacitySlots: 10, budget: "20000.00", perBeneficiaryCap: "2000.00", startsOn: today },
    });
    const listening = openSocket(ws, { authorization: `Bearer ${charity}` });
    sockets.push(listening);
    const matches = listening.subscribe<{ needMatched: { reasons: string[]; need: { id: string; householdId: string | null } } }>(
      `subscription ($id: ID!) { needMatched(resourceId: $id) { reasons need { id householdId } } }`,
      { id: resource.id },
    );
    await new Promise((resolve) => setTimeout(resolve, 150));

    const postNeed = (h: Household) =>
      ok<{ id: string }>(caseworker, `mutation ($input: PostNeedInput!) { postNeed(input: $input) { id } }`, {
        input: { householdId: h.id, category: "MEDICAL", urgency: "HIGH", title: "需要购买康复辅具", amount: "1500.00" },
      });
    const need = await postNeed(household);

    // Told live, with the reasons; the same match in the ranked list; never the household.
    const told = (await matches.next()).data!.needMatched;
    expect(told.need).toEqual({ id: need.id, householdId: null });
    expect(told.reasons).toEqual(expect.arrayContaining(["urgency HIGH (紧急)", "covers 100% of the open 1500.00 yuan"]));
    const ranked = await ok<{ nodes: Array<{ reasons: string[]; need: { id: string } }> }>(charity, `query ($id: ID!) { matchesForResource(resourceId: $id, first: 50) { nodes { reasons need { id } } } }`, { id: resource.id });
    expect(ranked.nodes.find((n) => n.need.id === need.id)?.reasons).toEqual(told.reasons);

    const CLAIM = `mutation ($input: ClaimNeedInput!) { claimNeed(input: $input) { id claimNo } }`;
    const claim = await ok<{ id: string; claimNo: string }>(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "1200.00" } });
    expect((await activity.next()).data!.needActivity).toEqual({ kind: "CLAIMED", claim: { claimNo: claim.claimNo }, need: { id: need.id } });

    // The contact only once the household consents; the ID number never in full.
    const REACH = `query ($id: ID!) { need(id: $id) { household { members { name phone idNumber } } } }`;
    const withPhone = household.members.findIndex((m) => m.phone);
    const before = (await ok<{ household: { members: Member[] } }>(charity, REACH, { id: need.id })).household.members[withPhone]!;
    expect(before.phone).toBeNull();
    await ok(caseworker, `mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }`, {
      input: { householdId: household.id, recipientOrgCode: "CH-ANKANG", purpose: "康复辅具项目对接", categories: ["IDENTITY", "CONTACT"], expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), evidenceRef: "QX-CONSENT-E2E-0001" },
    });
    const after = (await ok<{ household: { members: Member[] } }>(charity, REACH, { id: need.id })).household.members[withPhone]!;
    expect(after.phone).toBe(household.members[withPhone]!.phone);
    expect(after.idNumber).not.toBe(household.members[withPhone]!.idNumber);

    const FULFIL = `mutation ($input: FulfilClaimInput!) { fulfilClaim(input: $input) { status } }`;
    expect(await ok(charity, FULFIL, { input: { claimId: claim.id, deliveredAmount: "1200.00", deliveredOn: today, evidenceRef: "RECEIPT-E2E-0001" } })).toEqual({ status: "FULFILLED" });
    expect((await activity.next()).data!.needActivity).toEqual({ kind: "FULFILLED", claim: { claimNo: claim.claimNo }, need: { id: need.id } });

    // Four more deliveries make the public cell large enough to publish (PUBLIC_MIN_CELL 5).
    const claimIds = [claim.id];
    for (const h of households.slice(1, 5)) {
      const n = await postNeed(h);
      const c = await ok<{ id: string }>(charity, CLAIM, { input: { needId: n.id, resourceId: resource.id, amount: "1000.00" } });
      await ok(charity, FULFIL, { input: { claimId: c.id, deliveredAmount: "1000.00", deliveredOn: today, evidenceRef: "RECEIPT-E2E-0002" } });
      claimIds.push(c.id);
    }
    // As if delivered last month: only closed months are published (the one step not over HTTP).
    const lastMonth = districtDate(new Date(Date.now() - 35 * 86_400_000)).slice(0, 7);
    await t.db.db.update(claims).set({ fulfilledAt: new Date(Date.parse(`${lastMonth}-15T04:00:00Z`)) }).where(inArray(claims.id, claimIds));

    const report = await ok<{ cells: Array<Record<string, unknown>> }>(null, `query ($m: String!) { fulfilledNeeds(from: $m, to: $m) { cells { month category areaCode charityCode fulfilled amountDelivered } } }`, { m: lastMonth });
    expect(report.cells).toEqual([{ month: lastMonth, category: "MEDICAL", areaCode: district, charityCode: "CH-ANKANG", fulfilled: 5, amountDelivered: "5200.00" }]);
    const conduct = await ok<Record<string, unknown>>(civil, `{ charityConduct(orgCode: "CH-ANKANG") { claims fulfilled released expired amountDelivered } }`);
    expect(conduct).toEqual({ claims: 5, fulfilled: 5, released: 0, expired: 0, amountDelivered: "5200.00" });
    // The live streams carried the other deliveries too, in order.
    for (let i = 0; i < 4; i++) {
      expect((await activity.next()).data!.needActivity.kind).toBe("CLAIMED");
      expect((await activity.next()).data!.needActivity.kind).toBe("FULFILLED");
    }
  });
});
