import { maskMoneyFen } from "../../privacy/mask.js";
import { defineCatalogue } from "../../privacy/project.js";
import type { AssistanceType, CaseChannel, CaseStatus } from "./cases.enums.js";
import type { CaseReadRow } from "./cases.table.js";

export interface CaseSource {
  id: string;
  caseNo: string;
  householdId: string;
  handlingOrgId: string;
  areaCode: string;
  type: AssistanceType;
  channel: CaseChannel;
  status: CaseStatus;
  appliedOn: string;
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
    handlingOrgId: row.handlingOrgId,
    areaCode: row.areaCode,
    type: row.type,
    channel: row.channel,
    status: row.status,
    appliedOn: row.appliedOn,
    decidedOn: row.decidedOn,
    nextReviewOn: row.nextReviewOn,
    monthlyBenefit: row.monthlyBenefitFen,
  };
}
