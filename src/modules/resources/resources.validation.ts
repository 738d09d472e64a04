import { areaContains, isAreaCode } from "../../shared/area.js";
import { dateOrThrow, daysBetween } from "../../shared/calendar.js";
import { textOrThrow } from "../../shared/validate.js";
import { BeneficiaryTag, type NeedCategory } from "../needs/needs.enums.js";
import type { OrgKind } from "../organizations/organizations.enums.js";
import type { ResourceKind, ResourceStatus } from "./resources.enums.js";
import { ResourceError } from "./resources.errors.js";

/** Which organizations run which kinds of resource (policy as data; a diff is a permission change). */
export const RESOURCE_KINDS_BY_ORG_KIND: Partial<{ readonly [K in OrgKind]: readonly ResourceKind[] }> = {
  CHARITY: ["CHARITY_PROJECT"],
  VOLUNTEER_ORG: ["VOLUNTEER_SERVICE"],
  HUMAN_RESOURCES: ["PUBLIC_WELFARE_POST", "GOVERNMENT_PROGRAM"],
  CIVIL_AFFAIRS: ["GOVERNMENT_PROGRAM"],
  HEALTHCARE_SECURITY: ["GOVERNMENT_PROGRAM"],
  HEALTH: ["GOVERNMENT_PROGRAM"],
  EDUCATION: ["GOVERNMENT_PROGRAM"],
  HOUSING: ["GOVERNMENT_PROGRAM"],
  EMERGENCY_MANAGEMENT: ["GOVERNMENT_PROGRAM"],
};

/** Status changes an owner may make. */
export const RESOURCE_TRANSITIONS: { readonly [S in ResourceStatus]: readonly ResourceStatus[] } = {
  DRAFT: ["ACTIVE", "CLOSED"],
  ACTIVE: ["PAUSED", "CLOSED"],
  PAUSED: ["ACTIVE", "CLOSED"],
  CLOSED: [],
};

export interface ResourcePublishData {
  kind: ResourceKind;
  name: string;
  description?: string | null;
  categories: NeedCategory[];
  serviceAreaCodes: string[];
  eligibilityTags?: string[] | null;
  capacitySlots?: number | null;
  /** fen */
  budget?: number | null;
  /** fen */
  perBeneficiaryCap?: number | null;
  startsOn: string;
  endsOn?: string | null;
  /** DRAFT to prepare it, ACTIVE to open it for matching now (default). */
  status?: ResourceStatus | null;
}

export interface ValidResource {
  kind: ResourceKind;
  name: string;
  description: string | null;
  categories: NeedCategory[];
  serviceAreaCodes: string[];
  eligibilityTags: string[];
  capacitySlots: number | null;
  budgetFen: number | null;
  perBeneficiaryCapFen: number | null;
  startsOn: string;
  endsOn: string | null;
  status: "DRAFT" | "ACTIVE";
}

const MAX_BUDGET_FEN = 10_000_000_000; // 100 million yuan
const MAX_SLOTS = 1_000_000;

/** Pure checks of a resource an organization publishes, against its kind and jurisdiction. */
export function validateResource(input: ResourcePublishData, org: { kind: OrgKind; jurisdictionAreaCode: string }, today: string): ValidResource {
  if (!(RESOURCE_KINDS_BY_ORG_KIND[org.kind] ?? []).includes(input.kind)) {
    throw ResourceError.atField("RESOURCE_KIND_NOT_YOURS", `a ${org.kind} organization does not run ${input.kind} resources`, "input.kind");
  }
  const name = textOrThrow(input.name, { field: "input.name", min: 2, max: 100 });
  const description = input.description != null && input.description.trim() !== "" ? textOrThrow(input.description, { field: "input.description", min: 1, max: 2000, multiline: true }) : null;
  const categories = [...new Set(input.categories)];
  if (categories.length === 0) throw ResourceError.atField("NO_CATEGORIES", "categories must name at least one need category", "input.categories");
  const areas = [...new Set(input.serviceAreaCodes.map((c) => c.trim()))];
  if (areas.length === 0 || areas.length > 50) {
    throw ResourceError.atField("INVALID_SERVICE_AREA", "serviceAreaCodes must name 1 to 50 division codes", "input.serviceAreaCodes");
  }
  for (const [i, code] of areas.entries()) {
    if (!isAreaCode(code)) throw ResourceError.atField("INVALID_SERVICE_AREA", "each service area must be a 12-digit division code", `input.serviceAreaCodes[${i}]`);
    if (!areaContains(org.jurisdictionAreaCode, code)) {
      throw ResourceError.atField("INVALID_SERVICE_AREA", `each service area must lie inside your organization's area (${org.jurisdictionAreaCode})`, `input.serviceAreaCodes[${i}]`);
    }
  }
  const tags = [...new Set((input.eligibilityTags ?? []).map((t) => t.trim()))];
  if (tags.some((t) => !(BeneficiaryTag.values as readonly string[]).includes(t)) || tags.length > 8) {
    throw ResourceError.atField("UNKNOWN_TAG", `eligibilityTags: at most 8, from the vocabulary: ${BeneficiaryTag.values.join(", ")}`, "input.eligibilityTags");
  }
  const slots = input.capacitySlots ?? null;
  const budget = input.budget ?? null;
  const cap = input.perBeneficiaryCap ?? null;
  if (slots === null && budget === null) throw ResourceError.atField("INVALID_CAPACITY", "a resource has capacity: capacitySlots, budget or both", "input.capacitySlots");
  if (slots !== null && (!Number.isInteger(slots) || slots < 1 || slots > MAX_SLOTS)) {
    throw ResourceError.atField("INVALID_CAPACITY", `capacitySlots must be 1 to ${MAX_SLOTS}`, "input.capacitySlots");
  }
  if (budget !== null && (!Number.isSafeInteger(budget) || budget <= 0 || budget > MAX_BUDGET_FEN)) {
    throw ResourceError.atField("INVALID_CAPACITY", `budget must be more than 0 and at most ${MAX_BUDGET_FEN / 100} yuan`, "input.budget");
  }
  if (cap !== null && (!Number.isSafeInteger(cap) || cap <= 0 || cap > 2_000_000_000 || (budget !== null && cap > budget))) {
    throw ResourceError.atField("INVALID_CAPACITY", "perBeneficiaryCap must be more than 0 and at most the budget", "input.perBeneficiaryCap");
  }
  const startsOn = dateOrThrow(input.startsOn, "input.startsOn");
  const endsOn = input.endsOn != null && input.endsOn !== "" ? dateOrThrow(input.endsOn, "input.endsOn") : null;
  if (endsOn !== null && daysBetween(startsOn, endsOn) < 0) throw ResourceError.atField("INVALID_WINDOW", "endsOn must not be before startsOn", "input.endsOn");
  if (endsOn !== null && daysBetween(today, endsOn) < 0) throw ResourceError.atField("INVALID_WINDOW", `endsOn must not be in the past (today is ${today})`, "input.endsOn");
  if (daysBetween(today, startsOn) > 366) throw ResourceError.atField("INVALID_WINDOW", "startsOn must be within a year from today", "input.startsOn");
  const status = input.status ?? "ACTIVE";
  if (status !== "DRAFT" && status !== "ACTIVE") throw ResourceError.atField("INVALID_TRANSITION", "a new resource is DRAFT or ACTIVE", "input.status");
  return { kind: input.kind, name, description, categories, serviceAreaCodes: areas, eligibilityTags: tags, capacitySlots: slots, budgetFen: budget, perBeneficiaryCapFen: cap, startsOn, endsOn, status };
}
