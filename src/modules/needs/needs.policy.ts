import { defineCatalogue } from "../../privacy/project.js";
import type { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import type { NeedRow } from "./needs.table.js";

export interface NeedSource {
  id: string;
  needNo: string;
  householdId: string;
  caseId: string | null;
  recordedByOrgId: string;
  category: NeedCategory;
  urgency: NeedUrgency;
  title: string;
  description: string | null;
  /** fen */
  amount: number | null;
  areaCode: string;
  beneficiaryTags: string[];
  status: NeedStatus;
  neededBy: string | null;
}

// A need is published for matching: its own facts are BASIC; the link to a case reveals the
// household's assistance status and is CASE.
export const NEED_CATALOGUE = defineCatalogue<NeedSource>("Need", { id: "id", household: "householdId" }, {
  id: { category: "BASIC" },
  needNo: { category: "BASIC" },
  householdId: { category: "BASIC" },
  caseId: { category: "CASE" },
  recordedByOrgId: { category: "BASIC" },
  category: { category: "BASIC" },
  urgency: { category: "BASIC" },
  title: { category: "BASIC" },
  description: { category: "BASIC" },
  amount: { category: "BASIC" },
  areaCode: { category: "BASIC" },
  beneficiaryTags: { category: "BASIC" },
  status: { category: "BASIC" },
  neededBy: { category: "BASIC" },
});

export function needSource(row: NeedRow): NeedSource {
  return {
    id: row.id,
    needNo: row.needNo,
    householdId: row.householdId,
    caseId: row.caseId,
    recordedByOrgId: row.recordedByOrgId,
    category: row.category,
    urgency: row.urgency,
    title: row.title,
    description: row.description,
    amount: row.amountFen,
    areaCode: row.areaCode,
    beneficiaryTags: row.beneficiaryTags,
    status: row.status,
    neededBy: row.neededBy,
  };
}
