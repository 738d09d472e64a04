import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { persons } from "../../src/db/schema.js";
import { ENCRYPTED_FIELDS } from "../../src/privacy/crypto.js";
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
      [`{ needs(first: 100) { totalCount nodes { title description household { address members { ${MEMBER_FIELDS} } } } } }`, {}],
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

  it("a charity sees published needs with the household's composition but no identity, and no redaction errors", async () => {
    const token = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    const r = await t.exec(token, `{ needs(first: 20) { totalCount nodes { status caseId household { householdNo areaCode address members { relationToHead sex ${MEMBER_FIELDS} } } } } }`);
    expect(r.errors).toBeUndefined();
    const needs = r.data!.needs as { totalCount: number; nodes: Array<{ status: string; caseId: string | null; household: { address: string | null; members: Array<Record<string, unknown>> } }> };
    expect(needs.totalCount).toBeGreaterThan(0);
    for (const need of needs.nodes) {
      expect(["OPEN", "MATCHED"]).toContain(need.status);
      expect(need.caseId).toBeNull();
      expect(need.household.address).toBeNull();
      for (const m of need.household.members) {
        expect(m).toMatchObject({ name: null, idNumber: null, phone: null, birthDate: null, monthlyIncome: null });
        expect(m.relationToHead).not.toBeNull();
        expect(m.redactions).toEqual([
          { field: "name", access: "WITHHELD", reason: "NOT_ASSIGNED" },
          { field: "idNumber", access: "WITHHELD", reason: "NOT_ASSIGNED" },
          { field: "birthDate", access: "WITHHELD", reason: "NOT_ASSIGNED" },
          { field: "phone", access: "WITHHELD", reason: "NO_CONSENT" },
          { field: "disabilityLevel", access: "WITHHELD", reason: "OUT_OF_REMIT" },
          { field: "seriousIllness", access: "WITHHELD", reason: "OUT_OF_REMIT" },
          { field: "workAbility", access: "WITHHELD", reason: "OUT_OF_REMIT" },
          { field: "studentStatus", access: "WITHHELD", reason: "OUT_OF_REMIT" },
          { field: "employmentStatus", access: "WITHHELD", reason: "OUT_OF_REMIT" },
          { field: "monthlyIncome", access: "WITHHELD", reason: "OUT_OF_REMIT" },
        ]);
      }
    }
  });
});
