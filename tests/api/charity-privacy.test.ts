import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases as casesTable, needs as needsTable, persons } from "../../src/db/schema.js";
import { ENCRYPTED_FIELDS } from "../../src/privacy/crypto.js";
import { openToCharity } from "../support/coverage.js";
import { databaseKinds } from "../support/databases.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

// Every root field a charity could use to reach a household member, asked for every sensitive field.
const MEMBER_FIELDS = "id name idNumber phone birthDate monthlyIncome redactions { field access reason }";

describe.each(databaseKinds())("social forces never receive a member's identity or contact on %s", (kind) => {
  let t: TestHub;
  let secrets: { idNumbers: string[]; phones: string[]; names: string[] };
  let ids: { household: string; case: string; need: string };

  beforeAll(async () => {
    t = await startTestHub(kind);
    const rows = await t.db.db.select({ idNumberEnc: persons.idNumberEnc, phoneEnc: persons.phoneEnc, name: persons.name }).from(persons);
    secrets = {
      idNumbers: rows.map((r) => t.cipher.decrypt(r.idNumberEnc, ENCRYPTED_FIELDS.personIdNumber)),
      phones: rows.flatMap((r) => (r.phoneEnc ? [t.cipher.decrypt(r.phoneEnc, ENCRYPTED_FIELDS.personPhone)] : [])),
      names: rows.map((r) => r.name),
    };
    const civil = await t.token("QX-MZJ", "CASEWORKER");
    const r = await t.exec(civil, `{ households(first: 1) { nodes { id } } cases(first: 1) { nodes { id } } needs(first: 1, filter: { status: OPEN }) { nodes { id } } }`);
    const first = (k: string) => (r.data![k] as { nodes: Array<{ id: string }> }).nodes[0]!.id;
    ids = { household: first("households"), case: first("cases"), need: first("needs") };
  });
  afterAll(() => t?.close());

  const orgs: Array<[string, string]> = [
    ["CH-ANKANG", "PROJECT_MANAGER"],
    ["CH-CHUNHUI", "STAFF"],
    ["VO-QINGYUAN", "VOLUNTEER"],
    ["SW-HENGXIN", "SOCIAL_WORKER"],
    ["QX-CZJ", "ANALYST"],
  ];

  it.each(orgs)("%s (%s) finds no plaintext ID number, phone or full name by any root field", async (org, role) => {
    const token = await t.token(org, role as never);
    const queries: Array<[string, Record<string, unknown>]> = [
      [`{ households(first: 100) { totalCount nodes { address members { ${MEMBER_FIELDS} } } } }`, {}],
      [`query ($id: ID!) { household(id: $id) { address members { ${MEMBER_FIELDS} } } }`, { id: ids.household }],
      [`{ cases(first: 100) { totalCount nodes { household { members { ${MEMBER_FIELDS} } } } } }`, {}],
      [`query ($id: ID!) { case(id: $id) { household { members { ${MEMBER_FIELDS} } } } }`, { id: ids.case }],
      [`{ needs(first: 100) { totalCount nodes { title note { category text } beneficiaryTags householdId householdPseudonym household { address members { ${MEMBER_FIELDS} } } } } }`, {}],
      [`query ($id: ID!) { need(id: $id) { household { address members { ${MEMBER_FIELDS} } } } }`, { id: ids.need }],
    ];
    for (const [query, variables] of queries) {
      const text = JSON.stringify(await t.exec(token, query, variables));
      for (const idNumber of secrets.idNumbers) expect(text).not.toContain(idNumber);
      for (const phone of secrets.phones) expect(text).not.toContain(phone);
      for (const name of secrets.names) expect(text).not.toContain(`"${name}"`);
    }
  });

  it("a charity reaches no household directly: lists are empty and lookups are not found", async () => {
    const token = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    const list = await t.exec(token, `{ households(first: 10) { totalCount nodes { id } } }`);
    expect(list).toEqual({ data: { households: { totalCount: 0, nodes: [] } } });
    // Cases are outside a charity's purpose altogether (purpose-bound roots).
    expect(errorCodes(await t.exec(token, `{ cases(first: 10) { totalCount } }`))).toEqual(["FORBIDDEN"]);
    const one = await t.exec(token, `query ($id: ID!) { household(id: $id) { id } }`, { id: ids.household });
    expect(errorCodes(one)).toEqual(["NOT_FOUND"]);
  });

  it("a charity sees published needs de-identified: no household, id or case, a per-need pseudonym, only tags and notes of categories it may see", async () => {
    const token = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    const r = await t.exec(
      token,
      `{ needs(first: 100) { totalCount nodes { id status caseId householdId householdPseudonym beneficiaryTags note { category text } household { id } redactions { field access reason } } } }`,
    );
    expect(r.errors).toBeUndefined();
    type Node = { id: string; status: string; caseId: string | null; householdId: string | null; householdPseudonym: string; beneficiaryTags: string[]; note: unknown; household: unknown; redactions: Array<{ field: string }> };
    const needs = r.data!.needs as { totalCount: number; nodes: Node[] };
    // Published (OPEN or MATCHED) needs of the charity's district, from the demo's fixed seed.
    const rows = await t.db.db
      .select({ id: needsTable.id, householdId: needsTable.householdId, status: needsTable.status, tags: needsTable.beneficiaryTags, category: needsTable.category, amountFen: needsTable.amountFen })
      .from(needsTable);
    const caseRows = await t.db.db.select().from(casesTable);
    // …and open to charity: a need government aid covers in full is not published to charities.
    const published = rows.filter((n) => (n.status === "OPEN" || n.status === "MATCHED") && openToCharity(n, caseRows));
    expect(published.length).toBeLessThan(rows.filter((n) => n.status === "OPEN" || n.status === "MATCHED").length);
    expect(needs.totalCount).toBe(published.length);
    const byId = new Map(rows.map((n) => [n.id, n]));
    for (const need of needs.nodes) {
      expect(need).toMatchObject({ caseId: null, householdId: null, note: null, household: null });
      expect(need.householdPseudonym).toMatch(/^[0-9a-f]{16}$/);
      // Tags revealing identity, health, disability, schooling, work, assistance, income, housing or
      // protection are dropped; what stays is household composition.
      const stored = byId.get(need.id)!.tags;
      expect(need.beneficiaryTags).toEqual(stored.filter((tag) => tag === "living-alone"));
      // The whole amount and government aid's cover (CASE) are held back: a charity sees the open amount only.
      expect(need.redactions.map((x) => x.field)).toEqual(["householdId", "caseId", "note", "amount", "governmentCover", ...(stored.some((tag) => tag !== "living-alone") ? ["beneficiaryTags"] : [])]);
    }
    // Two needs of one household do not share a pseudonym: needs cannot be linked into a profile.
    const seen = new Map<string, string>();
    for (const need of needs.nodes) {
      const household = byId.get(need.id)!.householdId;
      for (const [other, pseudonym] of seen) if (byId.get(other)!.householdId === household) expect(pseudonym).not.toBe(need.householdPseudonym);
      seen.set(need.id, need.householdPseudonym);
    }
    expect(new Set(needs.nodes.map((n) => n.householdPseudonym)).size).toBe(needs.nodes.length);
  });
});
