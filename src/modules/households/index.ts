export * from "./households.enums.js";
export * from "./households.table.js";
export { parseIdNumber, idNumberCheckChar, ID_NUMBER_PROBLEM_MESSAGES } from "./id-number.js";
export type { ParsedIdNumber, IdNumberProblem } from "./id-number.js";
export { HOUSEHOLD_CATALOGUE, PERSON_CATALOGUE, FULL_ID_NUMBER_KINDS } from "./households.policy.js";
export { createHouseholdLoaders, type HouseholdLoaders } from "./households.loaders.js";
export { householdOf, type HouseholdView, type PersonView } from "./households.service.js";
export { HouseholdType, PersonType } from "./households.type.js";
export { HouseholdResolver } from "./households.resolver.js";
