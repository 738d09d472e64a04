import { codePointLength, textProblem } from "./text.js";

// X-Access-Purpose carries why the caller asks ("低保复核"), shown to the household in its access log.
// HTTP header values are bytes that Node reads as Latin-1, so a purpose is sent as percent-encoded
// UTF-8 (`encodeURIComponent("低保复核")` → `%E4%BD%8E%E4%BF%9D%E5%A4%8D%E6%A0%B8`); a header that
// arrives as raw UTF-8 bytes is read as UTF-8 too (and then not percent-decoded). Bytes that are not
// UTF-8, a malformed escape, control characters or more than `max` characters are refused, never
// stored as mojibake.

export type PurposeRead = { readonly ok: true; readonly purpose: string | null } | { readonly ok: false; readonly message: string };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function readAccessPurpose(header: string | string[] | undefined, max: number): PurposeRead {
  if (header === undefined) return { ok: true, purpose: null };
  if (Array.isArray(header)) return refuse("X-Access-Purpose must be sent once");
  let value: string;
  if (/^[\x00-\x7f]*$/.test(header)) {
    try {
      value = decodeURIComponent(header);
    } catch {
      return refuse("X-Access-Purpose is not valid percent-encoded UTF-8 (send encodeURIComponent of the purpose)");
    }
  } else {
    try {
      value = UTF8.decode(Buffer.from(header, "latin1"));
    } catch {
      return refuse("X-Access-Purpose is not UTF-8 (send encodeURIComponent of the purpose)");
    }
  }
  value = value.trim();
  if (value === "") return { ok: true, purpose: null };
  if (textProblem(value) !== null) return refuse("X-Access-Purpose must be one line of printable characters");
  if (codePointLength(value) > max) return refuse(`X-Access-Purpose must be at most ${max} characters`);
  return { ok: true, purpose: value };
}

/** The purpose as a JSON string (a WebSocket's `connection_init` payload): no encoding, the same rules. */
export function readAccessPurposeText(value: unknown, max: number): PurposeRead {
  if (value === undefined || value === null) return { ok: true, purpose: null };
  if (typeof value !== "string") return refuse("x-access-purpose must be a string");
  const text = value.trim();
  if (text === "") return { ok: true, purpose: null };
  if (textProblem(text) !== null) return refuse("x-access-purpose must be one line of printable characters");
  if (codePointLength(text) > max) return refuse(`x-access-purpose must be at most ${max} characters`);
  return { ok: true, purpose: text };
}

function refuse(message: string): PurposeRead {
  return { ok: false, message };
}
