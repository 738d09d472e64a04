/// <reference types="vite/client" />
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ERROR_CLASSES, ERROR_REASONS_END, ERROR_REASONS_START, renderErrorReasons } from "../../src/docs/error-reasons.js";
import { formatHubError } from "../../src/server.js";
import { HubError, type DomainErrorClass } from "../../src/shared/errors.js";

// Every error a client can meet is a HubError with a code and a reason. This walks the error
// classes that src/ actually defines (every *.errors.ts, plus the shared and auth ones), not a
// hand-kept list, and sends every reason through the one error mapper.

const SRC = path.resolve(import.meta.dirname, "../../src");
const modules = import.meta.glob(["../../src/**/*.errors.ts", "../../src/shared/errors.ts", "../../src/auth/errors.ts"], { eager: true });
const definedClasses = Object.entries(modules).flatMap(([file, exports]) =>
  Object.entries(exports as Record<string, unknown>).flatMap(([name, value]) =>
    typeof value === "function" && value.prototype instanceof HubError ? [{ file, name, errorClass: value as (typeof ERROR_CLASSES)[number]["errorClass"] }] : [],
  ),
);
const silent = pino({ level: "silent" });

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

describe("domain errors", () => {
  it("are all listed for the README and the mapper: no error class in src/ is left out", () => {
    expect(definedClasses.map((c) => c.name).sort()).toEqual(ERROR_CLASSES.map((c) => c.errorClass.name).sort());
    expect(new Set(definedClasses.map((c) => c.errorClass))).toEqual(new Set(ERROR_CLASSES.map((c) => c.errorClass)));
  });

  it("are defined only in errors files (*.errors.ts, shared/errors.ts, auth/errors.ts), so the walk above sees every one", () => {
    const files = sourceFiles(SRC).map((f) => ({ file: path.relative(SRC, f), text: readFileSync(f, "utf8") }));
    const definitions = files.flatMap(({ file, text }) => [...text.matchAll(/class (\w+) extends domainError\(/g)].map((m) => ({ file, name: m[1]! })));
    expect(definitions.map((d) => d.name).sort()).toEqual(definedClasses.map((c) => c.name).sort());
    expect(definitions.filter((d) => !/(^|[/.])errors\.ts$/.test(d.file))).toEqual([]);
    // Nothing subclasses HubError except through domainError (which gives it a reason table).
    expect(files.filter(({ file, text }) => file !== path.join("shared", "errors.ts") && /extends HubError\b/.test(text)).map((f) => f.file)).toEqual([]);
  });

  it("reach a client with extensions.code from their reason table, the reason itself and only the safe details", () => {
    for (const { errorClass: listed } of ERROR_CLASSES) {
      const errorClass = listed as unknown as DomainErrorClass<string>;
      const reasons = Object.entries(errorClass.reasons);
      expect(reasons.length, errorClass.name).toBeGreaterThan(0);
      for (const [reason, code] of reasons) {
        const error = new errorClass(reason, "what went wrong", { field: "input.x" });
        const formatted = formatHubError({ message: "ignored", path: ["op"] }, error, silent);
        expect(formatted).toEqual({ message: "what went wrong", path: ["op"], extensions: { field: "input.x", code, reason } });
      }
    }
  });

  it("give each reason one code across the hub, so a client can switch on the reason alone", () => {
    const codeOf = new Map<string, string>();
    for (const { errorClass } of ERROR_CLASSES) {
      for (const [reason, code] of Object.entries(errorClass.reasons)) {
        expect(codeOf.get(reason) ?? code, reason).toBe(code);
        codeOf.set(reason, code);
      }
    }
  });

  it("refuse a reason outside their table (an untyped caller's bug, never a client-visible code)", () => {
    const errorClass = ERROR_CLASSES[0]!.errorClass as unknown as DomainErrorClass<string>;
    expect(() => new errorClass("NO_SUCH_REASON", "x")).toThrow(new TypeError("unknown error reason NO_SUCH_REASON"));
  });

  it("are documented in the README exactly as the code defines them (run `npm run policy:doc`)", () => {
    const readme = readFileSync(path.resolve(SRC, "../README.md"), "utf8");
    const block = readme.slice(readme.indexOf(ERROR_REASONS_START), readme.indexOf(ERROR_REASONS_END) + ERROR_REASONS_END.length);
    expect(block).toBe(renderErrorReasons());
  });
});
