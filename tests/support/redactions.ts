// Expected redaction lists that several suites assert whole (a member as a charity or the education
// bureau sees it), written once so the suites cannot drift apart.

export interface ExpectedRedaction {
  readonly field: string;
  readonly access: "MASKED" | "WITHHELD";
  readonly reason: string;
}

const outOfRemit = (field: string): ExpectedRedaction => ({ field, access: "WITHHELD", reason: "OUT_OF_REMIT" });

/** A member's fields outside every charity's remit: no consent opens them. */
export const CHARITY_OUT_OF_REMIT: readonly ExpectedRedaction[] = ["disabilityLevel", "seriousIllness", "workAbility", "studentStatus", "employmentStatus", "monthlyIncome"].map(outOfRemit);

/** A member as a charity sees it with a claim but without the household's consent. */
export const CHARITY_MEMBER_WITHOUT_CONSENT: readonly ExpectedRedaction[] = [
  { field: "name", access: "MASKED", reason: "NO_CONSENT" },
  { field: "idNumber", access: "MASKED", reason: "MINIMUM_NECESSITY" },
  { field: "birthDate", access: "MASKED", reason: "MINIMUM_NECESSITY" },
  { field: "phone", access: "WITHHELD", reason: "NO_CONSENT" },
  ...CHARITY_OUT_OF_REMIT,
];

/** A member as the education bureau sees it: schooling in full, contact masked, nothing else of its remit. */
export const EDUCATION_MEMBER: readonly ExpectedRedaction[] = [
  { field: "phone", access: "MASKED", reason: "OUT_OF_REMIT" },
  ...["disabilityLevel", "seriousIllness", "workAbility", "employmentStatus", "monthlyIncome"].map(outOfRemit),
];
