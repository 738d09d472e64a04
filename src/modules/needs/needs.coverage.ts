import { sql, type SQL } from "drizzle-orm";
import { cases, type AssistanceType } from "../cases/index.js";
import type { NeedCategory } from "./needs.enums.js";
import { needs } from "./needs.table.js";

// 政府救助与慈善救助衔接 (clause 18): charity fills what government aid leaves; it never duplicates it.
// A need's category is covered by the household's APPROVED cases of the assistance types below; what
// they pay in one month is the government's cover of the need, and the need's open amount — what a
// charity may be matched to — is its amount less that cover. Policy as data: a diff here changes
// which needs charities see and for how much.

export const COVERED_BY: { readonly [C in NeedCategory]: readonly AssistanceType[] } = {
  BASIC_LIVING: ["MINIMUM_LIVING", "EXTREME_POVERTY", "LOW_INCOME", "TEMPORARY"],
  MEDICAL: ["MEDICAL"],
  EDUCATION: ["EDUCATION"],
  HOUSING: ["HOUSING"],
  EMPLOYMENT: ["EMPLOYMENT"],
  CARE_SERVICE: ["EXTREME_POVERTY"],
  PSYCHOLOGICAL: [],
  LEGAL: ["LEGAL_AID", "JUDICIAL_AID"],
  HEATING: ["HEATING"],
  DISASTER_RELIEF: ["DISASTER_RELIEF"],
  REHABILITATION: ["DISABILITY"],
  CHILD_PROTECTION: ["CHILDREN_IN_DIFFICULTY"],
  OTHER: [],
};

const PAIRS = Object.entries(COVERED_BY).flatMap(([category, types]) => types.map((t) => `${category}:${t}`));

/** The household's approved cases that cover the need's category, as a WHERE on `cases`. */
function coveringCases(): SQL {
  return sql`${cases.householdId} = ${needs.householdId} and ${cases.status} = 'APPROVED'
    and (${needs.category}::text || ':' || ${cases.type}::text) in (${sql.join(PAIRS.map((p) => sql`${p}`), sql`, `)})`;
}

/** SQL: one month of what those cases pay, in fen (0 when none). */
export const governmentCoverSql = (): SQL => sql`(select coalesce(sum(${cases.monthlyBenefitFen}), 0)::int from ${cases} where ${coveringCases()})`;

/** SQL: the assistance types of those cases (empty when none). */
export const governmentCoverTypesSql = (): SQL =>
  sql`(select coalesce(array_agg(distinct ${cases.type}::text order by ${cases.type}::text), '{}')::text[] from ${cases} where ${coveringCases()})`;

/** SQL: the need is open to charity — in kind, or with an amount government aid does not fully cover. */
export const openToCharitySql = (): SQL => sql`(${needs.amountFen} is null or ${needs.amountFen} > ${governmentCoverSql()})`;

/** What is left for charity of an amount after government cover (never below 0). Pure. */
export function openAmountOf(amountFen: number | null, coverFen: number): number | null {
  return amountFen === null ? null : Math.max(0, amountFen - coverFen);
}

/**
 * SQL for reads over many needs of a few categories (matching ranks tens of thousands): the covers of
 * every household at once, as a CTE body with columns household_id, category, fen, types — one pass over
 * the approved cases, hash-joined to the needs (`left join <cte> on household and category`), instead of
 * an index probe and an aggregate per need. The same sums as governmentCoverSql; no row = no cover.
 */
export function governmentCoversOf(categories: readonly string[]): SQL {
  const pairs = PAIRS.map((p) => p.split(":") as [string, string]).filter(([category]) => categories.includes(category));
  if (pairs.length === 0) return sql`select null::uuid as household_id, null::text as category, 0 as fen, '{}'::text[] as types where false`;
  return sql`select ${cases.householdId} as household_id, p.category, coalesce(sum(${cases.monthlyBenefitFen}), 0)::int as fen,
      array_agg(distinct ${cases.type}::text order by ${cases.type}::text)::text[] as types
    from ${cases} join (values ${sql.join(pairs.map(([c, t]) => sql`(${c}, ${t})`), sql`, `)}) as p(category, type) on p.type = ${cases.type}::text
    where ${cases.status} = 'APPROVED'
    group by ${cases.householdId}, p.category`;
}
