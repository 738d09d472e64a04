import { describe, expect, it } from "vitest";
import { AccessRecorder } from "../../src/audit/index.js";
import type { DataCategory } from "../../src/privacy/categories.js";
import { principal } from "../support/principals.js";
import { HOUSEHOLD_A, HOUSEHOLD_B } from "./entries.js";

// The recorder turns a request's views into disclosures: one per entity type and set of categories shown.

const request = { principal: principal("CHARITY"), requestId: "req-1", operation: "Query.needs", purpose: null, at: new Date(Date.UTC(2025, 0, 1)) };
const fields = (entries: Array<[string, DataCategory]>) => new Map(entries);

describe("AccessRecorder", () => {
  // A charity with consent from household A (names in full) but not from B: two decision sets.
  const consented = fields([["name", "IDENTITY"], ["phone", "CONTACT"]]);
  const plain = fields([]);

  it("keeps households whose views showed different categories apart", () => {
    const r = new AccessRecorder();
    r.projected("Person", "p-a1", HOUSEHOLD_A, consented);
    r.projected("Person", "p-a2", HOUSEHOLD_A, consented);
    r.projected("Person", "p-b1", HOUSEHOLD_B, plain);
    const shownName = (_type: string, field: string) => field === "name";
    expect(r.entry({ ...request, shown: shownName }).disclosures).toEqual([
      { outcome: "ALLOWED", entityType: "Person", entityIds: ["p-a1", "p-a2"], householdIds: [HOUSEHOLD_A], categoriesFull: ["IDENTITY"], detail: null },
      { outcome: "ALLOWED", entityType: "Person", entityIds: ["p-b1"], householdIds: [HOUSEHOLD_B], categoriesFull: [], detail: null },
    ]);
  });

  it("merges views decided differently when the difference was not shown", () => {
    const r = new AccessRecorder();
    r.projected("Person", "p-a1", HOUSEHOLD_A, consented);
    r.projected("Person", "p-b1", HOUSEHOLD_B, plain);
    expect(r.entry({ ...request, shown: () => false }).disclosures).toEqual([
      { outcome: "ALLOWED", entityType: "Person", entityIds: ["p-a1", "p-b1"], householdIds: [HOUSEHOLD_A, HOUSEHOLD_B], categoriesFull: [], detail: null },
    ]);
  });

  it("counts every full field when it is not told what was shown, and keeps direct disclosures and refusals as given", () => {
    const r = new AccessRecorder();
    expect(r.isEmpty).toBe(true);
    r.projected("Person", "p-a1", HOUSEHOLD_A, consented);
    r.disclosed("AssistanceStatus", "p-a1", HOUSEHOLD_A, ["CASE"]);
    r.denied("Household", "NOT_IN_SCOPE", HOUSEHOLD_B, HOUSEHOLD_B);
    expect(r.isEmpty).toBe(false);
    expect(r.entry(request).disclosures.map((d) => [d.outcome, d.entityType, d.categoriesFull, d.detail])).toEqual([
      ["ALLOWED", "Person", ["CONTACT", "IDENTITY"], null],
      ["ALLOWED", "AssistanceStatus", ["CASE"], null],
      ["DENIED", "Household", [], "NOT_IN_SCOPE"],
    ]);
  });
});
