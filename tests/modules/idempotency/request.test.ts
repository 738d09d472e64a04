import { describe, expect, it } from "vitest";
import { IdempotencyError } from "../../../src/modules/idempotency/index.js";
import { callerIdentity, canonicalJson, classifyKeyedRequest, idempotencyKeyOrThrow, requestFingerprint } from "../../../src/modules/idempotency/idempotency.request.js";
import { principal } from "../../support/principals.js";

// What identifies a keyed request, as pure functions: the key, the caller, the request.

const reasonOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof IdempotencyError) return err.reason;
    throw err;
  }
};

describe("the Idempotency-Key header", () => {
  it.each([
    ["absent", undefined, null],
    ["a UUID", ["5f0c6a1e-2b7d-4c3e-9f1a-0d2e3c4b5a69"], "5f0c6a1e-2b7d-4c3e-9f1a-0d2e3c4b5a69"],
    ["one character", ["x"], "x"],
    ["255 characters", ["k".repeat(255)], "k".repeat(255)],
    ["printable punctuation and inner spaces", ['a b~!"#$%&()*+,-./:;<=>?@[\\]^_`{|}'], 'a b~!"#$%&()*+,-./:;<=>?@[\\]^_`{|}'],
  ])("accepts %s", (_, values, key) => {
    expect(idempotencyKeyOrThrow(values)).toBe(key);
  });

  it.each([
    ["empty", [""]],
    ["256 characters", ["k".repeat(256)]],
    ["a non-ASCII letter", ["clé"]],
    ["a CJK character", ["键"]],
    ["a tab", ["a\tb"]],
    ["a NUL", ["a\u0000b"]],
    ["DEL", ["a\u007fb"]],
    ["sent twice", ["one", "two"]],
    ["sent twice alike", ["same", "same"]],
  ])("refuses %s as INVALID_IDEMPOTENCY_KEY", (_, values) => {
    expect(reasonOf(() => idempotencyKeyOrThrow(values))).toBe("INVALID_IDEMPOTENCY_KEY");
  });
});

describe("the request a key is bound to", () => {
  it("is the same for the same variables in any key order, at every level", () => {
    const a = requestFingerprint({ query: "mutation { x }", operationName: null, variables: { b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } } });
    const b = requestFingerprint({ query: "mutation { x }", operationName: null, variables: { a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 } });
    expect(a).toBe(b);
  });

  it("differs when the operation name, the query text, a value or an array's order differs", () => {
    const base = { query: "mutation M { x }", operationName: "M", variables: { list: [1, 2], s: "a" } };
    const fingerprints = [
      base,
      { ...base, operationName: null },
      { ...base, query: "mutation M { x }\n" },
      { ...base, variables: { list: [2, 1], s: "a" } },
      { ...base, variables: { list: [1, 2], s: "b" } },
      { ...base, variables: { list: [1, 2], s: "a", extra: null } },
    ].map(requestFingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  it("keeps values apart that a naive join would merge", () => {
    expect(canonicalJson(["a,b"])).not.toBe(canonicalJson(["a", "b"]));
    expect(canonicalJson({ "a\":1,\"b": 2 })).not.toBe(canonicalJson({ a: 1, b: 2 }));
    expect(canonicalJson({ b: [true, null, 1.5, "é"], a: {} })).toBe('{"a":{},"b":[true,null,1.5,"é"]}');
  });
});

describe("the caller a stored result belongs to", () => {
  it("is one per issuer, subject, organization, role and household", () => {
    const p = principal("CIVIL_AFFAIRS", "CASEWORKER");
    const variants = [
      p,
      { ...p, issuer: "urn:other" },
      { ...p, subject: "someone-else" },
      { ...p, role: "ADMIN" as const },
      { ...p, org: { ...p.org, id: "00000000-0000-4000-8000-0000000000bb" } },
      { ...p, householdId: "00000000-0000-4000-8000-000000000002" },
    ].map(callerIdentity);
    expect(new Set(variants).size).toBe(variants.length);
    expect(callerIdentity({ ...p, purpose: "another purpose" })).toBe(callerIdentity(p));
    expect(callerIdentity(p)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("which keyed requests are mutations", () => {
  const options = { maxTokens: 1000, refuses: (field: string) => field === "rotateFieldKeys" };
  const classify = (body: unknown) => classifyKeyedRequest(body, options);

  it("binds a mutation to its operation name, text and variables (none → {})", () => {
    expect(classify({ query: "mutation Do { a b }", operationName: "Do" })).toEqual({
      kind: "MUTATION",
      fields: ["a", "b"],
      request: { query: "mutation Do { a b }", operationName: "Do", variables: {} },
    });
    expect(classify({ query: "mutation { a }", variables: null, operationName: null })).toMatchObject({ kind: "MUTATION", request: { operationName: null, variables: {} } });
  });

  it("picks the named operation of a document with several", () => {
    const query = "query Q { me } mutation M { a }";
    expect(classify({ query, operationName: "Q" }).kind).toBe("NOT_A_MUTATION");
    expect(classify({ query, operationName: "M" }).kind).toBe("MUTATION");
    // Ambiguous without a name: Apollo refuses it, nothing runs.
    expect(classify({ query }).kind).toBe("NOT_A_MUTATION");
  });

  it.each([
    ["a query", { query: "{ me { role } }" }],
    ["a subscription", { query: "subscription { x }" }],
    ["unparsable text", { query: "mutation {" }],
    ["a document over the token limit", { query: `mutation { ${"a ".repeat(2000)} }` }],
    ["a batch", [{ query: "mutation { a }" }]],
    ["a non-JSON body", "mutation { a }"],
    ["no body (GET)", undefined],
    ["a non-string query", { query: { kind: "Document" } }],
    ["variables that are not an object", { query: "mutation { a }", variables: [1] }],
  ])("leaves %s alone: the key plays no part", (_, body) => {
    expect(classify(body)).toEqual({ kind: "NOT_A_MUTATION" });
  });

  it("names the root fields that refuse a key, through fragments and inline fragments", () => {
    expect(classify({ query: "mutation { a rotateFieldKeys { active } }" })).toEqual({ kind: "UNSUPPORTED", fields: ["rotateFieldKeys"] });
    expect(classify({ query: "mutation { ... on Mutation { ...F } } fragment F on Mutation { ...F rotateFieldKeys { active } }" })).toEqual({ kind: "UNSUPPORTED", fields: ["rotateFieldKeys"] });
  });

  it("refuses variables nested deeper than any input of the hub (the fingerprint recurses), without recursing itself", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(reasonOf(() => classify({ query: "mutation ($v: String) { a }", variables: { v: deep } }))).toBe("IDEMPOTENCY_NOT_SUPPORTED");
    let fine: unknown = "x";
    for (let i = 0; i < 31; i++) fine = { n: fine };
    expect(classify({ query: "mutation { a }", variables: { v: fine } }).kind).toBe("MUTATION");
  });

  it("refuses a persisted query sent by hash alone: its text cannot be bound", () => {
    expect(reasonOf(() => classify({ extensions: { persistedQuery: { version: 1, sha256Hash: "ab" } } }))).toBe("IDEMPOTENCY_NOT_SUPPORTED");
  });
});
