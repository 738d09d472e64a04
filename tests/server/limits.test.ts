import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_OPERATION_LIMITS } from "../../src/shared/graphql/limits.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// Operation limits, over HTTP, as an attacker with a valid civil-affairs token would try them: each
// abusive document is refused at validation (or parsing) with a coded error naming the limit, and
// not one SQL statement runs for it.

const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ")} }`;
const HOUSEHOLDS_WITH_MEMBERS = "households(first: 100) { nodes { householdNo members { name idNumber phone birthDate sex relationToHead } } }";
/** `query { ...F0 }` and F0 → F1 → … → F(n-1) → `me { role }`. */
function fragmentChain(n: number): string {
  const parts = ["query { ...F0 }"];
  for (let i = 0; i < n; i++) parts.push(`fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1}` : "me { role }"} }`);
  return parts.join("\n");
}
/** F0 → F1 → … → F(n-1) → F0. */
function fragmentCycle(n: number): string {
  const parts = ["query { ...F0 }"];
  for (let i = 0; i < n; i++) parts.push(`fragment F${i} on Query { ...F${(i + 1) % n} }`);
  return parts.join("\n");
}

interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

function httpClient(t: TestHub) {
  let url = "";
  return {
    async listen() {
      url = (await t.hub.listen(0, "127.0.0.1")).url;
    },
    async post(query: string, token: string | null): Promise<Answer> {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: (await res.json()) as Answer["body"] };
    },
  };
}

const extensionsOf = (a: Answer) => a.body.errors?.map((e) => e.extensions);

describe("operation limits with the default configuration", () => {
  let t: TestHub;
  let client: ReturnType<typeof httpClient>;
  let token: string;

  beforeAll(async () => {
    t = await startTestHub("pglite");
    client = httpClient(t);
    await client.listen();
    token = await t.token("QX-MZJ", "CASEWORKER");
    // Warm the organization cache, so that what follows can be held to zero statements.
    expect((await client.post("{ me { role } }", token)).body).toEqual({ data: { me: { role: "CASEWORKER" } } });
  });
  afterAll(() => t?.close());

  async function refused(query: string, who: string | null = token): Promise<Answer> {
    t.statements.length = 0;
    const answer = await client.post(query, who);
    expect(t.statements).toEqual([]);
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    return answer;
  }

  it("the defaults are the documented ones", () => {
    expect(DEFAULT_OPERATION_LIMITS).toEqual({ maxAliases: 50, maxDepth: 12, maxDirectives: 50, maxTokens: 10_000, maxCost: 100_000, assumedListSize: 10, maxFieldRepeats: 10 });
  });

  it("refuses 4,500 aliases of households with members while parsing: MAX_TOKENS", async () => {
    const answer = await refused(aliases(4_500, HOUSEHOLDS_WITH_MEMBERS));
    expect(answer.body.errors).toEqual([
      {
        message: "the document is longer than 10000 tokens",
        // Where the parser stopped (the token past the limit).
        locations: [{ line: 1, column: 50_318 }],
        extensions: { code: "QUERY_TOO_COMPLEX", reason: "MAX_TOKENS", limit: 10_000 },
      },
    ]);
  });

  it("refuses 1,000 aliases of me: MAX_ALIASES with the count", async () => {
    const answer = await refused(aliases(1_000, "me { role }"));
    expect(answer.body.errors).toEqual([
      { message: "the operation has 1000 aliases; at most 50", extensions: { code: "QUERY_TOO_COMPLEX", reason: "MAX_ALIASES", limit: 50, value: 1_000 } },
    ]);
  });

  it("refuses 20 × households(first: 100) with members: MAX_COST counts the page size", async () => {
    // Each: 1 + 100 × (nodes 1 + householdNo 1 + members (1 + 10 × 6)) = 6,301; twenty of them 126,020.
    const answer = await refused(aliases(20, HOUSEHOLDS_WITH_MEMBERS));
    expect(answer.body.errors).toEqual([
      {
        message: "the operation's estimated cost 126020 exceeds 100000",
        extensions: { code: "QUERY_TOO_COMPLEX", reason: "MAX_COST", limit: 100_000, value: 126_020 },
      },
    ]);
  });

  it("answers one households(first: 100) with members (cost 6,301)", async () => {
    const answer = await client.post(`{ ${HOUSEHOLDS_WITH_MEMBERS} }`, token);
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data as { households: { nodes: unknown[] } }).households.nodes).toHaveLength(100);
  });

  it("refuses a 5,000-deep fragment chain, with a token and without, never a 500", async () => {
    for (const who of [token, null]) {
      const answer = await refused(fragmentChain(5_000), who);
      expect(extensionsOf(answer)).toEqual([{ code: "QUERY_TOO_COMPLEX", reason: "MAX_TOKENS", limit: 10_000 }]);
    }
  });

  it("refuses a fragment cycle, with a token and without", async () => {
    for (const who of [token, null]) {
      const answer = await refused(fragmentCycle(3), who);
      expect(answer.body.errors).toEqual([
        { message: "fragments spread each other in a cycle", extensions: { code: "BAD_USER_INPUT", reason: "FRAGMENT_CYCLE", limit: 0 } },
      ]);
    }
  });

  it("refuses more than 50 directives: MAX_DIRECTIVES", async () => {
    const answer = await refused(`{ me { role ${"@include(if: true) ".repeat(51)}} }`);
    expect(extensionsOf(answer)).toEqual([{ code: "QUERY_TOO_COMPLEX", reason: "MAX_DIRECTIVES", limit: 50, value: 51 }]);
  });

});

describe("operation limits behind a generous token limit", () => {
  // With MAX_TOKENS out of the way, the validation rules themselves refuse the same documents.
  let t: TestHub;
  let client: ReturnType<typeof httpClient>;
  let token: string;

  beforeAll(async () => {
    t = await startTestHub("pglite", { limits: { maxTokens: 1_000_000 } });
    client = httpClient(t);
    await client.listen();
    token = await t.token("QX-MZJ", "CASEWORKER");
    expect((await client.post("{ me { role } }", token)).body).toEqual({ data: { me: { role: "CASEWORKER" } } });
  });
  afterAll(() => t?.close());

  async function refused(query: string, who: string | null): Promise<Answer> {
    t.statements.length = 0;
    const answer = await client.post(query, who);
    expect(t.statements).toEqual([]);
    expect(answer.status).toBe(400);
    return answer;
  }

  it("a parse error never echoes JavaScript: nesting past the parser's stack is a plain syntax error", async () => {
    // 50,000 levels (150,000 tokens, inside this hub's token limit) overflow graphql-js's recursive parser
    // on any stack: a RangeError inside. (With the default limit, whether a few thousand levels overflow
    // before MAX_TOKENS stops the parser depends on the stack left at that moment: not a stable test.)
    const answer = await refused(`${"{ me ".repeat(50_000)}${"}".repeat(50_000)}`, token);
    expect(answer.body.errors).toEqual([{ message: "Syntax Error: the document could not be parsed", extensions: { code: "GRAPHQL_PARSE_FAILED" } }]);
    expect(JSON.stringify(answer.body)).not.toMatch(/call stack|RangeError|\bat /);
  });

  it("refuses 4,500 aliases of households with members at validation: MAX_ALIASES", async () => {
    const answer = await refused(aliases(4_500, HOUSEHOLDS_WITH_MEMBERS), token);
    expect(answer.body.errors).toEqual([
      { message: "the operation has 4500 aliases; at most 50", extensions: { code: "QUERY_TOO_COMPLEX", reason: "MAX_ALIASES", limit: 50, value: 4_500 } },
    ]);
  });

  it("refuses a 5,000-deep fragment chain at validation, with a token and without: MAX_DEPTH", async () => {
    for (const who of [token, null]) {
      const answer = await refused(fragmentChain(5_000), who);
      expect(answer.body.errors).toEqual([
        { message: "fragments nested 5000 deep; at most 12", extensions: { code: "QUERY_TOO_COMPLEX", reason: "MAX_DEPTH", limit: 12, value: 5_000 } },
      ]);
    }
  });

  it("refuses a 5,000-long fragment cycle, with a token and without: FRAGMENT_CYCLE", async () => {
    for (const who of [token, null]) {
      const answer = await refused(fragmentCycle(5_000), who);
      expect(extensionsOf(answer)).toEqual([{ code: "BAD_USER_INPUT", reason: "FRAGMENT_CYCLE", limit: 0 }]);
    }
  });
});
