// The households domain's public surface for other modules (resolvers and GraphQL types are wired
// by schema.ts; another module's GraphQL types may import households.type.ts directly).
export * from "./households.enums.js";
export * from "./households.table.js";
export { HouseholdError, HouseholdErrorReason } from "./households.errors.js";
export { HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE, FULL_ID_NUMBER_KINDS, ID_LOOKUP_KINDS } from "./households.policy.js";
export { findPersonByIdIndex } from "./households.repository.js";
export { createHouseholdLoaders, type HouseholdLoaders } from "./households.loaders.js";
export { householdInScope, householdOf, type HouseholdView, type PersonView } from "./households.service.js";
export { assertValidPersonRow, validateHouseholdRegistration, validatePersonInput } from "./households.validation.js";
export { sealHousehold, sealPerson, idNumberIndex } from "./households.records.js";
