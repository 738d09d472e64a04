import { ENCRYPTED_FIELDS, type FieldCipher } from "../../privacy/crypto.js";
import type { HouseholdRecord, NewHouseholdRow, NewPersonRow, PersonRecord } from "./households.table.js";

// The sealing step that turns plaintext records into rows: every writer goes through
// sealPerson/sealHousehold, so no write path can store a protected value in clear.

/** Blind-index purpose of resident ID numbers (lookup and uniqueness). */
export const ID_NUMBER_INDEX = "persons.id_number";

export function idNumberIndex(cipher: FieldCipher, idNumber: string): string {
  return cipher.blindIndex(idNumber, ID_NUMBER_INDEX);
}

export function sealPerson(record: PersonRecord, cipher: FieldCipher): NewPersonRow {
  const { idNumber, phone, ...rest } = record;
  return {
    ...rest,
    idNumberEnc: cipher.encrypt(idNumber, ENCRYPTED_FIELDS.personIdNumber),
    idNumberBidx: idNumberIndex(cipher, idNumber),
    phoneEnc: phone ? cipher.encrypt(phone, ENCRYPTED_FIELDS.personPhone) : null,
  };
}

export function sealHousehold(record: HouseholdRecord, cipher: FieldCipher): NewHouseholdRow {
  const { bankAccount, ...rest } = record;
  return { ...rest, bankAccountEnc: bankAccount ? cipher.encrypt(bankAccount, ENCRYPTED_FIELDS.householdBankAccount) : null };
}
