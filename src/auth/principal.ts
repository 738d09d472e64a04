import type { OrgKind, Role } from "../modules/organizations/organizations.enums.js";

/** The verified caller of one request: who, for which organization, in which role. */
export interface Principal {
  /** The token's `sub`: the person at the organization (pseudonymous staff id). */
  readonly subject: string;
  readonly issuer: string;
  readonly role: Role;
  readonly org: {
    readonly id: string;
    readonly code: string;
    readonly kind: OrgKind;
    readonly nameZh: string;
    readonly nameEn: string | null;
    readonly jurisdictionAreaCode: string;
  };
  /** The token's `purpose` claim, when the identity provider states one. */
  readonly purpose: string | null;
  /** RESIDENT callers act for exactly one household. */
  readonly householdId: string | null;
}
