import { areaPrefix } from "./area.js";
import { ValidationError } from "./errors.js";
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

const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/u;

/** Trimmed free text of `min` to `max` characters, no control characters. */
export function textOrThrow(value: string, rule: { field: string; min: number; max: number }): string {
  const v = value.trim();
  if (v.length < rule.min || v.length > rule.max || !PRINTABLE.test(v)) {
    throw ValidationError.atField("INVALID_TEXT", `${rule.field} must be ${rule.min} to ${rule.max} printable characters`, rule.field);
  }
  return v;
}
