// The table index: every table of every domain, for drizzle-kit and the typed client.
export * from "../modules/organizations/organizations.table.js";
export * from "../modules/households/households.table.js";
export * from "../modules/cases/cases.table.js";
export * from "../modules/needs/needs.table.js";
export * from "../modules/resources/resources.table.js";
export * from "../privacy/privacy.table.js";
export * from "../modules/consents/consents.table.js";
export * from "../modules/grants/grants.table.js";
export * from "../audit/audit.table.js";
export * from "../modules/idempotency/idempotency.table.js";
export * from "../modules/claims/claims.table.js";
