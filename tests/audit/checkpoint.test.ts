import { generateKeyPairSync, verify } from "node:crypto";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, reviewCheckpoints, type SignedCheckpoint } from "../../src/audit/index.js";
import {
  canonicalCheckpoint,
  checkCheckpointSignature,
  CheckpointKeyError,
  checkpointKeyId,
  checkpointMessage,
  generateCheckpointKeyPem,
  parseSignedCheckpoint,
  publicKeyFromPem,
  publicKeyPem,
  signCheckpoint,
  signingKeyFromPem,
} from "../../src/audit/checkpoint.js";

// The signed form is part of every stored checkpoint's meaning: the golden vectors below make a change
// to it a deliberate, reviewed act. The key is a test fixture, used nowhere else.

const FIXTURE_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIO4GVgtiiuJLh9ZWIKkjmCfaHoM2zaa2gHLK4mOhWL6w
-----END PRIVATE KEY-----
`;
const FIXTURE_KEY_ID = "aTB3LmXVjinwE0W1j8kCQWQXmWSgXxM-oqBRPOeiRbs";
const HEADS = [
  { stream: "access_log", lastSeq: 1234, lastHash: "a".repeat(64) },
  { stream: "change_log", lastSeq: 0, lastHash: GENESIS_HASH },
] as const;
const AT = new Date("2025-03-01T08:05:00.000Z");

const key = signingKeyFromPem(FIXTURE_PEM);
const trusted = new Map([[key.keyId, key.publicKey]]);

function otherKey() {
  return signingKeyFromPem(generateCheckpointKeyPem());
}

describe("a signed checkpoint", () => {
  it("names its key by the key's RFC 7638 thumbprint (as jose computes it)", async () => {
    expect(key.keyId).toBe(FIXTURE_KEY_ID);
    expect(await calculateJwkThumbprint(await exportJWK(key.publicKey))).toBe(FIXTURE_KEY_ID);
  });

  it("signs the canonical content: sorted keys, no whitespace, heads in stream order (golden vector)", () => {
    const checkpoint = signCheckpoint({ heads: HEADS, at: AT, key });
    expect(checkpoint).toEqual({
      content: { format: "qiaoxi-audit-checkpoint/1", at: "2025-03-01T08:05:00.000Z", keyId: FIXTURE_KEY_ID, heads: HEADS },
      signature: "qFkezQ0tcWa6f45BCXy-NqfvVWehJagHA7KuBLxD1B9xJxssoI_I6h3HsJPSII9hebfZjXB_9srR0ROV6eYJAw",
      timestamp: null,
    });
    const canonical =
      '{"at":"2025-03-01T08:05:00.000Z","format":"qiaoxi-audit-checkpoint/1","heads":[' +
      `{"lastHash":"${"a".repeat(64)}","lastSeq":1234,"stream":"access_log"},{"lastHash":"${GENESIS_HASH}","lastSeq":0,"stream":"change_log"}],` +
      `"keyId":"${FIXTURE_KEY_ID}"}`;
    expect(canonicalCheckpoint(checkpoint.content)).toBe(canonical);
    // Plain Ed25519 over those bytes: any verifier with the public key and node:crypto (or openssl) can check it.
    expect(verify(null, Buffer.from(canonical), publicKeyFromPem(publicKeyPem(key.publicKey)), Buffer.from(checkpoint.signature, "base64url"))).toBe(true);
  });

  it("verifies under the key it names", () => {
    expect(checkCheckpointSignature(signCheckpoint({ heads: HEADS, at: AT, key }), trusted)).toBeNull();
  });

  it.each([
    ["a lowered seq", (c: SignedCheckpoint) => ({ ...c, content: { ...c.content, heads: [{ ...c.content.heads[0]!, lastSeq: 1200 }, c.content.heads[1]!] } })],
    ["another hash", (c: SignedCheckpoint) => ({ ...c, content: { ...c.content, heads: [{ ...c.content.heads[0]!, lastHash: "b".repeat(64) }, c.content.heads[1]!] } })],
    ["another time", (c: SignedCheckpoint) => ({ ...c, content: { ...c.content, at: "2025-03-01T08:10:00.000Z" } })],
    ["a flipped signature bit", (c: SignedCheckpoint) => {
      const bytes = Buffer.from(c.signature, "base64url");
      bytes[10]! ^= 1;
      return { ...c, signature: bytes.toString("base64url") };
    }],
  ])("with %s is a BAD_SIGNATURE", (_what, tamper) => {
    expect(checkCheckpointSignature(tamper(signCheckpoint({ heads: HEADS, at: AT, key })), trusted)).toBe("BAD_SIGNATURE");
  });

  it("signed by another key is UNKNOWN_KEY, and a BAD_SIGNATURE when it claims the trusted key's id", () => {
    const forger = otherKey();
    const forged = signCheckpoint({ heads: HEADS, at: AT, key: forger });
    expect(forged.content.keyId).not.toBe(key.keyId);
    expect(checkCheckpointSignature(forged, trusted)).toBe("UNKNOWN_KEY");
    const posing = signCheckpoint({ heads: HEADS, at: AT, key: { ...forger, keyId: key.keyId } });
    expect(checkCheckpointSignature(posing, trusted)).toBe("BAD_SIGNATURE");
  });

  it("refuses keys that are not Ed25519, naming no key material", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    expect(() => signingKeyFromPem(rsa)).toThrow(new CheckpointKeyError("audit checkpoints are signed with Ed25519: expected an Ed25519 private key"));
    expect(() => signingKeyFromPem("not a key")).toThrow(new CheckpointKeyError("the audit signing key file does not hold a PEM private key"));
    expect(() => checkpointKeyId(key.privateKey)).toThrow(CheckpointKeyError);
    expect(() => publicKeyFromPem(FIXTURE_PEM.replace(/PRIVATE/g, "PUBLIC"))).toThrow(CheckpointKeyError);
    // A private key is not a public key, although node:crypto would derive one from it.
    expect(() => publicKeyFromPem(FIXTURE_PEM)).toThrow(new CheckpointKeyError("not a PEM public key"));
  });

  it("reads back only well-formed checkpoints", () => {
    const checkpoint = signCheckpoint({ heads: HEADS, at: AT, key });
    expect(parseSignedCheckpoint(JSON.parse(JSON.stringify(checkpoint)))).toEqual(checkpoint);
    for (const bad of [
      null,
      { ...checkpoint, extra: 1 },
      { ...checkpoint, content: { ...checkpoint.content, heads: [...checkpoint.content.heads].reverse() } },
      { ...checkpoint, content: { ...checkpoint.content, heads: [checkpoint.content.heads[0]] } },
      { ...checkpoint, content: { ...checkpoint.content, format: "qiaoxi-audit-checkpoint/2" } },
      { ...checkpoint, content: { ...checkpoint.content, at: "2025-03-01T08:05:00Z" } },
      { ...checkpoint, content: { ...checkpoint.content, heads: [{ ...HEADS[0], lastSeq: -1 }, HEADS[1]] } },
      { ...checkpoint, content: { ...checkpoint.content, heads: [{ ...HEADS[0], lastHash: "A".repeat(64) }, HEADS[1]] } },
      { ...checkpoint, timestamp: "not base64!" },
    ]) {
      expect(parseSignedCheckpoint(bad)).toBeNull();
    }
    expect(() => canonicalCheckpoint({ ...checkpoint.content, at: "yesterday" })).toThrow(new TypeError("not a checkpoint's content"));
  });

  it("time-stamps the same bytes it signs", () => {
    const checkpoint = signCheckpoint({ heads: HEADS, at: AT, key });
    expect(checkpointMessage(checkpoint.content).toString("utf8")).toBe(canonicalCheckpoint(checkpoint.content));
  });
});

describe("reviewing stored checkpoints", () => {
  it("reports each one's own problem: malformed, unknown key, bad signature; a valid one has none", () => {
    const good = signCheckpoint({ heads: HEADS, at: AT, key });
    const forged = signCheckpoint({ heads: HEADS, at: AT, key: otherKey() });
    const tampered = { ...good, content: { ...good.content, at: "2025-03-01T09:00:00.000Z" } };
    const reviews = reviewCheckpoints({
      checkpoints: [
        { ref: "checkpoints.jsonl:1", checkpoint: good },
        { ref: "checkpoints.jsonl:2", checkpoint: null },
        { ref: "checkpoints.jsonl:3", checkpoint: forged },
        { ref: "checkpoints.jsonl:4", checkpoint: tampered },
      ],
      publicKeys: trusted,
    });
    const none = { timestampedAt: null, timestampSignatureChecked: false };
    expect(reviews).toEqual([
      { ref: "checkpoints.jsonl:1", checkpoint: good, problem: null, reason: null, ...none },
      { ref: "checkpoints.jsonl:2", checkpoint: null, problem: "CHECKPOINT_SIGNATURE_INVALID", reason: "MALFORMED", ...none },
      { ref: "checkpoints.jsonl:3", checkpoint: forged, problem: "CHECKPOINT_SIGNATURE_INVALID", reason: "UNKNOWN_KEY", ...none },
      { ref: "checkpoints.jsonl:4", checkpoint: tampered, problem: "CHECKPOINT_SIGNATURE_INVALID", reason: "BAD_SIGNATURE", ...none },
    ]);
  });
});
