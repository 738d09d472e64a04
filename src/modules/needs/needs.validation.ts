import { NeedError } from "./needs.errors.js";

// A need's claimant-facing text is read by charities before any consent: it may hold nothing that
// identifies the household. Checked on every write path (the API's and the demo seed's).

/** An 18-character resident ID number (or its 15-digit predecessor), separators allowed. */
const ID_NUMBER_LIKE = /(?<![\dXx])(?:(?:\d[\s-]?){17}[\dXx]|(?:\d[\s-]?){14}\d)(?![\dXx])/;
/** A mainland mobile number, with or without a +86 prefix and separators. */
const PHONE_LIKE = /(?<!\d)(?:\+?86[\s-]?)?1[3-9](?:[\s-]?\d){9}(?!\d)/;

export type PersonalDataFound = "ID_NUMBER" | "PHONE" | "MEMBER_NAME";

/** What personal data a text holds, if any: the first kind found. Pure. */
export function personalDataIn(text: string, memberNames: readonly string[]): PersonalDataFound | null {
  if (ID_NUMBER_LIKE.test(text)) return "ID_NUMBER";
  if (PHONE_LIKE.test(text)) return "PHONE";
  const compact = text.replace(/\s+/g, "");
  if (memberNames.some((name) => name.length > 0 && compact.includes(name.replace(/\s+/g, "")))) return "MEMBER_NAME";
  return null;
}

/** Refuses a claimant-facing text that holds an ID-number-like or phone-like string or a member's name. */
export function assertClaimantText(text: string, args: { field: string; memberNames: readonly string[] }): void {
  const found = personalDataIn(text, args.memberNames);
  if (found) {
    // Say what kind of data, never the value.
    const what = { ID_NUMBER: "an ID-number-like string", PHONE: "a phone-like number", MEMBER_NAME: "the name of a household member" }[found];
    throw new NeedError("PERSONAL_DATA_IN_TEXT", `${args.field} is read by charities before consent and must not hold ${what}`, { field: args.field, found });
  }
}
