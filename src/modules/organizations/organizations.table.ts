import { index, pgEnum, pgTable, text, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { areaCode, areaCodeCheck, id, timestamps } from "../../db/columns.js";
import { OrgKind } from "./organizations.enums.js";

export const orgKindEnum = pgEnum("org_kind", OrgKind.values);

export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    /** Stable public code, e.g. `QX-MZJ`; the `org` claim of a token. */
    code: varchar("code", { length: 64 }).notNull(),
    kind: orgKindEnum("kind").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en"),
    /** The area the organization acts for; record scope is a prefix of this code. */
    jurisdictionAreaCode: areaCode("jurisdiction_area_code").notNull(),
    /** The one token issuer that may speak for this organization (issuer binding). */
    issuer: text("issuer").notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("organizations_code_uq").on(t.code),
    index("organizations_kind_idx").on(t.kind),
    index("organizations_jurisdiction_idx").on(t.jurisdictionAreaCode),
    areaCodeCheck("organizations_jurisdiction_area_code_ck", t.jurisdictionAreaCode),
  ],
);

export type OrganizationRow = typeof organizations.$inferSelect;
export type NewOrganizationRow = typeof organizations.$inferInsert;
