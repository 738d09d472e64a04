import { pino, type Logger } from "pino";

export type { Logger };

// Structured JSON logs. Callers log ids, codes and counts only: never names, ID numbers, phones,
// addresses, tokens or GraphQL variables. The redact list is a second line of defence.
//
// Written to stdout asynchronously (pino's sonic-boom, sync: false): a line per request written by the
// request's own thread cost about a twentieth of a short request's CPU; lines that arrive while one
// write is in flight go out together, and pino flushes what is left when the process exits.
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: "assistance-hub" },
      redact: {
        paths: ["authorization", "headers.authorization", "req.headers.authorization", "variables", "*.idNumber", "*.phone", "*.name"],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
