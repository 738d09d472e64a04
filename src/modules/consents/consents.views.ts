import type { DataCategory } from "../../privacy/categories.js";
import type { OrgKind, OrganizationView } from "../organizations/index.js";
import type { ConsentAction } from "./consents.enums.js";

/** A consent record as the API shows it: no personal data beyond the household id it belongs to. */
export interface ConsentView {
  readonly id: string;
  readonly householdId: string;
  readonly action: ConsentAction;
  readonly withdrawsId: string | null;
  readonly recipientOrganization: OrganizationView | null;
  readonly recipientOrgKind: OrgKind | null;
  readonly purpose: string;
  readonly categories: DataCategory[];
  readonly validFrom: string;
  readonly expiresAt: string | null;
  readonly evidenceRef: string;
  readonly live: boolean;
  readonly withdrawn: boolean;
  readonly createdAt: string;
}
