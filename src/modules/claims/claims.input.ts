import { Field, ID, InputType } from "type-graphql";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import type { ClaimNeedData, FulfilClaimData } from "./claims.service.js";

@InputType("ClaimNeedInput", { description: "认领需求 — a need claimed against one of your resources" })
export class ClaimNeedInput implements ClaimNeedData {
  @Field(() => ID)
  needId!: string;

  @Field(() => ID, { description: "One of your organization's ACTIVE resources covering the need's category and area" })
  resourceId!: string;

  @Field(() => MoneyScalar, { nullable: true, description: "Amount committed: required against a budget, at most the cap per beneficiary and the need's amount" })
  amount?: number | null;
}

@InputType("FulfilClaimInput", { description: "完成认领 — what was delivered" })
export class FulfilClaimInput implements FulfilClaimData {
  @Field(() => ID)
  claimId!: string;

  @Field(() => MoneyScalar, { nullable: true, description: "Amount delivered (required when the claim has an amount; at most that amount)" })
  deliveredAmount?: number | null;

  @Field(() => String, { description: "ISO date (YYYY-MM-DD) of delivery: from the claim's day to today" })
  deliveredOn!: string;

  @Field(() => String, { description: "Reference of the evidence (1–200 characters, no names or numbers of the household)" })
  evidenceRef!: string;
}
