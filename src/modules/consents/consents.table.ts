import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { id } from "../../db/columns.js";
import { dataCategoryEnum } from "../../privacy/privacy.table.js";
import { households } from "../households/households.table.js";
import { orgKindEnum, organizations } from "../organizations/organizations.table.js";
import { ConsentAction } from "./consents.enums.js";

export const consentActionEnum = pgEnum("consent_action", ConsentAction.values);

/**
 * A household's consent records: append-only (a trigger refuses UPDATE and DELETE). Withdrawal is
 * a new WITHDRAW record pointing at the GRANT it ends.
 */
export const consents = pgTable(
  "consents",
  {
    id: id(),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "restrict" }),
    action: consentActionEnum("action").notNull(),
    /** For WITHDRAW: the GRANT it ends. */
    withdrawsId: uuid("withdraws_id").references((): AnyPgColumn => consents.id, { onDelete: "restrict" }),
    /** One organization, or every organization of one kind. */
    recipientOrgId: uuid("recipient_org_id").references(() => organizations.id, { onDelete: "restrict" }),
    recipientOrgKind: orgKindEnum("recipient_org_kind"),
    purpose: text("purpose").notNull(),
    categories: dataCategoryEnum("categories").array().notNull().default([]),
    validFrom: timestamp("valid_from", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    /** Where the signed form or recorded statement is kept (a document number, not the document). */
    evidenceRef: text("evidence_ref").notNull(),
    recordedByOrgId: uuid("recorded_by_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    recordedBySubject: text("recorded_by_subject").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("consents_household_id_idx").on(t.householdId),
    // One withdrawal per grant, even when two arrive at once.
    uniqueIndex("consents_withdraws_id_uq").on(t.withdrawsId),
    index("consents_recipient_org_id_idx").on(t.recipientOrgId),
    index("consents_recorded_by_org_id_idx").on(t.recordedByOrgId),
    check(
      "consents_shape_ck",
      sql`(${t.action} = 'GRANT' and ${t.withdrawsId} is null and ${t.expiresAt} is not null
            and ((${t.recipientOrgId} is null) <> (${t.recipientOrgKind} is null)) and cardinality(${t.categories}) > 0)
          or (${t.action} = 'WITHDRAW' and ${t.withdrawsId} is not null)`,
    ),
  ],
);

export type ConsentRow = typeof consents.$inferSelect;
export type NewConsentRow = typeof consents.$inferInsert;
