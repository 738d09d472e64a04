import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import { execute, GraphQLError, Kind, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

// Operations run compiled (graphql-jit): an operation is compiled once into a function that knows its
// fields, their arguments and their types, and then runs without graphql-js's per-field work —
// argument coercion, type dispatch, a promise per object (measured on the caseworker's 50 cases:
// graphql-js's execution was about a tenth of the hub's CPU per request). Parsing, validation, the
// operation limits and every plugin stay Apollo's; only the execution step changes, and the resolvers
// are the same functions (the @Allow middleware, the deadline guard, the projection).
//
// Apollo Server runs a custom execution step through its gateway interface (the schema comes from
// here, the executor receives Apollo's request context); nothing else of a gateway is involved.
//
// Kept on graphql-js: introspection (rare, and its resolvers are graphql-js's own) and any document
// graphql-jit cannot compile (it reports them) — graphql-js is the reference the compiled path is
// tested against (tests/api/compiled-executor.test.ts).

/** Compiled operations kept, by document and operation name; the least recently used go first. */
export const COMPILED_OPERATIONS_KEPT = 500;

export function compiledExecution(schema: GraphQLSchema, kept = COMPILED_OPERATIONS_KEPT): GatewayInterface {
  const compiled = new CompiledOperations(schema, kept);
  const executor: GatewayExecutor = async (request) => {
    const { document, operation, context } = request;
    const variables = request.request.variables ?? {};
    const reference = async () =>
      (await execute({ schema, document, contextValue: context, variableValues: variables, operationName: request.operationName })) as ExecutionResult;
    const query = usesIntrospection(operation) ? null : compiled.get(document, request.operationName);
    if (!query) return reference();
    const result = (await query.query(undefined, context, variables)) as ExecutionResult;
    // No data at all: the variables were refused before anything ran. graphql-js words those errors
    // as Apollo expects them (BAD_USER_INPUT, HTTP 400); it too refuses before any resolver runs.
    if (result.data === undefined) return reference();
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
  let listener: ((schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | null = null;
  return {
    onSchemaLoadOrUpdate(callback) {
      listener = callback;
      return () => void (listener = null);
    },
    async load() {
      listener?.({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return { executor };
    },
    async stop() {},
  };
}

/** Compiled operations by document (Apollo parses a known query once and hands out the same document). */
export class CompiledOperations {
  private readonly byDocument = new Map<DocumentNode, Map<string, CompiledQuery | null>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly kept: number,
  ) {}

  /** Documents held. */
  get size(): number {
    return this.byDocument.size;
  }

  get(document: DocumentNode, operationName: string | null): CompiledQuery | null {
    const name = operationName ?? "";
    let forDocument = this.byDocument.get(document);
    if (forDocument) {
      // Most recently used last.
      this.byDocument.delete(document);
      this.byDocument.set(document, forDocument);
    } else {
      forDocument = new Map();
      this.byDocument.set(document, forDocument);
      if (this.byDocument.size > this.kept) this.byDocument.delete(this.byDocument.keys().next().value!);
    }
    if (forDocument.has(name)) return forDocument.get(name)!;
    const result = compileQuery(this.schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
    const query = isCompiledQuery(result) ? result : null;
    forDocument.set(name, query);
    return query;
  }
}

function usesIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith("__") && s.name.value !== "__typename");
}

/**
 * graphql-jit's errors in graphql-js's form, as the rest of the pipeline (Apollo's error formatting,
 * formatHubError) expects them: `extensions` always an object, the resolver's error as originalError.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const normal = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions ?? undefined,
  });
  (normal as { locations?: GraphQLError["locations"] }).locations = error.locations;
  return normal;
}
