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
