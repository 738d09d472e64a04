import { sql } from "drizzle-orm";
import { check, date, index, integer, pgEnum, pgSequence, pgTable, text, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { dataCategoryEnum } from "../../privacy/privacy.table.js";
import { areaCode, areaCodeCheck, id, timestamps } from "../../db/columns.js";
import { cases } from "../cases/cases.table.js";
import { households } from "../households/households.table.js";
import { organizations } from "../organizations/organizations.table.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";

export const needCategoryEnum = pgEnum("need_category", NeedCategory.values);
export const needUrgencyEnum = pgEnum("need_urgency", NeedUrgency.values);
export const needStatusEnum = pgEnum("need_status", NeedStatus.values);

/** Numbers of needs posted through the API (`QXN-000151` …), continuing the demo's. */
export const needNoSeq = pgSequence("need_no_seq", { startWith: 1 });

export const needs = pgTable(
  "needs",
  {
    id: id(),
    needNo: varchar("need_no", { length: 32 }).notNull(),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "restrict" }),
    caseId: uuid("case_id").references(() => cases.id, { onDelete: "set null" }),
    /** The organization that recorded the need (community, subdistrict or bureau). */
    recordedByOrgId: uuid("recorded_by_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    category: needCategoryEnum("category").notNull(),
    urgency: needUrgencyEnum("urgency").notNull(),
    /** The claimant-facing summary: checked on write (no ID-number- or phone-like string, no member's
     * name) and saying no more than the need's category. */
    title: text("title").notNull(),
    /** The internal note, classed by its content's category (note_category); never shown beyond it. */
    description: text("description"),
    noteCategory: dataCategoryEnum("note_category"),
    /** Estimated amount in fen, when the need is monetary. */
    amountFen: integer("amount_fen"),
    areaCode: areaCode().notNull(),
    beneficiaryTags: text("beneficiary_tags").array().notNull().default([]),
    status: needStatusEnum("status").notNull().default("OPEN"),
    neededBy: date("needed_by", { mode: "string" }),
    /** The organization holding the live claim on the need (modules/claims): its claimant sees the need
     * after it leaves the published list. Null when unclaimed or released. */
    claimedByOrgId: uuid("claimed_by_org_id").references(() => organizations.id, { onDelete: "restrict" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("needs_need_no_uq").on(t.needNo),
    index("needs_household_id_idx").on(t.householdId),
    index("needs_case_id_idx").on(t.caseId),
    index("needs_recorded_by_org_id_idx").on(t.recordedByOrgId),
    index("needs_area_code_idx").on(t.areaCode),
    index("needs_status_category_idx").on(t.status, t.category),
    index("needs_claimed_by_org_id_idx").on(t.claimedByOrgId),
    // Matching's first cut: open, unclaimed needs of a category in an area (modules/matching).
    index("needs_matchable_idx").on(t.category, t.areaCode).where(sql`${t.status} in ('OPEN', 'MATCHED') and ${t.claimedByOrgId} is null`),
    areaCodeCheck("needs_area_code_ck", t.areaCode),
    check("needs_note_category_ck", sql`(${t.description} is null) = (${t.noteCategory} is null)`),
  ],
);

export type NeedRow = typeof needs.$inferSelect;
/** What a view is built from: keys, cursor, area and status always, every other column when its field is selected. */
export type NeedReadRow = Pick<NeedRow, "id" | "needNo" | "householdId" | "areaCode" | "status"> &
  Partial<Omit<NeedRow, "id" | "needNo" | "householdId" | "areaCode" | "status" | "createdAt" | "updatedAt">> & {
    /** One month of what the household's covering approved cases pay (needs.coverage.ts), when read. */
    governmentCoverFen?: number;
    governmentCoverTypes?: string[];
  };
export type NewNeedRow = typeof needs.$inferInsert;
