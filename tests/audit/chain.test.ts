import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalizeEntry, computeEntryHash, GENESIS_HASH, type ChainContent } from "../../src/audit/index.js";
import { chainEntries, EMPTY_CHAIN } from "../../src/audit/chain.js";

// The canonical form is part of every stored hash: a change here breaks every existing chain, which the
// golden vector below makes a deliberate, reviewed act.

const row: ChainContent = {
  seq: 7,
  at: new Date("2025-03-01T08:00:00.123Z"),
  requestId: "req-1",
  subject: "caseworker-01",
  orgCode: "QX-MZJ",
  orgKind: "CIVIL_AFFAIRS",
  role: "CASEWORKER",
  purpose: null,
  operation: "Query.household",
  outcome: "ALLOWED",
  entityType: "Household",
  entityIds: ["0b5e2a6c-3d1f-4c8e-9a7b-2f6d8e1c4a90"],
  householdIds: ["0b5e2a6c-3d1f-4c8e-9a7b-2f6d8e1c4a90"],
  categoriesFull: ["BASIC", "IDENTITY"],
  detail: null,
  prevHash: GENESIS_HASH,
};

/** A value of the same type that differs from `value`. */
function altered(value: ChainContent[string]): ChainContent[string] {
  if (value === null) return "";
  if (typeof value === "number") return value + 1;
  if (typeof value === "string") return `${value}x`;
  if (value instanceof Date) return new Date(value.getTime() + 1);
  if (Array.isArray(value)) return [...value, "x"];
  throw new Error("unexpected sample value");
}

describe("audit hash chain", () => {
  it("starts from a genesis hash of 64 zeros", () => {
    expect(GENESIS_HASH).toBe("0000000000000000000000000000000000000000000000000000000000000000");
  });

  it("serializes canonically: sorted keys, ISO dates, explicit null, arrays in order (golden vector)", () => {
    expect(canonicalizeEntry(row)).toBe(
      '{"at":"2025-03-01T08:00:00.123Z","categoriesFull":["BASIC","IDENTITY"],"detail":null,' +
        '"entityIds":["0b5e2a6c-3d1f-4c8e-9a7b-2f6d8e1c4a90"],"entityType":"Household",' +
        '"householdIds":["0b5e2a6c-3d1f-4c8e-9a7b-2f6d8e1c4a90"],"operation":"Query.household",' +
        '"orgCode":"QX-MZJ","orgKind":"CIVIL_AFFAIRS","outcome":"ALLOWED",' +
        '"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","purpose":null,' +
        '"requestId":"req-1","role":"CASEWORKER","seq":7,"subject":"caseworker-01"}',
    );
    expect(computeEntryHash(row)).toBe(createHash("sha256").update(canonicalizeEntry(row), "utf8").digest("hex"));
    expect(computeEntryHash(row)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable across key order", () => {
    const reversed = Object.fromEntries(Object.entries(row).reverse()) as ChainContent;
    expect(Object.keys(reversed)).not.toEqual(Object.keys(row));
    expect(computeEntryHash(reversed)).toBe(computeEntryHash(row));
  });

  it("hashes a date by its instant, not by the Date object", () => {
    expect(computeEntryHash({ ...row, at: new Date(Date.UTC(2025, 2, 1, 8, 0, 0, 123)) })).toBe(computeEntryHash(row));
  });

  it.each(Object.keys(row))("changes when %s changes", (key) => {
    expect(computeEntryHash({ ...row, [key]: altered(row[key]!) })).not.toBe(computeEntryHash(row));
  });

  it("changes when a column is added or removed", () => {
    const { detail: _detail, ...without } = row;
    expect(computeEntryHash(without)).not.toBe(computeEntryHash(row));
    expect(computeEntryHash({ ...row, extra: null })).not.toBe(computeEntryHash(row));
  });

  it("keeps values apart: null ≠ \"\" ≠ [], array order and element boundaries count", () => {
    const hashes = [
      { v: null },
      { v: "" },
      { v: "null" },
      { v: [] },
      { v: ["a", "b"] },
      { v: ["b", "a"] },
      { v: ["a,b"] },
      { v: ["ab"] },
      { v: 1 },
      { v: "1" },
    ].map((c) => computeEntryHash(c));
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it("refuses values a column cannot hold, with TypeError", () => {
    const bad: unknown[] = [undefined, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, new Date("nope"), { a: 1 }, 1n];
    for (const v of bad) expect(() => computeEntryHash({ v } as unknown as ChainContent), String(v)).toThrow(TypeError);
    expect(() => computeEntryHash({ v: [undefined] } as unknown as ChainContent)).toThrow(TypeError);
    // The message names the column and index, never the value (it may be personal data).
    expect(() => computeEntryHash({ ids: ["a", ["b", Number.NaN]] } as unknown as ChainContent)).toThrow(new TypeError("audit entry ids[1][1]: NaN is not a representable number"));
  });

  it("writes arrays of strings and mixed arrays in the same form", () => {
    const tricky = ['quote " and \\ backslash', "汉字", "\ud800 lone surrogate", "line\nbreak"];
    expect(canonicalizeEntry({ s: tricky })).toBe(`{"s":[${tricky.map((x) => JSON.stringify(x)).join(",")}]}`);
    expect(canonicalizeEntry({ m: [...tricky, null] })).toBe(`{"m":[${tricky.map((x) => JSON.stringify(x)).join(",")},null]}`);
  });

  it("chains entries after a head: seq head+1…, each prevHash the previous hash", () => {
    const first = chainEntries(EMPTY_CHAIN, [{ n: "a" }, { n: "b" }]);
    expect(first.map((e) => [e.seq, e.prevHash])).toEqual([
      [1, GENESIS_HASH],
      [2, first[0]!.hash],
    ]);
    for (const e of first) {
      const { hash, ...content } = e;
      expect(hash).toBe(computeEntryHash(content));
    }
    const next = chainEntries(first[1]!, [{ n: "c" }]);
    expect(next[0]).toMatchObject({ seq: 3, prevHash: first[1]!.hash });
    // Same content at another position is another hash: the chain binds content to its place.
    expect(chainEntries(EMPTY_CHAIN, [{ n: "c" }])[0]!.hash).not.toBe(next[0]!.hash);
  });

  it("refuses content that sets its own seq, prevHash or hash", () => {
    expect(() => chainEntries(EMPTY_CHAIN, [{ seq: 5 }])).toThrow(TypeError);
    expect(() => chainEntries(EMPTY_CHAIN, [{ hash: "x" }])).toThrow(TypeError);
  });
});
