/**
 * A domain enumeration defined once and used by the database (pgEnum), the GraphQL schema
 * (registerEnumType with descriptions naming the Chinese term) and validation.
 */
export interface DomainEnum<V extends string> {
  readonly name: string;
  readonly values: readonly [V, ...V[]];
  /** `{ VALUE: "VALUE" }`, the shape type-graphql's registerEnumType expects. */
  readonly object: { readonly [K in V]: K };
  readonly descriptions: { readonly [K in V]: string };
  is(value: unknown): value is V;
}

export function defineEnum<V extends string>(
  name: string,
  descriptions: { readonly [K in V]: string },
): DomainEnum<V> {
  const values = Object.keys(descriptions) as V[];
  if (values.length === 0) throw new TypeError(`enum ${name} needs at least one value`);
  const object = Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { [K in V]: K };
  const set = new Set<string>(values);
  return Object.freeze({
    name,
    values: values as [V, ...V[]],
    object,
    descriptions: Object.freeze({ ...descriptions }),
    is: (value: unknown): value is V => typeof value === "string" && set.has(value),
  });
}
