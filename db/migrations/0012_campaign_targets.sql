CREATE TABLE "campaign_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"claim" jsonb,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"grid_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"change_xid" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "target_kind" text DEFAULT 'every_door' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "target_query" jsonb;--> statement-breakpoint
ALTER TABLE "campaign_targets" ADD CONSTRAINT "campaign_targets_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_targets" ADD CONSTRAINT "campaign_targets_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_targets" ADD CONSTRAINT "campaign_targets_grid_id_areas_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_targets_subject_uq" ON "campaign_targets" USING btree ("campaign_id","subject_kind","subject_id");--> statement-breakpoint
CREATE INDEX "campaign_targets_campaign_grid_idx" ON "campaign_targets" USING btree ("campaign_id","grid_id");--> statement-breakpoint
CREATE INDEX "campaign_targets_pull_idx" ON "campaign_targets" USING btree ("grid_id","change_xid");--> statement-breakpoint
-- Pulled like register rows: stamped with the writing transaction (see 0001).
CREATE TRIGGER campaign_targets_stamp BEFORE INSERT OR UPDATE ON campaign_targets FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
