// Masked forms: enough to recognise a record on a call with the household, not enough to identify
// anyone from a leaked screen.

/** `张三丰` → `张**`; a single character stays `*`. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return "*";
  return chars[0] + "*".repeat(chars.length - 1);
}

/** `139901199001011234` → `139901********1234` (address code and last four). */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length !== 18) return "*".repeat(idNumber.length);
  return `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;
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

/** An address cut to its first segment (the community), the rest starred. */
export function maskAddress(address: string): string {
  const cut = address.search(/[\s\d]/);
  return `${cut > 0 ? address.slice(0, cut) : ""}***`;
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
