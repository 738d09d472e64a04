import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "../../db/columns.js";
import { dataCategoryEnum } from "../../privacy/privacy.table.js";
import { households } from "../households/households.table.js";
import { organizations } from "../organizations/organizations.table.js";
import { GrantRelationship } from "./grants.enums.js";

export const grantRelationshipEnum = pgEnum("grant_relationship", GrantRelationship.values);

/**
 * Record-scope grants: a household reachable by an organization outside its jurisdiction because a
 * workflow (referral, assignment, claim) put it there, with the categories that workflow authorised
 * as a ceiling. Later workflows add rows; revoking sets revoked_at.
 */
export const accessGrants = pgTable(
  "access_grants",
  {
    id: id(),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "cascade" }),
    granteeOrgId: uuid("grantee_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    relationship: grantRelationshipEnum("relationship").notNull(),
    categories: dataCategoryEnum("categories").array().notNull(),
    /** The workflow record behind the grant (a referral, contract or claim id). */
    sourceRef: text("source_ref").notNull(),
    validFrom: timestamp("valid_from", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("access_grants_grantee_household_idx").on(t.granteeOrgId, t.householdId),
    index("access_grants_household_id_idx").on(t.householdId),
  ],
);

export type AccessGrantRow = typeof accessGrants.$inferSelect;
export type NewAccessGrantRow = typeof accessGrants.$inferInsert;
