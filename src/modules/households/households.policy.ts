import type { OrgKind } from "../organizations/organizations.enums.js";
import { ENCRYPTED_FIELDS, type FieldCipher } from "../../privacy/crypto.js";
import { maskAddress, maskBankAccount, maskBirthDate, maskIdNumber, maskMoneyFen, maskName, maskPhone } from "../../privacy/mask.js";
import { Sealed, defineCatalogue } from "../../privacy/project.js";
import { kindsThatMay } from "../../privacy/purpose.js";
import { policyAccess } from "../../privacy/policy.js";
import { JURISDICTION_KINDS } from "../../privacy/scope.js";
import { ROLES_BY_ORG_KIND } from "../organizations/organizations.enums.js";
import type {
  DisabilityLevel,
  EmploymentStatus,
  HousingSituation,
  RelationToHead,
  ResidenceStatus,
  Sex,
  StudentStatus,
  WorkAbility,
} from "./households.enums.js";
import type { HouseholdReadRow, PersonReadRow } from "./households.table.js";

// What each household and person field is, in data-category terms. A field missing here does not
// exist for the API: the view mapper below is the only way a row reaches a client.

/** Minimum necessity: a full resident ID number never leaves the government bodies that act on the
 * household under jurisdiction, and the household itself. */
export const FULL_ID_NUMBER_KINDS: ReadonlySet<OrgKind> = new Set<OrgKind>([...JURISDICTION_KINDS, "RESIDENT"]);

/** Who may look a person up by ID number: kinds whose purpose includes the lookup and that have a
 * role reading identity in full. Derived from the policy, so the operation's rule and the matrix
 * cannot disagree. */
export const ID_LOOKUP_KINDS: readonly OrgKind[] = [...FULL_ID_NUMBER_KINDS].filter(
  (kind) =>
    kindsThatMay("personByIdNumber").includes(kind) &&
    ROLES_BY_ORG_KIND[kind].some((role) => policyAccess(kind, role, "IDENTITY").access === "FULL"),
);

/** A view's source. A field is null when its value is null, or when the row was read without it (the
 * operation did not select it: the projector then never reads it). */
export interface HouseholdSource {
  id: string;
  householdNo: string | null;
  areaCode: string;
  address: string | null;
  bankAccount: Sealed<string> | null;
  housingSituation: HousingSituation | null;
  residenceStatus: ResidenceStatus | null;
}

export const HOUSEHOLD_CATALOGUE = defineCatalogue<HouseholdSource>("Household", { id: "id", household: "id" }, {
  id: { category: "BASIC" },
  householdNo: { category: "BASIC" },
  areaCode: { category: "BASIC" },
  address: { category: "CONTACT", mask: (address, household) => maskAddress(address, household.areaCode as string) },
  bankAccount: { category: "FINANCIAL", mask: maskBankAccount },
  housingSituation: { category: "HOUSING" },
  residenceStatus: { category: "IDENTITY" },
});

const openBankAccount = (cipher: FieldCipher, value: string) => cipher.decrypt(value, ENCRYPTED_FIELDS.householdBankAccount);
const openIdNumber = (cipher: FieldCipher, value: string) => cipher.decrypt(value, ENCRYPTED_FIELDS.personIdNumber);
const openPhone = (cipher: FieldCipher, value: string) => cipher.decrypt(value, ENCRYPTED_FIELDS.personPhone);

export function householdSource(row: HouseholdReadRow, cipher: FieldCipher): HouseholdSource {
  const bankAccount = row.bankAccountEnc;
  return {
    id: row.id,
    householdNo: row.householdNo ?? null,
    areaCode: row.areaCode,
    address: row.address ?? null,
    bankAccount: bankAccount ? Sealed.of(openBankAccount, cipher, bankAccount) : null,
    housingSituation: row.housingSituation ?? null,
    residenceStatus: row.residenceStatus ?? null,
  };
}

/** As HouseholdSource: beyond the keys, null also when the operation did not select the field. */
export interface PersonSource {
  id: string;
  householdId: string;
  relationToHead: RelationToHead;
  sex: Sex | null;
  name: string | null;
  idNumber: Sealed<string> | null;
  birthDate: string | null;
  phone: Sealed<string> | null;
  disabilityLevel: DisabilityLevel | null;
  seriousIllness: boolean | null;
  workAbility: WorkAbility | null;
  studentStatus: StudentStatus | null;
  employmentStatus: EmploymentStatus | null;
  /** fen */
  monthlyIncome: number | null;
}

export const PERSON_CATALOGUE = defineCatalogue<PersonSource>("Person", { id: "id", household: "householdId" }, {
  id: { category: "BASIC" },
  householdId: { category: "BASIC" },
  relationToHead: { category: "BASIC" },
  sex: { category: "BASIC" },
  name: { category: "IDENTITY", mask: maskName },
  idNumber: { category: "IDENTITY", mask: maskIdNumber, fullOnlyFor: FULL_ID_NUMBER_KINDS },
  // Derived from the ID number (as sex is): a full birth date beside a masked number rebuilds it, so
  // it is full only where the number is (minimum necessity); elsewhere the year.
  birthDate: { category: "IDENTITY", mask: maskBirthDate, fullOnlyFor: FULL_ID_NUMBER_KINDS },
  phone: { category: "CONTACT", mask: maskPhone },
  disabilityLevel: { category: "DISABILITY" },
  seriousIllness: { category: "HEALTH" },
  workAbility: { category: "EMPLOYMENT" },
  studentStatus: { category: "EDUCATION" },
  employmentStatus: { category: "EMPLOYMENT" },
  monthlyIncome: { category: "FINANCIAL", mask: maskMoneyFen },
});

export function personSource(row: PersonReadRow, cipher: FieldCipher): PersonSource {
  const phone = row.phoneEnc;
  const idNumber = row.idNumberEnc;
  return {
    id: row.id,
    householdId: row.householdId,
    relationToHead: row.relationToHead,
    sex: row.sex ?? null,
    name: row.name ?? null,
    idNumber: idNumber ? Sealed.of(openIdNumber, cipher, idNumber) : null,
    birthDate: row.birthDate ?? null,
    phone: phone ? Sealed.of(openPhone, cipher, phone) : null,
    disabilityLevel: row.disabilityLevel ?? null,
    seriousIllness: row.seriousIllness ?? null,
    workAbility: row.workAbility ?? null,
    studentStatus: row.studentStatus ?? null,
    employmentStatus: row.employmentStatus ?? null,
    monthlyIncome: row.monthlyIncomeFen ?? null,
  };
}
