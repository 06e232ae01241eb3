ALTER TABLE "changes" ADD COLUMN "server_from" text;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "server_set_by" uuid;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "resolved_device_id" uuid;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "change_xid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_server_set_by_users_id_fk" FOREIGN KEY ("server_set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "changes_pull_idx" ON "changes" USING btree ("grid_id","change_xid") WHERE status in ('conflict', 'resolved');--> statement-breakpoint
-- Change rows are stamped like register rows, so the officer's phones pull their conflicts (and the
-- settlements of them) below the oldest running writer, as they pull the register.
CREATE TRIGGER changes_stamp BEFORE INSERT OR UPDATE ON changes FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
-- Conflicts and settlements already stored get this transaction's stamp: every phone's next pull,
-- whatever its cursor, brings the open ones and drops the settled ones it may still show.
UPDATE changes SET status = status WHERE status IN ('conflict', 'resolved');
