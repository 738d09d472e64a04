import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAccessEntries, disclosuresOf } from "../../src/audit/index.js";
import { accessEntry, disclosure } from "./entries.js";
import { accessLog } from "../../src/db/schema.js";
import { databaseKinds } from "../support/databases.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

const LOG = `query ($id: ID!) { accessLog(householdId: $id, first: 50) { totalCount nodes { seq orgCode orgName orgKind role subject purpose operation outcome categoriesFull disclosures { outcome entityType categoriesFull detail } } } }`;
type Disclosure = { outcome: string; entityType: string; categoriesFull: string[]; detail: string | null };
type Entry = { seq: number; orgCode: string; orgName: string | null; role: string; subject: string | null; purpose: string | null; operation: string; outcome: string; categoriesFull: string[]; disclosures: Disclosure[] };
/** The entry showed this entity type's data in these categories (at least). */
const showed = (e: Entry, entityType: string, categories: string[] = []) =>
  e.disclosures.some((d) => d.entityType === entityType && categories.every((c) => d.categoriesFull.includes(c)));

describe.each(databaseKinds())("the audit trail through the API on %s", (kind) => {
  let t: TestHub;
  let civil: string;
  let auditor: string;
  let householdId: string;
  let otherSubdistrictHousehold: string;

  beforeAll(async () => {
    t = await startTestHub(kind);
    civil = await t.token("QX-MZJ", "CASEWORKER");
    auditor = await t.token("QX-MZJ", "AUDITOR");
    const r = await t.exec(civil, `{ a: households(first: 1, filter: { areaCode: "130104001" }) { nodes { id } } b: households(first: 1, filter: { areaCode: "130104002" }) { nodes { id } } }`);
    householdId = (r.data!.a as { nodes: Array<{ id: string }> }).nodes[0]!.id;
    otherSubdistrictHousehold = (r.data!.b as { nodes: Array<{ id: string }> }).nodes[0]!.id;
  });
  afterAll(() => t?.close());

  it("writes the request's access entry before the response returns, with the categories shown in full", async () => {
    const before = await t.db.db.$count(accessLog);
    const r = await t.exec(civil, `query ($id: ID!) { household(id: $id) { members { id name phone } } }`, { id: householdId });
    expect(r.errors).toBeUndefined();
    const memberIds = (r.data!.household as { members: Array<{ id: string }> }).members.map((m) => m.id);
    const rows = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
    expect(rows).toHaveLength(1); // one row per request
    const [row] = rows;
    expect(row).toMatchObject({ orgCode: "QX-MZJ", role: "CASEWORKER", operation: "Query.household", outcome: "ALLOWED", householdIds: [householdId] });
    const disclosures = disclosuresOf(row!);
    expect(disclosures.map((d) => [d.entityType, d.outcome])).toEqual([
      ["Household", "ALLOWED"],
      ["Person", "ALLOWED"],
    ]);
    const person = disclosures.find((d) => d.entityType === "Person")!;
    expect(person).toMatchObject({ householdIds: [householdId] });
    expect([...person.entityIds].sort()).toEqual([...memberIds].sort());
    // What the query showed: names and phones, not the income or health the remit would also allow.
    expect(person.categoriesFull).toEqual(["CONTACT", "IDENTITY"]);
    expect(disclosures.find((d) => d.entityType === "Household")!.categoriesFull).toEqual([]);
    expect(row!.categoriesFull).toEqual(["CONTACT", "IDENTITY"]);
  });

  it("counts what the query showed: selected fields, filters and fragments, not what the remit allowed", async () => {
    const latest = async (query: string, variables?: Record<string, unknown>) => {
      const before = await t.db.db.$count(accessLog);
      const r = await t.exec(civil, query, variables);
      expect(r.errors).toBeUndefined();
      const [row] = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
      return Object.fromEntries(disclosuresOf(row!).map((d) => [d.entityType, d.categoriesFull]));
    };
    expect(await latest(`query ($id: ID!) { household(id: $id) { id householdNo } }`, { id: householdId })).toEqual({ Household: [] });
    // Filtering on status shows every returned case's status (CASE); the benefit was not asked for.
    expect(await latest(`{ cases(first: 3, filter: { status: APPROVED }) { nodes { id } } }`)).toEqual({ Case: ["CASE"] });
    expect(await latest(`query ($f: CaseFilter) { cases(first: 3, filter: $f) { nodes { id monthlyBenefit } } }`, { f: { type: "MINIMUM_LIVING" } })).toEqual({
      Case: ["CASE", "FINANCIAL"],
    });
    expect(
      await latest(`query ($id: ID!) { household(id: $id) { ... on Household { members { ...contact } } } } fragment contact on Person { phone }`, { id: householdId }),
    ).toEqual({ Household: [], Person: ["CONTACT"] });
  });

  it("lets the household see who accessed it, without staff identities; auditors see them", async () => {
    const resident = await t.token("QX-RESIDENT", "RESIDENT", { householdId });
    const mine = await t.exec(resident, LOG, { id: householdId });
    expect(mine.errors).toBeUndefined();
    const entries = (mine.data!.accessLog as { nodes: Entry[] }).nodes;
    const byCivil = entries.find((e) => e.orgCode === "QX-MZJ" && showed(e, "Person", ["IDENTITY"]))!;
    expect(byCivil).toMatchObject({ orgName: "桥西区民政局(示例)", role: "CASEWORKER", subject: null, outcome: "ALLOWED" });
    expect(byCivil.categoriesFull).toEqual(expect.arrayContaining(["IDENTITY", "CONTACT"]));
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => b - a));

    const audited = await t.exec(auditor, LOG, { id: householdId });
    expect((audited.data!.accessLog as { nodes: Entry[] }).nodes.find((e) => e.orgCode === "QX-MZJ" && showed(e, "Person"))!.subject).toBe("dev-qx-mzj-caseworker");
  });

  it("records a denied lookup, which the household can see", async () => {
    const dongfeng = await t.token("QX-JD-DF", "CASEWORKER");
    const denied = await t.exec(dongfeng, `query ($id: ID!) { household(id: $id) { id } }`, { id: otherSubdistrictHousehold });
    expect(errorCodes(denied)).toEqual(["NOT_FOUND"]);
    const r = await t.exec(auditor, LOG, { id: otherSubdistrictHousehold });
    expect((r.data!.accessLog as { nodes: Entry[] }).nodes).toContainEqual(
      expect.objectContaining({
        orgCode: "QX-JD-DF",
        outcome: "DENIED",
        operation: "Query.household",
        categoriesFull: [],
        disclosures: [{ outcome: "DENIED", entityType: "Household", categoriesFull: [], detail: expect.any(String) }],
      }),
    );
  });

  it("shows each household only the part of a request that concerns it", async () => {
    // One request that showed A's household and members and was refused B (written directly: through
    // the API a refused non-null root field nulls the whole response, so nothing of A would be shown).
    await appendAccessEntries(
      t.db.db,
      [
        accessEntry({
          requestId: "req-two-households",
          orgCode: "QX-JD-DF",
          disclosures: [
            disclosure({ entityType: "Household", entityIds: [householdId], householdIds: [householdId], categoriesFull: ["HOUSING"] }),
            disclosure({ entityType: "Person", entityIds: ["p-1", "p-2"], householdIds: [householdId], categoriesFull: ["CONTACT", "IDENTITY"] }),
            disclosure({ outcome: "DENIED", entityType: "Household", entityIds: [otherSubdistrictHousehold], householdIds: [otherSubdistrictHousehold], categoriesFull: [], detail: "NOT_IN_SCOPE" }),
          ],
        }),
      ],
      t.cipher.auditKey,
    );
    const newest = async (id: string) => ((await t.exec(auditor, LOG, { id })).data!.accessLog as { nodes: Entry[] }).nodes[0]!;
    const [ofA, ofB] = [await newest(householdId), await newest(otherSubdistrictHousehold)];
    expect(ofA.seq).toBe(ofB.seq); // one request, one entry
    expect(ofA).toMatchObject({
      orgCode: "QX-JD-DF",
      outcome: "ALLOWED",
      categoriesFull: ["CONTACT", "HOUSING", "IDENTITY"],
      disclosures: [
        { outcome: "ALLOWED", entityType: "Household", categoriesFull: ["HOUSING"], detail: null },
        { outcome: "ALLOWED", entityType: "Person", categoriesFull: ["CONTACT", "IDENTITY"], detail: null },
      ],
    });
    expect(ofB).toMatchObject({ outcome: "DENIED", categoriesFull: [], disclosures: [{ outcome: "DENIED", entityType: "Household", categoriesFull: [], detail: "NOT_IN_SCOPE" }] });
  });

  it("records the purpose sent with the request", async () => {
    const ctx = await t.hub.contextFor(`Bearer ${civil}`, { requestId: "req-purpose-1", purpose: "低保年度复核" });
    await t.hub.apollo.executeOperation({ query: `query ($id: ID!) { household(id: $id) { id } }`, variables: { id: householdId } }, { contextValue: ctx });
    const [row] = await t.db.db.select().from(accessLog).where(sql`${accessLog.requestId} = 'req-purpose-1'`);
    expect(row).toMatchObject({ purpose: "低保年度复核", outcome: "ALLOWED" });
  });

  it("keeps a civil-affairs ADMIN out of the access log and the chain status: only auditors and the household read them", async () => {
    const admin = await t.token("QX-MZJ", "ADMIN");
    const refused = { data: null, errors: [{ message: "role ADMIN may not call this operation", locations: [{ line: 1, column: 3 }], path: ["auditChainStatus"], extensions: { code: "FORBIDDEN", reason: "STAFF_ROLE_NOT_ALLOWED" } }] };
    expect(await t.exec(admin, `{ auditChainStatus { stream ok } }`)).toEqual(refused);
    const log = await t.exec(admin, `query ($id: ID!) { accessLog(householdId: $id, first: 1) { totalCount } }`, { id: householdId });
    expect(log).toEqual({ ...refused, errors: [{ ...refused.errors[0], locations: [{ line: 1, column: 20 }], path: ["accessLog"] }] });
  });

  it("keeps a resident to its own household's log and a caseworker out of the log entirely", async () => {
    const resident = await t.token("QX-RESIDENT", "RESIDENT", { householdId });
    expect(errorCodes(await t.exec(resident, LOG, { id: otherSubdistrictHousehold }))).toEqual(["NOT_FOUND"]);
    expect(errorCodes(await t.exec(civil, LOG, { id: householdId }))).toEqual(["FORBIDDEN"]);
  });

  it("reports an intact chain to auditors, and the first broken entry after tampering", async () => {
    const q = `{ auditChainStatus { stream ok entries lastSeq firstBrokenSeq problem } }`;
    const ok = await t.exec(auditor, q);
    expect(ok.errors).toBeUndefined();
    const statuses = ok.data!.auditChainStatus as Array<{ stream: string; ok: boolean; entries: number; firstBrokenSeq: number | null }>;
    expect(statuses.map((s) => [s.stream, s.ok])).toEqual([["access_log", true], ["change_log", true]]);
    expect(statuses[0]!.entries).toBeGreaterThan(3);

    await t.db.db.execute(sql`alter table access_log disable trigger access_log_append_only`);
    await t.db.db.execute(sql`update access_log set org_code = 'QX-OTHER' where seq = 2`);
    await t.db.db.execute(sql`alter table access_log enable trigger access_log_append_only`);
    const broken = await t.exec(auditor, q);
    expect((broken.data!.auditChainStatus as Array<Record<string, unknown>>)[0]).toMatchObject({ stream: "access_log", ok: false, firstBrokenSeq: 2, problem: "HASH_MISMATCH" });
    expect(errorCodes(await t.exec(civil, q))).toEqual(["FORBIDDEN"]);
  });

  it("sends no data when the access log cannot be written (fail closed)", async () => {
    await t.db.db.execute(sql`alter table access_log rename to access_log_offline`);
    try {
      const r = await t.exec(civil, `query ($id: ID!) { household(id: $id) { members { name } } }`, { id: householdId });
      expect(r).toEqual({ data: null, errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    } finally {
      await t.db.db.execute(sql`alter table access_log_offline rename to access_log`);
    }
  });
});
