ALTER TABLE "login_throttle" ADD COLUMN "started_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "login_throttle" ADD COLUMN "expires_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "login_throttle_expires_idx" ON "login_throttle" USING btree ("expires_at");--> statement-breakpoint
-- Rows from before: their window began at their last count, and they are kept a day (the longest window).
UPDATE "login_throttle" SET "started_at" = "last_failure_at", "expires_at" = greatest("locked_until", "last_failure_at" + interval '1 day');
