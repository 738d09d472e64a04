// The audit core's public surface (policy clause 22): chains, writers, recorder, verification, checkpoints.
// Reading the log over GraphQL is a feature module (modules/access-log).
export { accessLogContent, appendAccessEntries, disclosuresOf, type AccessDisclosure, type AccessEntry } from "./access-log.js";
export { AccessLogWriter } from "./access-log-writer.js";
export { appendChangeEntries, pendingChangesParam, pendingChangesSql, REDACTED, type ChangeEntry, type LateChangeEntry } from "./change-log.js";
export { ChangeLogSequencer, pendingChanges, sequencePendingChanges } from "./change-log-sequencer.js";
export {
  canonicalizeEntry,
  computeEntryHash,
  GENESIS_HASH,
  type ChainContent,
  type ChainKey,
  type ChainValue,
} from "./chain.js";
export {
  loadCheckpointEvidence,
  reviewCheckpoints,
  verifyAuditChains,
  verifyAuditTrail,
  type AuditProblem,
  type AuditStreamStatus,
  type AuditTrailReport,
  type ChainProblem,
  type ChainStatus,
  type CheckpointAnchor,
  type CheckpointEvidence,
  type CheckpointProblem,
  type CheckpointReview,
  type VerifyOptions,
} from "./verify.js";
export {
  canonicalCheckpoint,
  CHECKPOINT_FORMAT,
  CheckpointKeyError,
  checkpointKeyId,
  signCheckpoint,
  type CheckpointContent,
  type CheckpointHead,
  type CheckpointSigningKey,
  type SignedCheckpoint,
} from "./checkpoint.js";
export { CHECKPOINT_FILE, DirectoryCheckpointSink, PUBLIC_KEY_FOLDER, type CheckpointSink, type CheckpointSource, type StoredCheckpoint } from "./checkpoint-sink.js";
export { Checkpointer, readStreamHeads, type CheckpointWritten } from "./checkpointer.js";
export { loadOrCreateSigningKeyFile, readSigningKeyFile } from "./signing-key.js";
export { certificatesFromPem, rfc3161Timestamper, TimestampError, type Timestamper } from "./timestamp.js";
export { AccessRecorder, type ShownFields } from "./recorder.js";
export { shownFields } from "./selection.js";
export { changeEntriesFor, type ChangeActor } from "./changes.js";
export { accessLog, changeLog, changeLogPending, type AccessLogRow, type ChangeLogRow } from "./audit.table.js";
