ALTER TABLE "household_codes" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
-- Codes made before this migration take their household's grid.
ALTER TABLE "household_codes" ADD COLUMN "grid_id" uuid;--> statement-breakpoint
UPDATE "household_codes" hc SET "grid_id" = h."grid_id" FROM "households" h WHERE h."id" = hc."household_id";--> statement-breakpoint
ALTER TABLE "household_codes" ALTER COLUMN "grid_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "household_codes" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "household_codes" ADD COLUMN "change_xid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD COLUMN "handled_by" uuid;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD COLUMN "handled_note" text;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD COLUMN "change_xid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "household_codes" ADD CONSTRAINT "household_codes_grid_id_areas_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD CONSTRAINT "resident_feedback_handled_by_users_id_fk" FOREIGN KEY ("handled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "household_codes_id_uq" ON "household_codes" USING btree ("id");--> statement-breakpoint
CREATE INDEX "household_codes_pull_idx" ON "household_codes" USING btree ("grid_id","change_xid");--> statement-breakpoint
CREATE INDEX "resident_feedback_pull_idx" ON "resident_feedback" USING btree ("grid_id","change_xid");--> statement-breakpoint
-- Pulled like register rows: stamped with the writing transaction (see 0001).
CREATE TRIGGER household_codes_stamp BEFORE INSERT OR UPDATE ON household_codes FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER resident_feedback_stamp BEFORE INSERT OR UPDATE ON resident_feedback FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
UPDATE "household_codes" SET "version" = "version";--> statement-breakpoint
UPDATE "resident_feedback" SET "version" = "version";
