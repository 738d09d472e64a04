import { ValidationError } from "./errors.js";

// Calendar dates (`YYYY-MM-DD`) as the district lives them: in China Standard Time (UTC+8, no daylight
// saving), whatever the server's zone — a need due "today" is due by the district's midnight.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The district's calendar date at `now`. */
export function districtDate(now: Date): string {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` (negative: minus). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A calendar date that exists: 2027-02-30 is refused, never rolled over. */
export function dateOrThrow(value: string, field: string): string {
  const v = value.trim();
  const m = DATE.exec(v);
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !day || day.toISOString().slice(0, 10) !== v || Number(m[1]) < 1900) {
    throw ValidationError.atField("INVALID_DATE", `${field} must be a calendar date YYYY-MM-DD that exists, e.g. 2027-06-30`, field);
  }
  return v;
}
