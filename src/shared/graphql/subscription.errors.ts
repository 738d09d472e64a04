import { defineReasons, domainError } from "../errors.js";

/** Subscriptions refused by the WebSocket transport (src/subscription-server.ts) before they listen. */
export const SubscriptionReason = defineReasons({
  /** A query or mutation sent over the WebSocket: those are POSTed to /graphql. */
  SUBSCRIPTIONS_ONLY: "BAD_USER_INPUT",
  /** The document holds no operation of the name sent (or several and no name). */
  OPERATION_NOT_FOUND: "BAD_USER_INPUT",
  /** More live subscriptions than MAX_SUBSCRIPTIONS_PER_CALLER for this caller, across its sockets. */
  TOO_MANY_SUBSCRIPTIONS: "RATE_LIMITED",
});
export type SubscriptionReason = keyof typeof SubscriptionReason;
export class SubscriptionError extends domainError("SubscriptionError", SubscriptionReason) {}
