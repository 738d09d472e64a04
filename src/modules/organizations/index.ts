export * from "./organizations.enums.js";
export * from "./organizations.table.js";
export { createOrganizationLoaders, type OrganizationLoaders } from "./organizations.loaders.js";
export { OrganizationDirectory } from "./organizations.repository.js";
export { organizationView, type OrganizationView } from "./organizations.views.js";
