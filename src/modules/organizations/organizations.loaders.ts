import type DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/fair-loader.js";
import type { Lane } from "../../shared/turns.js";
import { organizations, type OrganizationRow } from "./organizations.table.js";

export interface OrganizationLoaders {
  readonly organizationById: DataLoader<string, OrganizationRow | null>;
}

export function createOrganizationLoaders(db: Database, lane: Lane | null = null): OrganizationLoaders {
  return {
    organizationById: new FairLoader(async (ids) => {
      const rows = await db.select().from(organizations).where(inArray(organizations.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }, lane),
  };
}
