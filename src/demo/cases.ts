import { AssistanceType, CaseChannel, CaseStatus } from "../modules/cases/cases.enums.js";
import { addDays, addMonths, ageOn, yearOf } from "./calendar.js";
import type { OrgDirectory } from "./directory.js";
import { DEMO_STANDARDS, type DemoCaseRow } from "./model.js";
import type { HouseholdProfile } from "./profile.js";
import { stableUuid, type Prng } from "./prng.js";

// Assistance cases. Each household first gets at most one "base" case (特困, 低保 or 低收入,
// decided by per-capita income and who lives there), then special assistance that follows from
// its members (medical for the seriously ill, education for students, ...). A final pass makes
// sure every type, channel and status occurs at least once, however small the district.

type Weights<T> = readonly (readonly [T, number])[];

/** One-off payments and services: no periodic review, never "suspended". */
const ONE_OFF_TYPES: ReadonlySet<AssistanceType> = new Set<AssistanceType>([
  "TEMPORARY",
  "DISASTER_RELIEF",
  "JUDICIAL_AID",
  "LEGAL_AID",
  "FUNERAL",
  "VAGRANT_RELIEF",
]);

/** Types whose approval is delegated to the subdistrict in the one-window reform (clause 21). */
const SUBDISTRICT_HANDLED_TYPES: ReadonlySet<AssistanceType> = new Set<AssistanceType>([
  "MINIMUM_LIVING",
  "EXTREME_POVERTY",
  "LOW_INCOME",
  "TEMPORARY",
]);

const BASE_STATUS: Weights<CaseStatus> = [
  ["APPROVED", 74],
  ["SUBMITTED", 4],
  ["VERIFYING", 5],
  ["PENDING_DECISION", 4],
  ["REJECTED", 3],
  ["SUSPENDED", 4],
  ["TERMINATED", 6],
];
const RECURRING_STATUS: Weights<CaseStatus> = [
  ["APPROVED", 62],
  ["SUBMITTED", 6],
  ["VERIFYING", 5],
  ["PENDING_DECISION", 6],
  ["REJECTED", 10],
  ["SUSPENDED", 3],
  ["TERMINATED", 8],
];
const ONE_OFF_STATUS: Weights<CaseStatus> = RECURRING_STATUS.map(([s, w]) => [s, s === "SUSPENDED" ? 0 : w] as const);

const DEFAULT_CHANNELS: Weights<CaseChannel> = [
  ["WINDOW", 45],
  ["ONLINE", 25],
  ["DISCOVERY", 18],
  ["REFERRAL", 12],
];
const CHANNELS_BY_TYPE: Partial<Record<AssistanceType, Weights<CaseChannel>>> = {
  // Elderly and disabled people rarely apply online; grid workers find many of them (clause 21).
  EXTREME_POVERTY: [["WINDOW", 50], ["ONLINE", 5], ["DISCOVERY", 35], ["REFERRAL", 10]],
  MEDICAL: [["WINDOW", 40], ["ONLINE", 25], ["DISCOVERY", 5], ["REFERRAL", 30]],
  EDUCATION: [["WINDOW", 35], ["ONLINE", 35], ["DISCOVERY", 5], ["REFERRAL", 25]],
  DISASTER_RELIEF: [["WINDOW", 20], ["ONLINE", 5], ["DISCOVERY", 40], ["REFERRAL", 35]],
  JUDICIAL_AID: [["WINDOW", 20], ["REFERRAL", 80]],
  CHILDREN_IN_DIFFICULTY: [["WINDOW", 40], ["DISCOVERY", 40], ["REFERRAL", 20]],
  VAGRANT_RELIEF: [["DISCOVERY", 60], ["REFERRAL", 40]],
};

interface SpecialRule {
  readonly type: AssistanceType;
  /** Whether the household plausibly qualifies (also used to place coverage cases). */
  readonly applies: (p: HouseholdProfile) => boolean;
  /** Probability of a case, given that it applies and whether the household has base assistance. */
  readonly chance: (p: HouseholdProfile, hasBase: boolean) => number;
}

const housing = (p: HouseholdProfile) => p.household.row.housingSituation;

const SPECIAL_RULES: readonly SpecialRule[] = [
  { type: "MEDICAL", applies: (p) => p.seriouslyIll > 0, chance: (_, base) => (base ? 0.8 : 0.5) },
  { type: "EDUCATION", applies: (p) => p.students > 0, chance: (_, base) => (base ? 0.5 : 0.1) },
  {
    type: "HOUSING",
    applies: (p) => housing(p) === "DILAPIDATED" || housing(p) === "RENTED_PRIVATE",
    chance: (p, base) => (housing(p) === "DILAPIDATED" ? 0.6 : base ? 0.3 : 0.05),
  },
  { type: "EMPLOYMENT", applies: (p) => p.unemployedAble > 0, chance: () => 0.4 },
  {
    // A fictional summer rainstorm damaged the weakest dwellings.
    type: "DISASTER_RELIEF",
    applies: () => true,
    chance: (p) => (housing(p) === "DILAPIDATED" ? 0.25 : 0.015),
  },
  { type: "JUDICIAL_AID", applies: () => true, chance: () => 0.012 },
  // Clause 14: recipients of assistance get legal aid without a second economic review.
  { type: "LEGAL_AID", applies: () => true, chance: (_, base) => (base ? 0.04 : 0.015) },
  {
    type: "HEATING",
    applies: (p) => p.elderly > 0 || p.severelyDisabled > 0,
    chance: (_, base) => (base ? 0.35 : 0.03),
  },
  { type: "FUNERAL", applies: (p) => p.elderly > 0, chance: () => 0.02 },
  {
    type: "CHILDREN_IN_DIFFICULTY",
    applies: (p) => p.children > 0,
    chance: (p) =>
      p.household.archetype === "SKIPPED_GENERATION"
        ? 0.85
        : p.household.archetype === "SINGLE_PARENT" && (p.severelyDisabled > 0 || p.seriouslyIll > 0)
          ? 0.5
          : 0.01,
  },
  { type: "DISABILITY", applies: (p) => p.disabled > 0, chance: () => 0.65 },
  {
    // Clause 15: emergency aid where it happens, regardless of hukou.
    type: "TEMPORARY",
    applies: () => true,
    chance: (p) =>
      p.household.row.residenceStatus === "NON_RESIDENT" ? 0.6 : p.seriouslyIll > 0 ? 0.15 : 0.03,
  },
  { type: "VAGRANT_RELIEF", applies: (p) => housing(p) === "NO_FIXED_ABODE", chance: () => 0.9 },
];

const BASE_RULES: readonly SpecialRule[] = [
  { type: "EXTREME_POVERTY", applies: (p) => qualifiesForExtremePoverty(p), chance: () => 0.75 },
  {
    type: "MINIMUM_LIVING",
    applies: (p) => p.perCapitaIncomeFen < DEMO_STANDARDS.minimumLivingFen,
    chance: () => 0.85,
  },
  {
    type: "LOW_INCOME",
    applies: (p) => p.perCapitaIncomeFen < DEMO_STANDARDS.lowIncomeLineFen,
    chance: () => 0.55,
  },
];

/** 特困 (clause 6): unable to work, no means of living, nobody obliged to support them. */
function qualifiesForExtremePoverty(p: HouseholdProfile): boolean {
  if (!p.livingAlone || housing(p) === "NO_FIXED_ABODE") return false;
  const person = p.household.members[0]!;
  const unable = person.workAbility === "NONE" || p.elderly > 0;
  return unable && person.monthlyIncomeFen < DEMO_STANDARDS.extremePovertyBasicFen;
}

interface CaseDraft {
  readonly profile: HouseholdProfile;
  readonly type: AssistanceType;
  channel: CaseChannel;
  status: CaseStatus;
  readonly base: boolean;
}

export interface GenerateCasesOptions {
  readonly rng: Prng;
  readonly seed: number;
  readonly today: string;
  readonly profiles: readonly HouseholdProfile[];
  readonly orgs: OrgDirectory;
}

export function generateCases(options: GenerateCasesOptions): DemoCaseRow[] {
  const { rng, profiles } = options;
  const drafts: CaseDraft[] = [];
  const draft = (profile: HouseholdProfile, type: AssistanceType, base: boolean, status?: CaseStatus): CaseDraft => ({
    profile,
    type,
    base,
    channel: rng.weighted(CHANNELS_BY_TYPE[type] ?? DEFAULT_CHANNELS),
    status: status ?? rng.weighted(base ? BASE_STATUS : ONE_OFF_TYPES.has(type) ? ONE_OFF_STATUS : RECURRING_STATUS),
  });

  for (const p of profiles) {
    // The most protective base assistance the household qualifies for; one not granted (assets,
    // support from relatives) falls through to the next, as 特困 → 低保 → 低收入 does in practice.
    const applicable = BASE_RULES.filter((r) => r.applies(p));
    const baseRule = applicable.find((r) => rng.chance(r.chance(p, false)));
    const hasBase = baseRule !== undefined;
    if (baseRule) {
      drafts.push(draft(p, baseRule.type, true));
    } else if (applicable.length === 0 && rng.chance(0.06)) {
      // Applied for 低保 with income above the standard: refused after verification.
      drafts.push(draft(p, "MINIMUM_LIVING", true, "REJECTED"));
    }
    for (const rule of SPECIAL_RULES) {
      if (rule.applies(p) && rng.chance(rule.chance(p, hasBase))) drafts.push(draft(p, rule.type, false));
    }
  }

  ensureTypes(rng, profiles, drafts, draft);
  ensureStatuses(rng, drafts);
  ensureChannels(rng, drafts);
  return materialize(options, drafts);
}

function ensureTypes(
  rng: Prng,
  profiles: readonly HouseholdProfile[],
  drafts: CaseDraft[],
  draft: (p: HouseholdProfile, type: AssistanceType, base: boolean) => CaseDraft,
): void {
  if (profiles.length === 0) return;
  const present = new Set(drafts.map((d) => d.type));
  for (const type of AssistanceType.values) {
    if (present.has(type)) continue;
    const rule = [...BASE_RULES, ...SPECIAL_RULES].find((r) => r.type === type)!;
    const hasType = new Set(drafts.filter((d) => d.type === type).map((d) => d.profile));
    const fitting = profiles.filter((p) => rule.applies(p) && !hasType.has(p));
    const chosen = rng.pick(fitting.length > 0 ? fitting : profiles);
    drafts.push(draft(chosen, type, BASE_RULES.includes(rule)));
  }
}

function ensureStatuses(rng: Prng, drafts: CaseDraft[]): void {
  const present = new Set(drafts.map((d) => d.status));
  for (const status of CaseStatus.values) {
    if (present.has(status)) continue;
    const candidates = drafts.filter(
      (d) => d.status === "APPROVED" && !(status === "SUSPENDED" && ONE_OFF_TYPES.has(d.type)),
    );
    if (candidates.length === 0) continue;
    rng.pick(candidates).status = status;
    present.add(status);
  }
}

function ensureChannels(rng: Prng, drafts: CaseDraft[]): void {
  const present = new Set(drafts.map((d) => d.channel));
  for (const channel of CaseChannel.values) {
    if (present.has(channel)) continue;
    const candidates = drafts.filter((d) => d.channel === "WINDOW");
    if (candidates.length === 0) continue;
    rng.pick(candidates).channel = channel;
    present.add(channel);
  }
}

/** Clause 8: yearly for 特困 and stable 低保; half-yearly for 低保 with members able to work. */
function reviewIntervalMonths(d: CaseDraft): number {
  if (d.type === "MINIMUM_LIVING" && d.profile.ableWorkingAge > 0) return 6;
  return 12;
}

function materialize(options: GenerateCasesOptions, drafts: readonly CaseDraft[]): DemoCaseRow[] {
  const { rng, seed, today, orgs } = options;
  const dated = drafts.map((d, index) => ({ d, index, ...caseDates(rng, today, d) }));
  // Case numbers run per year of application, in application order, like a real register.
  dated.sort((a, b) => a.appliedOn.localeCompare(b.appliedOn) || a.index - b.index);
  const perYear = new Map<number, number>();
  return dated.map(({ d, appliedOn, decidedOn, nextReviewOn }) => {
    const year = yearOf(appliedOn);
    const n = (perYear.get(year) ?? 0) + 1;
    perYear.set(year, n);
    const caseNo = `QXC-${year}-${String(n).padStart(6, "0")}`;
    const areaCode = d.profile.household.row.areaCode;
    const bySubdistrict = rng.chance(SUBDISTRICT_HANDLED_TYPES.has(d.type) ? 0.75 : 0.3);
    return {
      id: stableUuid(seed, "case", caseNo),
      caseNo,
      householdId: d.profile.household.row.id,
      handlingOrgId: bySubdistrict ? orgs.subdistrictIdFor(areaCode) : orgs.civilAffairsId,
      type: d.type,
      channel: d.channel,
      status: d.status,
      areaCode,
      appliedOn,
      decidedOn,
      nextReviewOn,
      monthlyBenefitFen: d.status === "APPROVED" ? monthlyBenefitFen(rng, today, d) : null,
    };
  });
}

interface CaseDates {
  readonly appliedOn: string;
  readonly decidedOn: string | null;
  readonly nextReviewOn: string | null;
}

function caseDates(rng: Prng, today: string, d: CaseDraft): CaseDates {
  switch (d.status) {
    case "SUBMITTED":
      return { appliedOn: addDays(today, -rng.int(0, 6)), decidedOn: null, nextReviewOn: null };
    case "VERIFYING":
      return { appliedOn: addDays(today, -rng.int(3, 25)), decidedOn: null, nextReviewOn: null };
    case "PENDING_DECISION":
      return { appliedOn: addDays(today, -rng.int(10, 40)), decidedOn: null, nextReviewOn: null };
    default:
      break;
  }
  const oneOff = ONE_OFF_TYPES.has(d.type);
  const minBack = d.status === "SUSPENDED" ? 200 : d.status === "TERMINATED" ? 120 : 30;
  const maxBack = oneOff ? 2 * 365 : d.base ? 5 * 365 : 3 * 365;
  const appliedOn = addDays(today, -rng.int(minBack, Math.max(minBack, maxBack)));
  // Clause 15: temporary aid is decided within days; the rest within the usual month.
  const lag = d.type === "TEMPORARY" || d.type === "VAGRANT_RELIEF" ? rng.int(0, 5) : rng.int(7, 30);
  const decidedOn = addDays(appliedOn, lag);
  if (d.status === "SUSPENDED") {
    // Suspended pending a review that is already scheduled.
    return { appliedOn, decidedOn, nextReviewOn: addDays(today, rng.int(5, 40)) };
  }
  if (d.status !== "APPROVED" || oneOff) return { appliedOn, decidedOn, nextReviewOn: null };
  const interval = reviewIntervalMonths(d);
  let cycles = 1;
  while (addMonths(decidedOn, interval * cycles) <= today) cycles++;
  // A few reviews are overdue, so the review worklist has something in it.
  if (cycles > 1 && rng.chance(0.04)) cycles--;
  return { appliedOn, decidedOn, nextReviewOn: addMonths(decidedOn, interval * cycles) };
}

/** Monthly cash benefit while approved; null for in-kind, per-term or one-off assistance. */
function monthlyBenefitFen(rng: Prng, today: string, d: CaseDraft): number | null {
  const p = d.profile;
  const roundYuan = (fen: number): number => Math.round(fen / 100) * 100;
  switch (d.type) {
    case "MINIMUM_LIVING": {
      // 差额救助: the gap between the standard and per-capita income, for every member.
      const gap = (DEMO_STANDARDS.minimumLivingFen - p.perCapitaIncomeFen) * p.size;
      return roundYuan(Math.max(gap, 5_000 * p.size));
    }
    case "EXTREME_POVERTY": {
      const person = p.household.members[0]!;
      const age = ageOn(person.birthDate, today);
      // Basic living standard plus a care allowance by ability to look after oneself.
      const care = p.severelyDisabled > 0 || age >= 80 ? 60_000 : age >= 70 || p.disabled > 0 ? 30_000 : 10_000;
      return DEMO_STANDARDS.extremePovertyBasicFen + care;
    }
    case "CHILDREN_IN_DIFFICULTY":
      return 120_000 * Math.max(1, p.children);
    case "DISABILITY":
      // 困难残疾人生活补贴 for each disabled member, 重度残疾人护理补贴 for the severely disabled.
      return 8_000 * Math.max(1, p.disabled) + 10_000 * p.severelyDisabled;
    case "HOUSING":
      // Rent subsidy for private renters; renovation and public rental are not monthly cash.
      return p.household.row.housingSituation === "RENTED_PRIVATE" ? roundYuan(rng.int(30_000, 60_000)) : null;
    default:
      return null;
  }
}
