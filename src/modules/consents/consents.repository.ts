import type DataLoader from "dataloader";
import { and, eq, gt, inArray, lte, notExists, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/fair-loader.js";
import type { Lane } from "../../shared/turns.js";
import type { DataCategory } from "../../privacy/categories.js";
import type { OrgKind } from "../organizations/organizations.enums.js";
import { consents, type ConsentRow } from "./consents.table.js";

/** A GRANT that has started, not expired (database clock) and not been withdrawn. */
function liveGrantConditions() {
  return and(
    eq(consents.action, "GRANT"),
    lte(consents.validFrom, sql`now()`),
    gt(consents.expiresAt, sql`now()`),
    notExists(sql`(select 1 from ${consents} as "withdrawal" where "withdrawal"."withdraws_id" = ${consents.id})`),
  );
}

/**
 * Categories each household has consented to disclose to one organization (by id or by kind).
 * One query per batch; evaluated per request, so a withdrawal or an expiry takes effect at once.
 */
export function createConsentLoader(
  db: Database,
  recipient: { orgId: string; orgKind: OrgKind },
  lane: Lane | null = null,
): DataLoader<string, ReadonlySet<DataCategory>> {
  return new FairLoader(async (householdIds) => {
    const rows = await db
      .select({ householdId: consents.householdId, categories: consents.categories })
      .from(consents)
      .where(
        and(
          inArray(consents.householdId, [...householdIds]),
          or(eq(consents.recipientOrgId, recipient.orgId), eq(consents.recipientOrgKind, recipient.orgKind)),
          liveGrantConditions(),
        ),
      );
    const byHousehold = new Map<string, Set<DataCategory>>();
    for (const r of rows) {
      const set = byHousehold.get(r.householdId) ?? new Set<DataCategory>();
      r.categories.forEach((c) => set.add(c));
      byHousehold.set(r.householdId, set);
    }
    return householdIds.map((id) => byHousehold.get(id) ?? new Set<DataCategory>());
  }, lane);
}

export async function consentsOfHousehold(db: Database, householdId: string): Promise<ConsentRow[]> {
  return db.select().from(consents).where(eq(consents.householdId, householdId)).orderBy(consents.createdAt, consents.id);
}

export async function findConsent(db: Database, id: string): Promise<{ consent: ConsentRow; withdrawn: boolean } | null> {
  const [row] = await db.select().from(consents).where(eq(consents.id, id)).limit(1);
  if (!row) return null;
  const [w] = await db.select({ id: consents.id }).from(consents).where(eq(consents.withdrawsId, id)).limit(1);
  return { consent: row, withdrawn: Boolean(w) };
}
