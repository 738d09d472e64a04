import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // swc (not esbuild) transforms the tests so type-graphql's legacy decorators compile exactly as tsc does.
  plugins: [swc.vite({ module: { type: "es6" } })],
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
