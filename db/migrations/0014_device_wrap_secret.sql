ALTER TABLE "devices" ADD COLUMN "wrap_secret" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "secret_withheld_at" timestamp with time zone;