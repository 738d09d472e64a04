import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { PublicReader, Viewer } from "../../context.type.js";
import type { Database } from "../../db/client.js";
import { districtDate } from "../../shared/calendar.js";
import { ValidationError } from "../../shared/errors.js";
import { codeOrThrow } from "../../shared/validate.js";
import { needs } from "../needs/index.js";
import type { NeedCategory } from "../needs/index.js";
import { organizations } from "../organizations/index.js";
import { ClaimError } from "./claims.errors.js";
import { claims } from "./claims.table.js";

// 慈善信息公开 and 慈善行为记录 (clause 18): what charities delivered, published without a token, and
// each charity's conduct record. Both are aggregates of claims; nothing here names a household, a need
// or a person. Published figures follow the threshold rule: a cell counting fewer than `minCell`
// fulfilments is suppressed (said to be, not shown), and only closed months are published, so a cell
// never changes once out — no one learns a single delivery by watching a figure move.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MAX_MONTHS = 24;

/** The district's month of a timestamp column, as SQL (China Standard Time, no zone database needed). */
const districtMonth = (column: unknown) => sql<string>`to_char((${column} at time zone 'UTC') + interval '8 hours', 'YYYY-MM')`;

function monthStart(month: string): Date {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1) - 8 * 3600 * 1000);
}

function nextMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

export interface FulfilledCell {
  readonly month: string;
  readonly category: NeedCategory;
  /** The county-level (district) division code: no finer area is published. */
  readonly areaCode: string;
  readonly charityCode: string;
  readonly charityName: string;
  readonly fulfilled: number;
  /** fen */
  readonly amountDelivered: number;
}

export interface FulfilledNeedsReport {
  readonly from: string;
  readonly to: string;
  readonly minCell: number;
  readonly cells: FulfilledCell[];
  /** Cells held back under the threshold: how many, never what they count. */
  readonly suppressedCells: number;
}

/**
 * 救助信息公开 — fulfilled needs by month, category, district and charity, for closed months from
 * `from` to `to` (YYYY-MM, at most 24, the current month excluded).
 */
export async function fulfilledNeeds(reader: PublicReader, args: { from: string; to: string }, now: Date = new Date()): Promise<FulfilledNeedsReport> {
  const current = districtDate(now).slice(0, 7);
  for (const [field, value] of [["from", args.from], ["to", args.to]] as const) {
    if (!MONTH.test(value)) throw ValidationError.atField("INVALID_DATE", `${field} must be a month YYYY-MM`, field);
  }
  if (args.to < args.from) throw ValidationError.atField("INVALID_DATE", "to must not be before from", "to");
  if (args.to >= current) throw ValidationError.atField("INVALID_DATE", `only closed months are published: to must be before ${current}`, "to");
  let months = 1;
  for (let m = args.from; m < args.to; m = nextMonth(m)) months++;
  if (months > MAX_MONTHS) throw ValidationError.atField("INVALID_DATE", `at most ${MAX_MONTHS} months at a time`, "from");

  const month = districtMonth(claims.fulfilledAt);
  const district = sql<string>`rpad(left(${needs.areaCode}, 6), 12, '0')`;
  const rows = await reader.db
    .select({
      month,
      category: needs.category,
      areaCode: district,
      charityCode: organizations.code,
      charityName: organizations.nameZh,
      fulfilled: sql<number>`count(*)::int`,
      amountDelivered: sql<string>`coalesce(sum(${claims.deliveredAmountFen}), 0)::bigint`,
    })
    .from(claims)
    .innerJoin(needs, eq(needs.id, claims.needId))
    .innerJoin(organizations, eq(organizations.id, claims.claimantOrgId))
    .where(and(eq(claims.status, "FULFILLED"), gte(claims.fulfilledAt, monthStart(args.from)), lt(claims.fulfilledAt, monthStart(nextMonth(args.to)))))
    .groupBy(month, needs.category, district, organizations.code, organizations.nameZh)
    .orderBy(month, needs.category, district, organizations.code);
  const shown = rows.filter((r) => r.fulfilled >= reader.minCell);
  return {
    from: args.from,
    to: args.to,
    minCell: reader.minCell,
    cells: shown.map((r) => ({ ...r, amountDelivered: Number(r.amountDelivered) })),
    suppressedCells: rows.length - shown.length,
  };
}

export interface ConductRecord {
  readonly charityCode: string;
  readonly charityName: string;
  readonly claims: number;
  readonly active: number;
  readonly fulfilled: number;
  readonly released: number;
  readonly expired: number;
  /** fen; null where suppressed (a public summary under the threshold). */
  readonly amountDelivered: number | null;
  /** Median days from claim to fulfilment; null before the first fulfilment. */
  readonly medianDaysToFulfil: number | null;
  /** Fulfilled by the need's deadline (or, without one, before the claim fell due), of all fulfilled. */
  readonly shareOnTime: number | null;
}

const CLAIMANT_KINDS = ["CHARITY", "VOLUNTEER_ORG"] as const;

async function conductOf(db: Database, orgCode: string): Promise<ConductRecord | null> {
  const [org] = await db
    .select({ id: organizations.id, code: organizations.code, nameZh: organizations.nameZh })
    .from(organizations)
    .where(and(eq(organizations.code, orgCode), inArray(organizations.kind, [...CLAIMANT_KINDS])));
  if (!org) return null;
  const [r] = await db
    .select({
      claims: sql<number>`count(*)::int`,
      active: sql<number>`(count(*) filter (where ${claims.status} = 'ACTIVE'))::int`,
      fulfilled: sql<number>`(count(*) filter (where ${claims.status} = 'FULFILLED'))::int`,
      released: sql<number>`(count(*) filter (where ${claims.status} = 'RELEASED'))::int`,
      expired: sql<number>`(count(*) filter (where ${claims.status} = 'EXPIRED'))::int`,
      amountDelivered: sql<string>`coalesce(sum(${claims.deliveredAmountFen}) filter (where ${claims.status} = 'FULFILLED'), 0)::bigint`,
      medianDays: sql<string | null>`percentile_cont(0.5) within group (order by extract(epoch from ${claims.fulfilledAt} - ${claims.claimedAt}) / 86400) filter (where ${claims.status} = 'FULFILLED')`,
      onTime: sql<number>`(count(*) filter (where ${claims.status} = 'FULFILLED' and (${needs.neededBy} is null or ${claims.deliveredOn} <= ${needs.neededBy})))::int`,
    })
    .from(claims)
    .innerJoin(needs, eq(needs.id, claims.needId))
    .where(eq(claims.claimantOrgId, org.id));
  const row = r!;
  return {
    charityCode: org.code,
    charityName: org.nameZh,
    claims: row.claims,
    active: row.active,
    fulfilled: row.fulfilled,
    released: row.released,
    expired: row.expired,
    amountDelivered: Number(row.amountDelivered),
    medianDaysToFulfil: row.medianDays === null ? null : Math.round(Number(row.medianDays) * 10) / 10,
    shareOnTime: row.fulfilled === 0 ? null : Math.round((row.onTime / row.fulfilled) * 1000) / 1000,
  };
}

/** 慈善行为记录 — a charity's full conduct record: for civil affairs, and for the charity itself. */
export async function charityConduct(viewer: Viewer, orgCodeArg: string): Promise<ConductRecord> {
  const orgCode = codeOrThrow(orgCodeArg, "orgCode");
  const own = viewer.principal.org.code === orgCode;
  const record = own || viewer.principal.org.kind === "CIVIL_AFFAIRS" ? await conductOf(viewer.db, orgCode) : null;
  if (!record) throw new ClaimError("CHARITY_NOT_FOUND", "no charity or volunteer organization with that code among those you may see");
  return record;
}

/**
 * The public summary of a charity's conduct: counts always; the amount delivered and the timing only
 * once it has fulfilled at least `minCell` claims (fewer would tell what one household received).
 */
export async function charityConductSummary(reader: PublicReader, orgCodeArg: string): Promise<ConductRecord & { readonly figuresSuppressed: boolean }> {
  const record = await conductOf(reader.db, codeOrThrow(orgCodeArg, "orgCode"));
  if (!record) throw new ClaimError("CHARITY_NOT_FOUND", "no charity or volunteer organization with that code");
  const suppressed = record.fulfilled < reader.minCell;
  return suppressed ? { ...record, amountDelivered: null, medianDaysToFulfil: null, shareOnTime: null, figuresSuppressed: true } : { ...record, figuresSuppressed: false };
}
