import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosuresOf } from "../../src/audit/index.js";
import { accessLog, changeLog, consents, organizations } from "../../src/db/schema.js";
import { databaseErrorOf } from "../../src/db/errors.js";
import { systemGrantAccess, systemRevokeGrant } from "../../src/modules/grants/index.js";
import { databaseKinds } from "../support/databases.js";
import { CHARITY_MEMBER_WITHOUT_CONSENT, CHARITY_OUT_OF_REMIT } from "../support/redactions.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

const MEMBERS = `query ($id: ID!) { household(id: $id) { address members { name idNumber phone monthlyIncome redactions { field access reason } } } }`;
const RECORD = `mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id action live withdrawn categories recipientOrganization { code } recipientOrgKind } } }`;
const WITHDRAW = `mutation ($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { consent { id action withdrawsId } } }`;

type Member = { name: string | null; idNumber: string | null; phone: string | null; monthlyIncome: string | null; redactions: Array<{ field: string; access: string; reason: string }> };

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe.each(databaseKinds())("household consent on %s", (kind) => {
  let t: TestHub;
  let community: string;
  let charity: string;
  let otherCharity: string;
  let household: { id: string; areaCode: string; members: Member[] };
  let grantId: string;

  beforeAll(async () => {
    t = await startTestHub(kind);
    const civil = await t.token("QX-MZJ", "CASEWORKER");
    // A Dongfeng household with a phone on file, so that CONTACT is observable.
    const r = await t.exec(civil, `{ households(first: 60, filter: { areaCode: "130104001001" }) { nodes { id areaCode members { name idNumber phone monthlyIncome redactions { field access reason } } } } }`);
    const nodes = (r.data!.households as { nodes: Array<typeof household> }).nodes;
    household = nodes.find((h) => h.members.some((m) => m.phone))!;
    community = await t.token("QX-SQ-001-001", "COORDINATOR");
    charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    otherCharity = await t.token("CH-CHUNHUI", "PROJECT_MANAGER");
    const [ankang] = await t.db.db.select({ id: organizations.id }).from(organizations).where(sql`${organizations.code} = 'CH-ANKANG'`);
    // The claims workflow will create these; here the grant stands for a claimed need.
    grantId = (await systemGrantAccess(t.db.db, {
      householdId: household.id,
      granteeOrgId: ankang!.id,
      relationship: "CLAIM",
      categories: ["IDENTITY", "CONTACT", "DISABILITY", "EDUCATION", "HOUSING"],
      sourceRef: "test-claim-1",
    })).id;
  });
  afterAll(() => t?.close());

  const membersAs = async (token: string) => {
    const r = await t.exec(token, MEMBERS, { id: household.id });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return (r.data!.household as { members: Member[] }).members;
  };
  const withPhone = (members: Member[]) => members.find((_, i) => household.members[i]!.phone)!;

  it("a claiming charity without consent sees masked names, no contact, a masked ID number", async () => {
    const m = withPhone(await membersAs(charity));
    const truth = withPhone(household.members);
    expect(m.name).toBe(`${truth.name!.slice(0, 1)}**`);
    expect(m.phone).toBeNull();
    expect(m.idNumber).toBe(`${truth.idNumber!.slice(0, 6)}************`);
    expect(m.monthlyIncome).toBeNull();
    expect(m.redactions).toEqual(CHARITY_MEMBER_WITHOUT_CONSENT);
  });

  it("a charity without a grant does not reach the household at all", async () => {
    const r = await t.exec(otherCharity, MEMBERS, { id: household.id });
    expect(errorCodes(r)).toEqual(["NOT_FOUND"]);
  });

  it("consent opens names and phone at once, never the full ID number or finances; withdrawal closes them at once", async () => {
    const recorded = await t.exec(community, RECORD, {
      input: { householdId: household.id, recipientOrgCode: "CH-ANKANG", purpose: "助学项目对接", categories: ["IDENTITY", "CONTACT"], expiresAt: inDays(90), evidenceRef: "QX-CONSENT-2026-0001" },
    });
    expect(recorded.errors).toBeUndefined();
    const consent = (recorded.data!.recordConsent as { consent: { id: string; live: boolean; recipientOrganization: { code: string } } }).consent;
    expect(consent).toMatchObject({ live: true, recipientOrganization: { code: "CH-ANKANG" } });

    const truth = withPhone(household.members);
    const opened = withPhone(await membersAs(charity));
    expect(opened).toMatchObject({ name: truth.name, phone: truth.phone, monthlyIncome: null });
    expect(opened.idNumber).not.toBe(truth.idNumber);
    expect(opened.redactions).toEqual([
      { field: "idNumber", access: "MASKED", reason: "MINIMUM_NECESSITY" },
      // Derived from the ID number: full only where the number is, so consent opens the year alone.
      { field: "birthDate", access: "MASKED", reason: "MINIMUM_NECESSITY" },
      ...CHARITY_OUT_OF_REMIT,
    ]);

    const withdrawn = await t.exec(community, WITHDRAW, { input: { consentId: consent.id, evidenceRef: "QX-WITHDRAW-2026-0001" } });
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data).toMatchObject({ withdrawConsent: { consent: { action: "WITHDRAW", withdrawsId: consent.id } } });
    const closed = withPhone(await membersAs(charity));
    expect(closed.phone).toBeNull();
    expect(closed.name).not.toBe(truth.name);

    const again = await t.exec(community, WITHDRAW, { input: { consentId: consent.id, evidenceRef: "QX-WITHDRAW-2026-0002" } });
    expect(errorCodes(again)).toEqual(["CONFLICT"]);
  });

  it("a consent to every charity covers this one; a consent to another charity does not", async () => {
    const other = await t.exec(community, RECORD, {
      input: { householdId: household.id, recipientOrgCode: "CH-CHUNHUI", purpose: "助医项目", categories: ["CONTACT"], expiresAt: inDays(30), evidenceRef: "QX-CONSENT-2026-0002" },
    });
    expect(other.errors).toBeUndefined();
    expect(withPhone(await membersAs(charity)).phone).toBeNull();

    const byKind = await t.exec(community, RECORD, {
      input: { householdId: household.id, recipientOrgKind: "CHARITY", purpose: "慈善对接", categories: ["CONTACT"], expiresAt: inDays(30), evidenceRef: "QX-CONSENT-2026-0003" },
    });
    expect(byKind.errors).toBeUndefined();
    const m = withPhone(await membersAs(charity));
    expect(m.phone).toBe(withPhone(household.members).phone);
    expect(m.redactions).toEqual([
      { field: "name", access: "MASKED", reason: "NO_CONSENT" },
      { field: "idNumber", access: "MASKED", reason: "MINIMUM_NECESSITY" },
      { field: "birthDate", access: "MASKED", reason: "MINIMUM_NECESSITY" },
      { field: "disabilityLevel", access: "WITHHELD", reason: "OUT_OF_REMIT" },
      { field: "seriousIllness", access: "WITHHELD", reason: "OUT_OF_REMIT" },
      { field: "workAbility", access: "WITHHELD", reason: "OUT_OF_REMIT" },
      { field: "studentStatus", access: "WITHHELD", reason: "OUT_OF_REMIT" },
      { field: "employmentStatus", access: "WITHHELD", reason: "OUT_OF_REMIT" },
      { field: "monthlyIncome", access: "WITHHELD", reason: "OUT_OF_REMIT" },
    ]);
    // Clean up for the next test: withdraw both.
    for (const c of [other, byKind]) {
      const id = (c.data!.recordConsent as { consent: { id: string } }).consent.id;
      expect((await t.exec(community, WITHDRAW, { input: { consentId: id, evidenceRef: "QX-W" } })).errors).toBeUndefined();
    }
  });

  it("an expired consent discloses nothing: expiry is checked on every read", async () => {
    const [row] = await t.db.db.select({ id: organizations.id }).from(organizations).where(sql`${organizations.code} = 'CH-ANKANG'`);
    const [recorder] = await t.db.db.select({ id: organizations.id }).from(organizations).where(sql`${organizations.code} = 'QX-MZJ'`);
    // Written directly: the API refuses an expiry in the past, which is the point of this record.
    await t.db.db.insert(consents).values({
      householdId: household.id,
      action: "GRANT",
      recipientOrgId: row!.id,
      purpose: "已过期",
      categories: ["IDENTITY", "CONTACT"],
      validFrom: new Date(Date.now() - 10 * 86_400_000),
      expiresAt: new Date(Date.now() - 1000),
      evidenceRef: "QX-OLD",
      recordedByOrgId: recorder!.id,
      recordedBySubject: "test",
    });
    expect(withPhone(await membersAs(charity)).phone).toBeNull();
    const list = await t.exec(community, `query ($id: ID!) { consents(householdId: $id) { purpose live withdrawn } }`, { id: household.id });
    expect((list.data!.consents as Array<{ purpose: string; live: boolean }>).find((c) => c.purpose === "已过期")).toMatchObject({ live: false });
  });

  it("consent records are append-only in the database, and each one is in the change log", async () => {
    const err = await t.db.db.execute(sql`update consents set purpose = 'x'`).then(() => null, (e: unknown) => e);
    expect(databaseErrorOf(err)?.code).toBe("42501");
    const entries = await t.db.db.select().from(changeLog).where(sql`${changeLog.entityType} = 'Consent'`);
    expect(entries.length).toBeGreaterThanOrEqual(6);
    expect(entries.every((e) => e.householdId === household.id && e.orgCode === "QX-SQ-001-001")).toBe(true);
  });

  it("revoking the claim's grant takes the household out of the charity's reach at once", async () => {
    await systemRevokeGrant(t.db.db, grantId);
    expect(errorCodes(await t.exec(charity, MEMBERS, { id: household.id }))).toEqual(["NOT_FOUND"]);
  });

  describe("bad consent input is refused with a clear error and stores nothing", () => {
    const base = () => ({ householdId: household.id, recipientOrgCode: "CH-ANKANG", purpose: "助学项目对接", categories: ["CONTACT"], expiresAt: inDays(30), evidenceRef: "QX-C" });
    it.each([
      ["a category consent cannot open", { categories: ["FINANCIAL"] }, /consent can open only/],
      ["no category", { categories: [] }, /at least one data category/],
      ["both an organization and a kind", { recipientOrgKind: "CHARITY" }, /exactly one recipient/],
      ["a government bureau as recipient", { recipientOrgCode: "QX-JYJ" }, /legal basis, not consent/],
      ["an unknown organization", { recipientOrgCode: "NOPE" }, /names no registered organization/],
      ["an expiry in the past", { expiresAt: inDays(-1) }, /must be in the future/],
      ["an expiry beyond three years", { expiresAt: inDays(4 * 365) }, /at most 1095 days/],
      ["an expiry that is not a date-time", { expiresAt: "next year" }, /ISO 8601/],
      ["an expiry on a day that does not exist (never rolled over to March)", { expiresAt: "2027-02-30T00:00:00Z" }, /real calendar day/],
      ["a recipient code holding a NUL byte", { recipientOrgCode: "CH-ANKANG\u0000" }, /must be an organization code/],
      ["a purpose holding a line break", { purpose: "助医\n项目" }, /input\.purpose holds a line break/],
      ["an empty evidence reference", { evidenceRef: " " }, /evidenceRef must be 1 to 100/],
    ])("%s", async (_name, patch, message) => {
      const before = await t.db.db.$count(consents);
      const r = await t.exec(community, RECORD, { input: { ...base(), ...patch } });
      expect(errorCodes(r)).toEqual(["BAD_USER_INPUT"]);
      expect(r.errors![0]!.message).toMatch(message);
      expect(await t.db.db.$count(consents)).toBe(before);
    });

    it("a household outside the recorder's area is not found; a charity may not record consent", async () => {
      const heping = await t.token("QX-JD-HP", "CASEWORKER");
      expect(errorCodes(await t.exec(heping, RECORD, { input: base() }))).toEqual(["NOT_FOUND"]);
      expect(errorCodes(await t.exec(charity, RECORD, { input: base() }))).toEqual(["FORBIDDEN"]);
    });
  });

  it("logs every read of a household's consent records, for that household", async () => {
    const before = await t.db.db.$count(accessLog);
    const list = await t.exec(community, `query ($id: ID!) { consents(householdId: $id) { id } }`, { id: household.id });
    expect(list.errors).toBeUndefined();
    const ids = (list.data!.consents as Array<{ id: string }>).map((c) => c.id);
    expect(ids.length).toBeGreaterThan(0);
    const entries = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
    expect(entries.map((e) => ({ operation: e.operation, outcome: e.outcome, householdIds: e.householdIds }))).toEqual([
      { operation: "Query.consents", outcome: "ALLOWED", householdIds: [household.id] },
    ]);
    expect(disclosuresOf(entries[0]!).map((d) => ({ entityType: d.entityType, entityIds: [...d.entityIds].sort() }))).toEqual([
      { entityType: "Consent", entityIds: [...ids].sort() },
    ]);
  });
});
