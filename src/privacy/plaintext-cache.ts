// The plaintexts of recently decrypted field values, for a bounded time: AES-GCM costs about 7 µs a
// value in Node (a cipher context per call), and one page of 50 cases with their households and members
// opens some 300 sealed values — a quarter of the hub's CPU per request, spent again on every read of
// the same hot records (#10).
//
// What it changes, and why that is acceptable:
//   - Residency: a plaintext stays in the process's memory for at most `ttlMs` after it was decrypted
//     (a hit does not extend it), and at most `maxEntries` of them at once. The process already holds
//     every field key, which decrypt every value, so a reader of its memory gains nothing from the cache
//     that it did not already have; a database dump still discloses nothing.
//   - Authorization: none. The cache sits inside FieldCipher.decrypt, which the projection calls only
//     for a value it decided to disclose (whole or masked); a hit returns what decrypting would have.
//   - Binding: entries are per column context (the GCM additional data), so a value copied into another
//     column still fails authentication rather than hitting the cache.
//   - Keys: the cache is emptied whenever the keys are reloaded (a rotation, a retirement), so a value
//     under a retired key fails as it would without the cache.
//   - Timing: a hit saves microseconds in requests of milliseconds, on values the caller was allowed to
//     see anyway; it says at most that someone read the same record within the last minute, and no
//     better than noise.
// Off with FIELD_PLAINTEXT_CACHE_ENTRIES=0.

export interface PlaintextCacheOptions {
  /** At most this many plaintexts at once; the oldest go first. 0 → no cache. */
  readonly maxEntries: number;
  /** A plaintext is forgotten this long after it was decrypted. */
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Entry {
  readonly plaintext: string;
  readonly expires: number;
}

/** Only field-sized values: larger sealed blobs (a replayed mutation response) are not worth keeping. */
const MAX_SEALED_LENGTH = 512;

export class PlaintextCache {
  /** Per column context, then by sealed value: no key concatenation on the hot path. */
  private readonly byContext = new Map<string, Map<string, Entry>>();
  /** Insertion order across contexts (= decryption order = expiry order), for eviction. */
  private readonly order: Array<{ readonly context: string; readonly sealed: string }> = [];
  private head = 0;
  private readonly now: () => number;

  constructor(private readonly options: PlaintextCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.order.length - this.head;
  }

  get enabled(): boolean {
    return this.options.maxEntries > 0 && this.options.ttlMs > 0;
  }

  get(sealed: string, context: string): string | undefined {
    const entry = this.byContext.get(context)?.get(sealed);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.now()) {
      this.expire();
      return undefined;
    }
    return entry.plaintext;
  }

  set(sealed: string, context: string, plaintext: string): void {
    if (!this.enabled || sealed.length > MAX_SEALED_LENGTH) return;
    let column = this.byContext.get(context);
    if (column === undefined) this.byContext.set(context, (column = new Map()));
    if (column.has(sealed)) return;
    this.expire();
    while (this.size >= this.options.maxEntries) this.evictOldest();
    column.set(sealed, { plaintext, expires: this.now() + this.options.ttlMs });
    this.order.push({ context, sealed });
  }

  clear(): void {
    this.byContext.clear();
    this.order.length = 0;
    this.head = 0;
  }

  /** Drops every entry past its time (they are oldest first). */
  private expire(): void {
    const now = this.now();
    while (this.head < this.order.length) {
      const { context, sealed } = this.order[this.head]!;
      const entry = this.byContext.get(context)?.get(sealed);
      if (entry !== undefined && entry.expires > now) break;
      this.evictOldest();
    }
  }

  private evictOldest(): void {
    const { context, sealed } = this.order[this.head]!;
    this.byContext.get(context)?.delete(sealed);
    this.head++;
    // Compact the queue now and then instead of shifting it on every eviction.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}
