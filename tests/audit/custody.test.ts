import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrCreateSigningKeyFile, readSigningKeyFile } from "../../src/audit/index.js";
import { generateCheckpointKeyPem } from "../../src/audit/checkpoint.js";
import { ConfigError, loadConfig } from "../../src/config.js";

// Who holds the checkpoint signing key: production names a key file outside DATA_DIR that only its
// owner can read, and refuses to start otherwise; development creates one beside DATA_DIR.

const tmp = mkdtempSync(path.join(os.tmpdir(), "audit-custody-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dataDir = path.join(tmp, "data");
mkdirSync(dataDir);
const keysDir = path.join(tmp, "keys");
mkdirSync(keysDir);

function keyFile(name: string, mode: number, dir = keysDir): string {
  const file = path.join(dir, name);
  writeFileSync(file, generateCheckpointKeyPem(), { mode });
  chmodSync(file, mode);
  return file;
}

const production = (extra: Record<string, string>) =>
  loadConfig({ NODE_ENV: "production", TRUSTED_ISSUERS_FILE: "issuers.json", FIELD_KEYS_FILE: "field-keys.json", DATA_DIR: dataDir, ...extra });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("the audit signing key in production", () => {
  it("starts with a key file outside DATA_DIR readable by its owner only (0600 or 0400)", () => {
    for (const mode of [0o600, 0o400]) {
      const file = keyFile(`ok-${mode.toString(8)}.pem`, mode);
      expect(production({ AUDIT_SIGNING_KEY_FILE: file }).audit).toEqual({
        checkpointIntervalSeconds: 300,
        checkpointDir: path.join(tmp, "data-audit", "checkpoints"),
        signingKeyFile: file,
        createSigningKey: false,
        tsaUrl: undefined,
        tsaCaFile: undefined,
      });
    }
  });

  it("refuses to start without one", () => {
    expect(refusal(() => production({}))).toBe(
      "invalid configuration: production needs AUDIT_SIGNING_KEY_FILE (the audit checkpoint signing key, outside DATA_DIR)",
    );
  });

  it("refuses a key file inside DATA_DIR, also when reached through a symbolic link", () => {
    const inside = keyFile("signing-key.pem", 0o600, dataDir);
    expect(refusal(() => production({ AUDIT_SIGNING_KEY_FILE: inside }))).toBe("invalid configuration: AUDIT_SIGNING_KEY_FILE must lie outside DATA_DIR");
    const link = path.join(keysDir, "link.pem");
    symlinkSync(inside, link);
    expect(refusal(() => production({ AUDIT_SIGNING_KEY_FILE: link }))).toBe("invalid configuration: AUDIT_SIGNING_KEY_FILE must lie outside DATA_DIR");
    // A sibling whose name merely starts like DATA_DIR is outside it.
    mkdirSync(path.join(tmp, "data-keys"));
    expect(production({ AUDIT_SIGNING_KEY_FILE: keyFile("k.pem", 0o600, path.join(tmp, "data-keys")) }).audit.createSigningKey).toBe(false);
  });

  it.each([
    [0o644, "0644"],
    [0o640, "0640"],
    [0o604, "0604"],
    [0o700, "0700"],
  ])("refuses a key file with mode %o", (mode, shown) => {
    const file = keyFile(`mode-${shown}.pem`, mode);
    expect(statSync(file).mode & 0o777).toBe(mode);
    expect(refusal(() => production({ AUDIT_SIGNING_KEY_FILE: file }))).toBe(
      `invalid configuration: AUDIT_SIGNING_KEY_FILE must be readable by its owner only (mode 0600 or 0400, not ${shown})`,
    );
  });

  it("refuses a key file that does not exist or is not a file, without echoing the path", () => {
    const missing = path.join(keysDir, "secret-name-missing.pem");
    const message = refusal(() => production({ AUDIT_SIGNING_KEY_FILE: missing }));
    expect(message).toBe("invalid configuration: AUDIT_SIGNING_KEY_FILE cannot be read (ENOENT)");
    expect(refusal(() => production({ AUDIT_SIGNING_KEY_FILE: keysDir }))).toBe("invalid configuration: AUDIT_SIGNING_KEY_FILE is not a regular file");
  });

  it("refuses a checkpoint directory inside DATA_DIR", () => {
    const file = keyFile("for-dir.pem", 0o600);
    expect(refusal(() => production({ AUDIT_SIGNING_KEY_FILE: file, AUDIT_CHECKPOINT_DIR: path.join(dataDir, "checkpoints") }))).toBe(
      "invalid configuration: AUDIT_CHECKPOINT_DIR must lie outside DATA_DIR",
    );
  });
});

describe("the audit checkpoint settings", () => {
  it("default, outside production, to a folder beside DATA_DIR with a key created there", () => {
    expect(loadConfig({ DATA_DIR: "/srv/hub/data" }).audit).toEqual({
      checkpointIntervalSeconds: 300,
      checkpointDir: "/srv/hub/data-audit/checkpoints",
      signingKeyFile: "/srv/hub/data-audit/signing-key.pem",
      createSigningKey: true,
      tsaUrl: undefined,
      tsaCaFile: undefined,
    });
  });

  it("are read from the environment", () => {
    expect(
      loadConfig({
        DATA_DIR: "/srv/hub/data",
        AUDIT_CHECKPOINT_INTERVAL_SECONDS: "0",
        AUDIT_CHECKPOINT_DIR: "/mnt/worm/checkpoints",
        AUDIT_SIGNING_KEY_FILE: "/etc/hub/audit-signing.pem",
        AUDIT_TSA_URL: "http://tsa.example.invalid/tsr",
        AUDIT_TSA_CA_FILE: "/etc/hub/tsa-ca.pem",
      }).audit,
    ).toEqual({
      checkpointIntervalSeconds: 0,
      checkpointDir: "/mnt/worm/checkpoints",
      signingKeyFile: "/etc/hub/audit-signing.pem",
      createSigningKey: false,
      tsaUrl: "http://tsa.example.invalid/tsr",
      tsaCaFile: "/etc/hub/tsa-ca.pem",
    });
  });

  it("refuse a negative interval and a TSA that is not an http(s) URL, naming the setting only", () => {
    expect(refusal(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: "-1" }))).toMatch(/^invalid configuration: AUDIT_CHECKPOINT_INTERVAL_SECONDS: /);
    const message = refusal(() => loadConfig({ AUDIT_TSA_URL: "ftp://user:pa55word@tsa.invalid/" }));
    expect(message).toBe("invalid configuration: AUDIT_TSA_URL: must be an http(s) URL");
  });
});

describe("the development signing key", () => {
  it("is created on first use, owner-only in an owner-only folder, and reused afterwards", () => {
    const file = path.join(tmp, "dev-audit", "signing-key.pem");
    const created = loadOrCreateSigningKeyFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadOrCreateSigningKeyFile(file).keyId).toBe(created.keyId);
    expect(readSigningKeyFile(file).keyId).toBe(created.keyId);
  });

  it("is read from a named file only when it is there", () => {
    expect(() => readSigningKeyFile(path.join(tmp, "nowhere.pem"))).toThrow("cannot read the audit signing key file (ENOENT)");
  });
});
