import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { ShownFields } from "./recorder.js";

// What a response showed, per object type, read from the executed operation (the access log's
// "categories disclosed in FULL": what was shown, not what the caller's remit would have allowed).
//
// A field counts as shown when the operation selects it, or when an argument names it — a filter
// (`cases(filter: { status })` reveals the status of every case it returns), a lookup
// (`personByIdNumber(idNumber)` ties the person to the number) — on the type the field returns (a
// connection's node type). Arguments are read as the executor reads them: variables coerced with
// their defaults, argument defaults applied, so a filter is counted however it was supplied.
// Conservative wherever it cannot tell: @skip/@include are ignored, and a field the schema does not
// expose under the projected name always counts as shown.

/** The fields the operation showed, as the recorder asks for them. */
export function shownFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): ShownFields {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const selected = new Map<string, Set<string>>();
  const mark = (type: GraphQLObjectType, field: string) => {
    let fields = selected.get(type.name);
    if (!fields) selected.set(type.name, (fields = new Set()));
    fields.add(field);
  };
  const objectTypes = (type: GraphQLNamedType | null | undefined): readonly GraphQLObjectType[] =>
    !type ? [] : isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];
  const spreading = new Set<string>();
  // As execution coerces them; if coercion fails the operation never ran, and raw values stand in.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { ...(variables ?? {}) });
  const variableValues: Record<string, unknown> = coerced.coerced ?? { ...(variables ?? {}) };

  const walk = (set: SelectionSetNode, parents: readonly GraphQLObjectType[]) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith("__")) continue;
        for (const parent of parents) {
          const def = parent.getFields()[name];
          if (!def) continue;
          mark(parent, name);
          const returned = objectTypes(getNamedType(def.type));
          const args = argumentsOf(def, selection, variableValues);
          for (const item of returned.flatMap(itemTypes)) {
            for (const [argName, value] of Object.entries(args)) {
              for (const key of [argName, ...objectKeys(value)]) if (item.getFields()[key]) mark(item, key);
            }
          }
          if (selection.selectionSet) walk(selection.selectionSet, returned);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition ? objectTypes(schema.getType(selection.typeCondition.name.value)) : parents);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || spreading.has(fragment.name.value)) continue;
        spreading.add(fragment.name.value);
        walk(fragment.selectionSet, objectTypes(schema.getType(fragment.typeCondition.name.value)));
        spreading.delete(fragment.name.value);
      }
    }
  };

  const root = operation.operation === "mutation" ? schema.getMutationType() : operation.operation === "subscription" ? schema.getSubscriptionType() : schema.getQueryType();
  if (root) walk(operation.selectionSet, [root]);

  return (entityType, field) => {
    const type = schema.getType(entityType);
    if (!isObjectType(type) || !type.getFields()[field]) return true;
    return selected.get(entityType)?.has(field) ?? false;
  };
}

/** The records a field returns: a connection's node type, or the type itself. */
function itemTypes(type: GraphQLObjectType): GraphQLObjectType[] {
  const nodes = type.getFields().nodes;
  const node = nodes ? getNamedType(nodes.type) : null;
  return node && isObjectType(node) ? [node] : [type];
}

/** A field's arguments with defaults applied; on a coercion error (the field never ran) those that are present. */
function argumentsOf(
  def: Parameters<typeof getArgumentValues>[0],
  node: Parameters<typeof getArgumentValues>[1],
  variableValues: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(def, node, variableValues);
  } catch {
    return Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, a.value.kind === Kind.VARIABLE ? variableValues[a.value.name.value] : {}]));
  }
}

/** The keys an input object holds (a filter's fields); null and absent fields filter nothing. */
function objectKeys(value: unknown): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined || v === null ? [] : [k]));
}
