import { date, index, integer, pgEnum, pgTable, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { areaCode, areaCodeCheck, id, timestamps } from "../../db/columns.js";
import { households } from "../households/households.table.js";
import { organizations } from "../organizations/organizations.table.js";
import { AssistanceType, CaseChannel, CaseStatus } from "./cases.enums.js";

export const assistanceTypeEnum = pgEnum("assistance_type", AssistanceType.values);
export const caseChannelEnum = pgEnum("case_channel", CaseChannel.values);
export const caseStatusEnum = pgEnum("case_status", CaseStatus.values);

export const cases = pgTable(
  "cases",
  {
    id: id(),
    /** Public case number, e.g. `QXC-2026-000123`; the stable sort key for paging. */
    caseNo: varchar("case_no", { length: 32 }).notNull(),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "restrict" }),
    /** The organization handling the case (民政局 or a subdistrict). */
    handlingOrgId: uuid("handling_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    type: assistanceTypeEnum("type").notNull(),
    channel: caseChannelEnum("channel").notNull(),
    status: caseStatusEnum("status").notNull(),
    /** Area of the household at intake; the record-scope key. */
    areaCode: areaCode().notNull(),
    appliedOn: date("applied_on", { mode: "string" }).notNull(),
    decidedOn: date("decided_on", { mode: "string" }),
    nextReviewOn: date("next_review_on", { mode: "string" }),
    /** Monthly benefit in fen while approved. */
    monthlyBenefitFen: integer("monthly_benefit_fen"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("cases_case_no_uq").on(t.caseNo),
    index("cases_household_id_idx").on(t.householdId),
    index("cases_handling_org_id_idx").on(t.handlingOrgId),
    index("cases_area_code_idx").on(t.areaCode),
    index("cases_type_status_idx").on(t.type, t.status),
    areaCodeCheck("cases_area_code_ck", t.areaCode),
  ],
);

export type CaseRow = typeof cases.$inferSelect;
/** What a view is built from: the keys and cursor always, every other column when its field is selected. */
export type CaseReadRow = Pick<CaseRow, "id" | "caseNo" | "householdId" | "areaCode"> &
  Partial<Omit<CaseRow, "id" | "caseNo" | "householdId" | "areaCode" | "createdAt" | "updatedAt">>;
export type NewCaseRow = typeof cases.$inferInsert;
