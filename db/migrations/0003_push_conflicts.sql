ALTER TABLE "changes" ADD COLUMN "server_value" jsonb;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "resolved_value" jsonb;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "resolved_by" uuid;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "changes_conflict_idx" ON "changes" USING btree ("grid_id") WHERE status = 'conflict';