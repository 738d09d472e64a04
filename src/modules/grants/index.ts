export * from "./grants.enums.js";
export * from "./grants.table.js";
export { createGrantLoader, systemGrantAccess, systemRevokeGrant } from "./grants.repository.js";
export { grantResolver } from "./grants.service.js";
