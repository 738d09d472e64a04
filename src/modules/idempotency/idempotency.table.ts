import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { id } from "../../db/columns.js";

/**
 * The first result of each keyed mutation request (`Idempotency-Key`), per caller, until it expires.
 * The row is inserted before the mutation runs and its response written before the same transaction
 * commits: another session sees a key with its response or no key at all, and a concurrent request
 * with the same key waits on the unique index until the first has committed (or rolled back).
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    id: id(),
    /** SHA-256 (hex) of the caller's identity: issuer, subject, organization, role and household. */
    caller: varchar("caller", { length: 64 }).notNull(),
    /** Keyed hash (HMAC-SHA-256, hex) of the client's key: the hub needs equality, not the text. */
    keyHash: varchar("key_hash", { length: 64 }).notNull(),
    /** Keyed hash (HMAC-SHA-256, hex) of operation name, query text and canonical variables. */
    requestHash: varchar("request_hash", { length: 64 }).notNull(),
    /**
     * The response (status and body) AES-256-GCM encrypted (privacy/crypto.ts): it holds personal
     * data. Null only inside the claiming transaction, which never commits without it.
     */
    responseEnc: text("response_enc"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    uniqueIndex("idempotency_keys_caller_key_uq").on(t.caller, t.keyHash),
    index("idempotency_keys_expires_at_idx").on(t.expiresAt),
    check("idempotency_keys_expiry_ck", sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;
export type NewIdempotencyKeyRow = typeof idempotencyKeys.$inferInsert;
