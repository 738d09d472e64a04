// Every error a client may see is a HubError with one of these codes; formatError maps the code to
// `extensions.code` and masks anything else as INTERNAL_SERVER_ERROR.

export type ErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "UNAUTHENTICATED";

export abstract class HubError extends Error {
  abstract readonly code: ErrorCode;
  /** Safe, non-personal details for `extensions` (a field name, a reason code). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
  constructor(message: string, details: Record<string, string | number | boolean> = {}) {
    super(message);
    this.details = details;
  }
}

/** Bad input from the caller; `field` names the argument path when one is at fault. */
export class InputError extends HubError {
  override readonly name = "InputError";
  readonly code = "BAD_USER_INPUT" as const;
  constructor(message: string, field?: string) {
    super(message, field ? { field } : {});
  }
}

/** Not found — also what a caller gets for a record outside its scope (never "forbidden"). */
export class NotFoundError extends HubError {
  override readonly name = "NotFoundError";
  readonly code = "NOT_FOUND" as const;
  constructor(entity: string) {
    super(`${entity} not found`);
  }
}

export class ConflictError extends HubError {
  override readonly name = "ConflictError";
  readonly code = "CONFLICT" as const;
}

export class ForbiddenError extends HubError {
  override readonly name = "ForbiddenError";
  readonly code = "FORBIDDEN" as const;
}
