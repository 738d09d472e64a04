import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The served hub loads graphql-js without its development checks, whatever NODE_ENV the operator set,
// and its own configuration still reads that NODE_ENV (src/library-mode.ts).

const ROOT = path.resolve(import.meta.dirname, "../..");

function probe(nodeEnv: string | undefined): { graphqlChecks: boolean; hubEnv: string } {
  const script = [
    'const { HUB_NODE_ENV } = await import("./src/library-mode.ts");',
    'const { isSchema } = await import("graphql");',
    'const { loadConfig } = await import("./src/config.ts");',
    // In development mode graphql-js throws on an object that only looks like one of its classes.
    'let checks = false; try { isSchema({ [Symbol.toStringTag]: "GraphQLSchema" }); } catch { checks = true; }',
    'console.log(JSON.stringify({ graphqlChecks: checks, hubEnv: loadConfig({ ...process.env, NODE_ENV: HUB_NODE_ENV }).env }));',
  ].join("\n");
  const env = { ...process.env };
  delete env.NODE_ENV;
  if (nodeEnv) env.NODE_ENV = nodeEnv;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, env, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

describe("library mode of the served process", () => {
  it("runs graphql-js without development checks, and the hub still in development by default", () => {
    expect(probe(undefined)).toEqual({ graphqlChecks: false, hubEnv: "development" });
    expect(probe("test")).toEqual({ graphqlChecks: false, hubEnv: "test" });
  });

  it("is what this suite is not: here graphql-js keeps its checks", async () => {
    const { isSchema } = await import("graphql");
    expect(() => isSchema({ [Symbol.toStringTag]: "GraphQLSchema" })).toThrow(/another module or realm/);
  });
});
