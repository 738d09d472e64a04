import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, like } from "drizzle-orm";
import { changeLog, households, persons, registrationReviews } from "../../src/db/schema.js";
import { ENCRYPTED_FIELDS } from "../../src/privacy/crypto.js";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { databaseKinds } from "../support/databases.js";
import { errorCodes, startTestHub, type GraphQLResult, type TestHub } from "../support/hub.js";

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterHouseholdInput!) {
    registerHousehold(input: $input) {
      household { householdNo areaCode address housingSituation members { relationToHead name idNumber birthDate sex phone monthlyIncome } }
    }
  }
`;

/** A checksum-valid fictional ID number (prefecture 1399 does not exist). */
function fictionalId(birth: string, seq: number): string {
  const first17 = `139999${birth.replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
  return first17 + idNumberCheckChar(first17);
}

function input(overrides: Record<string, unknown> = {}, members?: Array<Record<string, unknown>>) {
  return {
    areaCode: "130104001002",
    address: "东风街道第二社区 示例东路8号1单元101",
    housingSituation: "RENTED_PRIVATE",
    residenceStatus: "RESIDENCE_PERMIT",
    members: members ?? [
      { relationToHead: "HEAD", name: "示例乙", idNumber: fictionalId("1970-03-04", 901), phone: "17409990001", workAbility: "PARTIAL", employmentStatus: "FLEXIBLE", monthlyIncome: "1200.50" },
      { relationToHead: "CHILD", name: "示例丙", idNumber: fictionalId("2012-09-30", 902), workAbility: "NONE", employmentStatus: "NOT_IN_LABOUR_FORCE", studentStatus: "PRIMARY" },
    ],
    ...overrides,
  };
}

describe.each(databaseKinds())("registering a household on %s", (kind) => {
  let t: TestHub;
  let civil: string;

  beforeAll(async () => {
    t = await startTestHub(kind);
    civil = await t.token("QX-MZJ", "CASEWORKER");
  });
  afterAll(() => t?.close());

  const counts = async () => ({ households: await t.db.db.$count(households), persons: await t.db.db.$count(persons) });

  async function rejected(token: string, variables: Record<string, unknown>, code: string, message: RegExp, field?: string): Promise<GraphQLResult> {
    const before = await counts();
    const r = await t.exec(token, REGISTER, variables);
    expect(r.data ?? null).toBeNull();
    expect(errorCodes(r)).toEqual([code]);
    expect(r.errors![0]!.message).toMatch(message);
    if (field) expect(r.errors![0]!.extensions).toMatchObject({ field });
    expect(await counts()).toEqual(before);
    return r;
  }

  it("registers a household atomically, numbering it after the demo and deriving birth date and sex", async () => {
    const before = await counts();
    const r = await t.exec(civil, REGISTER, { input: input() });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      registerHousehold: {
        household: {
          householdNo: "QXH-000321",
          areaCode: "130104001002",
          address: "东风街道第二社区 示例东路8号1单元101",
          housingSituation: "RENTED_PRIVATE",
          members: [
            { relationToHead: "HEAD", name: "示例乙", idNumber: fictionalId("1970-03-04", 901), birthDate: "1970-03-04", sex: "MALE", phone: "17409990001", monthlyIncome: "1200.50" },
            { relationToHead: "CHILD", name: "示例丙", idNumber: fictionalId("2012-09-30", 902), birthDate: "2012-09-30", sex: "FEMALE", phone: null, monthlyIncome: "0.00" },
          ],
        },
      },
    });
    expect(await counts()).toEqual({ households: before.households + 1, persons: before.persons + 2 });
  });

  it("rejects a member whose ID number fails the check digit, storing nothing", async () => {
    const valid = fictionalId("1980-01-01", 903);
    const corrupted = valid.slice(0, 17) + (valid.endsWith("1") ? "2" : "1");
    const members = [
      { relationToHead: "HEAD", name: "示例壬", idNumber: fictionalId("1971-01-01", 904), workAbility: "FULL", employmentStatus: "EMPLOYED" },
      { relationToHead: "SPOUSE", name: "示例癸", idNumber: corrupted, workAbility: "FULL", employmentStatus: "EMPLOYED" },
    ];
    await rejected(civil, { input: input({}, members) }, "BAD_USER_INPUT", /input\.members\[1\]\.idNumber fails the GB 11643 check digit/, "input.members[1].idNumber");
  });

  it("rejects an ID number already registered elsewhere as CONFLICT, leaving no half-written household", async () => {
    const [row] = await t.db.db.select({ enc: persons.idNumberEnc }).from(persons).limit(1);
    const existing = { idNumber: t.cipher.decrypt(row!.enc, ENCRYPTED_FIELDS.personIdNumber) };
    const members = [{ relationToHead: "HEAD", name: "示例丁", idNumber: existing!.idNumber, workAbility: "FULL", employmentStatus: "EMPLOYED" }];
    const r = await rejected(civil, { input: input({}, members) }, "CONFLICT", /already registered in another household/);
    expect(JSON.stringify(r)).not.toContain(existing!.idNumber.slice(6));
  });

  it("accepts a number registered outside the registrar's scope exactly like a new one, and queues it for civil affairs' review", async () => {
    const dongfeng = await t.token("QX-JD-DF", "CASEWORKER");
    // A Heping member's number: outside Dongfeng's scope, so Dongfeng must learn nothing about it.
    const [other] = await t.db.db
      .select({ id: persons.id, enc: persons.idNumberEnc, householdId: persons.householdId })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .where(like(households.areaCode, "130104002%"))
      .limit(1);
    const taken = t.cipher.decrypt(other!.enc, ENCRYPTED_FIELDS.personIdNumber);
    const fresh = fictionalId("1968-07-08", 911);
    const shape = (idNumber: string, name: string) => [{ relationToHead: "HEAD", name, idNumber, workAbility: "FULL", employmentStatus: "EMPLOYED" }];
    const withTaken = await t.exec(dongfeng, REGISTER, { input: input({}, shape(taken, "示例子")) });
    const withFresh = await t.exec(dongfeng, REGISTER, { input: input({}, shape(fresh, "示例丑")) });
    // The same answer: no error, the household and its member as typed (differing only where the input does).
    const strip = (r: GraphQLResult) => JSON.stringify(r).replaceAll(taken, "N").replaceAll(fresh, "N").replace(/QXH-\d+/g, "QXH").replace(/示例[子丑]/g, "X").replace(/"birthDate":"[^"]+","sex":"[A-Z]+"/, "B");
    expect(withTaken.errors).toBeUndefined();
    expect(strip(withTaken)).toBe(strip(withFresh));
    // …and so does looking the number up afterwards: the registrar finds its own member either way.
    const lookup = `query ($n: String!) { personByIdNumber(idNumber: $n) { name } }`;
    expect(await t.exec(dongfeng, lookup, { n: taken })).toEqual({ data: { personByIdNumber: { name: "示例子" } } });
    expect(await t.exec(dongfeng, lookup, { n: fresh })).toEqual({ data: { personByIdNumber: { name: "示例丑" } } });
    // The household that held the number keeps it for everyone else.
    expect(await t.exec(civil, `query ($n: String!) { personByIdNumber(idNumber: $n) { id } }`, { n: taken })).toEqual({ data: { personByIdNumber: { id: other!.id } } });

    // Civil affairs sees the duplicate in its review queue, both households named; the change log has it.
    const queue = await t.exec(civil, `{ registrationReviews(first: 10, status: OPEN) { totalCount nodes { status conflictingPersonId household { householdNo } conflictingHousehold { id } } } }`);
    const newNo = (withTaken.data!.registerHousehold as { household: { householdNo: string } }).household.householdNo;
    expect(queue).toEqual({
      data: { registrationReviews: { totalCount: 1, nodes: [{ status: "OPEN", conflictingPersonId: other!.id, household: { householdNo: newNo }, conflictingHousehold: { id: other!.householdId } }] } },
    });
    const [review] = await t.db.db.select().from(registrationReviews);
    const logged = await t.db.db.select({ entityType: changeLog.entityType, field: changeLog.field }).from(changeLog).where(eq(changeLog.entityId, review!.id));
    expect(logged.map((l) => `${l.entityType}.${l.field}`).sort()).toEqual([
      "RegistrationReview.conflictingPersonId",
      "RegistrationReview.personId",
      "RegistrationReview.status",
    ]);
    // The queue is civil affairs' alone.
    expect(errorCodes(await t.exec(dongfeng, `{ registrationReviews(first: 1) { totalCount } }`))).toEqual(["FORBIDDEN"]);
  });

  it.each([
    ["no head", [{ relationToHead: "SPOUSE", name: "示例戊", idNumber: fictionalId("1975-05-05", 905), workAbility: "FULL", employmentStatus: "EMPLOYED" }], /exactly one HEAD/, "input.members"],
    ["two members with one ID number", [
      { relationToHead: "HEAD", name: "示例己", idNumber: fictionalId("1975-05-06", 906), workAbility: "FULL", employmentStatus: "EMPLOYED" },
      { relationToHead: "SPOUSE", name: "示例庚", idNumber: fictionalId("1975-05-06", 906), workAbility: "FULL", employmentStatus: "EMPLOYED" },
    ], /repeats another member's/, "input.members[1].idNumber"],
    ["a phone that is not a mobile number", [{ relationToHead: "HEAD", name: "示例辛", idNumber: fictionalId("1975-05-07", 907), phone: "12345", workAbility: "FULL", employmentStatus: "EMPLOYED" }], /phone must be an 11-digit/, "input.members[0].phone"],
    ["a name with digits", [{ relationToHead: "HEAD", name: "张3", idNumber: fictionalId("1975-05-08", 908), workAbility: "FULL", employmentStatus: "EMPLOYED" }], /name must be/, "input.members[0].name"],
    ["no members", [], /1 to 20 members/, "input.members"],
  ])("rejects %s", async (_name, members, message, field) => {
    await rejected(civil, { input: input({}, members as Array<Record<string, unknown>>) }, "BAD_USER_INPUT", message, field);
  });

  it.each([
    ["a NUL byte", "东风街道第二社区 示例东路\u00008号"],
    ["a newline", "东风街道第二社区\n示例东路8号"],
    ["a C1 control character", "东风街道第二社区 示例东路\u00858号"],
    ["a lone surrogate", "东风街道第二社区 示例东路8号\uD83D"],
  ])("rejects an address holding %s as BAD_USER_INPUT, storing nothing", async (_what, address) => {
    await rejected(civil, { input: input({ address }) }, "BAD_USER_INPUT", /input\.address (holds|is not valid Unicode)/, "input.address");
  });

  it("counts an address's length in characters, not UTF-16 units", async () => {
    // 200 characters of which some are outside the BMP: 200 characters but more than 200 UTF-16 units.
    const address = `东风街道第二社区${"𠀋".repeat(192)}`;
    expect(address.length).toBeGreaterThan(200);
    const r = await t.exec(civil, REGISTER, { input: input({ address }, [{ relationToHead: "HEAD", name: "示例寅", idNumber: fictionalId("1966-06-06", 921), workAbility: "FULL", employmentStatus: "EMPLOYED" }]) });
    expect(r.errors).toBeUndefined();
    await rejected(civil, { input: input({ address: `${address}号` }) }, "BAD_USER_INPUT", /must be 4 to 200 characters/, "input.address");
  });

  it("rejects a community code that the division register does not hold", async () => {
    await rejected(civil, { input: input({ areaCode: "130104003001" }) }, "BAD_USER_INPUT", /in the division register/, "input.areaCode");
  });

  it("rejects an area that is not a community and money with three decimals", async () => {
    await rejected(civil, { input: input({ areaCode: "130104001000" }) }, "BAD_USER_INPUT", /code of a community/, "input.areaCode");
    const members = input().members;
    members[0] = { ...members[0]!, monthlyIncome: "12.345" };
    await rejected(civil, { input: input({}, members) }, "BAD_USER_INPUT", /Money must be a decimal amount/);
  });

  it("rejects an unknown enum value in the input", async () => {
    await rejected(civil, { input: input({ housingSituation: "CASTLE" }) }, "BAD_USER_INPUT", /CASTLE/);
  });

  it("keeps a subdistrict to its own jurisdiction", async () => {
    const heping = await t.token("QX-JD-HP", "CASEWORKER");
    await rejected(heping, { input: input() }, "FORBIDDEN", /only within your organization's jurisdiction/);
  });

  it.each([
    ["CH-ANKANG", "PROJECT_MANAGER", /CHARITY may not call/],
    ["QX-JYJ", "OFFICER", /EDUCATION may not call/],
    ["QX-MZJ", "AUDITOR", /role AUDITOR may not call/],
  ])("refuses %s (%s)", async (org, role, message) => {
    await rejected(await t.token(org, role as never), { input: input() }, "FORBIDDEN", message);
  });
});
