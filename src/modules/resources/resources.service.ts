import { and, eq, inArray, sql } from "drizzle-orm";
import { appendChangeEntries, changeEntriesFor } from "../../audit/index.js";
import type { PublicReader, Viewer } from "../../context.type.js";
import { districtDate } from "../../shared/calendar.js";
import { NATURAL_KEY, keysetPage } from "../../db/paging.js";
import { isAreaCode } from "../../shared/area.js";
import { ValidationError } from "../../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { uuidOrThrow } from "../../shared/validate.js";
import { organizationView, type OrganizationView } from "../organizations/index.js";
import { ResourceError } from "./resources.errors.js";
import { ResourceRepository, type ResourceFilter } from "./resources.repository.js";
import type { ResourceStatus } from "./resources.enums.js";
import { RESOURCE_CATALOGUE, type ResourceAuditSource } from "./resources.policy.js";
import { resources, type ResourceRow } from "./resources.table.js";
import { RESOURCE_TRANSITIONS, validateResource, type ResourcePublishData } from "./resources.validation.js";
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

/** The owning organization: public, with or without a token. */
export async function ownerOf(reader: PublicReader, resource: ResourceView): Promise<OrganizationView | null> {
  const row = await reader.organizationById.load(resource.ownerOrgId);
  return row ? organizationView(row) : null;
}

/**
 * 慈善项目公开 — active charity projects and volunteer services with their published figures (slots and
 * budget left, window, areas), by resource number; no token needed (clause 18, 信息公开).
 */
export async function publicCharityProjects(reader: PublicReader, args: { page: PageArgs }): Promise<Page<ResourceView>> {
  const page = pageRequest(args.page, NATURAL_KEY);
  const { rows, totalCount } = await keysetPage({
    db: reader.db,
    table: resources,
    key: resources.resourceNo,
    where: and(eq(resources.status, "ACTIVE"), inArray(resources.kind, ["CHARITY_PROJECT", "VOLUNTEER_SERVICE"])),
    page,
  });
  return toPage({ rows, limit: page.limit, totalCount, keyOf: (r) => r.resourceNo, view: resourceView });
}

// --- publishing and status (clause 18: 慈善项目发布; 信息公开) --------------------------------------------

const resourceNumber = (n: string | number) => `QXR-${String(n).padStart(4, "0")}`;

/** A resource's values in catalogue names, for the change log. */
function auditValues(r: ResourceRow): Partial<ResourceAuditSource> {
  return {
    resourceNo: r.resourceNo,
    ownerOrgId: r.ownerOrgId,
    kind: r.kind,
    name: r.name,
    description: r.description,
    categories: r.categories.join(","),
    serviceAreaCodes: r.serviceAreaCodes.join(","),
    eligibilityTags: r.eligibilityTags.join(","),
    capacitySlots: r.capacitySlots,
    budget: r.budgetFen,
    perBeneficiaryCap: r.perBeneficiaryCapFen,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    status: r.status,
  };
}

/**
 * 发布资源 — a charity's project, a bureau's programme or human resources' public-welfare posts,
 * owned by the caller's organization: its kind must be one the organization runs, its service areas
 * inside the organization's area, its capacity (slots and/or budget) positive. DRAFT or ACTIVE.
 */
export async function publishResource(viewer: Viewer, input: ResourcePublishData, now: Date = new Date()): Promise<ResourceView> {
  const { principal } = viewer;
  const valid = validateResource(input, principal.org, districtDate(now));
  const row = await viewer.db.transaction(async (tx) => {
    const [seq] = await tx.select({ n: sql<string>`nextval('resource_no_seq')` }).from(sql`(select 1) as one`);
    const [created] = await tx
      .insert(resources)
      .values({ ...valid, resourceNo: resourceNumber(seq!.n), ownerOrgId: principal.org.id })
      .returning();
    const r = created!;
    await appendChangeEntries(
      tx,
      changeEntriesFor({ principal, requestId: viewer.requestId, catalogue: RESOURCE_CATALOGUE, entityId: r.id, householdId: null, before: null, after: auditValues(r), at: now }),
    );
    return r;
  });
  return resourceView(row);
}

/** 资源状态 — the owner opens, pauses, resumes or closes its resource (RESOURCE_TRANSITIONS). */
export async function setResourceStatus(viewer: Viewer, args: { id: string; status: ResourceStatus }, now: Date = new Date()): Promise<ResourceView> {
  const { principal } = viewer;
  const resourceId = uuidOrThrow(args.id);
  const row = await viewer.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(resources)
      .where(and(eq(resources.id, resourceId), eq(resources.ownerOrgId, principal.org.id)))
      .for("update");
    if (!current) throw new ResourceError("RESOURCE_NOT_FOUND", "resource not found among your organization's");
    if (!RESOURCE_TRANSITIONS[current.status].includes(args.status)) {
      throw new ResourceError("INVALID_TRANSITION", `a ${current.status} resource cannot become ${args.status} (allowed: ${RESOURCE_TRANSITIONS[current.status].join(", ") || "none"})`, { from: current.status, to: args.status });
    }
    const [updated] = await tx.update(resources).set({ status: args.status, updatedAt: now }).where(eq(resources.id, resourceId)).returning();
    await appendChangeEntries(
      tx,
      changeEntriesFor({ principal, requestId: viewer.requestId, catalogue: RESOURCE_CATALOGUE, entityId: resourceId, householdId: null, before: { status: current.status }, after: { status: args.status }, at: now }),
    );
    return updated!;
  });
  return resourceView(row);
}
