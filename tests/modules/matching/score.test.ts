import { describe, expect, it } from "vitest";
import { scoreMatch, type ScoreInput } from "../../../src/modules/matching/index.js";

const base: ScoreInput = { urgency: "MEDIUM", waitingDays: 0, daysToDeadline: null, openAmount: 80_000, fundable: null, sameCommunity: false, matchedTags: [] };

describe("the match score", () => {
  it.each<[string, Partial<ScoreInput>, number, string[]]>([
    ["medium, fully fundable, just posted", {}, 20 + 20, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 100% of the open 800.00 yuan", "waiting 0 days"]],
    ["critical in the same community", { urgency: "CRITICAL", sameCommunity: true }, 10 + 40 + 20, ["same community (同社区)", "urgency CRITICAL (急难)", "covers 100% of the open 800.00 yuan", "waiting 0 days"]],
    ["half fundable: half the fit", { fundable: 40_000 }, 20 + 10, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 50% of the open 800.00 yuan", "waiting 0 days"]],
    ["a quarter fundable: rounds 5 exactly", { fundable: 20_000 }, 20 + 5, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 25% of the open 800.00 yuan", "waiting 0 days"]],
    ["waiting 12 days: 6 points", { waitingDays: 12 }, 20 + 20 + 6, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 100% of the open 800.00 yuan", "waiting 12 days"]],
    ["waiting is capped at 30 days", { waitingDays: 300 }, 20 + 20 + 15, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 100% of the open 800.00 yuan", "waiting 300 days"]],
    ["needed within a week", { daysToDeadline: 5 }, 20 + 20 + 10, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 100% of the open 800.00 yuan", "waiting 0 days", "needed within 5 days"]],
    ["needed within a month", { daysToDeadline: 20 }, 20 + 20 + 5, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 100% of the open 800.00 yuan", "waiting 0 days", "needed within 20 days"]],
    ["in kind: half the fit", { openAmount: null }, 20 + 10, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "in kind (实物/服务)", "waiting 0 days"]],
    ["the tag the resource asked for, by name", { matchedTags: ["child"] }, 20 + 20, ["within the service area (服务区域内)", "urgency MEDIUM (较急)", "covers 100% of the open 800.00 yuan", "waiting 0 days", "eligible: child"]],
  ])("%s", (_name, patch, score, reasons) => {
    const scored = scoreMatch({ ...base, ...patch });
    expect(scored.score).toBe(score);
    expect(scored.reasons).toEqual(reasons);
  });

  it("tops up at most the open amount and what the resource can fund", () => {
    expect(scoreMatch({ ...base, fundable: 30_000 }).topUp).toBe(30_000);
    expect(scoreMatch({ ...base, fundable: 300_000 }).topUp).toBe(80_000);
    expect(scoreMatch({ ...base, openAmount: null }).topUp).toBeNull();
  });

  it("is deterministic and never says a case or a cover", () => {
    const input: ScoreInput = { urgency: "HIGH", waitingDays: 7, daysToDeadline: 3, openAmount: 12_345, fundable: 10_000, sameCommunity: true, matchedTags: ["minimum-living"] };
    expect(scoreMatch(input)).toEqual(scoreMatch({ ...input }));
    const text = scoreMatch(input).reasons.join(" ");
    expect(text).not.toMatch(/case|cover(ed)? by|government|低保户|MINIMUM_LIVING/i);
    expect(text).toContain("eligible: minimum-living"); // the tag the resource asked for, as asked
  });
});
