CREATE TABLE "change_log_pending" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_log_pending_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"request_id" varchar(64) NOT NULL,
	"subject" text NOT NULL,
	"org_code" varchar(64) NOT NULL,
	"role" varchar(32) NOT NULL,
	"entity_type" varchar(32) NOT NULL,
	"entity_id" text NOT NULL,
	"household_id" uuid,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text
);
--> statement-breakpoint
-- A pending entry is chained as written or not at all: it may be moved (deleted by the sequencer, in the
-- transaction that inserts it into change_log), never edited.
CREATE TRIGGER "change_log_pending_no_update" BEFORE UPDATE ON "change_log_pending" FOR EACH ROW EXECUTE FUNCTION "refuse_change"();
