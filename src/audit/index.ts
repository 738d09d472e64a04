// The audit core's public surface (policy clause 22): chains, writers, recorder, verification.
// Reading the log over GraphQL is a feature module (modules/access-log).
export { AccessLogWriter, accessLogContent, appendAccessEntries, disclosuresOf, type AccessDisclosure, type AccessEntry } from "./access-log.js";
export { appendChangeEntries, REDACTED, type ChangeEntry } from "./change-log.js";
export {
  canonicalizeEntry,
  computeEntryHash,
  GENESIS_HASH,
  type ChainContent,
  type ChainValue,
} from "./chain.js";
export { verifyAuditChains, type ChainProblem, type ChainStatus, type VerifyOptions } from "./verify.js";
export { AccessRecorder, type ShownFields } from "./recorder.js";
export { shownFields } from "./selection.js";
export { changeEntriesFor } from "./changes.js";
export { accessLog, changeLog, type AccessLogRow, type ChangeLogRow } from "./audit.table.js";
