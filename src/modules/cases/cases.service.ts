import type { Viewer } from "../../context.type.js";
import { NATURAL_KEY } from "../../db/paging.js";
import type { View } from "../../privacy/project.js";
import { householdScope } from "../../privacy/scope.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { areaPrefixOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { grantResolver } from "../grants/index.js";
import { CaseError } from "./cases.errors.js";
import { CASE_CATALOGUE, caseSource, type CaseSource } from "./cases.policy.js";
import { CaseRepository, type CaseFilter } from "./cases.repository.js";

export type CaseView = View<CaseSource>;

export async function listCases(viewer: Viewer, args: { filter?: CaseFilter | null; page: PageArgs }): Promise<Page<CaseView>> {
  const { principal, projector, loaders } = viewer;
  const page = pageRequest(args.page, NATURAL_KEY);
  const scope = householdScope(principal);
  const f = args.filter ?? {};
  // Filtering by a field the caller cannot read in full would leak it through the result set.
  if ((f.type != null || f.status != null) && !projector.canReadFully(CASE_CATALOGUE, "type", scope.grant)) {
    throw new CaseError("FILTER_OUTSIDE_REMIT", "filtering by assistance type or status is outside your remit", { field: "filter" });
  }
  // The cases' households (and members) come in the page's own statement when the operation shows them.
  const households = projector.selects("Case", "household") ? loaders.embedHouseholds : null;
  const { rows, totalCount } = await new CaseRepository(viewer.db, scope, (entity, field) => projector.selects(entity, field)).page(
    {
      areaCode: f.areaCode != null ? areaPrefixOrThrow(f.areaCode, "filter.areaCode") : null,
      type: f.type ?? null,
      status: f.status ?? null,
      householdId: f.householdId != null ? uuidOrThrow(f.householdId, "filter.householdId") : null,
    },
    page,
    households,
  );
  households?.prime(rows);
  const grantOf = await grantResolver({ loaders, scope, householdIds: rows.map((r) => r.householdId) });
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.caseNo,
    view: (r) => projector.project(CASE_CATALOGUE, caseSource(r), grantOf(r.householdId)),
  });
}

export async function getCase(viewer: Viewer, id: string): Promise<CaseView> {
  const caseId = uuidOrThrow(id);
  const { principal, projector, loaders } = viewer;
  const scope = householdScope(principal);
  const row = await new CaseRepository(viewer.db, scope).findById(caseId);
  if (!row) {
    viewer.audit.denied("Case", "NOT_IN_SCOPE", caseId);
    throw new CaseError("CASE_NOT_FOUND", "case not found");
  }
  const grantOf = await grantResolver({ loaders, scope, householdIds: [row.householdId] });
  return projector.project(CASE_CATALOGUE, caseSource(row), grantOf(row.householdId));
}
