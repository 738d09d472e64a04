import { defineReasons, domainError } from "../../shared/errors.js";

export const CaseErrorReason = defineReasons({
  /** Missing and outside the caller's scope alike. */
  CASE_NOT_FOUND: "NOT_FOUND",
  /** Filtering by a field the caller cannot read in full would leak it through the result set. */
  FILTER_OUTSIDE_REMIT: "BAD_USER_INPUT",
});
export type CaseErrorReason = keyof typeof CaseErrorReason;
export class CaseError extends domainError("CaseError", CaseErrorReason) {}
