export * from "./needs.enums.js";
export * from "./needs.table.js";
export { NeedError, NeedErrorReason } from "./needs.errors.js";
export { NEED_CATALOGUE } from "./needs.policy.js";
