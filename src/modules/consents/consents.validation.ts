import type { DataCategory } from "../../privacy/categories.js";
import { CONSENTABLE_CATEGORIES, CONSENT_REQUIRED_KINDS } from "../../privacy/policy.js";
import { codeOrThrow, textOrThrow, timestampOrThrow } from "../../shared/validate.js";
import type { OrgKind } from "../organizations/organizations.enums.js";
import { ConsentError } from "./consents.errors.js";

export const MAX_CONSENT_DAYS = 3 * 365;
const DAY_MS = 24 * 3600 * 1000;

export interface RecordConsentData {
  householdId: string;
  recipientOrgCode?: string | null;
  recipientOrgKind?: OrgKind | null;
  purpose: string;
  categories: DataCategory[];
  expiresAt: string;
  evidenceRef: string;
}

/** Pure checks of a consent record; the recipient organization's existence is checked by the service. */
export function validateConsent(input: RecordConsentData, now: Date): {
  purpose: string;
  evidenceRef: string;
  categories: DataCategory[];
  expiresAt: Date;
  recipient: { orgCode: string } | { orgKind: OrgKind };
} {
  const hasCode = input.recipientOrgCode != null && input.recipientOrgCode !== "";
  const hasKind = input.recipientOrgKind != null;
  if (hasCode === hasKind) {
    throw ConsentError.atField("RECIPIENT_REQUIRED", "name exactly one recipient: recipientOrgCode or recipientOrgKind", "input.recipientOrgCode");
  }
  if (hasKind && !CONSENT_REQUIRED_KINDS.has(input.recipientOrgKind!)) {
    throw ConsentError.atField(
      "RECIPIENT_NOT_CONSENT_BASED",
      `consent is recorded only for organizations whose access depends on it (${[...CONSENT_REQUIRED_KINDS].join(", ")})`,
      "input.recipientOrgKind",
    );
  }
  if (input.categories.length === 0) throw ConsentError.atField("NO_CATEGORIES", "categories must name at least one data category", "input.categories");
  const outside = input.categories.filter((c) => !CONSENTABLE_CATEGORIES.has(c));
  if (outside.length > 0) {
    throw ConsentError.atField(
      "CATEGORY_NOT_CONSENTABLE",
      `consent can open only ${[...CONSENTABLE_CATEGORIES].join(", ")}; not ${outside.join(", ")}`,
      "input.categories",
    );
  }
  const expiresAt = timestampOrThrow(input.expiresAt, "input.expiresAt");
  if (expiresAt.getTime() <= now.getTime()) throw ConsentError.atField("EXPIRY_IN_PAST", "expiresAt must be in the future", "input.expiresAt");
  if (expiresAt.getTime() > now.getTime() + MAX_CONSENT_DAYS * DAY_MS) {
    throw ConsentError.atField("EXPIRY_TOO_FAR", `a consent lasts at most ${MAX_CONSENT_DAYS} days; record a new one to renew it`, "input.expiresAt");
  }
  return {
    purpose: textOrThrow(input.purpose, { field: "input.purpose", min: 2, max: 200 }),
    evidenceRef: textOrThrow(input.evidenceRef, { field: "input.evidenceRef", min: 1, max: 100 }),
    categories: [...new Set(input.categories)].sort(),
    expiresAt,
    recipient: hasCode ? { orgCode: codeOrThrow(input.recipientOrgCode!, "input.recipientOrgCode") } : { orgKind: input.recipientOrgKind! },
  };
}
