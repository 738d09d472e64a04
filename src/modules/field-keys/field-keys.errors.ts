import { defineReasons, domainError } from "../../shared/errors.js";

export const FieldKeyErrorReason = defineReasons({
  /** The hub's field keys come from configuration, not a key file it may rewrite. */
  NO_KEY_FILE: "CONFLICT",
  /** A value could not be re-encrypted; the new key stays active and a rerun continues. */
  ROTATION_INCOMPLETE: "CONFLICT",
});
export type FieldKeyErrorReason = keyof typeof FieldKeyErrorReason;
export class FieldKeyError extends domainError("FieldKeyError", FieldKeyErrorReason) {}
