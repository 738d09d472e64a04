export * from "./consents.enums.js";
export * from "./consents.table.js";
export { createConsentLoader } from "./consents.repository.js";
export { ConsentResolver } from "./consents.resolver.js";
