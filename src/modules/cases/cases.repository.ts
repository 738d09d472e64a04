import { and, eq, getTableColumns, like, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { viewColumns } from "../../db/columns.js";
import { plainColumns } from "../../db/raw-rows.js";
import { keysetPage, type LazyCount } from "../../db/paging.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import type { RecordScope } from "../../privacy/scope.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { AssistanceType, CaseStatus } from "./cases.enums.js";
import { cases, type CaseReadRow } from "./cases.table.js";

const CASE_COLUMNS = plainColumns(viewColumns(getTableColumns(cases)));

/** What cases can be filtered by: the one shape of the GraphQL input, the service and this repository. */
export interface CaseFilter {
  /** Division-code prefix; validated and normalised by the service. */
  readonly areaCode?: string | null;
  readonly type?: AssistanceType | null;
  readonly status?: CaseStatus | null;
  readonly householdId?: string | null;
}

/** Cases as one caller may reach them. */
export class CaseRepository {
  constructor(
    private readonly db: Database,
    private readonly scope: RecordScope,
  ) {}

  private where(filter: CaseFilter, extra?: SQL): SQL | undefined {
    return and(
      scopeCondition(this.scope, { areaCode: cases.areaCode, householdId: cases.householdId }),
      filter.areaCode != null ? like(cases.areaCode, `${filter.areaCode}%`) : undefined,
      filter.type != null ? eq(cases.type, filter.type) : undefined,
      filter.status != null ? eq(cases.status, filter.status) : undefined,
      filter.householdId != null ? eq(cases.householdId, filter.householdId) : undefined,
      extra,
    );
  }

  page(filter: CaseFilter, page: PageRequest): Promise<{ rows: CaseReadRow[]; totalCount: LazyCount }> {
    return keysetPage({ db: this.db, table: cases, key: cases.caseNo, where: this.where(filter), page, columns: CASE_COLUMNS });
  }

  async findById(id: string): Promise<CaseReadRow | null> {
    const [row] = await this.db.select(CASE_COLUMNS).from(cases).where(this.where({}, eq(cases.id, id))).limit(1);
    return row ?? null;
  }
}
