// Masked forms: enough to recognise a record on a call with the household, not enough to identify
// anyone from a leaked screen.

import { findDivision } from "../shared/divisions.js";

/** `张三丰` → `张**`: the surname and a fixed-length mask, so the length tells nothing; one character → `**`. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  return chars.length <= 1 ? "**" : `${chars[0]}**`;
}

/**
 * `139901199001011234` → `139901************`: the address code only. No birth digit, sequence or
 * check character survives, so with a birth year and sex beside it a number still has ~180,000
 * candidates (tests/privacy/inference.test.ts holds every remit to at least 1,000).
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length !== 18) return "*".repeat(18);
  return `${idNumber.slice(0, 6)}${"*".repeat(12)}`;
}

/** `17400001234` → `174****1234`. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return "*".repeat(phone.length);
  return `${phone.slice(0, 3)}${"*".repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** `1990-05-17` → `1990-**-**` (the year: age is often what a remit needs). */
export function maskBirthDate(isoDate: string): string {
  return `${isoDate.slice(0, 4)}-**-**`;
}

/** An address shown only as its community's name (from the division register), never a street. */
export function maskAddress(_address: string, areaCode: string): string {
  return `${findDivision(areaCode)?.nameZh ?? ""}***`;
}

/** Money (fen) rounded down to a 500-yuan band. */
export const MONEY_BAND_FEN = 500_00;
export function maskMoneyFen(fen: number): number {
  return Math.floor(fen / MONEY_BAND_FEN) * MONEY_BAND_FEN;
}

/** A bank account shows only its last four digits. */
export function maskBankAccount(account: string): string {
  return `****${account.slice(-4)}`;
}
