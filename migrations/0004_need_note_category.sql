ALTER TABLE "needs" ADD COLUMN "note_category" "data_category";--> statement-breakpoint
-- Hand-added before landing: a need's free-text description becomes its internal note, classed by
-- what a need of its category is about (as the demo generator classes new ones).
UPDATE "needs" SET "note_category" = (CASE "category"
  WHEN 'MEDICAL' THEN 'HEALTH' WHEN 'CARE_SERVICE' THEN 'HEALTH' WHEN 'PSYCHOLOGICAL' THEN 'HEALTH'
  WHEN 'EDUCATION' THEN 'EDUCATION' WHEN 'HOUSING' THEN 'HOUSING' WHEN 'DISASTER_RELIEF' THEN 'HOUSING'
  WHEN 'EMPLOYMENT' THEN 'EMPLOYMENT' WHEN 'LEGAL' THEN 'JUDICIAL' WHEN 'REHABILITATION' THEN 'DISABILITY'
  WHEN 'CHILD_PROTECTION' THEN 'PROTECTION' ELSE 'FINANCIAL' END)::"data_category"
  WHERE "description" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_note_category_ck" CHECK (("needs"."description" is null) = ("needs"."note_category" is null));
