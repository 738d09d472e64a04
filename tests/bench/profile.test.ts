import path from "node:path";
import { describe, expect, it } from "vitest";
import { groupOf, summarizeProfile, type CpuProfile } from "../../src/bench/profile.js";

// The profile table of `npm run bench:peer -- --profile`: self time grouped by package, node core, gc and
// the hub's own folders, with natives and node's plumbing charged to their caller.

const SRC = "/repo/src";
const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 0 });

describe("grouping a CPU profile", () => {
  it("names packages, node core, and the hub's folders", () => {
    expect(groupOf("file:///repo/node_modules/drizzle-orm/sql/sql.js", SRC)).toBe("drizzle");
    expect(groupOf("file:///repo/node_modules/pg-protocol/dist/parser.js", SRC)).toBe("pg");
    expect(groupOf("file:///repo/node_modules/@apollo/server/dist/esm/index.js", SRC)).toBe("apollo");
    expect(groupOf("file:///repo/node_modules/dataloader/index.js", SRC)).toBe("dataloader");
    expect(groupOf("node:internal/crypto/cipher", SRC)).toBe("node: crypto");
    expect(groupOf("node:_http_server", SRC)).toBe("node: http/net/streams");
    expect(groupOf("file:///repo/src/privacy/project.ts", SRC)).toBe("hub: privacy/");
    expect(groupOf("file:///repo/src/modules/cases/cases.service.ts", SRC)).toBe("hub: modules/cases");
    expect(groupOf("file:///repo/src/server.ts", SRC)).toBe("hub: server.ts");
    expect(groupOf("file:///repo/node_modules/@electric-sql/pglite/dist/index.js", SRC)).toBe("pglite");
    expect(groupOf("wasm://wasm/022c915e", SRC)).toBe("pglite (wasm)");
    expect(groupOf(`file://${path.join("/elsewhere", "x.js")}`, SRC)).toBe("other");
  });

  it("charges natives and buffer plumbing to their caller, and leaves idle time out", () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)"), children: [2, 5, 7, 8] },
        { id: 2, callFrame: frame("decrypt", "file:///repo/src/privacy/crypto.ts"), children: [3] },
        { id: 3, callFrame: frame("from", "node:buffer"), children: [4] },
        { id: 4, callFrame: frame("(native write)") },
        { id: 5, callFrame: frame("parse", "file:///repo/node_modules/pg-protocol/dist/parser.js"), children: [6] },
        { id: 6, callFrame: frame("slice", "node:buffer") },
        { id: 7, callFrame: frame("(garbage collector)") },
        { id: 8, callFrame: frame("(idle)") },
      ],
      startTime: 0,
      endTime: 10_000,
      // 1 ms each: decrypt ×1, its Buffer.from ×2, the native under it ×1, pg's parse ×1, its slice ×3, gc ×2, idle ×5.
      samples: [2, 3, 3, 4, 5, 6, 6, 6, 7, 7, 8, 8, 8, 8, 8],
      timeDeltas: Array(15).fill(1000),
    };
    const summary = summarizeProfile(profile, SRC);
    expect(summary.busyMs).toBe(10);
    expect(summary.groups.map((g) => [g.name, g.ms])).toEqual([
      ["hub: privacy/", 4],
      ["pg", 4],
      ["gc", 2],
    ]);
    expect(summary.functions[0]).toEqual({ name: "decrypt src/privacy/crypto.ts", group: "hub: privacy/", ms: 4 });
    expect(summary.functions[1]).toEqual({ name: "parse pg-protocol/dist/parser.js:1", group: "pg", ms: 4 });
  });

  it("groups a function named like an Object method (graphql-jit's compiled ones) by its script", () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)"), children: [2, 3] },
        { id: 2, callFrame: frame("constructor", "file:///repo/node_modules/graphql-jit/dist/execution.js") },
        { id: 3, callFrame: frame("toString") },
      ],
      startTime: 0,
      endTime: 3_000,
      samples: [2, 2, 3],
      timeDeltas: [1000, 1000, 1000],
    };
    const summary = summarizeProfile(profile, SRC);
    expect(summary.groups.map((g) => [g.name, g.ms])).toEqual([
      ["graphql-jit", 2],
      ["V8 / native (program)", 1],
    ]);
  });
});
