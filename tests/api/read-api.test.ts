import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIdNumber } from "../../src/shared/id-number.js";
import { databaseKinds } from "../support/databases.js";
import { EDUCATION_MEMBER } from "../support/redactions.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

const HOUSEHOLDS = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: HouseholdFilter) {
    households(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id householdNo areaCode address members { name idNumber phone birthDate sex } redactions { field } }
    }
  }
`;

type HouseholdNode = {
  id: string;
  householdNo: string;
  areaCode: string;
  address: string | null;
  members: Array<{ name: string | null; idNumber: string | null; phone: string | null; birthDate: string | null; sex: string }>;
  redactions: Array<{ field: string }>;
};
type HouseholdPage = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: HouseholdNode[];
};

describe.each(databaseKinds())("read API on %s", (kind) => {
  let t: TestHub;
  let civil: string;
  let dongfeng: string;

  beforeAll(async () => {
    t = await startTestHub(kind);
    civil = await t.token("QX-MZJ", "CASEWORKER");
    dongfeng = await t.token("QX-JD-DF", "CASEWORKER");
  });
  afterAll(() => t?.close());

  it("lists the district's households to civil affairs in full, page by page without overlap", async () => {
    const first = await t.exec(civil, HOUSEHOLDS, { first: 50 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.households as HouseholdPage;
    // The demo district is deterministic: 320 households, 161 of them in 东风街道 (130104001).
    expect(page1.totalCount).toBe(320);
    expect(page1.nodes).toHaveLength(50);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const member = page1.nodes[0]!.members[0]!;
    expect(parseIdNumber(member.idNumber!).ok).toBe(true);
    expect(member.name).toMatch(/^\p{Script=Han}{2,4}$/u);
    expect(page1.nodes[0]!.redactions).toEqual([]);

    const second = await t.exec(civil, HOUSEHOLDS, { first: 50, after: page1.pageInfo.endCursor });
    const page2 = second.data!.households as HouseholdPage;
    expect(page2.nodes).toHaveLength(50);
    const seen = new Set(page1.nodes.map((n) => n.id));
    expect(page2.nodes.some((n) => seen.has(n.id))).toBe(false);
    expect(page2.nodes[0]!.householdNo > page1.nodes.at(-1)!.householdNo).toBe(true);
  });

  it("walks to the last page, where hasNextPage is false and every household was seen once", async () => {
    const ids = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const r = await t.exec(civil, HOUSEHOLDS, { first: 100, after });
      const page = r.data!.households as HouseholdPage;
      total = page.totalCount;
      page.nodes.forEach((n) => ids.add(n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids.size).toBe(total);
  });

  it("keeps a subdistrict to its own area: other households are not found, not forbidden", async () => {
    const mine = await t.exec(dongfeng, HOUSEHOLDS, { first: 100 });
    const page = mine.data!.households as HouseholdPage;
    expect(page.totalCount).toBe(161);
    expect(page.nodes.every((n) => n.areaCode.startsWith("130104001"))).toBe(true);

    const heping = await t.exec(civil, HOUSEHOLDS, { first: 1, filter: { areaCode: "130104002" } });
    const other = (heping.data!.households as HouseholdPage).nodes[0]!;
    const r = await t.exec(dongfeng, `query ($id: ID!) { household(id: $id) { id } }`, { id: other.id });
    expect(r.data).toBeNull();
    expect(r.errors).toEqual([{ message: "household not found", path: ["household"], locations: expect.any(Array), extensions: { code: "NOT_FOUND", reason: "HOUSEHOLD_NOT_FOUND" } }]);
  });

  it("filters by area prefix inside the caller's scope", async () => {
    const r = await t.exec(civil, HOUSEHOLDS, { first: 100, filter: { areaCode: "130104002001" } });
    const page = r.data!.households as HouseholdPage;
    expect(page.totalCount).toBe(53);
    expect(page.nodes).toHaveLength(53);
    expect(page.nodes.every((n) => n.areaCode === "130104002001")).toBe(true);
    const outside = await t.exec(dongfeng, HOUSEHOLDS, { first: 10, filter: { areaCode: "130104002" } });
    expect((outside.data!.households as HouseholdPage).totalCount).toBe(0);
  });

  it("filters cases by type and status and resolves household and members", async () => {
    const r = await t.exec(
      civil,
      `{ cases(first: 5, filter: { type: MINIMUM_LIVING, status: APPROVED }) {
           totalCount nodes { caseNo type status monthlyBenefit household { householdNo members { relationToHead } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const cases = r.data!.cases as { totalCount: number; nodes: Array<Record<string, unknown>> };
    expect(cases.totalCount).toBe(103);
    expect(cases.nodes).toHaveLength(5);
    for (const c of cases.nodes) {
      expect(c).toMatchObject({ type: "MINIMUM_LIVING", status: "APPROVED" });
      expect(c.monthlyBenefit).toMatch(/^\d+\.\d{2}$/);
      const household = c.household as { householdNo: string; members: Array<{ relationToHead: string }> };
      expect(household.members.filter((m) => m.relationToHead === "HEAD")).toHaveLength(1);
    }
  });

  it("reads one case, one need and one resource by id, with their relations", async () => {
    const list = await t.exec(
      civil,
      `{ cases(first: 1) { nodes { id } } needs(first: 1) { nodes { id } } resources(first: 1) { nodes { id } } }`,
    );
    const id = (k: string) => ((list.data![k] as { nodes: Array<{ id: string }> }).nodes[0]!.id);
    const r = await t.exec(
      civil,
      `query ($c: ID!, $n: ID!, $r: ID!) {
         case(id: $c) { id household { id } }
         need(id: $n) { id title household { id } }
         resource(id: $r) { id name owner { code kind } }
       }`,
      { c: id("cases"), n: id("needs"), r: id("resources") },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({
      case: { id: id("cases"), household: { id: expect.any(String) } },
      need: { id: id("needs"), household: { id: expect.any(String) } },
      resource: { id: id("resources"), owner: { code: expect.any(String), kind: expect.any(String) } },
    });
  });

  it("shows an education officer students' schooling but not the household's finances", async () => {
    const edu = await t.token("QX-JYJ", "OFFICER");
    const r = await t.exec(edu, `{ households(first: 30) { nodes { members { studentStatus monthlyIncome redactions { field access reason } } } } }`);
    const members = (r.data!.households as { nodes: Array<{ members: Array<Record<string, unknown>> }> }).nodes.flatMap((n) => n.members);
    expect(members.some((m) => m.studentStatus !== null)).toBe(true);
    expect(members.every((m) => m.monthlyIncome === null)).toBe(true);
    expect(members[0]!.redactions).toEqual(EDUCATION_MEMBER);
  });

  it("answers `me` with the verified organization and role", async () => {
    const r = await t.exec(dongfeng, `{ me { role organization { code kind jurisdictionAreaCode } householdId } }`);
    expect(r).toEqual({
      data: {
        me: {
          role: "CASEWORKER",
          householdId: null,
          organization: { code: "QX-JD-DF", kind: "SUBDISTRICT", jurisdictionAreaCode: "130104001000" },
        },
      },
    });
  });

  it("lets a resident read its own household only", async () => {
    const list = await t.exec(civil, HOUSEHOLDS, { first: 2 });
    const [own, other] = (list.data!.households as HouseholdPage).nodes;
    const resident = await t.token("QX-RESIDENT", "RESIDENT", { householdId: own!.id });
    const r = await t.exec(resident, HOUSEHOLDS, { first: 10 });
    const page = r.data!.households as HouseholdPage;
    expect(page.nodes.map((n) => n.id)).toEqual([own!.id]);
    expect(page.nodes[0]!.members[0]!.idNumber).toBe(own!.members[0]!.idNumber);
    const denied = await t.exec(resident, `query ($id: ID!) { household(id: $id) { id } }`, { id: other!.id });
    expect(errorCodes(denied)).toEqual(["NOT_FOUND"]);
  });

  describe("bad input is BAD_USER_INPUT with a clear message", () => {
    it.each([
      ["a page larger than 100", HOUSEHOLDS, { first: 101 }, /first must be between 1 and 100/],
      ["a page of zero", HOUSEHOLDS, { first: 0 }, /first must be between 1 and 100/],
      ["a malformed cursor", HOUSEHOLDS, { after: "not-a-cursor!" }, /after is not a cursor/],
      ["a cursor of the wrong shape", HOUSEHOLDS, { after: Buffer.from("v1:'; drop table x").toString("base64url") }, /after is not a cursor/],
      ["an area code that is not digits", HOUSEHOLDS, { filter: { areaCode: "13010x" } }, /areaCode must be 2 to 12 digits/],
      ["an id that is not a UUID", `query ($id: ID!) { household(id: $id) { id } }`, { id: "42" }, /id must be a UUID/],
      ["an unknown enum in a variable", `query ($t: AssistanceType) { cases(filter: { type: $t }) { totalCount } }`, { t: "FREE_MONEY" }, /FREE_MONEY/],
      ["an unknown enum written inline", `{ cases(filter: { type: FREE_MONEY }) { totalCount } }`, {}, /FREE_MONEY/],
      ["a servesArea that is not a 12-digit code", `{ resources(filter: { servesArea: "1301" }) { totalCount } }`, {}, /servesArea must be a 12-digit/],
    ])("%s", async (_name, query, variables, message) => {
      const r = await t.exec(civil, query, variables);
      expect(errorCodes(r)).toEqual(["BAD_USER_INPUT"]);
      expect(r.errors![0]!.message).toMatch(message);
    });
  });

  it("rejects every data query without a token as UNAUTHENTICATED", async () => {
    for (const field of ["households", "cases", "needs", "resources"]) {
      const r = await t.exec(null, `{ ${field}(first: 1) { totalCount } }`);
      expect(errorCodes(r)).toEqual(["UNAUTHENTICATED"]);
      expect(r.errors![0]!.extensions).toMatchObject({ reason: "MISSING_TOKEN" });
    }
  });
});
