import { defineReasons, domainError } from "../../shared/errors.js";

export const ClaimErrorReason = defineReasons({
  /** Missing, or not the caller's own (claims are its claimant's). */
  CLAIM_NOT_FOUND: "NOT_FOUND",
  /** The resource claimed against: missing or not owned by the caller's organization. */
  RESOURCE_NOT_FOUND: "NOT_FOUND",
  /** The need: missing or outside the claimant's area. */
  NEED_NOT_FOUND: "NOT_FOUND",
  /** No charity or volunteer organization with the code (among those the caller may see). */
  CHARITY_NOT_FOUND: "NOT_FOUND",
  NEED_ALREADY_CLAIMED: "CONFLICT",
  /** Cancelled or fulfilled: nothing to claim. */
  NEED_NOT_OPEN: "CONFLICT",
  RESOURCE_NOT_ACTIVE: "CONFLICT",
  RESOURCE_OUTSIDE_WINDOW: "CONFLICT",
  /** No slot or not enough budget left. */
  RESOURCE_EXHAUSTED: "CONFLICT",
  CLAIM_NOT_ACTIVE: "CONFLICT",
  /** The resource does not meet needs of this category. */
  CATEGORY_NOT_COVERED: "BAD_USER_INPUT",
  /** The need lies outside the resource's service areas. */
  AREA_NOT_SERVED: "BAD_USER_INPUT",
  /** The need carries none of the resource's eligibility tags. */
  NOT_ELIGIBLE: "BAD_USER_INPUT",
  AMOUNT_REQUIRED: "BAD_USER_INPUT",
  INVALID_AMOUNT: "BAD_USER_INPUT",
  AMOUNT_OVER_CAP: "BAD_USER_INPUT",
  AMOUNT_OVER_NEED: "BAD_USER_INPUT",
  INVALID_DELIVERY: "BAD_USER_INPUT",
});
export type ClaimErrorReason = keyof typeof ClaimErrorReason;
export class ClaimError extends domainError("ClaimError", ClaimErrorReason) {}
