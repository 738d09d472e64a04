import type { NeedCategory } from "../needs/needs.enums.js";
import type { ResourceKind, ResourceStatus } from "./resources.enums.js";
import type { ResourceRow } from "./resources.table.js";

/** A resource as the API shows it: public data (programs, projects and posts), no household data. */
export interface ResourceView {
  readonly id: string;
  readonly resourceNo: string;
  readonly ownerOrgId: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly description: string | null;
  readonly categories: NeedCategory[];
  readonly serviceAreaCodes: string[];
  readonly eligibilityTags: string[];
  readonly capacitySlots: number | null;
  readonly budget: number | null;
  readonly perBeneficiaryCap: number | null;
  readonly slotsLeft: number | null;
  readonly budgetLeft: number | null;
  readonly startsOn: string;
  readonly endsOn: string | null;
  readonly status: ResourceStatus;
}

/** Row → view: a new column is not shown until it is added here. */
export function resourceView(row: ResourceRow): ResourceView {
  return {
    id: row.id,
    resourceNo: row.resourceNo,
    ownerOrgId: row.ownerOrgId,
    kind: row.kind,
    name: row.name,
    description: row.description,
    categories: row.categories,
    serviceAreaCodes: row.serviceAreaCodes,
    eligibilityTags: row.eligibilityTags,
    capacitySlots: row.capacitySlots,
    budget: row.budgetFen,
    perBeneficiaryCap: row.perBeneficiaryCapFen,
    slotsLeft: row.capacitySlots === null ? null : row.capacitySlots - row.slotsClaimed,
    budgetLeft: row.budgetFen === null ? null : row.budgetFen - row.budgetClaimedFen,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    status: row.status,
  };
}
