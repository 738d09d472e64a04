import { Arg, Args, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import type { OrganizationView } from "../organizations/index.js";
import { OrganizationType } from "../organizations/organizations.type.js";
import { ResourceFilterInput } from "./resources.input.js";
import { getResource, listResources, ownerOf } from "./resources.service.js";
import { ResourceConnection, ResourceType } from "./resources.type.js";
import type { ResourceView } from "./resources.views.js";

@Resolver(() => ResourceType)
export class ResourceResolver {
  @Allow(AUTHENTICATED)
  @Query(() => ResourceConnection, { description: "救助资源列表 — published resources (and the caller's own drafts)" })
  resources(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => ResourceFilterInput, { nullable: true }) filter: ResourceFilterInput | null,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<ResourceView>> {
    return listResources(viewer, { filter, page });
  }

  @Allow(AUTHENTICATED)
  @Query(() => ResourceType, { description: "救助资源 — one resource" })
  resource(@Arg("id", () => ID) id: string, @CurrentViewer() viewer: Viewer): Promise<ResourceView> {
    return getResource(viewer, id);
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: "发布机构 — the owning organization" })
  owner(@Root() resource: ResourceView, @CurrentViewer() viewer: Viewer): Promise<OrganizationView | null> {
    return ownerOf(viewer, resource);
  }
}
