import { Field, ID, Int, ObjectType } from "type-graphql";
import { connectionOf } from "../../shared/graphql/connection.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { NeedCategory } from "../needs/needs.enums.js";
import { ResourceKind, ResourceStatus } from "./resources.enums.js";
import type { ResourceView } from "./resources.views.js";

registerDomainEnum(ResourceKind, "资源类别 — kind of resource");
registerDomainEnum(ResourceStatus, "资源状态 — resource status");

/** Resources hold no household data: a named mapper, no projection. */
@ObjectType("Resource", { description: "救助资源 — a charity project, government programme, post or purchased service" })
export class ResourceType implements ResourceView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  resourceNo!: string;

  @Field(() => ID)
  ownerOrgId!: string;

  @Field(() => ResourceKind.object)
  kind!: ResourceKind;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [NeedCategory.object])
  categories!: NeedCategory[];

  @Field(() => [String], { description: "Division codes of the areas served" })
  serviceAreaCodes!: string[];

  @Field(() => [String])
  eligibilityTags!: string[];

  @Field(() => Int, { nullable: true, description: "名额 — beneficiary slots" })
  capacitySlots!: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "预算 — budget" })
  budget!: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "单户上限 — cap per beneficiary" })
  perBeneficiaryCap!: number | null;

  @Field(() => Int, { nullable: true, description: "剩余名额 — slots not held by live or fulfilled claims" })
  slotsLeft!: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "剩余预算 — budget not held by live or fulfilled claims" })
  budgetLeft!: number | null;

  @Field(() => String, { description: "ISO start date" })
  startsOn!: string;

  @Field(() => String, { nullable: true, description: "ISO end date" })
  endsOn!: string | null;

  @Field(() => ResourceStatus.object)
  status!: ResourceStatus;
}

export const ResourceConnection = connectionOf("Resource", ResourceType);
