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

/** A 12-digit statistical division code (省2 市2 县2 乡镇3 村居3). */
export const areaCode = (name = "area_code") => varchar(name, { length: 12 });

/** CHECK constraint that keeps an area-code column to exactly 12 digits. */
export const areaCodeCheck = (constraintName: string, column: AnyPgColumn) =>
  check(constraintName, sql`${column} ~ '^[0-9]{12}$'`);
