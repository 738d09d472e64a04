import { Field, Int, ObjectType } from "type-graphql";
import type { View } from "../../privacy/project.js";
import { connectionOf } from "../../shared/graphql/connection.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import type { NeedSource } from "../needs/index.js";
import { NeedType } from "../needs/needs.type.js";
import type { ResourceView } from "../resources/index.js";
import { ResourceType } from "../resources/resources.type.js";
import type { NeedMatchView, ResourceMatchView } from "./matching.service.js";

@ObjectType("NeedMatch", { description: "需求匹配 — a need ranked for a resource: the need as you may see it, the score and why" })
export class NeedMatchType implements NeedMatchView {
  @Field(() => NeedType)
  need!: View<NeedSource>;

  @Field(() => Int, { description: "Ranked score: higher first; equal scores by need number" })
  score!: number;

  @Field(() => [String], { description: "Why, component by component (same community, urgency, share of the open amount covered, waiting time, deadline, eligibility tag asked for)" })
  reasons!: string[];

  @Field(() => MoneyScalar, { nullable: true, description: "What the resource would put toward the need: the open amount, within its cap and budget left; null in kind" })
  topUp!: number | null;
}

@ObjectType("ResourceMatch", { description: "资源匹配 — a resource ranked for a need: government programmes first, then charity" })
export class ResourceMatchType implements ResourceMatchView {
  @Field(() => ResourceType)
  resource!: ResourceView;

  @Field(() => Int)
  score!: number;

  @Field(() => [String])
  reasons!: string[];

  @Field(() => MoneyScalar, { nullable: true })
  topUp!: number | null;
}

export const NeedMatchConnection = connectionOf("NeedMatch", NeedMatchType);
export const ResourceMatchConnection = connectionOf("ResourceMatch", ResourceMatchType);
