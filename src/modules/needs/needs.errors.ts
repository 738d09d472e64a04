import { defineReasons, domainError } from "../../shared/errors.js";

export const NeedErrorReason = defineReasons({
  /** Missing and outside the caller's scope alike. */
  NEED_NOT_FOUND: "NOT_FOUND",
  /** The household a need is posted for: missing, outside scope, or (for an agency) not assigned to it. */
  HOUSEHOLD_NOT_FOUND: "NOT_FOUND",
  /** Claimant-facing text holding an ID-number-like or phone-like string, or a member's name. */
  PERSONAL_DATA_IN_TEXT: "BAD_USER_INPUT",
  /** A description without the data category of its content (or a category without a description). */
  NOTE_CATEGORY_REQUIRED: "BAD_USER_INPUT",
  INVALID_AMOUNT: "BAD_USER_INPUT",
  INVALID_DEADLINE: "BAD_USER_INPUT",
  UNKNOWN_TAG: "BAD_USER_INPUT",
  /** The case named is not one of the household's. */
  CASE_NOT_OF_HOUSEHOLD: "BAD_USER_INPUT",
  /** The transition asked for does not start from the need's status. */
  NEED_NOT_OPEN: "CONFLICT",
  /** Claimed: only the claimant can give it back (releaseClaim). */
  NEED_CLAIMED: "CONFLICT",
});
export type NeedErrorReason = keyof typeof NeedErrorReason;
export class NeedError extends domainError("NeedError", NeedErrorReason) {}
