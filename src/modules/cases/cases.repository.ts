import { and, eq, getTableColumns, like, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../db/client.js";
import { viewColumns } from "../../db/columns.js";
import { columnsFor, plainColumns } from "../../db/raw-rows.js";
import { keysetPage, pageStatementKey, withHouseholds, type EmbeddedRelation, type LazyCount } from "../../db/paging.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { fewScopesOfKind, scopeKey, type RecordScope } from "../../privacy/scope.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { AssistanceType, CaseStatus } from "./cases.enums.js";
import type { CaseSource } from "./cases.policy.js";
import { cases, type CaseReadRow } from "./cases.table.js";

const CASE_COLUMNS = plainColumns(viewColumns(getTableColumns(cases)));
// Keys and the cursor always; each field's columns when the operation selects it.
const CASE_ALWAYS = plainColumns({ id: cases.id, caseNo: cases.caseNo, householdId: cases.householdId, areaCode: cases.areaCode });
const CASE_BY_FIELD: { readonly [F in keyof CaseSource]?: Record<string, AnyPgColumn> } = {
  handlingOrgId: plainColumns({ handlingOrgId: cases.handlingOrgId }),
  type: plainColumns({ type: cases.type }),
  channel: plainColumns({ channel: cases.channel }),
  status: plainColumns({ status: cases.status }),
  appliedOn: plainColumns({ appliedOn: cases.appliedOn }),
  decidedOn: plainColumns({ decidedOn: cases.decidedOn }),
  nextReviewOn: plainColumns({ nextReviewOn: cases.nextReviewOn }),
  monthlyBenefit: plainColumns({ monthlyBenefitFen: cases.monthlyBenefitFen }),
};

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
    /** What the operation selects (the page reads only those fields' columns); everything without. */
    private readonly selects: (entity: string, field: string) => boolean = () => true,
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

  /** One page by case number; with `households`, each row carries its household for the loaders (db/paging.ts EmbeddedRelation). */
  page(filter: CaseFilter, page: PageRequest, households: EmbeddedRelation | null = null): Promise<{ rows: CaseReadRow[]; totalCount: LazyCount }> {
    const columns = withHouseholds(columnsFor("Case", CASE_ALWAYS, CASE_BY_FIELD, this.selects), households, cases.householdId);
    return keysetPage({ db: this.db, table: cases, key: cases.caseNo, where: () => this.where(filter), page, columns, statementKey: pageStatementKey("cases", { key: scopeKey(this.scope), few: fewScopesOfKind(this.scope) }, filter, households) });
  }

  async findById(id: string): Promise<CaseReadRow | null> {
    const [row] = await this.db.select(CASE_COLUMNS).from(cases).where(this.where({}, eq(cases.id, id))).limit(1);
    return row ?? null;
  }
}
