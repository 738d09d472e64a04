import { eq } from "drizzle-orm";
import { getNamedType, type GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { accessGrants, cases, households, needs, persons } from "../../src/db/schema.js";
import { DEMO_ORGANIZATIONS, type DemoOrganization } from "../../src/demo/organizations.js";
import { CASE_CATALOGUE } from "../../src/modules/cases/index.js";
import type { CaseSource } from "../../src/modules/cases/cases.policy.js";
import { HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE } from "../../src/modules/households/index.js";
import type { HouseholdSource, PersonSource } from "../../src/modules/households/households.policy.js";
import { NEED_CATALOGUE } from "../../src/modules/needs/index.js";
import { needSource, type NeedSource } from "../../src/modules/needs/needs.policy.js";
import { withCover } from "../support/coverage.js";
import { OrgKind, ROLES_BY_ORG_KIND, type Role } from "../../src/modules/organizations/index.js";
import { ENCRYPTED_FIELDS } from "../../src/privacy/crypto.js";
import { Projector, Sealed, type EntityCatalogue, type Grant } from "../../src/privacy/project.js";
import { kindsThatMay, type HouseholdRead } from "../../src/privacy/purpose.js";
import { householdScope, needScope, type RecordScope } from "../../src/privacy/scope.js";
import { buildHubSchema } from "../../src/schema.js";
import { areaContains } from "../../src/shared/area.js";
import { fenToYuan } from "../../src/shared/money.js";
import { EDUCATION_MEMBER } from "../support/redactions.js";
import { errorCodes, startTestHub, type GraphQLResult, type TestHub } from "../support/hub.js";

// Every organization kind (every role of it) reads the same demo household through every path that
// reaches it, and gets exactly what the pure policy projects: no more, no less, on any path.
//
// PGlite only: the matrix is 28 callers × 6 paths of the same resolvers; how those resolvers behave
// on each database kind is covered by read-api and charity-privacy, which run on every kind.

type Json = Record<string, unknown>;

// Selections built from the catalogues, so every field the policy knows is asked for.
const REDACTIONS = "redactions { field access reason }";
/** Object-valued fields need a selection of their own. */
const SUBSELECTIONS: Record<string, string> = { note: "note { category text }", governmentCover: "governmentCover { amount assistanceTypes }" };
const fieldsOf = <S extends object>(catalogue: EntityCatalogue<S>) => Object.keys(catalogue.fields).map((f) => SUBSELECTIONS[f] ?? f).join(" ");
const PERSON = `${fieldsOf(PERSON_CATALOGUE)} ${REDACTIONS}`;
const HOUSEHOLD = `${fieldsOf(HOUSEHOLD_CATALOGUE)} ${REDACTIONS} members { ${PERSON} }`;
const CASE = `${fieldsOf(CASE_CATALOGUE)} ${REDACTIONS} household { ${HOUSEHOLD} }`;
const NEED = `${fieldsOf(NEED_CATALOGUE)} ${REDACTIONS} household { ${HOUSEHOLD} }`;

const Q = {
  household: `query ($id: ID!) { household(id: $id) { ${HOUSEHOLD} } }`,
  households: `query ($area: String!, $after: String) { households(first: 100, after: $after, filter: { areaCode: $area }) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${HOUSEHOLD} } } }`,
  case: `query ($id: ID!) { case(id: $id) { ${CASE} } }`,
  cases: `query ($householdId: ID!) { cases(first: 100, filter: { householdId: $householdId }) { totalCount nodes { ${CASE} } } }`,
  need: `query ($id: ID!) { need(id: $id) { ${NEED} } }`,
  needs: `query ($area: String!, $after: String) { needs(first: 100, after: $after, filter: { areaCode: $area }) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${NEED} } } }`,
};

/** What one root field gave: the object, or the error codes (with no data). */
type Lookup = { found: Json } | { error: unknown[] };
/** What a list gave for the household: its entries (possibly none) and the list's total in scope. */
type Listing = { entries: Json[]; totalCount: number } | { error: unknown[] };

/** A listing's entries; a refused list (outside the caller's purpose) has none. */
const entriesOf = (l: Listing): Json[] => ("entries" in l ? l.entries : []);

interface PathResults {
  household: Lookup;
  households: Listing;
  case: Lookup;
  cases: Listing;
  need: Lookup;
  needs: Listing;
}

/** Kinds that may ever receive a member's full ID number: jurisdiction bodies and the household itself. */
const FULL_ID_NUMBER_KINDS = new Set<OrgKind>([
  "CIVIL_AFFAIRS",
  "SUBDISTRICT",
  "COMMUNITY",
  "HEALTHCARE_SECURITY",
  "HEALTH",
  "EDUCATION",
  "HOUSING",
  "HUMAN_RESOURCES",
  "EMERGENCY_MANAGEMENT",
  "COURT",
  "JUSTICE",
  "RESIDENT",
]);
/** Needs a social force may see before any claim (the matching board). */
const PUBLISHED_NEED_STATUSES = new Set(["OPEN", "MATCHED"]);

interface Caller {
  readonly kind: OrgKind;
  readonly role: Role;
  /** "home": the organization whose jurisdiction holds the household (or the resident's own);
   * "elsewhere": another subdistrict, or a resident of another household. */
  readonly where: "home" | "elsewhere";
}

const CALLERS: Caller[] = [
  ...OrgKind.values.flatMap((kind) => ROLES_BY_ORG_KIND[kind].map((role) => ({ kind, role, where: "home" as const }))),
  ...ROLES_BY_ORG_KIND.SUBDISTRICT.map((role) => ({ kind: "SUBDISTRICT" as const, role, where: "elsewhere" as const })),
  { kind: "RESIDENT", role: "RESIDENT", where: "elsewhere" },
];
const label = (c: Caller) => `${c.kind} ${c.role}${c.where === "elsewhere" ? " (elsewhere)" : ""}`;

describe("policy matrix: every org kind reads one household through every path, exactly its remit (PGlite)", () => {
  let t: TestHub;
  let target: { householdId: string; areaCode: string; needId: string; caseIds: string[] };
  let otherHouseholdId: string;
  let src: { household: HouseholdSource; members: PersonSource[]; cases: CaseSource[]; need: NeedSource & { status: string } };
  let plain: { idNumbers: string[]; names: string[]; studentStatus: Map<string, string> };
  let moneyFields: Set<string>;
  const reads = new Map<string, Promise<{ principal: Principal; results: PathResults }>>();

  beforeAll(async () => {
    t = await startTestHub("pglite");
    // The oracle below treats GRANTED scope as reaching nothing: that holds only while the demo seeds no grants.
    expect(await t.db.db.$count(accessGrants)).toBe(0);

    const schema = await buildHubSchema();
    moneyFields = new Set(
      ["Household", "Person", "Case", "Need"].flatMap((type) =>
        Object.values((schema.getType(type) as GraphQLObjectType).getFields())
          .filter((f) => getNamedType(f.type).name === "Money")
          .map((f) => `${type}.${f.name}`),
      ),
    );

    // Civil affairs picks the household: a published need raised from a case, a payee account, a
    // student, a phone and an income, so that every category has a value to disclose or withhold.
    const civil = await t.token("QX-MZJ", "CASEWORKER");
    let after: string | null = null;
    for (;;) {
      const r = await t.exec(
        civil,
        `query ($after: String) { needs(first: 100, after: $after, filter: { status: OPEN }) { pageInfo { hasNextPage endCursor }
           nodes { id caseId household { id areaCode bankAccount members { phone studentStatus monthlyIncome } } } } }`,
        { after },
      );
      expect(r.errors).toBeUndefined();
      const page = r.data!.needs as { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<Json & { household: Json & { members: Json[] } }> };
      const pick = page.nodes.find(
        (n) =>
          n.caseId !== null &&
          n.household.bankAccount !== null &&
          n.household.members.some((m) => m.studentStatus !== "NOT_STUDENT") &&
          n.household.members.some((m) => m.phone !== null) &&
          n.household.members.some((m) => m.monthlyIncome !== "0.00"),
      );
      if (pick) {
        const caseIds = ((await t.exec(civil, `query ($h: ID!) { cases(first: 100, filter: { householdId: $h }) { nodes { id } } }`, { h: pick.household.id }))
          .data!.cases as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id);
        target = { householdId: pick.household.id as string, areaCode: pick.household.areaCode as string, needId: pick.id as string, caseIds };
        break;
      }
      if (!page.pageInfo.hasNextPage) throw new Error("the demo district has no household with a case, a published need and a student");
      after = page.pageInfo.endCursor;
    }
    expect(target.caseIds.length).toBeGreaterThan(0);
    const other = await t.exec(civil, `{ households(first: 2) { nodes { id } } }`);
    otherHouseholdId = (other.data!.households as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id).find((id) => id !== target.householdId)!;

    // The oracle's sources, read straight from the tables (not through the hub's row mappers).
    const db = t.db.db;
    const sealed = <T>(value: T) => new Sealed(() => value);
    const [h] = await db.select().from(households).where(eq(households.id, target.householdId));
    const memberRows = await db.select().from(persons).where(eq(persons.householdId, target.householdId));
    const caseRows = await db.select().from(cases).where(eq(cases.householdId, target.householdId));
    const [n] = await db.select().from(needs).where(eq(needs.id, target.needId));
    const decrypt = (enc: string, field: string) => t.cipher.decrypt(enc, field);
    src = {
      household: {
        id: h!.id,
        householdNo: h!.householdNo,
        areaCode: h!.areaCode,
        address: h!.address,
        bankAccount: h!.bankAccountEnc ? sealed(decrypt(h!.bankAccountEnc, ENCRYPTED_FIELDS.householdBankAccount)) : null,
        housingSituation: h!.housingSituation,
        residenceStatus: h!.residenceStatus,
      },
      members: memberRows.map((p) => ({
        id: p.id,
        householdId: p.householdId,
        relationToHead: p.relationToHead,
        sex: p.sex,
        name: p.name,
        idNumber: sealed(decrypt(p.idNumberEnc, ENCRYPTED_FIELDS.personIdNumber)),
        birthDate: p.birthDate,
        phone: p.phoneEnc ? sealed(decrypt(p.phoneEnc, ENCRYPTED_FIELDS.personPhone)) : null,
        disabilityLevel: p.disabilityLevel,
        seriousIllness: p.seriousIllness,
        workAbility: p.workAbility,
        studentStatus: p.studentStatus,
        employmentStatus: p.employmentStatus,
        monthlyIncome: p.monthlyIncomeFen,
      })),
      cases: caseRows
        .sort((a, b) => a.caseNo.localeCompare(b.caseNo))
        .map((c) => ({
          id: c.id,
          caseNo: c.caseNo,
          householdId: c.householdId,
          handlingOrgId: c.handlingOrgId,
          areaCode: c.areaCode,
          type: c.type,
          channel: c.channel,
          status: c.status,
          appliedOn: c.appliedOn,
          decidedOn: c.decidedOn,
          nextReviewOn: c.nextReviewOn,
          monthlyBenefit: c.monthlyBenefitFen,
        })),
      need: needSource(withCover(n!, caseRows), t.cipher),
    };
    plain = {
      idNumbers: memberRows.map((p) => decrypt(p.idNumberEnc, ENCRYPTED_FIELDS.personIdNumber)),
      names: memberRows.map((p) => p.name),
      studentStatus: new Map(memberRows.map((p) => [p.id, p.studentStatus])),
    };
  });
  afterAll(() => t?.close());

  function organizationFor(caller: Caller): DemoOrganization {
    const ofKind = DEMO_ORGANIZATIONS.filter((o) => o.kind === caller.kind);
    if (caller.kind === "RESIDENT") return ofKind[0]!;
    const home = ofKind.find((o) => areaContains(o.jurisdictionAreaCode, target.areaCode));
    const elsewhere = ofKind.find((o) => o !== home);
    const org = caller.where === "home" ? home : elsewhere;
    if (!org) throw new Error(`no demo ${caller.kind} organization ${caller.where}`);
    return org;
  }

  /** Reads the household through every path as this caller (once per caller; tests share it). */
  function readEverywhere(caller: Caller): Promise<{ principal: Principal; results: PathResults }> {
    const key = label(caller);
    let read = reads.get(key);
    if (!read) {
      read = (async () => {
        const org = organizationFor(caller);
        const householdId = caller.where === "home" ? target.householdId : otherHouseholdId;
        const token = await t.token(org.code, caller.role, caller.kind === "RESIDENT" ? { householdId } : {});
        const principal = (await t.hub.contextFor(`Bearer ${token}`)).principal!;
        expect(principal.org.kind).toBe(caller.kind);
        const lookup = async (query: string, root: string, id: string): Promise<Lookup> => {
          const r = await t.exec(token, query, { id });
          if (r.errors) {
            expect(r.data).toBeNull();
            return { error: errorCodes(r) };
          }
          return { found: r.data![root] as Json };
        };
        const listing = async (query: string, root: string, match: (node: Json) => boolean, variables: Json): Promise<Listing> => {
          const entries: Json[] = [];
          let after: string | null = null;
          let totalCount = 0;
          for (;;) {
            const r: GraphQLResult = await t.exec(token, query, { ...variables, after });
            if (r.errors) {
              expect(r.data).toBeNull();
              return { error: errorCodes(r) };
            }
            const page = r.data![root] as { totalCount: number; pageInfo?: { hasNextPage: boolean; endCursor: string }; nodes: Json[] };
            totalCount = page.totalCount;
            entries.push(...page.nodes.filter(match));
            if (!page.pageInfo?.hasNextPage) return { entries, totalCount };
            after = page.pageInfo.endCursor;
          }
        };
        const results: PathResults = {
          household: await lookup(Q.household, "household", target.householdId),
          households: await listing(Q.households, "households", (n) => n.id === target.householdId, { area: target.areaCode }),
          case: await lookup(Q.case, "case", target.caseIds[0]!),
          cases: await listing(Q.cases, "cases", () => true, { householdId: target.householdId }),
          need: await lookup(Q.need, "need", target.needId),
          needs: await listing(Q.needs, "needs", (n) => n.id === target.needId, { area: src.need.areaCode }),
        };
        return { principal, results };
      })();
      reads.set(key, read);
    }
    return read;
  }

  // --- the oracle: record scope decides reach, the pure projector decides every field ------------

  function reaches(scope: RecordScope, record: { householdId: string; areaCode: string; published?: boolean }): boolean {
    switch (scope.kind) {
      case "AREA":
        return record.areaCode.startsWith(scope.areaPrefix);
      case "HOUSEHOLD":
        return record.householdId === scope.householdId;
      case "GRANTED":
        return false; // no grants in the demo (asserted in beforeAll)
      case "PUBLISHED":
        return record.published === true && record.areaCode.startsWith(scope.areaPrefix);
      case "NONE":
        return false;
    }
  }

  /** A projected view as it arrives over GraphQL: Money as decimal yuan, no internal `grant`. */
  function wire(type: string, view: Json): Json {
    const { grant: _grant, ...fields } = view;
    for (const [field, value] of Object.entries(fields)) {
      if (moneyFields.has(`${type}.${field}`) && typeof value === "number") fields[field] = fenToYuan(value);
    }
    // Nested money (a need's government cover): its amount on the wire too.
    const cover = fields.governmentCover as Json | null | undefined;
    if (cover && typeof cover.amount === "number") fields.governmentCover = { ...cover, amount: fenToYuan(cover.amount) };
    return fields;
  }

  /** The oracle's answer; for the area lists only this household's entry (their totals depend on the district). */
  type Expected = Omit<PathResults, "households" | "needs"> & { households: Json[] | { error: string[] }; needs: Json[] | { error: string[] } };

  function expected(principal: Principal): Expected {
    const projector = new Projector(principal);
    const notFound = { error: ["NOT_FOUND"] };
    // Purpose-bound roots: a root outside the kind's purpose is refused whatever the record.
    const may = (root: HouseholdRead) => kindsThatMay(root).includes(principal.org.kind);
    const forbidden = { error: ["FORBIDDEN"] };
    const household = (grant: Grant): Json => ({
      ...wire("Household", projector.project(HOUSEHOLD_CATALOGUE, src.household, grant) as Json),
      members: src.members.map((m) => wire("Person", projector.project(PERSON_CATALOGUE, m, grant) as Json)),
    });
    const caseView = (c: CaseSource, grant: Grant): Json => ({
      ...wire("Case", projector.project(CASE_CATALOGUE, c, grant) as Json),
      household: household(grant),
    });

    const hs = householdScope(principal);
    const inHouseholdScope = reaches(hs, { householdId: src.household.id, areaCode: src.household.areaCode });
    const reachableCases = src.cases.filter((c) => reaches(hs, c));
    const ns = needScope(principal);
    const needReached = reaches(ns, { ...src.need, published: PUBLISHED_NEED_STATUSES.has(src.need.status) });
    // A need does not vouch for its household: Need.household is there only if the household itself is
    // in the caller's scope, under the caller's own grant on it (never the published need's).
    const needView = needReached
      ? { ...wire("Need", projector.project(NEED_CATALOGUE, src.need, ns.grant) as Json), household: inHouseholdScope ? household(hs.grant) : null }
      : null;
    const firstCase = src.cases.find((c) => c.id === target.caseIds[0])!;
    return {
      household: !may("household") ? forbidden : inHouseholdScope ? { found: household(hs.grant) } : notFound,
      households: !may("households") ? forbidden : inHouseholdScope ? [household(hs.grant)] : [],
      case: !may("case") ? forbidden : reaches(hs, firstCase) ? { found: caseView(firstCase, hs.grant) } : notFound,
      cases: !may("cases") ? forbidden : { entries: reachableCases.map((c) => caseView(c, hs.grant)), totalCount: reachableCases.length },
      need: !may("need") ? forbidden : needView ? { found: needView } : notFound,
      needs: !may("needs") ? forbidden : needView ? [needView] : [],
    };
  }

  /** Members in a stable order on both sides (their order is presentation, not policy). */
  function normalize(value: unknown): unknown {
    if (Array.isArray(value)) {
      const items = value.map(normalize);
      return items.every((i) => i && typeof i === "object" && "relationToHead" in i && "id" in i)
        ? [...items].sort((a, b) => String((a as Json).id).localeCompare(String((b as Json).id)))
        : items;
    }
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
    return value;
  }

  it.each(CALLERS.map((c) => [label(c), c] as const))("%s gets exactly what the policy projects on every path", async (_label, caller) => {
    const { principal, results } = await readEverywhere(caller);
    const want = expected(principal);
    for (const path of ["household", "case", "need"] as const) {
      expect(normalize(results[path]), `${path}(id)`).toEqual(normalize(want[path]));
    }
    expect(normalize(results.cases), "cases(filter: { householdId })").toEqual(normalize(want.cases));
    const listed = (l: Listing) => ("error" in l ? l : l.entries);
    expect(normalize(listed(results.households)), "households(filter: { areaCode })").toEqual(normalize(want.households));
    expect(normalize(listed(results.needs)), "needs(filter: { areaCode })").toEqual(normalize(want.needs));
  });

  it("reaches the household on some path for every caller at home whose purpose lists records (the matrix is not vacuous)", async () => {
    for (const caller of CALLERS.filter((c) => c.where === "home")) {
      const { results } = await readEverywhere(caller);
      const reached = "found" in results.household || "found" in results.need;
      // Finance works on aggregates; justice and the court ask assistanceStatus and browse nothing.
      expect(reached, label(caller)).toBe(!["FINANCE", "JUSTICE", "COURT"].includes(caller.kind));
    }
  });

  // --- hard rules, asserted on the raw results without the oracle -----------------------------------

  it("gives the full ID number to no kind but the jurisdiction bodies and the household itself", async () => {
    for (const caller of CALLERS.filter((c) => !FULL_ID_NUMBER_KINDS.has(c.kind))) {
      const text = JSON.stringify((await readEverywhere(caller)).results);
      for (const idNumber of plain.idNumbers) expect(text, label(caller)).not.toContain(idNumber);
    }
    // …and those that may, do (the rule above is not vacuous).
    for (const caller of [{ kind: "CIVIL_AFFAIRS", role: "CASEWORKER", where: "home" }, { kind: "RESIDENT", role: "RESIDENT", where: "home" }] as const) {
      const { results } = await readEverywhere(caller);
      const members = ((results.household as { found: Json }).found.members as Json[]).map((m) => m.idNumber);
      expect(members.sort(), label(caller)).toEqual([...plain.idNumbers].sort());
    }
  });

  it.each([
    ["CHARITY", "PROJECT_MANAGER"],
    ["CHARITY", "STAFF"],
    ["VOLUNTEER_ORG", "COORDINATOR"],
    ["VOLUNTEER_ORG", "VOLUNTEER"],
    ["SOCIAL_WORK_AGENCY", "SUPERVISOR"],
    ["SOCIAL_WORK_AGENCY", "SOCIAL_WORKER"],
    ["FINANCE", "ANALYST"],
  ] as const)("%s (%s) finds the household by no household or case root field", async (kind, role) => {
    const { results } = await readEverywhere({ kind, role, where: "home" });
    // Inside their purpose the household is simply not there; outside it the root is refused.
    const absent = (root: HouseholdRead, none: unknown) => (kindsThatMay(root).includes(kind) ? none : { error: ["FORBIDDEN"] });
    expect(results.household).toEqual(absent("household", { error: ["NOT_FOUND"] }));
    expect(results.households).toEqual(absent("households", { entries: [], totalCount: 0 }));
    expect(results.case).toEqual(absent("case", { error: ["NOT_FOUND"] }));
    expect(results.cases).toEqual(absent("cases", { entries: [], totalCount: 0 }));
  });

  it("shows the education bureau every member's schooling but no income or bank account, on every path", async () => {
    const { results } = await readEverywhere({ kind: "EDUCATION", role: "OFFICER", where: "home" });
    const seen = reachedHouseholds(results);
    // household(id), households, case(id), cases: needs are outside education's purpose.
    expect(seen).toHaveLength(4);
    expect(results.needs).toEqual({ error: ["FORBIDDEN"] });
    for (const household of seen) {
      expect(household.bankAccount).toBeNull();
      for (const m of household.members as Json[]) {
        expect(m.studentStatus).toBe(plain.studentStatus.get(m.id as string));
        expect(m.monthlyIncome).toBeNull();
        expect(m.redactions).toEqual(EDUCATION_MEMBER);
      }
    }
    expect([...plain.studentStatus.values()].some((s) => s !== "NOT_STUDENT")).toBe(true);
  });

  it("gives the justice bureau and the court nothing to browse: every household, case and need path is refused", async () => {
    for (const kind of ["JUSTICE", "COURT"] as const) {
      const { results } = await readEverywhere({ kind, role: "OFFICER", where: "home" });
      expect(results).toEqual({
        household: { error: ["FORBIDDEN"] },
        households: { error: ["FORBIDDEN"] },
        case: { error: ["FORBIDDEN"] },
        cases: { error: ["FORBIDDEN"] },
        need: { error: ["FORBIDDEN"] },
        needs: { error: ["FORBIDDEN"] },
      });
      for (const name of plain.names) expect(JSON.stringify(results)).not.toContain(`"${name}"`);
    }
  });

  /** The household as each path returned it (lookups found, list entries, cases' households). */
  function reachedHouseholds(results: PathResults): Json[] {
    const out: Json[] = [];
    if ("found" in results.household) out.push(results.household.found);
    out.push(...entriesOf(results.households));
    if ("found" in results.case) out.push(results.case.found.household as Json);
    out.push(...entriesOf(results.cases).slice(0, 1).map((c) => c.household as Json));
    if ("found" in results.need) out.push(results.need.found.household as Json);
    out.push(...entriesOf(results.needs).map((n) => n.household as Json));
    return out;
  }
});
