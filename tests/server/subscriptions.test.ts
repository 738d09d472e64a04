import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog } from "../../src/db/schema.js";
import { expireDueClaims } from "../../src/modules/claims/index.js";
import { districtDate } from "../../src/shared/calendar.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type GraphQLResult, type TestHub } from "../support/hub.js";
import { openSocket, type TestSocket } from "../support/subscriptions.js";
import { insertGate, type InsertGate } from "../audit/insert-gate.js";

// Live notifications over graphql-ws: the same token, @Allow, projection and access log as a query,
// one access entry per event delivered; nothing delivered that the subscriber may not see.

const POST_NEED = `mutation ($input: PostNeedInput!) { postNeed(input: $input) { id needNo } }`;
const PUBLISH = `mutation ($input: PublishResourceInput!) { publishResource(input: $input) { id } }`;
const CLAIM = `mutation ($input: ClaimNeedInput!) { claimNeed(input: $input) { id claimNo } }`;
const FULFIL = `mutation ($input: FulfilClaimInput!) { fulfilClaim(input: $input) { id status } }`;
const RELEASE = `mutation ($id: ID!, $reason: String!) { releaseClaim(id: $id, reason: $reason) { id status } }`;
const NEED_MATCHED = `subscription ($id: ID!) { needMatched(resourceId: $id) { score reasons topUp need { id needNo category householdId householdPseudonym title } } }`;
const NEED_ACTIVITY = `subscription { needActivity { kind at claim { claimNo status claimantOrgId householdId } need { id status householdId } } }`;

type Match = { needMatched: { score: number; reasons: string[]; topUp: string | null; need: { id: string; needNo: string; category: string; householdId: string | null; householdPseudonym: string | null; title: string } } };
type Activity = { needActivity: { kind: string; at: string; claim: { claimNo: string; status: string; claimantOrgId: string; householdId: string | null }; need: { id: string; status: string; householdId: string | null } } };

describe.each(databaseKinds())("subscriptions over graphql-ws on %s", (kind) => {
  let t: TestHub;
  let http: string;
  let ws: string;
  let caseworker: string;
  let charity: string;
  let otherCharity: string;
  let households: Array<{ id: string; areaCode: string }>;
  let skewMs = 0;
  const sockets: TestSocket[] = [];
  const today = districtDate(new Date());

  beforeAll(async () => {
    t = await startTestHub(kind, { now: () => new Date(Date.now() + skewMs), maxSubscriptionsPerCaller: 3 });
    const { port } = await t.hub.listen(0, "127.0.0.1");
    http = `http://127.0.0.1:${port}/graphql`;
    ws = `ws://127.0.0.1:${port}/graphql`;
    caseworker = await t.token("QX-JD-DF", "CASEWORKER");
    charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    otherCharity = await t.token("CH-CHUNHUI", "PROJECT_MANAGER");
    const r = await post(caseworker, `{ households(first: 40) { nodes { id areaCode } } }`);
    households = (r.data!.households as { nodes: Array<{ id: string; areaCode: string }> }).nodes;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t?.close();
  });

  async function post(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult> {
    const res = await fetch(http, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GraphQLResult;
  }
  function ok<T>(r: GraphQLResult, field: string): T {
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data![field] as T;
  }
  function socket(token: string | null, extra: Record<string, unknown> = {}, options: { origin?: string } = {}): TestSocket {
    const s = openSocket(ws, token === null ? null : { authorization: `Bearer ${token}`, ...extra }, options);
    sockets.push(s);
    return s;
  }
  let next = 0;
  /** A need for the next of the subdistrict's households (urgency and amount fit the resources below). */
  async function postNeedFor(overrides: Record<string, unknown> = {}) {
    const household = households[next++ % households.length]!;
    const input = { householdId: household.id, category: "MEDICAL", urgency: "HIGH", title: "需要购买康复辅具", amount: "1500.00", ...overrides };
    return { ...ok<{ id: string; needNo: string }>(await post(caseworker, POST_NEED, { input }), "postNeed"), household };
  }
  async function publish(token: string, overrides: Record<string, unknown> = {}) {
    const input = { kind: "CHARITY_PROJECT", name: "康复辅具援助项目", categories: ["MEDICAL"], serviceAreaCodes: ["130104000000"], capacitySlots: 50, budget: "100000.00", perBeneficiaryCap: "2000.00", startsOn: today, ...overrides };
    return ok<{ id: string }>(await post(token, PUBLISH, { input }), "publishResource").id;
  }
  const entriesOf = (operation: string, orgCode: string) =>
    t.db.db.select({ outcome: accessLog.outcome, householdIds: accessLog.householdIds, disclosures: accessLog.disclosures }).from(accessLog).where(and(eq(accessLog.operation, operation), eq(accessLog.orgCode, orgCode)));

  it("delivers a new matching need to its resource's owner and claim activity to the area's caseworkers — projected, each event access-logged", async () => {
    const resourceId = await publish(charity);
    const owner = socket(charity);
    const matches = owner.subscribe<Match>(NEED_MATCHED, { id: resourceId });
    const overseer = socket(caseworker);
    const activity = overseer.subscribe<Activity>(NEED_ACTIVITY);
    // Another charity's socket listens to its own resource: it hears nothing of this one's matches.
    const bystander = socket(otherCharity).subscribe<Match>(NEED_MATCHED, { id: await publish(otherCharity, { categories: ["EDUCATION"] }) });
    await settle();

    // Not a match (another category): not delivered; the matching one that follows is the first result.
    await postNeedFor({ category: "HOUSING", title: "房屋漏雨需要修缮" });
    const need = await postNeedFor();
    const first = await matches.next();
    expect(first.errors).toBeUndefined();
    const m = first.data!.needMatched;
    expect(m.need).toMatchObject({ id: need.id, needNo: need.needNo, category: "MEDICAL", householdId: null, title: "需要购买康复辅具" });
    expect(m.need.householdPseudonym).toMatch(/\S/);
    expect(m.reasons).toEqual(expect.arrayContaining(["urgency HIGH (紧急)"]));
    expect(m.topUp).toBe("1500.00");

    const claim = ok<{ id: string; claimNo: string }>(await post(charity, CLAIM, { input: { needId: need.id, resourceId, amount: "1200.00" } }), "claimNeed");
    const claimed = (await activity.next()).data!.needActivity;
    expect(claimed).toMatchObject({ kind: "CLAIMED", claim: { claimNo: claim.claimNo, claimantOrgId: expect.any(String), householdId: need.household.id }, need: { id: need.id, householdId: need.household.id } });
    ok(await post(charity, FULFIL, { input: { claimId: claim.id, deliveredAmount: "1200.00", deliveredOn: today, evidenceRef: "RECEIPT-WS-0001" } }), "fulfilClaim");
    const fulfilled = (await activity.next()).data!.needActivity;
    expect(fulfilled).toMatchObject({ kind: "FULFILLED", claim: { claimNo: claim.claimNo, status: "FULFILLED" }, need: { id: need.id, status: "FULFILLED" } });

    // One access entry per event delivered, under the subscriber, naming the household.
    const logged = await entriesOf("Subscription.needMatched", "CH-ANKANG");
    expect(logged.filter((e) => e.householdIds.includes(need.household.id))).toHaveLength(1);
    const overseen = await entriesOf("Subscription.needActivity", "QX-JD-DF");
    expect(overseen.filter((e) => e.householdIds.includes(need.household.id))).toHaveLength(2);
    expect(bystander.pending).toBe(0);
    expect(await entriesOf("Subscription.needMatched", "CH-CHUNHUI")).toEqual([]);
    matches.unsubscribe();
    activity.unsubscribe();
  });

  it("a release opens the need again: the owner hears of the match anew, the caseworkers of the release; an expiry likewise", async () => {
    const resourceId = await publish(charity);
    const need = await postNeedFor();
    const claim = ok<{ id: string }>(await post(charity, CLAIM, { input: { needId: need.id, resourceId, amount: "500.00" } }), "claimNeed");
    const matches = socket(charity).subscribe<Match>(NEED_MATCHED, { id: resourceId });
    const activity = socket(caseworker).subscribe<Activity>(NEED_ACTIVITY);
    await settle();
    ok(await post(charity, RELEASE, { id: claim.id, reason: "项目物资不足，无法按期交付" }), "releaseClaim");
    expect((await activity.next()).data!.needActivity).toMatchObject({ kind: "RELEASED", need: { id: need.id, status: "OPEN" } });
    expect((await matches.next()).data!.needMatched.need.id).toBe(need.id);

    ok(await post(charity, CLAIM, { input: { needId: need.id, resourceId, amount: "500.00" } }), "claimNeed");
    expect((await activity.next()).data!.needActivity.kind).toBe("CLAIMED");
    // The schedule's sweep, as the hub runs it: due in 31 days.
    expect(await expireDueClaims(t.db.db, new Date(Date.now() + 31 * 86_400_000), 100, t.hub.events)).toBeGreaterThanOrEqual(1);
    const expired = await activity.next();
    expect(expired.data!.needActivity).toMatchObject({ kind: "EXPIRED", need: { id: need.id } });
    expect((await matches.next()).data!.needMatched.need.id).toBe(need.id);
    matches.unsubscribe();
    activity.unsubscribe();
  });

  it("refuses what a query would refuse: no token, a bad token, a caller the rule does not allow, another organization's resource", async () => {
    expect((await socket(null).closed).code).toBe(4403);
    const bad = await socket("not.a.token").closed;
    expect(bad).toMatchObject({ code: 4403, reason: expect.stringMatching(/MALFORMED_TOKEN/) });

    // A charity may not follow claim activity: FORBIDDEN, and the attempt is in the access log.
    const refused = socket(charity).subscribe(NEED_ACTIVITY);
    const r = await refused.next();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "ORG_KIND_NOT_ALLOWED" });
    await refused.ended;
    const denied = await t.db.db.select({ outcome: accessLog.outcome }).from(accessLog).where(and(eq(accessLog.orgCode, "CH-ANKANG"), like(accessLog.operation, "Subscription.needActivity")));
    expect(denied.map((d) => d.outcome)).toContain("DENIED");

    // Another charity's resource is not found, as matchesForResource answers.
    const theirs = await publish(otherCharity);
    const notYours = await socket(charity).subscribe(NEED_MATCHED, { id: theirs }).next();
    expect(notYours.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", reason: "RESOURCE_NOT_FOUND" });
    const badId = await socket(charity).subscribe(NEED_MATCHED, { id: "nope" }).next();
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_ID" });
  });

  it("serves subscriptions only, validates with the hub's limits, and bounds live subscriptions per caller", async () => {
    const s = socket(caseworker);
    const query = await s.subscribe(`{ me { role } }`).next();
    expect(query.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "SUBSCRIPTIONS_ONLY" });
    const mutation = await s.subscribe(`mutation { recordConsent(input: {}) { consent { id } } }`).next();
    expect(mutation.errors?.length).toBeGreaterThan(0);
    const invalid = await s.subscribe(`subscription { needActivity { nope } }`).next();
    expect(invalid.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    const aliased = await s.subscribe(`subscription { needActivity { kind ${"a: kind ".repeat(40)} } }`).next();
    expect(aliased.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", reason: "MAX_FIELD_REPEATS", limit: 10 });

    // At most 3 at once (this hub's setting) for one caller, across its sockets; one ended frees a place.
    const other = socket(caseworker);
    const live = [s.subscribe(NEED_ACTIVITY), s.subscribe(NEED_ACTIVITY), other.subscribe(NEED_ACTIVITY)];
    await settle();
    const fourth = await other.subscribe(NEED_ACTIVITY).next();
    expect(fourth.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", reason: "TOO_MANY_SUBSCRIPTIONS", limit: 3 });
    live[0]!.unsubscribe();
    await settle();
    const freed = other.subscribe<Activity>(NEED_ACTIVITY);
    await settle();
    // Admitted: it hears the next claim in the area (a refusal would have been its first result).
    const need = await postNeedFor();
    ok(await post(charity, CLAIM, { input: { needId: need.id, resourceId: await publish(charity), amount: "500.00" } }), "claimNeed");
    expect((await freed.next()).data!.needActivity).toMatchObject({ kind: "CLAIMED", need: { id: need.id } });
    for (const l of [...live.slice(1), freed]) l.unsubscribe();
  });

  it("ends a subscription whose token has expired at its next event, with the reason", async () => {
    const activity = socket(caseworker).subscribe<Activity>(NEED_ACTIVITY);
    await settle();
    skewMs = 9 * 3600 * 1000; // past the 8-hour token's expiry, on the hub's clock
    // The event comes from callers with tokens minted on that clock.
    const fresh = await t.token("CH-ANKANG", "PROJECT_MANAGER", { now: new Date(Date.now() + skewMs) });
    const freshCaseworker = await t.token("QX-JD-DF", "CASEWORKER", { now: new Date(Date.now() + skewMs) });
    const need = ok<{ id: string }>(await post(freshCaseworker, POST_NEED, { input: { householdId: households[0]!.id, category: "MEDICAL", urgency: "HIGH", title: "需要购买康复辅具", amount: "900.00" } }), "postNeed");
    const rid = ok<{ id: string }>(await post(fresh, PUBLISH, { input: { kind: "CHARITY_PROJECT", name: "康复辅具援助项目", categories: ["MEDICAL"], serviceAreaCodes: ["130104000000"], capacitySlots: 5, startsOn: today } }), "publishResource").id;
    ok(await post(fresh, CLAIM, { input: { needId: need.id, resourceId: rid } }), "claimNeed");
    const ended = await activity.next();
    expect(ended.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    expect(ended.data ?? null).toBeNull();
    await activity.ended;
    skewMs = 0;
  });

  it("refuses a socket from a browser origin off the CORS allowlist, and unknown paths", async () => {
    expect((await socket(caseworker, {}, { origin: "https://evil.example" }).closed).code).toBe(1006);
    const wrongPath = openSocket(ws.replace("/graphql", "/other"), { authorization: `Bearer ${caseworker}` });
    sockets.push(wrongPath);
    expect((await wrongPath.closed).code).toBe(1006);
  });
});

/** Lets the server take what was sent (a subscribe, an unsubscribe) before the test goes on. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150));
}

describe("a subscription event whose access entry cannot be written", () => {
  let t: TestHub;
  let gate: InsertGate;
  afterAll(() => t?.close());

  it("is sent without data, with a coded error, and ends the subscription — a disclosure that cannot be traced does not happen", async () => {
    t = await startTestHub("pglite", { wrapDb: (db) => (gate = insertGate(db)).handle });
    const { port } = await t.hub.listen(0, "127.0.0.1");
    const http = `http://127.0.0.1:${port}/graphql`;
    const post = async (token: string, query: string, variables: Record<string, unknown>) =>
      (await (await fetch(http, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) })).json()) as GraphQLResult;
    const caseworker = await t.token("QX-JD-DF", "CASEWORKER");
    const charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    const households = ((await post(caseworker, `{ households(first: 5) { nodes { id } } }`, {})).data!.households as { nodes: Array<{ id: string }> }).nodes;
    const socket = openSocket(`ws://127.0.0.1:${port}/graphql`, { authorization: `Bearer ${caseworker}` });
    try {
      const activity = socket.subscribe<Activity>(NEED_ACTIVITY);
      await settle();
      gate.failHolding("Subscription.needActivity", Object.assign(new Error("the access log is unavailable"), { code: "XX000" }));
      const need = (await post(caseworker, POST_NEED, { input: { householdId: households[0]!.id, category: "MEDICAL", urgency: "HIGH", title: "需要购买康复辅具", amount: "900.00" } })).data!.postNeed as { id: string };
      const resource = (await post(charity, PUBLISH, { input: { kind: "CHARITY_PROJECT", name: "康复辅具援助项目", categories: ["MEDICAL"], serviceAreaCodes: ["130104000000"], capacitySlots: 5, budget: "5000.00", startsOn: districtDate(new Date()) } })).data!.publishResource as { id: string };
      expect((await post(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "500.00" } })).errors).toBeUndefined();
      const failed = await activity.next();
      expect(failed.data ?? null).toBeNull();
      expect(failed.errors).toEqual([{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
      await activity.ended;
      expect(await t.db.db.select().from(accessLog).where(eq(accessLog.operation, "Subscription.needActivity"))).toEqual([]);
    } finally {
      await socket.dispose();
    }
  });
});
