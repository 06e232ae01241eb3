ALTER TABLE "questionnaires" ADD COLUMN "published_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
ALTER TABLE "questionnaires" ADD COLUMN "published_by" uuid;--> statement-breakpoint
ALTER TABLE "questionnaires" ADD CONSTRAINT "questionnaires_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Every version stored before drafts existed was usable at once: published when it was uploaded.
UPDATE "questionnaires" SET "published_at" = "created_at", "published_by" = "created_by";
