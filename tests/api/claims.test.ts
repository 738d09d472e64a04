import { and, arrayContains, eq, inArray, isNull, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessGrants, accessLog, cases, changeLog, claims, needs, organizations, resources } from "../../src/db/schema.js";
import { pino } from "pino";
import { ClaimExpirySchedule } from "../../src/claim-expiry-schedule.js";
import { CLAIM_EXPIRY_ACTOR, expireDueClaims } from "../../src/modules/claims/index.js";
import { districtDate } from "../../src/shared/calendar.js";
import { ageOn } from "../../src/modules/needs/needs.tags.js";
import { databaseKinds } from "../support/databases.js";
import { errorCodes, startTestHub, type GraphQLResult, type TestHub } from "../support/hub.js";

// The charities' journey (clause 18), first part: a need posted, a project published, the need
// claimed atomically, the household reached through the claim grant under consent, the delivery
// recorded; and the rules of each step.

const POST_NEED = `mutation ($input: PostNeedInput!) { postNeed(input: $input) { id needNo status areaCode title householdId householdPseudonym } }`;
const CANCEL_NEED = `mutation ($id: ID!, $reason: String!) { cancelNeed(id: $id, reason: $reason) { id status } }`;
const PUBLISH = `mutation ($input: PublishResourceInput!) { publishResource(input: $input) { id resourceNo status slotsLeft budgetLeft } }`;
const SET_STATUS = `mutation ($id: ID!, $status: ResourceStatus!) { setResourceStatus(id: $id, status: $status) { id status } }`;
const CLAIM = `mutation ($input: ClaimNeedInput!) { claimNeed(input: $input) { id claimNo status amount needId resourceId householdId dueBy redactions { field } } }`;
const FULFIL = `mutation ($input: FulfilClaimInput!) { fulfilClaim(input: $input) { id status deliveredAmount deliveredOn evidenceRef } }`;
const RELEASE = `mutation ($id: ID!, $reason: String!) { releaseClaim(id: $id, reason: $reason) { id status releaseReason } }`;
const NEED_HOUSEHOLD = `query ($id: ID!) { need(id: $id) { id status householdId household { id members { name idNumber phone } } } }`;
const RESOURCE = `query ($id: ID!) { resource(id: $id) { slotsLeft budgetLeft } }`;
const RECORD_CONSENT = `mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id live } } }`;

type Household = { id: string; areaCode: string; members: Array<{ name: string; phone: string | null; idNumber: string; birthDate: string }> };

function ok<T = Record<string, unknown>>(r: GraphQLResult, field: string): T {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data![field] as T;
}

function refused(r: GraphQLResult, code: string, reason: string): void {
  expect(r.data ?? null).toBeNull();
  expect(errorCodes(r)).toEqual([code]);
  expect(r.errors![0]!.extensions).toMatchObject({ reason });
}

describe.each(databaseKinds())("charities claim needs on %s", (kind) => {
  let t: TestHub;
  let caseworker: string; // subdistrict window
  let charity: string;
  let otherCharity: string;
  let civil: string;
  let households: Household[];
  const today = districtDate(new Date());

  beforeAll(async () => {
    t = await startTestHub(kind);
    caseworker = await t.token("QX-JD-DF", "CASEWORKER");
    civil = await t.token("QX-MZJ", "CASEWORKER");
    charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    otherCharity = await t.token("CH-CHUNHUI", "PROJECT_MANAGER");
    const r = await t.exec(caseworker, `{ households(first: 60) { nodes { id areaCode members { name phone idNumber birthDate } } } }`);
    households = (ok<{ nodes: Household[] }>(r, "households")).nodes.filter((h) => h.members.some((m) => m.phone));
    expect(households.length).toBeGreaterThan(20);
  });
  afterAll(() => t?.close());

  let householdCursor = 0;
  const nextHousehold = () => households[householdCursor++ % households.length]!;
  const age = (birthDate: string) => ageOn(birthDate, today);
  /** A household whose records show neither a child nor a member of 60 or more (so the hub derives neither tag). */
  const householdWithoutChildOrElderly = () => households.find((h) => h.members.every((m) => age(m.birthDate) >= 18 && age(m.birthDate) < 60))!;

  async function postNeed(overrides: Record<string, unknown> = {}, household = nextHousehold()) {
    const input = { householdId: household.id, category: "MEDICAL", urgency: "HIGH", title: "需要购买康复辅具", amount: "1500.00", beneficiaryTags: ["elderly"], ...overrides };
    return ok<{ id: string; needNo: string; status: string; areaCode: string }>(await t.exec(caseworker, POST_NEED, { input }), "postNeed");
  }

  async function publish(token: string, overrides: Record<string, unknown> = {}) {
    const input = { kind: "CHARITY_PROJECT", name: "康复辅具援助项目", categories: ["MEDICAL"], serviceAreaCodes: [households[0]!.areaCode.slice(0, 6) + "000000"], capacitySlots: 5, budget: "10000.00", perBeneficiaryCap: "2000.00", startsOn: today, ...overrides };
    return ok<{ id: string; resourceNo: string; status: string; slotsLeft: number; budgetLeft: string }>(await t.exec(token, PUBLISH, { input }), "publishResource");
  }

  it("walks the journey: post, publish, claim, reach the household under consent, fulfil", async () => {
    const household = nextHousehold();
    const need = await postNeed({}, household);
    expect(need).toMatchObject({ status: "OPEN", areaCode: household.areaCode });
    expect(need.needNo).toMatch(/^QXN-\d{6}$/);
    const resource = await publish(charity);
    expect(resource).toMatchObject({ status: "ACTIVE", slotsLeft: 5, budgetLeft: "10000.00" });
    expect(resource.resourceNo).toMatch(/^QXR-\d{4}$/);

    // The charity finds it among its resource's matches, with reasons.
    const matched = ok<{ nodes: Array<{ need: { id: string }; reasons: string[] }> }>(
      await t.exec(charity, `query ($id: ID!) { matchesForResource(resourceId: $id, first: 100) { nodes { reasons need { id } } } }`, { id: resource.id }),
      "matchesForResource",
    );
    expect(matched.nodes.find((m) => m.need.id === need.id)?.reasons).toEqual(expect.arrayContaining(["urgency HIGH (紧急)", "covers 100% of the open 1500.00 yuan"]));
    // Before the claim: the charity sees the published need, never its household.
    const before = ok<{ householdId: string | null; household: unknown }>(await t.exec(charity, NEED_HOUSEHOLD, { id: need.id }), "need");
    expect(before).toMatchObject({ householdId: null, household: null });

    const claim = ok<{ id: string; claimNo: string; status: string; amount: string; householdId: string | null }>(
      await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "1200.00" } }),
      "claimNeed",
    );
    expect(claim).toMatchObject({ status: "ACTIVE", amount: "1200.00", householdId: null });
    expect(claim.claimNo).toMatch(/^QXL-\d{6}$/);
    expect(ok(await t.exec(charity, RESOURCE, { id: resource.id }), "resource")).toEqual({ slotsLeft: 4, budgetLeft: "8800.00" });

    // The claim grant: the household is reachable, names masked and contact withheld until consent.
    type Reached = { status: string; household: { id: string; members: Array<{ name: string | null; idNumber: string | null; phone: string | null }> } | null };
    const reached = ok<Reached>(await t.exec(charity, NEED_HOUSEHOLD, { id: need.id }), "need");
    expect(reached.status).toBe("CLAIMED");
    expect(reached.household?.id).toBe(household.id);
    const withPhone = household.members.findIndex((m) => m.phone);
    const masked = reached.household!.members[withPhone]!;
    expect(masked.phone).toBeNull();
    expect(masked.name).not.toBe(household.members[withPhone]!.name);
    expect(masked.idNumber).not.toBe(household.members[withPhone]!.idNumber);
    // Another charity reaches nothing.
    expect(errorCodes(await t.exec(otherCharity, NEED_HOUSEHOLD, { id: need.id }))).toEqual(["NOT_FOUND"]);

    const consent = await t.exec(caseworker, RECORD_CONSENT, {
      input: { householdId: household.id, recipientOrgCode: "CH-ANKANG", purpose: "康复辅具项目对接", categories: ["IDENTITY", "CONTACT"], expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), evidenceRef: "QX-CONSENT-TEST-0001" },
    });
    expect(consent.errors).toBeUndefined();
    const consented = ok<Reached>(await t.exec(charity, NEED_HOUSEHOLD, { id: need.id }), "need").household!.members[withPhone]!;
    expect(consented.name).toBe(household.members[withPhone]!.name);
    expect(consented.phone).toBe(household.members[withPhone]!.phone);
    expect(consented.idNumber).not.toBe(household.members[withPhone]!.idNumber); // never in full

    const fulfilled = ok(await t.exec(charity, FULFIL, { input: { claimId: claim.id, deliveredAmount: "1000.00", deliveredOn: today, evidenceRef: "RECEIPT-2026-0001" } }), "fulfilClaim");
    expect(fulfilled).toMatchObject({ status: "FULFILLED", deliveredAmount: "1000.00", deliveredOn: today, evidenceRef: "RECEIPT-2026-0001" });
    // What was not delivered returns to the budget; the slot stays used; the grant has ended.
    expect(ok(await t.exec(charity, RESOURCE, { id: resource.id }), "resource")).toEqual({ slotsLeft: 4, budgetLeft: "9000.00" });
    const after = ok<Reached>(await t.exec(charity, NEED_HOUSEHOLD, { id: need.id }), "need");
    expect(after).toMatchObject({ status: "FULFILLED", household: null });
    const live = await t.db.db.select().from(accessGrants).where(and(eq(accessGrants.householdId, household.id), isNull(accessGrants.revokedAt), eq(accessGrants.relationship, "CLAIM")));
    expect(live).toEqual([]);

    // Every transition is in the change log.
    const logged = await t.db.db.select({ entityType: changeLog.entityType, field: changeLog.field, newValue: changeLog.newValue }).from(changeLog).where(eq(changeLog.entityId, need.id));
    expect(logged.filter((e) => e.field === "status").map((e) => e.newValue)).toEqual(["OPEN", "CLAIMED", "FULFILLED"]);
    const claimLog = await t.db.db.select({ field: changeLog.field, newValue: changeLog.newValue }).from(changeLog).where(eq(changeLog.entityId, claim.id));
    expect(claimLog.filter((e) => e.field === "status").map((e) => e.newValue)).toEqual(["ACTIVE", "FULFILLED"]);
    // What only the claim's statement knew, filled in by it: the claim's number, the resource's capacity.
    expect(claimLog.find((e) => e.field === "claimNo")?.newValue).toBe(claim.claimNo);
    const resourceLog = await t.db.db
      .select({ field: changeLog.field, oldValue: changeLog.oldValue, newValue: changeLog.newValue })
      .from(changeLog)
      .where(eq(changeLog.entityId, resource.id))
      .orderBy(changeLog.seq);
    expect(resourceLog.filter((e) => e.field === "slotsClaimed" || e.field === "budgetClaimed").slice(0, 2)).toEqual([
      { field: "slotsClaimed", oldValue: "0", newValue: "1" },
      { field: "budgetClaimed", oldValue: "0", newValue: "120000" },
    ]);

    // Claims lists: the claimant's own, and civil affairs' for its area.
    const own = ok<{ nodes: Array<{ id: string; householdId: string | null }> }>(await t.exec(charity, `{ claims(first: 50) { nodes { id householdId } } }`), "claims");
    expect(own.nodes.map((n) => n.id)).toContain(claim.id);
    expect(own.nodes.every((n) => n.householdId === null)).toBe(true);
    const overseen = ok<{ nodes: Array<{ id: string; householdId: string | null }> }>(await t.exec(civil, `{ claims(first: 50) { nodes { id householdId } } }`), "claims");
    expect(overseen.nodes.find((n) => n.id === claim.id)?.householdId).toBe(household.id);
    const others = ok<{ nodes: unknown[] }>(await t.exec(otherCharity, `{ claims(first: 50) { nodes { id } } }`), "claims");
    expect(others.nodes.map((n) => (n as { id: string }).id)).not.toContain(claim.id);
  });

  it("a claim given back opens the need again, returns the capacity and revokes the grant; it can then be claimed anew", async () => {
    const need = await postNeed();
    const resource = await publish(charity, { capacitySlots: 1 });
    const claim = ok<{ id: string }>(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "500.00" } }), "claimNeed");
    refused(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "500.00" } }), "CONFLICT", "NEED_ALREADY_CLAIMED");
    refused(await t.exec(charity, CLAIM, { input: { needId: (await postNeed()).id, resourceId: resource.id, amount: "500.00" } }), "CONFLICT", "RESOURCE_EXHAUSTED");
    refused(await t.exec(caseworker, CANCEL_NEED, { id: need.id, reason: "重复登记" }), "CONFLICT", "NEED_CLAIMED");
    refused(await t.exec(charity, RELEASE, { id: claim.id, reason: "联系电话17400001234无人接听" }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    const released = ok(await t.exec(charity, RELEASE, { id: claim.id, reason: "项目物资不足，无法按期交付" }), "releaseClaim");
    expect(released).toMatchObject({ status: "RELEASED", releaseReason: "项目物资不足，无法按期交付" });
    refused(await t.exec(charity, RELEASE, { id: claim.id, reason: "再次释放" }), "CONFLICT", "CLAIM_NOT_ACTIVE");
    expect(ok(await t.exec(charity, RESOURCE, { id: resource.id }), "resource")).toEqual({ slotsLeft: 1, budgetLeft: "10000.00" });
    const [row] = await t.db.db.select({ status: needs.status, claimedBy: needs.claimedByOrgId }).from(needs).where(eq(needs.id, need.id));
    expect(row).toEqual({ status: "OPEN", claimedBy: null });
    expect(ok<{ household: unknown }>(await t.exec(charity, NEED_HOUSEHOLD, { id: need.id }), "need").household).toBeNull();
    const again = ok<{ status: string }>(await t.exec(otherCharity, CLAIM, { input: { needId: need.id, resourceId: (await publish(otherCharity)).id, amount: "500.00" } }), "claimNeed");
    expect(again.status).toBe("ACTIVE");
    // Another organization's claim is not found to this one.
    refused(await t.exec(otherCharity, RELEASE, { id: claim.id, reason: "不是我的认领" }), "NOT_FOUND", "CLAIM_NOT_FOUND");
  });

  it("refuses claims that do not fit, writing nothing", async () => {
    const need = await postNeed({ amount: "800.00" }, householdWithoutChildOrElderly());
    const resource = await publish(charity);
    const forChildren = (await publish(charity, { eligibilityTags: ["child"] })).id;
    const counts = async () => ({ claims: await t.db.db.$count(claims), grants: await t.db.db.$count(accessGrants) });
    const before = await counts();
    const cases: Array<[Record<string, unknown>, string, string, string?]> = [
      [{ resourceId: (await publish(otherCharity)).id }, "NOT_FOUND", "RESOURCE_NOT_FOUND"],
      [{ needId: "00000000-0000-4000-8000-000000000000" }, "NOT_FOUND", "NEED_NOT_FOUND"],
      [{ amount: null }, "BAD_USER_INPUT", "AMOUNT_REQUIRED"],
      [{ amount: "2500.00" }, "BAD_USER_INPUT", "AMOUNT_OVER_CAP"],
      [{ amount: "900.00" }, "BAD_USER_INPUT", "AMOUNT_OVER_NEED"],
      [{ amount: "-1.00" }, "BAD_USER_INPUT", "INVALID_AMOUNT"],
      [{ resourceId: (await publish(charity, { categories: ["EDUCATION"] })).id }, "BAD_USER_INPUT", "CATEGORY_NOT_COVERED"],
      [{ resourceId: forChildren }, "BAD_USER_INPUT", "NOT_ELIGIBLE"],
      // The check on tags the claimant may not see comes last: no cheaper refusal says whether it passed.
      [{ resourceId: forChildren, amount: "2500.00" }, "BAD_USER_INPUT", "AMOUNT_OVER_CAP"],
      [{ resourceId: forChildren, amount: "900.00" }, "BAD_USER_INPUT", "AMOUNT_OVER_NEED"],
      [{ resourceId: (await publish(charity, { status: "DRAFT" })).id }, "CONFLICT", "RESOURCE_NOT_ACTIVE"],
      [{ needId: "not-a-uuid" }, "BAD_USER_INPUT", "INVALID_ID"],
    ];
    for (const [patch, code, reason] of cases) {
      refused(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "700.00", ...patch } }), code, reason);
    }
    expect(await counts()).toEqual(before);
    // A refusal on the need's tags is in its household's access log, as a denial.
    const [posted] = await t.db.db.select({ householdId: needs.householdId }).from(needs).where(eq(needs.id, need.id));
    const logged = await t.db.db.select({ outcome: accessLog.outcome, operation: accessLog.operation, disclosures: accessLog.disclosures }).from(accessLog).where(arrayContains(accessLog.householdIds, [posted!.householdId]));
    expect(logged.some((e) => e.outcome === "DENIED" && e.operation.includes("claimNeed") && (e.disclosures ?? "").includes("NOT_ELIGIBLE"))).toBe(true);
    // Roles and kinds: staff do not claim; a bureau does not claim; a charity does not post needs.
    expect(errorCodes(await t.exec(await t.token("CH-ANKANG", "STAFF"), CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "700.00" } }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await t.exec(civil, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "700.00" } }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await t.exec(charity, POST_NEED, { input: { householdId: households[0]!.id, category: "MEDICAL", urgency: "LOW", title: "需要帮助的家庭" } }))).toEqual(["FORBIDDEN"]);
    // A cancelled need cannot be claimed.
    ok(await t.exec(caseworker, CANCEL_NEED, { id: need.id, reason: "需求已由政府救助覆盖" }), "cancelNeed");
    refused(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "700.00" } }), "CONFLICT", "NEED_NOT_OPEN");
  });

  it("validates posted needs: personal data in the title, scope, notes, tags and deadlines", async () => {
    const household = nextHousehold();
    const member = household.members[0]!;
    const before = await t.db.db.$count(needs);
    const post = (overrides: Record<string, unknown>, token = caseworker) =>
      t.exec(token, POST_NEED, { input: { householdId: household.id, category: "BASIC_LIVING", urgency: "MEDIUM", title: "冬季生活物资", ...overrides } });
    refused(await post({ title: `${member.name}家需要冬衣` }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    refused(await post({ title: "请联系 174 0000 1234" }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    refused(await post({ title: "身份证139999198001011234" }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    refused(await post({ description: "户主长期卧床" }), "BAD_USER_INPUT", "NOTE_CATEGORY_REQUIRED");
    refused(await post({ beneficiaryTags: ["rich"] }), "BAD_USER_INPUT", "UNKNOWN_TAG");
    refused(await post({ neededBy: "2020-01-01" }), "BAD_USER_INPUT", "INVALID_DEADLINE");
    refused(await post({ neededBy: "2027-02-30" }), "BAD_USER_INPUT", "INVALID_DATE");
    refused(await post({ amount: "0.00" }), "BAD_USER_INPUT", "INVALID_AMOUNT");
    refused(await post({ title: "短" }), "BAD_USER_INPUT", "INVALID_TEXT");
    refused(await post({ householdId: "00000000-0000-4000-8000-000000000000" }), "NOT_FOUND", "HOUSEHOLD_NOT_FOUND");
    // Another subdistrict's window cannot post for this household: not found, as if it did not exist.
    refused(await post({}, await t.token("QX-JD-HP", "CASEWORKER")), "NOT_FOUND", "HOUSEHOLD_NOT_FOUND");
    // An agency without an assignment on the household: not found either.
    refused(await post({}, await t.token("SW-HENGXIN", "SOCIAL_WORKER")), "NOT_FOUND", "HOUSEHOLD_NOT_FOUND");
    expect(await t.db.db.$count(needs)).toBe(before);
    const posted = ok<{ id: string }>(await post({ description: "户主长期卧床", noteCategory: "HEALTH", neededBy: today }), "postNeed");
    const [row] = await t.db.db.select({ description: needs.description, noteCategory: needs.noteCategory }).from(needs).where(eq(needs.id, posted.id));
    expect(row).toEqual({ description: "户主长期卧床", noteCategory: "HEALTH" });
    // The change log records the note's category, never its text.
    const logged = await t.db.db.select({ field: changeLog.field, newValue: changeLog.newValue }).from(changeLog).where(eq(changeLog.entityId, posted.id));
    expect(logged.find((e) => e.field === "note")?.newValue).toBe("[HEALTH]");
    expect(JSON.stringify(logged)).not.toContain("卧床");
  });

  it("validates resources and their status changes", async () => {
    const base = { kind: "CHARITY_PROJECT", name: "助学项目", categories: ["EDUCATION"], serviceAreaCodes: [households[0]!.areaCode], capacitySlots: 3, startsOn: today };
    const pub = (overrides: Record<string, unknown>, token = charity) => t.exec(token, PUBLISH, { input: { ...base, ...overrides } });
    const before = await t.db.db.$count(resources);
    refused(await pub({ kind: "GOVERNMENT_PROGRAM" }), "FORBIDDEN", "RESOURCE_KIND_NOT_YOURS");
    refused(await pub({ categories: [] }), "BAD_USER_INPUT", "NO_CATEGORIES");
    refused(await pub({ serviceAreaCodes: ["110101000000"] }), "BAD_USER_INPUT", "INVALID_SERVICE_AREA");
    refused(await pub({ serviceAreaCodes: ["1301"] }), "BAD_USER_INPUT", "INVALID_SERVICE_AREA");
    refused(await pub({ capacitySlots: null }), "BAD_USER_INPUT", "INVALID_CAPACITY");
    refused(await pub({ capacitySlots: 0 }), "BAD_USER_INPUT", "INVALID_CAPACITY");
    refused(await pub({ budget: "100.00", perBeneficiaryCap: "200.00" }), "BAD_USER_INPUT", "INVALID_CAPACITY");
    refused(await pub({ endsOn: "2020-01-01" }), "BAD_USER_INPUT", "INVALID_WINDOW");
    refused(await pub({ eligibilityTags: ["vip"] }), "BAD_USER_INPUT", "UNKNOWN_TAG");
    expect(await t.db.db.$count(resources)).toBe(before);
    const education = await t.token("QX-JYJ", "OFFICER");
    expect(ok<{ status: string }>(await pub({ kind: "GOVERNMENT_PROGRAM", status: "DRAFT" }, education), "publishResource").status).toBe("DRAFT");

    const r = ok<{ id: string }>(await pub({}), "publishResource");
    expect(ok<{ status: string }>(await t.exec(charity, SET_STATUS, { id: r.id, status: "PAUSED" }), "setResourceStatus").status).toBe("PAUSED");
    refused(await t.exec(charity, SET_STATUS, { id: r.id, status: "DRAFT" }), "CONFLICT", "INVALID_TRANSITION");
    refused(await t.exec(otherCharity, SET_STATUS, { id: r.id, status: "CLOSED" }), "NOT_FOUND", "RESOURCE_NOT_FOUND");
    expect(ok<{ status: string }>(await t.exec(charity, SET_STATUS, { id: r.id, status: "CLOSED" }), "setResourceStatus").status).toBe("CLOSED");
    refused(await t.exec(charity, SET_STATUS, { id: r.id, status: "ACTIVE" }), "CONFLICT", "INVALID_TRANSITION");
  });

  it("government aid first: a charity sees and may fill only what approved cases leave open, never the cover itself", async () => {
    const [covered] = await t.db.db
      .select({ householdId: cases.householdId, benefit: cases.monthlyBenefitFen })
      .from(cases)
      .where(and(eq(cases.type, "MINIMUM_LIVING"), eq(cases.status, "APPROVED"), like(cases.areaCode, "130104001%"), sql`${cases.monthlyBenefitFen} > 0`))
      .limit(1);
    const benefit = covered!.benefit!;
    const [others] = await t.db.db
      .select({ total: sql<number>`coalesce(sum(${cases.monthlyBenefitFen}), 0)::int` })
      .from(cases)
      .where(and(eq(cases.householdId, covered!.householdId), eq(cases.status, "APPROVED"), inArray(cases.type, ["MINIMUM_LIVING", "EXTREME_POVERTY", "LOW_INCOME", "TEMPORARY"])));
    const cover = others!.total; // every covering case of BASIC_LIVING, this one included
    expect(cover).toBeGreaterThanOrEqual(benefit);
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    const post = async (amountFen: number | null) =>
      ok<{ id: string }>(
        await t.exec(caseworker, POST_NEED, { input: { householdId: covered!.householdId, category: "BASIC_LIVING", urgency: "HIGH", title: "冬季生活物资缺口", amount: amountFen === null ? null : yuan(amountFen) } }),
        "postNeed",
      );
    const topUp = await post(cover + 50_000);
    const full = await post(cover);
    const inKind = await post(null);
    // The hub derives the tags the household's records show: its approved 低保 case is "minimum-living",
    // stored on the need and matched on, but a CASE tag a charity never sees.
    const [stored] = await t.db.db.select({ tags: needs.beneficiaryTags }).from(needs).where(eq(needs.id, topUp.id));
    expect(stored!.tags).toContain("minimum-living");
    const charityTags = ok<{ beneficiaryTags: string[] }>(await t.exec(charity, `query ($id: ID!) { need(id: $id) { beneficiaryTags } }`, { id: topUp.id }), "need").beneficiaryTags;
    expect(charityTags).not.toContain("minimum-living");
    const VIEW = `query ($id: ID!) { need(id: $id) { amount openAmount governmentCover { amount assistanceTypes } redactions { field } } }`;
    const asCaseworker = ok<{ amount: string; openAmount: string; governmentCover: { amount: string; assistanceTypes: string[] } }>(await t.exec(caseworker, VIEW, { id: topUp.id }), "need");
    expect(asCaseworker).toMatchObject({ amount: yuan(cover + 50_000), openAmount: "500.00", governmentCover: { amount: yuan(cover) } });
    expect(asCaseworker.governmentCover.assistanceTypes).toContain("MINIMUM_LIVING");
    const asCharity = ok<{ amount: unknown; openAmount: string; governmentCover: unknown; redactions: Array<{ field: string }> }>(await t.exec(charity, VIEW, { id: topUp.id }), "need");
    expect(asCharity).toMatchObject({ amount: null, openAmount: "500.00", governmentCover: null });
    expect(asCharity.redactions.map((r) => r.field)).toEqual(expect.arrayContaining(["amount", "governmentCover"]));
    // A need government aid covers in full is not charity's: not listed, not found, not claimable.
    const listed = ok<{ nodes: Array<{ id: string }> }>(await t.exec(charity, `{ needs(first: 100, filter: { category: BASIC_LIVING }) { nodes { id } } }`), "needs").nodes.map((n) => n.id);
    expect(listed).toContain(topUp.id);
    expect(listed).toContain(inKind.id);
    expect(listed).not.toContain(full.id);
    refused(await t.exec(charity, NEED_HOUSEHOLD, { id: full.id }), "NOT_FOUND", "NEED_NOT_FOUND");
    const resource = await publish(charity, { categories: ["BASIC_LIVING"], perBeneficiaryCap: "5000.00" });
    refused(await t.exec(charity, CLAIM, { input: { needId: full.id, resourceId: resource.id, amount: "100.00" } }), "NOT_FOUND", "NEED_NOT_FOUND");
    // Only the gap: a top-up, never a duplicate of the cover.
    refused(await t.exec(charity, CLAIM, { input: { needId: topUp.id, resourceId: resource.id, amount: "500.01" } }), "BAD_USER_INPUT", "AMOUNT_OVER_NEED");
    expect(ok<{ amount: string }>(await t.exec(charity, CLAIM, { input: { needId: topUp.id, resourceId: resource.id, amount: "500.00" } }), "claimNeed").amount).toBe("500.00");
  });

  it("ranks matches for a resource with reasons, de-identified, in a stable order across pages; and resources for a need, government first", async () => {
    const household = householdWithoutChildOrElderly();
    const community = household.areaCode;
    const resource = await publish(charity, { categories: ["REHABILITATION"], serviceAreaCodes: [community], eligibilityTags: ["elderly", "child"], perBeneficiaryCap: "1000.00" });
    const post = (o: Record<string, unknown>) => postNeed({ category: "REHABILITATION", beneficiaryTags: ["elderly"], ...o }, household);
    const critical = await post({ urgency: "CRITICAL", amount: "800.00", title: "急需轮椅" });
    const low = await post({ urgency: "LOW", amount: "3000.00", title: "康复训练费用" });
    const inKind = await post({ urgency: "MEDIUM", amount: null, title: "上门康复指导" });
    const untagged = await post({ urgency: "CRITICAL", amount: "100.00", beneficiaryTags: [], title: "康复器材" });
    const otherCategory = await postNeed({ category: "EDUCATION", urgency: "CRITICAL", title: "助学需求" }, household);

    const MATCHES = `query ($id: ID!, $after: String) { matchesForResource(resourceId: $id, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { score reasons topUp need { id needNo householdId householdPseudonym household { id } openAmount amount urgency } } } }`;
    type Match = { score: number; reasons: string[]; topUp: string | null; need: { id: string; needNo: string; householdId: string | null; household: unknown; openAmount: string | null; amount: string | null } };
    type Conn = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Match[] };
    const all: Match[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const conn: Conn = ok<Conn>(await t.exec(charity, MATCHES, { id: resource.id, after }), "matchesForResource");
      all.push(...conn.nodes);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const ids = all.map((m) => m.need.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([critical.id, low.id, inKind.id]));
    expect(ids).not.toContain(untagged.id); // none of the resource's eligibility tags
    expect(ids).not.toContain(otherCategory.id);
    // Ranked by score (the SQL's order agrees with the score each row reports), ties by need number.
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      expect(a.score > b.score || (a.score === b.score && a.need.needNo < b.need.needNo), `${a.need.needNo} before ${b.need.needNo}`).toBe(true);
    }
    const top = all.find((m) => m.need.id === critical.id)!;
    expect(top.reasons).toEqual(["same community (同社区)", "urgency CRITICAL (急难)", "covers 100% of the open 800.00 yuan", "waiting 0 days", "eligible: elderly"]);
    expect(top.topUp).toBe("800.00");
    expect(all.find((m) => m.need.id === low.id)!.reasons).toContain("covers 33% of the open 3000.00 yuan");
    expect(all.find((m) => m.need.id === low.id)!.topUp).toBe("1000.00");
    expect(all.find((m) => m.need.id === inKind.id)!.reasons).toContain("in kind (实物/服务)");
    // De-identified: no household, no household id, the open amount only.
    for (const m of all) expect(m.need).toMatchObject({ householdId: null, household: null, amount: null });
    expect(top.need.openAmount).toBe("800.00");

    // Claimed needs leave the matches.
    ok(await t.exec(charity, CLAIM, { input: { needId: critical.id, resourceId: resource.id, amount: "800.00" } }), "claimNeed");
    const afterClaim = ok<Conn>(await t.exec(charity, MATCHES, { id: resource.id, after: null }), "matchesForResource");
    expect(afterClaim.totalCount).toBe(all.length - 1);
    // Only the owner ranks its resource; a bad cursor is refused.
    refused(await t.exec(otherCharity, MATCHES, { id: resource.id, after: null }), "NOT_FOUND", "RESOURCE_NOT_FOUND");
    refused(await t.exec(charity, MATCHES, { id: resource.id, after: "bm90LWEtY3Vyc29y" }), "BAD_USER_INPUT", "INVALID_CURSOR");

    // For a need: government programmes first, then charity.
    const program = ok<{ id: string }>(
      await t.exec(civil, PUBLISH, { input: { kind: "GOVERNMENT_PROGRAM", name: "残疾人康复补贴", categories: ["REHABILITATION"], serviceAreaCodes: [community.slice(0, 6) + "000000"], capacitySlots: 50, startsOn: today } }),
      "publishResource",
    );
    const FOR_NEED = `query ($id: ID!) { matchesForNeed(needId: $id, first: 20) { nodes { score reasons topUp resource { id kind } } } }`;
    const forNeed = ok<{ nodes: Array<{ score: number; reasons: string[]; resource: { id: string; kind: string } }> }>(await t.exec(caseworker, FOR_NEED, { id: low.id }), "matchesForNeed").nodes;
    expect(forNeed[0]!.resource.id).toBe(program.id);
    expect(forNeed[0]!.reasons[0]).toBe("government programme first (政府救助优先)");
    expect(forNeed.map((n) => n.resource.id)).toContain(resource.id);
    expect(errorCodes(await t.exec(charity, FOR_NEED, { id: low.id }))).toEqual(["FORBIDDEN"]);
    refused(await t.exec(await t.token("QX-JD-HP", "CASEWORKER"), FOR_NEED, { id: low.id }), "NOT_FOUND", "NEED_NOT_FOUND");
  });

  // PGlite is one connection: these races are real only on PostgreSQL.
  it.runIf(kind === "postgres")("100 parallel claims on 10 slots: exactly 10 succeed; 50 parallel claims of one need: exactly 1", async () => {
    const resource = await publish(charity, { capacitySlots: 10, budget: null, perBeneficiaryCap: null });
    const posted: string[] = [];
    for (let i = 0; i < 100; i++) posted.push((await postNeed({ amount: null })).id);
    const results = await Promise.all(posted.map((needId) => t.exec(charity, CLAIM, { input: { needId, resourceId: resource.id } })));
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(10);
    const lost = results.filter((r) => r.errors);
    expect(lost.every((r) => errorCodes(r)[0] === "CONFLICT" && r.errors![0]!.extensions?.reason === "RESOURCE_EXHAUSTED")).toBe(true);
    const [after] = await t.db.db.select({ slotsClaimed: resources.slotsClaimed }).from(resources).where(eq(resources.id, resource.id));
    expect(after!.slotsClaimed).toBe(10);
    expect(await t.db.db.$count(claims, eq(claims.resourceId, resource.id))).toBe(10);
    // Exactly the ten won needs moved to CLAIMED; the other ninety are still open.
    const states = await t.db.db.select({ status: needs.status }).from(needs).where(inArray(needs.id, posted));
    expect(states.filter((n) => n.status === "CLAIMED")).toHaveLength(10);
    expect(states.filter((n) => n.status === "OPEN")).toHaveLength(90);

    // One need, 50 claimants' attempts across two charities' resources.
    const need = await postNeed({ amount: null });
    const a = await publish(charity, { capacitySlots: 100, budget: null, perBeneficiaryCap: null });
    const b = await publish(otherCharity, { capacitySlots: 100, budget: null, perBeneficiaryCap: null });
    const race = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.exec(i % 2 ? charity : otherCharity, CLAIM, { input: { needId: need.id, resourceId: i % 2 ? a.id : b.id } })),
    );
    expect(race.filter((r) => !r.errors)).toHaveLength(1);
    expect(race.filter((r) => r.errors).every((r) => r.errors![0]!.extensions?.reason === "NEED_ALREADY_CLAIMED")).toBe(true);
    const held = await t.db.db.select({ slotsClaimed: resources.slotsClaimed }).from(resources).where(eq(resources.id, a.id));
    const heldB = await t.db.db.select({ slotsClaimed: resources.slotsClaimed }).from(resources).where(eq(resources.id, b.id));
    expect(held[0]!.slotsClaimed + heldB[0]!.slotsClaimed).toBe(1);
    expect(await t.db.db.$count(claims, eq(claims.needId, need.id))).toBe(1);
    const grants = await t.db.db.select().from(accessGrants).where(and(eq(accessGrants.relationship, "CLAIM"), isNull(accessGrants.revokedAt), eq(accessGrants.sourceRef, `claim:${(await t.db.db.select({ id: claims.id }).from(claims).where(eq(claims.needId, need.id)))[0]!.id}`)));
    expect(grants).toHaveLength(1);
  }, 60_000);

  it.runIf(kind === "postgres")("claims, releases, fulfilments and re-claims on one resource, all at once: no deadlock, capacity consistent", async () => {
    const resource = await publish(charity, { capacitySlots: 1000, budget: "100000.00", perBeneficiaryCap: "1000.00" });
    const otherResource = (await publish(otherCharity, { capacitySlots: 1000, budget: "100000.00", perBeneficiaryCap: "1000.00" })).id;
    const held: Array<{ claimId: string; needId: string }> = [];
    for (let i = 0; i < 20; i++) {
      const need = await postNeed({ amount: "800.00" });
      held.push({ needId: need.id, claimId: ok<{ id: string }>(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "500.00" } }), "claimNeed").id });
    }
    const fresh: string[] = [];
    for (let i = 0; i < 30; i++) fresh.push((await postNeed({ amount: "800.00" })).id);
    // Releases and fulfilments lock claim → resource → need; claims lock need → resource; each need is
    // also claimed again right as its claim is released.
    const results = await Promise.all([
      ...held.slice(0, 10).map((h) => t.exec(charity, RELEASE, { id: h.claimId, reason: "项目调整，改由其他项目承接" })),
      ...held.slice(0, 10).map((h) => t.exec(otherCharity, CLAIM, { input: { needId: h.needId, resourceId: otherResource, amount: "500.00" } })),
      ...held.slice(10).map((h) => t.exec(charity, FULFIL, { input: { claimId: h.claimId, deliveredAmount: "300.00", deliveredOn: today, evidenceRef: "RECEIPT-RACE" } })),
      ...fresh.map((needId) => t.exec(charity, CLAIM, { input: { needId, resourceId: resource.id, amount: "500.00" } })),
    ]);
    // Every answer is a result or a coded refusal: no deadlock, no internal error.
    const codes = results.flatMap((r) => errorCodes(r));
    expect(codes.filter((c) => c !== "CONFLICT")).toEqual([]);
    expect(results.slice(0, 10).every((r) => !r.errors)).toBe(true);
    expect(results.slice(20, 30).every((r) => !r.errors)).toBe(true);
    expect(results.slice(30).every((r) => !r.errors)).toBe(true);
    // The resource's books: 20 + 30 claims made, 10 released; the fulfilments returned 200.00 each.
    const [after] = await t.db.db.select({ slots: resources.slotsClaimed, budget: resources.budgetClaimedFen }).from(resources).where(eq(resources.id, resource.id));
    const live = await t.db.db.select({ amount: claims.amountFen, delivered: claims.deliveredAmountFen, status: claims.status }).from(claims).where(and(eq(claims.resourceId, resource.id), inArray(claims.status, ["ACTIVE", "FULFILLED"])));
    expect(after!.slots).toBe(live.length);
    expect(after!.slots).toBe(40);
    expect(after!.budget).toBe(live.reduce((n, c) => n + (c.status === "FULFILLED" ? c.delivered! : c.amount!), 0));
  }, 60_000);

  it("a claim with an Idempotency-Key (one transaction) that the resource refuses is a coded CONFLICT, leaves the need open, and a retry of the one it let through replays it", async () => {
    const { port } = await t.hub.listen(0, "127.0.0.1");
    const keyed = async (key: string, variables: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${charity}`, "idempotency-key": key },
        body: JSON.stringify({ query: CLAIM, variables }),
      });
      return { replayed: res.headers.get("idempotent-replayed"), body: (await res.json()) as GraphQLResult };
    };
    const resource = await publish(charity, { capacitySlots: 1 });
    const [a, b] = [await postNeed(), await postNeed()];
    const first = await keyed("claim-a", { input: { needId: a.id, resourceId: resource.id, amount: "300.00" } });
    const claim = ok<{ id: string; status: string }>(first.body, "claimNeed");
    expect(claim.status).toBe("ACTIVE");
    // The need taken, then the resource found full: the statement undone inside the request's transaction.
    const second = await keyed("claim-b", { input: { needId: b.id, resourceId: resource.id, amount: "300.00" } });
    refused(second.body, "CONFLICT", "RESOURCE_EXHAUSTED");
    expect((await t.db.db.select({ status: needs.status, claimedBy: needs.claimedByOrgId }).from(needs).where(eq(needs.id, b.id)))[0]).toEqual({ status: "OPEN", claimedBy: null });
    expect(await t.db.db.$count(claims, eq(claims.needId, b.id))).toBe(0);
    const retry = await keyed("claim-a", { input: { needId: a.id, resourceId: resource.id, amount: "300.00" } });
    expect(retry.replayed).toBe("true");
    expect(ok<{ id: string }>(retry.body, "claimNeed").id).toBe(claim.id);
    expect(ok(await t.exec(charity, RESOURCE, { id: resource.id }), "resource")).toEqual({ slotsLeft: 0, budgetLeft: "9700.00" });
  });

  it("expires unfulfilled claims past their due date, once, as a release would — and the schedule sweeps at start", async () => {
    const need = await postNeed();
    const resource = await publish(charity, { capacitySlots: 2 });
    const claim = ok<{ id: string; dueBy: string }>(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "300.00" } }), "claimNeed");
    const due = new Date(claim.dueBy);
    expect(Math.round((due.getTime() - Date.now()) / 86_400_000)).toBe(30);
    // Not yet due: untouched.
    await expireDueClaims(t.db.db, new Date(due.getTime() - 60_000));
    expect((await t.db.db.select({ status: claims.status }).from(claims).where(eq(claims.id, claim.id)))[0]!.status).toBe("ACTIVE");

    const after = new Date(due.getTime() + 1000);
    // Two sweeps at once (two hub instances): each due claim is expired by exactly one of them.
    const [a, b] = await Promise.all([expireDueClaims(t.db.db, after), expireDueClaims(t.db.db, after)]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    expect(await expireDueClaims(t.db.db, after)).toBe(0);
    const [row] = await t.db.db.select().from(claims).where(eq(claims.id, claim.id));
    expect(row).toMatchObject({ status: "EXPIRED", releaseReason: null });
    expect(row!.endedAt).toEqual(after);
    expect((await t.db.db.select({ status: needs.status, claimedBy: needs.claimedByOrgId }).from(needs).where(eq(needs.id, need.id)))[0]).toEqual({ status: "OPEN", claimedBy: null });
    expect(ok(await t.exec(charity, RESOURCE, { id: resource.id }), "resource")).toEqual({ slotsLeft: 2, budgetLeft: "10000.00" });
    const [grant] = await t.db.db.select().from(accessGrants).where(eq(accessGrants.sourceRef, `claim:${claim.id}`));
    expect(grant!.revokedAt).not.toBeNull();
    await t.hub.changeLog.flush();
    const logged = await t.db.db.select({ subject: changeLog.subject, orgCode: changeLog.orgCode, field: changeLog.field, newValue: changeLog.newValue }).from(changeLog).where(eq(changeLog.entityId, claim.id));
    expect(logged.filter((e) => e.field === "status")).toEqual([
      { subject: expect.any(String), orgCode: "CH-ANKANG", field: "status", newValue: "ACTIVE" },
      { subject: CLAIM_EXPIRY_ACTOR.subject, orgCode: "HUB", field: "status", newValue: "EXPIRED" },
    ]);
    refused(await t.exec(charity, FULFIL, { input: { claimId: claim.id, deliveredAmount: "300.00", deliveredOn: today, evidenceRef: "RECEIPT-LATE" } }), "CONFLICT", "CLAIM_NOT_ACTIVE");

    // The schedule: a sweep at start (what fell due while the hub was down), then one per tick.
    const second = ok<{ id: string; dueBy: string }>(await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "300.00" } }), "claimNeed");
    let tick: (() => void) | undefined;
    const schedule = new ClaimExpirySchedule({
      db: t.db.db,
      changeLog: t.hub.changeLog,
      intervalSeconds: 60,
      logger: pino({ level: "silent" }),
      ticker: { every: (_ms, f) => ((tick = f), () => (tick = undefined)) },
      now: () => new Date(new Date(second.dueBy).getTime() + 1000),
    });
    schedule.start();
    await schedule.settled();
    expect((await t.db.db.select({ status: claims.status }).from(claims).where(eq(claims.id, second.id)))[0]!.status).toBe("EXPIRED");
    expect(tick).toBeTypeOf("function");
    await schedule.stop();
    expect(tick).toBeUndefined();
  });

  it("publishes fulfilments by closed month without a token, suppressing small cells; keeps each charity's conduct record", async () => {
    const lastMonth = districtDate(new Date(Date.now() - 35 * 86_400_000)).slice(0, 7);
    const fulfil = async (token: string, n: number) => {
      const resource = await publish(token, { capacitySlots: 20 });
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const need = await postNeed({ category: "MEDICAL" });
        const claim = ok<{ id: string }>(await t.exec(token, CLAIM, { input: { needId: need.id, resourceId: resource.id, amount: "100.00" } }), "claimNeed");
        ok(await t.exec(token, FULFIL, { input: { claimId: claim.id, deliveredAmount: "100.00", deliveredOn: today, evidenceRef: `RECEIPT-${i}` } }), "fulfilClaim");
        ids.push(claim.id);
      }
      // As if delivered last month: only closed months are published.
      await t.db.db.update(claims).set({ fulfilledAt: new Date(Date.parse(`${lastMonth}-15T04:00:00Z`)) }).where(inArray(claims.id, ids));
    };
    await fulfil(charity, 6);
    await fulfil(otherCharity, 2);

    const REPORT = `query ($from: String!, $to: String!) { fulfilledNeeds(from: $from, to: $to) { minCell suppressedCells cells { month category areaCode charityCode fulfilled amountDelivered } } }`;
    const report = ok<{ minCell: number; suppressedCells: number; cells: Array<Record<string, unknown>> }>(await t.exec(null, REPORT, { from: lastMonth, to: lastMonth }), "fulfilledNeeds");
    expect(report.minCell).toBe(5);
    expect(report.cells).toEqual([{ month: lastMonth, category: "MEDICAL", areaCode: households[0]!.areaCode.slice(0, 6) + "000000", charityCode: "CH-ANKANG", fulfilled: 6, amountDelivered: "600.00" }]);
    expect(report.suppressedCells).toBe(1);
    // The current month is not published; bad months are refused with a reason.
    const current = today.slice(0, 7);
    refused(await t.exec(null, REPORT, { from: current, to: current }), "BAD_USER_INPUT", "INVALID_DATE");
    refused(await t.exec(null, REPORT, { from: "2026-13", to: "2026-13" }), "BAD_USER_INPUT", "INVALID_DATE");
    refused(await t.exec(null, REPORT, { from: "2020-01", to: lastMonth }), "BAD_USER_INPUT", "INVALID_DATE");

    const CONDUCT = `query ($code: String!) { charityConduct(orgCode: $code) { charityCode claims fulfilled released expired active amountDelivered medianDaysToFulfil shareOnTime } }`;
    const own = ok<{ claims: number; fulfilled: number; amountDelivered: string; shareOnTime: number; medianDaysToFulfil: number }>(await t.exec(charity, CONDUCT, { code: "CH-ANKANG" }), "charityConduct");
    const [counted] = await t.db.db
      .select({ all: sql<number>`count(*)::int`, fulfilled: sql<number>`(count(*) filter (where ${claims.status} = 'FULFILLED'))::int` })
      .from(claims)
      .innerJoin(organizations, eq(organizations.id, claims.claimantOrgId))
      .where(eq(organizations.code, "CH-ANKANG"));
    expect(own).toMatchObject({ claims: counted!.all, fulfilled: counted!.fulfilled, shareOnTime: 1 });
    expect(own.fulfilled).toBeGreaterThanOrEqual(7);
    expect(ok<{ claims: number }>(await t.exec(civil, CONDUCT, { code: "CH-CHUNHUI" }), "charityConduct").claims).toBeGreaterThanOrEqual(2);
    refused(await t.exec(charity, CONDUCT, { code: "CH-CHUNHUI" }), "NOT_FOUND", "CHARITY_NOT_FOUND");
    refused(await t.exec(civil, CONDUCT, { code: "QX-MZJ" }), "NOT_FOUND", "CHARITY_NOT_FOUND");
    expect(errorCodes(await t.exec(caseworker, CONDUCT, { code: "CH-ANKANG" }))).toEqual(["FORBIDDEN"]);

    // The public list of active charity projects, with their published figures, needs no token.
    const PROJECTS = `query ($after: String) { charityProjects(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id kind status slotsLeft budgetLeft owner { code } } } }`;
    const projects: Array<{ id: string; kind: string; status: string; owner: { code: string } }> = [];
    for (let after: string | null = null, i = 0; i < 20; i++) {
      type Conn = { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: typeof projects };
      const conn: Conn = ok<Conn>(await t.exec(null, PROJECTS, { after }), "charityProjects");
      projects.push(...conn.nodes);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const active = await t.db.db.select({ id: resources.id }).from(resources).where(and(eq(resources.status, "ACTIVE"), inArray(resources.kind, ["CHARITY_PROJECT", "VOLUNTEER_SERVICE"])));
    expect(projects.map((p) => p.id).sort()).toEqual(active.map((r) => r.id).sort());
    expect(projects.every((p) => p.status === "ACTIVE" && ["CHARITY_PROJECT", "VOLUNTEER_SERVICE"].includes(p.kind))).toBe(true);
    expect(projects.some((p) => p.owner.code === "CH-ANKANG")).toBe(true);

    const SUMMARY = `query ($code: String!) { charityConductSummary(orgCode: $code) { fulfilled amountDelivered shareOnTime figuresSuppressed } }`;
    expect(ok(await t.exec(null, SUMMARY, { code: "CH-ANKANG" }), "charityConductSummary")).toMatchObject({ fulfilled: own.fulfilled, amountDelivered: own.amountDelivered, figuresSuppressed: false });
    const small = ok<Record<string, unknown>>(await t.exec(null, SUMMARY, { code: "CH-CHUNHUI" }), "charityConductSummary");
    expect(small).toMatchObject({ amountDelivered: null, shareOnTime: null, figuresSuppressed: true });
  });
});

describe.each(databaseKinds())("claimant text is no free oracle of members' names, on %s", (kind) => {
  let t: TestHub;
  afterAll(() => t?.close());

  it("a refusal is a denial in the household's log and, for a charity before consent, costs a lookup", async () => {
    t = await startTestHub(kind, { lookupLimit: { points: 2, durationSeconds: 60 } });
    const caseworker = await t.token("QX-JD-DF", "CASEWORKER");
    const charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    const r = await t.exec(caseworker, `{ households(first: 1) { nodes { id areaCode members { name } } } }`);
    const household = (r.data!.households as { nodes: Array<{ id: string; areaCode: string; members: Array<{ name: string }> }> }).nodes[0]!;
    const need = (await t.exec(caseworker, POST_NEED, { input: { householdId: household.id, category: "MEDICAL", urgency: "HIGH", title: "需要购买康复辅具" } })).data!.postNeed as { id: string };
    const resource = (await t.exec(charity, PUBLISH, { input: { kind: "CHARITY_PROJECT", name: "康复辅具援助", categories: ["MEDICAL"], serviceAreaCodes: [household.areaCode], capacitySlots: 3, startsOn: districtDate(new Date()) } })).data!.publishResource as { id: string };
    const claim = (await t.exec(charity, CLAIM, { input: { needId: need.id, resourceId: resource.id } })).data!.claimNeed as { id: string };

    // The caseworker reads names in full: its refusals cost nothing.
    for (let i = 0; i < 3; i++) {
      refused(await t.exec(caseworker, POST_NEED, { input: { householdId: household.id, category: "MEDICAL", urgency: "LOW", title: `${household.members[0]!.name}需要帮助` } }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    }
    // The charity, before consent, sees masked names: each guess that hits costs one of its 2 lookups.
    const guess = `${household.members[0]!.name}家无法联系`;
    refused(await t.exec(charity, RELEASE, { id: claim.id, reason: guess }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    refused(await t.exec(charity, RELEASE, { id: claim.id, reason: guess }), "BAD_USER_INPUT", "PERSONAL_DATA_IN_TEXT");
    refused(await t.exec(charity, RELEASE, { id: claim.id, reason: guess }), "RATE_LIMITED", "LOOKUP_RATE_LIMITED");
    // An accepted text costs nothing: the release itself still goes through.
    expect((await t.exec(charity, RELEASE, { id: claim.id, reason: "物资不足，无法按期交付" })).errors).toBeUndefined();
    const denials = await t.db.db
      .select({ outcome: accessLog.outcome, disclosures: accessLog.disclosures })
      .from(accessLog)
      .where(arrayContains(accessLog.householdIds, [household.id]));
    expect(denials.filter((e) => e.outcome === "DENIED" && (e.disclosures ?? "").includes("PERSONAL_DATA_IN_TEXT")).length).toBeGreaterThanOrEqual(5);
  });
});
