import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { NeedCategory } from "../needs/needs.enums.js";
import type { Grant, View } from "../../privacy/project.js";
import { RedactionType } from "../../privacy/redaction.type.js";
import { connectionOf } from "../../shared/graphql/connection.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { ClaimStatus } from "./claims.enums.js";
import type { ClaimSource } from "./claims.policy.js";

registerDomainEnum(ClaimStatus, "认领状态 — claim status");

@ObjectType("Claim", { description: "认领 — a need claimed against a resource by the resource's owner (clause 18)" })
export class ClaimType implements View<ClaimSource> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  claimNo!: string;

  @Field(() => ID, { nullable: true })
  needId!: string | null;

  @Field(() => ID, { nullable: true })
  resourceId!: string | null;

  @Field(() => ID, { nullable: true, description: "The claiming organization" })
  claimantOrgId!: string | null;

  @Field(() => ID, { nullable: true, description: "The need's household (IDENTITY): withheld from the claimant, whose view of it is the need's grant" })
  householdId!: string | null;

  @Field(() => ClaimStatus.object, { nullable: true })
  status!: ClaimStatus | null;

  @Field(() => MoneyScalar, { nullable: true, description: "Amount claimed (null: in kind)" })
  amount!: number | null;

  @Field(() => String, { nullable: true, description: "ISO date-time" })
  claimedAt!: string | null;

  @Field(() => String, { nullable: true, description: "ISO date-time: unfulfilled by then, the claim expires and the need opens again" })
  dueBy!: string | null;

  @Field(() => MoneyScalar, { nullable: true })
  deliveredAmount!: number | null;

  @Field(() => String, { nullable: true, description: "ISO date of delivery" })
  deliveredOn!: string | null;

  @Field(() => String, { nullable: true, description: "Reference of the delivery's evidence (receipt, photo record …)" })
  evidenceRef!: string | null;

  @Field(() => String, { nullable: true })
  fulfilledAt!: string | null;

  @Field(() => String, { nullable: true, description: "Why the claimant gave the claim back (its own words, checked for names and numbers)" })
  releaseReason!: string | null;

  @Field(() => String, { nullable: true, description: "When the claim ended (fulfilled, released or expired)" })
  endedAt!: string | null;

  @Field(() => [RedactionType])
  redactions!: RedactionType[];

  grant!: Grant;
}

export const ClaimConnection = connectionOf("Claim", ClaimType);

@ObjectType("FulfilledNeedsCell", { description: "One published cell: fulfilments of a month, need category, district and charity" })
export class FulfilledNeedsCellType {
  @Field(() => String, { description: "YYYY-MM (China Standard Time)" })
  month!: string;

  @Field(() => NeedCategory.object)
  category!: NeedCategory;

  @Field(() => String, { description: "The district's 12-digit division code: no finer area is published" })
  areaCode!: string;

  @Field(() => String)
  charityCode!: string;

  @Field(() => String)
  charityName!: string;

  @Field(() => Int)
  fulfilled!: number;

  @Field(() => MoneyScalar)
  amountDelivered!: number;
}

@ObjectType("FulfilledNeedsReport", { description: "慈善信息公开 — what charities delivered, by closed month; cells under the threshold suppressed" })
export class FulfilledNeedsReportType {
  @Field(() => String)
  from!: string;

  @Field(() => String)
  to!: string;

  @Field(() => Int, { description: "Cells counting fewer fulfilments are not shown (PUBLIC_MIN_CELL)" })
  minCell!: number;

  @Field(() => [FulfilledNeedsCellType])
  cells!: FulfilledNeedsCellType[];

  @Field(() => Int, { description: "How many cells were held back (never what they count)" })
  suppressedCells!: number;
}

@ObjectType("CharityConduct", { description: "慈善行为记录 — a charity's record of claims and what came of them" })
export class CharityConductType {
  @Field(() => String)
  charityCode!: string;

  @Field(() => String)
  charityName!: string;

  @Field(() => Int)
  claims!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int)
  fulfilled!: number;

  @Field(() => Int)
  released!: number;

  @Field(() => Int)
  expired!: number;

  @Field(() => MoneyScalar, { nullable: true, description: "Total delivered; null in a public summary under the threshold" })
  amountDelivered!: number | null;

  @Field(() => Float, { nullable: true, description: "Median days from claim to fulfilment" })
  medianDaysToFulfil!: number | null;

  @Field(() => Float, { nullable: true, description: "Share of fulfilments by the need's deadline (0–1)" })
  shareOnTime!: number | null;

  @Field(() => Boolean, { nullable: true, description: "Public summary: amount and timing held back (fewer fulfilments than the threshold)" })
  figuresSuppressed?: boolean | null;
}
