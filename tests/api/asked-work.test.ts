import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FieldCipher } from "../../src/privacy/crypto.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// The data path does only the work the operation asked for: no count(*) without totalCount, no sealed
// column read and no value decrypted unless its field is selected (and disclosed), no bookkeeping
// column read — and what is built is exactly what the full projection would have shown.

/** Counts what it decrypts, by column context. */
class CountingCipher extends FieldCipher {
  readonly decrypted: string[] = [];
  override decrypt(value: string, context: string): string {
    this.decrypted.push(context);
    return super.decrypt(value, context);
  }
}

function countingCipher(): CountingCipher {
  return new CountingCipher({ activeKeyId: "ktest", keys: new Map([["ktest", randomBytes(32)]]), blindIndexKey: randomBytes(32), auditKey: randomBytes(32) });
}

const SEALED_COLUMNS = /id_number_enc|phone_enc|bank_account_enc/;

type Member = Record<string, unknown>;
type CaseNode = { caseNo: string; household: { householdNo: string; members: Member[] } | null };

describe.each(databaseKinds())("only the asked work, on %s", (kind) => {
  let t: TestHub;
  let cipher: CountingCipher;
  let civil: string;
  let education: string;
  let charity: string;
  let auditor: string;

  beforeAll(async () => {
    cipher = countingCipher();
    t = await startTestHub(kind, { cipher });
    civil = await t.token("QX-MZJ", "CASEWORKER");
    education = await t.token("QX-JYJ", "OFFICER");
    charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
    auditor = await t.token("QX-MZJ", "AUDITOR");
    await t.exec(civil, "{ households(first: 1) { nodes { id } } }");
  });
  afterAll(() => t?.close());

  async function run(token: string, query: string) {
    t.statements.length = 0;
    cipher.decrypted.length = 0;
    const r = await t.exec(token, query);
    expect(r.errors).toBeUndefined();
    const data = t.statements.filter((s) => !/access_log|audit_stream_head_locked|^begin|^commit/i.test(s));
    return { data: r.data!, statements: data, decrypted: [...cipher.decrypted] };
  }

  it("counts only when totalCount is selected, once however many aliases ask", async () => {
    const without = await run(civil, "{ cases(first: 5) { nodes { caseNo } } }");
    expect(without.statements.filter((s) => /count\(/i.test(s))).toEqual([]);
    expect(without.statements).toHaveLength(1);

    const twice = await run(civil, "{ cases(first: 5) { a: totalCount b: totalCount nodes { caseNo } } }");
    expect(twice.statements.filter((s) => /count\(/i.test(s))).toHaveLength(1);
    const page = twice.data.cases as { a: number; b: number };
    expect(page.a).toBeGreaterThan(5);
    expect(page.b).toBe(page.a);
  });

  it("reads no sealed column and decrypts nothing when no sealed field is selected", async () => {
    const r = await run(civil, "{ cases(first: 10) { nodes { caseNo household { householdNo address members { name birthDate } } } } }");
    // The page, with its households and their members.
    expect(r.statements, r.statements.join("\n")).toHaveLength(1);
    expect(r.statements.filter((s) => SEALED_COLUMNS.test(s))).toEqual([]);
    expect(r.statements.filter((s) => /created_at|updated_at|id_number_bidx/.test(s))).toEqual([]);
    expect(r.decrypted).toEqual([]);
    const members = (r.data.cases as { nodes: CaseNode[] }).nodes.flatMap((n) => n.household?.members ?? []);
    expect(members.length).toBeGreaterThan(10);
    expect(members.every((m) => typeof m.name === "string" && m.name.length > 0)).toBe(true);
  });

  it("reads a page's columns for the selected fields only, and a need's per-item fields when its redactions are read", async () => {
    const list = await run(civil, "{ cases(first: 5) { nodes { caseNo status } } needs(first: 5) { nodes { needNo title } } }");
    const [casePage, needPage] = [list.statements.find((s) => /from "cases"/.test(s))!, list.statements.find((s) => /from "needs"/.test(s))!];
    expect(casePage).toMatch(/"status"/);
    expect(casePage).not.toMatch(/"channel"|"applied_on"|"monthly_benefit_fen"/);
    expect(needPage).toMatch(/"title"/);
    expect(needPage).not.toMatch(/"beneficiary_tags"|"description"|"amount_fen"/);
    const withRedactions = await run(charity, "{ needs(first: 20) { nodes { needNo redactions { field access reason } } } }");
    expect(withRedactions.statements.find((s) => /from "needs"/.test(s))).toMatch(/"beneficiary_tags"[\s\S]*"description"|"description"[\s\S]*"beneficiary_tags"/);
  });

  it("reads and decrypts just the sealed field selected: ID numbers, not phones or bank accounts", async () => {
    const r = await run(civil, "{ cases(first: 10) { nodes { household { members { idNumber } } } } }");
    const members = (r.data.cases as { nodes: CaseNode[] }).nodes.flatMap((n) => n.household?.members ?? []);
    expect(r.statements.filter((s) => /id_number_enc/.test(s))).toHaveLength(1);
    expect(r.statements.filter((s) => /phone_enc|bank_account_enc/.test(s))).toEqual([]);
    expect(r.decrypted).toEqual(members.map(() => "persons.id_number"));
    expect(members.every((m) => /^\d{17}[\dX]$/.test(m.idNumber as string))).toBe(true);
  });

  it("decrypts nothing a caller is not shown, even when it asks for it", async () => {
    // Civil affairs' auditor: ID numbers masked (decrypted to be masked), phones and bank accounts withheld.
    const r = await run(auditor, "{ households(first: 5) { nodes { bankAccount members { idNumber phone } } } }");
    const nodes = (r.data.households as { nodes: { bankAccount: unknown; members: Member[] }[] }).nodes;
    const members = nodes.flatMap((n) => n.members);
    expect(members.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.bankAccount === null)).toBe(true);
    expect(members.every((m) => m.phone === null && /\*/.test(m.idNumber as string))).toBe(true);
    expect(r.decrypted).toEqual(members.map(() => "persons.id_number"));
    // A charity reaches no household: nothing to decrypt at all.
    const none = await run(charity, "{ needs(first: 20) { nodes { needNo household { bankAccount members { idNumber phone } } } } }");
    expect(none.decrypted).toEqual([]);
  });

  it("builds the selected fields exactly as the full projection shows them, with the same redactions", async () => {
    const full = await run(
      education,
      "{ households(first: 8) { nodes { id address bankAccount housingSituation redactions { field access reason } members { id name idNumber phone birthDate monthlyIncome studentStatus redactions { field access reason } } } } }",
    );
    const part = await run(
      education,
      "{ households(first: 8) { nodes { id redactions { field access reason } members { id name redactions { field access reason } } } } }",
    );
    type H = { id: string; redactions: unknown[]; members: Array<{ id: string; name: unknown; redactions: unknown[] }> };
    const fullNodes = (full.data.households as { nodes: H[] }).nodes;
    const partNodes = (part.data.households as { nodes: H[] }).nodes;
    expect(partNodes.map((h) => h.id)).toEqual(fullNodes.map((h) => h.id));
    partNodes.forEach((h, i) => {
      // Redactions name every field the caller may not see in full, selected or not.
      expect(h.redactions).toEqual(fullNodes[i]!.redactions);
      expect(h.redactions.length).toBeGreaterThan(0);
      h.members.forEach((m, j) => {
        const whole = fullNodes[i]!.members[j]!;
        expect(m).toEqual({ id: whole.id, name: whole.name, redactions: whole.redactions });
      });
    });
    // The partial read decrypted nothing; the full one only what it showed.
    expect(part.decrypted).toEqual([]);
  });

  it("computes a need's household pseudonym only when it is selected", async () => {
    let computed = 0;
    const blindIndex = cipher.blindIndex.bind(cipher);
    cipher.blindIndex = (value, purpose) => {
      if (purpose === "needs.household_pseudonym") computed++;
      return blindIndex(value, purpose);
    };
    try {
      await run(charity, "{ needs(first: 10) { nodes { needNo title } } }");
      expect(computed).toBe(0);
      const r = await run(charity, "{ needs(first: 10) { nodes { needNo householdPseudonym } } }");
      const nodes = (r.data.needs as { nodes: { householdPseudonym: string }[] }).nodes;
      expect(computed).toBe(nodes.length);
      expect(new Set(nodes.map((n) => n.householdPseudonym)).size).toBe(nodes.length);
    } finally {
      cipher.blindIndex = blindIndex;
    }
  });

  it("ranks matches reading, of the page's needs, only the columns the selection and the score need", async () => {
    const published = await t.exec(charity, `mutation ($input: PublishResourceInput!) { publishResource(input: $input) { id } }`, {
      input: { kind: "CHARITY_PROJECT", name: "读取范围测试项目", categories: ["MEDICAL", "EDUCATION", "BASIC_LIVING"], serviceAreaCodes: ["130104000000"], capacitySlots: 100, startsOn: new Date().toISOString().slice(0, 10) },
    });
    expect(published.errors).toBeUndefined();
    const id = (published.data!.publishResource as { id: string }).id;
    const page = (r: Record<string, unknown>) => (r.matchesForResource as { nodes: Array<{ score: number; need: Record<string, unknown> }> }).nodes;
    const narrow = await run(charity, `{ matchesForResource(resourceId: "${id}", first: 5) { nodes { score need { id } } } }`);
    const wide = await run(charity, `{ matchesForResource(resourceId: "${id}", first: 5) { nodes { score need { id title neededBy } } } }`);
    const ranking = (s: string[]) => s.find((q) => /with cover as/.test(q))!;
    expect(page(narrow.data).length).toBeGreaterThan(0);
    expect(page(narrow.data).map((n) => [n.score, n.need.id])).toEqual(page(wide.data).map((n) => [n.score, n.need.id]));
    expect(ranking(narrow.statements)).not.toMatch(/"needs"\."title"|"needs"\."needed_by" as "neededBy"|"needs"\."description"/);
    expect(ranking(wide.statements)).toMatch(/"needs"\."title" as "title"/);
    expect(ranking(wide.statements)).not.toMatch(/"needs"\."description"/);
  });
});
