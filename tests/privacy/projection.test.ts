import { describe, expect, it } from "vitest";
import { PERSON_CATALOGUE, type PersonSource } from "../../src/modules/households/households.policy.js";
import { OrgKind, ROLES_BY_ORG_KIND } from "../../src/modules/organizations/organizations.enums.js";
import { DataCategory } from "../../src/privacy/categories.js";
import { ACCESS_POLICY, policyAccess } from "../../src/privacy/policy.js";
import { Projector, Sealed, decideField } from "../../src/privacy/project.js";
import { JURISDICTION_GRANT, PUBLISHED_NEED_GRANT, householdScope, needScope } from "../../src/privacy/scope.js";
import { principal } from "../support/principals.js";

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
  it("covers every org kind and gives every role of the kind a decision for every category", () => {
    for (const kind of OrgKind.values) {
      expect(ACCESS_POLICY[kind]).toBeDefined();
      for (const role of ROLES_BY_ORG_KIND[kind]) {
        for (const category of DataCategory.values) {
          expect(["FULL", "MASKED", "WITHHELD"]).toContain(policyAccess(kind, role, category).access);
        }
      }
    }
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
    expect(view.idNumber).toBe("139901********1236");
    expect(view.phone).toBeNull();
    expect(view.monthlyIncome).toBeNull();
    expect(view.birthDate).toBe("1980-**-**");
    expect(view.sex).toBe("FEMALE");
    expect(view.redactions).toContainEqual({ field: "phone", access: "WITHHELD", reason: "NO_CONSENT" });
    expect(view.redactions).toContainEqual({ field: "name", access: "MASKED", reason: "NO_CONSENT" });
    expect(view.redactions).toContainEqual({ field: "idNumber", access: "MASKED", reason: "MINIMUM_NECESSITY" });
    expect(view.redactions).toContainEqual({ field: "monthlyIncome", access: "WITHHELD", reason: "OUT_OF_REMIT" });
  });

  it("opens names and contact to a charity under consent, but never the full ID number or finances", () => {
    const consented = { relationship: "CLAIM", consented: new Set(["IDENTITY", "CONTACT"] as const) } as const;
    const view = new Projector(principal("CHARITY")).project(PERSON_CATALOGUE, person, consented);
    expect(view).toMatchObject({ name: "示例甲", phone: "17400001234", birthDate: "1980-01-01", idNumber: "139901********1236", monthlyIncome: null });
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
    expect(view.redactions).toContainEqual({ field: "name", access: "WITHHELD", reason: "NOT_ASSIGNED" });
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
    expect(view.redactions).toContainEqual({ field: "phone", access: "WITHHELD", reason: "ROLE" });
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
