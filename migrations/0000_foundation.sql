CREATE TYPE "public"."org_kind" AS ENUM('CIVIL_AFFAIRS', 'SUBDISTRICT', 'COMMUNITY', 'HEALTHCARE_SECURITY', 'HEALTH', 'EDUCATION', 'HOUSING', 'HUMAN_RESOURCES', 'EMERGENCY_MANAGEMENT', 'COURT', 'JUSTICE', 'FINANCE', 'CHARITY', 'VOLUNTEER_ORG', 'SOCIAL_WORK_AGENCY', 'RESIDENT');--> statement-breakpoint
CREATE TYPE "public"."disability_level" AS ENUM('NONE', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4');--> statement-breakpoint
CREATE TYPE "public"."employment_status" AS ENUM('EMPLOYED', 'FLEXIBLE', 'UNEMPLOYED', 'PUBLIC_WELFARE_POST', 'RETIRED', 'NOT_IN_LABOUR_FORCE');--> statement-breakpoint
CREATE TYPE "public"."housing_situation" AS ENUM('OWNED', 'RENTED_PRIVATE', 'PUBLIC_RENTAL', 'DILAPIDATED', 'NO_FIXED_ABODE', 'INSTITUTION', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."relation_to_head" AS ENUM('HEAD', 'SPOUSE', 'CHILD', 'PARENT', 'GRANDCHILD', 'GRANDPARENT', 'SIBLING', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."residence_status" AS ENUM('LOCAL_HUKOU', 'RESIDENCE_PERMIT', 'NON_RESIDENT');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('MALE', 'FEMALE');--> statement-breakpoint
CREATE TYPE "public"."student_status" AS ENUM('NOT_STUDENT', 'PRESCHOOL', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL', 'HIGHER');--> statement-breakpoint
CREATE TYPE "public"."work_ability" AS ENUM('FULL', 'PARTIAL', 'NONE');--> statement-breakpoint
CREATE TYPE "public"."assistance_type" AS ENUM('MINIMUM_LIVING', 'EXTREME_POVERTY', 'LOW_INCOME', 'TEMPORARY', 'MEDICAL', 'EDUCATION', 'HOUSING', 'EMPLOYMENT', 'DISASTER_RELIEF', 'JUDICIAL_AID', 'LEGAL_AID', 'HEATING', 'FUNERAL', 'CHILDREN_IN_DIFFICULTY', 'DISABILITY', 'VAGRANT_RELIEF');--> statement-breakpoint
CREATE TYPE "public"."case_channel" AS ENUM('WINDOW', 'ONLINE', 'DISCOVERY', 'REFERRAL');--> statement-breakpoint
CREATE TYPE "public"."case_status" AS ENUM('SUBMITTED', 'VERIFYING', 'PENDING_DECISION', 'APPROVED', 'REJECTED', 'SUSPENDED', 'TERMINATED');--> statement-breakpoint
CREATE TYPE "public"."need_category" AS ENUM('BASIC_LIVING', 'MEDICAL', 'EDUCATION', 'HOUSING', 'EMPLOYMENT', 'CARE_SERVICE', 'PSYCHOLOGICAL', 'LEGAL', 'HEATING', 'DISASTER_RELIEF', 'REHABILITATION', 'CHILD_PROTECTION', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."need_status" AS ENUM('OPEN', 'MATCHED', 'CLAIMED', 'FULFILLED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."need_urgency" AS ENUM('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');--> statement-breakpoint
CREATE TYPE "public"."resource_kind" AS ENUM('CHARITY_PROJECT', 'GOVERNMENT_PROGRAM', 'PUBLIC_WELFARE_POST', 'PURCHASED_SERVICE', 'VOLUNTEER_SERVICE');--> statement-breakpoint
CREATE TYPE "public"."resource_status" AS ENUM('DRAFT', 'ACTIVE', 'PAUSED', 'CLOSED');--> statement-breakpoint
CREATE TYPE "public"."data_category" AS ENUM('BASIC', 'CASE', 'IDENTITY', 'CONTACT', 'FINANCIAL', 'HEALTH', 'DISABILITY', 'EDUCATION', 'EMPLOYMENT', 'HOUSING', 'JUDICIAL', 'PROTECTION');--> statement-breakpoint
CREATE TYPE "public"."consent_action" AS ENUM('GRANT', 'WITHDRAW');--> statement-breakpoint
CREATE TYPE "public"."grant_relationship" AS ENUM('REFERRAL', 'ASSIGNMENT', 'CLAIM');--> statement-breakpoint
CREATE TYPE "public"."access_outcome" AS ENUM('ALLOWED', 'DENIED');--> statement-breakpoint
CREATE SEQUENCE "public"."household_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" varchar(64) NOT NULL,
	"kind" "org_kind" NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text,
	"jurisdiction_area_code" varchar(12) NOT NULL,
	"issuer" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_jurisdiction_area_code_ck" CHECK ("organizations"."jurisdiction_area_code" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_no" varchar(32) NOT NULL,
	"area_code" varchar(12) NOT NULL,
	"address" text NOT NULL,
	"bank_account_enc" text,
	"housing_situation" "housing_situation" NOT NULL,
	"residence_status" "residence_status" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_area_code_ck" CHECK ("households"."area_code" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"relation_to_head" "relation_to_head" NOT NULL,
	"name" text NOT NULL,
	"id_number_enc" text NOT NULL,
	"id_number_bidx" varchar(64) NOT NULL,
	"phone_enc" text,
	"birth_date" date NOT NULL,
	"sex" "sex" NOT NULL,
	"disability_level" "disability_level" DEFAULT 'NONE' NOT NULL,
	"serious_illness" boolean DEFAULT false NOT NULL,
	"work_ability" "work_ability" NOT NULL,
	"student_status" "student_status" DEFAULT 'NOT_STUDENT' NOT NULL,
	"employment_status" "employment_status" NOT NULL,
	"monthly_income_fen" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_monthly_income_ck" CHECK ("persons"."monthly_income_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_no" varchar(32) NOT NULL,
	"household_id" uuid NOT NULL,
	"handling_org_id" uuid NOT NULL,
	"type" "assistance_type" NOT NULL,
	"channel" "case_channel" NOT NULL,
	"status" "case_status" NOT NULL,
	"area_code" varchar(12) NOT NULL,
	"applied_on" date NOT NULL,
	"decided_on" date,
	"next_review_on" date,
	"monthly_benefit_fen" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cases_area_code_ck" CHECK ("cases"."area_code" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "needs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"need_no" varchar(32) NOT NULL,
	"household_id" uuid NOT NULL,
	"case_id" uuid,
	"recorded_by_org_id" uuid NOT NULL,
	"category" "need_category" NOT NULL,
	"urgency" "need_urgency" NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"amount_fen" integer,
	"area_code" varchar(12) NOT NULL,
	"beneficiary_tags" text[] DEFAULT '{}' NOT NULL,
	"status" "need_status" DEFAULT 'OPEN' NOT NULL,
	"needed_by" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "needs_area_code_ck" CHECK ("needs"."area_code" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resource_no" varchar(32) NOT NULL,
	"owner_org_id" uuid NOT NULL,
	"kind" "resource_kind" NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"categories" "need_category"[] NOT NULL,
	"service_area_codes" varchar(12)[] NOT NULL,
	"eligibility_tags" text[] DEFAULT '{}' NOT NULL,
	"capacity_slots" integer,
	"budget_fen" bigint,
	"per_beneficiary_cap_fen" integer,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"status" "resource_status" DEFAULT 'DRAFT' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"action" "consent_action" NOT NULL,
	"withdraws_id" uuid,
	"recipient_org_id" uuid,
	"recipient_org_kind" "org_kind",
	"purpose" text NOT NULL,
	"categories" "data_category"[] DEFAULT '{}' NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"evidence_ref" text NOT NULL,
	"recorded_by_org_id" uuid NOT NULL,
	"recorded_by_subject" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consents_shape_ck" CHECK (("consents"."action" = 'GRANT' and "consents"."withdraws_id" is null and "consents"."expires_at" is not null
            and (("consents"."recipient_org_id" is null) <> ("consents"."recipient_org_kind" is null)) and cardinality("consents"."categories") > 0)
          or ("consents"."action" = 'WITHDRAW' and "consents"."withdraws_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "access_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"grantee_org_id" uuid NOT NULL,
	"relationship" "grant_relationship" NOT NULL,
	"categories" "data_category"[] NOT NULL,
	"source_ref" text NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"request_id" varchar(64) NOT NULL,
	"subject" text NOT NULL,
	"org_code" varchar(64) NOT NULL,
	"org_kind" "org_kind" NOT NULL,
	"role" varchar(32) NOT NULL,
	"purpose" text,
	"operation" text NOT NULL,
	"outcome" "access_outcome" NOT NULL,
	"entity_type" varchar(32) NOT NULL,
	"entity_ids" text[] NOT NULL,
	"household_ids" uuid[] NOT NULL,
	"categories_full" "data_category"[] NOT NULL,
	"detail" text,
	"prev_hash" varchar(64) NOT NULL,
	"hash" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
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
	"new_value" text,
	"prev_hash" varchar(64) NOT NULL,
	"hash" varchar(64) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_handling_org_id_organizations_id_fk" FOREIGN KEY ("handling_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_recorded_by_org_id_organizations_id_fk" FOREIGN KEY ("recorded_by_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_owner_org_id_organizations_id_fk" FOREIGN KEY ("owner_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_withdraws_id_consents_id_fk" FOREIGN KEY ("withdraws_id") REFERENCES "public"."consents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recipient_org_id_organizations_id_fk" FOREIGN KEY ("recipient_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_org_id_organizations_id_fk" FOREIGN KEY ("recorded_by_org_id") REFERENCES "public"."organizations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_grantee_org_id_organizations_id_fk" FOREIGN KEY ("grantee_org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_code_uq" ON "organizations" USING btree ("code");--> statement-breakpoint
CREATE INDEX "organizations_kind_idx" ON "organizations" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "organizations_jurisdiction_idx" ON "organizations" USING btree ("jurisdiction_area_code");--> statement-breakpoint
CREATE UNIQUE INDEX "households_household_no_uq" ON "households" USING btree ("household_no");--> statement-breakpoint
CREATE INDEX "households_area_code_idx" ON "households" USING btree ("area_code");--> statement-breakpoint
CREATE INDEX "persons_household_id_idx" ON "persons" USING btree ("household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_id_number_bidx_uq" ON "persons" USING btree ("id_number_bidx");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_case_no_uq" ON "cases" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "cases_household_id_idx" ON "cases" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "cases_handling_org_id_idx" ON "cases" USING btree ("handling_org_id");--> statement-breakpoint
CREATE INDEX "cases_area_code_idx" ON "cases" USING btree ("area_code");--> statement-breakpoint
CREATE INDEX "cases_type_status_idx" ON "cases" USING btree ("type","status");--> statement-breakpoint
CREATE UNIQUE INDEX "needs_need_no_uq" ON "needs" USING btree ("need_no");--> statement-breakpoint
CREATE INDEX "needs_household_id_idx" ON "needs" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "needs_case_id_idx" ON "needs" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "needs_recorded_by_org_id_idx" ON "needs" USING btree ("recorded_by_org_id");--> statement-breakpoint
CREATE INDEX "needs_area_code_idx" ON "needs" USING btree ("area_code");--> statement-breakpoint
CREATE INDEX "needs_status_category_idx" ON "needs" USING btree ("status","category");--> statement-breakpoint
CREATE UNIQUE INDEX "resources_resource_no_uq" ON "resources" USING btree ("resource_no");--> statement-breakpoint
CREATE INDEX "resources_owner_org_id_idx" ON "resources" USING btree ("owner_org_id");--> statement-breakpoint
CREATE INDEX "resources_status_kind_idx" ON "resources" USING btree ("status","kind");--> statement-breakpoint
CREATE INDEX "consents_household_id_idx" ON "consents" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "consents_withdraws_id_idx" ON "consents" USING btree ("withdraws_id");--> statement-breakpoint
CREATE INDEX "consents_recipient_org_id_idx" ON "consents" USING btree ("recipient_org_id");--> statement-breakpoint
CREATE INDEX "consents_recorded_by_org_id_idx" ON "consents" USING btree ("recorded_by_org_id");--> statement-breakpoint
CREATE INDEX "access_grants_grantee_household_idx" ON "access_grants" USING btree ("grantee_org_id","household_id");--> statement-breakpoint
CREATE INDEX "access_grants_household_id_idx" ON "access_grants" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "access_log_household_ids_idx" ON "access_log" USING gin ("household_ids");--> statement-breakpoint
CREATE INDEX "access_log_at_idx" ON "access_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "change_log_entity_idx" ON "change_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "change_log_household_id_idx" ON "change_log" USING btree ("household_id");