import { createHash, createHmac } from "node:crypto";

// The hash chain shared by both audit streams. Pure: no database, no clock.
//
// hash(n) = SHA-256(canonical(content(n))), where content(n) is every column of row n except `hash`,
// including `seq` and `prevHash` (= hash(n-1), GENESIS_HASH for seq 1). Changing any stored value, the
// order of rows or the row numbering changes some hash. The canonical form is part of the stored data's
// meaning: changing it invalidates every existing chain, and chain.test.ts pins it with a golden vector.

/** The `prevHash` of the first entry of every stream. */
export const GENESIS_HASH = "0".repeat(64);

/** A value an audit entry may hold: what the audit columns store. */
export type ChainValue = string | number | boolean | null | Date | readonly ChainValue[];

/** An entry's hashed content: column (drizzle property) name → value; `null` explicit, never absent. */
export type ChainContent = { readonly [column: string]: ChainValue };

/** An interface or type whose every property is a ChainValue (interfaces have no index signature). */
export type EntryContent<C> = { readonly [K in keyof C]: ChainValue };

/**
 * The canonical serialization of an entry's content: JSON with object keys in UTF-16 code-unit order, dates as
 * ISO-8601 UTC strings with milliseconds, arrays in their order, `null` explicit. JSON escaping keeps
 * values from running into each other (`["a,b"]` ≠ `["a","b"]`).
 *
 * Throws TypeError for a value the columns cannot hold: `undefined` (absent is not null), a non-finite
 * or unsafe number, an invalid date, an object.
 */
export function canonicalizeEntry(content: ChainContent): string {
  return serializeObject(content);
}

/** A chain key: with it the hash is HMAC-SHA-256, so only its holder can produce hashes that verify. */
export type ChainKey = Buffer | null | undefined;

/**
 * The entry's hash (lowercase hex): HMAC-SHA-256 under `key` — what the hub writes, so that someone
 * who can edit the tables but does not hold the key cannot recompute a chain that verifies — or plain
 * SHA-256 without one.
 */
export function computeEntryHash(content: ChainContent, key?: ChainKey): string {
  const mac = key ? createHmac("sha256", key) : createHash("sha256");
  return mac.update(canonicalizeEntry(content), "utf8").digest("hex");
}

/** The last entry of a stream: seq 0 and GENESIS_HASH when the stream is empty. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = Object.freeze({ seq: 0, hash: GENESIS_HASH });

export type Chained<C extends EntryContent<C>> = C & { readonly seq: number; readonly prevHash: string; readonly hash: string };

/**
 * Numbers and links entries after `head`: seq head+1, head+2 …, each `prevHash` the previous entry's
 * hash. The contents must not already hold `seq`, `prevHash` or `hash`.
 */
export function chainEntries<C extends EntryContent<C>>(head: ChainHead, contents: readonly C[], key?: ChainKey): Array<Chained<C>> {
  const chained: Array<Chained<C>> = [];
  let { seq, hash: prevHash } = head;
  for (const content of contents) {
    for (const key of ["seq", "prevHash", "hash"]) {
      if (key in content) throw new TypeError(`an audit entry's content must not set ${key}: it is assigned by the chain`);
    }
    seq += 1;
    const linked = { ...content, seq, prevHash } as C & { seq: number; prevHash: string };
    const hash = computeEntryHash(linked as unknown as ChainContent, key);
    chained.push({ ...linked, hash });
    prevHash = hash;
  }
  return chained;
}

/** A value that cannot be hashed; `path` is filled in on the way out (built only when thrown). */
class AuditValueError extends TypeError {
  constructor(
    readonly reason: string,
    readonly path: string[] = [],
  ) {
    super(reason);
  }
}

function serialize(value: ChainValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
        throw new AuditValueError(`${value} is not a representable number`);
      }
      return JSON.stringify(value);
    case "object":
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new AuditValueError("invalid date");
        return JSON.stringify(value.toISOString());
      }
      if (Array.isArray(value)) {
        const items = value as readonly ChainValue[];
        // Ids and categories: for an array of strings the native serializer writes exactly this form.
        if (items.every((v) => typeof v === "string")) return JSON.stringify(items);
        let out = "[";
        for (let i = 0; i < items.length; i++) {
          try {
            out += (i === 0 ? "" : ",") + serialize(items[i]!);
          } catch (err) {
            if (err instanceof AuditValueError) err.path.unshift(`[${i}]`);
            throw err;
          }
        }
        return `${out}]`;
      }
      throw new AuditValueError("objects are not audit values");
    default:
      // undefined, bigint, function, symbol: a column never holds them; absent must be written as null.
      throw new AuditValueError(`${typeof value} is not an audit value (use null for none)`);
  }
}

function serializeObject(content: ChainContent): string {
  if (content === null || typeof content !== "object" || Array.isArray(content) || content instanceof Date) {
    throw new TypeError("an audit entry's content must be a plain object");
  }
  // UTF-16 code-unit order (the default sort, not localeCompare): the same on every machine and locale.
  const keys = Object.keys(content).sort();
  let out = "{";
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    try {
      out += `${k === 0 ? "" : ","}${JSON.stringify(key)}:${serialize(content[key] as ChainValue)}`;
    } catch (err) {
      // The path names the column (and array index), never the value: it may be personal data.
      if (err instanceof AuditValueError) throw new TypeError(`audit entry ${[key, ...err.path].join("")}: ${err.reason}`);
      throw err;
    }
  }
  return `${out}}`;
}
