import { Arg, Args, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { kindsThatMay } from "../../privacy/purpose.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { householdOf, type HouseholdView } from "../households/index.js";
import { HouseholdType } from "../households/households.type.js";
import { NeedFilterInput, PostNeedInput } from "./needs.input.js";
import { cancelNeed, getNeed, listNeeds, postNeed, type NeedView } from "./needs.service.js";
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

  @Allow({
    kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY", "SOCIAL_WORK_AGENCY"],
    roles: ["ADMIN", "CASEWORKER", "COORDINATOR", "SUPERVISOR", "SOCIAL_WORKER"],
  })
  @Mutation(() => NeedType, {
    description: "发布需求 — post a need for a household you act on (jurisdiction, or an agency's assignment); its title is read by charities, so it may hold no names or numbers",
  })
  postNeed(@Arg("input", () => PostNeedInput) input: PostNeedInput, @CurrentViewer() viewer: Viewer): Promise<NeedView> {
    return postNeed(viewer, input);
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"], roles: ["ADMIN", "CASEWORKER", "COORDINATOR"] })
  @Mutation(() => NeedType, { description: "撤销需求 — withdraw an open need in your jurisdiction, with the reason (a claimed need is released by its claimant first)" })
  cancelNeed(@Arg("id", () => ID) id: string, @Arg("reason", () => String) reason: string, @CurrentViewer() viewer: Viewer): Promise<NeedView> {
    return cancelNeed(viewer, { id, reason });
  }

  @FieldResolver(() => HouseholdType, { nullable: true, description: "The household in need, under the need's grant" })
  household(@Root() parent: NeedView, @CurrentViewer() viewer: Viewer): Promise<HouseholdView | null> {
    return householdOf(viewer, parent);
  }
}
