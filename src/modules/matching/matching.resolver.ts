import { Arg, Args, ID, Query, Resolver } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import type { OrgKind } from "../organizations/index.js";
import { RESOURCE_KINDS_BY_ORG_KIND } from "../resources/index.js";
import { matchesForNeed, matchesForResource, type NeedMatchView, type ResourceMatchView } from "./matching.service.js";
import { NeedMatchConnection, NeedMatchType, ResourceMatchConnection } from "./matching.type.js";

@Resolver(() => NeedMatchType)
export class MatchingResolver {
  @Allow({ kinds: Object.keys(RESOURCE_KINDS_BY_ORG_KIND) as OrgKind[] })
  @Query(() => NeedMatchConnection, {
    description: "匹配需求 — needs ranked for one of your organization's resources, each with its score and reasons; a charity sees them de-identified",
  })
  matchesForResource(
    @Arg("resourceId", () => ID) resourceId: string,
    @Args(() => PageArgs) page: PageArgs,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<NeedMatchView>> {
    return matchesForResource(viewer, { resourceId, page });
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"], roles: ["ADMIN", "CASEWORKER", "APPROVER", "COORDINATOR"] })
  @Query(() => ResourceMatchConnection, { description: "匹配资源 — resources ranked for a need in your jurisdiction: government programmes first, then charity, for what aid leaves open" })
  matchesForNeed(@Arg("needId", () => ID) needId: string, @Args(() => PageArgs) page: PageArgs, @CurrentViewer() viewer: Viewer): Promise<Page<ResourceMatchView>> {
    return matchesForNeed(viewer, { needId, page });
  }
}
