import { Field, Int, ObjectType } from "type-graphql";
import type { AuditStreamStatus, CheckpointAnchor } from "../../audit/index.js";
import { DataCategory } from "../../privacy/categories.js";
import { connectionOf } from "../../shared/graphql/connection.js";
import { OrgKind } from "../organizations/organizations.enums.js";
import type { AccessDisclosureView, AccessLogEntryView } from "./access-log.views.js";

@ObjectType("AccessDisclosure", { description: "What one entity type of a request showed about the household, or what was refused" })
export class AccessDisclosureType implements AccessDisclosureView {
  @Field(() => String, { description: "ALLOWED or DENIED" })
  outcome!: string;

  @Field(() => String)
  entityType!: string;

  @Field(() => [DataCategory.object], { description: "Categories disclosed in full" })
  categoriesFull!: DataCategory[];

  @Field(() => String, { nullable: true, description: "Reason code when DENIED" })
  detail!: string | null;
}

@ObjectType("AccessLogEntry", { description: "访问记录 — one request that read (or tried to read) a household's data: who, when and why" })
export class AccessLogEntryType implements AccessLogEntryView {
  @Field(() => Int)
  seq!: number;

  @Field(() => String, { description: "ISO 8601" })
  at!: string;

  @Field(() => String)
  orgCode!: string;

  @Field(() => String, { nullable: true, description: "The organization's name" })
  orgName!: string | null;

  @Field(() => OrgKind.object)
  orgKind!: OrgKind;

  @Field(() => String)
  role!: string;

  @Field(() => String, { nullable: true, description: "Staff member (token subject): shown to auditors, not to the household" })
  subject!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { description: "The GraphQL operations of the request" })
  operation!: string;

  @Field(() => String, { description: "DENIED when any attempt on this household in the request was refused, else ALLOWED" })
  outcome!: string;

  @Field(() => [DataCategory.object], { description: "Categories of this household's data disclosed in full by the request" })
  categoriesFull!: DataCategory[];

  @Field(() => [AccessDisclosureType], { description: "Per entity type: what the request showed of this household, or refused" })
  disclosures!: AccessDisclosureType[];
}

export const AccessLogConnection = connectionOf("AccessLog", AccessLogEntryType);

@ObjectType("AuditCheckpoint", { description: "审计检查点 — a stream's head (seq and hash) as a signed checkpoint outside the database recorded it" })
export class AuditCheckpointType implements CheckpointAnchor {
  @Field(() => Int)
  seq!: number;

  @Field(() => String)
  hash!: string;

  @Field(() => String, { description: "When the checkpoint was taken (the hub's clock), ISO 8601" })
  at!: string;

  @Field(() => String, { description: "The signing key's id (RFC 7638 thumbprint of its public key)" })
  keyId!: string;

  @Field(() => String, { description: "Where the checkpoint is stored, e.g. checkpoints.jsonl:12" })
  ref!: string;

  @Field(() => String, { nullable: true, description: "The time-stamping authority's time (RFC 3161), when the checkpoint carries a valid time-stamp" })
  timestampedAt!: string | null;
}

@ObjectType("AuditChainStatus", { description: "审计链校验 — integrity of one hash-chained audit stream" })
export class AuditChainStatusType implements AuditStreamStatus {
  @Field(() => String)
  stream!: AuditStreamStatus["stream"];

  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int)
  entries!: number;

  @Field(() => Int, { nullable: true })
  lastSeq!: number | null;

  @Field(() => String, { description: "Publish this with lastSeq to detect later truncation (the signed checkpoints do)" })
  lastHash!: string;

  @Field(() => Int, { nullable: true })
  firstBrokenSeq!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "HASH_MISMATCH, PREV_HASH_MISMATCH or SEQUENCE_GAP (the chain itself, at firstBrokenSeq); REWRITTEN (the hash at the checkpoint's seq is not the signed one; firstBrokenSeq is that seq); TRUNCATED (the chain ends below the checkpoint's seq; firstBrokenSeq is the first missing seq); CHECKPOINT_SIGNATURE_INVALID or CHECKPOINT_TIMESTAMP_INVALID (a stored checkpoint fails its own checks; firstBrokenSeq null)",
  })
  problem!: AuditStreamStatus["problem"];

  @Field(() => AuditCheckpointType, {
    nullable: true,
    description: "The checkpoint the stream disagrees with (REWRITTEN, TRUNCATED), else the newest validly signed one; null when there is none",
  })
  checkpoint!: AuditCheckpointType | null;
}
