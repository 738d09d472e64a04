import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PlaintextCache, type PlaintextCacheOptions } from "./plaintext-cache.js";

// Field encryption at rest: AES-256-GCM with the key id stored in every value, so keys rotate
// without a flag day, and a keyed blind index (HMAC-SHA-256) for exact lookup and uniqueness.
// A database dump alone discloses none of the protected values.

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The additional data of each column context, encoded once (the code's handful of contexts, read per value). */
const AAD = new Map<string, Buffer>();
function aadOf(context: string): Buffer {
  const known = AAD.get(context);
  if (known) return known;
  const aad = Buffer.from(context, "utf8");
  if (AAD.size < 64) AAD.set(context, aad);
  return aad;
}
const KEY_ID = /^[A-Za-z0-9_-]{1,40}$/;

export interface FieldKeys {
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
  /** Never rotated with the encryption keys: every blind index would have to be recomputed. */
  readonly blindIndexKey: Buffer;
  /** Keys the audit hash chains (HMAC): without it, nobody can rewrite the logs and recompute a
   * chain that verifies, not even the database's owner. Never rotated. */
  readonly auditKey: Buffer;
}

export class FieldCryptoError extends Error {
  override readonly name = "FieldCryptoError";
}

const KeyFileSchema = z.object({
  active: z.string().regex(KEY_ID),
  keys: z.record(z.string().regex(KEY_ID), z.string()),
  blindIndexKey: z.string(),
  auditKey: z.string(),
});
export type FieldKeyFile = z.infer<typeof KeyFileSchema>;

function decodeKey(name: string, b64: string): Buffer {
  const key = Buffer.from(b64, "base64");
  if (key.length !== KEY_BYTES) throw new FieldCryptoError(`field key ${name} must be ${KEY_BYTES} bytes, base64`);
  return key;
}

export function parseFieldKeyFile(json: unknown, source: string): FieldKeys {
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) throw new FieldCryptoError(`invalid field key file ${source}: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  const keys = new Map(Object.entries(parsed.data.keys).map(([kid, b64]) => [kid, decodeKey(kid, b64)]));
  if (!keys.has(parsed.data.active)) throw new FieldCryptoError(`field key file ${source}: active key ${parsed.data.active} is not among its keys`);
  return {
    activeKeyId: parsed.data.active,
    keys,
    blindIndexKey: decodeKey("blindIndexKey", parsed.data.blindIndexKey),
    auditKey: decodeKey("auditKey", parsed.data.auditKey),
  };
}

export function readFieldKeyFile(file: string): FieldKeys {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new FieldCryptoError(`cannot read field key file ${file}: ${(err as Error).message}`);
  }
  return parseFieldKeyFile(json, file);
}

export function writeFieldKeyFile(file: string, keys: FieldKeys): void {
  const body: FieldKeyFile = {
    active: keys.activeKeyId,
    keys: Object.fromEntries([...keys.keys].map(([kid, key]) => [kid, key.toString("base64")])),
    blindIndexKey: keys.blindIndexKey.toString("base64"),
    auditKey: keys.auditKey.toString("base64"),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  // Write-then-rename: a hub reading the file mid-write sees the old or the new file, never half.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(body, null, 2), { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
}

export function newKeyId(now: Date = new Date()): string {
  return `k${now.toISOString().slice(0, 19).replace(/[-:T]/g, "")}${randomBytes(2).toString("hex")}`;
}

/** Development: `DATA_DIR/field-keys.json`, created on first use. */
export function loadOrCreateDevFieldKeys(dataDir: string): { file: string; keys: FieldKeys } {
  const file = path.join(dataDir, "field-keys.json");
  if (!existsSync(file)) {
    const kid = newKeyId();
    writeFieldKeyFile(file, {
      activeKeyId: kid,
      keys: new Map([[kid, randomBytes(KEY_BYTES)]]),
      blindIndexKey: randomBytes(KEY_BYTES),
      auditKey: randomBytes(KEY_BYTES),
    });
  }
  return { file, keys: readFieldKeyFile(file) };
}

/**
 * Encrypts and decrypts field values. `context` (e.g. `persons.id_number`) is bound as additional
 * data, so a value copied into another column does not decrypt. A value under a key id this
 * process does not know triggers one reload of the key source: a rotation that added a key is
 * picked up without a restart. With a plaintext cache (src/privacy/plaintext-cache.ts), recently
 * decrypted values are answered from it until their time is up; any key reload empties it.
 */
export class FieldCipher {
  private keys: FieldKeys;

  constructor(
    keys: FieldKeys,
    private readonly reload?: () => FieldKeys,
    /** Whether the key source changed since the last read (a rotation made a new key active). */
    private readonly stale?: () => boolean,
    /** The key file, when the keys come from one (what `rotateFieldKeys` rotates). */
    readonly source?: string,
    private readonly cache?: PlaintextCache,
  ) {
    this.keys = keys;
  }

  /** Re-reads the key source now (after this process rotated it). */
  reloadKeys(): void {
    if (this.reload) this.replaceKeys(this.reload());
  }

  private replaceKeys(keys: FieldKeys): void {
    this.keys = keys;
    this.cache?.clear();
  }

  get activeKeyId(): string {
    return this.keys.activeKeyId;
  }

  /** The key of the audit hash chains (see src/audit/chain.ts). */
  get auditKey(): Buffer {
    return this.keys.auditKey;
  }

  encrypt(plaintext: string, context: string): string {
    // After a rotation, new writes must use the new active key, or retiring the old one strands them.
    if (this.reload && this.stale?.()) this.replaceKeys(this.reload());
    const key = this.keys.keys.get(this.keys.activeKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, this.keys.activeKeyId, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  decrypt(value: string, context: string): string {
    const cached = this.cache?.get(value, context);
    if (cached !== undefined) return cached;
    const plaintext = this.open(value, context);
    this.cache?.set(value, context, plaintext);
    return plaintext;
  }

  private open(value: string, context: string): string {
    // `v1.<kid>.<iv>.<body>.<tag>`, read by position: this runs for every disclosed sealed value.
    const a = value.indexOf(".");
    const b = value.indexOf(".", a + 1);
    const c = value.indexOf(".", b + 1);
    const d = value.indexOf(".", c + 1);
    if (a < 0 || b < 0 || c < 0 || d < 0 || value.indexOf(".", d + 1) >= 0 || value.slice(0, a) !== VERSION) {
      throw new FieldCryptoError(`not a ${VERSION} encrypted value`);
    }
    const kid = value.slice(a + 1, b);
    let key = this.keys.keys.get(kid);
    if (!key && this.reload) {
      this.replaceKeys(this.reload());
      key = this.keys.keys.get(kid);
    }
    if (!key) throw new FieldCryptoError(`unknown field key ${kid}`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(value.slice(b + 1, c), "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(aadOf(context));
      decipher.setAuthTag(Buffer.from(value.slice(d + 1), "base64url"));
      return decipher.update(value.slice(c + 1, d), "base64url", "utf8") + decipher.final("utf8");
    } catch {
      throw new FieldCryptoError(`encrypted value under ${kid} fails authentication`);
    }
  }

  keyIdOf(value: string): string {
    return value.split(".")[1] ?? "";
  }

  /** Keyed blind index: equal inputs give equal indexes; without the key it reveals nothing. */
  blindIndex(value: string, purpose: string): string {
    return createHmac("sha256", this.keys.blindIndexKey).update(purpose).update("\0").update(value).digest("hex");
  }
}

/** The encrypted columns, for writers and for key rotation. */
export const ENCRYPTED_FIELDS = {
  personIdNumber: "persons.id_number",
  personPhone: "persons.phone",
  householdBankAccount: "households.bank_account",
  /** A keyed mutation's first response (status and body), replayed to its caller on a retry. */
  idempotencyResponse: "idempotency_keys.response",
} as const;

/** The hub's cipher: keys from FIELD_KEYS_FILE, or development keys in DATA_DIR. Re-reads the file on an unknown key id. */
export function fieldCipherFromConfig(config: {
  fieldKeysFile: string | undefined;
  dataDir: string;
  plaintextCache?: PlaintextCacheOptions;
}): FieldCipher {
  const file = config.fieldKeysFile ?? loadOrCreateDevFieldKeys(config.dataDir).file;
  return fileBackedCipher(file, { cache: config.plaintextCache });
}

/** A cipher over a key file that re-reads it when it changes (checked at most every few seconds). */
export function fileBackedCipher(
  file: string,
  options: { checkEveryMs?: number; now?: () => number; cache?: PlaintextCacheOptions } = {},
): FieldCipher {
  const { checkEveryMs = 5_000, now = Date.now } = options;
  let seenMtime = statSync(file).mtimeMs;
  let lastCheck = now();
  const read = () => {
    seenMtime = statSync(file).mtimeMs;
    return readFieldKeyFile(file);
  };
  const stale = () => {
    if (now() - lastCheck < checkEveryMs) return false;
    lastCheck = now();
    return statSync(file).mtimeMs !== seenMtime;
  };
  const cache = options.cache && options.cache.maxEntries > 0 ? new PlaintextCache(options.cache) : undefined;
  return new FieldCipher(read(), read, stale, file, cache);
}
