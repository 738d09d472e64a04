import type { Principal } from "../auth/principal.js";
import type { OrgKind } from "../modules/organizations/organizations.enums.js";
import { DataCategory, accessBelow, minAccess, type Access, type RedactionReason } from "./categories.js";
import { policyAccess, withoutConsentCap } from "./policy.js";

// view = project(principal, entity, relationship, consents): every object that carries household
// data is built here. Redaction is data (a null or masked value plus a `redactions` entry), never
// a GraphQL error, and field resolvers only read the finished view.

/**
 * A protected value that is decrypted only if the projection discloses it (FULL or MASKED):
 * a withheld ID number is never decrypted at all.
 */
export class Sealed<T> {
  constructor(
    private readonly open: (a: never, b: never) => T,
    private readonly a?: unknown,
    private readonly b?: unknown,
  ) {}

  /** `open(a, b)` reveals the value: a module-level `open` and its arguments cost no closure per value. */
  static of<T, A, B>(open: (a: A, b: B) => T, a: A, b: B): Sealed<T> {
    return new Sealed<T>(open as (a: never, b: never) => T, a, b);
  }

  reveal(): T {
    return this.open(this.a as never, this.b as never);
  }
}

type Revealed<V> = V extends Sealed<infer T> ? T : V;
type ItemOf<V> = V extends readonly (infer I)[] ? I : NonNullable<V>;

export interface FieldRule<V> {
  readonly category: DataCategory;
  /** How to show the value when access is MASKED; without one, MASKED means WITHHELD. A mask may read
   * the record's other fields (an address shows its community from the area code). */
  readonly mask?: (value: NonNullable<Revealed<V>>, record: Readonly<Record<string, unknown>>) => NonNullable<Revealed<V>>;
  /** Minimum necessity: only these org kinds may ever see the value in full. */
  readonly fullOnlyFor?: ReadonlySet<OrgKind>;
  /**
   * For a value whose items each reveal their own category (a need's beneficiary tags; a note classed
   * by its content): every item is shown only where its category is FULL for the caller, and the
   * field's own `category` is that of the value's existence (BASIC).
   */
  readonly itemCategory?: (item: ItemOf<Revealed<V>>) => DataCategory;
}

/** The separator of per-item entries in FullFields: `beneficiaryTags#HEALTH` is the field's HEALTH items. */
export const ITEM_CATEGORY_SEPARATOR = "#";

/** Every field of a projected entity with its data category; a field not listed cannot be shown. */
export interface EntityCatalogue<S extends object> {
  readonly entity: string;
  readonly fields: { readonly [K in keyof S]-?: FieldRule<S[K]> };
  /**
   * The field holding the record's own id and the household it concerns (for the access log). They are
   * projected whatever the operation selected; a nested relation reads only these (and HOUSEHOLD_OF)
   * from a view, as the projector builds no other field the operation did not select.
   */
  readonly keys: { readonly id: keyof S & string; readonly household: keyof S & string };
}

export function defineCatalogue<S extends object>(
  entity: string,
  keys: EntityCatalogue<S>["keys"],
  fields: { readonly [K in keyof S]-?: FieldRule<S[K]> },
): EntityCatalogue<S> {
  return Object.freeze({ entity, keys, fields: Object.freeze(fields) });
}

/**
 * Which fields of which GraphQL object type the executing operation asks for (src/audit/selection.ts:
 * selected, filtered on or looked up by; a name the schema does not expose counts as asked). The
 * projector builds only those: an unselected protected value is neither decrypted nor masked.
 */
export type SelectedFields = (entityType: string, field: string) => boolean;

/**
 * The fields of one entity type a view discloses in full, with their categories (BASIC left out):
 * one object per decision set, so its identity stands for "decided alike".
 */
export type FullFields = ReadonlyMap<string, DataCategory>;

/**
 * Receives every view the projector builds (the request's access log). Which of the full fields the
 * response actually showed depends on the query's selection; the sink resolves that when it writes.
 */
export interface DisclosureSink {
  projected(entityType: string, entityId: string, householdId: string | null, fullFields: FullFields): void;
}

/** Why the caller can see the record at all, and the most it may disclose through that path. */
export interface Grant {
  readonly relationship: "JURISDICTION" | "SELF" | "PUBLISHED_NEED" | "REFERRAL" | "ASSIGNMENT" | "CLAIM" | "NONE";
  /** Per-category ceilings of this relationship; absent categories are not limited by it. */
  readonly caps?: Partial<{ readonly [C in DataCategory]: Access }>;
  /** Categories the household has consented to disclose to this caller (live consents only). */
  readonly consented?: ReadonlySet<DataCategory>;
}

export interface Redaction {
  readonly field: string;
  readonly access: Exclude<Access, "FULL">;
  readonly reason: RedactionReason;
}

/** On every view, not enumerable and never a GraphQL field: the household the record concerns, for
 * nested relations to re-check — whether or not the view itself discloses the household's id. */
export const HOUSEHOLD_OF: unique symbol = Symbol("householdOf");

export type View<S extends object> = { readonly [K in keyof S]: Revealed<S[K]> | null } & {
  readonly redactions: readonly Redaction[];
  /** The relationship this view was reached through; nested relations inherit it. */
  readonly grant: Grant;
  readonly [HOUSEHOLD_OF]?: string | null;
};

interface FieldDecision {
  readonly field: string;
  readonly access: Access;
  readonly reason: RedactionReason | null;
}

interface Decisions {
  readonly fields: readonly FieldDecision[];
  /** The redactions that do not depend on the record's values (every field without per-item categories), frozen. */
  readonly fixedRedactions: readonly Redaction[];
  /** The fields with per-item categories that are not withheld as a whole: their redactions are per record. */
  readonly itemFields: readonly FieldDecision[];
  /** Each field's position in the catalogue (the order of `redactions`). */
  readonly order: ReadonlyMap<string, number>;
  /** What to build when no selection is known: every field, and the redactions. */
  readonly everything: Plan;
  /** For fields with per-item categories: the decision for each category an item may carry. */
  readonly items: ReadonlyMap<string, ReadonlyMap<DataCategory, Omit<FieldDecision, "field">>>;
  /** The fields decided FULL whose category is sensitive (not BASIC). */
  readonly fullFields: FullFields;
}

/** Decide one field's access: remit/role ∩ minimum necessity ∩ consent ∩ relationship. Pure. */
export function decideField<V>(principal: Principal, rule: FieldRule<V>, grant: Grant): Omit<FieldDecision, "field"> {
  const policy = policyAccess(principal.org.kind, principal.role, rule.category);
  let access = policy.access;
  let reason: RedactionReason | null = policy.limitedBy === "ROLE" ? "ROLE" : policy.limitedBy ? "OUT_OF_REMIT" : null;
  if (rule.fullOnlyFor && !rule.fullOnlyFor.has(principal.org.kind) && access === "FULL") {
    access = "MASKED";
    reason = "MINIMUM_NECESSITY";
  }
  const noConsentCap = withoutConsentCap(principal.org.kind, rule.category);
  if (noConsentCap !== undefined && !grant.consented?.has(rule.category) && accessBelow(noConsentCap, access)) {
    access = noConsentCap;
    reason = "NO_CONSENT";
  }
  const cap = grant.caps?.[rule.category];
  if (cap !== undefined && accessBelow(cap, access)) {
    access = minAccess(access, cap);
    reason = "NOT_ASSIGNED";
  }
  if (access === "MASKED" && !rule.mask) access = "WITHHELD";
  return { access, reason: access === "FULL" ? null : reason };
}

/**
 * Projects rows for one caller. Decisions depend only on (catalogue, relationship), so they are
 * computed once per request and reused for every row of a list.
 */
export class Projector {
  private readonly decisions = new Map<string, Decisions>();
  /** Hot path: grants are shared objects (a scope's constant, one per household per page), so
   * the decisions for a (grant, catalogue) pair are found by identity before any key is built. */
  private readonly byGrant = new WeakMap<Grant, Map<EntityCatalogue<object>, Decisions>>();

  constructor(
    readonly principal: Principal,
    private readonly sink?: DisclosureSink,
  ) {}

  /** The operation's selection, once it is known (before execution); until then every field is built. */
  private selection: SelectedFields | null = null;
  private readonly plans = new WeakMap<Decisions, Plan>();

  useSelection(selection: SelectedFields | null): void {
    this.selection = selection;
  }

  /** Whether the operation asks for `field` of `entityType` (true when no selection is known). */
  selects(entityType: string, field: string): boolean {
    return this.selection ? this.selection(entityType, field) : true;
  }

  project<S extends object>(catalogue: EntityCatalogue<S>, source: S, grant: Grant): View<S> {
    const decisions = this.decide(catalogue, grant);
    const plan = this.planOf(catalogue as EntityCatalogue<object>, decisions);
    const out: Record<string, unknown> = {};
    const record = source as Record<string, unknown>;
    const rules = catalogue.fields as Record<string, FieldRule<unknown>>;
    const householdId = (record[catalogue.keys.household] as string | null) ?? null;
    this.sink?.projected(catalogue.entity, String(record[catalogue.keys.id]), householdId, decisions.fullFields);
    for (const d of plan.fields) {
      if (d.access === "WITHHELD") {
        out[d.field] = null;
        continue;
      }
      const raw = record[d.field];
      const value = raw instanceof Sealed ? raw.reveal() : raw;
      const items = decisions.items.get(d.field);
      if (items && value != null) {
        const itemCategory = rules[d.field]!.itemCategory!;
        const full = (item: unknown) => items.get(itemCategory(item as never))!.access === "FULL";
        out[d.field] = Array.isArray(value) ? value.filter(full) : full(value) ? value : null;
      } else if (d.access === "FULL") {
        out[d.field] = value ?? null;
      } else {
        out[d.field] = value != null ? rules[d.field]!.mask!(value, record) : null;
      }
    }
    let redactions = decisions.fixedRedactions;
    if (plan.redactions && decisions.itemFields.length > 0) {
      // Per-item redactions depend on the record's items; listed in field order with the fixed ones.
      const perItem = decisions.itemFields.flatMap((d) => itemRedaction(rules[d.field]!, d, decisions.items.get(d.field)!, record[d.field]));
      if (perItem.length > 0) redactions = [...redactions, ...perItem].sort((a, b) => decisions.order.get(a.field)! - decisions.order.get(b.field)!);
    }
    out.redactions = plan.redactions ? redactions : NO_REDACTIONS;
    out.grant = grant;
    Object.defineProperty(out, HOUSEHOLD_OF, { value: householdId, enumerable: false });
    return out as View<S>;
  }

  /** The fields to build for this decision set under the operation's selection (all without one). */
  private planOf(catalogue: EntityCatalogue<object>, decisions: Decisions): Plan {
    const selection = this.selection;
    if (!selection) return decisions.everything;
    let plan = this.plans.get(decisions);
    if (!plan) {
      const keep = new Set<string>([catalogue.keys.id, catalogue.keys.household]);
      const fields = decisions.fields.filter((d) => keep.has(d.field) || selection(catalogue.entity, d.field));
      plan = { fields, redactions: selection(catalogue.entity, "redactions") };
      this.plans.set(decisions, plan);
    }
    return plan;
  }

  /** Whether the caller may read a field in full through this relationship (for filters and sorts). */
  canReadFully<S extends object>(catalogue: EntityCatalogue<S>, field: keyof S & string, grant: Grant): boolean {
    return this.decide(catalogue, grant).fields.some((d) => d.field === field && d.access === "FULL");
  }

  private decide<S extends object>(catalogue: EntityCatalogue<S>, grant: Grant): Decisions {
    let forGrant = this.byGrant.get(grant);
    const known = forGrant?.get(catalogue as EntityCatalogue<object>);
    if (known) return known;
    const decided = this.decideByContent(catalogue, grant);
    if (!forGrant) this.byGrant.set(grant, (forGrant = new Map()));
    forGrant.set(catalogue as EntityCatalogue<object>, decided);
    return decided;
  }

  private decideByContent<S extends object>(catalogue: EntityCatalogue<S>, grant: Grant): Decisions {
    const key = `${catalogue.entity}|${grant.relationship}|${JSON.stringify(grant.caps ?? {})}|${[...(grant.consented ?? [])].sort().join(",")}`;
    let decisions = this.decisions.get(key);
    if (!decisions) {
      const rules = catalogue.fields as Record<string, FieldRule<unknown>>;
      const fields = Object.entries(rules).map(([field, rule]) => ({ field, ...decideField(this.principal, rule, grant) }));
      const fullFields = new Map<string, DataCategory>();
      const items = new Map<string, Map<DataCategory, Omit<FieldDecision, "field">>>();
      for (const d of fields) {
        const rule = rules[d.field]!;
        if (d.access === "FULL" && rule.category !== "BASIC") fullFields.set(d.field, rule.category);
        if (!rule.itemCategory || d.access === "WITHHELD") continue;
        const byCategory = new Map<DataCategory, Omit<FieldDecision, "field">>();
        for (const category of DataCategory.values) {
          const decided = decideField(this.principal, { category, fullOnlyFor: rule.fullOnlyFor }, grant);
          byCategory.set(category, decided);
          if (decided.access === "FULL" && category !== "BASIC") fullFields.set(`${d.field}${ITEM_CATEGORY_SEPARATOR}${category}`, category);
        }
        items.set(d.field, byCategory);
      }
      // Value-independent redactions, in field order (per-item ones are added per record).
      const itemFields = fields.filter((d) => rules[d.field]!.itemCategory !== undefined && d.access !== "WITHHELD");
      const fixedRedactions = Object.freeze(
        fields.flatMap((d): Redaction[] =>
          d.access === "FULL" || itemFields.includes(d)
            ? []
            : [Object.freeze({ field: d.field, access: d.access === "WITHHELD" ? "WITHHELD" : "MASKED", reason: d.reason ?? "OUT_OF_REMIT" } as const)],
        ),
      );
      const order = new Map(fields.map((d, i) => [d.field, i]));
      decisions = { fields, fixedRedactions, itemFields, order, items, fullFields, everything: { fields, redactions: true } };
      this.decisions.set(key, decisions);
    }
    return decisions;
  }
}

/** What one decision set builds under one selection. */
interface Plan {
  readonly fields: readonly FieldDecision[];
  /** Whether the operation reads the view's `redactions`. */
  readonly redactions: boolean;
}

const NO_REDACTIONS: readonly Redaction[] = Object.freeze([]);

/** A per-item field's redaction on one record, as its items decide (none when every item is shown). */
function itemRedaction(
  rule: FieldRule<unknown>,
  d: FieldDecision,
  items: ReadonlyMap<DataCategory, Omit<FieldDecision, "field">>,
  raw: unknown,
): Redaction[] {
  const value = raw instanceof Sealed ? raw.reveal() : raw;
  if (value == null) return d.access === "FULL" ? [] : [{ field: d.field, access: "MASKED", reason: d.reason ?? "OUT_OF_REMIT" }];
  const decisionOf = (item: unknown) => items.get(rule.itemCategory!(item as never))!;
  const refused = (Array.isArray(value) ? value : [value]).map(decisionOf).find((x) => x.access !== "FULL");
  if (!refused) return [];
  return [{ field: d.field, access: Array.isArray(value) ? "MASKED" : "WITHHELD", reason: refused.reason ?? "OUT_OF_REMIT" }];
}
