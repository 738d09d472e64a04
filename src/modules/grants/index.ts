export * from "./grants.enums.js";
export * from "./grants.table.js";
export { createGrantLoader, hasLiveGrant, systemGrantAccess, systemRevokeGrant } from "./grants.repository.js";
export { grantResolver } from "./grants.service.js";
