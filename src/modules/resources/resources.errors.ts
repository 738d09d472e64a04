import { defineReasons, domainError } from "../../shared/errors.js";

export const ResourceErrorReason = defineReasons({
  RESOURCE_NOT_FOUND: "NOT_FOUND",
});
export type ResourceErrorReason = keyof typeof ResourceErrorReason;
export class ResourceError extends domainError("ResourceError", ResourceErrorReason) {}
