import { defineReasons, domainError } from "../../shared/errors.js";

export const ResourceErrorReason = defineReasons({
  /** Missing, a draft of another organization, or (for a change) not the caller's own. */
  RESOURCE_NOT_FOUND: "NOT_FOUND",
  /** The organization's kind does not run resources of this kind (a charity runs charity projects …). */
  RESOURCE_KIND_NOT_YOURS: "FORBIDDEN",
  NO_CATEGORIES: "BAD_USER_INPUT",
  INVALID_SERVICE_AREA: "BAD_USER_INPUT",
  UNKNOWN_TAG: "BAD_USER_INPUT",
  INVALID_CAPACITY: "BAD_USER_INPUT",
  INVALID_WINDOW: "BAD_USER_INPUT",
  /** The status change asked for does not start from the resource's status. */
  INVALID_TRANSITION: "CONFLICT",
});
export type ResourceErrorReason = keyof typeof ResourceErrorReason;
export class ResourceError extends domainError("ResourceError", ResourceErrorReason) {}
