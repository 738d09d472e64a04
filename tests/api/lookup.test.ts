import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosuresOf } from "../../src/audit/index.js";
import { accessLog, cases, households, persons } from "../../src/db/schema.js";
import { AssistanceType } from "../../src/modules/cases/cases.enums.js";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { ENCRYPTED_FIELDS } from "../../src/privacy/crypto.js";
import { databaseKinds } from "../support/databases.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

const LOOKUP = `query ($n: String!) { personByIdNumber(idNumber: $n) { id householdId name idNumber phone } }`;
const STATUS = `query ($n: String!) { assistanceStatus(idNumber: $n) { isRecipient types } }`;

describe.each(databaseKinds())("lookup by resident ID number on %s", (kind) => {
  let t: TestHub;
  let civil: string;
  let recipient: { id: string; idNumber: string; area: string; types: string[] };
  let nonRecipient: { idNumber: string };
  const unknown = (() => {
    const f = "13999919991231999";
    return f + idNumberCheckChar(f);
  })();

  beforeAll(async () => {
    t = await startTestHub(kind);
    civil = await t.token("QX-MZJ", "CASEWORKER");
    const rows = await t.db.db
      .select({ id: persons.id, enc: persons.idNumberEnc, householdId: persons.householdId, area: households.areaCode })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId));
    const approved = await t.db.db.select({ householdId: cases.householdId, type: cases.type }).from(cases).where(eq(cases.status, "APPROVED"));
    // In the policy's order of assistance types (the enum's order), as the API returns them.
    const typesOf = (h: string) => AssistanceType.values.filter((v) => approved.some((c) => c.householdId === h && c.type === v));
    const r = rows.find((p) => typesOf(p.householdId).length > 0 && p.area.startsWith("130104001"))!;
    const n = rows.find((p) => typesOf(p.householdId).length === 0)!;
    const reveal = (enc: string) => t.cipher.decrypt(enc, ENCRYPTED_FIELDS.personIdNumber);
    recipient = { id: r.id, idNumber: reveal(r.enc), area: r.area, types: typesOf(r.householdId) };
    nonRecipient = { idNumber: reveal(n.enc) };
  });
  afterAll(() => t?.close());

  it("finds a person for civil affairs through the blind index, and logs the lookup", async () => {
    const before = await t.db.db.$count(accessLog);
    const r = await t.exec(civil, LOOKUP, { n: recipient.idNumber.toLowerCase() });
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ personByIdNumber: { id: recipient.id, idNumber: recipient.idNumber } });
    const [entry] = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
    expect(entry).toMatchObject({ operation: "Query.personByIdNumber", outcome: "ALLOWED" });
    expect(disclosuresOf(entry!)).toMatchObject([{ entityType: "Person", outcome: "ALLOWED", entityIds: [recipient.id] }]);
  });

  it("answers out-of-scope and non-existent numbers the same way, and logs both as denied", async () => {
    const heping = await t.token("QX-JD-HP", "CASEWORKER");
    const before = await t.db.db.$count(accessLog);
    const outOfScope = await t.exec(heping, LOOKUP, { n: recipient.idNumber });
    const missing = await t.exec(heping, LOOKUP, { n: unknown });
    expect(outOfScope).toEqual(missing);
    expect(errorCodes(outOfScope)).toEqual(["NOT_FOUND"]);
    const entries = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
    expect(entries.map((e) => [e.outcome, disclosuresOf(e).map((d) => [d.outcome, d.detail])])).toEqual([
      ["DENIED", [["DENIED", "NOT_FOUND_OR_OUT_OF_SCOPE"]]],
      ["DENIED", [["DENIED", "NOT_FOUND_OR_OUT_OF_SCOPE"]]],
    ]);
  });

  it("refuses a malformed number with BAD_USER_INPUT, without echoing it", async () => {
    const bad = recipient.idNumber.slice(0, 17) + (recipient.idNumber.endsWith("1") ? "2" : "1");
    const r = await t.exec(civil, LOOKUP, { n: bad });
    expect(errorCodes(r)).toEqual(["BAD_USER_INPUT"]);
    expect(r.errors![0]!.message).toBe("idNumber fails the GB 11643 check digit");
  });

  it.each([
    ["JUSTICE", "QX-SFJ", "OFFICER"],
    ["CHARITY", "CH-ANKANG", "PROJECT_MANAGER"],
    ["FINANCE", "QX-CZJ", "ANALYST"],
  ])("refuses the lookup to %s", async (_kind, org, role) => {
    const r = await t.exec(await t.token(org, role as never), LOOKUP, { n: recipient.idNumber });
    expect(errorCodes(r)).toEqual(["FORBIDDEN"]);
  });

  it("refuses the lookup to a civil-affairs auditor, whose role reads identities only masked", async () => {
    const r = await t.exec(await t.token("QX-MZJ", "AUDITOR"), LOOKUP, { n: recipient.idNumber });
    expect(errorCodes(r)).toEqual(["FORBIDDEN"]);
    expect(r.errors![0]!.message).toMatch(/outside your remit/);
  });

  describe("the justice bureau's minimal check (clause 14)", () => {
    let justice: string;
    beforeAll(async () => {
      justice = await t.token("QX-SFJ", "OFFICER");
    });

    it("says whether a person is a current recipient and of which types, nothing more", async () => {
      expect(await t.exec(justice, STATUS, { n: recipient.idNumber })).toEqual({ data: { assistanceStatus: { isRecipient: true, types: recipient.types } } });
      expect(await t.exec(justice, STATUS, { n: nonRecipient.idNumber })).toEqual({ data: { assistanceStatus: { isRecipient: false, types: [] } } });
    });

    it("answers an unknown person exactly as a non-recipient", async () => {
      expect(await t.exec(justice, STATUS, { n: unknown })).toEqual({ data: { assistanceStatus: { isRecipient: false, types: [] } } });
    });

    it("validates the number and keeps the check from charities", async () => {
      expect(errorCodes(await t.exec(justice, STATUS, { n: "123" }))).toEqual(["BAD_USER_INPUT"]);
      expect(errorCodes(await t.exec(await t.token("CH-ANKANG", "STAFF"), STATUS, { n: recipient.idNumber }))).toEqual(["FORBIDDEN"]);
    });
  });

  describe("lookups are oracles: single per request, the same work whatever the answer, logged for the household", () => {
    it("refuses 32 aliased assistanceStatus calls whole, before any of them runs", async () => {
      const justice = await t.token("QX-SFJ", "OFFICER");
      const aliases = Array.from({ length: 32 }, (_, i) => `a${i}: assistanceStatus(idNumber: "${unknown}") { isRecipient }`).join(" ");
      t.statements.length = 0;
      const r = await t.exec(justice, `{ ${aliases} }`);
      expect(r.data).toBeUndefined();
      expect(r.errors!.map((e) => e.extensions)).toEqual([{ code: "BAD_USER_INPUT", reason: "LOOKUPS_PER_REQUEST", limit: 1, value: 32 }]);
      expect(t.statements).toEqual([]);
    });

    it("counts lookups spelled through fragments and inline fragments too", async () => {
      const r = await t.exec(
        civil,
        `query ($n: String!) { ...one ... on Query { personByIdNumber(idNumber: $n) { id } } }
         fragment one on Query { personByIdNumber(idNumber: $n) { id } }`,
        { n: recipient.idNumber },
      );
      expect(r.errors!.map((e) => e.extensions?.reason)).toEqual(["LOOKUPS_PER_REQUEST"]);
    });

    it("runs the same statements for a recipient, a non-recipient, an outsider and an unknown number", async () => {
      const justice = await t.token("QX-SFJ", "OFFICER");
      const statementsFor = async (n: string) => {
        t.statements.length = 0;
        expect((await t.exec(justice, STATUS, { n })).errors).toBeUndefined();
        return t.statements.filter((s) => !/access_log/.test(s));
      };
      const hit = await statementsFor(recipient.idNumber);
      expect(hit).toHaveLength(1);
      expect(await statementsFor(nonRecipient.idNumber)).toEqual(hit);
      expect(await statementsFor(unknown)).toEqual(hit);
    });

    it("logs a number found outside the caller's scope in that household's access log, as a denied attempt", async () => {
      const heping = await t.token("QX-JD-HP", "CASEWORKER");
      const before = await t.db.db.$count(accessLog);
      expect(errorCodes(await t.exec(heping, LOOKUP, { n: recipient.idNumber }))).toEqual(["NOT_FOUND"]);
      const [entry] = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
      const [{ householdId }] = await t.db.db.select({ householdId: persons.householdId }).from(persons).where(eq(persons.id, recipient.id)) as [{ householdId: string }];
      expect(entry).toMatchObject({ outcome: "DENIED", householdIds: [householdId], orgCode: "QX-JD-HP" });
      expect(disclosuresOf(entry!).map((d) => ({ outcome: d.outcome, entityType: d.entityType, entityIds: d.entityIds, detail: d.detail }))).toEqual([
        { outcome: "DENIED", entityType: "Person", entityIds: [recipient.id], detail: "NOT_FOUND_OR_OUT_OF_SCOPE" },
      ]);
    });
  });
});
