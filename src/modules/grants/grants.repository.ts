import type DataLoader from "dataloader";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/fair-loader.js";
import type { Lane } from "../../shared/turns.js";
import { liveGrant } from "../../privacy/scope-sql.js";
import { accessGrants, type AccessGrantRow, type NewAccessGrantRow } from "./grants.table.js";

/** Live grants of one organization, by household: one query per batch. */
export function createGrantLoader(db: Database, orgId: string, lane: Lane | null = null): DataLoader<string, readonly AccessGrantRow[]> {
  return new FairLoader(async (householdIds) => {
    const rows = await db
      .select()
      .from(accessGrants)
      .where(and(eq(accessGrants.granteeOrgId, orgId), inArray(accessGrants.householdId, [...householdIds]), liveGrant()));
    const byHousehold = new Map<string, AccessGrantRow[]>();
    for (const r of rows) byHousehold.set(r.householdId, [...(byHousehold.get(r.householdId) ?? []), r]);
    return householdIds.map((id) => byHousehold.get(id) ?? []);
  }, lane);
}

/**
 * System access: records a grant. Called by the workflows that create relationships (referral,
 * assignment, claim), never directly by a resolver.
 */
export async function systemGrantAccess(db: Database, grant: NewAccessGrantRow): Promise<AccessGrantRow> {
  const [row] = await db.insert(accessGrants).values(grant).returning();
  return row!;
}

export async function systemRevokeGrant(db: Database, grantId: string): Promise<void> {
  await db.update(accessGrants).set({ revokedAt: sql`now()` }).where(and(eq(accessGrants.id, grantId), isNull(accessGrants.revokedAt)));
}
