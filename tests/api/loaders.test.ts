import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { EMBEDDED_HOUSEHOLD_COLUMN } from "../../src/db/paging.js";
import { cases, households } from "../../src/db/schema.js";
import { createHouseholdLoaders } from "../../src/modules/households/index.js";
import { JURISDICTION_GRANT, type RecordScope } from "../../src/privacy/scope.js";

const DISTRICT: RecordScope = { kind: "AREA", areaPrefix: "130104", grant: JURISDICTION_GRANT };
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";

const CASES_WITH_FAMILIES = /* GraphQL */ `
  query ($first: Int) {
    cases(first: $first) {
      totalCount
      nodes { caseNo type household { householdNo address members { name idNumber relationToHead } } }
    }
  }
`;

describe.each(databaseKinds())("SQL round trips per request on %s", (kind) => {
  let t: TestHub;
  let civil: string;

  beforeAll(async () => {
    t = await startTestHub(kind);
    civil = await t.token("QX-MZJ", "CASEWORKER");
    // Warm the organization directory cache and the access-log writer (its first append reads the chain head).
    await t.exec(civil, "{ households(first: 1) { nodes { id } } }");
  });
  afterAll(() => t?.close());

  async function statementsFor(first: number): Promise<{ data: number; audit: string[] }> {
    t.statements.length = 0;
    const r = await t.exec(civil, CASES_WITH_FAMILIES, { first });
    expect(r.errors).toBeUndefined();
    expect((r.data!.cases as { nodes: unknown[] }).nodes).toHaveLength(first);
    // The access-log append: its slow path (another hub wrote, or a batch) adds a transaction, an
    // advisory lock and a head read, so each of those is counted as audit work too.
    const audit = t.statements.filter((s) => /access_log|audit_stream_head_locked|^begin|^commit/i.test(s));
    return { data: t.statements.length - audit.length, audit: audit.map((s) => s.slice(0, s.indexOf("(")).trim()) };
  }

  it("lists 50 cases with household and members in the same few statements as 5 cases", async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    // page (its households and their members read with it) + total
    expect(large.data).toBe(2);
    // The fast path: the chain head is cached, so the entry is one INSERT — no lock, no head read.
    expect(large.audit).toEqual(['insert into "access_log"']);
    expect(small).toEqual(large);
  });

  it("a household batch that reads members primes the members loader with the rows the loader's own read gives", async () => {
    const rows = await t.db.db.select({ id: households.id }).from(households).orderBy(households.householdNo).limit(6);
    // Everything selected (no operation): households' members among it.
    const loaders = createHouseholdLoaders(t.db.db, DISTRICT);
    t.statements.length = 0;
    await Promise.all(rows.map((r) => loaders.householdById.load(r.id)));
    const primed = await Promise.all(rows.map((r) => loaders.membersByHouseholdId.load(r.id)));
    expect(t.statements).toHaveLength(1);
    const own = createHouseholdLoaders(t.db.db, DISTRICT);
    const read = await Promise.all(rows.map((r) => own.membersByHouseholdId.load(r.id)));
    expect(read.some((members) => members.length > 1)).toBe(true);
    expect(primed).toEqual(read);
  });

  it("a list that reads its rows' households primes both loaders with the rows their own reads give, null outside the scope", async () => {
    const list = await t.db.db.select({ id: cases.id, householdId: cases.householdId, areaCode: cases.areaCode }).from(cases).orderBy(cases.caseNo);
    const dongfeng = list.filter((r) => r.areaCode.startsWith("130104001")).slice(0, 4);
    const heping = list.filter((r) => r.areaCode.startsWith("130104002")).slice(0, 2);
    const scope: RecordScope = { kind: "AREA", areaPrefix: "130104001", grant: JURISDICTION_GRANT };
    // The cases (district-wide) carry their households as a Dongfeng caller's household loader reads them.
    const loaders = createHouseholdLoaders(t.db.db, scope);
    const embedding = loaders.embedHouseholds;
    const ids = [...dongfeng, ...heping].map((r) => r.id);
    const rows = await t.db.db
      .select({ householdId: cases.householdId, areaCode: households.areaCode, [EMBEDDED_HOUSEHOLD_COLUMN]: embedding.column(cases.householdId) })
      .from(cases)
      .innerJoin(households, eq(households.id, cases.householdId))
      .where(inArray(cases.id, ids));
    embedding.prime(rows);
    expect(rows.every((r) => !(EMBEDDED_HOUSEHOLD_COLUMN in r))).toBe(true);
    t.statements.length = 0;
    const householdIds = rows.map((r) => r.householdId);
    const primed = await loaders.householdById.loadMany(householdIds);
    const primedMembers = await Promise.all(householdIds.filter((_, i) => primed[i]).map((id) => loaders.membersByHouseholdId.load(id)));
    expect(t.statements).toEqual([]);
    const own = createHouseholdLoaders(t.db.db, scope);
    const read = await own.householdById.loadMany(householdIds);
    const readMembers = await Promise.all(householdIds.filter((_, i) => read[i]).map((id) => own.membersByHouseholdId.load(id)));
    expect(primed).toEqual(read);
    expect(primedMembers).toEqual(readMembers);
    // Heping's households are outside a Dongfeng caller's scope: null, as the loader's own read says.
    expect(primed.map((h) => h === null)).toEqual(rows.map((r) => !r.areaCode.startsWith("130104001")));
    expect(primed.filter((h) => h === null).length).toBeGreaterThan(0);
    expect(readMembers.some((m) => m.length > 1)).toBe(true);
  });

  it("loads N households' members with one query, in key order, empty for unknown keys", async () => {
    const rows = await t.db.db.select({ id: households.id }).from(households).limit(3);
    const loaders = createHouseholdLoaders(t.db.db, DISTRICT);
    t.statements.length = 0;
    const unknown = "00000000-0000-4000-8000-000000000000";
    const keys = [rows[2]!.id, unknown, rows[0]!.id, rows[1]!.id];
    const results = await Promise.all(keys.map((k) => loaders.membersByHouseholdId.load(k)));
    expect(t.statements).toHaveLength(1);
    expect(results[1]).toEqual([]);
    results.forEach((members, i) => members.forEach((m) => expect(m.householdId).toBe(keys[i])));
    expect(results[0]!.length).toBeGreaterThan(0);
  });

  it("loads households by id with one query, null for a missing id and for one outside the caller's scope", async () => {
    const rows = await t.db.db.select({ id: households.id, areaCode: households.areaCode }).from(households).orderBy(households.householdNo);
    const dongfeng = rows.filter((r) => r.areaCode.startsWith("130104001"));
    const heping = rows.find((r) => r.areaCode.startsWith("130104002"))!;
    const loaders = createHouseholdLoaders(t.db.db, { kind: "AREA", areaPrefix: "130104001", grant: JURISDICTION_GRANT });
    t.statements.length = 0;
    const missing = "00000000-0000-4000-8000-000000000000";
    const got = await loaders.householdById.loadMany([dongfeng[1]!.id, missing, heping.id, dongfeng[0]!.id]);
    expect(t.statements).toHaveLength(1);
    expect(got.map((h) => (h && !(h instanceof Error) ? h.id : null))).toEqual([dongfeng[1]!.id, null, null, dongfeng[0]!.id]);
  });
});
