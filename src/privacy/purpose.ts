import type { OrgKind } from "../modules/organizations/organizations.enums.js";

// Purpose-bound root access, as data beside the matrix: which root queries that reach household
// data an organization kind may call at all. The matrix says what a remit may see of a record; this
// says how it may come to a record. A remit whose purpose is a yes/no check gets the check, not a
// list to browse (clause 14: legal aid asks "is this person a recipient"). A diff here is a
// permission change: review it as one (the permission snapshot test shows it).

export const HOUSEHOLD_READS = [
  "households",
  "household",
  "cases",
  "case",
  "needs",
  "need",
  "personByIdNumber",
  "assistanceStatus",
] as const;
export type HouseholdRead = (typeof HOUSEHOLD_READS)[number];

const BROWSE_FILES: readonly HouseholdRead[] = ["households", "household", "cases", "case", "personByIdNumber"];
const NEEDS: readonly HouseholdRead[] = ["needs", "need"];

export const ROOT_PURPOSES: { readonly [K in OrgKind]: { readonly purpose: string; readonly reads: readonly HouseholdRead[] } } = {
  CIVIL_AFFAIRS: { purpose: "owns the cases of its district", reads: [...BROWSE_FILES, ...NEEDS] },
  SUBDISTRICT: { purpose: "single-window intake and review", reads: [...BROWSE_FILES, ...NEEDS] },
  COMMUNITY: { purpose: "visits, discovery, recording needs", reads: [...BROWSE_FILES, ...NEEDS] },
  // Medical-aid auto-inclusion of 低保/特困 members (clause 9): lists the cases, checks a patient.
  HEALTHCARE_SECURITY: { purpose: "medical assistance (clause 9)", reads: [...BROWSE_FILES, "assistanceStatus"] },
  HEALTH: { purpose: "disease emergency aid (clause 9)", reads: BROWSE_FILES },
  EDUCATION: { purpose: "education aid for students (clause 10)", reads: BROWSE_FILES },
  HOUSING: { purpose: "housing assistance (clause 11)", reads: BROWSE_FILES },
  HUMAN_RESOURCES: { purpose: "employment assistance (clause 12)", reads: BROWSE_FILES },
  EMERGENCY_MANAGEMENT: { purpose: "disaster relief (clauses 13, 17)", reads: BROWSE_FILES },
  // Judicial aid and legal aid waive the economic review for recipients (clause 14): a check, no list.
  COURT: { purpose: "judicial aid (clause 14)", reads: ["assistanceStatus"] },
  JUSTICE: { purpose: "legal aid (clause 14)", reads: ["assistanceStatus"] },
  // Budgets and aggregate statistics only (clauses 7, 20).
  FINANCE: { purpose: "budgets and aggregates", reads: [] },
  // Social forces reach households only through a workflow (claim, assignment, referral): their
  // record scope holds nothing else, and needs only as published for matching.
  CHARITY: { purpose: "matched needs and claimed households (clause 18)", reads: ["households", "household", ...NEEDS] },
  VOLUNTEER_ORG: { purpose: "matched needs and claimed households (clause 18)", reads: ["households", "household", ...NEEDS] },
  SOCIAL_WORK_AGENCY: { purpose: "purchased services for assigned households (clause 20)", reads: ["households", "household", "cases", "case", ...NEEDS] },
  RESIDENT: { purpose: "its own household (clause 23)", reads: ["households", "household", "cases", "case", ...NEEDS] },
};

/** The org kinds whose purpose includes `read`, for that operation's @Allow rule. */
export function kindsThatMay(read: HouseholdRead): OrgKind[] {
  return (Object.keys(ROOT_PURPOSES) as OrgKind[]).filter((kind) => ROOT_PURPOSES[kind].reads.includes(read));
}
