import { maskMoneyFen } from "../../privacy/mask.js";
import { defineCatalogue } from "../../privacy/project.js";
import type { AssistanceType, CaseChannel, CaseStatus } from "./cases.enums.js";
import type { CaseReadRow } from "./cases.table.js";

/** A view's source; beyond the keys, a field is also null when the operation did not select it. */
export interface CaseSource {
  id: string;
  caseNo: string;
  householdId: string;
  handlingOrgId: string | null;
  areaCode: string;
  type: AssistanceType | null;
  channel: CaseChannel | null;
  status: CaseStatus | null;
  appliedOn: string | null;
  decidedOn: string | null;
  nextReviewOn: string | null;
  /** fen */
  monthlyBenefit: number | null;
}

export const CASE_CATALOGUE = defineCatalogue<CaseSource>("Case", { id: "id", household: "householdId" }, {
  id: { category: "BASIC" },
  caseNo: { category: "BASIC" },
  householdId: { category: "BASIC" },
  handlingOrgId: { category: "BASIC" },
  areaCode: { category: "BASIC" },
  type: { category: "CASE" },
  channel: { category: "CASE" },
  status: { category: "CASE" },
  appliedOn: { category: "CASE" },
  decidedOn: { category: "CASE" },
  nextReviewOn: { category: "CASE" },
  monthlyBenefit: { category: "FINANCIAL", mask: maskMoneyFen },
});

export function caseSource(row: CaseReadRow): CaseSource {
  return {
    id: row.id,
    caseNo: row.caseNo,
    householdId: row.householdId,
    handlingOrgId: row.handlingOrgId ?? null,
    areaCode: row.areaCode,
    type: row.type ?? null,
    channel: row.channel ?? null,
    status: row.status ?? null,
    appliedOn: row.appliedOn ?? null,
    decidedOn: row.decidedOn ?? null,
    nextReviewOn: row.nextReviewOn ?? null,
    monthlyBenefit: row.monthlyBenefitFen ?? null,
  };
}
