import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The layering of src/ (.dependency-cruiser.cjs, README "Architecture"), checked on every test run:
// no import cycle, no import from a lower layer into a higher one, modules reached only through their
// public surface. The second half proves the rules bite, on a throwaway tree with one breach of each.

const ROOT = path.resolve(import.meta.dirname, "../..");
const CONFIG = path.join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: ReadonlyArray<{ readonly name: string }>;
}

async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, "--config", CONFIG, "--output-type", "json", "src"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout?: string; stderr?: string }) => {
    // depcruise exits non-zero when it finds violations; the JSON is still on stdout.
    if (err.stdout) return { stdout: err.stdout };
    throw new Error(`dependency-cruiser failed: ${err.stderr ?? String(err)}`);
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const describeViolation = (v: Violation) =>
  `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(" → ")})` : ""}`;

describe("layering of src/", () => {
  it("has no import cycle, no upward import and no reach into another module's internals", async () => {
    const violations = await cruise(ROOT);
    expect(violations.map(describeViolation)).toEqual([]);
  });
});

describe("the layering rules", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hub-layers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(file: string, text: string): void {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }

  it("refuse a cycle, an upward import, a module's internals and a file outside every layer", async () => {
    write("tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }));
    // A cycle inside the audit core.
    write("src/audit/chain.ts", 'import { verify } from "./verify.js";\nexport const chain = () => verify;\n');
    write("src/audit/verify.ts", 'import { chain } from "./chain.js";\nexport const verify = () => chain;\n');
    // shared (bottom) importing a module's service (domain).
    write("src/shared/money.ts", 'import { listCases } from "../modules/cases/cases.service.js";\nexport const money = listCases;\n');
    write("src/modules/cases/cases.service.ts", "export const listCases = 1;\n");
    // One module reaching into another's repository instead of its index.
    write("src/modules/needs/needs.service.ts", 'import { page } from "../households/households.repository.js";\nexport const needs = page;\n');
    write("src/modules/households/households.repository.ts", "export const page = 1;\n");
    // A service importing a resolver (domain → graphql).
    write("src/modules/households/households.service.ts", 'import { R } from "./households.resolver.js";\nexport const s = R;\n');
    write("src/modules/households/households.resolver.ts", "export const R = 1;\n");
    // A new top-level folder nobody gave a layer.
    write("src/stray/thing.ts", 'import { money } from "../shared/money.js";\nexport const thing = money;\n');

    const found = (await cruise(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual(
      [
        "layer-domain-not-above: src/modules/households/households.service.ts → src/modules/households/households.resolver.ts",
        "layer-shared-not-above: src/shared/money.ts → src/modules/cases/cases.service.ts",
        "layer-unassigned: src/stray/thing.ts → src/shared/money.ts",
        "module-internals-from-outside: src/shared/money.ts → src/modules/cases/cases.service.ts",
        "module-public-surface: src/modules/needs/needs.service.ts → src/modules/households/households.repository.ts",
        "no-circular: src/audit/chain.ts → src/audit/verify.ts",
      ].sort(),
    );
  });
});
