import type { EntityCatalogue } from "../privacy/project.js";
import type { ChangeEntry } from "./change-log.js";

/** Who made a change: a caller (its Principal), or the hub itself for a scheduled transition. */
export interface ChangeActor {
  readonly subject: string;
  readonly role: string;
  readonly org: { readonly code: string };
}

/**
 * Change-log entries for the fields that differ between `before` (null for a new record) and
 * `after`. A field is sensitive unless its category is BASIC or CASE: the log then records that it
 * changed, never to what.
 */
export function changeEntriesFor<S extends object>(args: {
  principal: ChangeActor;
  requestId: string;
  catalogue: EntityCatalogue<S>;
  entityId: string;
  householdId: string | null;
  before: Partial<Record<keyof S & string, unknown>> | null;
  after: Partial<Record<keyof S & string, unknown>>;
  at?: Date;
}): ChangeEntry[] {
  const at = args.at ?? new Date();
  const rules = args.catalogue.fields as Record<string, { category: string }>;
  const entries: ChangeEntry[] = [];
  for (const [field, value] of Object.entries(args.after) as [string, unknown][]) {
    const rule = rules[field];
    if (!rule) throw new TypeError(`${args.catalogue.entity}.${field} is not in the catalogue`);
    const old = args.before ? (args.before as Record<string, unknown>)[field] : null;
    if (args.before && old === value) continue;
    entries.push({
      at,
      requestId: args.requestId,
      subject: args.principal.subject,
      orgCode: args.principal.org.code,
      role: args.principal.role,
      entityType: args.catalogue.entity,
      entityId: args.entityId,
      householdId: args.householdId,
      field,
      oldValue: old == null ? null : String(old),
      newValue: value == null ? null : String(value),
      sensitive: rule.category !== "BASIC" && rule.category !== "CASE",
    });
  }
  return entries;
}
