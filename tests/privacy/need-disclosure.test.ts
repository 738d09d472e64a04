import { describe, expect, it } from "vitest";
import { generateDemoDistrict } from "../../src/demo/generate.js";
import { NEED_CATALOGUE, tagCategory } from "../../src/modules/needs/index.js";
import { OrgKind, ROLES_BY_ORG_KIND } from "../../src/modules/organizations/organizations.enums.js";
import { DataCategory } from "../../src/privacy/categories.js";
import { Projector, decideField, type Grant } from "../../src/privacy/project.js";
import { householdScope, needScope } from "../../src/privacy/scope.js";
import { principal } from "../support/principals.js";
import { needSource } from "../../src/modules/needs/needs.policy.js";
import { testCipher } from "../support/cipher.js";

// Every datum on a need has a category, tags and free text included: for every org kind and role,
// on every relationship it can hold, no tag, note or household link of a category the caller may not
// see in full reaches it — checked against the policy decision per category, not the projector's own.

const district = generateDemoDistrict();
const cipher = testCipher();
const needs = district.needs.map((n) => needSource({ ...n, createdAt: new Date(0), updatedAt: new Date(0) } as never, cipher));

describe("needs disclose by category, item by item", () => {
  it.each(OrgKind.values.flatMap((kind) => ROLES_BY_ORG_KIND[kind].map((role) => [kind, role] as const)))("%s %s", (kind, role) => {
    const p = principal(kind, role);
    const projector = new Projector(p);
    const grants: Grant[] = [householdScope(p).grant, needScope(p).grant];
    for (const grant of grants) {
      const full = new Set(DataCategory.values.filter((c) => decideField(p, { category: c }, grant).access === "FULL"));
      for (const need of needs) {
        const view = projector.project(NEED_CATALOGUE, need, grant);
        for (const tag of view.beneficiaryTags ?? []) expect(full.has(tagCategory(tag)), `${kind}/${role} tag ${tag}`).toBe(true);
        // Every tag the caller may see is there: filtering is not over-eager.
        expect(view.beneficiaryTags ?? []).toEqual(need.beneficiaryTags!.filter((t) => full.has(tagCategory(t))));
        if (view.note !== null) expect(full.has(view.note.category), `${kind}/${role} note`).toBe(true);
        else if (need.note) expect(full.has(need.note.category)).toBe(false);
        if (view.householdId !== null) expect(full.has("IDENTITY")).toBe(true);
        if (view.caseId !== null) expect(full.has("CASE")).toBe(true);
      }
    }
  });

  it("is not vacuous: the demo's needs carry tags and notes of sensitive categories", () => {
    const tagCategories = new Set(needs.flatMap((n) => n.beneficiaryTags!.map(tagCategory)));
    expect([...tagCategories].sort()).toEqual(["BASIC", "CASE", "DISABILITY", "EDUCATION", "EMPLOYMENT", "FINANCIAL", "HEALTH", "HOUSING", "IDENTITY", "PROTECTION"]);
    expect(new Set(needs.flatMap((n) => (n.note ? [n.note.category] : []))).size).toBeGreaterThan(5);
  });
});
