CREATE TABLE "quarantined_mutations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"device_id" uuid NOT NULL,
	"officer_id" uuid NOT NULL,
	"area_path" text NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"state" text DEFAULT 'held' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"reason" text
);
--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "marked_as" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "marked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "marked_by" uuid;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "wipe_told_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quarantined_mutations" ADD CONSTRAINT "quarantined_mutations_officer_id_users_id_fk" FOREIGN KEY ("officer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quarantined_mutations" ADD CONSTRAINT "quarantined_mutations_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "quarantined_mutations_state_idx" ON "quarantined_mutations" USING btree ("state","area_path");--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_marked_by_users_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;