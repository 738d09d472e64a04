export * from "./organizations.enums.js";
export * from "./organizations.table.js";
export { createOrganizationLoaders, type OrganizationLoaders } from "./organizations.loaders.js";
export { OrganizationDirectory } from "./organizations.repository.js";
export { OrganizationType, ViewerType, organizationView } from "./organizations.type.js";
export { OrganizationResolver } from "./organizations.resolver.js";
