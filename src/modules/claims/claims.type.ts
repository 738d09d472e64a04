import { Field, ID, ObjectType } from "type-graphql";
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
