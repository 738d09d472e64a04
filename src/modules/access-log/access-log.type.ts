import { Field, Int, ObjectType } from "type-graphql";
import type { ChainStatus } from "../../audit/index.js";
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

@ObjectType("AuditChainStatus", { description: "审计链校验 — integrity of one hash-chained audit stream" })
export class AuditChainStatusType implements ChainStatus {
  @Field(() => String)
  stream!: ChainStatus["stream"];

  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int)
  entries!: number;

  @Field(() => Int, { nullable: true })
  lastSeq!: number | null;

  @Field(() => String, { description: "Publish this with lastSeq to detect later truncation" })
  lastHash!: string;

  @Field(() => Int, { nullable: true })
  firstBrokenSeq!: number | null;

  @Field(() => String, { nullable: true, description: "HASH_MISMATCH, PREV_HASH_MISMATCH or SEQUENCE_GAP" })
  problem!: ChainStatus["problem"];
}
