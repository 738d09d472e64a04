import type { AssistanceType } from "../cases/index.js";
import type { DisabilityLevel, EmploymentStatus, ResidenceStatus, StudentStatus, WorkAbility } from "../households/index.js";
import type { BeneficiaryTag } from "./needs.enums.js";

// Beneficiary tags the hub derives from the household's own data and its active assistance, when a need
// is posted (clause 18: eligibility computed from data the charity never sees — the charity sees at most
// the tags its remit may, each classed by TAG_CATEGORY, and matching reasons name only the tag the
// resource asked for). The poster may add tags no record shows (disaster-affected, children-in-
// difficulty without a case); derived tags are always there.

export interface TagMember {
  readonly birthDate: string;
  readonly disabilityLevel: DisabilityLevel;
  readonly seriousIllness: boolean;
  readonly workAbility: WorkAbility;
  readonly studentStatus: StudentStatus;
  readonly employmentStatus: EmploymentStatus;
}

export interface TagHousehold {
  readonly residenceStatus: ResidenceStatus;
  readonly members: readonly TagMember[];
  /** Assistance types of the household's APPROVED cases. */
  readonly approvedAssistance: readonly AssistanceType[];
}

/** Whole years from a birth date to `today` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

const ASSISTANCE_TAGS: Partial<{ readonly [A in AssistanceType]: BeneficiaryTag }> = {
  MINIMUM_LIVING: "minimum-living",
  EXTREME_POVERTY: "extreme-poverty",
  LOW_INCOME: "low-income",
  CHILDREN_IN_DIFFICULTY: "children-in-difficulty",
  DISASTER_RELIEF: "disaster-affected",
};

/** The tags a household's records show, in vocabulary order. Pure. */
export function derivedTags(household: TagHousehold, today: string, vocabulary: readonly BeneficiaryTag[]): BeneficiaryTag[] {
  const tags = new Set<BeneficiaryTag>();
  const { members } = household;
  if (members.some((m) => ageOn(m.birthDate, today) >= 60)) tags.add("elderly");
  if (members.some((m) => ageOn(m.birthDate, today) < 18)) tags.add("child");
  if (members.length === 1) tags.add("living-alone");
  if (members.some((m) => m.studentStatus !== "NOT_STUDENT")) tags.add("student");
  if (members.some((m) => m.disabilityLevel !== "NONE")) tags.add("disability");
  if (members.some((m) => m.seriousIllness)) tags.add("serious-illness");
  if (members.some((m) => m.employmentStatus === "UNEMPLOYED" && m.workAbility !== "NONE")) tags.add("unemployed");
  for (const type of household.approvedAssistance) {
    const tag = ASSISTANCE_TAGS[type];
    if (tag) tags.add(tag);
  }
  if (household.residenceStatus === "RESIDENCE_PERMIT") tags.add("residence-permit");
  return vocabulary.filter((t) => tags.has(t));
}
