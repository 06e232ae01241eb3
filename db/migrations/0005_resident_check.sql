CREATE TABLE "household_codes" (
	"campaign_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_codes_campaign_id_household_id_pk" PRIMARY KEY("campaign_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "resident_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"grid_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"fields" jsonb,
	"comment" text,
	"phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "household_codes" ADD CONSTRAINT "household_codes_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_codes" ADD CONSTRAINT "household_codes_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD CONSTRAINT "resident_feedback_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD CONSTRAINT "resident_feedback_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_feedback" ADD CONSTRAINT "resident_feedback_grid_id_areas_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "household_codes_code_uq" ON "household_codes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "resident_feedback_household_idx" ON "resident_feedback" USING btree ("household_id","created_at");--> statement-breakpoint
CREATE INDEX "resident_feedback_open_idx" ON "resident_feedback" USING btree ("grid_id") WHERE handled_at is null;