import { ageOn } from "./calendar.js";
import type { DemoHousehold } from "./households.js";

/** What the case and need generators need to know about a household, computed once. */
export interface HouseholdProfile {
  readonly household: DemoHousehold;
  readonly size: number;
  readonly elderly: number;
  readonly children: number;
  readonly students: number;
  readonly higherEducationStudents: number;
  readonly disabled: number;
  readonly severelyDisabled: number;
  readonly disabledChildren: number;
  readonly seriouslyIll: number;
  readonly unemployedAble: number;
  /** Members of working age (16–59) fully able to work: clause 8's "有劳动能力". */
  readonly ableWorkingAge: number;
  /** Someone lives on flexible work: clause 8's "收入来源不固定". */
  readonly unstableIncome: boolean;
  readonly perCapitaIncomeFen: number;
  readonly livingAlone: boolean;
}

export function profileHousehold(household: DemoHousehold, today: string): HouseholdProfile {
  const members = household.members;
  const ages = members.map((m) => ageOn(m.birthDate, today));
  const count = (test: (index: number) => boolean): number => members.filter((_, i) => test(i)).length;
  const total = members.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  return {
    household,
    size: members.length,
    elderly: count((i) => ages[i]! >= 60),
    children: count((i) => ages[i]! < 18),
    students: count((i) => members[i]!.studentStatus !== "NOT_STUDENT"),
    higherEducationStudents: count((i) => members[i]!.studentStatus === "HIGHER"),
    disabled: count((i) => members[i]!.disabilityLevel !== "NONE"),
    severelyDisabled: count((i) => members[i]!.disabilityLevel === "LEVEL_1" || members[i]!.disabilityLevel === "LEVEL_2"),
    disabledChildren: count((i) => ages[i]! < 18 && members[i]!.disabilityLevel !== "NONE"),
    seriouslyIll: count((i) => members[i]!.seriousIllness),
    unemployedAble: count((i) => members[i]!.employmentStatus === "UNEMPLOYED"),
    ableWorkingAge: count((i) => ages[i]! >= 16 && ages[i]! < 60 && members[i]!.workAbility === "FULL"),
    unstableIncome: members.some((m) => m.employmentStatus === "FLEXIBLE"),
    perCapitaIncomeFen: Math.round(total / members.length),
    livingAlone: members.length === 1,
  };
}
