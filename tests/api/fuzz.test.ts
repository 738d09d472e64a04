import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessGrants, cases, changeLog, consents, households, needs, organizations, persons, registrationReviews, resources } from "../../src/db/schema.js";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// Property-based: whatever a caller sends as a mutation's input or a query's arguments, the hub
// answers with data or with coded errors — never a 5xx, never INTERNAL_SERVER_ERROR — and a request
// that was refused wrote nothing (every table's row count is unchanged). Deterministic: fixed seed.

const SEED = 20261201;
const RUNS = 60;

/** Strings that break naive code: control characters, lone surrogates, huge, empty, numeric, SQL-ish. */
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom("", " ", "\u0000", "\uD800", "a\u0000b", "'; drop table persons; --", "2027-02-30T00:00:00Z", "130104003001", "QX-MZJ", "NaN", "-1", "1e309"),
  fc.string({ maxLength: 3 }).map((s) => s.repeat(2000)),
  // A plausible value with one bad character slipped in: what gets past a check on shape alone.
  fc
    .tuple(fc.constantFrom("东风街道第二社区 示例东路9号", "示例辰", "CH-ANKANG", "130104001002", "助学项目对接"), fc.constantFrom("\u0000", "\u0007", "\n", "\uD800", "\u0085", "\u202E"), fc.nat())
    .map(([text, bad, at]) => text.slice(0, at % (text.length + 1)) + bad + text.slice(at % (text.length + 1))),
);
const anything: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(nasty, tie("value"), { maxKeys: 3 })),
})).value;
const idNumber = fc.oneof(
  nasty,
  fc.tuple(fc.integer({ min: 1900, max: 2025 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 999 })).map(([y, m, d, s]) => {
    const first = `139999${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}${String(s).padStart(3, "0")}`;
    return first + idNumberCheckChar(first);
  }),
);
let fresh = 0;
/** A valid registration with fresh ID numbers, so that a change to one field is what decides. */
function validRegistration(): Record<string, unknown> {
  const id = (n: number) => {
    const first = `13999919${String(50 + (n % 40)).padStart(2, "0")}0101${String(n % 1000).padStart(3, "0")}`;
    return first + idNumberCheckChar(first);
  };
  fresh += 2;
  return {
    areaCode: "130104001002",
    address: "东风街道第二社区 示例东路9号",
    housingSituation: "OWNED",
    residenceStatus: "LOCAL_HUKOU",
    members: [
      { relationToHead: "HEAD", name: "示例辰", idNumber: id(fresh), phone: "17409990009", workAbility: "FULL", employmentStatus: "EMPLOYED", monthlyIncome: "100.00" },
      { relationToHead: "CHILD", name: "示例巳", idNumber: id(fresh + 1), workAbility: "NONE", employmentStatus: "NOT_IN_LABOUR_FORCE" },
    ],
  };
}
const REGISTRATION_PATHS = ["areaCode", "address", "housingSituation", "residenceStatus", "members", "members.0.name", "members.0.idNumber", "members.0.phone", "members.0.monthlyIncome", "members.1.relationToHead", "members.1.workAbility"];
/** A valid registration with one field (or two) replaced by something hostile. */
const registration = fc
  .array(fc.tuple(fc.constantFrom(...REGISTRATION_PATHS), fc.oneof(nasty, anything)), { minLength: 1, maxLength: 2 })
  .map((changes) => {
    const input = validRegistration();
    for (const [path, value] of changes) {
      const keys = path.split(".");
      let target: unknown = input;
      for (const k of keys.slice(0, -1)) target = target !== null && typeof target === "object" ? (target as Record<string, unknown>)[k] : undefined;
      // An earlier change may have replaced the container with something that is not one.
      if (target !== null && typeof target === "object") (target as Record<string, unknown>)[keys.at(-1)!] = value;
    }
    return input;
  });

const OPERATIONS: ReadonlyArray<{ name: string; query: string; variables: fc.Arbitrary<Record<string, unknown>> }> = [
  {
    name: "registerHousehold",
    query: `mutation ($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { household { id members { id } } } }`,
    variables: fc.oneof(registration.map((input) => ({ input })), anything.map((input) => ({ input }))),
  },
  {
    name: "recordConsent",
    query: `mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }`,
    variables: fc
      .record({
        householdId: fc.oneof(nasty, fc.uuid()),
        recipientOrgCode: fc.option(fc.oneof(fc.constant("CH-ANKANG"), nasty)),
        recipientOrgKind: fc.option(fc.oneof(fc.constant("CHARITY"), nasty)),
        purpose: nasty,
        categories: fc.array(fc.oneof(fc.constantFrom("IDENTITY", "CONTACT"), nasty), { maxLength: 3 }),
        expiresAt: fc.oneof(fc.constant("2027-06-30T00:00:00+08:00"), nasty),
        evidenceRef: nasty,
      })
      .map((input) => ({ input })),
  },
  {
    name: "withdrawConsent",
    query: `mutation ($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { consent { id } } }`,
    variables: fc.record({ consentId: fc.oneof(nasty, fc.uuid()), evidenceRef: nasty }).map((input) => ({ input })),
  },
  {
    name: "lists and lookups",
    query: `query ($first: Int, $after: String, $filter: HouseholdFilter, $id: ID!, $n: String!, $cf: CaseFilter, $nf: NeedFilter, $rf: ResourceFilter) {
      households(first: $first, after: $after, filter: $filter) { totalCount nodes { id } }
      household(id: $id) { id }
      cases(first: $first, after: $after, filter: $cf) { totalCount }
      needs(first: $first, after: $after, filter: $nf) { totalCount }
      resources(first: $first, after: $after, filter: $rf) { totalCount }
      personByIdNumber(idNumber: $n) { id }
      consents(householdId: $id) { id }
    }`,
    variables: fc.record({
      first: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.constant(null)),
      after: fc.option(nasty),
      filter: fc.option(fc.record({ areaCode: fc.option(nasty) })),
      id: fc.oneof(nasty, fc.uuid()),
      n: idNumber,
      cf: fc.option(fc.record({ areaCode: fc.option(nasty), householdId: fc.option(nasty) })),
      nf: fc.option(fc.record({ areaCode: fc.option(nasty) })),
      rf: fc.option(fc.record({ servesArea: fc.option(nasty) })),
    }),
  },
];

describe.each(databaseKinds())("fuzzing every operation's input on %s", (kind) => {
  let t: TestHub;
  let token: string;
  const TABLES = { organizations, households, persons, cases, needs, resources, consents, accessGrants, registrationReviews, changeLog };

  beforeAll(async () => {
    t = await startTestHub(kind, { lookupLimit: { points: 100_000, durationSeconds: 60 } });
    token = await t.token("QX-MZJ", "CASEWORKER");
  });
  afterAll(() => t?.close());

  const counts = async () => Object.fromEntries(await Promise.all(Object.entries(TABLES).map(async ([k, table]) => [k, await t.db.db.$count(table)] as const)));

  it.each(OPERATIONS.map((o) => [o.name, o] as const))("%s: coded errors only, and a refused request writes nothing", async (_name, op) => {
    await fc.assert(
      fc.asyncProperty(op.variables, async (variables) => {
        const before = await counts();
        const contextValue = await t.hub.contextFor(`Bearer ${token}`);
        const response = await t.hub.apollo.executeOperation({ query: op.query, variables }, { contextValue });
        expect(response.http.status ?? 200).toBeLessThan(500);
        if (response.body.kind !== "single") throw new Error("unexpected incremental response");
        const { errors } = response.body.singleResult;
        for (const e of errors ?? []) {
          expect(e.extensions?.code, e.message).toBeTypeOf("string");
          expect(e.extensions?.code, e.message).not.toBe("INTERNAL_SERVER_ERROR");
        }
        if (errors && errors.length > 0 && op.name !== "lists and lookups") expect(await counts()).toEqual(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});
