import { createMethodMiddlewareDecorator } from "type-graphql";
import type { HubContext } from "../context.type.js";
import type { OrgKind, Role } from "../modules/organizations/organizations.enums.js";
import { AuthError, OperationAccessError } from "./errors.js";

// Every query and mutation declares who may call it. The declaration is also the check: the
// decorator installs the middleware, so authorization cannot be "remembered" separately, and
// buildHubSchema refuses to start when any operation lacks one.

export type OperationRule =
  | { readonly public: true }
  | { readonly public?: false; readonly kinds: "ANY" | readonly OrgKind[]; readonly roles?: readonly Role[] };

export const PUBLIC: OperationRule = Object.freeze({ public: true });
export const AUTHENTICATED: OperationRule = Object.freeze({ kinds: "ANY" });

const rules = new Map<string, OperationRule>();

/** `ResolverClass.method` → its rule; read by the schema check and the permission snapshot. */
export function operationRules(): ReadonlyMap<string, OperationRule> {
  return rules;
}

export function operationKey(resolverClass: { name: string }, method: string): string {
  return `${resolverClass.name}.${method}`;
}

export function Allow(rule: OperationRule): MethodDecorator {
  const middleware = createMethodMiddlewareDecorator<HubContext>(async ({ context, info }, next) => {
    try {
      assertAllowed(rule, context);
    } catch (err) {
      // A refused operation by a known caller is a denied access attempt: it goes in the log.
      if (err instanceof OperationAccessError) context.audit.denied("Operation", "FORBIDDEN", `${info.parentType.name}.${info.fieldName}`);
      throw err;
    }
    return next();
  });
  return (target, propertyKey, descriptor) => {
    rules.set(operationKey((target as { constructor: { name: string } }).constructor, String(propertyKey)), rule);
    middleware(target, propertyKey, descriptor);
  };
}

export function assertAllowed(rule: OperationRule, context: Pick<HubContext, "principal" | "authError">): void {
  if (rule.public) return;
  if (context.authError) throw context.authError;
  const principal = context.principal;
  if (!principal) throw new AuthError("MISSING_TOKEN", "authentication required: send an Authorization: Bearer token");
  if (rule.kinds !== "ANY" && !rule.kinds.includes(principal.org.kind)) {
    throw new OperationAccessError("ORG_KIND_NOT_ALLOWED", `organizations of kind ${principal.org.kind} may not call this operation`);
  }
  if (rule.roles && !rule.roles.includes(principal.role)) {
    throw new OperationAccessError("STAFF_ROLE_NOT_ALLOWED", `role ${principal.role} may not call this operation`);
  }
}
