// The little DER (ASN.1 distinguished encoding) that RFC 3161 time-stamping needs: encoding a
// TimeStampReq and reading a TimeStampResp and its token (internal to src/audit; see timestamp.ts).
// Only single-byte tags (tag numbers below 31) and definite lengths, which is all DER allows for the
// structures read here; anything else is refused with a DerError rather than guessed at.

export class DerError extends Error {
  override readonly name = "DerError";
}

/** One decoded TLV: `bytes` is the whole element (header and value), `value` its contents. */
export interface DerNode {
  /** The identifier octet: class, constructed bit and tag number together (0x30 = SEQUENCE). */
  readonly tag: number;
  readonly bytes: Buffer;
  readonly value: Buffer;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  GENERALIZED_TIME: 0x18,
  UTC_TIME: 0x17,
} as const;

/** The identifier of a context-specific tag [n]; constructed (EXPLICIT or IMPLICIT of a constructed type) by default. */
export function contextTag(n: number, constructed = true): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** Reads the one element that makes up all of `input`. */
export function decodeDer(input: Buffer): DerNode {
  const [node, end] = readNode(input, 0);
  if (end !== input.length) throw new DerError("trailing bytes after the DER element");
  return node;
}

/** The elements inside a constructed element, in order. */
export function childrenOf(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) throw new DerError(`element with tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const [child, end] = readNode(node.value, offset);
    out.push(child);
    offset = end;
  }
  return out;
}

/** The element with `tag`, or a DerError naming `what`. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found ${node ? `0x${node.tag.toString(16)}` : "nothing"}`);
  return node;
}

function readNode(input: Buffer, offset: number): [DerNode, number] {
  if (offset + 2 > input.length) throw new DerError("truncated DER element");
  const tag = input[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte DER tags are not supported");
  let length = input[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // DER: the long form only when needed, no indefinite length; 4 octets is far beyond any token here.
    if (octets === 0 || octets > 4) throw new DerError("unsupported DER length");
    if (offset + 2 + octets > input.length) throw new DerError("truncated DER length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + input[offset + 2 + i]!;
    header += octets;
  }
  const end = offset + header + length;
  if (end > input.length) throw new DerError("DER element longer than its input");
  return [{ tag, bytes: input.subarray(offset, end), value: input.subarray(offset + header, end) }, end];
}

// --- reading values -------------------------------------------------------------------------------

export function readOid(node: DerNode): string {
  expectTag(node, TAG.OID, "object identifier");
  const v = node.value;
  if (v.length === 0) throw new DerError("empty object identifier");
  const arcs: number[] = [];
  let arc = 0;
  for (const byte of v) {
    arc = arc * 128 + (byte & 0x7f);
    if (!Number.isSafeInteger(arc)) throw new DerError("object identifier arc too large");
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join(".");
}

export function readInteger(node: DerNode): bigint {
  expectTag(node, TAG.INTEGER, "integer");
  if (node.value.length === 0) throw new DerError("empty integer");
  let n = BigInt(`0x${node.value.toString("hex")}`);
  if (node.value[0]! & 0x80) n -= 1n << BigInt(node.value.length * 8);
  return n;
}

/** A GeneralizedTime as DER writes it: YYYYMMDDHHMMSS[.fff…]Z. */
export function readGeneralizedTime(node: DerNode): Date {
  expectTag(node, TAG.GENERALIZED_TIME, "generalized time");
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(node.value.toString("latin1"));
  if (!m) throw new DerError("generalized time is not in DER form");
  const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, Math.floor(ms)));
}

// --- writing values ---------------------------------------------------------------------------------

export function encodeDer(tag: number, value: Buffer): Buffer {
  const n = value.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const octets: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
    length = Buffer.from([0x80 | octets.length, ...octets]);
  }
  return Buffer.concat([Buffer.from([tag]), length, value]);
}

export const derSequence = (...items: Buffer[]): Buffer => encodeDer(TAG.SEQUENCE, Buffer.concat(items));
export const derOctetString = (bytes: Buffer): Buffer => encodeDer(TAG.OCTET_STRING, bytes);
export const derNull = (): Buffer => encodeDer(TAG.NULL, Buffer.alloc(0));
export const derBoolean = (value: boolean): Buffer => encodeDer(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));

/** A non-negative INTEGER, minimal two's complement. */
export function derInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError("only non-negative integers are encoded");
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, "hex");
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeDer(TAG.INTEGER, bytes);
}

export function derOid(oid: string): Buffer {
  const arcs = oid.split(".").map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`not an object identifier: ${oid}`);
    return Number(a);
  });
  if (arcs.length < 2) throw new RangeError(`not an object identifier: ${oid}`);
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const septets: number[] = [];
    let rest = arc;
    do {
      septets.unshift(rest % 128);
      rest = Math.floor(rest / 128);
    } while (rest > 0);
    septets.forEach((s, i) => out.push(i < septets.length - 1 ? s | 0x80 : s));
  }
  return encodeDer(TAG.OID, Buffer.from(out));
}
