import type { NeedUrgency } from "../needs/index.js";

// The ranked score of a need for a resource, from components the hub computes (in SQL for ranking,
// here for the reasons): deterministic for equal inputs, integers only, so ties break on the need
// number and a page cursor is exact. Weights as data; the reasons say each component in words a
// caseworker accepts — and never a category the reader may not see (no case, no cover: the open
// amount only, and an eligibility tag only as the tag the resource asked for).

export const URGENCY_POINTS: { readonly [U in NeedUrgency]: number } = { CRITICAL: 40, HIGH: 30, MEDIUM: 20, LOW: 10 };
const URGENCY_WORDS: { readonly [U in NeedUrgency]: string } = { CRITICAL: "urgency CRITICAL (急难)", HIGH: "urgency HIGH (紧急)", MEDIUM: "urgency MEDIUM (较急)", LOW: "urgency LOW (一般)" };
/** A point per two days waited, up to 30 days. */
export const WAITING_DAYS_CAP = 30;
/** Deadline within a week, within a month. */
export const DEADLINE_POINTS = { week: 10, month: 5 } as const;
/** The share of the open amount the resource can fund, × this; a need in kind gets half. */
export const FIT_POINTS = 20;
export const SAME_COMMUNITY_POINTS = 10;

export interface ScoreInput {
  readonly urgency: NeedUrgency;
  /** Whole days since the need was posted (as of the ranking's moment). */
  readonly waitingDays: number;
  /** Whole days to the need's deadline; null without one. */
  readonly daysToDeadline: number | null;
  /** fen the need leaves open for charity; null: in kind. */
  readonly openAmount: number | null;
  /** fen the resource can put toward it (its cap per beneficiary and budget left); null: no limit. */
  readonly fundable: number | null;
  /** The need's community is one of the resource's service areas itself (not only inside one). */
  readonly sameCommunity: boolean;
  /** The resource's eligibility tags the need carries. */
  readonly matchedTags: readonly string[];
}

export interface Scored {
  readonly score: number;
  readonly reasons: string[];
  /** fen the resource would put toward the need: min(open amount, fundable); null in kind. */
  readonly topUp: number | null;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function scoreMatch(m: ScoreInput): Scored {
  const reasons: string[] = [];
  let score = 0;
  if (m.sameCommunity) {
    score += SAME_COMMUNITY_POINTS;
    reasons.push("same community (同社区)");
  } else {
    reasons.push("within the service area (服务区域内)");
  }
  score += URGENCY_POINTS[m.urgency];
  reasons.push(URGENCY_WORDS[m.urgency]);
  let topUp: number | null = null;
  if (m.openAmount !== null && m.openAmount > 0) {
    topUp = m.fundable === null ? m.openAmount : Math.min(m.openAmount, m.fundable);
    // Integer arithmetic, the same as the ranking's SQL: round(topUp / open × FIT_POINTS), halves up.
    score += Math.floor((topUp * 2 * FIT_POINTS + m.openAmount) / (2 * m.openAmount));
    reasons.push(`covers ${Math.floor((topUp * 100) / m.openAmount)}% of the open ${yuan(m.openAmount)} yuan`);
  } else {
    score += FIT_POINTS / 2;
    reasons.push("in kind (实物/服务)");
  }
  const waited = Math.max(0, Math.min(m.waitingDays, WAITING_DAYS_CAP));
  score += Math.floor(waited / 2);
  reasons.push(m.waitingDays === 1 ? "waiting 1 day" : `waiting ${Math.max(0, m.waitingDays)} days`);
  if (m.daysToDeadline !== null) {
    if (m.daysToDeadline <= 7) score += DEADLINE_POINTS.week;
    else if (m.daysToDeadline <= 30) score += DEADLINE_POINTS.month;
    reasons.push(m.daysToDeadline <= 0 ? "needed today" : `needed within ${m.daysToDeadline} days`);
  }
  for (const tag of m.matchedTags) reasons.push(`eligible: ${tag}`);
  return { score, reasons, topUp };
}
