import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../support/hub.js";

// graphql-cop's checks (dolevf/graphql-cop 1.x, lib/tests/*.py), each sent as graphql-cop sends it and
// judged by its own condition, against the hub in production mode with a valid caller's token (how an
// auditor runs it: `graphql-cop -t URL -H '{"Authorization": "Bearer …"}'`). graphql-cop itself is a
// Python tool this machine cannot install; the requests and conditions below are its, line for line.

type Json = Record<string, unknown> | unknown[] | null;

describe("graphql-cop's checks against the hub in production mode", () => {
  let t: TestHub;
  let url: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await startTestHub("pglite", { production: true });
    url = (await t.hub.listen(0, "127.0.0.1")).url;
    auth = { authorization: `Bearer ${await t.token("QX-MZJ", "CASEWORKER")}` };
  });
  afterAll(() => t?.close());

  /** utils.graph_query: POST JSON {query, operationName: "cop"} (or a batch of 10 {query}). */
  async function graphQuery(payload: string, batch = false): Promise<{ status: number; json: Json }> {
    const body = batch ? Array.from({ length: 10 }, () => ({ query: payload })) : { query: payload, operationName: "cop" };
    const res = await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json().catch(() => null)) as Json };
  }

  /** utils.request: GET with query parameters, or a form-encoded POST. */
  async function request(options: { params?: Record<string, string>; data?: Record<string, string>; accept?: string }): Promise<{ status: number; text: string }> {
    const target = options.params ? `${url}?${new URLSearchParams(options.params)}` : url;
    const res = await fetch(target, {
      method: options.data ? "POST" : "GET",
      headers: { ...auth, ...(options.accept ? { accept: options.accept } : {}), ...(options.data ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: options.data ? new URLSearchParams(options.data).toString() : undefined,
    });
    return { status: res.status, text: await res.text() };
  }

  const dig = (json: unknown, ...path: Array<string | number>): unknown =>
    path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined), json);
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  };

  it("alias overloading: 101 aliases are not answered", async () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `alias${i}:__typename \n`).join("");
    const r = await graphQuery(`query cop { ${aliases} }`);
    expect(dig(r.json, "data", "alias100")).toBeFalsy();
    expect(dig(r.json, "errors", 0, "extensions")).toMatchObject({ code: "QUERY_TOO_COMPLEX", reason: "MAX_ALIASES", limit: 50 });
  });

  it("batch queries: an array of 10 operations is not answered", async () => {
    const r = await graphQuery("query cop { __typename }", true);
    expect(Array.isArray(r.json) && r.json.length >= 10).toBe(false);
    expect(r.status).toBe(400);
  });

  it("circular introspection: refused (introspection is off in production)", async () => {
    const r = await graphQuery("query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }");
    const types = dig(r.json, "data", "__schema", "types");
    expect(Array.isArray(types) && types.length > 25).toBe(false);
  });

  it("directive overloading: ten repeated directives are not processed one by one", async () => {
    const r = await graphQuery("query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }");
    const errors = dig(r.json, "errors");
    expect(Array.isArray(errors) && errors.length === 10).toBe(false);
    expect(errors).toEqual([{ message: 'Unknown directive "@aa".', locations: [{ line: 1, column: 24 }], extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }]);
  });

  it("field duplication: 500 repetitions of one field are not answered", async () => {
    const r = await graphQuery(`query cop { ${"__typename \n".repeat(500)}} `);
    expect(dig(r.json, "data", "__typename")).toBeFalsy();
    expect(dig(r.json, "errors", 0, "extensions")).toMatchObject({ code: "QUERY_TOO_COMPLEX", reason: "MAX_FIELD_REPEATS" });
  });

  it("field suggestions: no 'Did you mean'", async () => {
    const r = await graphQuery("query cop { __schema { directive } }");
    expect(String(dig(r.json, "errors", 0, "message") ?? "")).not.toContain("Did you mean");
    // And on the hub's own fields, where suggestions would name the schema.
    const own = await graphQuery("query cop { househol { totalCount } }");
    expect(String(dig(own.json, "errors", 0, "message") ?? "")).not.toContain("Did you mean");
  });

  it("GET-based mutation: not executed", async () => {
    const r = await request({ params: { query: "mutation cop {__typename}" } });
    expect(dig(parsed(r.text), "data", "__typename")).toBeFalsy();
  });

  it("GET method query support: queries are POST only", async () => {
    const r = await request({ params: { query: "query cop {__typename}" } });
    expect(dig(parsed(r.text), "data", "__typename")).toBeFalsy();
    expect(r.status).toBe(405);
  });

  it("GraphiQL: no IDE is served", async () => {
    const r = await request({ accept: "text/html" });
    for (const word of ["graphiql.min.css", "GraphQL Playground", "GraphiQL", "graphql-playground"]) expect(r.text).not.toContain(word);
  });

  it("introspection: refused", async () => {
    const r = await graphQuery("query cop { __schema { types { name fields { name } } } }");
    expect(dig(r.json, "data", "__schema", "types")).toBeFalsy();
  });

  it("POST-based CSRF: a form-encoded POST is not executed", async () => {
    const r = await request({ data: { query: "query cop { __typename }" } });
    expect(dig(parsed(r.text), "data", "__typename")).toBeFalsy();
    expect(r.status).toBe(400);
  });

  it("trace mode: no tracing extension", async () => {
    const r = await graphQuery("query cop { __typename }");
    expect(dig(r.json, "errors", 0, "extensions", "tracing")).toBeFalsy();
    expect(JSON.stringify(r.json).toLowerCase()).not.toContain('"tracing"');
    expect(r.json).toEqual({ data: { __typename: "Query" } });
  });

  it("unhandled errors: a broken document gets a parse error without an exception", async () => {
    const r = await graphQuery("qwerty cop { abc }");
    expect(dig(r.json, "errors", 0, "extensions", "exception")).toBeFalsy();
    expect(JSON.stringify(r.json).toLowerCase()).not.toContain('"exception"');
    expect(r.json).toEqual({ errors: [{ message: 'Syntax Error: Unexpected Name "qwerty".', locations: [{ line: 1, column: 1 }], extensions: { code: "GRAPHQL_PARSE_FAILED" } }] });
  });
});
