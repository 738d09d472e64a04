// drizzle wraps driver errors (DrizzleQueryError) and their messages hold SQL and parameters:
// code reads the SQLSTATE and constraint from the cause chain and never shows the message.

export interface DatabaseErrorInfo {
  readonly code: string;
  readonly constraint: string | undefined;
}

export function databaseErrorOf(error: unknown): DatabaseErrorInfo | null {
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const constraint = (e as { constraint?: unknown }).constraint;
      return { code, constraint: typeof constraint === "string" ? constraint : undefined };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

export const UNIQUE_VIOLATION = "23505";

/** SQLSTATE classes and driver errors that mean "the database cannot be reached now", not a bug. */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|53300)$/; // connection exceptions, shutdown, too many connections
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    const message = (e as { message?: unknown }).message;
    // node-postgres reports a dropped connection without a code.
    if (typeof message === "string" && /Connection terminated|connection timeout/i.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** PostgreSQL cancelled the statement (statement_timeout, the request deadline): SQLSTATE 57014. */
export function isStatementTimeout(error: unknown): boolean {
  return databaseErrorOf(error)?.code === "57014";
}
