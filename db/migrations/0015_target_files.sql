ALTER TABLE "campaign_targets" ADD COLUMN "file_row" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "target_files" jsonb;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "claims" jsonb;