import { describe, expect, it } from "vitest";
import { PERSON_CATALOGUE, type PersonSource } from "../../src/modules/households/households.policy.js";
import { OrgKind, ROLES_BY_ORG_KIND, type Role } from "../../src/modules/organizations/organizations.enums.js";
import { DataCategory } from "../../src/privacy/categories.js";
import { policyAccess } from "../../src/privacy/policy.js";
import { Projector, Sealed, decideField } from "../../src/privacy/project.js";
import { JURISDICTION_GRANT, PUBLISHED_NEED_GRANT, householdScope, needScope } from "../../src/privacy/scope.js";
import { principal } from "../support/principals.js";
import { CHARITY_MEMBER_WITHOUT_CONSENT } from "../support/redactions.js";

const person: PersonSource = {
  id: "p1",
  householdId: "h1",
  relationToHead: "HEAD",
  sex: "FEMALE",
  name: "示例甲",
  idNumber: new Sealed(() => "139901198001011236"),
  birthDate: "1980-01-01",
  phone: new Sealed(() => "17400001234"),
  disabilityLevel: "LEVEL_2",
  seriousIllness: true,
  workAbility: "PARTIAL",
  studentStatus: "NOT_STUDENT",
  employmentStatus: "FLEXIBLE",
  monthlyIncome: 123_456,
};

describe("access policy matrix", () => {
  // The whole matrix before scope and consent, one row per (kind, role): categories shown in full,
  // categories masked; every other category is WITHHELD. A diff here is a permission change.
  const MATRIX: ReadonlyArray<readonly [OrgKind, Role, string, string]> = [
    ["CIVIL_AFFAIRS", "ADMIN", "BASIC CASE IDENTITY CONTACT FINANCIAL HEALTH DISABILITY EDUCATION EMPLOYMENT HOUSING JUDICIAL PROTECTION", ""],
    ["CIVIL_AFFAIRS", "CASEWORKER", "BASIC CASE IDENTITY CONTACT FINANCIAL HEALTH DISABILITY EDUCATION EMPLOYMENT HOUSING JUDICIAL PROTECTION", ""],
    ["CIVIL_AFFAIRS", "APPROVER", "BASIC CASE IDENTITY CONTACT FINANCIAL HEALTH DISABILITY EDUCATION EMPLOYMENT HOUSING JUDICIAL PROTECTION", ""],
    ["CIVIL_AFFAIRS", "AUDITOR", "BASIC CASE", "IDENTITY"],
    ["SUBDISTRICT", "CASEWORKER", "BASIC CASE IDENTITY CONTACT FINANCIAL HEALTH DISABILITY EDUCATION EMPLOYMENT HOUSING PROTECTION", "JUDICIAL"],
    ["SUBDISTRICT", "APPROVER", "BASIC CASE IDENTITY CONTACT FINANCIAL HEALTH DISABILITY EDUCATION EMPLOYMENT HOUSING PROTECTION", "JUDICIAL"],
    ["COMMUNITY", "COORDINATOR", "BASIC CASE IDENTITY CONTACT DISABILITY EDUCATION EMPLOYMENT HOUSING", "FINANCIAL HEALTH PROTECTION"],
    ["COMMUNITY", "GRID_WORKER", "BASIC CASE IDENTITY CONTACT DISABILITY EDUCATION EMPLOYMENT HOUSING", ""],
    ["HEALTHCARE_SECURITY", "OFFICER", "BASIC CASE IDENTITY HEALTH DISABILITY", "CONTACT"],
    ["HEALTH", "OFFICER", "BASIC CASE IDENTITY HEALTH", "CONTACT DISABILITY"],
    ["EDUCATION", "OFFICER", "BASIC CASE IDENTITY EDUCATION", "CONTACT DISABILITY"],
    ["HOUSING", "OFFICER", "BASIC CASE IDENTITY CONTACT HOUSING", "FINANCIAL"],
    ["HUMAN_RESOURCES", "OFFICER", "BASIC CASE IDENTITY CONTACT EMPLOYMENT", "FINANCIAL DISABILITY EDUCATION"],
    ["EMERGENCY_MANAGEMENT", "OFFICER", "BASIC CASE IDENTITY CONTACT HOUSING", "HEALTH DISABILITY"],
    ["COURT", "OFFICER", "BASIC CASE IDENTITY JUDICIAL", "CONTACT FINANCIAL"],
    ["JUSTICE", "OFFICER", "BASIC CASE", "IDENTITY"],
    ["FINANCE", "ANALYST", "BASIC", ""],
    ["CHARITY", "PROJECT_MANAGER", "BASIC IDENTITY CONTACT", "DISABILITY EDUCATION HOUSING"],
    ["CHARITY", "STAFF", "BASIC IDENTITY CONTACT", "DISABILITY EDUCATION HOUSING"],
    ["VOLUNTEER_ORG", "COORDINATOR", "BASIC IDENTITY CONTACT", "DISABILITY"],
    ["VOLUNTEER_ORG", "VOLUNTEER", "BASIC IDENTITY CONTACT", "DISABILITY"],
    ["SOCIAL_WORK_AGENCY", "SUPERVISOR", "BASIC IDENTITY CONTACT DISABILITY", "CASE HEALTH EDUCATION EMPLOYMENT HOUSING"],
    ["SOCIAL_WORK_AGENCY", "SOCIAL_WORKER", "BASIC IDENTITY CONTACT DISABILITY", "CASE HEALTH EDUCATION EMPLOYMENT HOUSING"],
    ["RESIDENT", "RESIDENT", "BASIC CASE IDENTITY CONTACT FINANCIAL HEALTH DISABILITY EDUCATION EMPLOYMENT HOUSING JUDICIAL", ""],
  ];

  it("gives every (kind, role) exactly its remit: FULL and MASKED as listed, everything else WITHHELD", () => {
    const actual = OrgKind.values.flatMap((kind) =>
      ROLES_BY_ORG_KIND[kind].map((role) => {
        const by = (access: string) => DataCategory.values.filter((c) => policyAccess(kind, role, c).access === access).join(" ");
        return [kind, role, by("FULL"), by("MASKED")] as const;
      }),
    );
    expect(actual).toEqual(MATRIX);
  });

  it("keeps bureaus to their remit: education reads education, not finances or health", () => {
    expect(policyAccess("EDUCATION", "OFFICER", "EDUCATION").access).toBe("FULL");
    expect(policyAccess("EDUCATION", "OFFICER", "FINANCIAL")).toEqual({ access: "WITHHELD", limitedBy: "REMIT" });
    expect(policyAccess("EDUCATION", "OFFICER", "HEALTH").access).toBe("WITHHELD");
  });

  it("lets a role narrow, never widen, its organization's remit", () => {
    expect(policyAccess("CIVIL_AFFAIRS", "CASEWORKER", "CONTACT").access).toBe("FULL");
    expect(policyAccess("CIVIL_AFFAIRS", "AUDITOR", "CONTACT")).toEqual({ access: "WITHHELD", limitedBy: "ROLE" });
    expect(policyAccess("COMMUNITY", "GRID_WORKER", "FINANCIAL")).toEqual({ access: "WITHHELD", limitedBy: "ROLE" });
  });
});

describe("projection", () => {
  it("gives civil affairs the whole member within its jurisdiction", () => {
    const view = new Projector(principal("CIVIL_AFFAIRS", "CASEWORKER")).project(PERSON_CATALOGUE, person, JURISDICTION_GRANT);
    expect(view).toMatchObject({ ...person, idNumber: "139901198001011236", phone: "17400001234" });
    expect(view.redactions).toEqual([]);
  });

  it("gives a charity no identity, contact or finances: masked or withheld, with reasons", () => {
    const view = new Projector(principal("CHARITY")).project(PERSON_CATALOGUE, person, JURISDICTION_GRANT);
    expect(view.name).toBe("示**");
    expect(view.idNumber).toBe("139901************");
    expect(view.phone).toBeNull();
    expect(view.monthlyIncome).toBeNull();
    expect(view.birthDate).toBe("1980-**-**");
    expect(view.sex).toBe("FEMALE");
    expect(view.redactions).toEqual(CHARITY_MEMBER_WITHOUT_CONSENT);
  });

  it("opens names and contact to a charity under consent, but never the full ID number or finances", () => {
    const consented = { relationship: "CLAIM", consented: new Set(["IDENTITY", "CONTACT"] as const) } as const;
    const view = new Projector(principal("CHARITY")).project(PERSON_CATALOGUE, person, consented);
    expect(view).toMatchObject({ name: "示例甲", phone: "17400001234", birthDate: "1980-**-**", idNumber: "139901************", monthlyIncome: null });
  });

  it("does not let consent widen a relationship's ceiling", () => {
    const view = new Projector(principal("CHARITY")).project(PERSON_CATALOGUE, person, { ...PUBLISHED_NEED_GRANT, consented: new Set(["IDENTITY", "CONTACT"] as const) });
    expect(view.name).toBeNull();
    expect(view.phone).toBeNull();
  });

  it("never gives a full ID number to kinds outside minimum necessity, even when the category is full", () => {
    // Social-work agencies are the kind whose remit could widen with consent later; the rule holds regardless.
    const rule = PERSON_CATALOGUE.fields.idNumber;
    for (const kind of ["CHARITY", "VOLUNTEER_ORG", "SOCIAL_WORK_AGENCY", "FINANCE"] as const) {
      const d = decideField(principal(kind), rule, JURISDICTION_GRANT);
      expect(d.access).not.toBe("FULL");
    }
    expect(decideField(principal("EDUCATION"), rule, JURISDICTION_GRANT)).toEqual({ access: "FULL", reason: null });
  });

  it("caps what a published need discloses about its household, whatever the caller's remit", () => {
    const view = new Projector(principal("CIVIL_AFFAIRS", "CASEWORKER")).project(PERSON_CATALOGUE, person, PUBLISHED_NEED_GRANT);
    expect(view.name).toBeNull();
    expect(view.phone).toBeNull();
    expect(view.redactions).toEqual([
      { field: "name", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "idNumber", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "birthDate", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "phone", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "disabilityLevel", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "seriousIllness", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "workAbility", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "studentStatus", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "employmentStatus", access: "WITHHELD", reason: "NOT_ASSIGNED" },
      { field: "monthlyIncome", access: "WITHHELD", reason: "NOT_ASSIGNED" },
    ]);
  });

  it("never decrypts a sealed value that the projection withholds", () => {
    let opened = 0;
    const sealed = { ...person, phone: new Sealed(() => (opened++, "17400001234")) };
    const view = new Projector(principal("CHARITY")).project(PERSON_CATALOGUE, sealed, JURISDICTION_GRANT);
    expect(view.phone).toBeNull();
    expect(opened).toBe(0);
    new Projector(principal("CIVIL_AFFAIRS", "CASEWORKER")).project(PERSON_CATALOGUE, sealed, JURISDICTION_GRANT);
    expect(opened).toBe(1);
  });

  it("reports the role as the reason when the role narrows the remit", () => {
    const view = new Projector(principal("CIVIL_AFFAIRS", "AUDITOR")).project(PERSON_CATALOGUE, person, JURISDICTION_GRANT);
    expect(view.phone).toBeNull();
    expect(view.redactions).toEqual([
      { field: "name", access: "MASKED", reason: "ROLE" },
      { field: "idNumber", access: "MASKED", reason: "ROLE" },
      { field: "birthDate", access: "MASKED", reason: "ROLE" },
      { field: "phone", access: "WITHHELD", reason: "ROLE" },
      { field: "disabilityLevel", access: "WITHHELD", reason: "ROLE" },
      { field: "seriousIllness", access: "WITHHELD", reason: "ROLE" },
      { field: "workAbility", access: "WITHHELD", reason: "ROLE" },
      { field: "studentStatus", access: "WITHHELD", reason: "ROLE" },
      { field: "employmentStatus", access: "WITHHELD", reason: "ROLE" },
      { field: "monthlyIncome", access: "WITHHELD", reason: "ROLE" },
    ]);
  });
});

describe("record scope", () => {
  it("scopes government bodies to their jurisdiction prefix", () => {
    expect(householdScope(principal("SUBDISTRICT", "CASEWORKER", "130104001000"))).toMatchObject({ kind: "AREA", areaPrefix: "130104001" });
  });

  it("gives charities households only through grants, and the published needs of their area", () => {
    expect(householdScope(principal("CHARITY"))).toMatchObject({ kind: "GRANTED", orgId: principal("CHARITY").org.id });
    expect(needScope(principal("CHARITY"))).toMatchObject({ kind: "PUBLISHED", areaPrefix: "130104" });
  });

  it("gives finance no household records at all", () => {
    expect(householdScope(principal("FINANCE")).kind).toBe("NONE");
    expect(needScope(principal("FINANCE")).kind).toBe("NONE");
  });

  it("gives a resident exactly its own household", () => {
    expect(householdScope(principal("RESIDENT"))).toMatchObject({ kind: "HOUSEHOLD" });
  });
});
