export * from "./claims.enums.js";
export * from "./claims.table.js";
export { ClaimError, ClaimErrorReason } from "./claims.errors.js";
export { CLAIM_CATALOGUE } from "./claims.policy.js";
export { CLAIM_EXPIRY_ACTOR, expireDueClaims, overseenClaim, type ClaimView } from "./claims.service.js";
