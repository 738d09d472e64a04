import { areaPrefix } from "./area.js";
import { ValidationError } from "./errors.js";
import { codePointLength, textProblem, type TextProblem } from "./text.js";
import { ID_NUMBER_PROBLEM_MESSAGES, parseIdNumber, type ParsedIdNumber } from "./id-number.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** IDs are UUIDs; anything else is the caller's mistake, not a lookup that finds nothing. */
export function uuidOrThrow(value: string, field = "id"): string {
  if (!UUID.test(value)) throw ValidationError.atField("INVALID_ID", `${field} must be a UUID`, field);
  return value.toLowerCase();
}

/** An area filter is a prefix of a 12-digit code: 2 to 12 digits. */
export function areaPrefixOrThrow(value: string, field = "areaCode"): string {
  const trimmed = value.trim();
  if (!/^\d{2,12}$/.test(trimmed)) throw ValidationError.atField("INVALID_AREA_CODE", `${field} must be 2 to 12 digits of a division code`, field);
  // A full code with trailing zero levels means the whole area: 130104000000 → 130104.
  return trimmed.length === 12 ? areaPrefix(trimmed) : trimmed;
}

/** A resident ID number (GB 11643), checksum and birth date included; normalised (upper-case X). */
export function idNumberOrThrow(value: string, field = "idNumber", today?: Date): ParsedIdNumber {
  const parsed = parseIdNumber(value, today);
  if (!parsed.ok) throw ValidationError.atField("INVALID_ID_NUMBER", `${field} ${ID_NUMBER_PROBLEM_MESSAGES[parsed.problem]}`, field);
  return parsed.value;
}

const TEXT_PROBLEMS: Record<TextProblem, string> = {
  LONE_SURROGATE: "is not valid Unicode (a lone surrogate)",
  CONTROL_CHARACTER: "holds a control character",
  LINE_BREAK: "holds a line break or tab",
};

/** Trimmed free text of `min` to `max` characters: valid Unicode, no control characters, no line breaks unless `multiline`. */
export function textOrThrow(value: string, rule: { field: string; min: number; max: number; multiline?: boolean }): string {
  const v = value.trim();
  const problem = textProblem(v, { multiline: rule.multiline });
  if (problem) throw ValidationError.atField("INVALID_TEXT", `${rule.field} ${TEXT_PROBLEMS[problem]}`, rule.field);
  const length = codePointLength(v);
  if (length < rule.min || length > rule.max) {
    throw ValidationError.atField("INVALID_TEXT", `${rule.field} must be ${rule.min} to ${rule.max} characters`, rule.field);
  }
  return v;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with a zone, on a calendar day that exists: 2027-02-30 is refused, never rolled over. */
export function timestampOrThrow(value: string, field: string): Date {
  const m = TIMESTAMP.exec(value.trim());
  const [y, mo, d, h, mi, sec] = m ? [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number, number] : [];
  const day = m ? new Date(Date.UTC(y!, mo! - 1, d!)) : null;
  const real = day !== null && day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h! < 24 && mi! < 60 && sec! < 60;
  const at = new Date(value.trim());
  if (!real || Number.isNaN(at.getTime())) {
    throw ValidationError.atField("INVALID_DATE", `${field} must be an ISO 8601 date-time on a real calendar day, e.g. 2027-06-30T00:00:00+08:00`, field);
  }
  return at;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

/** An organization's code as the register spells it (`QX-MZJ`, `CH-ANKANG`). */
export function codeOrThrow(value: string, field: string): string {
  const v = value.trim();
  if (!CODE.test(v)) throw ValidationError.atField("INVALID_CODE", `${field} must be an organization code: capital letters, digits and hyphens`, field);
  return v;
}
