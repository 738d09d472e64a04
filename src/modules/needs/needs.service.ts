import type { Viewer } from "../../context.type.js";
import { NATURAL_KEY } from "../../db/paging.js";
import type { View } from "../../privacy/project.js";
import { needScope } from "../../privacy/scope.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { areaPrefixOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { NeedError } from "./needs.errors.js";
import { NEED_CATALOGUE, needSource, type NeedSource } from "./needs.policy.js";
import { NeedRepository, type NeedFilter } from "./needs.repository.js";

export type NeedView = View<NeedSource>;

export async function listNeeds(viewer: Viewer, args: { filter?: NeedFilter | null; page: PageArgs }): Promise<Page<NeedView>> {
  const { principal, projector } = viewer;
  const page = pageRequest(args.page, NATURAL_KEY);
  const scope = needScope(principal);
  const f = args.filter ?? {};
  const { rows, totalCount } = await new NeedRepository(viewer.db, scope, (entity, field) => projector.selects(entity, field)).page(
    {
      areaCode: f.areaCode != null ? areaPrefixOrThrow(f.areaCode, "filter.areaCode") : null,
      category: f.category ?? null,
      status: f.status ?? null,
      urgency: f.urgency ?? null,
    },
    page,
  );
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.needNo,
    view: (r) => projector.project(NEED_CATALOGUE, needSource(r, viewer.cipher), scope.grant),
  });
}

export async function getNeed(viewer: Viewer, id: string): Promise<NeedView> {
  const needId = uuidOrThrow(id);
  const { principal, projector } = viewer;
  const scope = needScope(principal);
  const row = await new NeedRepository(viewer.db, scope).findById(needId);
  if (!row) {
    viewer.audit.denied("Need", "NOT_IN_SCOPE", needId);
    throw new NeedError("NEED_NOT_FOUND", "need not found");
  }
  return projector.project(NEED_CATALOGUE, needSource(row, viewer.cipher), scope.grant);
}
