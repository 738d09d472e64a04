import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDataDir } from "../../src/db/lock.js";
import type { Database } from "../../src/db/client.js";
import { generateDemoDistrict } from "../../src/demo/generate.js";
import { seedDemoDistrict } from "../../src/demo/seed.js";
import { households, persons } from "../../src/modules/households/households.table.js";
import { idempotencyKeys } from "../../src/modules/idempotency/idempotency.table.js";
import {
  ENCRYPTED_FIELDS,
  FieldCipher,
  FieldCryptoError,
  loadOrCreateDevFieldKeys,
  readFieldKeyFile,
  writeFieldKeyFile,
  type FieldKeys,
} from "../../src/privacy/crypto.js";
import { addActiveKey, KeyRotationError, reencryptAll, retireKeys, retiredKeysInUse, retireUnusedKeys } from "../../src/privacy/rotate.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";

// Field key rotation on a seeded demo district: a new active key, every value re-encrypted under it,
// plaintexts and blind indexes unchanged, hubs that started before the rotation still reading, and old
// keys retired only once no row uses them. The tests run in order on one database per kind.

const ID = ENCRYPTED_FIELDS.personIdNumber;
const PHONE = ENCRYPTED_FIELDS.personPhone;
const BANK = ENCRYPTED_FIELDS.householdBankAccount;
const RESPONSE = ENCRYPTED_FIELDS.idempotencyResponse;
const CONTEXTS = [ID, PHONE, BANK, RESPONSE] as const;

/** Stored values of the encrypted columns, keyed `<context> <row id>`, and the ID-number blind indexes. */
interface Stored {
  readonly sealed: Map<string, string>;
  readonly bidx: Map<string, string>;
  /** updated_at of every person and household: re-encryption is no change to the record. */
  readonly updated: Map<string, number>;
}

async function readStored(db: Database): Promise<Stored> {
  const sealed = new Map<string, string>();
  const bidx = new Map<string, string>();
  const updated = new Map<string, number>();
  const ps = await db
    .select({ id: persons.id, idNumber: persons.idNumberEnc, phone: persons.phoneEnc, bidx: persons.idNumberBidx, updatedAt: persons.updatedAt })
    .from(persons);
  for (const p of ps) {
    sealed.set(`${ID} ${p.id}`, p.idNumber);
    if (p.phone !== null) sealed.set(`${PHONE} ${p.id}`, p.phone);
    bidx.set(p.id, p.bidx);
    updated.set(p.id, p.updatedAt.getTime());
  }
  const hs = await db.select({ id: households.id, bank: households.bankAccountEnc, updatedAt: households.updatedAt }).from(households);
  for (const h of hs) {
    if (h.bank !== null) sealed.set(`${BANK} ${h.id}`, h.bank);
    updated.set(h.id, h.updatedAt.getTime());
  }
  for (const k of await db.select({ id: idempotencyKeys.id, response: idempotencyKeys.responseEnc }).from(idempotencyKeys)) {
    if (k.response !== null) sealed.set(`${RESPONSE} ${k.id}`, k.response);
  }
  return { sealed, bidx, updated };
}

function decryptAll(cipher: FieldCipher, sealed: Map<string, string>): Map<string, string> {
  return new Map([...sealed].map(([key, value]) => [key, cipher.decrypt(value, key.split(" ")[0]!)]));
}

function countsOf(sealed: Map<string, string>): Record<string, number> {
  return Object.fromEntries(CONTEXTS.map((c) => [c, [...sealed.keys()].filter((k) => k.startsWith(`${c} `)).length]));
}

function asRecord(summary: { column: string; reencrypted: number }[]): Record<string, number> {
  return Object.fromEntries(summary.map((s) => [s.column, s.reencrypted]));
}

const NOTHING = { [ID]: 0, [PHONE]: 0, [BANK]: 0, [RESPONSE]: 0 };

describe.each(databaseKinds())("field key rotation on %s", (kind) => {
  let h: TestDatabase;
  let tmp: string;
  let file: string;
  /** The key file's content before the rotation: what a hub that started earlier holds in memory. */
  let oldKeys: FieldKeys;
  let before: Stored;
  let plaintexts: Map<string, string>;
  let previous: string;
  let active: string;
  const fromFile = () => new FieldCipher(readFieldKeyFile(file), () => readFieldKeyFile(file));

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    tmp = mkdtempSync(path.join(os.tmpdir(), "rotate-test-"));
    file = loadOrCreateDevFieldKeys(tmp).file;
    oldKeys = readFieldKeyFile(file);
    await seedDemoDistrict(h.db, fromFile());
    // A keyed mutation's stored response (replayed for a day): under the old key too, until rotated.
    const createdAt = new Date();
    await h.db.insert(idempotencyKeys).values({
      caller: "c".repeat(64),
      keyHash: "k".repeat(64),
      requestHash: "r".repeat(64),
      responseEnc: fromFile().encrypt('{"status":200,"body":"{}"}', RESPONSE),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + 86_400_000),
    });
    before = await readStored(h.db);
    plaintexts = decryptAll(fromFile(), before.sealed);
  });
  afterAll(async () => {
    await h?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("re-encrypts every value under a new key; plaintexts and blind indexes stay the same", async () => {
    const seeded = countsOf(before.sealed);
    expect(Object.values(seeded).every((n) => n > 0)).toBe(true);

    ({ previous, active } = addActiveKey(file, new Date("2031-02-03T04:05:06Z")));
    expect(previous).toBe(oldKeys.activeKeyId);
    expect(active).toMatch(/^k20310203040506[0-9a-f]{4}$/);
    const rotated = readFieldKeyFile(file);
    expect(rotated.activeKeyId).toBe(active);
    expect([...rotated.keys.keys()].sort()).toEqual([previous, active].sort());
    expect(rotated.keys.get(previous)).toEqual(oldKeys.keys.get(previous));
    expect(rotated.blindIndexKey).toEqual(oldKeys.blindIndexKey);

    const progress: { column: string; done: number }[] = [];
    const started = performance.now();
    const summary = await reencryptAll({ db: h.db, cipher: fromFile(), batchSize: 200, onProgress: (p) => progress.push(p) });
    const ms = Math.round(performance.now() - started);
    console.log(`${kind}: re-encrypted ${before.sealed.size} values in ${ms} ms`);
    expect(summary.map((s) => s.column)).toEqual([...CONTEXTS]);
    expect(asRecord(summary)).toEqual(seeded);
    // One report per batch of 200, the last one with the column's total.
    expect(progress.filter((p) => p.column === ID).at(-1)).toEqual({ column: ID, done: seeded[ID] });
    expect(progress.filter((p) => p.column === ID)).toHaveLength(Math.ceil(seeded[ID]! / 200));

    const after = await readStored(h.db);
    expect([...after.sealed.keys()].sort()).toEqual([...before.sealed.keys()].sort());
    for (const [key, value] of after.sealed) {
      expect(value, key).toMatch(new RegExp(`^v1\\.${active}\\.`));
      expect(value, key).not.toBe(before.sealed.get(key));
    }
    expect(decryptAll(fromFile(), after.sealed)).toEqual(plaintexts);
    expect(after.bidx).toEqual(before.bidx);
    expect(after.updated).toEqual(before.updated);
  });

  it("keeps reads working for a hub that started before the rotation", async () => {
    const { sealed } = await readStored(h.db);
    // The hub's cipher holds the old keys only; the first value under the new key makes it re-read the file.
    const stale = new FieldCipher(oldKeys, () => readFieldKeyFile(file));
    expect(stale.activeKeyId).toBe(previous);
    expect(decryptAll(stale, sealed)).toEqual(plaintexts);
    expect(stale.activeKeyId).toBe(active);
    // Control: without the reload the same hub could not read a single value.
    const [key, value] = [...sealed][0]!;
    expect(() => new FieldCipher(oldKeys).decrypt(value, key.split(" ")[0]!)).toThrow(FieldCryptoError);
  });

  it("re-encrypts nothing on a second pass", async () => {
    expect(asRecord(await reencryptAll({ db: h.db, cipher: fromFile() }))).toEqual(NOTHING);
  });

  it("never overwrites a value written between its select and its update", async () => {
    // A hub still on the previous key writes a phone; while the rotation handles it, the hub writes a
    // newer phone (also under the previous key). The rotation's update must not clobber the newer one.
    const staleHub = new FieldCipher(oldKeys);
    const person = [...before.sealed.keys()].find((k) => k.startsWith(`${PHONE} `))!.split(" ")[1]!;
    const newer = "13912345678";
    await h.db.update(persons).set({ phoneEnc: staleHub.encrypt(plaintexts.get(`${PHONE} ${person}`)!, PHONE) }).where(eq(persons.id, person));

    let interfered = false;
    const racing = new Proxy(h.db, {
      get(target, prop) {
        if (prop !== "transaction") return Reflect.get(target, prop, target) as unknown;
        return (fn: (tx: Database) => Promise<unknown>) =>
          target.transaction((tx) => {
            const txRacing = new Proxy(tx, {
              get(t, p) {
                const value = Reflect.get(t, p, t) as unknown;
                if (p !== "execute" || interfered) return typeof value === "function" ? value.bind(t) : value;
                // The first update of the pass: the "concurrent" write lands just before it.
                return async (query: Parameters<Database["execute"]>[0]) => {
                  interfered = true;
                  await t.update(persons).set({ phoneEnc: staleHub.encrypt(newer, PHONE) }).where(eq(persons.id, person));
                  return t.execute(query);
                };
              },
            });
            return fn(txRacing as unknown as Database);
          });
      },
    });

    const summary = await reencryptAll({ db: racing as Database, cipher: fromFile() });
    expect(interfered).toBe(true);
    // The guarded update missed (0 rows); the next select found the newer value and re-encrypted it.
    expect(asRecord(summary)).toEqual({ ...NOTHING, [PHONE]: 1 });
    const [row] = await h.db.select({ phone: persons.phoneEnc }).from(persons).where(eq(persons.id, person));
    expect(row!.phone).toMatch(new RegExp(`^v1\\.${active}\\.`));
    expect(fromFile().decrypt(row!.phone!, PHONE)).toBe(newer);
    plaintexts.set(`${PHONE} ${person}`, newer);
  });

  it("retires the previous key only once no row uses it", async () => {
    // A hub that has not reloaded yet writes one more bank account under the previous key.
    const staleHub = new FieldCipher(oldKeys);
    const household = [...before.sealed.keys()].find((k) => k.startsWith(`${BANK} `))!.split(" ")[1]!;
    await h.db
      .update(households)
      .set({ bankAccountEnc: staleHub.encrypt(plaintexts.get(`${BANK} ${household}`)!, BANK) })
      .where(eq(households.id, household));
    expect(await retiredKeysInUse(h.db, previous)).toBe(1);
    expect(await retiredKeysInUse(h.db, active)).toBe(before.sealed.size - 1);

    const refused = await retireUnusedKeys(h.db, file);
    expect({ ...refused, kept: refused.kept.sort() }).toEqual({ removed: [], kept: [previous, active].sort(), inUse: { [previous]: 1 } });
    expect([...readFieldKeyFile(file).keys.keys()].sort()).toEqual([previous, active].sort());
    // The unchecked variant never drops the active key.
    expect(() => retireKeys(file, [previous])).toThrow(KeyRotationError);

    expect(asRecord(await reencryptAll({ db: h.db, cipher: fromFile() }))).toEqual({ ...NOTHING, [BANK]: 1 });
    expect(await retiredKeysInUse(h.db, previous)).toBe(0);
    expect(await retireUnusedKeys(h.db, file)).toEqual({ removed: [previous], kept: [active], inUse: {} });
    const retired = readFieldKeyFile(file);
    expect([...retired.keys.keys()]).toEqual([active]);
    expect(retired.blindIndexKey).toEqual(oldKeys.blindIndexKey);

    // Every value still reads, for a fresh hub and for one that started before the rotation.
    const { sealed } = await readStored(h.db);
    expect(decryptAll(fromFile(), sealed)).toEqual(plaintexts);
    expect(decryptAll(new FieldCipher(oldKeys, () => readFieldKeyFile(file)), sealed)).toEqual(plaintexts);
  });

  it("matches key ids literally: `_` in a key id is no LIKE wildcard", async () => {
    // Values under `k_x` must not count as under `kax` (or the other way round).
    const keys = readFieldKeyFile(file);
    const underscore = new FieldCipher({ ...keys, activeKeyId: "k_x", keys: new Map([...keys.keys, ["k_x", Buffer.alloc(32, 7)]]) });
    const household = [...before.sealed.keys()].find((k) => k.startsWith(`${BANK} `))!.split(" ")[1]!;
    await h.db
      .update(households)
      .set({ bankAccountEnc: underscore.encrypt(plaintexts.get(`${BANK} ${household}`)!, BANK) })
      .where(eq(households.id, household));
    expect(await retiredKeysInUse(h.db, "k_x")).toBe(1);
    expect(await retiredKeysInUse(h.db, "kax")).toBe(0);
    expect(await retiredKeysInUse(h.db, "k%")).toBe(0);
    writeFieldKeyFile(file, { ...keys, keys: new Map([...keys.keys, ["k_x", Buffer.alloc(32, 7)]]) });
    expect(asRecord(await reencryptAll({ db: h.db, cipher: fromFile() }))).toEqual({ ...NOTHING, [BANK]: 1 });
  });

  it("stops with a KeyRotationError on a value no known key decrypts, naming column and row only", async () => {
    const lost = new FieldCipher({ activeKeyId: "klost", keys: new Map([["klost", Buffer.alloc(32, 1)]]), blindIndexKey: Buffer.alloc(32), auditKey: Buffer.alloc(32) });
    const person = [...before.sealed.keys()].find((k) => k.startsWith(`${PHONE} `))!.split(" ")[1]!;
    await h.db.update(persons).set({ phoneEnc: lost.encrypt("13900000000", PHONE) }).where(eq(persons.id, person));
    const failure = reencryptAll({ db: h.db, cipher: fromFile() });
    await expect(failure).rejects.toThrow(KeyRotationError);
    await expect(failure).rejects.toThrow(`${PHONE} of row ${person} cannot be re-encrypted: unknown field key klost`);
  });
});

// --- npm run keys:rotate ----------------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const SLOW = 180_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(script: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, script), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run keys:rotate", () => {
  let tmp: string;
  let env: Record<string, string>;
  const district = generateDemoDistrict();
  const expected = {
    [ID]: district.persons.length,
    [PHONE]: district.persons.filter((p) => p.phone).length,
    [BANK]: district.households.filter((h) => h.bankAccount).length,
    [RESPONSE]: 0,
  };
  const keyFile = () => readFieldKeyFile(path.join(tmp, "data", "field-keys.json"));

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "keys-rotate-"));
    env = { DATA_DIR: path.join(tmp, "data") };
    // `npm run seed`, exactly as a user runs it.
    const seed = await cli("src/cli/seed.ts", env, []);
    expect(seed.code, seed.stderr).toBe(0);
    expect(JSON.parse(seed.stdout)).toMatchObject({ seeded: true, persons: district.persons.length });
  }, SLOW);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("adds a key, re-encrypts every seeded value under it and prints one JSON line", async () => {
    const seededKey = keyFile().activeKeyId;
    const run = await cli("src/cli/keys-rotate.ts", env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.endsWith("\n") && run.stdout.split("\n")).toHaveLength(2);
    const summary = JSON.parse(run.stdout) as { active: string; previous: string; reencrypted: Record<string, number> };
    expect(summary).toEqual({ active: keyFile().activeKeyId, previous: seededKey, reencrypted: expected });
    expect(summary.active).not.toBe(seededKey);
    expect([...keyFile().keys.keys()].sort()).toEqual([seededKey, summary.active].sort());
  }, SLOW);

  it("with --retire rotates again and removes the keys no row uses", async () => {
    const before = keyFile();
    const run = await cli("src/cli/keys-rotate.ts", env, ["--retire"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { active: string; retired: string[] };
    expect(summary).toEqual({
      active: keyFile().activeKeyId,
      previous: before.activeKeyId,
      reencrypted: expected,
      retired: [...before.keys.keys()],
      stillInUse: {},
    });
    expect([...keyFile().keys.keys()]).toEqual([summary.active]);
    expect(run.stderr).toContain(`retired field keys: ${[...before.keys.keys()].join(", ")}`);
    // The key file is still a valid one for the hub: same blind-index key.
    expect(keyFile().blindIndexKey).toEqual(before.blindIndexKey);
    expect(readFileSync(path.join(tmp, "data", "field-keys.json"), "utf8")).not.toContain(before.activeKeyId);
  }, SLOW);

  it("exits 2 on a usage error, and 1 with one line on an unreadable key file or an unreachable database", async () => {
    const usage = await cli("src/cli/keys-rotate.ts", env, ["--bogus"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run keys:rotate/);
    const missing = await cli("src/cli/keys-rotate.ts", { ...env, FIELD_KEYS_FILE: path.join(tmp, "nope.json") });
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: expect.stringMatching(/^keys:rotate failed: cannot read field key file .*nope\.json: ENOENT[^\n]*\n$/) as unknown as string,
    });
    // The database is checked before the key file changes: a failed run leaves no new active key behind.
    const keys = readFileSync(path.join(tmp, "data", "field-keys.json"), "utf8");
    const unreachable = await cli("src/cli/keys-rotate.ts", { ...env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(unreachable).toEqual({
      code: 1,
      stdout: "",
      stderr: expect.stringMatching(/^keys:rotate failed: [^\n]*ECONNREFUSED[^\n]*\n$/) as unknown as string,
    });
    expect(readFileSync(path.join(tmp, "data", "field-keys.json"), "utf8")).toBe(keys);
  }, SLOW);

  it("refuses a data dir a running hub holds, changing no key, and points to the hub's own rotation", async () => {
    const release = await lockDataDir(path.join(tmp, "data")); // this test process holds it, as a running hub would
    try {
      const keys = readFileSync(path.join(tmp, "data", "field-keys.json"), "utf8");
      const run = await cli("src/cli/keys-rotate.ts", env);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^keys:rotate failed: the embedded database in .* is in use by another process .*call the rotateFieldKeys mutation as a civil-affairs ADMIN\n$/);
      expect(readFileSync(path.join(tmp, "data", "field-keys.json"), "utf8")).toBe(keys);
    } finally {
      await release();
    }
  }, SLOW);
});
