ALTER TABLE "access_log" ALTER COLUMN "entity_type" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "access_log" ALTER COLUMN "entity_ids" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "access_log" ADD COLUMN "disclosures" text;--> statement-breakpoint
ALTER TABLE "access_log" ADD CONSTRAINT "access_log_one_format" CHECK (("access_log"."disclosures" IS NULL AND "access_log"."entity_type" IS NOT NULL AND "access_log"."entity_ids" IS NOT NULL) OR ("access_log"."disclosures" IS NOT NULL AND "access_log"."entity_type" IS NULL AND "access_log"."entity_ids" IS NULL AND "access_log"."detail" IS NULL));--> statement-breakpoint
-- Hand-added (drizzle-kit does not model storage): a request's disclosures are UUIDs, which pglz
-- cannot shrink, yet it tries on every insert above ~2 kB. Store them out of line uncompressed.
ALTER TABLE "access_log" ALTER COLUMN "disclosures" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "access_log" ALTER COLUMN "household_ids" SET STORAGE EXTERNAL;
