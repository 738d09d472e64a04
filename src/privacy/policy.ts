import type { OrgKind, Role } from "../modules/organizations/organizations.enums.js";
import { DataCategory, accessBelow, type Access } from "./categories.js";

// The access policy as data: (org kind, role) × data category → FULL / MASKED / WITHHELD.
// A bureau acts under legal basis for its own remit only; anything not listed is WITHHELD
// (fail closed). A diff here is a permission change: review it as one.

type CategoryAccess = Partial<{ readonly [C in DataCategory]: Access }>;

interface KindPolicy {
  /** The organization kind's remit. */
  readonly remit: CategoryAccess;
  /** Narrower access for particular roles inside the organization. */
  readonly roles?: Partial<{ readonly [R in Role]: CategoryAccess }>;
  /** Ceilings that hold unless the household has a live consent covering the category. */
  readonly withoutConsent?: CategoryAccess;
}

const F = "FULL" as const;
const M = "MASKED" as const;
const W = "WITHHELD" as const;

const everything = (access: Access): CategoryAccess =>
  Object.fromEntries(DataCategory.values.map((c) => [c, access])) as CategoryAccess;

export const ACCESS_POLICY: { readonly [K in OrgKind]: KindPolicy } = {
  // 民政局 owns the cases: everything within its area; its auditors read the trail, not the files.
  CIVIL_AFFAIRS: {
    remit: everything(F),
    roles: {
      AUDITOR: { ...everything(W), BASIC: F, CASE: F, IDENTITY: M },
    },
  },
  // 街道 single window: intake and review of the whole file.
  SUBDISTRICT: { remit: { ...everything(F), JUDICIAL: M } },
  // 社区 coordinators visit and report; grid workers discover, they do not read the finances.
  COMMUNITY: {
    remit: { ...everything(F), FINANCIAL: M, HEALTH: M, JUDICIAL: W, PROTECTION: M },
    roles: { GRID_WORKER: { FINANCIAL: W, HEALTH: W, PROTECTION: W } },
  },
  // 医保局: medical assistance, auto-inclusion of 低保/特困 members (clause 9).
  HEALTHCARE_SECURITY: {
    remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: M, HEALTH: F, DISABILITY: F },
  },
  // 卫健局: disease emergency aid (clause 9).
  HEALTH: { remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: M, HEALTH: F, DISABILITY: M } },
  // 教育局: education aid for students of assisted households (clause 10) — not their finances.
  EDUCATION: { remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: M, EDUCATION: F, DISABILITY: M } },
  // 住建局: public rental housing, rent subsidy, renovation (clause 11).
  HOUSING: { remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: F, HOUSING: F, FINANCIAL: M } },
  // 人社局: employment aid and public-welfare posts (clause 12).
  HUMAN_RESOURCES: {
    remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: F, EMPLOYMENT: F, EDUCATION: M, DISABILITY: M, FINANCIAL: M },
  },
  // 应急管理局: disaster victims' relief (clauses 13, 17).
  EMERGENCY_MANAGEMENT: {
    remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: F, HOUSING: F, DISABILITY: M, HEALTH: M },
  },
  // 法院: judicial aid for parties in hardship (clause 14).
  COURT: { remit: { BASIC: F, CASE: F, IDENTITY: F, CONTACT: M, JUDICIAL: F, FINANCIAL: M } },
  // 司法局: legal aid only needs "is this person a current recipient" (clause 14).
  JUSTICE: { remit: { BASIC: F, CASE: F, IDENTITY: M } },
  // 财政局: budgets and aggregates only.
  FINANCE: { remit: { BASIC: F } },
  // Charities, volunteers and agencies reach a household only through a claim or an assignment,
  // and see names and contact only under the household's consent; never finances.
  CHARITY: {
    remit: { BASIC: F, IDENTITY: F, CONTACT: F, DISABILITY: M, EDUCATION: M, HOUSING: M },
    withoutConsent: { IDENTITY: M, CONTACT: W },
  },
  VOLUNTEER_ORG: { remit: { BASIC: F, IDENTITY: F, CONTACT: F, DISABILITY: M }, withoutConsent: { IDENTITY: M, CONTACT: W } },
  SOCIAL_WORK_AGENCY: {
    remit: { BASIC: F, CASE: M, IDENTITY: F, CONTACT: F, DISABILITY: F, HEALTH: M, EDUCATION: M, EMPLOYMENT: M, HOUSING: M },
    withoutConsent: { IDENTITY: M, CONTACT: W },
  },
  // A household sees its own file, except protection notes that may concern a member.
  RESIDENT: { remit: { ...everything(F), PROTECTION: W } },
};

export interface PolicyDecision {
  readonly access: Access;
  /** Which layer set the limit: the kind's remit or the role inside it. */
  readonly limitedBy: "REMIT" | "ROLE" | null;
}

/** The access an (org kind, role) has to a category, before record scope and consent. */
export function policyAccess(kind: OrgKind, role: Role, category: DataCategory): PolicyDecision {
  const policy = ACCESS_POLICY[kind];
  const remit = policy.remit[category] ?? W;
  const roleAccess = policy.roles?.[role]?.[category];
  // A role can only narrow its organization's remit, never widen it.
  if (roleAccess !== undefined && accessBelow(roleAccess, remit)) return { access: roleAccess, limitedBy: "ROLE" };
  return { access: remit, limitedBy: remit === F ? null : "REMIT" };
}

/** The ceiling for a category when the household has not consented, if the kind needs consent. */
export function withoutConsentCap(kind: OrgKind, category: DataCategory): Access | undefined {
  return ACCESS_POLICY[kind].withoutConsent?.[category];
}

/** Categories a consent can open: those some kind may see only with consent. Policy as data. */
export const CONSENTABLE_CATEGORIES: ReadonlySet<DataCategory> = new Set(
  Object.values(ACCESS_POLICY).flatMap((p) => Object.keys(p.withoutConsent ?? {}) as DataCategory[]),
);

/** Organization kinds whose access depends on consent. */
export const CONSENT_REQUIRED_KINDS: ReadonlySet<OrgKind> = new Set(
  (Object.keys(ACCESS_POLICY) as OrgKind[]).filter((k) => ACCESS_POLICY[k].withoutConsent !== undefined),
);
