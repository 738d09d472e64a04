import { and, arrayOverlaps, eq, sql, type SQL } from "drizzle-orm";
import type { Viewer } from "../../context.type.js";
import { preparedText, rawRows, rawStatement, selectList, type PreparedText, type ReadColumn } from "../../db/raw-rows.js";
import { needScope, type RecordScope } from "../../privacy/scope.js";
import { areaAncestors, areaPrefix } from "../../shared/area.js";
import { districtDate } from "../../shared/calendar.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { uuidOrThrow } from "../../shared/validate.js";
import type { View } from "../../privacy/project.js";
import { NEED_CATALOGUE, NEED_VIEW_COLUMNS, needOwnColumnsFor, NeedError, governmentCoversOf, needSource, needVisibility, needs, openAmountOf, type NeedReadRow, type NeedSource, type NeedUrgency } from "../needs/index.js";
import { ResourceError, resources, resourceView, type ResourceRow, type ResourceView } from "../resources/index.js";
import { DEADLINE_POINTS, FIT_POINTS, SAME_COMMUNITY_POINTS, URGENCY_POINTS, WAITING_DAYS_CAP, scoreMatch, type Scored } from "./matching.score.js";

// 精准对接 (clause 18): needs ranked for a resource, and resources for a need. Hard constraints first —
// open for matching, unclaimed, the category, the service area, the eligibility tags, capacity left,
// the window, and what government aid leaves open (a need it covers in full matches no resource) —
// then the ranked score of matching.score.ts with its reasons. A page is ranked as of one moment,
// carried in its cursor, so the next page continues the same order.

export interface NeedMatchView extends Scored {
  readonly need: View<NeedSource>;
}

export interface ResourceMatchView extends Scored {
  readonly resource: ResourceView;
}

/** `<as-of ms>|<score>|<number>`: the ranking's moment and the last row's place in it. */
const MATCH_KEY = /^\d{13}\|\d{1,4}\|[A-Z0-9-]{1,32}$/;
const CLAIMABLE = sql`('OPEN', 'MATCHED')`;

function rankedFrom(afterKey: string | null, now: Date): { asOf: Date; after: { score: number; no: string } | null } {
  if (!afterKey) return { asOf: now, after: null };
  const [ms, score, no] = afterKey.split("|") as [string, string, string];
  return { asOf: new Date(Number(ms)), after: { score: Number(score), no } };
}

/** What a resource can still put toward one beneficiary (fen); null: no money limit. */
function fundableOf(r: ResourceRow): number | null {
  const budgetLeft = r.budgetFen === null ? null : r.budgetFen - r.budgetClaimedFen;
  if (budgetLeft === null) return r.perBeneficiaryCapFen;
  return r.perBeneficiaryCapFen === null ? budgetLeft : Math.min(budgetLeft, r.perBeneficiaryCapFen);
}

/** Whether the resource takes claims today: active, in its window, with a slot and money left. */
function acceptsClaims(r: ResourceRow, today: string): boolean {
  return (
    r.status === "ACTIVE" &&
    r.startsOn <= today &&
    (r.endsOn === null || r.endsOn >= today) &&
    (r.capacitySlots === null || r.slotsClaimed < r.capacitySlots) &&
    (r.budgetFen === null || r.budgetClaimedFen < r.budgetFen)
  );
}

/**
 * The 12-digit codes inside an area, as a range: a condition the (category, area_code) index bounds,
 * where `like 'prefix%'` is only a filter unless the column's collation is C.
 */
function areaRange(code: string): { from: string; to: string } {
  const prefix = areaPrefix(code);
  return { from: prefix.padEnd(12, "0"), to: prefix.padEnd(12, "9") };
}

/** What scoreMatch reads of a need, besides what the ranking computes. */
const SCORE_COLUMNS = { urgency: needs.urgency, amountFen: needs.amountFen, beneficiaryTags: needs.beneficiaryTags };

const inList = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

type RankedNeedRow = NeedReadRow & { waitingDays: number; daysToDeadline: number | null; sameCommunity: boolean; score: number };

/** What a ranking statement's text depends on; its values (times, codes, tags, the cursor) are parameters. */
interface RankingShape {
  readonly categories: readonly string[];
  /** How many service areas, eligibility tags. */
  readonly areas: number;
  readonly tags: number;
  /** The resource has a money limit (the fit score reads it). */
  readonly limited: boolean;
  readonly after: boolean;
  readonly onlyOne: boolean;
  readonly scope: RecordScope;
  readonly columns: Record<string, ReadColumn>;
}

interface RankingStatements {
  readonly page: PreparedText;
  readonly count: PreparedText;
}

/** Statement texts by shape, built once each (drizzle's building of the ranking cost a tenth of a request's CPU). */
const RANKINGS = new Map<string, RankingStatements>();
const MAX_RANKINGS = 256;

function rankingStatements(shape: RankingShape): RankingStatements {
  const { scope } = shape;
  const key = JSON.stringify([
    shape.categories,
    shape.areas,
    shape.tags,
    shape.limited,
    shape.after,
    shape.onlyOne,
    scope.kind,
    "areaPrefix" in scope ? scope.areaPrefix : null,
    "orgId" in scope ? scope.orgId : null,
    "householdId" in scope ? scope.householdId : null,
    Object.keys(shape.columns),
  ]);
  let statements = RANKINGS.get(key);
  if (!statements) {
    const built = rankingSql(shape);
    statements = { page: preparedText(() => built.page), count: preparedText(() => built.count) };
    // Oldest first out: a district has a few dozen organizations and category sets.
    if (RANKINGS.size >= MAX_RANKINGS) RANKINGS.delete(RANKINGS.keys().next().value!);
    RANKINGS.set(key, statements);
  }
  return statements;
}

function rankingSql(shape: RankingShape): { page: SQL; count: SQL } {
  const p = (name: string) => sql.placeholder(name);
  const areas = Array.from({ length: shape.areas }, (_, i) => i);
  const tags = Array.from({ length: shape.tags }, (_, i) => p(`tag${i}`));
  // The share of the open amount the resource can fund (matching.score.ts, the same integer arithmetic);
  // with no money limit it funds all of it.
  const fit = shape.limited
    ? sql`(case when "openFen" is null then ${sql.raw(String(FIT_POINTS / 2))} else ((least("openFen", ${p("fundable")}::bigint) * ${sql.raw(String(2 * FIT_POINTS))} + "openFen") / (2 * "openFen")) end)`
    : sql.raw(`(case when "openFen" is null then ${FIT_POINTS / 2} else ${FIT_POINTS} end)`);
  const score = sql`(
      (case "urgency" ${sql.join((Object.entries(URGENCY_POINTS) as [NeedUrgency, number][]).map(([u, points]) => sql.raw(`when '${u}' then ${points}`)), sql` `)} else 0 end)
    + (least(greatest("waitingDays", 0), ${sql.raw(String(WAITING_DAYS_CAP))}) / 2)
    + (case when "daysToDeadline" is null then 0 when "daysToDeadline" <= 7 then ${sql.raw(String(DEADLINE_POINTS.week))} when "daysToDeadline" <= 30 then ${sql.raw(String(DEADLINE_POINTS.month))} else 0 end)
    + ${fit}
    + (case when "sameCommunity" then ${sql.raw(String(SAME_COMMUNITY_POINTS))} else 0 end))::int`;
  // The cover once per need (the households' covers, hash-joined), used by the scope's open-to-charity
  // filter, the score and the view.
  const covers = sql`cover as (${governmentCoversOf(shape.categories)})`;
  const coverJoin = sql`left join cover on cover.household_id = ${needs.householdId} and cover.category = ${needs.category}::text`;
  // Ranked on what the score reads only: tens of thousands of candidates are sorted as narrow rows, and
  // only the page's are read whole. Waiting days in float8 (extract's numeric division cost more than the
  // rest of the score).
  const candidates: SQL = sql`select "id", "needNo", "urgency", "amountFen", "governmentCoverFen", "waitingDays", "daysToDeadline", "sameCommunity",
      (case when "amountFen" is null then null else greatest(0, "amountFen" - "governmentCoverFen") end) as "openFen"
    from (select ${needs.id} as "id", ${needs.needNo} as "needNo", ${needs.urgency} as "urgency", ${needs.amountFen} as "amountFen",
      coalesce(cover.fen, 0) as "governmentCoverFen",
      floor(date_part('epoch', ${p("asOf")}::timestamptz - ${needs.createdAt}) / 86400)::int as "waitingDays",
      (${needs.neededBy} - ${p("today")}::date)::int as "daysToDeadline",
      (${needs.areaCode} in (${sql.join(areas.map((i) => p(`area${i}`)), sql`, `)})) as "sameCommunity"
    from ${needs} ${coverJoin}
    where ${needVisibility(shape.scope, sql`(${needs.amountFen} is null or ${needs.amountFen} > coalesce(cover.fen, 0))`)}
      and ${needs.claimedByOrgId} is null and ${needs.status} in ${CLAIMABLE}
      ${shape.onlyOne ? sql`and ${needs.id} = ${p("onlyNeedId")}::uuid` : sql``}
      and ${needs.category} in (${inList(shape.categories)})
      and (${sql.join(areas.map((i) => sql`${needs.areaCode} between ${p(`from${i}`)} and ${p(`to${i}`)}`), sql` or `)})
      ${shape.tags > 0 ? sql`and ${needs.beneficiaryTags} && array[${sql.join(tags, sql`, `)}]::text[]` : sql``}) as n
    where "amountFen" is null or "amountFen" > "governmentCoverFen"`;
  const page = sql`with ${covers}, candidate as (${candidates}),
      scored as (select "id", "needNo", "governmentCoverFen", "waitingDays", "daysToDeadline", "sameCommunity", ${score} as "score" from candidate),
      ranked as (
        select * from scored
        ${shape.after ? sql`where ("score" < ${p("afterScore")}::int or ("score" = ${p("afterScore")}::int and "needNo" > ${p("afterNo")}::text))` : sql``}
        order by "score" desc, "needNo" asc limit ${p("limit")}::int)
      select ${selectList(shape.columns)}, ranked."governmentCoverFen", coalesce(cover.types, '{}') as "governmentCoverTypes",
        ranked."waitingDays", ranked."daysToDeadline", ranked."sameCommunity", ranked."score"
      from ranked join ${needs} on ${needs.id} = ranked."id" ${coverJoin}
      order by ranked."score" desc, ranked."needNo" asc`;
  const count = sql`with ${covers}, candidate as (${candidates}) select count(*)::int as n from candidate`;
  return { page, count };
}

/**
 * 匹配需求 — needs ranked for one of the caller's resources, each as the caller may see it (a charity:
 * the published, de-identified need), with its score, reasons and the top-up the resource would give.
 */
export async function matchesForResource(
  viewer: Viewer,
  args: { resourceId: string; page: PageArgs; /** Only this need (a live notification's), if it matches. */ onlyNeedId?: string },
  now: Date = new Date(),
): Promise<Page<NeedMatchView>> {
  const { principal, projector, cipher } = viewer;
  const resourceId = uuidOrThrow(args.resourceId, "resourceId");
  const page = pageRequest(args.page, MATCH_KEY);
  const [resource] = await viewer.db.select().from(resources).where(and(eq(resources.id, resourceId), eq(resources.ownerOrgId, principal.org.id)));
  if (!resource) throw ResourceError.atField("RESOURCE_NOT_FOUND", "resource not found among your organization's", "resourceId");
  const { asOf, after } = rankedFrom(page.afterKey, now);
  const empty = () => toPage<RankedNeedRow, NeedMatchView>({ rows: [], limit: page.limit, totalCount: async () => 0, keyOf: () => "", view: () => null as never });
  if (!acceptsClaims(resource, districtDate(asOf))) return empty();
  const fundable = fundableOf(resource);
  const scope = needScope(principal);
  const tags = resource.eligibilityTags;
  // The page's needs read whole only in what the operation shows of them, and what the score's reasons read.
  const columns = { ...needOwnColumnsFor((entity, field) => projector.selects(entity, field)), ...SCORE_COLUMNS };
  const statements = rankingStatements({
    categories: resource.categories,
    areas: resource.serviceAreaCodes.length,
    tags: tags.length,
    limited: fundable !== null,
    after: after !== null,
    onlyOne: args.onlyNeedId !== undefined,
    scope,
    columns,
  });
  const values: Record<string, unknown> = { asOf: asOf.toISOString(), today: districtDate(asOf), fundable, limit: page.limit + 1, afterScore: after?.score, afterNo: after?.no, onlyNeedId: args.onlyNeedId };
  resource.serviceAreaCodes.forEach((code, i) => Object.assign(values, { [`area${i}`]: code, [`from${i}`]: areaRange(code).from, [`to${i}`]: areaRange(code).to }));
  tags.forEach((tag, i) => (values[`tag${i}`] = tag));
  const rows = await rawStatement<RankedNeedRow>(viewer.db, statements.page.text, statements.page.params(values));
  return toPage({
    rows,
    limit: page.limit,
    // How many needs match, counted when asked for: the same constraints without the ranking.
    totalCount: async () => {
      const [n] = await rawStatement<{ n: number }>(viewer.db, statements.count.text, statements.count.params(values));
      return n?.n ?? 0;
    },
    keyOf: (r) => `${asOf.getTime()}|${r.score}|${r.needNo}`,
    view: (r) => {
      const scored = scoreMatch({
        urgency: r.urgency!,
        waitingDays: r.waitingDays,
        daysToDeadline: r.daysToDeadline,
        openAmount: openAmountOf(r.amountFen ?? null, r.governmentCoverFen ?? 0),
        fundable,
        sameCommunity: r.sameCommunity,
        matchedTags: tags.filter((t) => (r.beneficiaryTags ?? []).includes(t)),
      });
      return { ...scored, need: projector.project(NEED_CATALOGUE, needSource(r, cipher), scope.grant) };
    },
  });
}

/** Government aid first (政府救助与慈善救助衔接): a government programme ranks before any charity. */
const GOVERNMENT_FIRST_POINTS = 100;

/**
 * 匹配资源 — resources ranked for a need in the caller's jurisdiction: government programmes first,
 * then charity projects, each with its score, reasons and the top-up it would give toward what
 * government aid leaves open (the need's `governmentCover` says what that is).
 */
export async function matchesForNeed(viewer: Viewer, args: { needId: string; page: PageArgs }, now: Date = new Date()): Promise<Page<ResourceMatchView>> {
  const { principal } = viewer;
  const needId = uuidOrThrow(args.needId, "needId");
  const page = pageRequest(args.page, MATCH_KEY);
  const [need] = await rawRows<NeedReadRow & { createdAt: string }>(
    viewer.db,
    sql`select ${selectList(NEED_VIEW_COLUMNS)}, ${needs.createdAt}::text as "createdAt" from ${needs} where ${needs.id} = ${needId} and ${needVisibility(needScope(principal))}`,
  );
  if (!need) {
    viewer.audit.denied("Need", "NOT_IN_SCOPE", needId);
    throw NeedError.atField("NEED_NOT_FOUND", "need not found", "needId");
  }
  const { asOf, after } = rankedFrom(page.afterKey, now);
  const today = districtDate(asOf);
  const openAmount = openAmountOf(need.amountFen ?? null, need.governmentCoverFen ?? 0);
  const claimable = need.claimedByOrgId == null && (need.status === "OPEN" || need.status === "MATCHED") && openAmount !== 0;
  const candidates = claimable
    ? await viewer.db
        .select()
        .from(resources)
        .where(and(eq(resources.status, "ACTIVE"), sql`${need.category} = any(${resources.categories})`, arrayOverlaps(resources.serviceAreaCodes, areaAncestors(need.areaCode))))
    : [];
  const waitingDays = Math.floor((asOf.getTime() - Date.parse(need.createdAt)) / 86_400_000);
  const daysToDeadline = need.neededBy ? Math.round((Date.parse(need.neededBy) - Date.parse(today)) / 86_400_000) : null;
  const ranked = candidates
    .filter((r) => acceptsClaims(r, today))
    .filter((r) => r.eligibilityTags.length === 0 || r.eligibilityTags.some((t) => (need.beneficiaryTags ?? []).includes(t)))
    .filter((r) => r.serviceAreaCodes.some((c) => need.areaCode.startsWith(areaPrefix(c))))
    .map((r) => {
      const s = scoreMatch({
        urgency: need.urgency!,
        waitingDays,
        daysToDeadline,
        openAmount,
        fundable: fundableOf(r),
        sameCommunity: r.serviceAreaCodes.includes(need.areaCode),
        matchedTags: r.eligibilityTags.filter((t) => (need.beneficiaryTags ?? []).includes(t)),
      });
      const government = r.kind === "GOVERNMENT_PROGRAM" || r.kind === "PUBLIC_WELFARE_POST";
      return {
        row: r,
        match: { ...s, score: s.score + (government ? GOVERNMENT_FIRST_POINTS : 0), reasons: government ? ["government programme first (政府救助优先)", ...s.reasons] : s.reasons },
      };
    })
    .sort((a, b) => b.match.score - a.match.score || a.row.resourceNo.localeCompare(b.row.resourceNo));
  const start = after ? ranked.findIndex((x) => x.match.score < after.score || (x.match.score === after.score && x.row.resourceNo > after.no)) : 0;
  const rows = start < 0 ? [] : ranked.slice(start, start + page.limit + 1);
  return toPage({
    rows,
    limit: page.limit,
    totalCount: async () => ranked.length,
    keyOf: (x) => `${asOf.getTime()}|${x.match.score}|${x.row.resourceNo}`,
    view: (x) => ({ ...x.match, resource: resourceView(x.row) }),
  });
}
