import type { Viewer } from "../../context.type.js";
import { NATURAL_KEY } from "../../db/paging.js";
import { isAreaCode } from "../../shared/area.js";
import { ValidationError } from "../../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { uuidOrThrow } from "../../shared/validate.js";
import { organizationView, type OrganizationView } from "../organizations/index.js";
import { ResourceError } from "./resources.errors.js";
import { ResourceRepository, type ResourceFilter } from "./resources.repository.js";
import { resourceView, type ResourceView } from "./resources.views.js";

export async function listResources(viewer: Viewer, args: { filter?: ResourceFilter | null; page: PageArgs }): Promise<Page<ResourceView>> {
  const page = pageRequest(args.page, NATURAL_KEY);
  const f = args.filter ?? {};
  if (f.servesArea != null && !isAreaCode(f.servesArea)) {
    throw ValidationError.atField("INVALID_AREA_CODE", "servesArea must be a 12-digit division code", "filter.servesArea");
  }
  const { rows, totalCount } = await new ResourceRepository(viewer.db, viewer.principal).page(
    { kind: f.kind ?? null, status: f.status ?? null, category: f.category ?? null, servesArea: f.servesArea ?? null },
    page,
  );
  return toPage({ rows, limit: page.limit, totalCount, keyOf: (r) => r.resourceNo, view: resourceView });
}

export async function getResource(viewer: Viewer, id: string): Promise<ResourceView> {
  const resourceId = uuidOrThrow(id);
  const row = await new ResourceRepository(viewer.db, viewer.principal).findById(resourceId);
  if (!row) throw new ResourceError("RESOURCE_NOT_FOUND", "resource not found");
  return resourceView(row);
}

export async function ownerOf(viewer: Viewer, resource: ResourceView): Promise<OrganizationView | null> {
  const row = await viewer.loaders.organizationById.load(resource.ownerOrgId);
  return row ? organizationView(row) : null;
}
