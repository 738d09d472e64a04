import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import type { HubContext } from "../../context.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { HouseholdType, householdOf, type HouseholdView } from "../households/index.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import { getNeed, listNeeds, type NeedView } from "./needs.service.js";
import { NeedConnection, NeedType } from "./needs.type.js";

@InputType({ description: "Need filters" })
export class NeedFilter {
  @Field(() => String, { nullable: true, description: "Division-code prefix (2–12 digits)" })
  areaCode?: string | null;

  @Field(() => NeedCategory.object, { nullable: true })
  category?: NeedCategory | null;

  @Field(() => NeedStatus.object, { nullable: true })
  status?: NeedStatus | null;

  @Field(() => NeedUrgency.object, { nullable: true })
  urgency?: NeedUrgency | null;
}

@Resolver(() => NeedType)
export class NeedResolver {
  @Allow(AUTHENTICATED)
  @Query(() => NeedConnection, { description: "救助需求列表 — needs in scope; charities see published needs" })
  needs(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => NeedFilter, { nullable: true }) filter: NeedFilter | null,
    @Ctx() ctx: HubContext,
  ): Promise<Page<NeedView>> {
    return listNeeds(ctx, { filter, page });
  }

  @Allow(AUTHENTICATED)
  @Query(() => NeedType, { description: "救助需求 — one need; NOT_FOUND outside the caller's scope" })
  need(@Arg("id", () => ID) id: string, @Ctx() ctx: HubContext): Promise<NeedView> {
    return getNeed(ctx, id);
  }

  @FieldResolver(() => HouseholdType, { nullable: true, description: "The household in need, under the need's grant" })
  household(@Root() parent: NeedView, @Ctx() ctx: HubContext): Promise<HouseholdView | null> {
    return householdOf(ctx, parent);
  }
}
