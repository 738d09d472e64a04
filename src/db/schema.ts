// The table index: every table of every domain, for drizzle-kit and the typed client.
export * from "../modules/organizations/organizations.table.js";
export * from "../modules/households/households.table.js";
export * from "../modules/cases/cases.table.js";
export * from "../modules/needs/needs.table.js";
export * from "../modules/resources/resources.table.js";
