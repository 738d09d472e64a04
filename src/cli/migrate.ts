import "reflect-metadata";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";

// `npm run migrate`: applies the committed migrations to DATABASE_URL (or the PGlite in DATA_DIR).
const config = loadConfig();
const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
try {
  await migrateDatabase(db);
  process.stdout.write(`migrations applied (${db.kind})\n`);
} catch (err) {
  const cause = (err as { cause?: { code?: string } }).cause;
  process.stderr.write(`migration failed${cause?.code ? ` (SQLSTATE ${cause.code})` : ""}: ${(err as Error).message.split("\n")[0]}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
