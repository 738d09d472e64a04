import { Field, ID, ObjectType } from "type-graphql";
import type { Grant, View } from "../../privacy/project.js";
import { connectionOf } from "../../shared/graphql/connection.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { RedactionType } from "../../privacy/redaction.type.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import type { NeedSource } from "./needs.policy.js";

registerDomainEnum(NeedCategory, "需求类别 — category of need");
registerDomainEnum(NeedUrgency, "紧急程度 — urgency");
registerDomainEnum(NeedStatus, "需求状态 — need status");

@ObjectType("Need", { description: "救助需求 — a household's concrete need, published for matching (clause 18)" })
export class NeedType implements View<NeedSource> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  needNo!: string;

  @Field(() => ID, { nullable: true })
  householdId!: string | null;

  @Field(() => ID, { nullable: true, description: "The case the need arose from (CASE)" })
  caseId!: string | null;

  @Field(() => ID, { nullable: true })
  recordedByOrgId!: string | null;

  @Field(() => NeedCategory.object, { nullable: true })
  category!: NeedCategory | null;

  @Field(() => NeedUrgency.object, { nullable: true })
  urgency!: NeedUrgency | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: "Estimated amount" })
  amount!: number | null;

  @Field(() => String, { nullable: true })
  areaCode!: string | null;

  @Field(() => [String], { nullable: true })
  beneficiaryTags!: string[] | null;

  @Field(() => NeedStatus.object, { nullable: true })
  status!: NeedStatus | null;

  @Field(() => String, { nullable: true, description: "ISO date the need must be met by" })
  neededBy!: string | null;

  @Field(() => [RedactionType])
  redactions!: RedactionType[];

  grant!: Grant;
}

export const NeedConnection = connectionOf("Need", NeedType);
