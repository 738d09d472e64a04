import { areaContains, isAreaCode } from "../../shared/area.js";
import { findDivision } from "../../shared/divisions.js";
import { idNumberOrThrow, textOrThrow } from "../../shared/validate.js";
import { HouseholdError } from "./households.errors.js";
import type {
  DisabilityLevel,
  EmploymentStatus,
  HousingSituation,
  RelationToHead,
  ResidenceStatus,
  StudentStatus,
  WorkAbility,
} from "./households.enums.js";
import type { HouseholdRecord, PersonRecord } from "./households.table.js";

// Every write path for households and persons goes through these checks; they are pure so the
// API, the seed and later imports share them.

export const MAX_MEMBERS = 20;
const NAME = /^[\p{Script=Han}A-Za-z][\p{Script=Han}A-Za-z·• ]{0,29}$/u;
const PHONE = /^1[3-9]\d{9}$/;
const MAX_MONTHLY_INCOME_FEN = 100_000_000; // ¥1,000,000 a month: anything above is a typo

export interface PersonInputData {
  relationToHead: RelationToHead;
  name: string;
  idNumber: string;
  phone?: string | null;
  disabilityLevel?: DisabilityLevel | null;
  seriousIllness?: boolean | null;
  workAbility: WorkAbility;
  studentStatus?: StudentStatus | null;
  employmentStatus: EmploymentStatus;
  /** fen */
  monthlyIncome?: number | null;
}

export interface HouseholdRegistrationData {
  areaCode: string;
  address: string;
  housingSituation: HousingSituation;
  residenceStatus: ResidenceStatus;
  members: PersonInputData[];
}

export type ValidPerson = Omit<PersonRecord, "householdId" | "id">;

/** Validates one member; birth date and sex come from the ID number, so they cannot disagree. */
export function validatePersonInput(p: PersonInputData, field: string, today: Date = new Date()): ValidPerson {
  const name = p.name.trim();
  if (!NAME.test(name)) throw HouseholdError.atField("INVALID_NAME", `${field}.name must be 1–30 letters or Chinese characters`, `${field}.name`);
  const idNumber = idNumberOrThrow(p.idNumber, `${field}.idNumber`, today);
  const phone = p.phone?.trim() || null;
  if (phone !== null && !PHONE.test(phone)) {
    throw HouseholdError.atField("INVALID_PHONE", `${field}.phone must be an 11-digit mainland mobile number`, `${field}.phone`);
  }
  const income = p.monthlyIncome ?? 0;
  if (!Number.isSafeInteger(income) || income < 0 || income > MAX_MONTHLY_INCOME_FEN) {
    throw HouseholdError.atField("INVALID_AMOUNT", `${field}.monthlyIncome must be between 0 and 1000000.00`, `${field}.monthlyIncome`);
  }
  return {
    relationToHead: p.relationToHead,
    name,
    idNumber: idNumber.value,
    phone,
    birthDate: idNumber.birthDate,
    sex: idNumber.sex,
    disabilityLevel: p.disabilityLevel ?? "NONE",
    seriousIllness: p.seriousIllness ?? false,
    workAbility: p.workAbility,
    studentStatus: p.studentStatus ?? "NOT_STUDENT",
    employmentStatus: p.employmentStatus,
    monthlyIncomeFen: income,
  };
}

/** Checks a person row that did not come through validatePersonInput (seed, imports). */
export function assertValidPersonRow(row: PersonRecord, field = "person"): void {
  const parsed = idNumberOrThrow(row.idNumber, `${field}.idNumber`);
  if (parsed.birthDate !== row.birthDate || parsed.sex !== row.sex) {
    throw HouseholdError.atField("ID_NUMBER_MISMATCH", `${field}: birth date and sex must match the ID number`, field);
  }
}

/**
 * Validates a household registration by an organization acting in `jurisdictionAreaCode`.
 * Returns rows ready to insert; the first problem is thrown with the field path at fault.
 */
export function validateHouseholdRegistration(
  input: HouseholdRegistrationData,
  jurisdictionAreaCode: string,
  today: Date = new Date(),
): { household: Omit<HouseholdRecord, "householdNo" | "id">; members: ValidPerson[] } {
  const areaCode = input.areaCode.trim();
  // A community the division register knows, not just any 12 digits.
  if (!isAreaCode(areaCode) || findDivision(areaCode)?.level !== "COMMUNITY") {
    throw HouseholdError.atField("NOT_A_COMMUNITY", "areaCode must be the 12-digit code of a community (村/社区) in the division register", "input.areaCode");
  }
  if (!areaContains(jurisdictionAreaCode, areaCode)) {
    throw new HouseholdError("OUTSIDE_JURISDICTION", "households can be registered only within your organization's jurisdiction");
  }
  const address = textOrThrow(input.address, { field: "input.address", min: 4, max: 200 });
  if (input.members.length < 1 || input.members.length > MAX_MEMBERS) {
    throw HouseholdError.atField("MEMBER_COUNT", `a household has 1 to ${MAX_MEMBERS} members`, "input.members");
  }
  const members = input.members.map((m, i) => validatePersonInput(m, `input.members[${i}]`, today));
  const heads = members.filter((m) => m.relationToHead === "HEAD").length;
  if (heads !== 1) throw HouseholdError.atField("HEAD_COUNT", `a household has exactly one HEAD member (got ${heads})`, "input.members");
  const seen = new Set<string>();
  members.forEach((m, i) => {
    if (seen.has(m.idNumber)) throw HouseholdError.atField("DUPLICATE_MEMBER", `input.members[${i}].idNumber repeats another member's`, `input.members[${i}].idNumber`);
    seen.add(m.idNumber);
  });
  return {
    household: { areaCode, address, housingSituation: input.housingSituation, residenceStatus: input.residenceStatus },
    members,
  };
}
