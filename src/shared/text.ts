// Free text as the hub stores it: valid Unicode (no lone surrogate, which PostgreSQL would not store
// or would store as U+FFFD), no NUL or other control characters (PostgreSQL refuses NUL with SQLSTATE
// 22021; the others corrupt logs and screens), lengths counted in characters (code points), and cut
// at a character boundary, never inside a surrogate pair.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 controls and DEL, except tab, line feed and carriage return (allowed where a field says so). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;

export type TextProblem = "LONE_SURROGATE" | "CONTROL_CHARACTER" | "LINE_BREAK";

/** What makes a text unstorable or unsafe, if anything. */
export function textProblem(value: string, options: { multiline?: boolean } = {}): TextProblem | null {
  if (LONE_SURROGATE.test(value)) return "LONE_SURROGATE";
  if (CONTROL.test(value)) return "CONTROL_CHARACTER";
  if (!options.multiline && LINE_BREAK_OR_TAB.test(value)) return "LINE_BREAK";
  return null;
}

export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** The first `max` characters (code points) of a text. */
export function cutCodePoints(value: string, max: number): string {
  return Array.from(value).slice(0, max).join("");
}
