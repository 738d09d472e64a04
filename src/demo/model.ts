import type { NewCaseRow } from "../modules/cases/cases.table.js";
import type { HouseholdRecord, PersonRecord } from "../modules/households/households.table.js";
import type { NewNeedRow } from "../modules/needs/needs.table.js";
import { BeneficiaryTag } from "../modules/needs/needs.enums.js";
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
  Required<Pick<NewNeedRow, "caseId" | "description" | "noteCategory" | "amountFen" | "beneficiaryTags" | "status" | "neededBy">>;
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

/** The tag vocabulary (needs.enums.ts), for the generators. */
export const DEMO_TAGS = BeneficiaryTag.values;
export type DemoTag = BeneficiaryTag;

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
