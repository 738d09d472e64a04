import { and, eq, inArray, like, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { keysetPage } from "../../db/paging.js";
import { scopeCondition } from "../../db/scope-sql.js";
import type { RecordScope } from "../../privacy/scope.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import { needs, type NeedRow } from "./needs.table.js";

export interface NeedFilter {
  readonly areaPrefix?: string | undefined;
  readonly category?: NeedCategory | undefined;
  readonly status?: NeedStatus | undefined;
  readonly urgency?: NeedUrgency | undefined;
}

/** Needs a charity can see before any claim: published ones, still open for matching. */
const PUBLISHED_STATUSES: NeedStatus[] = ["OPEN", "MATCHED"];

export class NeedRepository {
  constructor(
    private readonly db: Database,
    private readonly scope: RecordScope,
  ) {}

  private where(filter: NeedFilter, extra?: SQL): SQL | undefined {
    return and(
      scopeCondition(this.scope, {
        areaCode: needs.areaCode,
        householdId: needs.householdId,
        published: inArray(needs.status, PUBLISHED_STATUSES),
      }),
      filter.areaPrefix ? like(needs.areaCode, `${filter.areaPrefix}%`) : undefined,
      filter.category ? eq(needs.category, filter.category) : undefined,
      filter.status ? eq(needs.status, filter.status) : undefined,
      filter.urgency ? eq(needs.urgency, filter.urgency) : undefined,
      extra,
    );
  }

  page(filter: NeedFilter, page: PageRequest): Promise<{ rows: NeedRow[]; totalCount: number }> {
    return keysetPage({ db: this.db, table: needs, key: needs.needNo, where: this.where(filter), page });
  }

  async findById(id: string): Promise<NeedRow | null> {
    const [row] = await this.db.select().from(needs).where(this.where({}, eq(needs.id, id))).limit(1);
    return row ?? null;
  }
}
