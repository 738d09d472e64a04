import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  GraphQLError,
  BREAK,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  visit,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from "graphql";
import { OperationLimitError, type OperationLimitReason } from "./limits.errors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./page-size.js";

// Operation limits, checked before anything else validates the document: graphql-js's own rules are
// recursive (a 5,000-deep fragment chain overflows the stack in NoFragmentCyclesRule) or quadratic
// (OverlappingFieldsCanBeMerged on thousands of aliases), so a refused document is never handed on.

export interface OperationLimits {
  readonly maxAliases: number;
  readonly maxDepth: number;
  readonly maxDirectives: number;
  /** Also graphql-js `parseOptions.maxTokens`: the parser stops at this many tokens. */
  readonly maxTokens: number;
  /** Estimated work: each field 1, a field's children multiplied by `first` (or the assumed list size). */
  readonly maxCost: number;
  /** What a list without `first` (`members`) is assumed to hold for the cost. */
  readonly assumedListSize: number;
  /** How often one response key may be written in one selection set (`{ id id id … }`). */
  readonly maxFieldRepeats: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = Object.freeze({
  maxAliases: 50,
  maxDepth: 12,
  maxDirectives: 50,
  maxTokens: 10_000,
  maxCost: 100_000,
  assumedListSize: 10,
  maxFieldRepeats: 10,
});

const EMPTY_DOCUMENT: DocumentNode = Object.freeze({ kind: Kind.DOCUMENT, definitions: [] });

/**
 * Validation rule (put it first among the extra rules): refuses an operation over any limit with an
 * OperationLimitError, then hands the remaining rules an empty document so none of them walks it.
 */
export function operationLimitsRule(limits: OperationLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => ({
    Document(node) {
      const refusal = firstRefusal(node, context, limits);
      if (!refusal) return undefined;
      context.reportError(refusal instanceof GraphQLError ? refusal : new GraphQLError(refusal.message, { originalError: refusal }));
      return EMPTY_DOCUMENT;
    },
  });
}

/** The error graphql-js's parser throws past `maxTokens`, as the hub reports it (null for any other). */
export function tokenLimitError(message: string, limits: Pick<OperationLimits, "maxTokens">): OperationLimitError | null {
  // graphql 16 spells it "more that N tokens".
  if (!/^Syntax Error: Document contains more tha[nt] \d+ tokens\./.test(message)) return null;
  return refusal("MAX_TOKENS", `the document is longer than ${limits.maxTokens} tokens`, limits.maxTokens);
}

function refusal(reason: OperationLimitReason, message: string, limit: number, value?: number): OperationLimitError {
  return new OperationLimitError(reason, message, value === undefined ? { limit } : { limit, value });
}

function firstRefusal(document: DocumentNode, context: ValidationContext, limits: OperationLimits): OperationLimitError | GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  // A directive the schema does not know is one error, however often it is repeated: graphql-js
  // would report each of a thousand `@aa` and look at every one.
  const unknownDirective = firstUnknownDirective(document, context);
  if (unknownDirective) return unknownDirective;
  const repeats = mostRepeatedField(document);
  if (repeats.count > limits.maxFieldRepeats) {
    return refusal("MAX_FIELD_REPEATS", `the field "${repeats.key}" is selected ${repeats.count} times in one selection set; at most ${limits.maxFieldRepeats}`, limits.maxFieldRepeats, repeats.count);
  }
  // Fragment chains and cycles first, without recursion: every later count walks fragments recursively.
  const chain = fragmentNesting(fragments);
  if (chain === "cycle") return refusal("FRAGMENT_CYCLE", "fragments spread each other in a cycle", 0);
  if (chain > limits.maxDepth) return refusal("MAX_DEPTH", `fragments nested ${chain} deep; at most ${limits.maxDepth}`, limits.maxDepth, chain);

  for (const operation of operations) {
    const armored = armorRefusal(operation, context, limits);
    if (armored) return armored;
    const cost = operationCostIn(context.getSchema(), operation, fragments, limits);
    if (cost > limits.maxCost) return refusal("MAX_COST", `the operation's estimated cost ${cost} exceeds ${limits.maxCost}`, limits.maxCost, cost);
  }
  return null;
}

/**
 * graphql-armor's counts (aliases, depth, directives), reported as OperationLimitErrors instead of thrown.
 * Depth counts fields only (flattenFragments): fragment nesting is bounded by fragmentNesting instead,
 * as armor would count two levels for every fragment a client's generated code nests.
 */
function armorRefusal(operation: OperationDefinitionNode, context: ValidationContext, limits: OperationLimits): OperationLimitError | null {
  const checks: Array<{ reason: OperationLimitReason; limit: number; make: (onReject: (ctx: unknown, err: GraphQLError) => void) => (c: ValidationContext) => ASTVisitor }> = [
    { reason: "MAX_ALIASES", limit: limits.maxAliases, make: (r) => maxAliasesRule({ n: limits.maxAliases, allowList: [], onReject: [r], propagateOnRejection: false }) as never },
    { reason: "MAX_DEPTH", limit: limits.maxDepth, make: (r) => maxDepthRule({ n: limits.maxDepth, flattenFragments: true, onReject: [r], propagateOnRejection: false }) as never },
    { reason: "MAX_DIRECTIVES", limit: limits.maxDirectives, make: (r) => maxDirectivesRule({ n: limits.maxDirectives, onReject: [r], propagateOnRejection: false }) as never },
  ];
  for (const { reason, limit, make } of checks) {
    let found: number | null = null;
    const visitor = make((_ctx, err) => {
      found = Number(/found (\d+)/.exec(err.message)?.[1] ?? Number.NaN);
    })(context) as unknown as { OperationDefinition: { enter: (this: unknown, op: OperationDefinitionNode) => void } };
    visitor.OperationDefinition.enter.call(visitor, operation);
    if (found !== null) {
      const value: number = found;
      const label = reason === "MAX_ALIASES" ? "aliases" : reason === "MAX_DEPTH" ? "levels deep" : "directives";
      return refusal(reason, `the operation has ${value} ${label}; at most ${limit}`, limit, Number.isNaN(value) ? undefined : value);
    }
  }
  return null;
}

/** graphql-js's own "Unknown directive" error, for the first unknown directive only. */
function firstUnknownDirective(document: DocumentNode, context: ValidationContext): GraphQLError | null {
  const known = new Set(context.getSchema().getDirectives().map((d) => d.name));
  let found: GraphQLError | null = null;
  visit(document, {
    Directive(node) {
      if (known.has(node.name.value)) return undefined;
      found = new GraphQLError(`Unknown directive "@${node.name.value}".`, { nodes: [node] });
      return BREAK;
    },
  });
  return found;
}

/** The response key written most often in any one selection set (aliases count as their own keys). */
function mostRepeatedField(document: DocumentNode): { key: string; count: number } {
  let most = { key: "", count: 0 };
  visit(document, {
    SelectionSet(node) {
      const counts = new Map<string, number>();
      for (const selection of node.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const count = (counts.get(key) ?? 0) + 1;
        counts.set(key, count);
        if (count > most.count) most = { key, count };
      }
    },
  });
  return most;
}

/** The estimated cost of one operation of a (valid) document, as MAX_COST counts it. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, limits: OperationLimits): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return operationCostIn(schema, operation, fragments, limits);
}

function operationCostIn(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, limits: OperationLimits): number {
  return costOf(operation.selectionSet, schema, fragments, limits, new Map(), schema.getRootType(operation.operation) ?? undefined);
}

/** The longest chain of fragments spreading fragments (1 = a fragment that spreads none), or "cycle". */
function fragmentNesting(fragments: ReadonlyMap<string, FragmentDefinitionNode>): number | "cycle" {
  const spreads = new Map<string, string[]>();
  for (const [name, fragment] of fragments) {
    const names: string[] = [];
    // graphql-js's visit is iterative: safe on any nesting.
    visit(fragment.selectionSet, { FragmentSpread: (s) => void names.push(s.name.value) });
    spreads.set(name, names.filter((n) => fragments.has(n)));
  }
  const depth = new Map<string, number>();
  const onPath = new Set<string>();
  let longest = 0;
  for (const start of fragments.keys()) {
    if (depth.has(start)) continue;
    // Iterative depth-first search: a frame is a fragment and the index of its next child.
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    onPath.add(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const children = spreads.get(frame.name)!;
      if (frame.next < children.length) {
        const child = children[frame.next++]!;
        if (onPath.has(child)) return "cycle";
        if (!depth.has(child)) {
          onPath.add(child);
          stack.push({ name: child, next: 0 });
        }
        continue;
      }
      const d = 1 + Math.max(0, ...children.map((c) => depth.get(c)!));
      depth.set(frame.name, d);
      longest = Math.max(longest, d);
      onPath.delete(frame.name);
      stack.pop();
    }
  }
  return longest;
}

/**
 * Estimated cost of a selection: each field 1, plus its children times the list size — `first`
 * (a variable counts as the largest page, as validation cannot see its value), the default page
 * size without `first`, the page itself (`nodes`, `edges`) once, any other list `assumedListSize`.
 * Fragments are counted where spread (memoised; fragment nesting is already bounded).
 */
function costOf(
  set: SelectionSetNode,
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  limits: OperationLimits,
  memo: Map<string, number>,
  parentType?: GraphQLOutputType,
): number {
  const parent = parentType ? getNamedType(parentType) : undefined;
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment) continue;
      if (!memo.has(name)) {
        const on = schema.getType(fragment.typeCondition.name.value);
        memo.set(name, costOf(fragment.selectionSet, schema, fragments, limits, memo, on && (isObjectType(on) || isInterfaceType(on)) ? on : undefined));
      }
      total += memo.get(name)!;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      total += costOf(selection.selectionSet, schema, fragments, limits, memo, on && (isObjectType(on) || isInterfaceType(on)) ? on : parentType);
    } else {
      const name = selection.name.value;
      if (name.startsWith("__")) continue;
      const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
      total += 1;
      if (!selection.selectionSet) continue;
      const children = costOf(selection.selectionSet, schema, fragments, limits, memo, field?.type);
      total += multiplier(selection.arguments ?? [], field?.type, name, limits) * children;
    }
  }
  return total;
}

function multiplier(args: ReadonlyArray<{ name: { value: string }; value: ValueNode }>, type: GraphQLOutputType | undefined, name: string, limits: OperationLimits): number {
  const first = args.find((a) => a.name.value === "first");
  if (first) {
    if (first.value.kind === Kind.INT) return Math.max(1, Math.min(Number(first.value.value), MAX_PAGE_SIZE));
    return MAX_PAGE_SIZE;
  }
  const isConnection = type !== undefined && /Connection$/.test(getNamedType(type).name);
  if (isConnection) return DEFAULT_PAGE_SIZE;
  if (type !== undefined && isListType(getNullableType(type))) return name === "nodes" || name === "edges" ? 1 : limits.assumedListSize;
  return 1;
}
