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
  /** Fragments that spread each other in a cycle. */
  FRAGMENT_CYCLE: "BAD_USER_INPUT",
});
export type OperationLimitReason = keyof typeof OperationLimitReason;
export class OperationLimitError extends domainError("OperationLimitError", OperationLimitReason) {}
