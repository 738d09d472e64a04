CREATE TYPE "public"."claim_status" AS ENUM('ACTIVE', 'FULFILLED', 'RELEASED', 'EXPIRED');--> statement-breakpoint
CREATE SEQUENCE "public"."need_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."resource_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."claim_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_no" varchar(32) NOT NULL,
	"need_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"claimant_org_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"grant_id" uuid,
	"amount_fen" integer,
	"status" "claim_status" DEFAULT 'ACTIVE' NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_by" timestamp with time zone NOT NULL,
	"delivered_amount_fen" integer,
	"delivered_on" date,
	"evidence_ref" text,
	"fulfilled_at" timestamp with time zone,
	"release_reason" text,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_amount_ck" CHECK ("claims"."amount_fen" is null or "claims"."amount_fen" > 0),
	CONSTRAINT "claims_delivered_ck" CHECK ("claims"."delivered_amount_fen" is null or "claims"."delivered_amount_fen" >= 0),
	CONSTRAINT "claims_fulfilled_ck" CHECK (("claims"."status" = 'FULFILLED') = ("claims"."fulfilled_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "needs" ADD COLUMN "claimed_by_org_id" uuid;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "slots_claimed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "budget_claimed_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_need_id_needs_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."needs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_claimant_org_id_organizations_id_fk" FOREIGN KEY ("claimant_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_grant_id_access_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."access_grants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "claims_claim_no_uq" ON "claims" USING btree ("claim_no");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_live_need_uq" ON "claims" USING btree ("need_id") WHERE "claims"."status" in ('ACTIVE', 'FULFILLED');--> statement-breakpoint
CREATE INDEX "claims_resource_id_idx" ON "claims" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "claims_claimant_org_id_idx" ON "claims" USING btree ("claimant_org_id","claim_no");--> statement-breakpoint
CREATE INDEX "claims_household_id_idx" ON "claims" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "claims_active_due_idx" ON "claims" USING btree ("due_by") WHERE "claims"."status" = 'ACTIVE';--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_claimed_by_org_id_organizations_id_fk" FOREIGN KEY ("claimed_by_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "needs_claimed_by_org_id_idx" ON "needs" USING btree ("claimed_by_org_id");--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_slots_claimed_ck" CHECK ("resources"."slots_claimed" >= 0 and ("resources"."capacity_slots" is null or "resources"."slots_claimed" <= "resources"."capacity_slots"));--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_budget_claimed_ck" CHECK ("resources"."budget_claimed_fen" >= 0 and ("resources"."budget_fen" is null or "resources"."budget_claimed_fen" <= "resources"."budget_fen"));