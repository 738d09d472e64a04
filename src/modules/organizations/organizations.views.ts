import type { OrgKind } from "./organizations.enums.js";
import type { OrganizationRow } from "./organizations.table.js";

/** Organizations are public bodies and registered charities: no household data, no projection. */
export interface OrganizationView {
  readonly id: string;
  readonly code: string;
  readonly kind: OrgKind;
  readonly nameZh: string;
  readonly nameEn: string | null;
  readonly jurisdictionAreaCode: string;
}

/** Row → view: a new column is not shown until it is added here. */
export function organizationView(row: OrganizationRow): OrganizationView {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    jurisdictionAreaCode: row.jurisdictionAreaCode,
  };
}
