import { Arg, Args, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, AUTHENTICATED, PUBLIC } from "../../auth/allow.js";
import { CurrentViewer, PublicData } from "../../auth/viewer.js";
import type { PublicReader, Viewer } from "../../context.type.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import type { OrganizationView, OrgKind, Role } from "../organizations/index.js";
import { OrganizationType } from "../organizations/organizations.type.js";
import { ResourceStatus } from "./resources.enums.js";
import { PublishResourceInput, ResourceFilterInput } from "./resources.input.js";
import { getResource, listResources, ownerOf, publicCharityProjects, publishResource, setResourceStatus } from "./resources.service.js";
import { RESOURCE_KINDS_BY_ORG_KIND } from "./resources.validation.js";
import { ResourceConnection, ResourceType } from "./resources.type.js";
import type { ResourceView } from "./resources.views.js";

/** Organizations that run resources, and the roles inside them that manage them. */
const PUBLISHER_KINDS = Object.keys(RESOURCE_KINDS_BY_ORG_KIND) as OrgKind[];
const PUBLISHER_ROLES: Role[] = ["PROJECT_MANAGER", "COORDINATOR", "OFFICER", "ADMIN", "CASEWORKER"];

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

  @Allow({ kinds: PUBLISHER_KINDS, roles: PUBLISHER_ROLES })
  @Mutation(() => ResourceType, { description: "发布资源 — publish a project, programme or posts your organization runs (DRAFT or ACTIVE)" })
  publishResource(@Arg("input", () => PublishResourceInput) input: PublishResourceInput, @CurrentViewer() viewer: Viewer): Promise<ResourceView> {
    return publishResource(viewer, input);
  }

  @Allow({ kinds: PUBLISHER_KINDS, roles: PUBLISHER_ROLES })
  @Mutation(() => ResourceType, { description: "资源状态 — open, pause, resume or close one of your organization's resources" })
  setResourceStatus(
    @Arg("id", () => ID) id: string,
    @Arg("status", () => ResourceStatus.object) status: ResourceStatus,
    @CurrentViewer() viewer: Viewer,
  ): Promise<ResourceView> {
    return setResourceStatus(viewer, { id, status });
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: "发布机构 — the owning organization" })
  owner(@Root() resource: ResourceView, @PublicData() reader: PublicReader): Promise<OrganizationView | null> {
    return ownerOf(reader, resource);
  }

  @Allow(PUBLIC)
  @Query(() => ResourceConnection, { description: "慈善项目公开 — active charity projects and volunteer services with their published figures; no token needed" })
  charityProjects(@Args(() => PageArgs) page: PageArgs, @PublicData() reader: PublicReader): Promise<Page<ResourceView>> {
    return publicCharityProjects(reader, { page });
  }
}
