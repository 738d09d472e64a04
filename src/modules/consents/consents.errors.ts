import { defineReasons, domainError } from "../../shared/errors.js";

export const ConsentErrorReason = defineReasons({
  /** Missing and outside the caller's scope alike. */
  CONSENT_NOT_FOUND: "NOT_FOUND",
  CONSENT_ALREADY_WITHDRAWN: "CONFLICT",
  RECIPIENT_REQUIRED: "BAD_USER_INPUT",
  UNKNOWN_RECIPIENT: "BAD_USER_INPUT",
  RECIPIENT_NOT_CONSENT_BASED: "BAD_USER_INPUT",
  NO_CATEGORIES: "BAD_USER_INPUT",
  CATEGORY_NOT_CONSENTABLE: "BAD_USER_INPUT",
  EXPIRY_IN_PAST: "BAD_USER_INPUT",
  EXPIRY_TOO_FAR: "BAD_USER_INPUT",
});
export type ConsentErrorReason = keyof typeof ConsentErrorReason;
export class ConsentError extends domainError("ConsentError", ConsentErrorReason) {}
