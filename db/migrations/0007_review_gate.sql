-- The review gate: a visit's corrections wait as 'pending' change rows and reach the register when the
-- visit is approved. Changes pushed before this migration were written into the register at the push
-- and stay 'applied' as they are (they are not taken back out of the register): only what is pushed
-- from now on waits for review.
ALTER TABLE "changes" ALTER COLUMN "status" SET DEFAULT 'pending';--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "auto_approve" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "changes_pending_idx" ON "changes" USING btree ("entity_id") WHERE status = 'pending';