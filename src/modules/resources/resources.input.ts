import { Field, InputType, Int } from "type-graphql";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { NeedCategory } from "../needs/needs.enums.js";
import { ResourceKind, ResourceStatus } from "./resources.enums.js";
import type { ResourceFilter } from "./resources.repository.js";
import type { ResourcePublishData } from "./resources.validation.js";

@InputType("ResourceFilter", { description: "Resource filters" })
export class ResourceFilterInput implements ResourceFilter {
  @Field(() => ResourceKind.object, { nullable: true })
  kind?: ResourceKind | null;

  @Field(() => ResourceStatus.object, { nullable: true })
  status?: ResourceStatus | null;

  @Field(() => NeedCategory.object, { nullable: true })
  category?: NeedCategory | null;

  @Field(() => String, { nullable: true, description: "A 12-digit division code the resource must serve" })
  servesArea?: string | null;
}

@InputType("PublishResourceInput", { description: "发布资源 — a project, programme or posts your organization runs" })
export class PublishResourceInput implements ResourcePublishData {
  @Field(() => ResourceKind.object, { description: "One your organization's kind runs (a charity: CHARITY_PROJECT …)" })
  kind!: ResourceKind;

  @Field(() => String, { description: "2–100 characters" })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [NeedCategory.object], { description: "Need categories it meets (at least one)" })
  categories!: NeedCategory[];

  @Field(() => [String], { description: "12-digit division codes it serves, inside your organization's area" })
  serviceAreaCodes!: string[];

  @Field(() => [String], { nullable: true, description: "Whom it serves, from the beneficiary-tag vocabulary" })
  eligibilityTags?: string[] | null;

  @Field(() => Int, { nullable: true, description: "名额 — beneficiary slots" })
  capacitySlots?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "预算 — total budget" })
  budget?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "单户上限 — at most this per beneficiary" })
  perBeneficiaryCap?: number | null;

  @Field(() => String, { description: "ISO date (YYYY-MM-DD) it starts" })
  startsOn!: string;

  @Field(() => String, { nullable: true, description: "ISO date it ends (inclusive)" })
  endsOn?: string | null;

  @Field(() => ResourceStatus.object, { nullable: true, defaultValue: "ACTIVE", description: "DRAFT, or ACTIVE to open it for matching now" })
  status?: ResourceStatus | null;
}
