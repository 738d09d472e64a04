import type { AccessDisclosure } from "../../audit/index.js";
import { ENCRYPTED_FIELDS, FieldCryptoError, type FieldCipher } from "../../privacy/crypto.js";

/** A keyed mutation's first response, as it is replayed: HTTP status and body, and what it disclosed. */
export interface StoredResponse {
  readonly status: number;
  /** The body exactly as sent (Apollo's serialization of the result). */
  readonly body: string;
  /** What the response showed, for the access-log entry of every replay; null when it showed no household data. */
  readonly access: { readonly operation: string; readonly disclosures: readonly AccessDisclosure[] } | null;
}

/** Which row a sealed response belongs to; sealed inside it, so a value moved to another caller's row does not open. */
export interface StoredResponseOwner {
  readonly caller: string;
  readonly keyHash: string;
}

const FORMAT = 1;

export function sealResponse(cipher: FieldCipher, owner: StoredResponseOwner, response: StoredResponse): string {
  const plaintext = JSON.stringify({ v: FORMAT, caller: owner.caller, keyHash: owner.keyHash, ...response });
  return cipher.encrypt(plaintext, ENCRYPTED_FIELDS.idempotencyResponse);
}

/** Throws FieldCryptoError for a value that does not decrypt, or that was sealed for another row. */
export function openResponse(cipher: FieldCipher, owner: StoredResponseOwner, sealed: string): StoredResponse {
  const parsed = JSON.parse(cipher.decrypt(sealed, ENCRYPTED_FIELDS.idempotencyResponse)) as Partial<StoredResponse> & { v?: unknown; caller?: unknown; keyHash?: unknown };
  if (parsed.v !== FORMAT || parsed.caller !== owner.caller || parsed.keyHash !== owner.keyHash) {
    throw new FieldCryptoError("a stored idempotent response does not belong to its row");
  }
  if (typeof parsed.status !== "number" || typeof parsed.body !== "string") throw new FieldCryptoError("a stored idempotent response is malformed");
  return { status: parsed.status, body: parsed.body, access: parsed.access ?? null };
}
