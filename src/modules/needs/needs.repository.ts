import { and, eq, getTableColumns, inArray, like, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { viewColumns } from "../../db/columns.js";
import { columnsFor, plainColumns, type ReadColumn } from "../../db/raw-rows.js";
import { governmentCoverSql, governmentCoverTypesSql, openToCharitySql } from "./needs.coverage.js";
import { keysetPage, pageStatementKey, withHouseholds, type EmbeddedRelation, type LazyCount } from "../../db/paging.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { fewScopesOfKind, scopeKey, type RecordScope } from "../../privacy/scope.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import { NEED_CATALOGUE, type NeedSource } from "./needs.policy.js";
import { needs, type NeedReadRow } from "./needs.table.js";

const NEED_COLUMNS = plainColumns(viewColumns(getTableColumns(needs)));
// Keys, cursor, area and status always; each field's columns when the operation selects it — and the
// per-item fields' (note, tags) whenever it reads redactions, which list their refused items.
const NEED_ALWAYS = plainColumns({ id: needs.id, needNo: needs.needNo, householdId: needs.householdId, areaCode: needs.areaCode, status: needs.status });
const NEED_BY_FIELD: { readonly [F in keyof NeedSource]?: Record<string, ReadColumn> } = {
  caseId: plainColumns({ caseId: needs.caseId }),
  recordedByOrgId: plainColumns({ recordedByOrgId: needs.recordedByOrgId }),
  category: plainColumns({ category: needs.category }),
  urgency: plainColumns({ urgency: needs.urgency }),
  title: plainColumns({ title: needs.title }),
  note: plainColumns({ description: needs.description, noteCategory: needs.noteCategory }),
  amount: plainColumns({ amountFen: needs.amountFen }),
  openAmount: { ...plainColumns({ amountFen: needs.amountFen }), governmentCoverFen: governmentCoverSql() },
  governmentCover: { governmentCoverFen: governmentCoverSql(), governmentCoverTypes: governmentCoverTypesSql() },
  beneficiaryTags: plainColumns({ beneficiaryTags: needs.beneficiaryTags }),
  neededBy: plainColumns({ neededBy: needs.neededBy }),
};
const NEED_OWN_BY_FIELD: typeof NEED_BY_FIELD = { ...NEED_BY_FIELD, openAmount: plainColumns({ amountFen: needs.amountFen }), governmentCover: undefined };
const PER_ITEM_FIELDS: ReadonlySet<string> = new Set(
  Object.entries(NEED_CATALOGUE.fields).flatMap(([field, rule]) => (rule.itemCategory ? [field] : [])),
);

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

/** The needs a record scope reaches, as SQL on `needs`. */
export function needVisibility(scope: RecordScope, openToCharity: SQL = openToCharitySql()): SQL {
  return scopeCondition(scope, {
    areaCode: needs.areaCode,
    householdId: needs.householdId,
    // Published, and open to charity: a need government aid covers in full is not charity's to fill.
    published: and(inArray(needs.status, PUBLISHED_STATUSES), openToCharity),
    claimedBy: needs.claimedByOrgId,
  });
}

/**
 * The need's own columns an operation's selection needs (as NeedRepository.page reads them), without the
 * government cover's: for reads that compute the cover themselves (matching joins it once for all).
 */
export function needOwnColumnsFor(selects: (entity: string, field: string) => boolean): Record<string, ReadColumn> {
  return columnsFor("Need", NEED_ALWAYS, NEED_OWN_BY_FIELD, (entity, field) => selects(entity, field) || (PER_ITEM_FIELDS.has(field) && selects(entity, "redactions")));
}

/** Every column a need's view may be built from (keys, fields, government cover), for reads that build whole views. */
export const NEED_VIEW_COLUMNS = { ...NEED_COLUMNS, governmentCoverFen: governmentCoverSql(), governmentCoverTypes: governmentCoverTypesSql() };

export class NeedRepository {
  constructor(
    private readonly db: Database,
    private readonly scope: RecordScope,
    /** What the operation selects (the page reads only those fields' columns); everything without. */
    private readonly selects: (entity: string, field: string) => boolean = () => true,
  ) {}

  private where(filter: NeedFilter, extra?: SQL): SQL | undefined {
    return and(
      needVisibility(this.scope),
      filter.areaCode != null ? like(needs.areaCode, `${filter.areaCode}%`) : undefined,
      filter.category != null ? eq(needs.category, filter.category) : undefined,
      filter.status != null ? eq(needs.status, filter.status) : undefined,
      filter.urgency != null ? eq(needs.urgency, filter.urgency) : undefined,
      extra,
    );
  }

  /** One page by need number; with `households`, each row carries its household for the loaders (db/paging.ts EmbeddedRelation). */
  page(filter: NeedFilter, page: PageRequest, households: EmbeddedRelation | null = null): Promise<{ rows: NeedReadRow[]; totalCount: LazyCount }> {
    const selects = this.selects;
    const own = columnsFor("Need", NEED_ALWAYS, NEED_BY_FIELD, (entity, field) =>
      selects(entity, field) || (PER_ITEM_FIELDS.has(field) && selects(entity, "redactions")),
    );
    const columns = withHouseholds(own, households, needs.householdId);
    return keysetPage({ db: this.db, table: needs, key: needs.needNo, where: () => this.where(filter), page, columns, statementKey: pageStatementKey("needs", { key: scopeKey(this.scope), few: fewScopesOfKind(this.scope) }, filter, households) });
  }

  async findById(id: string): Promise<NeedReadRow | null> {
    const [row] = await this.db
      .select({ ...NEED_COLUMNS, governmentCoverFen: governmentCoverSql().mapWith(Number), governmentCoverTypes: governmentCoverTypesSql().mapWith((v: string[]) => v) })
      .from(needs)
      .where(this.where({}, eq(needs.id, id)))
      .limit(1);
    return row ?? null;
  }
}
