import { defineCatalogue } from "../../privacy/project.js";

/** A resource's fields for the change log: public programme data, no household's. */
export interface ResourceAuditSource {
  id: string;
  resourceNo: string;
  ownerOrgId: string;
  kind: string;
  name: string;
  description: string | null;
  categories: string;
  serviceAreaCodes: string;
  eligibilityTags: string;
  capacitySlots: number | null;
  budget: number | null;
  perBeneficiaryCap: number | null;
  slotsClaimed: number;
  budgetClaimed: number;
  startsOn: string;
  endsOn: string | null;
  status: string;
}

/** Change log only (resources are shown through resourceView, never projected: no household key). */
export const RESOURCE_CATALOGUE = defineCatalogue<ResourceAuditSource>("Resource", { id: "id", household: "id" }, {
  id: { category: "BASIC" },
  resourceNo: { category: "BASIC" },
  ownerOrgId: { category: "BASIC" },
  kind: { category: "BASIC" },
  name: { category: "BASIC" },
  description: { category: "BASIC" },
  categories: { category: "BASIC" },
  serviceAreaCodes: { category: "BASIC" },
  eligibilityTags: { category: "BASIC" },
  capacitySlots: { category: "BASIC" },
  budget: { category: "BASIC" },
  perBeneficiaryCap: { category: "BASIC" },
  slotsClaimed: { category: "BASIC" },
  budgetClaimed: { category: "BASIC" },
  startsOn: { category: "BASIC" },
  endsOn: { category: "BASIC" },
  status: { category: "BASIC" },
});
