import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { StreamName } from "./stream.js";

// Signed checkpoints of the audit chains: the heads of both streams (seq and hash of each stream's
// last row), signed with an Ed25519 key that is neither the chains' HMAC key nor a field key, and
// stored outside the database (checkpoint-sink.ts). A chain that later ends below a checkpoint's seq
// was truncated; one whose hash at that seq differs was rewritten — even by someone holding the HMAC
// key, who can recompute every later hash but cannot sign a new checkpoint. Pure: no clock, no I/O.
//
// The signed bytes are canonicalCheckpoint(content): part of every stored checkpoint's meaning, pinned
// by a golden vector in tests/audit/checkpoint.test.ts.

export const CHECKPOINT_FORMAT = "qiaoxi-audit-checkpoint/1";

/** The streams a checkpoint signs, in its order. */
export const CHECKPOINT_STREAMS: readonly StreamName[] = ["access_log", "change_log"];

/** One stream's head: its last row's seq and hash (0 and GENESIS_HASH while empty). */
export interface CheckpointHead {
  readonly stream: StreamName;
  readonly lastSeq: number;
  readonly lastHash: string;
}

/** What a checkpoint signs. */
export interface CheckpointContent {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** When the heads were read (ISO 8601 UTC, milliseconds): the hub's clock, see `timestamp` for a TSA's. */
  readonly at: string;
  /** The signing key's id (checkpointKeyId of its public key). */
  readonly keyId: string;
  readonly heads: readonly CheckpointHead[];
}

export interface SignedCheckpoint {
  readonly content: CheckpointContent;
  /** Ed25519 over the UTF-8 of canonicalCheckpoint(content), base64url. */
  readonly signature: string;
  /** An RFC 3161 TimeStampToken (DER, base64) over SHA-256(canonicalCheckpoint(content)), when a TSA is configured. */
  readonly timestamp: string | null;
}

const HEX_64 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const HeadSchema = z.strictObject({
  stream: z.enum(["access_log", "change_log"]),
  lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  lastHash: z.string().regex(HEX_64),
});

const SignedCheckpointSchema = z.strictObject({
  content: z.strictObject({
    format: z.literal(CHECKPOINT_FORMAT),
    at: z.string().regex(ISO_UTC),
    keyId: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    heads: z.array(HeadSchema).refine((heads) => heads.map((h) => h.stream).join() === CHECKPOINT_STREAMS.join(), "one head per stream, in order"),
  }),
  signature: z.string().regex(/^[A-Za-z0-9_-]+$/),
  timestamp: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).nullable(),
});

/** A stored checkpoint as read back; null when it is not one (malformed). */
export function parseSignedCheckpoint(json: unknown): SignedCheckpoint | null {
  const parsed = SignedCheckpointSchema.safeParse(json);
  return parsed.success ? (parsed.data as SignedCheckpoint) : null;
}

/**
 * The canonical serialization of a checkpoint's content: JSON without whitespace, object keys in
 * UTF-16 code-unit order, heads in stream order. Throws TypeError for content that is not a checkpoint's.
 */
export function canonicalCheckpoint(content: CheckpointContent): string {
  if (!SignedCheckpointSchema.shape.content.safeParse(content).success) throw new TypeError("not a checkpoint's content");
  const head = (h: CheckpointHead) => `{"lastHash":${JSON.stringify(h.lastHash)},"lastSeq":${h.lastSeq},"stream":${JSON.stringify(h.stream)}}`;
  return `{"at":${JSON.stringify(content.at)},"format":${JSON.stringify(content.format)},"heads":[${content.heads.map(head).join(",")}],"keyId":${JSON.stringify(content.keyId)}}`;
}

/** The bytes a checkpoint's signature and time-stamp cover. */
export function checkpointMessage(content: CheckpointContent): Buffer {
  return Buffer.from(canonicalCheckpoint(content), "utf8");
}

// --- keys -----------------------------------------------------------------------------------------------

export class CheckpointKeyError extends Error {
  override readonly name = "CheckpointKeyError";
}

/** The checkpoint signing key: the private key and the id of its public half. */
export interface CheckpointSigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A key's id: its RFC 7638 JWK thumbprint (SHA-256, base64url), so the id names the key and nothing else. */
export function checkpointKeyId(publicKey: KeyObject): string {
  assertEd25519(publicKey, "public");
  const jwk = publicKey.export({ format: "jwk" });
  return createHash("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest("base64url");
}

/** A new Ed25519 private key as PKCS#8 PEM (what `openssl genpkey -algorithm ed25519` writes). */
export function generateCheckpointKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

/** The signing key in a PKCS#8 PEM; CheckpointKeyError (naming no key material) for anything else. */
export function signingKeyFromPem(pem: string): CheckpointSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new CheckpointKeyError("the audit signing key file does not hold a PEM private key");
  }
  assertEd25519(privateKey, "private");
  const publicKey = createPublicKey(privateKey);
  return { keyId: checkpointKeyId(publicKey), privateKey, publicKey };
}

/** An Ed25519 public key from SPKI PEM; CheckpointKeyError otherwise. */
export function publicKeyFromPem(pem: string): KeyObject {
  // createPublicKey would also derive one from a private key: a published file must hold the public half only.
  if (!/^-----BEGIN PUBLIC KEY-----$/m.test(pem) || /PRIVATE KEY-----/.test(pem)) throw new CheckpointKeyError("not a PEM public key");
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new CheckpointKeyError("not a PEM public key");
  }
  assertEd25519(key, "public");
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }) as string;
}

function assertEd25519(key: KeyObject, type: "private" | "public"): void {
  if (key.type !== type || key.asymmetricKeyType !== "ed25519") {
    throw new CheckpointKeyError(`audit checkpoints are signed with Ed25519: expected an Ed25519 ${type} key`);
  }
}

// --- signing and verifying ------------------------------------------------------------------------------

/** Signs the heads read at `at`. `heads` must hold one head per stream, in CHECKPOINT_STREAMS order. */
export function signCheckpoint(args: { heads: readonly CheckpointHead[]; at: Date; key: CheckpointSigningKey }): SignedCheckpoint {
  const content: CheckpointContent = {
    format: CHECKPOINT_FORMAT,
    at: args.at.toISOString(),
    keyId: args.key.keyId,
    heads: args.heads.map((h) => ({ stream: h.stream, lastSeq: h.lastSeq, lastHash: h.lastHash })),
  };
  const signature = sign(null, checkpointMessage(content), args.key.privateKey).toString("base64url");
  return { content, signature, timestamp: null };
}

export type SignatureProblem = "UNKNOWN_KEY" | "BAD_SIGNATURE";

/** null when the checkpoint is signed by the trusted key it names; else what is wrong. */
export function checkCheckpointSignature(checkpoint: SignedCheckpoint, trustedKeys: ReadonlyMap<string, KeyObject>): SignatureProblem | null {
  const key = trustedKeys.get(checkpoint.content.keyId);
  if (!key) return "UNKNOWN_KEY";
  const signature = Buffer.from(checkpoint.signature, "base64url");
  try {
    return verify(null, checkpointMessage(checkpoint.content), key, signature) ? null : "BAD_SIGNATURE";
  } catch {
    return "BAD_SIGNATURE";
  }
}
