import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import type { HubContext } from "../../context.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { NeedCategory } from "../needs/index.js";
import { OrganizationType } from "../organizations/index.js";
import { ResourceKind, ResourceStatus } from "./resources.enums.js";
import { getResource, listResources, ownerOf } from "./resources.service.js";
import { ResourceConnection, ResourceType } from "./resources.type.js";

@InputType({ description: "Resource filters" })
export class ResourceFilter {
  @Field(() => ResourceKind.object, { nullable: true })
  kind?: ResourceKind | null;

  @Field(() => ResourceStatus.object, { nullable: true })
  status?: ResourceStatus | null;

  @Field(() => NeedCategory.object, { nullable: true })
  category?: NeedCategory | null;

  @Field(() => String, { nullable: true, description: "A 12-digit division code the resource must serve" })
  servesArea?: string | null;
}

@Resolver(() => ResourceType)
export class ResourceResolver {
  @Allow(AUTHENTICATED)
  @Query(() => ResourceConnection, { description: "救助资源列表 — published resources (and the caller's own drafts)" })
  resources(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => ResourceFilter, { nullable: true }) filter: ResourceFilter | null,
    @Ctx() ctx: HubContext,
  ): Promise<Page<ResourceType>> {
    return listResources(ctx, { filter, page });
  }

  @Allow(AUTHENTICATED)
  @Query(() => ResourceType, { description: "救助资源 — one resource" })
  resource(@Arg("id", () => ID) id: string, @Ctx() ctx: HubContext): Promise<ResourceType> {
    return getResource(ctx, id);
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: "发布机构 — the owning organization" })
  owner(@Root() resource: ResourceType, @Ctx() ctx: HubContext): Promise<OrganizationType | null> {
    return ownerOf(ctx, resource);
  }
}
