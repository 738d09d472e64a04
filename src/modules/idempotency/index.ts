// Retry-safe mutations (Idempotency-Key): the server hands keyed requests to IdempotentMutations.
export * from "./idempotency.table.js";
export { IdempotencyError, IdempotencyErrorReason } from "./idempotency.errors.js";
export { IDEMPOTENCY_KEY_HEADER, NO_IDEMPOTENCY_KEY } from "./idempotency.request.js";
export {
  DEFAULT_IDEMPOTENCY_SETTINGS,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotentMutations,
  REPLAY_SUFFIX,
  type IdempotencySettings,
  type IdempotentHttpRequest,
} from "./idempotency.service.js";
export { systemPurgeExpiredKeys } from "./idempotency.repository.js";
