import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import { NATURAL_KEY } from "../../db/paging.js";
import type { View } from "../../privacy/project.js";
import { householdScope } from "../../privacy/scope.js";
import { InputError, NotFoundError } from "../../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { areaPrefixOrThrow, uuidOrThrow } from "../../shared/validate.js";
import type { AssistanceType, CaseStatus } from "./cases.enums.js";
import { CASE_CATALOGUE, caseSource, type CaseSource } from "./cases.policy.js";
import { grantResolver } from "../grants/index.js";
import { CaseRepository } from "./cases.repository.js";

export type CaseView = View<CaseSource>;

export interface CaseFilterArgs {
  areaCode?: string | null;
  type?: AssistanceType | null;
  status?: CaseStatus | null;
  householdId?: string | null;
}

export async function listCases(ctx: HubContext, args: { filter?: CaseFilterArgs | null; page: PageArgs }): Promise<Page<CaseView>> {
  const { principal, projector } = viewerOf(ctx);
  const page = pageRequest(args.page, NATURAL_KEY);
  const scope = householdScope(principal);
  const f = args.filter ?? {};
  // Filtering by a field the caller cannot read in full would leak it through the result set.
  if ((f.type != null || f.status != null) && !projector.canReadFully(CASE_CATALOGUE, "type", scope.grant)) {
    throw new InputError("filtering by assistance type or status is outside your remit", "filter");
  }
  const { rows, totalCount } = await new CaseRepository(ctx.db, scope).page(
    {
      areaPrefix: f.areaCode != null ? areaPrefixOrThrow(f.areaCode, "filter.areaCode") : undefined,
      type: f.type ?? undefined,
      status: f.status ?? undefined,
      householdId: f.householdId != null ? uuidOrThrow(f.householdId, "filter.householdId") : undefined,
    },
    page,
  );
  const grantOf = await grantResolver(ctx, scope, rows.map((r) => r.householdId));
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.caseNo,
    view: (r) => projector.project(CASE_CATALOGUE, caseSource(r), grantOf(r.householdId)),
  });
}

export async function getCase(ctx: HubContext, id: string): Promise<CaseView> {
  const caseId = uuidOrThrow(id);
  const { principal, projector } = viewerOf(ctx);
  const scope = householdScope(principal);
  const row = await new CaseRepository(ctx.db, scope).findById(caseId);
  if (!row) {
    ctx.audit.denied("Case", "NOT_IN_SCOPE", caseId);
    throw new NotFoundError("case");
  }
  const grantOf = await grantResolver(ctx, scope, [row.householdId]);
  return projector.project(CASE_CATALOGUE, caseSource(row), grantOf(row.householdId));
}
