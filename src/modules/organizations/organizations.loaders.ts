import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { organizations, type OrganizationRow } from "./organizations.table.js";

export interface OrganizationLoaders {
  readonly organizationById: DataLoader<string, OrganizationRow | null>;
}

export function createOrganizationLoaders(db: Database): OrganizationLoaders {
  return {
    organizationById: new DataLoader(async (ids) => {
      const rows = await db.select().from(organizations).where(inArray(organizations.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
