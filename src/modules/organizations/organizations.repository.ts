import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { organizations, type OrganizationRow } from "./organizations.table.js";

/**
 * System access (unscoped): the organization directory is what authentication itself reads to
 * resolve a token's `org` claim. Organizations are public bodies; no household data here.
 */
export class OrganizationDirectory {
  private readonly cache = new Map<string, { row: OrganizationRow | null; at: number }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `db`: where a miss is read, when not the directory's own handle (a request's open transaction). */
  async systemFindByCode(code: string, db: Database = this.db): Promise<OrganizationRow | null> {
    const hit = this.cache.get(code);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.row;
    const [row] = await db.select().from(organizations).where(eq(organizations.code, code)).limit(1);
    // Bounded: codes come from verified tokens only, but keep the cache from growing without limit.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(code, { row: row ?? null, at: this.now() });
    return row ?? null;
  }
}
