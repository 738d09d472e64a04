import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// vitest transpiles without type checking; the guarantees the code leans on (exhaustive reason
// tables, the context types, strict nulls) hold only if `tsc` passes, so the suite runs it.

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("TypeScript", () => {
  it("type-checks src/ and tests/ under the strict configuration", async () => {
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit", "--pretty", "false"], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      () => "",
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    expect(result).toBe("");
  });
});
