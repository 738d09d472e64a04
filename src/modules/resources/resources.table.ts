import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, pgEnum, pgSequence, pgTable, text, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { id, timestamps } from "../../db/columns.js";
import { needCategoryEnum } from "../needs/needs.table.js";
import { organizations } from "../organizations/organizations.table.js";
import { ResourceKind, ResourceStatus } from "./resources.enums.js";

export const resourceKindEnum = pgEnum("resource_kind", ResourceKind.values);
export const resourceStatusEnum = pgEnum("resource_status", ResourceStatus.values);

/** Numbers of resources published through the API (`QXR-0009` …), continuing the demo's. */
export const resourceNoSeq = pgSequence("resource_no_seq", { startWith: 1 });

export const resources = pgTable(
  "resources",
  {
    id: id(),
    resourceNo: varchar("resource_no", { length: 32 }).notNull(),
    ownerOrgId: uuid("owner_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    kind: resourceKindEnum("kind").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    categories: needCategoryEnum("categories").array().notNull(),
    /** Area-code prefixes (12-digit codes) the resource serves. */
    serviceAreaCodes: varchar("service_area_codes", { length: 12 }).array().notNull(),
    eligibilityTags: text("eligibility_tags").array().notNull().default([]),
    capacitySlots: integer("capacity_slots"),
    budgetFen: bigint("budget_fen", { mode: "number" }),
    perBeneficiaryCapFen: integer("per_beneficiary_cap_fen"),
    /** Slots and budget held by live and fulfilled claims (modules/claims); never past the capacity. */
    slotsClaimed: integer("slots_claimed").notNull().default(0),
    budgetClaimedFen: bigint("budget_claimed_fen", { mode: "number" }).notNull().default(0),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }),
    status: resourceStatusEnum("status").notNull().default("DRAFT"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("resources_resource_no_uq").on(t.resourceNo),
    index("resources_owner_org_id_idx").on(t.ownerOrgId),
    index("resources_status_kind_idx").on(t.status, t.kind),
    // The last line of defence behind the claim's conditional update: capacity never below zero.
    check("resources_slots_claimed_ck", sql`${t.slotsClaimed} >= 0 and (${t.capacitySlots} is null or ${t.slotsClaimed} <= ${t.capacitySlots})`),
    check("resources_budget_claimed_ck", sql`${t.budgetClaimedFen} >= 0 and (${t.budgetFen} is null or ${t.budgetClaimedFen} <= ${t.budgetFen})`),
  ],
);

export type ResourceRow = typeof resources.$inferSelect;
export type NewResourceRow = typeof resources.$inferInsert;
