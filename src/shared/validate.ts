import { areaPrefix } from "./area.js";
import { InputError } from "./errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** IDs are UUIDs; anything else is the caller's mistake, not a lookup that finds nothing. */
export function uuidOrThrow(value: string, field = "id"): string {
  if (!UUID.test(value)) throw new InputError(`${field} must be a UUID`, field);
  return value.toLowerCase();
}

/** An area filter is a prefix of a 12-digit code: 2 to 12 digits. */
export function areaPrefixOrThrow(value: string, field = "areaCode"): string {
  const trimmed = value.trim();
  if (!/^\d{2,12}$/.test(trimmed)) throw new InputError(`${field} must be 2 to 12 digits of a division code`, field);
  // A full code with trailing zero levels means the whole area: 130104000000 → 130104.
  return trimmed.length === 12 ? areaPrefix(trimmed) : trimmed;
}
