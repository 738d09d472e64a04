import { pino, type Logger } from "pino";

export type { Logger };

// Structured JSON logs. Callers log ids, codes and counts only: never names, ID numbers, phones,
// addresses, tokens or GraphQL variables. The redact list is a second line of defence.
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "assistance-hub" },
    redact: {
      paths: ["authorization", "headers.authorization", "req.headers.authorization", "variables", "*.idNumber", "*.phone", "*.name"],
      censor: "[redacted]",
    },
  });
}
