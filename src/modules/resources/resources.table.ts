import { bigint, date, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { id, timestamps } from "../../db/columns.js";
import { needCategoryEnum } from "../needs/needs.table.js";
import { organizations } from "../organizations/organizations.table.js";
import { ResourceKind, ResourceStatus } from "./resources.enums.js";

export const resourceKindEnum = pgEnum("resource_kind", ResourceKind.values);
export const resourceStatusEnum = pgEnum("resource_status", ResourceStatus.values);

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
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }),
    status: resourceStatusEnum("status").notNull().default("DRAFT"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("resources_resource_no_uq").on(t.resourceNo),
    index("resources_owner_org_id_idx").on(t.ownerOrgId),
    index("resources_status_kind_idx").on(t.status, t.kind),
  ],
);

export type ResourceRow = typeof resources.$inferSelect;
export type NewResourceRow = typeof resources.$inferInsert;
