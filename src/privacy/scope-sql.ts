import { and, eq, gt, isNull, like, lte, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accessGrants } from "../modules/grants/grants.table.js";
import type { RecordScope } from "./scope.js";

// The record-scope rules of scope.ts, as SQL: every scoped repository puts one of these in its WHERE.

/** A grant counts while it is not revoked, has started and has not expired (database clock). */
export function liveGrant(): SQL {
  return and(
    isNull(accessGrants.revokedAt),
    lte(accessGrants.validFrom, sql`now()`),
    or(isNull(accessGrants.expiresAt), gt(accessGrants.expiresAt, sql`now()`)),
  )!;
}

/** SQL: the household in `householdColumn` has a live grant for `orgId`. */
export function hasLiveGrant(orgId: string, householdColumn: AnyPgColumn): SQL {
  return sql`exists (select 1 from ${accessGrants} where ${accessGrants.householdId} = ${householdColumn}
    and ${accessGrants.granteeOrgId} = ${orgId} and ${liveGrant()})`;
}

/**
 * The SQL condition that keeps a query inside a record scope. `NONE` (and any kind a table does
 * not support) is `false`: fail closed.
 */
export function scopeCondition(
  scope: RecordScope,
  columns: { areaCode: AnyPgColumn; householdId: AnyPgColumn; published?: SQL; claimedBy?: AnyPgColumn },
): SQL {
  switch (scope.kind) {
    case "AREA":
      return like(columns.areaCode, `${scope.areaPrefix}%`);
    case "HOUSEHOLD":
      return eq(columns.householdId, scope.householdId);
    case "GRANTED":
      return hasLiveGrant(scope.orgId, columns.householdId);
    case "PUBLISHED": {
      if (!columns.published) return sql`false`;
      const published = and(like(columns.areaCode, `${scope.areaPrefix}%`), columns.published)!;
      return columns.claimedBy ? or(published, eq(columns.claimedBy, scope.orgId))! : published;
    }
    case "NONE":
      return sql`false`;
  }
}
