import type { AccessDisclosure, AccessEntry, ChangeEntry } from "../../src/audit/index.js";

// Sample audit entries for the audit suites: fictional subjects and ids, no personal data.

export const HOUSEHOLD_A = "0b5e2a6c-3d1f-4c8e-9a7b-2f6d8e1c4a90";
export const HOUSEHOLD_B = "7c1d9e3f-5a2b-4d6c-8e0f-1a3b5c7d9e2f";

let counter = 0;

export function disclosure(overrides: Partial<AccessDisclosure> = {}): AccessDisclosure {
  return {
    outcome: "ALLOWED",
    entityType: "Household",
    entityIds: [HOUSEHOLD_A],
    householdIds: [HOUSEHOLD_A],
    categoriesFull: ["BASIC", "IDENTITY"],
    detail: null,
    ...overrides,
  };
}

/** One request's entry: by default it showed household A's BASIC and IDENTITY data. */
export function accessEntry(overrides: Partial<AccessEntry> = {}): AccessEntry {
  counter += 1;
  return {
    at: new Date(Date.UTC(2025, 2, 1, 8, 0, 0, counter)),
    requestId: `req-${counter}`,
    subject: "caseworker-01",
    orgCode: "QX-MZJ",
    orgKind: "CIVIL_AFFAIRS",
    role: "CASEWORKER",
    purpose: "case handling",
    operation: "Query.household",
    disclosures: [disclosure()],
    ...overrides,
  };
}

export function accessEntries(n: number, overrides: Partial<AccessEntry> = {}): AccessEntry[] {
  return Array.from({ length: n }, () => accessEntry(overrides));
}

export function changeEntry(overrides: Partial<ChangeEntry> = {}): ChangeEntry {
  counter += 1;
  return {
    at: new Date(Date.UTC(2025, 2, 1, 9, 0, 0, counter)),
    requestId: `req-${counter}`,
    subject: "caseworker-01",
    orgCode: "QX-MZJ",
    role: "CASEWORKER",
    entityType: "Household",
    entityId: HOUSEHOLD_A,
    householdId: HOUSEHOLD_A,
    field: "housingSituation",
    oldValue: "RENTED",
    newValue: "OWNED",
    sensitive: false,
    ...overrides,
  };
}
