export * from "./cases.enums.js";
export * from "./cases.table.js";
export { CaseError, CaseErrorReason } from "./cases.errors.js";
export { CASE_CATALOGUE } from "./cases.policy.js";
