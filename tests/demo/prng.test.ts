import { describe, expect, it } from "vitest";
import { createPrng, stableUuid } from "../../src/demo/prng.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const draw = (seed: number | string, n: number): number[] => {
  const rng = createPrng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe("demo PRNG", () => {
  it("repeats the same stream for the same seed and differs for another", () => {
    expect(draw(42, 50)).toEqual(draw(42, 50));
    expect(draw(42, 50)).toEqual(draw("42", 50));
    expect(draw(42, 50)).not.toEqual(draw(43, 50));
  });

  it("keeps int() inside its inclusive bounds and reaches both ends", () => {
    const rng = createPrng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => rng.int(5, 4)).toThrow(TypeError);
  });

  it("never picks a zero-weight value and roughly honours the weights", () => {
    const rng = createPrng(2);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[rng.weighted([["a", 3], ["b", 1], ["never", 0]] as const)]++;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
  });

  it("forks streams by label, independent of how much the parent has drawn", () => {
    const fresh = createPrng(9);
    const used = createPrng(9);
    for (let i = 0; i < 100; i++) used.next();
    expect(fresh.fork("x").next()).toBe(used.fork("x").next());
    expect(fresh.fork("x").next()).not.toBe(fresh.fork("y").next());
  });

  it("shapes ids as UUID v4, deterministically", () => {
    const rng = createPrng(5);
    for (let i = 0; i < 100; i++) expect(rng.uuid()).toMatch(UUID_V4);
    expect(stableUuid("household", 1)).toMatch(UUID_V4);
    expect(stableUuid("household", 1)).toBe(stableUuid("household", 1));
    expect(stableUuid("household", 1)).not.toBe(stableUuid("household", 2));
  });

  it("samples a list as weighted does, draw for draw, zero weights never drawn", () => {
    const entries = Array.from({ length: 1_000 }, (_, i) => [i, i % 7 === 0 ? 0 : (i % 5) + 1] as const);
    const a = createPrng("sampler");
    const b = createPrng("sampler");
    const sample = b.sampler(entries);
    const drawn = Array.from({ length: 5_000 }, () => sample());
    expect(drawn).toEqual(Array.from({ length: 5_000 }, () => a.weighted(entries)));
    expect(drawn.some((i) => i % 7 === 0)).toBe(false);
    expect(new Set(drawn).size).toBeGreaterThan(700);
    expect(() => createPrng(1).sampler([["x", 0]])).toThrow(TypeError);
  });
});
