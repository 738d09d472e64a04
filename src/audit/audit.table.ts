import { sql } from "drizzle-orm";
import { bigint, check, index, pgEnum, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { dataCategoryEnum } from "../privacy/privacy.table.js";
import { orgKindEnum } from "../modules/organizations/organizations.table.js";

// Two append-only, hash-chained streams (policy clause 22). A trigger refuses UPDATE and DELETE;
// each row's hash covers its content and the previous row's hash, so an edit by anyone who can
// bypass the trigger is still detected by verification.

export const accessOutcomeEnum = pgEnum("access_outcome", ["ALLOWED", "DENIED"]);

/**
 * One row per request (format 2): who, for which org and purpose, and in `disclosures` what each
 * entity type showed (ids, households, categories in full) or what was refused. Rows written before
 * migration 0003 (format 1) hold one entity type each in entity_type / entity_ids / detail and no
 * `disclosures`; they stay in the chain as written (see accessLogContent). A CHECK keeps the formats apart.
 */
export const accessLog = pgTable(
  "access_log",
  {
    /** 1, 2, 3 … with no gaps: assigned under the append lock, so a deleted row leaves a hole. */
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    requestId: varchar("request_id", { length: 64 }).notNull(),
    subject: text("subject").notNull(),
    orgCode: varchar("org_code", { length: 64 }).notNull(),
    orgKind: orgKindEnum("org_kind").notNull(),
    role: varchar("role", { length: 32 }).notNull(),
    purpose: text("purpose"),
    /** GraphQL operation path, e.g. `Query.household` or `Query.cases`. */
    operation: text("operation").notNull(),
    /** DENIED when anything in the request was refused (format 1: that entity type's outcome). */
    outcome: accessOutcomeEnum("outcome").notNull(),
    /** Every household concerned, allowed or refused: what `accessLog(householdId)` searches. */
    householdIds: uuid("household_ids").array().notNull(),
    /** Categories disclosed in FULL by the request (what was actually shown, not what was asked). */
    categoriesFull: dataCategoryEnum("categories_full").array().notNull(),
    /** Format 2: the canonical JSON of the request's disclosures (AccessDisclosure[]), stored verbatim. */
    disclosures: text("disclosures"),
    /** Format 1 only. */
    entityType: varchar("entity_type", { length: 32 }),
    /** Format 1 only. */
    entityIds: text("entity_ids").array(),
    /** Format 1 only: a reason code for a DENIED entry. */
    detail: text("detail"),
    prevHash: varchar("prev_hash", { length: 64 }).notNull(),
    hash: varchar("hash", { length: 64 }).notNull(),
  },
  (t) => [
    index("access_log_household_ids_idx").using("gin", t.householdIds),
    index("access_log_at_idx").on(t.at),
    check(
      "access_log_one_format",
      sql`(${t.disclosures} IS NULL AND ${t.entityType} IS NOT NULL AND ${t.entityIds} IS NOT NULL) OR (${t.disclosures} IS NOT NULL AND ${t.entityType} IS NULL AND ${t.entityIds} IS NULL AND ${t.detail} IS NULL)`,
    ),
  ],
);

/** A change entry's content: the columns change_log chains and change_log_pending holds until then. */
const changeContentColumns = () => ({
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  requestId: varchar("request_id", { length: 64 }).notNull(),
  subject: text("subject").notNull(),
  orgCode: varchar("org_code", { length: 64 }).notNull(),
  role: varchar("role", { length: 32 }).notNull(),
  entityType: varchar("entity_type", { length: 32 }).notNull(),
  entityId: text("entity_id").notNull(),
  householdId: uuid("household_id"),
  field: text("field").notNull(),
  /** Sensitive values are never stored here in clear: see audit/change-log.ts. */
  oldValue: text("old_value"),
  newValue: text("new_value"),
});

export const changeLog = pgTable(
  "change_log",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    ...changeContentColumns(),
    prevHash: varchar("prev_hash", { length: 64 }).notNull(),
    hash: varchar("hash", { length: 64 }).notNull(),
  },
  (t) => [index("change_log_entity_idx").on(t.entityType, t.entityId), index("change_log_household_id_idx").on(t.householdId)],
);

/**
 * Change-log entries written by committed changes and not yet chained (src/audit/change-log.ts): a
 * mutation inserts its entries here in its own transaction — no lock, no head read — and the
 * sequencer (change-log-sequencer.ts) moves them into `change_log` in id order, numbered and hashed,
 * in batches. The same content columns as change_log; `id` only orders them.
 */
export const changeLogPending = pgTable("change_log_pending", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  ...changeContentColumns(),
});

export type AccessLogRow = typeof accessLog.$inferSelect;
export type NewAccessLogRow = typeof accessLog.$inferInsert;
export type ChangeLogRow = typeof changeLog.$inferSelect;
export type NewChangeLogRow = typeof changeLog.$inferInsert;
export type ChangeLogPendingRow = typeof changeLogPending.$inferSelect;
