// Resident identity numbers (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth
// date, 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";
const SHAPE = /^[1-9]\d{16}[\dX]$/;

export type IdNumberProblem = "FORMAT" | "BIRTH_DATE" | "CHECKSUM";

export interface ParsedIdNumber {
  readonly value: string;
  readonly addressCode: string;
  /** ISO date `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: "MALE" | "FEMALE";
}

/** The check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError("idNumberCheckChar needs exactly 17 digits");
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Parses and validates an ID number; returns the problem instead of throwing. */
export function parseIdNumber(
  input: string,
  today: Date = new Date(),
): { ok: true; value: ParsedIdNumber } | { ok: false; problem: IdNumberProblem } {
  const value = input.trim().toUpperCase();
  if (!SHAPE.test(value)) return { ok: false, problem: "FORMAT" };
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const validDate =
    y >= 1900 &&
    birth.getUTCFullYear() === y &&
    birth.getUTCMonth() === m - 1 &&
    birth.getUTCDate() === d &&
    birth.getTime() <= today.getTime();
  if (!validDate) return { ok: false, problem: "BIRTH_DATE" };
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, problem: "CHECKSUM" };
  return {
    ok: true,
    value: {
      value,
      addressCode: value.slice(0, 6),
      birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
      sex: Number(value[16]) % 2 === 1 ? "MALE" : "FEMALE",
    },
  };
}

export const ID_NUMBER_PROBLEM_MESSAGES: { readonly [P in IdNumberProblem]: string } = {
  FORMAT: "must be 18 characters: 17 digits and a check digit or X",
  BIRTH_DATE: "contains an impossible birth date",
  CHECKSUM: "fails the GB 11643 check digit",
};
