import { getNamedType, type GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, households, needs, persons } from "../../src/db/schema.js";
import { DEMO_ORGANIZATIONS } from "../../src/demo/organizations.js";
import { caseSource, CASE_CATALOGUE } from "../../src/modules/cases/cases.policy.js";
import { HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE, householdSource, personSource } from "../../src/modules/households/households.policy.js";
import { NEED_CATALOGUE, needSource } from "../../src/modules/needs/needs.policy.js";
import { withCover } from "../support/coverage.js";
import { OrgKind, ROLES_BY_ORG_KIND, type Role } from "../../src/modules/organizations/organizations.enums.js";
import { Projector, type EntityCatalogue, type Grant } from "../../src/privacy/project.js";
import { kindsThatMay, type HouseholdRead } from "../../src/privacy/purpose.js";
import { householdScope, needScope } from "../../src/privacy/scope.js";
import { buildHubSchema } from "../../src/schema.js";
import { fenToYuan } from "../../src/shared/money.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

// Every demo household, member, case and need, through every list a caller may use, for every org
// kind and role: each object arrives exactly as the policy projects it — tags, notes and nested
// households included — so no datum of a category the caller may not see reaches it. (The policy
// matrix test reads one household through every path, sources straight from the tables; this one
// reads the whole district.) PGlite only: resolvers behave alike on both databases (read-api).

type Json = Record<string, unknown>;
const REDACTIONS = "redactions { field access reason }";
const SUB: Record<string, string> = { note: "note { category text }", governmentCover: "governmentCover { amount assistanceTypes }" };
const fields = <S extends object>(c: EntityCatalogue<S>) => Object.keys(c.fields).map((f) => SUB[f] ?? f).join(" ");
const PERSON = `${fields(PERSON_CATALOGUE)} ${REDACTIONS}`;
const HOUSEHOLD = `${fields(HOUSEHOLD_CATALOGUE)} ${REDACTIONS} members { ${PERSON} }`;
const LISTS: ReadonlyArray<[HouseholdRead, string]> = [
  ["households", `nodes { ${HOUSEHOLD} }`],
  ["cases", `nodes { ${fields(CASE_CATALOGUE)} ${REDACTIONS} household { ${HOUSEHOLD} } }`],
  ["needs", `nodes { ${fields(NEED_CATALOGUE)} ${REDACTIONS} household { ${HOUSEHOLD} } }`],
];

describe("disclosure sweep: the whole demo district through every list, for every org kind and role (PGlite)", () => {
  let t: TestHub;
  let money: Set<string>;
  let src: {
    households: Map<string, Json>;
    members: Map<string, Json[]>;
    cases: Map<string, Json>;
    needs: Map<string, Json>;
  };

  beforeAll(async () => {
    t = await startTestHub("pglite", { lookupLimit: { points: 10_000, durationSeconds: 60 } });
    const schema = await buildHubSchema();
    money = new Set(
      ["Household", "Person", "Case", "Need"].flatMap((type) =>
        Object.values((schema.getType(type) as GraphQLObjectType).getFields())
          .filter((f) => getNamedType(f.type).name === "Money")
          .map((f) => `${type}.${f.name}`),
      ),
    );
    const db = t.db.db;
    const memberRows = await db.select().from(persons);
    const caseRows = await db.select().from(cases);
    const members = new Map<string, Json[]>();
    for (const p of memberRows) members.set(p.householdId, [...(members.get(p.householdId) ?? []), personSource(p, t.cipher) as unknown as Json]);
    src = {
      households: new Map((await db.select().from(households)).map((h) => [h.id, householdSource(h, t.cipher) as unknown as Json])),
      members,
      cases: new Map((await db.select().from(cases)).map((c) => [c.id, caseSource(c) as unknown as Json])),
      needs: new Map((await db.select().from(needs)).map((n) => [n.id, needSource(withCover(n, caseRows), t.cipher) as unknown as Json])),
    };
  });
  afterAll(() => t?.close());

  const wire = (type: string, view: Json): Json => {
    const { grant: _grant, ...out } = view;
    for (const [k, v] of Object.entries(out)) if (money.has(`${type}.${k}`) && typeof v === "number") out[k] = fenToYuan(v);
    // Nested money (a need's government cover): its amount on the wire too.
    if (type === "Need" && out.governmentCover && typeof (out.governmentCover as Json).amount === "number") {
      out.governmentCover = { ...(out.governmentCover as Json), amount: fenToYuan((out.governmentCover as Json).amount as number) };
    }
    return out;
  };
  const sortMembers = (h: Json | null): Json | null =>
    h ? { ...h, members: [...(h.members as Json[])].sort((a, b) => String(a.id).localeCompare(String(b.id))) } : null;

  const CALLERS = OrgKind.values.flatMap((kind) => ROLES_BY_ORG_KIND[kind].map((role) => [kind, role] as const));

  it.each(CALLERS)("%s %s receives exactly the projected view of every record it can list", async (kind, role: Role) => {
    const org = DEMO_ORGANIZATIONS.find((o) => o.kind === kind)!;
    const token = await t.token(org.code, role, kind === "RESIDENT" ? { householdId: [...src.households.keys()][0] } : {});
    const principal = (await t.hub.contextFor(`Bearer ${token}`)).principal!;
    const projector = new Projector(principal);
    const hs = householdScope(principal);
    const ns = needScope(principal);
    const inScope = (householdId: string): boolean => {
      const h = src.households.get(householdId)!;
      if (hs.kind === "AREA") return String(h.areaCode).startsWith(hs.areaPrefix);
      if (hs.kind === "HOUSEHOLD") return householdId === hs.householdId;
      return false; // GRANTED: the demo seeds no grants; NONE
    };
    const household = (id: string, grant: Grant): Json =>
      sortMembers({
        ...wire("Household", projector.project(HOUSEHOLD_CATALOGUE, src.households.get(id)! as never, grant) as Json),
        members: (src.members.get(id) ?? []).map((m) => wire("Person", projector.project(PERSON_CATALOGUE, m as never, grant) as Json)),
      })!;
    const expectedNode = (root: HouseholdRead, node: Json): Json => {
      if (root === "households") return household(node.id as string, hs.grant);
      if (root === "cases") {
        const c = src.cases.get(node.id as string)!;
        return { ...wire("Case", projector.project(CASE_CATALOGUE, c as never, hs.grant) as Json), household: household(c.householdId as string, hs.grant) };
      }
      const n = src.needs.get(node.id as string)!;
      const h = n.householdId as string;
      return { ...wire("Need", projector.project(NEED_CATALOGUE, n as never, ns.grant) as Json), household: inScope(h) ? household(h, hs.grant) : null };
    };

    let listed = 0;
    for (const [root, selection] of LISTS) {
      const query = `query ($after: String) { ${root}(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } ${selection} } }`;
      if (!kindsThatMay(root).includes(kind)) {
        expect(errorCodes(await t.exec(token, query, { after: null })), `${root} is outside ${kind}'s purpose`).toEqual(["FORBIDDEN"]);
        continue;
      }
      let after: string | null = null;
      for (;;) {
        const r = await t.exec(token, query, { after });
        expect(r.errors, `${kind} ${role} ${root}`).toBeUndefined();
        const page = r.data![root] as { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Json[] };
        for (const node of page.nodes) {
          const got = root === "households" ? sortMembers(node) : { ...node, household: sortMembers(node.household as Json | null) };
          expect(got, `${kind} ${role} ${root} ${String(node.id)}`).toEqual(expectedNode(root, node));
          listed++;
        }
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
    }
    // Not vacuous where the purpose lists records the caller can reach.
    const purposeLists = LISTS.some(([root]) => kindsThatMay(root).includes(kind));
    const reaches = hs.kind === "AREA" || hs.kind === "HOUSEHOLD" || ns.kind === "PUBLISHED";
    if (purposeLists && reaches) expect(listed, `${kind} ${role} listed nothing`).toBeGreaterThan(0);
    else expect(listed).toBe(0);
  });
});
