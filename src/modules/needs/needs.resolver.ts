import { Arg, Args, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { kindsThatMay } from "../../privacy/purpose.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { householdOf, type HouseholdView } from "../households/index.js";
import { HouseholdType } from "../households/households.type.js";
import { NeedFilterInput } from "./needs.input.js";
import { getNeed, listNeeds, type NeedView } from "./needs.service.js";
import { NeedConnection, NeedType } from "./needs.type.js";

@Resolver(() => NeedType)
export class NeedResolver {
  @Allow({ kinds: kindsThatMay("needs") })
  @Query(() => NeedConnection, { description: "救助需求列表 — needs in scope; charities see published needs" })
  needs(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => NeedFilterInput, { nullable: true }) filter: NeedFilterInput | null,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<NeedView>> {
    return listNeeds(viewer, { filter, page });
  }

  @Allow({ kinds: kindsThatMay("need") })
  @Query(() => NeedType, { description: "救助需求 — one need; NOT_FOUND outside the caller's scope" })
  need(@Arg("id", () => ID) id: string, @CurrentViewer() viewer: Viewer): Promise<NeedView> {
    return getNeed(viewer, id);
  }

  @FieldResolver(() => HouseholdType, { nullable: true, description: "The household in need, under the need's grant" })
  household(@Root() parent: NeedView, @CurrentViewer() viewer: Viewer): Promise<HouseholdView | null> {
    return householdOf(viewer, parent);
  }
}
