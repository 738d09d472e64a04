import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DataCategory } from "../../src/privacy/categories.js";
import { renderAccessPolicy } from "../../src/docs/access-policy.js";

const cells = (line: string) => line.split("|").slice(1, -1).map((c) => c.trim());

/** The §1 matrix as { "KIND/ROLE": { CATEGORY: cell } }, plus its footnotes by marker. */
function parseMatrix(doc: string) {
  const lines = doc.split("\n");
  const start = lines.findIndex((l) => l.startsWith("| Kind | Role |"));
  const header = cells(lines[start]!);
  const rows = new Map<string, Record<string, string>>();
  let i = start + 2;
  for (; lines[i]!.startsWith("|"); i++) {
    const row = cells(lines[i]!);
    rows.set(`${row[0]}/${row[1]}`, Object.fromEntries(header.map((h, j) => [h, row[j]!])));
  }
  const footnotes = new Map<string, string>();
  for (; i < lines.length && !lines[i]!.startsWith("## "); i++) {
    const m = /^- (\S+) (.*)$/.exec(lines[i]!);
    if (m) footnotes.set(m[1]!, m[2]!);
  }
  return { header, rows, footnotes };
}

describe("schema/access-policy.md", () => {
  it("matches the policy code (run `npm run policy:doc` after a policy change)", () => {
    const committed = readFileSync(new URL("../../schema/access-policy.md", import.meta.url), "utf8");
    expect(renderAccessPolicy(), "schema/access-policy.md is stale: run `npm run policy:doc`").toBe(committed);
  });

  it("renders the same document every time", () => {
    expect(renderAccessPolicy()).toBe(renderAccessPolicy());
  });

  it("has a column for every data category", () => {
    expect(parseMatrix(renderAccessPolicy()).header).toEqual(["Kind", "Role", ...DataCategory.values]);
  });

  it("shows the education bureau its students' schooling but not the household's finances", () => {
    const education = parseMatrix(renderAccessPolicy()).rows.get("EDUCATION/OFFICER")!;
    expect(education.EDUCATION).toBe("F");
    expect(education.FINANCIAL).toBe("W");
  });

  it("shows a charity identity only under consent, with a footnote saying so", () => {
    const { rows, footnotes } = parseMatrix(renderAccessPolicy());
    const identity = rows.get("CHARITY/PROJECT_MANAGER")!.IDENTITY!;
    expect(identity).toMatch(/^F\S+$/);
    const notes = identity.slice(1).split(",").map((marker) => footnotes.get(marker));
    expect(notes.every((n) => n !== undefined)).toBe(true);
    expect(notes.some((n) => /consent.*without consent MASKED/.test(n!))).toBe(true);
    expect(notes.some((n) => /`Person\.idNumber` is at most MASKED/.test(n!))).toBe(true);
  });
});
