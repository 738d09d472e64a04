import { and, arrayContains, desc, inArray, lt } from "drizzle-orm";
import type { HubContext } from "../context.js";
import { viewerOf } from "../context.js";
import { householdInScope } from "../modules/households/index.js";
import { organizations } from "../modules/organizations/index.js";
import { NotFoundError } from "../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../shared/graphql/connection.js";
import { uuidOrThrow } from "../shared/validate.js";
import { disclosuresOf } from "./access-log.js";
import { accessLog, type AccessLogRow } from "./audit.table.js";
import type { DataCategory } from "../privacy/categories.js";
import type { AccessLogEntryType, AuditChainStatusType } from "./audit.type.js";
import { verifyAuditChains } from "./verify.js";

const SEQ_KEY = /^\d{1,15}$/;

/** Who accessed a household: for the household itself (RESIDENT) and for auditors, newest first. */
export async function householdAccessLog(ctx: HubContext, args: { householdId: string; page: PageArgs }): Promise<Page<AccessLogEntryType>> {
  const { principal } = viewerOf(ctx);
  const householdId = uuidOrThrow(args.householdId, "householdId");
  const page = pageRequest(args.page, SEQ_KEY);
  if (!(await householdInScope(ctx, householdId))) {
    ctx.audit.denied("AccessLog", "NOT_IN_SCOPE", householdId, householdId);
    throw new NotFoundError("household");
  }
  const where = and(
    arrayContains(accessLog.householdIds, [householdId]),
    page.afterKey ? lt(accessLog.seq, Number(page.afterKey)) : undefined,
  );
  const rows = await ctx.db.select().from(accessLog).where(where).orderBy(desc(accessLog.seq)).limit(page.limit + 1);
  const total = await ctx.db.$count(accessLog, arrayContains(accessLog.householdIds, [householdId]));
  const codes = [...new Set(rows.map((r) => r.orgCode))];
  const names = new Map(
    codes.length === 0
      ? []
      : (await ctx.db.select({ code: organizations.code, nameZh: organizations.nameZh }).from(organizations).where(inArray(organizations.code, codes))).map(
          (o) => [o.code, o.nameZh] as const,
        ),
  );
  const auditor = principal.org.kind === "CIVIL_AFFAIRS";
  ctx.audit.disclosed("AccessLog", householdId, householdId, []);
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
function concerning(row: AccessLogRow, householdId: string): Pick<AccessLogEntryType, "outcome" | "categoriesFull" | "disclosures"> {
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

/** Verifies both chains now. Cost grows with the log: fine for on-demand audits, not for polling. */
export async function auditChainStatus(ctx: HubContext): Promise<AuditChainStatusType[]> {
  viewerOf(ctx);
  return (await verifyAuditChains(ctx.db, { key: ctx.cipher.auditKey })).map((s) => ({ ...s }));
}
