CREATE TYPE "public"."registration_review_status" AS ENUM('OPEN', 'RESOLVED');--> statement-breakpoint
CREATE TABLE "registration_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"conflicting_person_id" uuid NOT NULL,
	"registered_by_org_id" uuid NOT NULL,
	"status" "registration_review_status" DEFAULT 'OPEN' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "pending_id_number_bidx" varchar(64);--> statement-breakpoint
ALTER TABLE "registration_reviews" ADD CONSTRAINT "registration_reviews_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_reviews" ADD CONSTRAINT "registration_reviews_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_reviews" ADD CONSTRAINT "registration_reviews_conflicting_person_id_persons_id_fk" FOREIGN KEY ("conflicting_person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_reviews" ADD CONSTRAINT "registration_reviews_registered_by_org_id_organizations_id_fk" FOREIGN KEY ("registered_by_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registration_reviews_household_id_idx" ON "registration_reviews" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "registration_reviews_person_id_idx" ON "registration_reviews" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "registration_reviews_conflicting_person_id_idx" ON "registration_reviews" USING btree ("conflicting_person_id");--> statement-breakpoint
CREATE INDEX "registration_reviews_registered_by_org_id_idx" ON "registration_reviews" USING btree ("registered_by_org_id");--> statement-breakpoint
CREATE INDEX "registration_reviews_status_idx" ON "registration_reviews" USING btree ("status");--> statement-breakpoint
CREATE INDEX "persons_pending_id_number_bidx_idx" ON "persons" USING btree ("pending_id_number_bidx");