import DataLoader from "dataloader";
import { asc, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { households, persons, type HouseholdRow, type PersonRow } from "./households.table.js";

// Per-request loaders. They are parent-authorized: call them only with ids taken from a record the
// caller already reached in scope; the parent's grant then governs the projection.

export interface HouseholdLoaders {
  readonly householdById: DataLoader<string, HouseholdRow | null>;
  readonly membersByHouseholdId: DataLoader<string, readonly PersonRow[]>;
}

const RELATION_ORDER = ["HEAD", "SPOUSE", "PARENT", "GRANDPARENT", "SIBLING", "CHILD", "GRANDCHILD", "OTHER"];

export function createHouseholdLoaders(db: Database): HouseholdLoaders {
  return {
    householdById: new DataLoader(async (ids) => {
      const rows = await db.select().from(households).where(inArray(households.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    membersByHouseholdId: new DataLoader(async (ids) => {
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
    }),
  };
}
