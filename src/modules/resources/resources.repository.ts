import { and, arrayContains, arrayOverlaps, eq, ne, or, type SQL } from "drizzle-orm";
import type { Principal } from "../../auth/principal.js";
import type { Database } from "../../db/client.js";
import { keysetPage, type LazyCount } from "../../db/paging.js";
import { areaAncestors } from "../../shared/area.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { NeedCategory } from "../needs/needs.enums.js";
import type { ResourceKind, ResourceStatus } from "./resources.enums.js";
import { resources, type ResourceRow } from "./resources.table.js";

/** What resources can be filtered by: the one shape of the GraphQL input, the service and this repository. */
export interface ResourceFilter {
  readonly kind?: ResourceKind | null;
  readonly status?: ResourceStatus | null;
  readonly category?: NeedCategory | null;
  /** A 12-digit code (validated by the service): resources whose service areas include it (the code or an enclosing area). */
  readonly servesArea?: string | null;
}

/** Published resources are visible to every caller; drafts only to their owner and civil affairs. */
export class ResourceRepository {
  constructor(
    private readonly db: Database,
    private readonly principal: Principal,
  ) {}

  private where(filter: ResourceFilter, extra?: SQL): SQL | undefined {
    const visible =
      this.principal.org.kind === "CIVIL_AFFAIRS"
        ? undefined
        : or(ne(resources.status, "DRAFT"), eq(resources.ownerOrgId, this.principal.org.id));
    return and(
      visible,
      filter.kind != null ? eq(resources.kind, filter.kind) : undefined,
      filter.status != null ? eq(resources.status, filter.status) : undefined,
      filter.category != null ? arrayContains(resources.categories, [filter.category]) : undefined,
      filter.servesArea != null ? arrayOverlaps(resources.serviceAreaCodes, areaAncestors(filter.servesArea)) : undefined,
      extra,
    );
  }

  page(filter: ResourceFilter, page: PageRequest): Promise<{ rows: ResourceRow[]; totalCount: LazyCount }> {
    return keysetPage({ db: this.db, table: resources, key: resources.resourceNo, where: this.where(filter), page });
  }

  async findById(id: string): Promise<ResourceRow | null> {
    const [row] = await this.db.select().from(resources).where(this.where({}, eq(resources.id, id))).limit(1);
    return row ?? null;
  }
}
