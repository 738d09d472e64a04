export * from "./resources.enums.js";
export * from "./resources.table.js";
export { ResourceError, ResourceErrorReason } from "./resources.errors.js";
export { resourceView, type ResourceView } from "./resources.views.js";
export { RESOURCE_CATALOGUE } from "./resources.policy.js";
export { RESOURCE_KINDS_BY_ORG_KIND } from "./resources.validation.js";
