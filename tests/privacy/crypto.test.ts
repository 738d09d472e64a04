import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  FieldCipher,
  FieldCryptoError,
  fileBackedCipher,
  loadOrCreateDevFieldKeys,
  readFieldKeyFile,
  writeFieldKeyFile,
  type FieldKeys,
} from "../../src/privacy/crypto.js";

const keys = (active: string, ...ids: string[]): FieldKeys => ({
  activeKeyId: active,
  keys: new Map(ids.map((id) => [id, randomBytes(32)])),
  blindIndexKey: randomBytes(32),
  auditKey: randomBytes(32),
});

describe("field encryption", () => {
  it("round-trips a value and never stores it in clear", () => {
    const cipher = new FieldCipher(keys("k1", "k1"));
    const sealed = cipher.encrypt("139999198001011234", "persons.id_number");
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain("1980");
    expect(cipher.decrypt(sealed, "persons.id_number")).toBe("139999198001011234");
  });

  it("uses a fresh IV: the same value encrypts differently each time", () => {
    const cipher = new FieldCipher(keys("k1", "k1"));
    expect(cipher.encrypt("x", "c")).not.toBe(cipher.encrypt("x", "c"));
  });

  it("refuses a value moved to another column or altered", () => {
    const cipher = new FieldCipher(keys("k1", "k1"));
    const sealed = cipher.encrypt("17400001234", "persons.phone");
    expect(() => cipher.decrypt(sealed, "persons.id_number")).toThrow(FieldCryptoError);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), "persons.phone")).toThrow(/fails authentication/);
  });

  it("decrypts values under older keys after rotation and reloads keys it does not know", () => {
    const old = keys("k1", "k1");
    const rotated: FieldKeys = { ...old, activeKeyId: "k2", keys: new Map([...old.keys, ["k2", randomBytes(32)]]) };
    const writer = new FieldCipher(rotated);
    const reader = new FieldCipher(old, () => rotated);
    const underK1 = new FieldCipher(old).encrypt("a", "c");
    const underK2 = writer.encrypt("b", "c");
    expect(reader.decrypt(underK1, "c")).toBe("a");
    expect(reader.decrypt(underK2, "c")).toBe("b");
    expect(() => new FieldCipher(old).decrypt(underK2, "c")).toThrow(/unknown field key k2/);
  });

  it("gives equal blind indexes for equal values only, and none without the key", () => {
    const k = keys("k1", "k1");
    const a = new FieldCipher(k);
    expect(a.blindIndex("139999198001011234", "persons.id_number")).toBe(a.blindIndex("139999198001011234", "persons.id_number"));
    expect(a.blindIndex("139999198001011234", "persons.id_number")).not.toBe(a.blindIndex("139999198001011235", "persons.id_number"));
    expect(new FieldCipher(keys("k1", "k1")).blindIndex("x", "p")).not.toBe(a.blindIndex("x", "p"));
  });

  it("switches new writes to the key a rotation made active, once the key file changes", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "field-keys-"));
    try {
      const { file, keys: first } = loadOrCreateDevFieldKeys(dir);
      let clock = 0;
      const cipher = fileBackedCipher(file, { checkEveryMs: 1000, now: () => clock });
      expect(cipher.encrypt("x", "c")).toMatch(new RegExp(`^v1\\.${first.activeKeyId}\\.`));
      const rotated: FieldKeys = { ...first, activeKeyId: "knew", keys: new Map([...first.keys, ["knew", randomBytes(32)]]) };
      writeFieldKeyFile(file, rotated);
      utimesSync(file, new Date(), new Date(Date.now() + 10_000));
      expect(cipher.encrypt("x", "c")).toMatch(new RegExp(`^v1\\.${first.activeKeyId}\\.`)); // not re-checked yet
      clock = 2000;
      expect(cipher.encrypt("x", "c")).toMatch(/^v1\.knew\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("creates development keys once and reads them back; rejects a file whose active key is missing", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "field-keys-"));
    try {
      const first = loadOrCreateDevFieldKeys(dir);
      const again = loadOrCreateDevFieldKeys(dir);
      expect(again.keys.activeKeyId).toBe(first.keys.activeKeyId);
      expect(again.keys.blindIndexKey.equals(first.keys.blindIndexKey)).toBe(true);
      writeFieldKeyFile(first.file, { ...first.keys, activeKeyId: "nope" });
      expect(() => readFieldKeyFile(first.file)).toThrow(/active key nope is not among its keys/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
