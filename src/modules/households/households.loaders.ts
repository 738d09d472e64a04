import type DataLoader from "dataloader";
import { and, asc, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/loader-options.js";
import type { Lane } from "../../shared/turns.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import type { RecordScope } from "../../privacy/scope.js";
import { households, persons, type HouseholdRow, type PersonRow } from "./households.table.js";

// Per-request loaders. `householdById` re-checks the caller's record scope (a case or a need does not
// vouch for its household: a published need's household is not in a charity's scope);
// `membersByHouseholdId` is parent-authorized: call it only for a household the caller reached.

export interface HouseholdLoaders {
  /** Households in the caller's record scope, by id; null outside it. */
  readonly householdById: DataLoader<string, HouseholdRow | null>;
  readonly membersByHouseholdId: DataLoader<string, readonly PersonRow[]>;
}

const RELATION_ORDER = ["HEAD", "SPOUSE", "PARENT", "GRANDPARENT", "SIBLING", "CHILD", "GRANDCHILD", "OTHER"];

export function createHouseholdLoaders(db: Database, scope: RecordScope, lane: Lane | null = null): HouseholdLoaders {
  const inScope = scopeCondition(scope, { areaCode: households.areaCode, householdId: households.id });
  return {
    householdById: new FairLoader(async (ids) => {
      const rows = await db.select().from(households).where(and(inArray(households.id, [...ids]), inScope));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }, lane),
    membersByHouseholdId: new FairLoader(async (ids) => {
      const rows = await db
        .select()
        .from(persons)
        .where(inArray(persons.householdId, [...ids]))
        .orderBy(asc(persons.birthDate), asc(persons.id));
      const byHousehold = new Map<string, PersonRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) byHousehold.get(row.householdId)?.push(row);
      for (const members of byHousehold.values()) {
        members.sort((a, b) => RELATION_ORDER.indexOf(a.relationToHead) - RELATION_ORDER.indexOf(b.relationToHead));
      }
      return ids.map((id) => byHousehold.get(id) ?? []);
    }, lane),
  };
}
