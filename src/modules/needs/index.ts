export * from "./needs.enums.js";
export * from "./needs.table.js";
export { NeedError, NeedErrorReason } from "./needs.errors.js";
export { NEED_CATALOGUE, TAG_CATEGORY, tagCategory, type NeedNote } from "./needs.policy.js";
export { assertClaimantText, personalDataIn } from "./needs.validation.js";
export { checkClaimantText, getNeed, type NeedView } from "./needs.service.js";
export { governmentCoverSql, governmentCoversOf, openAmountOf } from "./needs.coverage.js";
export { NEED_VIEW_COLUMNS, needOwnColumnsFor, needVisibility } from "./needs.repository.js";
export { needSource, type NeedSource } from "./needs.policy.js";
