import type { Principal } from "../auth/principal.js";
import type { OrgKind } from "../modules/organizations/organizations.enums.js";
import { areaPrefix } from "../shared/area.js";
import { DataCategory } from "./categories.js";
import type { Grant } from "./project.js";

// Record scope: which rows a caller can reach at all. Outside scope is "not found", never
// "forbidden". Repositories are constructed with one of these and put it in every query.

export type RecordScope =
  /** Every record whose area code starts with the prefix (jurisdiction). */
  | { readonly kind: "AREA"; readonly areaPrefix: string; readonly grant: Grant }
  /** Exactly one household (a resident acting for its own). */
  | { readonly kind: "HOUSEHOLD"; readonly householdId: string; readonly grant: Grant }
  /** Households the organization holds a live grant for (referral, assignment, claim); the
   * per-household grant, with its categories and the household's consents, is resolved per row. */
  | { readonly kind: "GRANTED"; readonly orgId: string; readonly grant: Grant }
  /** Needs published for matching inside the prefix (charities, volunteers, agencies), and the needs
   * the organization holds a live claim on. */
  | { readonly kind: "PUBLISHED"; readonly areaPrefix: string; readonly orgId: string; readonly grant: Grant }
  /** Nothing reachable; its grant withholds everything should a row ever slip through. */
  | { readonly kind: "NONE"; readonly grant: Grant };

/**
 * Whether a district has few scopes of this kind (one per organization, area): statements built for it
 * may be prepared on every connection. A HOUSEHOLD scope is one per resident household.
 */
export function fewScopesOfKind(scope: RecordScope): boolean {
  return scope.kind !== "HOUSEHOLD";
}

/** What a scope's SQL condition depends on (its grant aside): a key for statement texts built once per scope. */
export function scopeKey(scope: RecordScope): string {
  switch (scope.kind) {
    case "AREA":
      return `AREA:${scope.areaPrefix}`;
    case "HOUSEHOLD":
      return `HOUSEHOLD:${scope.householdId}`;
    case "GRANTED":
      return `GRANTED:${scope.orgId}`;
    case "PUBLISHED":
      return `PUBLISHED:${scope.areaPrefix}:${scope.orgId}`;
    case "NONE":
      return "NONE";
  }
}

/** Bodies that act on household records under jurisdiction within their remit. */
export const JURISDICTION_KINDS: ReadonlySet<OrgKind> = new Set<OrgKind>([
  "CIVIL_AFFAIRS",
  "SUBDISTRICT",
  "COMMUNITY",
  "HEALTHCARE_SECURITY",
  "HEALTH",
  "EDUCATION",
  "HOUSING",
  "HUMAN_RESOURCES",
  "EMERGENCY_MANAGEMENT",
  "COURT",
  "JUSTICE",
]);

/** Social forces see needs published for matching, and households only through grants. */
const SOCIAL_FORCE_KINDS: ReadonlySet<OrgKind> = new Set<OrgKind>(["CHARITY", "VOLUNTEER_ORG", "SOCIAL_WORK_AGENCY"]);

export const NO_GRANT: Grant = Object.freeze({
  relationship: "NONE",
  caps: Object.freeze(Object.fromEntries(DataCategory.values.map((c) => [c, "WITHHELD"]))),
} satisfies Grant);
const NONE: RecordScope = Object.freeze({ kind: "NONE", grant: NO_GRANT });

export const JURISDICTION_GRANT: Grant = Object.freeze({ relationship: "JURISDICTION" });
export const SELF_GRANT: Grant = Object.freeze({ relationship: "SELF" });
/** What a published need discloses about its household: enough to match, nothing to identify. */
export const PUBLISHED_NEED_GRANT: Grant = Object.freeze({
  relationship: "PUBLISHED_NEED",
  caps: Object.freeze({
    CASE: "WITHHELD",
    IDENTITY: "WITHHELD",
    CONTACT: "WITHHELD",
    FINANCIAL: "WITHHELD",
    HEALTH: "WITHHELD",
    EMPLOYMENT: "WITHHELD",
    JUDICIAL: "WITHHELD",
    PROTECTION: "WITHHELD",
    // Enough to match a need, not to profile the household: at most masked forms.
    DISABILITY: "MASKED",
    EDUCATION: "MASKED",
    HOUSING: "MASKED",
  }),
} satisfies Grant);

/** Scope for households, their members and their cases. */
export function householdScope(principal: Principal): RecordScope {
  if (principal.org.kind === "RESIDENT") {
    return principal.householdId ? { kind: "HOUSEHOLD", householdId: principal.householdId, grant: SELF_GRANT } : NONE;
  }
  if (JURISDICTION_KINDS.has(principal.org.kind)) {
    return { kind: "AREA", areaPrefix: areaPrefix(principal.org.jurisdictionAreaCode), grant: JURISDICTION_GRANT };
  }
  if (SOCIAL_FORCE_KINDS.has(principal.org.kind)) return { kind: "GRANTED", orgId: principal.org.id, grant: NO_GRANT };
  return NONE;
}

/** Scope for needs: as households, plus published needs for the social forces. */
export function needScope(principal: Principal): RecordScope {
  // A claimed need stays visible to its claimant (needs.claimed_by_org_id); its household arrives
  // through the claim's CLAIM grant (householdScope's GRANTED), not through the need.
  if (SOCIAL_FORCE_KINDS.has(principal.org.kind)) {
    return { kind: "PUBLISHED", areaPrefix: areaPrefix(principal.org.jurisdictionAreaCode), orgId: principal.org.id, grant: PUBLISHED_NEED_GRANT };
  }
  return householdScope(principal);
}
