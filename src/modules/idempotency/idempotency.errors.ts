import { defineReasons, domainError } from "../../shared/errors.js";

export const IdempotencyErrorReason = defineReasons({
  /** The Idempotency-Key header is not 1–255 printable ASCII characters, or is sent twice (HTTP 400). */
  INVALID_IDEMPOTENCY_KEY: "BAD_USER_INPUT",
  /** A key on a request it cannot make retry-safe: a persisted query without its text, or a mutation that opts out (HTTP 400). */
  IDEMPOTENCY_NOT_SUPPORTED: "BAD_USER_INPUT",
  /** The caller used this key for a different request (operation, query text or variables); nothing ran (HTTP 422). */
  IDEMPOTENCY_KEY_REUSED: "CONFLICT",
  /** The first request with this key is still running: retry after `retryAfterSeconds` for its result (HTTP 409). */
  IDEMPOTENCY_KEY_IN_FLIGHT: "CONFLICT",
});
export type IdempotencyErrorReason = keyof typeof IdempotencyErrorReason;
export class IdempotencyError extends domainError("IdempotencyError", IdempotencyErrorReason) {}
