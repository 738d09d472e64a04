import { lazyCount } from "../../db/paging.js";
import { and, arrayContains, desc, inArray, lt } from "drizzle-orm";
import { accessLog, disclosuresOf, verifyAuditTrail, type AccessLogRow, type AuditStreamStatus, type CheckpointEvidence } from "../../audit/index.js";
import type { Viewer } from "../../context.type.js";
import type { DataCategory } from "../../privacy/categories.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { uuidOrThrow } from "../../shared/validate.js";
import { HouseholdError, householdInScope } from "../households/index.js";
import { organizations } from "../organizations/index.js";
import type { AccessLogEntryView } from "./access-log.views.js";

const SEQ_KEY = /^\d{1,15}$/;

/** Who accessed a household: for the household itself (RESIDENT) and for auditors, newest first. */
export async function householdAccessLog(viewer: Viewer, args: { householdId: string; page: PageArgs }): Promise<Page<AccessLogEntryView>> {
  const { principal, db } = viewer;
  const householdId = uuidOrThrow(args.householdId, "householdId");
  const page = pageRequest(args.page, SEQ_KEY);
  if (!(await householdInScope(viewer, householdId))) {
    viewer.audit.denied("AccessLog", "NOT_IN_SCOPE", householdId, householdId);
    throw new HouseholdError("HOUSEHOLD_NOT_FOUND", "household not found");
  }
  const where = and(
    arrayContains(accessLog.householdIds, [householdId]),
    page.afterKey ? lt(accessLog.seq, Number(page.afterKey)) : undefined,
  );
  const rows = await db.select().from(accessLog).where(where).orderBy(desc(accessLog.seq)).limit(page.limit + 1);
  const total = lazyCount(() => db.$count(accessLog, arrayContains(accessLog.householdIds, [householdId])));
  const codes = [...new Set(rows.map((r) => r.orgCode))];
  const names = new Map(
    codes.length === 0
      ? []
      : (await db.select({ code: organizations.code, nameZh: organizations.nameZh }).from(organizations).where(inArray(organizations.code, codes))).map(
          (o) => [o.code, o.nameZh] as const,
        ),
  );
  const auditor = principal.org.kind === "CIVIL_AFFAIRS";
  viewer.audit.disclosed("AccessLog", householdId, householdId, []);
  return toPage({
    rows,
    limit: page.limit,
    totalCount: total,
    keyOf: (r) => String(r.seq),
    view: (r) => ({
      ...concerning(r, householdId),
      seq: r.seq,
      at: r.at.toISOString(),
      orgCode: r.orgCode,
      orgName: names.get(r.orgCode) ?? null,
      orgKind: r.orgKind,
      role: r.role,
      subject: auditor ? r.subject : null,
      purpose: r.purpose,
      operation: r.operation,
    }),
  });
}

/**
 * The part of a request's entry that concerns one household: the disclosures naming it, without
 * entity ids (they include other households' records).
 */
function concerning(row: AccessLogRow, householdId: string): Pick<AccessLogEntryView, "outcome" | "categoriesFull" | "disclosures"> {
  const disclosures = disclosuresOf(row)
    .filter((d) => d.householdIds.includes(householdId))
    .map((d) => ({ outcome: d.outcome, entityType: d.entityType, categoriesFull: d.categoriesFull, detail: d.detail }));
  const categories = new Set<DataCategory>(disclosures.flatMap((d) => (d.outcome === "ALLOWED" ? d.categoriesFull : [])));
  return {
    outcome: disclosures.some((d) => d.outcome === "DENIED") ? "DENIED" : "ALLOWED",
    categoriesFull: [...categories].sort(),
    disclosures,
  };
}

const NO_CHECKPOINTS: CheckpointEvidence = { checkpoints: [], publicKeys: new Map() };

/**
 * Verifies both chains now, and against every signed checkpoint the hub keeps. Cost grows with the
 * log: fine for on-demand audits, not for polling.
 */
export async function auditChainStatus(viewer: Viewer): Promise<AuditStreamStatus[]> {
  const evidence = viewer.checkpointEvidence ? await viewer.checkpointEvidence() : NO_CHECKPOINTS;
  return (await verifyAuditTrail(viewer.db, { key: viewer.cipher.auditKey, evidence })).streams;
}
