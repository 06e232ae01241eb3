CREATE TABLE "device_grids" (
	"device_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"grid_id" uuid NOT NULL,
	"first_pulled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_grids_device_id_campaign_id_grid_id_pk" PRIMARY KEY("device_id","campaign_id","grid_id")
);
--> statement-breakpoint
ALTER TABLE "device_grids" ADD CONSTRAINT "device_grids_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_grids" ADD CONSTRAINT "device_grids_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_grids" ADD CONSTRAINT "device_grids_grid_id_areas_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;