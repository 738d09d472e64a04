export * from "./consents.enums.js";
export * from "./consents.table.js";
export { ConsentError, ConsentErrorReason } from "./consents.errors.js";
export { createConsentLoader } from "./consents.repository.js";
