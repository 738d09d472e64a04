import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { DbHandle } from "./client.js";

/** The committed, drizzle-kit generated migrations. */
export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../migrations");

/** Applies every committed migration not yet applied; idempotent. */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  // Both migrators run the same journal; they differ only in the driver type they accept.
  if (handle.kind === "postgres") await migratePg(handle.db as never, config);
  else await migratePglite(handle.db as never, config);
}
