import { defineReasons, domainError } from "../shared/errors.js";

export const LookupErrorReason = defineReasons({
  /** An operation asked for more than one lookup by identifier (aliases, fragments): refused whole. */
  LOOKUPS_PER_REQUEST: "BAD_USER_INPUT",
  /** The caller used up its lookups for now; `retryAfterSeconds` says when the next is allowed. */
  LOOKUP_RATE_LIMITED: "RATE_LIMITED",
});
export type LookupErrorReason = keyof typeof LookupErrorReason;
export class LookupError extends domainError("LookupError", LookupErrorReason) {}
