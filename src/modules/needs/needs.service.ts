import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import { NATURAL_KEY } from "../../db/paging.js";
import type { View } from "../../privacy/project.js";
import { needScope } from "../../privacy/scope.js";
import { NotFoundError } from "../../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { areaPrefixOrThrow, uuidOrThrow } from "../../shared/validate.js";
import type { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import { NEED_CATALOGUE, needSource, type NeedSource } from "./needs.policy.js";
import { NeedRepository } from "./needs.repository.js";

export type NeedView = View<NeedSource>;

export interface NeedFilterArgs {
  areaCode?: string | null;
  category?: NeedCategory | null;
  status?: NeedStatus | null;
  urgency?: NeedUrgency | null;
}

export async function listNeeds(ctx: HubContext, args: { filter?: NeedFilterArgs | null; page: PageArgs }): Promise<Page<NeedView>> {
  const { principal, projector } = viewerOf(ctx);
  const page = pageRequest(args.page, NATURAL_KEY);
  const scope = needScope(principal);
  const f = args.filter ?? {};
  const { rows, totalCount } = await new NeedRepository(ctx.db, scope).page(
    {
      areaPrefix: f.areaCode != null ? areaPrefixOrThrow(f.areaCode, "filter.areaCode") : undefined,
      category: f.category ?? undefined,
      status: f.status ?? undefined,
      urgency: f.urgency ?? undefined,
    },
    page,
  );
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.needNo,
    view: (r) => projector.project(NEED_CATALOGUE, needSource(r), scope.grant),
  });
}

export async function getNeed(ctx: HubContext, id: string): Promise<NeedView> {
  const needId = uuidOrThrow(id);
  const { principal, projector } = viewerOf(ctx);
  const scope = needScope(principal);
  const row = await new NeedRepository(ctx.db, scope).findById(needId);
  if (!row) {
    ctx.audit.denied("Need", "NOT_IN_SCOPE", needId);
    throw new NotFoundError("need");
  }
  return projector.project(NEED_CATALOGUE, needSource(row), scope.grant);
}
