import { and, eq, getTableColumns, inArray, like, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { viewColumns } from "../../db/columns.js";
import { plainColumns } from "../../db/raw-rows.js";
import { keysetPage, type LazyCount } from "../../db/paging.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import type { RecordScope } from "../../privacy/scope.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import { needs, type NeedReadRow } from "./needs.table.js";

const NEED_COLUMNS = plainColumns(viewColumns(getTableColumns(needs)));

/** What needs can be filtered by: the one shape of the GraphQL input, the service and this repository. */
export interface NeedFilter {
  /** Division-code prefix; validated and normalised by the service. */
  readonly areaCode?: string | null;
  readonly category?: NeedCategory | null;
  readonly status?: NeedStatus | null;
  readonly urgency?: NeedUrgency | null;
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
      filter.areaCode != null ? like(needs.areaCode, `${filter.areaCode}%`) : undefined,
      filter.category != null ? eq(needs.category, filter.category) : undefined,
      filter.status != null ? eq(needs.status, filter.status) : undefined,
      filter.urgency != null ? eq(needs.urgency, filter.urgency) : undefined,
      extra,
    );
  }

  page(filter: NeedFilter, page: PageRequest): Promise<{ rows: NeedReadRow[]; totalCount: LazyCount }> {
    return keysetPage({ db: this.db, table: needs, key: needs.needNo, where: this.where(filter), page, columns: NEED_COLUMNS });
  }

  async findById(id: string): Promise<NeedReadRow | null> {
    const [row] = await this.db.select(NEED_COLUMNS).from(needs).where(this.where({}, eq(needs.id, id))).limit(1);
    return row ?? null;
  }
}
