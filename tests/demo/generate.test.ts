import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AssistanceType, CaseChannel, CaseStatus } from "../../src/modules/cases/cases.enums.js";
import { parseIdNumber } from "../../src/shared/id-number.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "../../src/modules/needs/needs.enums.js";
import { OrgKind } from "../../src/modules/organizations/organizations.enums.js";
import { ResourceKind } from "../../src/modules/resources/resources.enums.js";
import { addMonths, ageOn } from "../../src/demo/calendar.js";
import { NEED_TEMPLATES } from "../../src/demo/needs.js";
import { DEMO_COMMUNITIES, DEMO_DISTRICT, DEMO_ORGANIZATIONS } from "../../src/demo/organizations.js";
import {
  DEMO_DEFAULTS,
  DEMO_TAGS,
  generateDemoDistrict,
  type DemoDistrict,
  type DemoPersonRow,
} from "../../src/demo/generate.js";

const TODAY = DEMO_DEFAULTS.today;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OPEN_STATUSES: readonly string[] = ["SUBMITTED", "VERIFYING", "PENDING_DECISION"];

let district: DemoDistrict;

beforeAll(() => {
  district = generateDemoDistrict();
});

afterEach(() => {
  vi.useRealTimers();
});

const distinct = <T>(values: readonly T[]): Set<T> => new Set(values);

function membersByHousehold(d: DemoDistrict): Map<string, DemoPersonRow[]> {
  const map = new Map<string, DemoPersonRow[]>();
  for (const p of d.persons) map.set(p.householdId, [...(map.get(p.householdId) ?? []), p]);
  return map;
}

describe("demo district generation is deterministic and pure", () => {
  it("gives deep-equal districts for the same options", () => {
    expect(generateDemoDistrict()).toEqual(district);
  });

  it("gives a different population for a different seed, with the same fixed institutions", () => {
    const other = generateDemoDistrict({ seed: 7 });
    expect(other.persons).not.toEqual(district.persons);
    expect(other.households.map((h) => h.id)).not.toEqual(district.households.map((h) => h.id));
    expect(other.organizations).toEqual(district.organizations);
    expect(other.resources).toEqual(district.resources);
  });

  it("never reads the clock: output is the same whatever the system time", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2001-02-03T04:05:06Z"));
    const early = generateDemoDistrict({ households: 40 });
    vi.setSystemTime(new Date("2049-12-31T23:59:59Z"));
    const late = generateDemoDistrict({ households: 40 });
    expect(late).toEqual(early);
  });
});

describe("demo district contents", () => {
  it("holds at least 300 households and 800 persons, and every value of every enum that matters", () => {
    expect(district.households.length).toBeGreaterThanOrEqual(300);
    expect(district.persons.length).toBeGreaterThanOrEqual(800);
    expect(district.needs.length).toBeGreaterThanOrEqual(140);
    expect(district.needs.length).toBeLessThanOrEqual(160);
    expect(district.resources.length).toBeGreaterThanOrEqual(20);
    expect(distinct(district.cases.map((c) => c.type))).toEqual(distinct(AssistanceType.values));
    expect(distinct(district.cases.map((c) => c.channel))).toEqual(distinct(CaseChannel.values));
    expect(distinct(district.cases.map((c) => c.status))).toEqual(distinct(CaseStatus.values));
    expect(distinct(district.needs.map((n) => n.category))).toEqual(distinct(NeedCategory.values));
    expect(distinct(district.needs.map((n) => n.status))).toEqual(distinct(NeedStatus.values));
    expect(distinct(district.needs.map((n) => n.urgency))).toEqual(distinct(NeedUrgency.values));
    expect(distinct(district.organizations.map((o) => o.kind))).toEqual(distinct(OrgKind.values));
    expect(distinct(district.resources.map((r) => r.kind))).toEqual(distinct(ResourceKind.values));
  });

  it("covers every assistance type and need category even in a tiny district", () => {
    const tiny = generateDemoDistrict({ households: 30, seed: 3 });
    expect(distinct(tiny.cases.map((c) => c.type))).toEqual(distinct(AssistanceType.values));
    expect(distinct(tiny.needs.map((n) => n.category))).toEqual(distinct(NeedCategory.values));
    const empty = generateDemoDistrict({ households: 0 });
    expect([empty.households.length, empty.persons.length, empty.cases.length, empty.needs.length]).toEqual([0, 0, 0, 0]);
  });

  it("gives every row a unique UUID-v4-shaped id", () => {
    const ids = [
      ...district.organizations,
      ...district.households,
      ...district.persons,
      ...district.cases,
      ...district.needs,
      ...district.resources,
    ].map((r) => r.id);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(distinct(ids).size).toBe(ids.length);
  });

  it("seeds exactly the demo organizations", () => {
    expect(district.organizations.map(({ id: _id, ...rest }) => rest)).toEqual(
      DEMO_ORGANIZATIONS.map((o) => ({
        code: o.code,
        kind: o.kind,
        nameZh: o.nameZh,
        nameEn: o.nameEn,
        jurisdictionAreaCode: o.jurisdictionAreaCode,
        issuer: o.issuer,
      })),
    );
  });
});

describe("demo households and persons", () => {
  it("places households in the six communities at clearly fictional addresses", () => {
    const communities = distinct<string>(DEMO_COMMUNITIES.map((c) => c.code));
    for (const h of district.households) {
      expect(h.householdNo).toMatch(/^QXH-\d{6}$/);
      expect(communities.has(h.areaCode)).toBe(true);
      expect(h.address).toContain("示例");
    }
    expect(distinct(district.households.map((h) => h.areaCode))).toEqual(communities);
    expect(distinct(district.households.map((h) => h.householdNo)).size).toBe(district.households.length);
    // Clause 4: residence-permit holders apply where they live.
    expect(district.households.some((h) => h.residenceStatus === "RESIDENCE_PERMIT")).toBe(true);
  });

  it("gives every household exactly one head and members between one and six", () => {
    const byHousehold = membersByHousehold(district);
    expect(byHousehold.size).toBe(district.households.length);
    for (const h of district.households) {
      const members = byHousehold.get(h.id) ?? [];
      expect(members.length).toBeGreaterThanOrEqual(1);
      expect(members.length).toBeLessThanOrEqual(6);
      expect(members.filter((m) => m.relationToHead === "HEAD")).toHaveLength(1);
    }
  });

  it("issues checksum-valid fictional ID numbers (prefecture 1399) that agree with birth date and sex", () => {
    const asOf = new Date(`${TODAY}T00:00:00Z`);
    for (const p of district.persons) {
      const parsed = parseIdNumber(p.idNumber, asOf);
      expect(parsed.ok, p.idNumber).toBe(true);
      if (!parsed.ok) continue;
      expect(p.idNumber.startsWith("1399")).toBe(true);
      expect(parsed.value.birthDate).toBe(p.birthDate);
      expect(parsed.value.sex).toBe(p.sex);
    }
    expect(distinct(district.persons.map((p) => p.idNumber)).size).toBe(district.persons.length);
  });

  it("gives phones only to some adults, in the fictional 1740 block, all different", () => {
    const phones = district.persons.flatMap((p) => (p.phone ? [p.phone] : []));
    expect(phones.length).toBeGreaterThan(0);
    expect(phones.length).toBeLessThan(district.persons.length);
    for (const phone of phones) expect(phone).toMatch(/^1740\d{7}$/);
    expect(distinct(phones).size).toBe(phones.length);
    for (const p of district.persons) if (p.phone) expect(ageOn(p.birthDate, TODAY)).toBeGreaterThanOrEqual(18);
  });

  it("keeps ages, relations, schooling, work and income consistent", () => {
    const byHousehold = membersByHousehold(district);
    for (const members of byHousehold.values()) {
      const head = members.find((m) => m.relationToHead === "HEAD")!;
      const headAge = ageOn(head.birthDate, TODAY);
      expect(headAge).toBeGreaterThanOrEqual(18);
      for (const m of members) {
        const age = ageOn(m.birthDate, TODAY);
        expect(age).toBeGreaterThanOrEqual(1);
        expect(age).toBeLessThanOrEqual(96);
        if (m.relationToHead === "CHILD") expect(age).toBeLessThan(headAge - 15);
        if (m.relationToHead === "GRANDCHILD") expect(age).toBeLessThan(18);
        if (m.relationToHead === "PARENT") expect(age).toBeGreaterThan(headAge + 15);
        if (m.relationToHead === "SPOUSE") expect(age).toBeGreaterThanOrEqual(18);
        if (age < 16) {
          expect(m.employmentStatus).toBe("NOT_IN_LABOUR_FORCE");
          expect(m.workAbility).toBe("NONE");
          expect(m.monthlyIncomeFen).toBe(0);
        }
        if (m.studentStatus !== "NOT_STUDENT") expect(m.employmentStatus).toBe("NOT_IN_LABOUR_FORCE");
        if (age >= 6 && age <= 14) expect(["PRIMARY", "JUNIOR_SECONDARY"]).toContain(m.studentStatus);
        if (age > 24) expect(m.studentStatus).toBe("NOT_STUDENT");
        if (m.workAbility === "NONE") expect(["NOT_IN_LABOUR_FORCE", "RETIRED"]).toContain(m.employmentStatus);
        if (m.employmentStatus === "UNEMPLOYED") expect(m.monthlyIncomeFen).toBe(0);
        expect(Number.isSafeInteger(m.monthlyIncomeFen)).toBe(true);
        expect(m.monthlyIncomeFen).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("has a realistic mix: elderly living alone, students, disabled and seriously ill members", () => {
    const byHousehold = membersByHousehold(district);
    const elderlyAlone = [...byHousehold.values()].filter(
      (m) => m.length === 1 && ageOn(m[0]!.birthDate, TODAY) >= 60,
    ).length;
    expect(elderlyAlone).toBeGreaterThan(20);
    expect(district.persons.filter((p) => p.studentStatus !== "NOT_STUDENT").length).toBeGreaterThan(100);
    expect(district.persons.filter((p) => p.disabilityLevel !== "NONE").length).toBeGreaterThan(30);
    expect(district.persons.filter((p) => p.seriousIllness).length).toBeGreaterThan(20);
  });
});

describe("demo cases", () => {
  const households = () => new Map(district.households.map((h) => [h.id, h]));
  const orgsById = () => new Map(district.organizations.map((o) => [o.id, o]));

  it("copies the household's area and is handled by civil affairs or the household's subdistrict", () => {
    const hh = households();
    const orgs = orgsById();
    for (const c of district.cases) {
      const household = hh.get(c.householdId)!;
      expect(c.areaCode).toBe(household.areaCode);
      const org = orgs.get(c.handlingOrgId)!;
      if (org.kind === "SUBDISTRICT") expect(org.jurisdictionAreaCode).toBe(`${household.areaCode.slice(0, 9)}000`);
      else expect(org.kind).toBe("CIVIL_AFFAIRS");
    }
  });

  it("numbers cases uniquely per year of application", () => {
    for (const c of district.cases) expect(c.caseNo).toMatch(new RegExp(`^QXC-${c.appliedOn.slice(0, 4)}-\\d{6}$`));
    expect(distinct(district.cases.map((c) => c.caseNo)).size).toBe(district.cases.length);
  });

  it("has dates and benefits consistent with the status", () => {
    for (const c of district.cases) {
      expect(c.appliedOn <= TODAY).toBe(true);
      if (OPEN_STATUSES.includes(c.status)) {
        expect(c.decidedOn).toBeNull();
        expect(c.nextReviewOn).toBeNull();
      } else {
        expect(c.decidedOn).not.toBeNull();
        expect(c.decidedOn! >= c.appliedOn && c.decidedOn! <= TODAY).toBe(true);
      }
      if (c.status !== "APPROVED") expect(c.monthlyBenefitFen).toBeNull();
      if (c.nextReviewOn !== null) expect(["APPROVED", "SUSPENDED"]).toContain(c.status);
      if (c.monthlyBenefitFen !== null) {
        expect(Number.isSafeInteger(c.monthlyBenefitFen)).toBe(true);
        expect(c.monthlyBenefitFen).toBeGreaterThan(0);
      }
    }
    const approvedMinimumLiving = district.cases.filter((c) => c.type === "MINIMUM_LIVING" && c.status === "APPROVED");
    expect(approvedMinimumLiving.length).toBeGreaterThan(50);
    for (const c of approvedMinimumLiving) expect(c.monthlyBenefitFen).not.toBeNull();
  });

  it("schedules reviews per clause 8: yearly for 特困, half-yearly for 低保 with members able to work", () => {
    const byHousehold = membersByHousehold(district);
    const onCycle = (decidedOn: string, reviewOn: string, months: number): boolean => {
      for (let k = 1; k <= 20; k++) if (addMonths(decidedOn, months * k) === reviewOn) return true;
      return false;
    };
    let halfYearly = 0;
    for (const c of district.cases.filter((x) => x.status === "APPROVED" && x.nextReviewOn !== null)) {
      if (c.type === "EXTREME_POVERTY") expect(onCycle(c.decidedOn!, c.nextReviewOn!, 12)).toBe(true);
      if (c.type === "MINIMUM_LIVING") {
        const able = (byHousehold.get(c.householdId) ?? []).some((m) => {
          const age = ageOn(m.birthDate, TODAY);
          return age >= 16 && age < 60 && m.workAbility === "FULL";
        });
        expect(onCycle(c.decidedOn!, c.nextReviewOn!, able ? 6 : 12)).toBe(true);
        if (able && !onCycle(c.decidedOn!, c.nextReviewOn!, 12)) halfYearly++;
      }
    }
    expect(halfYearly).toBeGreaterThan(0);
  });
});

describe("demo needs", () => {
  it("link to their household's area, an own case and a recording body of the right kind", () => {
    const households = new Map(district.households.map((h) => [h.id, h]));
    const cases = new Map(district.cases.map((c) => [c.id, c]));
    const orgs = new Map(district.organizations.map((o) => [o.id, o]));
    const tags: ReadonlySet<string> = new Set(DEMO_TAGS);
    for (const n of district.needs) {
      expect(n.needNo).toMatch(/^QXN-\d{6}$/);
      expect(n.areaCode).toBe(households.get(n.householdId)!.areaCode);
      if (n.caseId !== null) expect(cases.get(n.caseId)!.householdId).toBe(n.householdId);
      expect(["COMMUNITY", "SUBDISTRICT", "CIVIL_AFFAIRS"]).toContain(orgs.get(n.recordedByOrgId)!.kind);
      if (n.amountFen !== null) expect(Number.isSafeInteger(n.amountFen) && n.amountFen > 0).toBe(true);
      for (const tag of n.beneficiaryTags) expect(tags.has(tag)).toBe(true);
    }
    expect(district.needs.filter((n) => n.status === "OPEN").length).toBeGreaterThan(district.needs.length / 2);
    expect(district.needs.filter((n) => n.caseId !== null).length).toBeGreaterThan(district.needs.length / 3);
  });

  it("never put a resident's name, ID number or phone, or any digit, in a title or description", () => {
    const texts = district.needs.flatMap((n) => [n.title, n.description ?? ""]);
    const secrets = district.persons.flatMap((p) => [p.name, p.idNumber, ...(p.phone ? [p.phone] : [])]);
    // Plain loops collecting offenders: an expect per pair would be hundreds of thousands of calls.
    const leaks: string[] = [];
    for (const text of texts) {
      if (/\d/.test(text)) leaks.push(`digit in: ${text}`);
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${secret} in: ${text}`);
    }
    expect(leaks).toEqual([]);
    // The same holds for every template, not only those this seed happened to draw.
    const templateTexts = Object.values(NEED_TEMPLATES).flatMap((list) => list.flatMap((t) => [t.title, t.description]));
    for (const text of templateTexts) expect(text).not.toMatch(/\d/);
  });
});

describe("demo resources", () => {
  const OWNER_KINDS: { readonly [K in ResourceKind]: readonly string[] } = {
    CHARITY_PROJECT: ["CHARITY"],
    VOLUNTEER_SERVICE: ["VOLUNTEER_ORG"],
    PURCHASED_SERVICE: ["SOCIAL_WORK_AGENCY"],
    GOVERNMENT_PROGRAM: ["CIVIL_AFFAIRS", "HEALTHCARE_SECURITY", "EDUCATION", "HOUSING", "HUMAN_RESOURCES", "EMERGENCY_MANAGEMENT", "JUSTICE"],
    PUBLIC_WELFARE_POST: ["HUMAN_RESOURCES"],
  };

  it("are owned by the right kind of organization, serve district areas and use the shared tags", () => {
    const orgs = new Map(district.organizations.map((o) => [o.id, o]));
    const tags: ReadonlySet<string> = new Set(DEMO_TAGS);
    for (const r of district.resources) {
      expect(r.resourceNo).toMatch(/^QXR-\d{4}$/);
      expect(OWNER_KINDS[r.kind]).toContain(orgs.get(r.ownerOrgId)!.kind);
      expect(r.categories.length).toBeGreaterThan(0);
      for (const code of r.serviceAreaCodes) {
        expect(code).toMatch(/^\d{12}$/);
        expect(code.startsWith(DEMO_DISTRICT.slice(0, 6))).toBe(true);
      }
      for (const tag of r.eligibilityTags) expect(tags.has(tag)).toBe(true);
      if (r.endsOn !== null) expect(r.endsOn > r.startsOn).toBe(true);
    }
    // Both charities publish projects.
    const charityOwners = distinct(district.resources.filter((r) => r.kind === "CHARITY_PROJECT").map((r) => r.ownerOrgId));
    expect(charityOwners.size).toBe(2);
    expect(district.resources.filter((r) => r.status === "ACTIVE").length).toBeGreaterThan(district.resources.length * 0.7);
  });
});
