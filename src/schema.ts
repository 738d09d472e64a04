import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, getMetadataStorage, type PubSub } from "type-graphql";
import { operationKey, operationRules, type OperationRule } from "./auth/allow.js";
import { AccessLogResolver } from "./modules/access-log/access-log.resolver.js";
import { CaseResolver } from "./modules/cases/cases.resolver.js";
import { ClaimResolver } from "./modules/claims/claims.resolver.js";
import { ConsentResolver } from "./modules/consents/consents.resolver.js";
import { FieldKeysResolver } from "./modules/field-keys/field-keys.resolver.js";
import { HouseholdResolver } from "./modules/households/households.resolver.js";
import { MatchingResolver } from "./modules/matching/matching.resolver.js";
import { NeedResolver } from "./modules/needs/needs.resolver.js";
import { NotificationResolver } from "./modules/notifications/notifications.resolver.js";
import { OrganizationResolver } from "./modules/organizations/organizations.resolver.js";
import { ResourceResolver } from "./modules/resources/resources.resolver.js";

// Composition root of the graph: every resolver is wired here, from its own file.
export const RESOLVERS = [
  OrganizationResolver,
  HouseholdResolver,
  CaseResolver,
  NeedResolver,
  ResourceResolver,
  ClaimResolver,
  MatchingResolver,
  NotificationResolver,
  ConsentResolver,
  AccessLogResolver,
  FieldKeysResolver,
] as const;

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

/**
 * type-graphql insists on a PubSub once any subscription exists. The hub's subscriptions choose their
 * events with `subscribe` from the hub's event bus (shared/events.ts), never by topic: one declaring
 * topics would fail here at its first subscriber, not silently listen to nothing.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error("subscriptions take their events from the hub's event bus, not type-graphql topics");
  },
  subscribe() {
    throw new Error("subscriptions take their events from the hub's event bus, not type-graphql topics");
  },
};

let built: Promise<GraphQLSchema> | undefined;

/** The hub's schema. Refuses to build when any operation has not declared who may call it. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  built ??= (async () => {
    const missing = permissionSurface().filter((p) => p.rule === undefined);
    if (missing.length > 0) {
      throw new SchemaPolicyError(`operations without an @Allow rule: ${missing.map((p) => p.operation).join(", ")}`);
    }
    return buildSchema({ resolvers: [...RESOLVERS], validate: false, pubSub: NO_TOPICS });
  })();
  return built;
}

/** The rule a subscription field declared (`needMatched` …); undefined for none, which the schema refuses. */
export function subscriptionRule(field: string): OperationRule | undefined {
  return permissionSurface().find((p) => p.operation === `Subscription.${field}`)?.rule;
}

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printHubSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
