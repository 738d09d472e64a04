// A small seeded pseudo-random generator for the demo district. Not for anything secret: its only
// job is that the same seed yields the same district, byte for byte, on every machine and run.
//
// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator) over 128 bits of state, seeded by the
// cyrb128 string hash. Both use only 32-bit integer arithmetic, so results do not depend on the
// platform's floating point.

export interface Prng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element, uniformly; throws on an empty list. */
  pick<T>(items: readonly T[]): T;
  /** One value, with probability proportional to its (non-negative) weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /**
   * `weighted` over one list drawn from many times: the cumulative weights are summed once and each
   * draw is a binary search (a 100,000-household district draws its needs in milliseconds, not
   * minutes). With integer weights it draws exactly what `weighted` draws from the same stream.
   */
  sampler<T>(entries: readonly (readonly [T, number])[]): () => T;
  /** A shuffled copy (Fisher–Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[];
  /** A UUID-v4-shaped string drawn from this stream (version and variant bits set). */
  uuid(): string;
  /**
   * An independent stream named by `label`, derived from this generator's seed rather than its
   * current position: how much one section of the demo draws never shifts another section.
   */
  fork(label: string): Prng;
}

/** cyrb128: a fast, well-mixed 128-bit string hash (four 32-bit words). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 step function over a mutable four-word state; returns an unsigned 32-bit integer. */
function sfc32(state: [number, number, number, number]): () => number {
  return () => {
    let [a, b, c, d] = state;
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
    return t >>> 0;
  };
}

const hex8 = (n: number): string => n.toString(16).padStart(8, "0");

/** Formats 128 random bits as a UUID with the version-4 and RFC 4122 variant bits set. */
function formatUuid(w0: number, w1: number, w2: number, w3: number): string {
  const words = [w0, (w1 & 0xffff0fff) | 0x00004000, (w2 & 0x3fffffff) | 0x80000000, w3].map((w) => hex8(w >>> 0));
  const h = words.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Creates a generator; a number and its decimal string give the same stream. */
export function createPrng(seed: number | string): Prng {
  const seedText = String(seed);
  const raw = sfc32(cyrb128(seedText));
  // Discard the first outputs: sfc32 needs a few rounds before similar seeds diverge.
  for (let i = 0; i < 15; i++) raw();

  const next = (): number => raw() / 4294967296;

  const prng: Prng = {
    next,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new TypeError(`int(min, max) needs integers with min <= max, got ${min}, ${max}`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new TypeError("pick needs a non-empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    weighted(entries) {
      let total = 0;
      for (const [, w] of entries) {
        if (!(w >= 0)) throw new TypeError(`weights must be non-negative, got ${w}`);
        total += w;
      }
      if (total <= 0) throw new TypeError("weighted needs at least one positive weight");
      let r = next() * total;
      for (const [value, w] of entries) {
        if (r < w) return value;
        r -= w;
      }
      // Floating-point slack: fall back to the last positive entry.
      for (let i = entries.length - 1; i >= 0; i--) if (entries[i]![1] > 0) return entries[i]![0];
      throw new TypeError("unreachable: no positive weight");
    },
    sampler(entries) {
      const cumulative = new Float64Array(entries.length);
      let total = 0;
      entries.forEach(([, w], i) => {
        if (!(w >= 0)) throw new TypeError(`weights must be non-negative, got ${w}`);
        total += w;
        cumulative[i] = total;
      });
      if (total <= 0) throw new TypeError("weighted needs at least one positive weight");
      return () => {
        const r = next() * total;
        // The first entry whose cumulative weight exceeds r (zero-weight entries never qualify).
        let lo = 0;
        let hi = entries.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > r) hi = mid;
          else lo = mid + 1;
        }
        return entries[lo]![0];
      };
    },
    shuffle(items) {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
    uuid() {
      return formatUuid(raw(), raw(), raw(), raw());
    },
    fork(label) {
      return createPrng(`${seedText}/${label}`);
    },
  };
  return prng;
}

/**
 * A UUID-v4-shaped string determined only by `parts`: the same entity gets the same id in every
 * run whatever else the generator draws (demo links and tokens stay valid across re-seeds).
 */
export function stableUuid(...parts: readonly (string | number)[]): string {
  const [a, b, c, d] = cyrb128(parts.join("\u241f"));
  return formatUuid(a, b, c, d);
}
