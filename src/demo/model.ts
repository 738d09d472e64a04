import type { NewCaseRow } from "../modules/cases/cases.table.js";
import type { HouseholdRecord, PersonRecord } from "../modules/households/households.table.js";
import type { NewNeedRow } from "../modules/needs/needs.table.js";
import type { NewOrganizationRow } from "../modules/organizations/organizations.table.js";
import type { NewResourceRow } from "../modules/resources/resources.table.js";

// Row shapes the demo generator produces: the tables' insert rows with the id always present
// (ids are deterministic, never left to gen_random_uuid) and the defaulted columns spelled out,
// so the generator's own reasoning (ages, incomes, tags) never has to guess a database default.

type WithId<T> = T & { id: string };

export type DemoOrganizationRow = WithId<NewOrganizationRow>;
export type DemoHouseholdRow = WithId<HouseholdRecord> & { bankAccount: string | null };
export type DemoPersonRow = WithId<PersonRecord> &
  Required<
    Pick<
      PersonRecord,
      "phone" | "disabilityLevel" | "seriousIllness" | "studentStatus" | "monthlyIncomeFen"
    >
  >;
export type DemoCaseRow = WithId<NewCaseRow> &
  Required<Pick<NewCaseRow, "decidedOn" | "nextReviewOn" | "monthlyBenefitFen">>;
export type DemoNeedRow = WithId<NewNeedRow> &
  Required<Pick<NewNeedRow, "caseId" | "description" | "amountFen" | "beneficiaryTags" | "status" | "neededBy">>;
export type DemoResourceRow = WithId<NewResourceRow> &
  Required<
    Pick<
      NewResourceRow,
      "description" | "eligibilityTags" | "capacitySlots" | "budgetFen" | "perBeneficiaryCapFen" | "endsOn" | "status"
    >
  >;

/** The whole demo district as plain insert rows, in foreign-key order. */
export interface DemoDistrict {
  readonly organizations: DemoOrganizationRow[];
  readonly households: DemoHouseholdRow[];
  readonly persons: DemoPersonRow[];
  readonly cases: DemoCaseRow[];
  readonly needs: DemoNeedRow[];
  readonly resources: DemoResourceRow[];
}

/**
 * Beneficiary and eligibility tags: one vocabulary for needs (who benefits) and resources (whom
 * they serve), so matching can compare them directly.
 */
export const DEMO_TAGS = [
  "elderly",
  "living-alone",
  "child",
  "student",
  "disability",
  "serious-illness",
  "unemployed",
  "minimum-living",
  "extreme-poverty",
  "low-income",
  "children-in-difficulty",
  "disaster-affected",
  "residence-permit",
] as const;
export type DemoTag = (typeof DEMO_TAGS)[number];

/**
 * Demo-only money assumptions (fen per person per month). The eligibility module owns the real
 * standards table; these only keep the generated incomes and benefits mutually plausible.
 */
export const DEMO_STANDARDS = {
  /** 低保 standard (urban). */
  minimumLivingFen: 90_000,
  /** 低收入 line: 1.5 × the 低保 standard. */
  lowIncomeLineFen: 135_000,
  /** 特困 basic living standard: 1.3 × the 低保 standard. */
  extremePovertyBasicFen: 117_000,
} as const;
