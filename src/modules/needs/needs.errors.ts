import { defineReasons, domainError } from "../../shared/errors.js";

export const NeedErrorReason = defineReasons({
  /** Missing and outside the caller's scope alike. */
  NEED_NOT_FOUND: "NOT_FOUND",
  /** Claimant-facing text holding an ID-number-like or phone-like string, or a member's name. */
  PERSONAL_DATA_IN_TEXT: "BAD_USER_INPUT",
});
export type NeedErrorReason = keyof typeof NeedErrorReason;
export class NeedError extends domainError("NeedError", NeedErrorReason) {}
