import { Field, ID, ObjectType } from "type-graphql";
import type { Grant, View } from "../../privacy/project.js";
import { connectionOf } from "../../shared/graphql/connection.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { RedactionType } from "../../privacy/redaction.type.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { AssistanceType, CaseChannel, CaseStatus } from "./cases.enums.js";
import type { CaseSource } from "./cases.policy.js";
import type { AssistanceStatus } from "./cases.status.js";

registerDomainEnum(AssistanceType, "救助类型 — assistance type, as named by the policy");
registerDomainEnum(CaseChannel, "受理渠道 — how the case reached the hub");
registerDomainEnum(CaseStatus, "办理状态 — case status");

@ObjectType("Case", { description: "救助案件 — an assistance case of one household" })
export class CaseType implements View<CaseSource> {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "案件编号 — public case number" })
  caseNo!: string;

  @Field(() => ID)
  householdId!: string;

  @Field(() => ID)
  handlingOrgId!: string;

  @Field(() => String)
  areaCode!: string;

  @Field(() => AssistanceType.object, { nullable: true })
  type!: AssistanceType | null;

  @Field(() => CaseChannel.object, { nullable: true })
  channel!: CaseChannel | null;

  @Field(() => CaseStatus.object, { nullable: true })
  status!: CaseStatus | null;

  @Field(() => String, { nullable: true, description: "申请日期 — ISO date" })
  appliedOn!: string | null;

  @Field(() => String, { nullable: true, description: "决定日期 — ISO date" })
  decidedOn!: string | null;

  @Field(() => String, { nullable: true, description: "下次复核日期 — next periodic review (clause 8)" })
  nextReviewOn!: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: "月救助金额 — monthly benefit (FINANCIAL)" })
  monthlyBenefit!: number | null;

  @Field(() => [RedactionType])
  redactions!: RedactionType[];

  grant!: Grant;
}

export const CaseConnection = connectionOf("Case", CaseType);

@ObjectType("AssistanceStatus", { description: "救助身份核验 — is this person a current assistance recipient, and of which types; nothing else" })
export class AssistanceStatusType implements AssistanceStatus {
  @Field(() => Boolean, { description: "Whether the person's household holds an approved assistance case now" })
  isRecipient!: boolean;

  @Field(() => [AssistanceType.object])
  types!: AssistanceType[];
}
