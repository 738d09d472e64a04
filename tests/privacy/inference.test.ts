import { describe, expect, it } from "vitest";
import { generateDemoDistrict } from "../../src/demo/generate.js";
import type { PersonSource } from "../../src/modules/households/households.policy.js";
import { PERSON_CATALOGUE } from "../../src/modules/households/index.js";
import { OrgKind, ROLES_BY_ORG_KIND, type Role } from "../../src/modules/organizations/organizations.enums.js";
import { CONSENTABLE_CATEGORIES } from "../../src/privacy/policy.js";
import { Projector, Sealed, type Grant } from "../../src/privacy/project.js";
import { kindsThatMay } from "../../src/privacy/purpose.js";
import { householdScope, needScope } from "../../src/privacy/scope.js";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { principal } from "../support/principals.js";

// The inference budget (DESIGN §4, "against combination"): from everything one caller can obtain
// about a person — every field on every relationship it can hold with the household, masks
// included — no resident ID number narrows to fewer than 1,000 candidates unless the caller may read
// it in full, and no phone to fewer than 1,000. The adversary is assumed to know the address code
// (the district's), the masks' shapes and GB 11643's checksum; the candidate count is exact.

const BOUND = 1_000;
const district = generateDemoDistrict();

/** Every relationship a kind can hold with a household: its scopes, and each workflow grant with and
 * without the household's consent (the widest ceilings a workflow could authorise). */
function relationshipsOf(kind: OrgKind, role: Role): Grant[] {
  const p = principal(kind, role);
  const workflow = (["REFERRAL", "ASSIGNMENT", "CLAIM"] as const).flatMap((relationship): Grant[] => [
    { relationship, caps: {} },
    { relationship, caps: {}, consented: new Set(CONSENTABLE_CATEGORIES) },
  ]);
  return [householdScope(p).grant, needScope(p).grant, ...(householdScope(p).kind === "GRANTED" ? workflow : [])];
}

type Seen = { idNumber: string | null; birthDate: string | null; sex: string | null; phone: string | null; idFull: boolean; phoneFull: boolean };

/** What one (kind, role) learns about a person over all its relationships: the most revealing form of each field. */
function seenBy(kind: OrgKind, role: Role, source: PersonSource): Seen {
  const projector = new Projector(principal(kind, role));
  const views = relationshipsOf(kind, role).map((g) => projector.project(PERSON_CATALOGUE, source, g));
  const fullest = (field: "idNumber" | "birthDate" | "sex" | "phone"): string | null =>
    views.map((v) => v[field] as string | null).reduce<string | null>((best, v) => (v === null ? best : best === null || stars(v) < stars(best) ? v : best), null);
  const realId = source.idNumber!.reveal();
  const realPhone = source.phone?.reveal() ?? null;
  return {
    idNumber: fullest("idNumber"),
    birthDate: fullest("birthDate"),
    sex: fullest("sex"),
    phone: fullest("phone"),
    idFull: views.some((v) => v.idNumber === realId),
    phoneFull: realPhone !== null && views.some((v) => v.phone === realPhone),
  };
}

const stars = (s: string) => [...s].filter((c) => c === "*").length;

const DAY = 86_400_000;
/** Birth dates a valid number can carry (GB 11643: from 1900 on), as YYYYMMDD. */
const ALL_DATES: string[] = (() => {
  const out: string[] = [];
  for (let t = Date.UTC(1900, 0, 1); t <= Date.UTC(2026, 11, 31); t += DAY) out.push(new Date(t).toISOString().slice(0, 10).replaceAll("-", ""));
  return out;
})();

const memo = new Map<string, number>();

/** ID numbers consistent with the visible form, the birth date shown and the sex shown. Exact. */
function idCandidates(seen: Pick<Seen, "idNumber" | "birthDate" | "sex">, addressCode: string): number {
  const key = `${seen.idNumber}|${seen.birthDate}|${seen.sex}|${addressCode}`;
  let n = memo.get(key);
  if (n === undefined) memo.set(key, (n = countIdCandidates(seen, addressCode)));
  return n;
}

function countIdCandidates(seen: Pick<Seen, "idNumber" | "birthDate" | "sex">, addressCode: string): number {
  const mask = seen.idNumber ?? "*".repeat(18);
  const fits = (pattern: string, value: string) => [...pattern].every((c, i) => c === "*" || c === value[i]);
  const region = mask.slice(0, 6);
  if (!fits(region, addressCode)) return 0;
  const birthShown = seen.birthDate?.replaceAll("-", "") ?? "********";
  const dates = ALL_DATES.filter((d) => fits(mask.slice(6, 14), d) && fits(birthShown, d));
  const sequences = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0")).filter(
    (s) => fits(mask.slice(14, 17), s) && (seen.sex === null || (Number(s[2]) % 2 === 1) === (seen.sex === "MALE")),
  );
  const check = mask[17]!;
  if (check === "*") return dates.length * sequences.length;
  let n = 0;
  for (const d of dates) for (const s of sequences) if (idNumberCheckChar(`${addressCode}${d}${s}`) === check) n++;
  return n;
}

/** Mainland mobile numbers consistent with the visible form. */
function phoneCandidates(phone: string | null): number {
  return phone === null ? 10 ** 10 : 10 ** stars(phone);
}

const persons: PersonSource[] = district.persons.map((p) => ({
  id: p.id,
  householdId: p.householdId,
  relationToHead: p.relationToHead,
  sex: p.sex,
  name: p.name,
  idNumber: new Sealed(() => p.idNumber),
  birthDate: p.birthDate,
  phone: p.phone ? new Sealed(() => p.phone!) : null,
  disabilityLevel: p.disabilityLevel ?? "NONE",
  seriousIllness: p.seriousIllness ?? false,
  workAbility: p.workAbility,
  studentStatus: p.studentStatus ?? "NOT_STUDENT",
  employmentStatus: p.employmentStatus,
  monthlyIncome: p.monthlyIncomeFen ?? 0,
}));
const CALLERS = OrgKind.values.flatMap((kind) => ROLES_BY_ORG_KIND[kind].map((role) => [kind, role] as const));

describe("inference budget for identifiers", () => {
  it("counts candidates exactly (the counter itself is right)", () => {
    const id = `13990119800101123${idNumberCheckChar("13990119800101123")}`;
    expect(idCandidates({ idNumber: id, birthDate: null, sex: null }, "139901")).toBe(1);
    expect(idCandidates({ idNumber: id, birthDate: null, sex: null }, "139902")).toBe(0);
    // The old mask (address code + last four) beside a birth year: ~33 candidates — the attack the review ran.
    const oldMask = `139901********123${id[17]}`;
    expect(idCandidates({ idNumber: oldMask, birthDate: "1980-**-**", sex: "MALE" }, "139901")).toBe(
      ALL_DATES.filter((d) => d.startsWith("1980") && idNumberCheckChar(`139901${d}123`) === id[17]).length,
    );
    expect(idCandidates({ idNumber: oldMask, birthDate: "1980-**-**", sex: "MALE" }, "139901")).toBeLessThan(60);
    // A full birth date and sex beside a masked number that keeps no other digit: 500 sequences.
    expect(idCandidates({ idNumber: "139901************", birthDate: "1980-01-01", sex: "FEMALE" }, "139901")).toBe(500);
    expect(idCandidates({ idNumber: "139901************", birthDate: "1980-**-**", sex: "FEMALE" }, "139901")).toBe(366 * 500);
    expect(phoneCandidates("174****1234")).toBe(10_000);
  });

  it.each(CALLERS)("%s %s: every demo person's ID number and phone keep at least 1,000 candidates unless read in full", (kind, role) => {
    let checked = 0;
    for (const source of persons) {
      const seen = seenBy(kind, role, source);
      const address = source.idNumber!.reveal().slice(0, 6);
      if (!seen.idFull) {
        expect(idCandidates(seen, address), `${source.id} idNumber`).toBeGreaterThanOrEqual(BOUND);
        checked++;
      }
      if (!seen.phoneFull && source.phone) expect(phoneCandidates(seen.phone), `${source.id} phone`).toBeGreaterThanOrEqual(BOUND);
    }
    // Who may read numbers in full is the minimum-necessity rule; everyone else was checked on every person.
    expect(checked === 0 || checked === persons.length, "all or none of the persons are read in full").toBe(true);
  });

  it("gives the identifier oracle only to kinds that either read ID numbers in full or list nothing", () => {
    for (const kind of kindsThatMay("assistanceStatus")) {
      const readsFull = ROLES_BY_ORG_KIND[kind].every((role) => persons.every((p) => seenBy(kind, role, p).idFull));
      const lists = kindsThatMay("households").includes(kind) || kindsThatMay("needs").includes(kind);
      expect(readsFull || !lists, kind).toBe(true);
    }
  });
});
