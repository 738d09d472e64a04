import type { DataCategory } from "../../privacy/categories.js";
import { defineCatalogue, type Grant } from "../../privacy/project.js";
import type { ClaimStatus } from "./claims.enums.js";
import type { ClaimRow } from "./claims.table.js";

/**
 * What a claim grant opens on the claimed need's household while the claim is active (the grant's
 * ceiling; the charity's remit and the household's consent narrow it further: names masked and contact
 * withheld until the household consents, ID numbers never in full — households.policy.ts).
 */
export const CLAIM_GRANT_CATEGORIES: DataCategory[] = ["IDENTITY", "CONTACT"];

/** Days a claim may stay unfulfilled before it expires and the need opens again. */
export const CLAIM_DAYS = 30;

/** A claim as its claimant sees it: its own record, nothing of the household beyond the grant. */
export const CLAIMANT_VIEW_GRANT: Grant = Object.freeze({
  relationship: "CLAIM",
  caps: Object.freeze({ IDENTITY: "WITHHELD", CASE: "WITHHELD" }),
} satisfies Grant);

export interface ClaimSource {
  id: string;
  claimNo: string;
  needId: string;
  resourceId: string;
  claimantOrgId: string;
  /** The need's household: links the claimant's claims to one household, so identity. */
  householdId: string;
  status: ClaimStatus;
  /** fen */
  amount: number | null;
  claimedAt: string;
  dueBy: string;
  /** fen */
  deliveredAmount: number | null;
  deliveredOn: string | null;
  evidenceRef: string | null;
  fulfilledAt: string | null;
  /** The claimant's own words, checked on write for names and numbers: BASIC, as the rest of its claim. */
  releaseReason: string | null;
  endedAt: string | null;
}

export const CLAIM_CATALOGUE = defineCatalogue<ClaimSource>("Claim", { id: "id", household: "householdId" }, {
  id: { category: "BASIC" },
  claimNo: { category: "BASIC" },
  needId: { category: "BASIC" },
  resourceId: { category: "BASIC" },
  claimantOrgId: { category: "BASIC" },
  householdId: { category: "IDENTITY" },
  status: { category: "BASIC" },
  amount: { category: "BASIC" },
  claimedAt: { category: "BASIC" },
  dueBy: { category: "BASIC" },
  deliveredAmount: { category: "BASIC" },
  deliveredOn: { category: "BASIC" },
  evidenceRef: { category: "BASIC" },
  fulfilledAt: { category: "BASIC" },
  releaseReason: { category: "BASIC" },
  endedAt: { category: "BASIC" },
});

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function claimSource(row: ClaimRow): ClaimSource {
  return {
    id: row.id,
    claimNo: row.claimNo,
    needId: row.needId,
    resourceId: row.resourceId,
    claimantOrgId: row.claimantOrgId,
    householdId: row.householdId,
    status: row.status,
    amount: row.amountFen,
    claimedAt: row.claimedAt.toISOString(),
    dueBy: row.dueBy.toISOString(),
    deliveredAmount: row.deliveredAmountFen,
    deliveredOn: row.deliveredOn,
    evidenceRef: row.evidenceRef,
    fulfilledAt: iso(row.fulfilledAt),
    releaseReason: row.releaseReason,
    endedAt: iso(row.endedAt),
  };
}
