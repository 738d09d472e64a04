import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import { NATURAL_KEY } from "../../db/paging.js";
import { isAreaCode } from "../../shared/area.js";
import { InputError, NotFoundError } from "../../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { uuidOrThrow } from "../../shared/validate.js";
import { organizationView, type OrganizationType } from "../organizations/index.js";
import type { NeedCategory } from "../needs/index.js";
import type { ResourceKind, ResourceStatus } from "./resources.enums.js";
import { ResourceRepository } from "./resources.repository.js";
import { resourceView, type ResourceType } from "./resources.type.js";

export interface ResourceFilterArgs {
  kind?: ResourceKind | null;
  status?: ResourceStatus | null;
  category?: NeedCategory | null;
  servesArea?: string | null;
}

export async function listResources(
  ctx: HubContext,
  args: { filter?: ResourceFilterArgs | null; page: PageArgs },
): Promise<Page<ResourceType>> {
  const { principal } = viewerOf(ctx);
  const page = pageRequest(args.page, NATURAL_KEY);
  const f = args.filter ?? {};
  if (f.servesArea != null && !isAreaCode(f.servesArea)) {
    throw new InputError("servesArea must be a 12-digit division code", "filter.servesArea");
  }
  const { rows, totalCount } = await new ResourceRepository(ctx.db, principal).page(
    {
      kind: f.kind ?? undefined,
      status: f.status ?? undefined,
      category: f.category ?? undefined,
      servesArea: f.servesArea ?? undefined,
    },
    page,
  );
  return toPage({ rows, limit: page.limit, totalCount, keyOf: (r) => r.resourceNo, view: resourceView });
}

export async function getResource(ctx: HubContext, id: string): Promise<ResourceType> {
  const resourceId = uuidOrThrow(id);
  const { principal } = viewerOf(ctx);
  const row = await new ResourceRepository(ctx.db, principal).findById(resourceId);
  if (!row) throw new NotFoundError("resource");
  return resourceView(row);
}

export async function ownerOf(ctx: HubContext, resource: ResourceType): Promise<OrganizationType | null> {
  const row = await ctx.loaders.organizationById.load(resource.ownerOrgId);
  return row ? organizationView(row) : null;
}
