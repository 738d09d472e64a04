export * from "./needs.enums.js";
export * from "./needs.table.js";
export { NEED_CATALOGUE } from "./needs.policy.js";
export { NeedType } from "./needs.type.js";
export { NeedResolver } from "./needs.resolver.js";
