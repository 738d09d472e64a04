import "reflect-metadata";
import { parse, validate, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { buildHubSchema } from "../../src/schema.js";
import { HubError } from "../../src/shared/errors.js";
import { DEFAULT_OPERATION_LIMITS, operationLimitsRule, type OperationLimits } from "../../src/shared/graphql/limits.js";

// The limits rule alone, on the hub's schema: what it counts, exactly (the HTTP behaviour is in
// tests/server/limits.test.ts).

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildHubSchema();
});

/** The refusal's extensions as formatHubError shows them, or null when the operation passes. */
function check(query: string, limits: Partial<OperationLimits> = {}): Record<string, unknown> | null {
  const errors = validate(schema, parse(query), [operationLimitsRule({ ...DEFAULT_OPERATION_LIMITS, ...limits })]);
  if (errors.length === 0) return null;
  expect(errors).toHaveLength(1);
  const original = errors[0]!.originalError;
  if (!(original instanceof HubError)) throw new Error(`not a HubError: ${errors[0]!.message}`);
  return { code: original.code, reason: original.reason, ...original.details };
}
/** The estimated cost, read from the refusal under a limit of 0. */
const costOf = (query: string) => check(query, { maxCost: 0 })?.value;

describe("operation cost", () => {
  it("counts each field 1 and multiplies a connection's children by its first", () => {
    expect(costOf("{ me { role } }")).toBe(2);
    // households 1 + 7 × (nodes 1 + id 1)
    expect(costOf("{ households(first: 7) { nodes { id } } }")).toBe(15);
    // without first: the default page of 20
    expect(costOf("{ households { nodes { id } } }")).toBe(41);
    // a variable may be the largest page: 100
    expect(costOf("query ($n: Int) { households(first: $n) { nodes { id } } }")).toBe(201);
    // members is a list without first: 10 assumed
    expect(costOf("{ households(first: 2) { nodes { members { name } } } }")).toBe(1 + 2 * (1 + (1 + 10)));
  });

  it("counts a fragment wherever it is spread, and inline fragments as their fields", () => {
    const twice = "fragment H on Household { id householdNo } { a: households(first: 3) { nodes { ...H } } b: households(first: 3) { nodes { ...H } } }";
    expect(costOf(twice)).toBe(2 * (1 + 3 * (1 + 2)));
    expect(costOf("{ me { ... on Viewer { role } } }")).toBe(2);
  });

  it("does not count introspection", () => {
    expect(costOf("{ __schema { types { name fields { name } } } me { role } }")).toBe(2);
  });

  it("passes an operation at the limit and refuses one past it", () => {
    expect(check("{ households(first: 7) { nodes { id } } }", { maxCost: 15 })).toBeNull();
    expect(check("{ households(first: 7) { nodes { id } } }", { maxCost: 14 })).toEqual({ code: "QUERY_TOO_COMPLEX", reason: "MAX_COST", limit: 14, value: 15 });
  });
});

describe("depth", () => {
  const CASES = "{ cases(first: 1) { nodes { household { members { name } } } } }";
  it("counts fields, not fragments", () => {
    expect(check(CASES, { maxDepth: 5 })).toBeNull();
    expect(check(CASES, { maxDepth: 4 })).toEqual({ code: "QUERY_TOO_COMPLEX", reason: "MAX_DEPTH", limit: 4, value: 5 });
    const viaFragments = "fragment M on Person { name } fragment H on Household { members { ...M } } { cases(first: 1) { nodes { ... on Case { household { ...H } } } } }";
    expect(check(viaFragments, { maxDepth: 5 })).toBeNull();
    expect(check(viaFragments, { maxDepth: 4 })).toEqual({ code: "QUERY_TOO_COMPLEX", reason: "MAX_DEPTH", limit: 4, value: 5 });
  });
});

describe("aliases and directives", () => {
  it("counts aliases where their fragment is spread, and directives", () => {
    const spreadTwice = "fragment R on Viewer { a: role b: role } { me { ...R } other: me { ...R } }";
    expect(check(spreadTwice, { maxAliases: 5 })).toBeNull();
    expect(check(spreadTwice, { maxAliases: 4 })).toEqual({ code: "QUERY_TOO_COMPLEX", reason: "MAX_ALIASES", limit: 4, value: 5 });
    const directives = "{ me { role @include(if: true) @skip(if: false) } }";
    expect(check(directives, { maxDirectives: 2 })).toBeNull();
    expect(check(directives, { maxDirectives: 1 })).toEqual({ code: "QUERY_TOO_COMPLEX", reason: "MAX_DIRECTIVES", limit: 1, value: 2 });
  });
});

describe("fragment nesting", () => {
  it("refuses a chain one deeper than the depth limit, passes one at it", () => {
    const chain = (n: number) =>
      ["{ ...F0 }", ...Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1}` : "me { role }"} }`)].join("\n");
    expect(check(chain(3), { maxDepth: 6 })).toBeNull();
    expect(check(chain(7), { maxDepth: 6 })).toEqual({ code: "QUERY_TOO_COMPLEX", reason: "MAX_DEPTH", limit: 6, value: 7 });
  });

  it("refuses a fragment that spreads itself", () => {
    expect(check("{ ...F } fragment F on Query { me { role } ...F }")).toEqual({ code: "BAD_USER_INPUT", reason: "FRAGMENT_CYCLE", limit: 0 });
  });
});
