// Every error a client may see is a HubError: a stable `code` (extensions.code) and a stable
// `reason` (extensions.reason) a client can act on. Each domain declares its reasons in a table
// next to its errors (`<domain>.errors.ts`), reason → code; the table is the mapping, so a reason
// without a code does not compile. formatError (server.ts) shows `code`, `reason` and the safe
// details and masks everything else as INTERNAL_SERVER_ERROR.

export type ErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "UNAUTHENTICATED" | "RATE_LIMITED" | "SERVICE_UNAVAILABLE" | "QUERY_TOO_COMPLEX" | "DEADLINE_EXCEEDED";

/** Safe, non-personal details for `extensions` (a field name, a limit). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/** A domain's reasons, each with the code it is reported under. */
export type ReasonTable<R extends string = string> = Readonly<Record<R, ErrorCode>>;

export function defineReasons<const T extends Record<string, ErrorCode>>(table: T): Readonly<T> {
  return Object.freeze({ ...table });
}

export abstract class HubError<R extends string = string> extends Error {
  readonly code: ErrorCode;
  readonly reason: R;
  readonly details: ErrorDetails;
  protected constructor(table: ReasonTable<R>, reason: R, message: string, details: ErrorDetails = {}) {
    // An answer to the caller, not a bug: no stack is captured (V8's capture is most of an error's cost
    // — a tenth of a refused claim's CPU — and the hub never shows or logs a HubError's stack).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    const code = table[reason];
    // A reason outside the table can only come from an untyped caller: a bug, not a client error.
    if (code === undefined) throw new TypeError(`unknown error reason ${String(reason)}`);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

/** What every domain error class is, made by `domainError(name, reasons)` (see cases.errors.ts). */
export interface DomainErrorClass<R extends string> {
  new (reason: R, message: string, details?: ErrorDetails): HubError<R>;
  readonly reasons: ReasonTable<R>;
  /** Bad input at an argument path: `extensions.field` names it. */
  atField(reason: R, message: string, field: string): HubError<R>;
}

export function domainError<R extends string>(name: string, reasons: ReasonTable<R>): DomainErrorClass<R> {
  return class extends HubError<R> {
    static readonly reasons = reasons;
    static atField(reason: R, message: string, field: string): HubError<R> {
      return new this(reason, message, { field });
    }
    override readonly name = name;
    constructor(reason: R, message: string, details?: ErrorDetails) {
      super(reasons, reason, message, details);
    }
  };
}

/** Malformed arguments the hub's shared validators reject, whatever the domain. */
export const ValidationReason = defineReasons({
  INVALID_ID: "BAD_USER_INPUT",
  INVALID_AREA_CODE: "BAD_USER_INPUT",
  INVALID_ID_NUMBER: "BAD_USER_INPUT",
  INVALID_TEXT: "BAD_USER_INPUT",
  INVALID_DATE: "BAD_USER_INPUT",
  INVALID_CODE: "BAD_USER_INPUT",
  PAGE_SIZE_OUT_OF_RANGE: "BAD_USER_INPUT",
  INVALID_CURSOR: "BAD_USER_INPUT",
});
export type ValidationReason = keyof typeof ValidationReason;
export class ValidationError extends domainError("ValidationError", ValidationReason) {}

/** The hub cannot serve the request now (its database is unreachable): retry after `retryAfterSeconds`. */
export const ServiceReason = defineReasons({
  DATABASE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
});
export type ServiceReason = keyof typeof ServiceReason;
export class ServiceError extends domainError("ServiceError", ServiceReason) {}

export const RETRY_AFTER_SECONDS = 2;
export const databaseUnavailable = (): ServiceError =>
  new ServiceError("DATABASE_UNAVAILABLE", "the database is unavailable right now; retry shortly", { retryAfterSeconds: RETRY_AFTER_SECONDS });
