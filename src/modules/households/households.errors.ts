import { defineReasons, domainError } from "../../shared/errors.js";

export const HouseholdErrorReason = defineReasons({
  /** Missing and outside the caller's scope alike. */
  HOUSEHOLD_NOT_FOUND: "NOT_FOUND",
  PERSON_NOT_FOUND: "NOT_FOUND",
  ID_NUMBER_REGISTERED: "CONFLICT",
  LOOKUP_OUTSIDE_REMIT: "FORBIDDEN",
  OUTSIDE_JURISDICTION: "FORBIDDEN",
  INVALID_NAME: "BAD_USER_INPUT",
  INVALID_PHONE: "BAD_USER_INPUT",
  INVALID_AMOUNT: "BAD_USER_INPUT",
  ID_NUMBER_MISMATCH: "BAD_USER_INPUT",
  NOT_A_COMMUNITY: "BAD_USER_INPUT",
  MEMBER_COUNT: "BAD_USER_INPUT",
  HEAD_COUNT: "BAD_USER_INPUT",
  DUPLICATE_MEMBER: "BAD_USER_INPUT",
});
export type HouseholdErrorReason = keyof typeof HouseholdErrorReason;
export class HouseholdError extends domainError("HouseholdError", HouseholdErrorReason) {}
