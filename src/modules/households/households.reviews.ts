import { and, eq, inArray, sql } from "drizzle-orm";
import type { Viewer } from "../../context.type.js";
import { keysetPage } from "../../db/paging.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { householdScope } from "../../privacy/scope.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { HOUSEHOLD_CATALOGUE, householdSource } from "./households.policy.js";
import type { HouseholdView } from "./households.service.js";
import type { RegistrationReviewStatus } from "./households.enums.js";
import { households, persons, registrationReviews } from "./households.table.js";

// Civil affairs' duplicate-review queue: registrations that named an ID number already registered in
// a household outside the registrar's scope. Reading it discloses both households: each is projected
// (and so access-logged) like any other read.

export interface RegistrationReviewView {
  readonly id: string;
  readonly status: RegistrationReviewStatus;
  readonly createdAt: string;
  readonly personId: string;
  readonly conflictingPersonId: string;
  /** The household registered with the repeated number, and the one that already held it. */
  readonly household: HouseholdView | null;
  readonly conflictingHousehold: HouseholdView | null;
}

const UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function listRegistrationReviews(
  viewer: Viewer,
  args: { status?: RegistrationReviewStatus | null; page: PageArgs },
): Promise<Page<RegistrationReviewView>> {
  const { principal, projector, cipher, loaders } = viewer;
  const scope = householdScope(principal);
  const page = pageRequest(args.page, UUID_KEY);
  // Both households in the reviewer's jurisdiction; a review spanning jurisdictions is the higher level's.
  const inScope = scopeCondition(scope, { areaCode: households.areaCode, householdId: households.id });
  const where = and(
    args.status != null ? eq(registrationReviews.status, args.status) : undefined,
    sql`exists (select 1 from ${households} where ${households.id} = ${registrationReviews.householdId} and ${inScope})`,
    sql`exists (select 1 from ${persons} join ${households} on ${households.id} = ${persons.householdId}
      where ${persons.id} = ${registrationReviews.conflictingPersonId} and ${inScope})`,
  );
  const { rows, totalCount } = await keysetPage({ db: viewer.db, table: registrationReviews, key: registrationReviews.id, where, page });
  const conflicting = new Map(
    rows.length === 0
      ? []
      : (
          await viewer.db
            .select({ id: persons.id, householdId: persons.householdId })
            .from(persons)
            .where(inArray(persons.id, rows.map((r) => r.conflictingPersonId)))
        ).map((p) => [p.id, p.householdId] as const),
  );
  const householdRows = await loaders.householdById.loadMany([...new Set(rows.flatMap((r) => [r.householdId, conflicting.get(r.conflictingPersonId) ?? r.householdId]))]);
  const byId = new Map(householdRows.flatMap((h) => (h && !(h instanceof Error) ? [[h.id, h] as const] : [])));
  const view = (id: string | undefined) => {
    const row = id ? byId.get(id) : undefined;
    return row ? projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, cipher), scope.grant) : null;
  };
  for (const r of rows) viewer.audit.disclosed("RegistrationReview", r.id, r.householdId, []);
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.id,
    view: (r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      personId: r.personId,
      conflictingPersonId: r.conflictingPersonId,
      household: view(r.householdId),
      conflictingHousehold: view(conflicting.get(r.conflictingPersonId)),
    }),
  });
}
