import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";
import { SummaryReporter } from "./tests/support/summary-reporter.js";

export default defineConfig({
  // swc (not esbuild) transforms the tests so type-graphql's legacy decorators compile exactly as tsc does.
  plugins: [swc.vite({ module: { type: "es6" } })],
  resolve: {
    // graphql 16 has no "exports": Vite would pick its ESM build while type-graphql, loaded by Node,
    // gets the CommonJS one — two graphql instances, and instanceof checks on scalars fail.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["tests/**/*.test.ts"],
    // type-graphql needs the Reflect metadata API before any decorated class is evaluated; src entry
    // points import it themselves (src/main.ts, src/cli/*).
    setupFiles: ["reflect-metadata"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Decides the databases under test (PGlite always; PostgreSQL via TEST_DATABASE_URL or a throwaway
    // cluster) and provides them to tests/support/databases.ts.
    globalSetup: ["tests/support/global-setup.ts"],
    // "default" output, then one closing line: `tests: N passed, N failed, N skipped`.
    reporters: ["default", new SummaryReporter()],
  },
});
