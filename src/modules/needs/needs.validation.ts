import type { DataCategory } from "../../privacy/categories.js";
import { dateOrThrow, daysBetween } from "../../shared/calendar.js";
import { textOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { BeneficiaryTag, type NeedCategory, type NeedUrgency } from "./needs.enums.js";
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

// --- posting a need -------------------------------------------------------------------------------

/** What `postNeed` accepts, before validation (the GraphQL input's shape). */
export interface NeedPostData {
  householdId: string;
  caseId?: string | null;
  category: NeedCategory;
  urgency: NeedUrgency;
  title: string;
  description?: string | null;
  noteCategory?: DataCategory | null;
  /** fen (the Money scalar has parsed it) */
  amount?: number | null;
  neededBy?: string | null;
  beneficiaryTags?: readonly string[] | null;
}

export interface ValidNeedPost {
  householdId: string;
  caseId: string | null;
  category: NeedCategory;
  urgency: NeedUrgency;
  title: string;
  note: { text: string; category: DataCategory } | null;
  amountFen: number | null;
  neededBy: string | null;
  beneficiaryTags: BeneficiaryTag[];
}

/** 1,000,000 yuan: past this a need is a programme, not a household's need. */
export const MAX_NEED_AMOUNT_FEN = 100_000_000;
/** A need is met within a year or it is not a need to match. */
export const MAX_NEED_DAYS_AHEAD = 366;
const MAX_TAGS = 8;

/**
 * Pure checks of a posted need, before the household is read: the member-name part of the
 * claimant-text rule needs the household's names and runs in the service (assertClaimantText).
 */
export function validateNeedPost(input: NeedPostData, today: string): ValidNeedPost {
  const householdId = uuidOrThrow(input.householdId, "input.householdId");
  const caseId = input.caseId != null && input.caseId !== "" ? uuidOrThrow(input.caseId, "input.caseId") : null;
  const title = textOrThrow(input.title, { field: "input.title", min: 4, max: 80 });
  const hasText = input.description != null && input.description.trim() !== "";
  if (hasText !== (input.noteCategory != null)) {
    throw NeedError.atField("NOTE_CATEGORY_REQUIRED", "a description needs noteCategory, the data category of what it says (and noteCategory needs a description)", "input.noteCategory");
  }
  const note = hasText ? { text: textOrThrow(input.description!, { field: "input.description", min: 1, max: 2000, multiline: true }), category: input.noteCategory! } : null;
  let amountFen: number | null = null;
  if (input.amount != null) {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_NEED_AMOUNT_FEN) {
      throw NeedError.atField("INVALID_AMOUNT", `amount must be more than 0 and at most ${MAX_NEED_AMOUNT_FEN / 100} yuan`, "input.amount");
    }
    amountFen = input.amount;
  }
  let neededBy: string | null = null;
  if (input.neededBy != null && input.neededBy !== "") {
    neededBy = dateOrThrow(input.neededBy, "input.neededBy");
    const ahead = daysBetween(today, neededBy);
    if (ahead < 0 || ahead > MAX_NEED_DAYS_AHEAD) {
      throw NeedError.atField("INVALID_DEADLINE", `neededBy must be between today (${today}) and ${MAX_NEED_DAYS_AHEAD} days ahead`, "input.neededBy");
    }
  }
  const tags = [...new Set((input.beneficiaryTags ?? []).map((t) => t.trim()))];
  const unknown = tags.find((t) => !(BeneficiaryTag.values as readonly string[]).includes(t));
  if (unknown !== undefined) {
    // The vocabulary is public; the offending value is the caller's own input, so naming its position is enough.
    throw NeedError.atField("UNKNOWN_TAG", `beneficiaryTags must come from the vocabulary: ${BeneficiaryTag.values.join(", ")}`, "input.beneficiaryTags");
  }
  if (tags.length > MAX_TAGS) throw NeedError.atField("UNKNOWN_TAG", `at most ${MAX_TAGS} beneficiary tags`, "input.beneficiaryTags");
  return { householdId, caseId, category: input.category, urgency: input.urgency, title, note, amountFen, neededBy, beneficiaryTags: tags as BeneficiaryTag[] };
}
