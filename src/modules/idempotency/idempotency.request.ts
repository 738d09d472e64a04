import { createHash } from "node:crypto";
import { Kind, getOperationAST, parse, type DocumentNode, type GraphQLSchema, type SelectionSetNode } from "graphql";
import type { Principal } from "../../auth/principal.js";
import { IdempotencyError } from "./idempotency.errors.js";

// What identifies a keyed request: the key as the client sent it, the caller it belongs to, and the
// request it was first used for. Pure functions; the repository stores only hashes of them.

/** 1–255 printable ASCII characters (space to tilde); HTTP has already trimmed surrounding spaces. */
const KEY = /^[\x20-\x7e]{1,255}$/;

export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";

/**
 * The request's Idempotency-Key, or null when it sends none. `values` are the header's values as
 * received (Node's `headersDistinct`): sent twice is refused, never joined into one key.
 */
export function idempotencyKeyOrThrow(values: readonly string[] | undefined): string | null {
  if (values === undefined || values.length === 0) return null;
  const [key] = values;
  if (values.length > 1 || key === undefined || !KEY.test(key)) {
    throw new IdempotencyError("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be sent once, as 1 to 255 printable ASCII characters");
  }
  return key;
}

/**
 * Who a stored result belongs to: everything that shaped the response it holds. The same person in
 * another role, for another organization or household gets their own keys, so a replay never shows a
 * view projected for someone else's remit.
 */
export function callerIdentity(principal: Principal): string {
  const identity = [principal.issuer, principal.subject, principal.org.id, principal.role, principal.householdId ?? null];
  return createHash("sha256").update(JSON.stringify(identity), "utf8").digest("hex");
}

/** The parts of a GraphQL request over HTTP that decide what it does. */
export interface GraphQLRequestBody {
  readonly query: string;
  readonly operationName: string | null;
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * The request text a key is bound to: operation name, query text and the variables in canonical JSON
 * (keys sorted at every level), so a retry that serializes its variables in another order is the
 * same request. The hub stores a keyed hash of it, never the text (the variables hold personal data).
 */
export function requestFingerprint(request: GraphQLRequestBody): string {
  return canonicalJson([request.operationName, request.query, request.variables]);
}

/** JSON with object keys sorted at every level; the body came from JSON.parse, so nothing else occurs. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Field extensions of a mutation an Idempotency-Key cannot make retry-safe, declared on the operation
 * (type-graphql `@Extensions(NO_IDEMPOTENCY_KEY)`): one whose work does not fit in one transaction.
 */
export const NO_IDEMPOTENCY_KEY = Object.freeze({ idempotencyKey: false });

/** Whether the schema's mutation `field` refuses an Idempotency-Key (see NO_IDEMPOTENCY_KEY). */
export function refusesIdempotencyKey(schema: GraphQLSchema, field: string): boolean {
  return schema.getMutationType()?.getFields()[field]?.extensions?.idempotencyKey === false;
}

/** What a keyed request asks for, as far as idempotency is concerned. */
export type KeyedRequest =
  /** Not a mutation the hub could run (not a JSON body, unparsable, a query, no such operation): the key plays no part. */
  | { readonly kind: "NOT_A_MUTATION" }
  /** Mutation root fields that opt out; refused with IDEMPOTENCY_NOT_SUPPORTED. */
  | { readonly kind: "UNSUPPORTED"; readonly fields: readonly string[] }
  | { readonly kind: "MUTATION"; readonly request: GraphQLRequestBody; readonly fields: readonly string[] };

/**
 * Classifies an HTTP request body sent with an Idempotency-Key. Only a POSTed mutation carries one: a
 * query changes nothing and repeats safely (the key is ignored), and a body Apollo will refuse anyway
 * (unparsable, no such operation) runs nothing. A persisted query sent by hash alone cannot be bound
 * to its text: IDEMPOTENCY_NOT_SUPPORTED. `maxTokens` is the parser's limit, as Apollo's.
 */
export function classifyKeyedRequest(body: unknown, options: { maxTokens: number; refuses: (field: string) => boolean }): KeyedRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { kind: "NOT_A_MUTATION" };
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (query === undefined || query === null) {
    throw new IdempotencyError("IDEMPOTENCY_NOT_SUPPORTED", "a request with an Idempotency-Key must carry its query text, not only a persisted-query hash");
  }
  if (typeof query !== "string") return { kind: "NOT_A_MUTATION" };
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return { kind: "NOT_A_MUTATION" };
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return { kind: "NOT_A_MUTATION" };
  // canonicalJson recurses; no input of the hub nests anywhere near this deep.
  if (nestedDeeperThan(variables, MAX_VARIABLE_DEPTH)) {
    throw new IdempotencyError("IDEMPOTENCY_NOT_SUPPORTED", `variables nested deeper than ${MAX_VARIABLE_DEPTH} levels cannot be bound to an Idempotency-Key`);
  }
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: options.maxTokens });
  } catch {
    return { kind: "NOT_A_MUTATION" };
  }
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation || operation.operation !== "mutation") return { kind: "NOT_A_MUTATION" };
  const fields = rootFields(document, operation.selectionSet);
  const unsupported = fields.filter(options.refuses);
  if (unsupported.length > 0) return { kind: "UNSUPPORTED", fields: unsupported };
  return {
    kind: "MUTATION",
    fields,
    request: { query, operationName: operationName ?? null, variables: (variables as Record<string, unknown> | null | undefined) ?? {} },
  };
}

const MAX_VARIABLE_DEPTH = 32;

/** Whether arrays and objects in `value` nest more than `limit` levels (counted without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The root field names a selection set reaches, through fragment spreads and inline fragments (each fragment once). */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const names = new Set<string>();
  const seen = new Set<string>();
  const pending: SelectionSetNode[] = [selectionSet];
  for (let set = pending.pop(); set; set = pending.pop()) {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) pending.push(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) pending.push(fragment);
      }
    }
  }
  return [...names].sort();
}
