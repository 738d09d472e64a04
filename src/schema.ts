import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, getMetadataStorage } from "type-graphql";
import { operationKey, operationRules, type OperationRule } from "./auth/allow.js";
import { AuditResolver } from "./audit/index.js";
import { FieldKeysResolver } from "./privacy/keys.resolver.js";
import { CaseResolver } from "./modules/cases/index.js";
import { ConsentResolver } from "./modules/consents/index.js";
import { HouseholdResolver } from "./modules/households/index.js";
import { NeedResolver } from "./modules/needs/index.js";
import { OrganizationResolver } from "./modules/organizations/index.js";
import { ResourceResolver } from "./modules/resources/index.js";

export const RESOLVERS = [OrganizationResolver, HouseholdResolver, CaseResolver, NeedResolver, ResourceResolver, ConsentResolver, AuditResolver, FieldKeysResolver] as const;

export interface OperationPermission {
  /** `Query.households`, `Mutation.recordConsent` … */
  readonly operation: string;
  readonly rule: OperationRule | undefined;
}

/** Every root operation with the rule its resolver declared (undefined = missing: a defect). */
export function permissionSurface(): OperationPermission[] {
  const storage = getMetadataStorage();
  const resolverClasses = new Set<Function>(RESOLVERS);
  const rules = operationRules();
  const ops = [
    ...storage.queries.map((m) => ({ root: "Query", m })),
    ...storage.mutations.map((m) => ({ root: "Mutation", m })),
    ...storage.subscriptions.map((m) => ({ root: "Subscription", m })),
  ].filter(({ m }) => resolverClasses.has(m.target));
  return ops
    .map(({ root, m }) => ({ operation: `${root}.${m.schemaName}`, rule: rules.get(operationKey(m.target, m.methodName)) }))
    .sort((a, b) => a.operation.localeCompare(b.operation));
}

export class SchemaPolicyError extends Error {
  override readonly name = "SchemaPolicyError";
}

let built: Promise<GraphQLSchema> | undefined;

/** The hub's schema. Refuses to build when any operation has not declared who may call it. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  built ??= (async () => {
    const missing = permissionSurface().filter((p) => p.rule === undefined);
    if (missing.length > 0) {
      throw new SchemaPolicyError(`operations without an @Allow rule: ${missing.map((p) => p.operation).join(", ")}`);
    }
    return buildSchema({ resolvers: [...RESOLVERS], validate: false });
  })();
  return built;
}

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printHubSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
