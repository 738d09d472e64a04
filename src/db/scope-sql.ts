import { and, eq, like, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { hasLiveGrant } from "../modules/grants/index.js";
import type { RecordScope } from "../privacy/scope.js";

/**
 * The SQL condition that keeps a query inside a record scope. `NONE` (and any kind a table does
 * not support) is `false`: fail closed.
 */
export function scopeCondition(
  scope: RecordScope,
  columns: { areaCode: AnyPgColumn; householdId: AnyPgColumn; published?: SQL },
): SQL {
  switch (scope.kind) {
    case "AREA":
      return like(columns.areaCode, `${scope.areaPrefix}%`);
    case "HOUSEHOLD":
      return eq(columns.householdId, scope.householdId);
    case "GRANTED":
      return hasLiveGrant(scope.orgId, columns.householdId);
    case "PUBLISHED":
      return columns.published ? and(like(columns.areaCode, `${scope.areaPrefix}%`), columns.published)! : sql`false`;
    case "NONE":
      return sql`false`;
  }
}
