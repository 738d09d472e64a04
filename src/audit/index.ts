// The audit streams' public surface (policy clause 22): other modules import from here only.
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
export { AuditResolver } from "./audit.resolver.js";
export { changeEntriesFor } from "./changes.js";
export { accessLog, changeLog, type AccessLogRow, type ChangeLogRow } from "./audit.table.js";
