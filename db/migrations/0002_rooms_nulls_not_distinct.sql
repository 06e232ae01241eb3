DROP INDEX "rooms_natural_uq";--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_natural_uq" UNIQUE NULLS NOT DISTINCT("building_id","unit_no","room_no");