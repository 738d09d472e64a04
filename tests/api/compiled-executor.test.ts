import { execute, parse, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHubSchema } from "../../src/schema.js";
import { CompiledOperations } from "../../src/shared/graphql/compiled-executor.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// The hub executes operations compiled (graphql-jit). graphql-js is the reference: the same operation,
// the same caller, the same data must give the same answer — data, and errors with their paths.

const OPERATIONS: ReadonlyArray<readonly [string, string, Record<string, unknown>?]> = [
  ["nested list", "{ cases(first: 7) { totalCount pageInfo { hasNextPage endCursor } nodes { id caseNo type status monthlyBenefit household { householdNo address members { name idNumber phone birthDate monthlyIncome redactions { field access reason } } } } } }"],
  ["fragments, aliases, __typename", "query { a: households(first: 3) { nodes { ...H } } b: households(first: 2) { edges { cursor node { __typename id } } } } fragment H on Household { __typename id householdNo members { ... on Person { name relationToHead } } }"],
  ["variables and directives", "query ($first: Int!, $full: Boolean!) { needs(first: $first) { nodes { needNo title amount @include(if: $full) urgency @skip(if: $full) } } }", { first: 4, full: true }],
  ["a refused field among answered ones", "{ me { role } need(id: \"00000000-0000-4000-8000-000000000000\") { id } }"],
  ["bad input inside a resolver", "{ cases(first: 0) { nodes { id } } }"],
  ["an enum filter", "{ cases(first: 5, filter: { status: APPROVED }) { nodes { caseNo status } } }"],
];

describe("compiled execution answers exactly as graphql-js does", () => {
  let t: TestHub;
  let schema: GraphQLSchema;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub("pglite");
    schema = await buildHubSchema();
    tokens.civil = await t.token("QX-MZJ", "CASEWORKER");
    tokens.education = await t.token("QX-JYJ", "OFFICER");
    tokens.charity = await t.token("CH-ANKANG", "PROJECT_MANAGER");
  });
  afterAll(() => t?.close());

  for (const caller of ["civil", "education", "charity"]) {
    for (const [name, query, variables] of OPERATIONS) {
      it(`${caller}: ${name}`, async () => {
        const compiled = await t.exec(tokens[caller]!, query, variables);
        const reference = await execute({
          schema,
          document: parse(query),
          contextValue: await t.hub.contextFor(`Bearer ${tokens[caller]}`),
          variableValues: variables,
        });
        expect(compiled.data ?? null).toEqual(JSON.parse(JSON.stringify(reference.data ?? null)));
        const shape = (errors: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number> }> | undefined) =>
          (errors ?? []).map((e) => ({ message: e.message, path: e.path }));
        expect(shape(compiled.errors)).toEqual(shape(reference.errors));
        if (reference.errors?.length) {
          // The hub's own coded errors survive the compiled path with their code and reason.
          for (const e of compiled.errors!) expect(e.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
        }
      });
    }
  }

  it("answers introspection through graphql-js", async () => {
    const r = await t.exec(tokens.civil!, "{ __schema { queryType { name } } __type(name: \"Case\") { fields { name } } }");
    expect(r.errors).toBeUndefined();
    expect((r.data!.__schema as { queryType: { name: string } }).queryType.name).toBe("Query");
    expect((r.data!.__type as { fields: { name: string }[] }).fields.map((f) => f.name)).toContain("household");
  });

  it("keeps a bounded number of compiled operations, the least recently used dropped first", async () => {
    const operations = new CompiledOperations(schema, 2);
    const [a, b, c] = ["{ me { role } }", "{ me { subject } }", "{ me { householdId } }"].map((q) => parse(q));
    const first = operations.get(a!, null);
    expect(first).not.toBeNull();
    operations.get(b!, null);
    expect(operations.get(a!, null)).toBe(first); // a is now the most recent
    operations.get(c!, null); // drops b
    expect(operations.size).toBe(2);
    expect(operations.get(a!, null)).toBe(first);
  });
});
