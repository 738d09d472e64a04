import { defineReasons, domainError } from "../errors.js";

/** Operations refused before they run because of their size or shape; `limit` (and `value` where known) say by how much. */
export const OperationLimitReason = defineReasons({
  /** More aliased fields than MAX_ALIASES. */
  MAX_ALIASES: "QUERY_TOO_COMPLEX",
  /** Fields (or fragments) nested deeper than MAX_DEPTH. */
  MAX_DEPTH: "QUERY_TOO_COMPLEX",
  /** More directives than MAX_DIRECTIVES. */
  MAX_DIRECTIVES: "QUERY_TOO_COMPLEX",
  /** A document longer than MAX_TOKENS tokens: parsing stops there. */
  MAX_TOKENS: "QUERY_TOO_COMPLEX",
  /** The estimated work (each field 1, list fields multiplied by `first`) exceeds MAX_COST. */
  MAX_COST: "QUERY_TOO_COMPLEX",
  /** One response key written more than MAX_FIELD_REPEATS times in one selection set. */
  MAX_FIELD_REPEATS: "QUERY_TOO_COMPLEX",
  /** Fragments that spread each other in a cycle. */
  FRAGMENT_CYCLE: "BAD_USER_INPUT",
});
export type OperationLimitReason = keyof typeof OperationLimitReason;
export class OperationLimitError extends domainError("OperationLimitError", OperationLimitReason) {}

/** Requests stopped while or after they run, or before they start, to keep one caller from starving the rest. */
export const RequestLimitReason = defineReasons({
  /** The request ran past REQUEST_TIMEOUT_MS: its work was stopped and nothing is returned. */
  REQUEST_DEADLINE: "DEADLINE_EXCEEDED",
  /** The response would be larger than MAX_RESPONSE_BYTES: ask for fewer records or fields. */
  RESPONSE_TOO_LARGE: "QUERY_TOO_COMPLEX",
  /** More requests than REQUESTS_PER_MINUTE from this caller (ANONYMOUS_REQUESTS_PER_MINUTE per address without a token). */
  REQUEST_RATE_LIMITED: "RATE_LIMITED",
  /** More requests in flight at once than MAX_CONCURRENT_REQUESTS from this caller. */
  TOO_MANY_CONCURRENT_REQUESTS: "RATE_LIMITED",
});
export type RequestLimitReason = keyof typeof RequestLimitReason;
export class RequestLimitError extends domainError("RequestLimitError", RequestLimitReason) {}
