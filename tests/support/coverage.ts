import { COVERED_BY } from "../../src/modules/needs/needs.coverage.js";

// The tests' own arithmetic of government aid's cover of a need (the hub computes it in SQL,
// needs.coverage.ts): the household's APPROVED cases of the types COVERED_BY names, one month each.

type CaseLike = { householdId: string; type: string; status: string; monthlyBenefitFen: number | null };
type NeedLike = { householdId: string; category: string; amountFen: number | null };

export function coverOf(need: NeedLike, cases: readonly CaseLike[]): { governmentCoverFen: number; governmentCoverTypes: string[] } {
  const covering = cases.filter(
    (c) => c.householdId === need.householdId && c.status === "APPROVED" && (COVERED_BY as Record<string, readonly string[]>)[need.category]!.includes(c.type),
  );
  return {
    governmentCoverFen: covering.reduce((sum, c) => sum + (c.monthlyBenefitFen ?? 0), 0),
    governmentCoverTypes: [...new Set(covering.map((c) => c.type))].sort(),
  };
}

/** A need's row with its cover, as the hub's reads give it. */
export function withCover<N extends NeedLike>(need: N, cases: readonly CaseLike[]): N & ReturnType<typeof coverOf> {
  return { ...need, ...coverOf(need, cases) };
}

/** Whether a charity may see the need at all: in kind, or not fully covered. */
export function openToCharity(need: NeedLike, cases: readonly CaseLike[]): boolean {
  return need.amountFen === null || need.amountFen > coverOf(need, cases).governmentCoverFen;
}
