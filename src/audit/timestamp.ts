import { createHash, randomBytes, verify as verifySignature, X509Certificate } from "node:crypto";
import {
  childrenOf,
  contextTag,
  decodeDer,
  DerError,
  derBoolean,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  expectTag,
  readGeneralizedTime,
  readInteger,
  readOid,
  TAG,
  type DerNode,
} from "./der.js";

// RFC 3161 time-stamping of audit checkpoints: a time-stamping authority (TSA) signs "this digest
// existed at genTime", so a checkpoint's time does not rest on the hub's clock or its key alone.
//
// What is checked, and where:
// - when stamping: the TSA granted the request, and its token carries our SHA-256 imprint and nonce;
// - when verifying (checkTimestampToken): the token's message imprint is the SHA-256 of the
//   checkpoint's signed content; and, only when the verifier is given trust anchors (AUDIT_TSA_CA_FILE),
//   the CMS signature over the TSTInfo (content-type and message-digest attributes, the signature by
//   a certificate with the timeStamping extended key usage, valid at genTime, that chains to an
//   anchor). Not checked: revocation (CRL/OCSP), the ESS signing-certificate attribute, the TSA policy.

export class TimestampError extends Error {
  override readonly name = "TimestampError";
}

const OID = {
  sha256: "2.16.840.1.101.3.4.2.1",
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentTypeAttr: "1.2.840.113549.1.9.3",
  messageDigestAttr: "1.2.840.113549.1.9.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
} as const;

/** Digest algorithms a token's signer may use (no SHA-1, no MD5). */
const DIGESTS: Readonly<Record<string, string>> = {
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** Signature algorithms: the digest the signature covers (null: the algorithm has its own, Ed25519). */
const SIGNATURES: Readonly<Record<string, string | null | "fromDigest">> = {
  "1.2.840.113549.1.1.1": "fromDigest", // rsaEncryption: PKCS#1 v1.5 with the signer's digest algorithm
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
  "1.3.101.112": null,
};

/** A DER TimeStampReq for the SHA-256 digest of `message`, asking the TSA to include its certificate. */
export function timeStampRequest(message: Buffer, nonce: bigint): Buffer {
  return derSequence(
    derInteger(1n),
    derSequence(derSequence(derOid(OID.sha256), derNull()), derOctetString(sha256(message))),
    derInteger(nonce),
    derBoolean(true),
  );
}

/** The token of a granted TimeStampResp; TimestampError for a refusal or anything unreadable. */
export function tokenOfResponse(response: Buffer): Buffer {
  try {
    const [statusInfo, token] = childrenOf(expectTag(decodeDer(response), TAG.SEQUENCE, "TimeStampResp"));
    const status = readInteger(childrenOf(expectTag(statusInfo, TAG.SEQUENCE, "PKIStatusInfo"))[0]!);
    // 0 granted, 1 granted with modifications; anything else is a refusal and carries no token.
    if (status !== 0n && status !== 1n) throw new TimestampError(`the TSA refused the request (PKIStatus ${status})`);
    if (!token) throw new TimestampError("the TSA granted the request but sent no token");
    return Buffer.from(expectTag(token, TAG.SEQUENCE, "TimeStampToken").bytes);
  } catch (error) {
    if (error instanceof DerError) throw new TimestampError(`the TSA's response is not a TimeStampResp (${error.message})`);
    throw error;
  }
}

/** What a token's TSTInfo says. */
export interface TimestampInfo {
  readonly hashAlgorithm: string;
  readonly hashedMessage: Buffer;
  readonly genTime: Date;
  readonly nonce: bigint | null;
  readonly serialNumber: bigint;
}

interface ParsedToken {
  readonly info: TimestampInfo;
  /** The TSTInfo's DER (what the message-digest attribute covers). */
  readonly tstInfo: Buffer;
  readonly certificates: DerNode[];
  readonly signerInfos: DerNode[];
}

function parseToken(token: Buffer): ParsedToken {
  try {
    const [contentType, content] = childrenOf(expectTag(decodeDer(token), TAG.SEQUENCE, "ContentInfo"));
    if (readOid(contentType!) !== OID.signedData) throw new DerError("the token is not CMS SignedData");
    const [signedData] = childrenOf(expectTag(content, contextTag(0), "ContentInfo content"));
    const parts = childrenOf(expectTag(signedData, TAG.SEQUENCE, "SignedData"));
    const encap = childrenOf(expectTag(parts[2], TAG.SEQUENCE, "EncapsulatedContentInfo"));
    if (readOid(encap[0]!) !== OID.tstInfo) throw new DerError("the token does not hold a TSTInfo");
    const [octets] = childrenOf(expectTag(encap[1], contextTag(0), "eContent"));
    const tstInfo = expectTag(octets, TAG.OCTET_STRING, "eContent").value;
    const certificates = parts.find((p) => p.tag === contextTag(0));
    const signerInfos = expectTag(parts.at(-1), TAG.SET, "signerInfos");
    return { info: readTstInfo(tstInfo), tstInfo, certificates: certificates ? childrenOf(certificates) : [], signerInfos: childrenOf(signerInfos) };
  } catch (error) {
    if (error instanceof DerError) throw new TimestampError(`not a time-stamp token (${error.message})`);
    throw error;
  }
}

function readTstInfo(der: Buffer): TimestampInfo {
  const fields = childrenOf(expectTag(decodeDer(der), TAG.SEQUENCE, "TSTInfo"));
  const [algorithm, hashed] = childrenOf(expectTag(fields[2], TAG.SEQUENCE, "messageImprint"));
  const nonce = fields.slice(5).find((f) => f.tag === TAG.INTEGER);
  return {
    hashAlgorithm: readOid(childrenOf(expectTag(algorithm, TAG.SEQUENCE, "hashAlgorithm"))[0]!),
    hashedMessage: Buffer.from(expectTag(hashed, TAG.OCTET_STRING, "hashedMessage").value),
    serialNumber: readInteger(fields[3]!),
    genTime: readGeneralizedTime(fields[4]!),
    nonce: nonce ? readInteger(nonce) : null,
  };
}

/** The TSTInfo of a token, unverified. */
export function readTimestampToken(token: Buffer): TimestampInfo {
  return parseToken(token).info;
}

export type TimestampCheck =
  | { readonly ok: true; readonly genTime: Date; readonly signatureChecked: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether `token` time-stamps `message`: its imprint is SHA-256(message), and — given trust anchors —
 * its signature holds (see the header for exactly what is and is not checked).
 */
export function checkTimestampToken(token: Buffer, message: Buffer, trustAnchors: readonly X509Certificate[] = []): TimestampCheck {
  let parsed: ParsedToken;
  try {
    parsed = parseToken(token);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const { info } = parsed;
  if (info.hashAlgorithm !== OID.sha256 || !info.hashedMessage.equals(sha256(message))) {
    return { ok: false, reason: "the token's message imprint is not the checkpoint's SHA-256" };
  }
  if (trustAnchors.length === 0) return { ok: true, genTime: info.genTime, signatureChecked: false };
  const signature = checkTokenSignature(parsed, trustAnchors);
  return signature === null ? { ok: true, genTime: info.genTime, signatureChecked: true } : { ok: false, reason: signature };
}

/** null when some signer info is signed by a time-stamping certificate chaining to an anchor; else why not. */
function checkTokenSignature(token: ParsedToken, anchors: readonly X509Certificate[]): string | null {
  let embedded: X509Certificate[];
  try {
    embedded = token.certificates.map((c) => new X509Certificate(c.bytes));
  } catch {
    return "the token carries an unreadable certificate";
  }
  const candidates = [...embedded, ...anchors];
  let reason = "the token has no signer";
  for (const signerInfo of token.signerInfos) {
    let signed: { data: Buffer; digest: string | null; signature: Buffer };
    try {
      signed = signedContentOf(signerInfo, token.tstInfo);
    } catch (error) {
      reason = (error as Error).message;
      continue;
    }
    const signer = candidates.find((cert) => {
      try {
        return verifySignature(signed.digest, signed.data, cert.publicKey, signed.signature);
      } catch {
        return false;
      }
    });
    if (!signer) {
      reason = "the token's signature does not verify under any certificate it carries or the verifier trusts";
      continue;
    }
    if (!(signer.keyUsage ?? []).includes(OID.timeStamping)) return "the token's signer is not a time-stamping certificate";
    const genTime = token.info.genTime.getTime();
    if (genTime < new Date(signer.validFrom).getTime() || genTime > new Date(signer.validTo).getTime()) {
      return "the token's signing certificate was not valid at its genTime";
    }
    return chainsToAnchor(signer, embedded, anchors) ? null : "the token's signer does not chain to a trusted TSA certificate";
  }
  return reason;
}

/** The bytes a signer info's signature covers, after checking its content-type and message-digest attributes. */
function signedContentOf(signerInfo: DerNode, tstInfo: Buffer): { data: Buffer; digest: string | null; signature: Buffer } {
  const fields = childrenOf(expectTag(signerInfo, TAG.SEQUENCE, "SignerInfo"));
  const digestOid = readOid(childrenOf(expectTag(fields[2], TAG.SEQUENCE, "digestAlgorithm"))[0]!);
  const digest = DIGESTS[digestOid];
  if (!digest) throw new TimestampError(`the token's digest algorithm ${digestOid} is not accepted`);
  const attrs = expectTag(fields[3], contextTag(0), "signedAttrs (a TSA signs attributes)");
  const values = new Map<string, DerNode>();
  for (const attr of childrenOf(attrs)) {
    const [type, set] = childrenOf(expectTag(attr, TAG.SEQUENCE, "Attribute"));
    values.set(readOid(type!), childrenOf(expectTag(set, TAG.SET, "attribute values"))[0]!);
  }
  const contentType = values.get(OID.contentTypeAttr);
  if (!contentType || readOid(contentType) !== OID.tstInfo) throw new TimestampError("the token's signed content type is not TSTInfo");
  const messageDigest = values.get(OID.messageDigestAttr);
  if (!messageDigest || !expectTag(messageDigest, TAG.OCTET_STRING, "messageDigest").value.equals(createHash(digest).update(tstInfo).digest())) {
    throw new TimestampError("the token's signed message digest does not match its TSTInfo");
  }
  const signatureOid = readOid(childrenOf(expectTag(fields[4], TAG.SEQUENCE, "signatureAlgorithm"))[0]!);
  const scheme = SIGNATURES[signatureOid];
  if (scheme === undefined) throw new TimestampError(`the token's signature algorithm ${signatureOid} is not supported`);
  // The signature covers the attributes DER-encoded as a SET OF (RFC 5652 §5.4), not as the [0] they are stored in.
  const data = Buffer.concat([Buffer.from([TAG.SET]), attrs.bytes.subarray(1)]);
  return { data, digest: scheme === "fromDigest" ? digest : scheme, signature: Buffer.from(expectTag(fields[5], TAG.OCTET_STRING, "signature").value) };
}

function chainsToAnchor(cert: X509Certificate, intermediates: readonly X509Certificate[], anchors: readonly X509Certificate[]): boolean {
  let current = cert;
  for (let depth = 0; depth < 5; depth++) {
    if (anchors.some((a) => a.fingerprint256 === current.fingerprint256)) return true;
    const issuedBy = (issuer: X509Certificate) => current.checkIssued(issuer) && current.verify(issuer.publicKey);
    if (anchors.some(issuedBy)) return true;
    const next = intermediates.find((i) => i.ca && i.fingerprint256 !== current.fingerprint256 && issuedBy(i));
    if (!next) return false;
    current = next;
  }
  return false;
}

/** Obtains a time-stamp token for a message. */
export interface Timestamper {
  stamp(message: Buffer): Promise<Buffer>;
}

export interface Rfc3161Options {
  readonly url: string;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * A TSA client over HTTP (RFC 3161 §3.4): POSTs a DER TimeStampReq as application/timestamp-query and
 * returns the token of the granted TimeStampResp, after checking that it stamps our digest and nonce.
 * Errors are TimestampErrors that name what failed, never the request's contents.
 */
export function rfc3161Timestamper(options: Rfc3161Options): Timestamper {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async stamp(message) {
      const nonce = BigInt(`0x${randomBytes(8).toString("hex")}`);
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: "POST",
          headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
          body: timeStampRequest(message, nonce),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const code = (error as { cause?: { code?: unknown } }).cause?.code;
        throw new TimestampError(`the TSA cannot be reached (${typeof code === "string" ? code : (error as Error).name})`);
      }
      if (!response.ok) throw new TimestampError(`the TSA answered HTTP ${response.status}`);
      const token = tokenOfResponse(Buffer.from(await response.arrayBuffer()));
      const info = readTimestampToken(token);
      if (info.hashAlgorithm !== OID.sha256 || !info.hashedMessage.equals(sha256(message))) {
        throw new TimestampError("the TSA's token stamps another message");
      }
      if (info.nonce !== nonce) throw new TimestampError("the TSA's token does not carry the request's nonce");
      return token;
    },
  };
}

/** The certificates of a PEM bundle (AUDIT_TSA_CA_FILE); TimestampError when it holds none or an unreadable one. */
export function certificatesFromPem(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TimestampError("the TSA trust file holds no PEM certificate");
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    throw new TimestampError("the TSA trust file holds an unreadable certificate");
  }
}

function sha256(message: Buffer): Buffer {
  return createHash("sha256").update(message).digest();
}
