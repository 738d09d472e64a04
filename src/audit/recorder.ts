import type { Principal } from "../auth/principal.js";
import type { DataCategory } from "../privacy/categories.js";
import { ITEM_CATEGORY_SEPARATOR, type DisclosureSink, type FullFields } from "../privacy/project.js";
import type { AccessDisclosure, AccessEntry } from "./access-log.js";

interface Bucket {
  outcome: "ALLOWED" | "DENIED";
  entityType: string;
  detail: string | null;
  entityIds: Set<string>;
  householdIds: Set<string>;
  /** Categories known to be shown (direct disclosures). */
  categoriesFull: Set<DataCategory>;
  /** Projected views: the fields they carried in full; which were shown depends on the selection. */
  fullFields: FullFields | null;
}

/**
 * Whether a response showed `field` of `entityType`: the query selected it, filtered on it, or looked
 * up by it. See selection.ts; without one, every full field counts as shown.
 */
export type ShownFields = (entityType: string, field: string) => boolean;

/**
 * Collects one request's disclosures as the projector builds views (and its denied lookups), then
 * turns them into the request's access-log entry — one disclosure per entity type, outcome and set of
 * categories shown — written before the response leaves (see server.ts).
 */
export class AccessRecorder implements DisclosureSink {
  /** Views, by decision set: every row of a list decided alike lands in one bucket. */
  private readonly projections = new Map<FullFields, Bucket>();
  private readonly buckets = new Map<string, Bucket>();

  private bucket(outcome: Bucket["outcome"], entityType: string, detail: string | null): Bucket {
    const key = `${outcome}|${entityType}|${detail ?? ""}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = newBucket(outcome, entityType, detail, null);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** The projector built a view: which record, whose household, which fields it held in full. */
  projected(entityType: string, entityId: string, householdId: string | null, fullFields: FullFields): void {
    let b = this.projections.get(fullFields);
    if (!b) {
      b = newBucket("ALLOWED", entityType, null, fullFields);
      this.projections.set(fullFields, b);
    }
    b.entityIds.add(entityId);
    if (householdId) b.householdIds.add(householdId);
  }

  /** Something was shown outside a projection (a minimal-disclosure check): these categories, as given. */
  disclosed(entityType: string, entityId: string, householdId: string | null, categoriesFull: readonly DataCategory[]): void {
    const b = this.bucket("ALLOWED", entityType, null);
    b.entityIds.add(entityId);
    if (householdId) b.householdIds.add(householdId);
    categoriesFull.forEach((c) => b.categoriesFull.add(c));
  }

  /**
   * A lookup or operation was refused (out of scope, forbidden). `detail` is a reason code. When the
   * target is a household, its id goes in householdIds too, so the household sees the attempt.
   */
  denied(entityType: string, detail: string, entityId?: string, householdId?: string): void {
    const b = this.bucket("DENIED", entityType, detail);
    if (entityId) b.entityIds.add(entityId);
    if (householdId) b.householdIds.add(householdId);
  }

  get isEmpty(): boolean {
    return this.buckets.size === 0 && this.projections.size === 0;
  }

  /**
   * The request's entry. Views decided differently but showing the same categories (the difference
   * lay in fields the query did not ask for) become one disclosure.
   */
  entry(args: { principal: Principal; requestId: string; operation: string; purpose: string | null; at: Date; shown?: ShownFields }): AccessEntry {
    const merged = new Map<string, AccessDisclosure>();
    const add = (b: Bucket, categories: DataCategory[]) => {
      const key = `${b.outcome}|${b.entityType}|${b.detail ?? ""}|${categories.join(",")}`;
      const d = merged.get(key);
      if (!d) {
        merged.set(key, { outcome: b.outcome, entityType: b.entityType, entityIds: [...b.entityIds], householdIds: [...b.householdIds], categoriesFull: categories, detail: b.detail });
        return;
      }
      d.entityIds = [...new Set([...d.entityIds, ...b.entityIds])];
      d.householdIds = [...new Set([...d.householdIds, ...b.householdIds])];
    };
    for (const b of this.projections.values()) {
      const categories = new Set<DataCategory>();
      for (const [field, category] of b.fullFields!) {
        // A field's per-item categories (`beneficiaryTags#HEALTH`) count when the field is shown.
        if (!args.shown || args.shown(b.entityType, field.split(ITEM_CATEGORY_SEPARATOR, 1)[0]!)) categories.add(category);
      }
      add(b, [...categories].sort());
    }
    for (const b of this.buckets.values()) add(b, [...b.categoriesFull].sort());
    return {
      at: args.at,
      requestId: args.requestId,
      subject: args.principal.subject,
      orgCode: args.principal.org.code,
      orgKind: args.principal.org.kind,
      role: args.principal.role,
      purpose: args.purpose,
      operation: args.operation,
      disclosures: [...merged.values()],
    };
  }
}

function newBucket(outcome: Bucket["outcome"], entityType: string, detail: string | null, fullFields: FullFields | null): Bucket {
  return { outcome, entityType, detail, entityIds: new Set(), householdIds: new Set(), categoriesFull: new Set(), fullFields };
}
