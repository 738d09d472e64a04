import type { Principal } from "../auth/principal.js";
import type { DataCategory } from "../privacy/categories.js";
import type { AccessDisclosure, AccessEntry } from "./access-log.js";

interface Bucket {
  outcome: "ALLOWED" | "DENIED";
  entityType: string;
  detail: string | null;
  entityIds: Set<string>;
  householdIds: Set<string>;
  categoriesFull: Set<DataCategory>;
}

/**
 * Collects one request's disclosures as the projector builds views (and its denied lookups), then
 * turns them into the request's access-log entry — one disclosure per entity type and outcome —
 * written before the response leaves (see server.ts).
 */
export class AccessRecorder {
  private readonly buckets = new Map<string, Bucket>();

  private bucket(outcome: Bucket["outcome"], entityType: string, detail: string | null): Bucket {
    const key = `${outcome}|${entityType}|${detail ?? ""}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { outcome, entityType, detail, entityIds: new Set(), householdIds: new Set(), categoriesFull: new Set() };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** A view was built: which record, whose household, which categories it showed in full. */
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
    return this.buckets.size === 0;
  }

  entry(args: { principal: Principal; requestId: string; operation: string; purpose: string | null; at: Date }): AccessEntry {
    const disclosures: AccessDisclosure[] = [...this.buckets.values()].map((b) => ({
      outcome: b.outcome,
      entityType: b.entityType,
      entityIds: [...b.entityIds],
      householdIds: [...b.householdIds],
      categoriesFull: [...b.categoriesFull].sort(),
      detail: b.detail,
    }));
    return {
      at: args.at,
      requestId: args.requestId,
      subject: args.principal.subject,
      orgCode: args.principal.org.code,
      orgKind: args.principal.org.kind,
      role: args.principal.role,
      purpose: args.purpose,
      operation: args.operation,
      disclosures,
    };
  }
}
