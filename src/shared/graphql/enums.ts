import { registerEnumType } from "type-graphql";
import type { DomainEnum } from "../enum.js";

/** Registers a domain enum with type-graphql, descriptions naming the Chinese term. Idempotent. */
const registered = new Set<string>();
export function registerDomainEnum<V extends string>(e: DomainEnum<V>, description?: string): DomainEnum<V> {
  if (registered.has(e.name)) return e;
  registered.add(e.name);
  registerEnumType(e.object, {
    name: e.name,
    description,
    valuesConfig: Object.fromEntries(e.values.map((v) => [v, { description: e.descriptions[v] }])) as never,
  });
  return e;
}
