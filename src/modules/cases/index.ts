export * from "./cases.enums.js";
export * from "./cases.table.js";
export { CASE_CATALOGUE } from "./cases.policy.js";
export { CaseType } from "./cases.type.js";
export { CaseResolver } from "./cases.resolver.js";
