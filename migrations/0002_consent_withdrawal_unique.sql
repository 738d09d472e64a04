DROP INDEX "consents_withdraws_id_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "consents_withdraws_id_uq" ON "consents" USING btree ("withdraws_id");