import { Field, ID, ObjectType } from "type-graphql";
import type { Grant, View } from "../../privacy/project.js";
import { connectionOf } from "../../shared/graphql/connection.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { RedactionType } from "../../privacy/redaction.type.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import type { GovernmentCover, NeedNote, NeedSource } from "./needs.policy.js";
import { AssistanceType } from "../cases/cases.enums.js";
import { DataCategory } from "../../privacy/categories.js";

registerDomainEnum(NeedCategory, "需求类别 — category of need");
registerDomainEnum(NeedUrgency, "紧急程度 — urgency");
registerDomainEnum(NeedStatus, "需求状态 — need status");

@ObjectType("NeedNote", { description: "需求备注 — a need's internal note and the data category its content belongs to" })
export class NeedNoteType implements NeedNote {
  @Field(() => DataCategory.object)
  category!: DataCategory;

  @Field(() => String)
  text!: string;
}

@ObjectType("NeedGovernmentCover", { description: "Government aid's cover of a need: one month of the covering cases' benefits" })
export class NeedGovernmentCoverType implements GovernmentCover {
  @Field(() => MoneyScalar)
  amount!: number;

  @Field(() => [AssistanceType.object])
  assistanceTypes!: string[];
}

@ObjectType("Need", { description: "救助需求 — a household's concrete need, published for matching (clause 18)" })
export class NeedType implements View<NeedSource> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  needNo!: string;

  @Field(() => ID, { nullable: true, description: "The household's id (IDENTITY): links a household's needs, so withheld from those who match" })
  householdId!: string | null;

  @Field(() => String, { nullable: true, description: "住户化名 — a pseudonym of the household for this need only: stable for the need, different for each need" })
  householdPseudonym!: string | null;

  @Field(() => ID, { nullable: true, description: "The case the need arose from (CASE)" })
  caseId!: string | null;

  @Field(() => ID, { nullable: true })
  recordedByOrgId!: string | null;

  @Field(() => NeedCategory.object, { nullable: true })
  category!: NeedCategory | null;

  @Field(() => NeedUrgency.object, { nullable: true })
  urgency!: NeedUrgency | null;

  @Field(() => String, { nullable: true, description: "需求摘要 — the claimant-facing summary: no names or numbers, nothing beyond the need's category" })
  title!: string | null;

  @Field(() => NeedNoteType, { nullable: true, description: "内部备注 — the internal note, shown only to those who may see its category" })
  note!: NeedNoteType | null;

  @Field(() => MoneyScalar, { nullable: true, description: "The whole amount wanted, before government aid (CASE: with the cover it tells what aid the household receives)" })
  amount!: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "待补缺口 — what is left for charity after government aid: all a claimant sees of the amount" })
  openAmount!: number | null;

  @Field(() => NeedGovernmentCoverType, { nullable: true, description: "政府救助已覆盖 — what the household's approved cases of the covering types pay in a month toward the need (CASE)" })
  governmentCover!: NeedGovernmentCoverType | null;

  @Field(() => String, { nullable: true })
  areaCode!: string | null;

  @Field(() => [String], { nullable: true, description: "受益人标签 — each tag is shown only where the category it reveals is (a health tag is HEALTH …)" })
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
