import { defineReasons, domainError } from "../../shared/errors.js";

export const NeedErrorReason = defineReasons({
  /** Missing and outside the caller's scope alike. */
  NEED_NOT_FOUND: "NOT_FOUND",
});
export type NeedErrorReason = keyof typeof NeedErrorReason;
export class NeedError extends domainError("NeedError", NeedErrorReason) {}
