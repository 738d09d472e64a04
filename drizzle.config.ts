import { defineConfig } from "drizzle-kit";

// Migrations are generated from the table index and committed; the hub applies them at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  strict: true,
  verbose: true,
});
