import { sql } from "drizzle-orm";
import { check, timestamp, uuid, varchar, type AnyPgColumn } from "drizzle-orm/pg-core";

// Shared column helpers: every table gets the same id, timestamp and area-code shapes.

export const id = () => uuid("id").primaryKey().defaultRandom();

export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

/**
 * A table's columns without the bookkeeping timestamps: what reads that build views select (no
 * view shows created_at/updated_at, and mapping them costs a Date per row).
 */
export function viewColumns<C extends { createdAt: unknown; updatedAt: unknown }>(columns: C): Omit<C, "createdAt" | "updatedAt"> {
  const { createdAt: _created, updatedAt: _updated, ...rest } = columns;
  return rest;
}

/** A 12-digit statistical division code (省2 市2 县2 乡镇3 村居3). */
export const areaCode = (name = "area_code") => varchar(name, { length: 12 });

/** CHECK constraint that keeps an area-code column to exactly 12 digits. */
export const areaCodeCheck = (constraintName: string, column: AnyPgColumn) =>
  check(constraintName, sql`${column} ~ '^[0-9]{12}$'`);
