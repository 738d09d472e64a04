import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { FieldCipher, FieldCryptoError, fileBackedCipher, readFieldKeyFile, writeFieldKeyFile, type FieldKeys } from "../../src/privacy/crypto.js";
import { PlaintextCache } from "../../src/privacy/plaintext-cache.js";

const keys = (active: string, ...ids: string[]): FieldKeys => ({
  activeKeyId: active,
  keys: new Map(ids.map((id) => [id, randomBytes(32)])),
  blindIndexKey: randomBytes(32),
  auditKey: randomBytes(32),
});

function cachedCipher(k: FieldKeys, options: { maxEntries?: number; ttlMs?: number; now?: () => number; reload?: () => FieldKeys } = {}) {
  const cache = new PlaintextCache({ maxEntries: options.maxEntries ?? 100, ttlMs: options.ttlMs ?? 60_000, now: options.now });
  const cipher = new FieldCipher(k, options.reload, undefined, undefined, cache);
  return { cipher, cache };
}

/** How many AES-GCM openings `decrypt` really performs (the private `open`, which the cache skips). */
function countOpenings(cipher: FieldCipher) {
  return vi.spyOn(cipher as unknown as { open: (v: string, c: string) => string }, "open");
}

describe("plaintext cache", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers a repeated decryption from memory with the same plaintext", () => {
    const { cipher, cache } = cachedCipher(keys("k1", "k1"));
    const sealed = cipher.encrypt("139999198001011234", "persons.id_number");
    const openings = countOpenings(cipher);
    expect(cipher.decrypt(sealed, "persons.id_number")).toBe("139999198001011234");
    expect(cipher.decrypt(sealed, "persons.id_number")).toBe("139999198001011234");
    expect(openings).toHaveBeenCalledTimes(1);
    expect(cache.size).toBe(1);
  });

  it("keeps the column binding: a value copied into another column still fails, cached or not", () => {
    const { cipher } = cachedCipher(keys("k1", "k1"));
    const sealed = cipher.encrypt("17400001234", "persons.phone");
    expect(cipher.decrypt(sealed, "persons.phone")).toBe("17400001234");
    expect(() => cipher.decrypt(sealed, "persons.id_number")).toThrow(FieldCryptoError);
  });

  it("does not cache what fails: a tampered value fails every time", () => {
    const { cipher, cache } = cachedCipher(keys("k1", "k1"));
    const parts = cipher.encrypt("17400001234", "persons.phone").split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), "persons.phone")).toThrow(/fails authentication/);
    expect(() => cipher.decrypt(parts.join("."), "persons.phone")).toThrow(/fails authentication/);
    expect(cache.size).toBe(0);
  });

  it("forgets a plaintext its time after decryption, however often it is read meanwhile", () => {
    let clock = 1_000;
    const { cipher, cache } = cachedCipher(keys("k1", "k1"), { ttlMs: 60_000, now: () => clock });
    const sealed = cipher.encrypt("x", "c");
    const openings = countOpenings(cipher);
    cipher.decrypt(sealed, "c");
    clock += 59_999;
    cipher.decrypt(sealed, "c");
    expect(openings).toHaveBeenCalledTimes(1);
    clock += 1;
    expect(cache.get(sealed, "c")).toBeUndefined();
    expect(cache.size).toBe(0);
    cipher.decrypt(sealed, "c");
    expect(openings).toHaveBeenCalledTimes(2);
  });

  it("holds at most maxEntries, dropping the oldest first", () => {
    const { cipher, cache } = cachedCipher(keys("k1", "k1"), { maxEntries: 3 });
    const sealed = ["a", "b", "c", "d"].map((v) => cipher.encrypt(v, "c"));
    for (const s of sealed) cipher.decrypt(s, "c");
    expect(cache.size).toBe(3);
    expect(cache.get(sealed[0]!, "c")).toBeUndefined();
    expect(sealed.slice(1).map((s) => cache.get(s, "c"))).toEqual(["b", "c", "d"]);
  });

  it("stays bounded and correct over many more values than it holds", () => {
    const { cipher, cache } = cachedCipher(keys("k1", "k1"), { maxEntries: 50 });
    const values = Array.from({ length: 3000 }, (_, i) => `v${i}`);
    const sealed = values.map((v) => cipher.encrypt(v, "c"));
    for (let round = 0; round < 2; round++) {
      sealed.forEach((s, i) => expect(cipher.decrypt(s, "c")).toBe(values[i]));
    }
    expect(cache.size).toBe(50);
  });

  it("does not keep large sealed blobs (a stored mutation response)", () => {
    const { cipher, cache } = cachedCipher(keys("k1", "k1"));
    cipher.decrypt(cipher.encrypt("x".repeat(2000), "idempotency_keys.response"), "idempotency_keys.response");
    expect(cache.size).toBe(0);
  });

  it("is emptied when the keys reload: a value under a retired key then fails as without the cache", () => {
    const original = keys("k1", "k1");
    let current = original;
    const { cipher, cache } = cachedCipher(original, { reload: () => current });
    const sealed = cipher.encrypt("x", "c");
    cipher.decrypt(sealed, "c");
    expect(cache.size).toBe(1);
    current = keys("k2", "k2"); // k1 retired
    cipher.reloadKeys();
    expect(cache.size).toBe(0);
    expect(() => cipher.decrypt(sealed, "c")).toThrow(/unknown field key k1/);
  });

  it("is configured from the environment, on by default and off with 0 entries", () => {
    expect(loadConfig({}).plaintextCache).toEqual({ maxEntries: 20_000, ttlMs: 60_000 });
    expect(loadConfig({ FIELD_PLAINTEXT_CACHE_ENTRIES: "0" }).plaintextCache.maxEntries).toBe(0);
    expect(loadConfig({ FIELD_PLAINTEXT_CACHE_SECONDS: "5" }).plaintextCache.ttlMs).toBe(5_000);
    expect(() => loadConfig({ FIELD_PLAINTEXT_CACHE_ENTRIES: "-1" })).toThrow(/FIELD_PLAINTEXT_CACHE_ENTRIES/);
    expect(() => loadConfig({ FIELD_PLAINTEXT_CACHE_SECONDS: "0" })).toThrow(/FIELD_PLAINTEXT_CACHE_SECONDS/);
  });

  describe("on a key file", () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it("a file-backed cipher caches when asked to, not otherwise, and empties its cache when a rotation reloads the file", () => {
      dir = mkdtempSync(path.join(os.tmpdir(), "hub-ptcache-"));
      const file = path.join(dir, "keys.json");
      writeFieldKeyFile(file, keys("k1", "k1"));
      let clock = 0;
      const plain = fileBackedCipher(file);
      const cached = fileBackedCipher(file, { cache: { maxEntries: 10, ttlMs: 60_000 }, checkEveryMs: 1000, now: () => clock });
      const sealed = cached.encrypt("x", "c");
      const plainOpenings = countOpenings(plain);
      plain.decrypt(sealed, "c");
      plain.decrypt(sealed, "c");
      expect(plainOpenings).toHaveBeenCalledTimes(2);
      const cachedOpenings = countOpenings(cached);
      cached.decrypt(sealed, "c");
      cached.decrypt(sealed, "c");
      expect(cachedOpenings).toHaveBeenCalledTimes(1);
      // A rotation writes a new active key; the next write notices the file changed and reloads it.
      const before = readFieldKeyFile(file);
      writeFieldKeyFile(file, { ...before, activeKeyId: "k2", keys: new Map([...before.keys, ["k2", randomBytes(32)]]) });
      utimesSync(file, new Date(), new Date(Date.now() + 10_000));
      clock += 5_000;
      expect(cached.encrypt("y", "c")).toMatch(/^v1\.k2\./);
      cached.decrypt(sealed, "c");
      expect(cachedOpenings).toHaveBeenCalledTimes(2);
    });
  });
});
