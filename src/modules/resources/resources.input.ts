import { Field, InputType } from "type-graphql";
import { NeedCategory } from "../needs/needs.enums.js";
import { ResourceKind, ResourceStatus } from "./resources.enums.js";
import type { ResourceFilter } from "./resources.repository.js";

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
