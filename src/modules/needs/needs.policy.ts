import type { FieldCipher } from "../../privacy/crypto.js";
import type { DataCategory } from "../../privacy/categories.js";
import { Sealed, defineCatalogue } from "../../privacy/project.js";
import type { BeneficiaryTag, NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import { openAmountOf } from "./needs.coverage.js";
import type { NeedReadRow } from "./needs.table.js";

/** What each beneficiary tag reveals about the household: a tag is shown only where its category is. */
export const TAG_CATEGORY: { readonly [T in BeneficiaryTag]: DataCategory } = {
  elderly: "IDENTITY", // an age band: derived from birth dates
  child: "IDENTITY",
  "living-alone": "BASIC", // household composition, visible as members' relations
  "residence-permit": "IDENTITY", // as the household's residence status
  student: "EDUCATION",
  disability: "DISABILITY",
  "serious-illness": "HEALTH",
  unemployed: "EMPLOYMENT",
  "minimum-living": "CASE", // assistance status
  "extreme-poverty": "CASE",
  "low-income": "FINANCIAL",
  "children-in-difficulty": "PROTECTION",
  "disaster-affected": "HOUSING",
};

/** A tag outside the vocabulary is treated as the strictest category until it is classed. */
export function tagCategory(tag: string): DataCategory {
  return (TAG_CATEGORY as Record<string, DataCategory | undefined>)[tag] ?? "PROTECTION";
}

/** Government aid's cover of a need (needs.coverage.ts). */
export interface GovernmentCover {
  /** fen, one month */
  readonly amount: number;
  readonly assistanceTypes: readonly string[];
}

/** The internal note of a need: free text, classed by what it is about. */
export interface NeedNote {
  readonly category: DataCategory;
  readonly text: string;
}

/** A view's source; beyond keys, area and status, a field is also null when the operation did not select it. */
export interface NeedSource {
  id: string;
  needNo: string;
  /** The household's id on a need links all of its needs into one profile: it is identity. */
  householdId: string;
  /** A per-need pseudonym for the household: stable for this need, different for each need. */
  householdPseudonym: Sealed<string>;
  caseId: string | null;
  recordedByOrgId: string | null;
  category: NeedCategory | null;
  urgency: NeedUrgency | null;
  title: string | null;
  note: NeedNote | null;
  /** fen: the whole amount wanted, before government aid (CASE: with the cover, it tells what aid the household gets). */
  amount: number | null;
  /** fen: what is left for charity after government aid — all a claimant sees of the amount. */
  openAmount: number | null;
  /** What the household's approved cases of the covering types pay in a month toward the need. */
  governmentCover: GovernmentCover | null;
  areaCode: string;
  beneficiaryTags: string[] | null;
  status: NeedStatus;
  neededBy: string | null;
}

// A need is published for matching: its own facts are BASIC; the link to its household is IDENTITY
// and to its case CASE, and so are its whole amount and government aid's cover of it (together they
// tell what aid the household receives): a claimant sees the open amount only; tags and the note reveal the categories they are classed under, item by item.
export const NEED_CATALOGUE = defineCatalogue<NeedSource>("Need", { id: "id", household: "householdId" }, {
  id: { category: "BASIC" },
  needNo: { category: "BASIC" },
  householdId: { category: "IDENTITY" },
  householdPseudonym: { category: "BASIC" },
  caseId: { category: "CASE" },
  recordedByOrgId: { category: "BASIC" },
  category: { category: "BASIC" },
  urgency: { category: "BASIC" },
  title: { category: "BASIC" },
  note: { category: "BASIC", itemCategory: (note) => note.category },
  amount: { category: "CASE" },
  openAmount: { category: "BASIC" },
  governmentCover: { category: "CASE" },
  areaCode: { category: "BASIC" },
  beneficiaryTags: { category: "BASIC", itemCategory: tagCategory },
  status: { category: "BASIC" },
  neededBy: { category: "BASIC" },
});

/** Blind-index purpose of the per-need household pseudonym. */
const HOUSEHOLD_PSEUDONYM = "needs.household_pseudonym";

const pseudonymOf = (cipher: FieldCipher, needId: string) => cipher.blindIndex(needId, HOUSEHOLD_PSEUDONYM).slice(0, 16);

export function needSource(row: NeedReadRow, cipher: FieldCipher): NeedSource {
  return {
    id: row.id,
    needNo: row.needNo,
    householdId: row.householdId,
    // Keyed per need, computed only for a view that shows it.
    householdPseudonym: Sealed.of(pseudonymOf, cipher, row.id),
    caseId: row.caseId ?? null,
    recordedByOrgId: row.recordedByOrgId ?? null,
    category: row.category ?? null,
    urgency: row.urgency ?? null,
    title: row.title ?? null,
    note: row.description != null && row.noteCategory != null ? { category: row.noteCategory, text: row.description } : null,
    amount: row.amountFen ?? null,
    openAmount: row.governmentCoverFen === undefined ? null : openAmountOf(row.amountFen ?? null, row.governmentCoverFen),
    governmentCover:
      row.governmentCoverFen === undefined || row.governmentCoverTypes === undefined || row.governmentCoverTypes.length === 0
        ? null
        : { amount: row.governmentCoverFen, assistanceTypes: row.governmentCoverTypes },
    areaCode: row.areaCode,
    beneficiaryTags: row.beneficiaryTags ?? null,
    status: row.status,
    neededBy: row.neededBy ?? null,
  };
}
