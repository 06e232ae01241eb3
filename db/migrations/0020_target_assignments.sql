CREATE TABLE "target_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"officer_id" uuid NOT NULL,
	"assigned_by" uuid,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "target_assignments" ADD CONSTRAINT "target_assignments_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_assignments" ADD CONSTRAINT "target_assignments_target_id_campaign_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."campaign_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_assignments" ADD CONSTRAINT "target_assignments_officer_id_users_id_fk" FOREIGN KEY ("officer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_assignments" ADD CONSTRAINT "target_assignments_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "target_assignments_officer_idx" ON "target_assignments" USING btree ("officer_id","campaign_id");--> statement-breakpoint
CREATE INDEX "target_assignments_target_idx" ON "target_assignments" USING btree ("target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "target_assignments_active_uq" ON "target_assignments" USING btree ("target_id") WHERE ended_at is null;