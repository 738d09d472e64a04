import { sql } from "drizzle-orm";
import { check, date, index, integer, pgEnum, pgSequence, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { id, timestamps } from "../../db/columns.js";
import { accessGrants } from "../grants/grants.table.js";
import { households } from "../households/households.table.js";
import { needs } from "../needs/needs.table.js";
import { organizations } from "../organizations/organizations.table.js";
import { resources } from "../resources/resources.table.js";
import { ClaimStatus } from "./claims.enums.js";

export const claimStatusEnum = pgEnum("claim_status", ClaimStatus.values);
export const claimNoSeq = pgSequence("claim_no_seq", { startWith: 1 });

/**
 * 认领 — a need claimed against a resource by the resource's owner (clause 18). At most one live
 * (ACTIVE or FULFILLED) claim per need, enforced by a partial unique index behind the service's
 * conditional updates.
 */
export const claims = pgTable(
  "claims",
  {
    id: id(),
    claimNo: varchar("claim_no", { length: 32 }).notNull(),
    needId: uuid("need_id")
      .notNull()
      .references(() => needs.id, { onDelete: "restrict" }),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "restrict" }),
    claimantOrgId: uuid("claimant_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    /** The need's household (the grant's), kept for scope checks; never shown to the claimant. */
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "restrict" }),
    /** The claim grant that put the household in the claimant's scope while the claim is active. */
    grantId: uuid("grant_id").references(() => accessGrants.id, { onDelete: "set null" }),
    /** fen; null for a claim in kind (slots only). */
    amountFen: integer("amount_fen"),
    status: claimStatusEnum("status").notNull().default("ACTIVE"),
    claimedAt: timestamp("claimed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Unfulfilled by then, the claim expires and the need opens again. */
    dueBy: timestamp("due_by", { withTimezone: true, mode: "date" }).notNull(),
    deliveredAmountFen: integer("delivered_amount_fen"),
    deliveredOn: date("delivered_on", { mode: "string" }),
    evidenceRef: text("evidence_ref"),
    fulfilledAt: timestamp("fulfilled_at", { withTimezone: true, mode: "date" }),
    releaseReason: text("release_reason"),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("claims_claim_no_uq").on(t.claimNo),
    uniqueIndex("claims_live_need_uq").on(t.needId).where(sql`${t.status} in ('ACTIVE', 'FULFILLED')`),
    index("claims_resource_id_idx").on(t.resourceId),
    index("claims_claimant_org_id_idx").on(t.claimantOrgId, t.claimNo),
    index("claims_household_id_idx").on(t.householdId),
    index("claims_active_due_idx").on(t.dueBy).where(sql`${t.status} = 'ACTIVE'`),
    check("claims_amount_ck", sql`${t.amountFen} is null or ${t.amountFen} > 0`),
    check("claims_delivered_ck", sql`${t.deliveredAmountFen} is null or ${t.deliveredAmountFen} >= 0`),
    check("claims_fulfilled_ck", sql`(${t.status} = 'FULFILLED') = (${t.fulfilledAt} is not null)`),
  ],
);

export type ClaimRow = typeof claims.$inferSelect;
export type NewClaimRow = typeof claims.$inferInsert;
