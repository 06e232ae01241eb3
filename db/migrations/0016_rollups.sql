CREATE TABLE "rollup_completion" (
	"grid_id" uuid NOT NULL,
	"campaign_key" text NOT NULL,
	"rooms" integer NOT NULL,
	"visited" integer NOT NULL,
	"checked" integer NOT NULL,
	"approved" integer NOT NULL,
	"returned" integer NOT NULL,
	"revisit" integer NOT NULL,
	"conflicts" integer NOT NULL,
	CONSTRAINT "rollup_completion_grid_id_campaign_key_pk" PRIMARY KEY("grid_id","campaign_key")
);
--> statement-breakpoint
CREATE TABLE "rollup_days" (
	"grid_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"day" date NOT NULL,
	"visits" integer NOT NULL,
	"first_visits" integer NOT NULL,
	CONSTRAINT "rollup_days_grid_id_campaign_id_day_pk" PRIMARY KEY("grid_id","campaign_id","day")
);
--> statement-breakpoint
CREATE TABLE "rollup_dirty" (
	"grid_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_progress" (
	"grid_id" uuid NOT NULL,
	"campaign_key" text NOT NULL,
	"assigned" integer NOT NULL,
	"visited" integer NOT NULL,
	"checked" integer NOT NULL,
	"approved" integer NOT NULL,
	"returned" integer NOT NULL,
	"revisit_due" integer NOT NULL,
	"to_escalate" integer NOT NULL,
	CONSTRAINT "rollup_progress_grid_id_campaign_key_pk" PRIMARY KEY("grid_id","campaign_key")
);
--> statement-breakpoint
CREATE TABLE "rollup_register" (
	"grid_id" uuid PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"persons" jsonb NOT NULL,
	"households" jsonb NOT NULL,
	"units" jsonb NOT NULL,
	"industries" jsonb NOT NULL,
	"rentals" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "rollup_days_campaign_idx" ON "rollup_days" USING btree ("campaign_id","grid_id");--> statement-breakpoint
CREATE INDEX "rollup_dirty_grid_idx" ON "rollup_dirty" USING btree ("grid_id");--> statement-breakpoint
-- Roll-ups are kept current lazily (server/services/rollup.ts): every statement that writes a table
-- the counts read appends the grids it touched (old and new rows) to rollup_dirty, and the next read
-- recounts those grids. Statement-level, with transition tables, so a bulk import appends each grid
-- once, and append-only, so two officers of one grid never wait on each other's row.
--> statement-breakpoint
CREATE FUNCTION rollup_mark_visits() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM new_rows n LEFT JOIN rooms r ON r.id = n.room_id LEFT JOIN buildings b ON b.id = r.building_id CROSS JOIN LATERAL (VALUES (n.grid_id), (r.grid_id), (b.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM old_rows n LEFT JOIN rooms r ON r.id = n.room_id LEFT JOIN buildings b ON b.id = r.building_id CROSS JOIN LATERAL (VALUES (n.grid_id), (r.grid_id), (b.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER visits_rollup_insert AFTER INSERT ON visits REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_visits();
--> statement-breakpoint
CREATE TRIGGER visits_rollup_update AFTER UPDATE ON visits REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_visits();
--> statement-breakpoint
CREATE TRIGGER visits_rollup_delete AFTER DELETE ON visits REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_visits();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_rooms() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM new_rows n LEFT JOIN buildings b ON b.id = n.building_id CROSS JOIN LATERAL (VALUES (n.grid_id), (b.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM old_rows n LEFT JOIN buildings b ON b.id = n.building_id CROSS JOIN LATERAL (VALUES (n.grid_id), (b.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER rooms_rollup_insert AFTER INSERT ON rooms REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rooms();
--> statement-breakpoint
CREATE TRIGGER rooms_rollup_update AFTER UPDATE ON rooms REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rooms();
--> statement-breakpoint
CREATE TRIGGER rooms_rollup_delete AFTER DELETE ON rooms REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rooms();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_buildings() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM new_rows n CROSS JOIN LATERAL (VALUES (n.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM old_rows n CROSS JOIN LATERAL (VALUES (n.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER buildings_rollup_insert AFTER INSERT ON buildings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_buildings();
--> statement-breakpoint
CREATE TRIGGER buildings_rollup_update AFTER UPDATE ON buildings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_buildings();
--> statement-breakpoint
CREATE TRIGGER buildings_rollup_delete AFTER DELETE ON buildings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_buildings();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_changes() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM new_rows n CROSS JOIN LATERAL (VALUES (n.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM old_rows n CROSS JOIN LATERAL (VALUES (n.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER changes_rollup_insert AFTER INSERT ON changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_changes();
--> statement-breakpoint
CREATE TRIGGER changes_rollup_update AFTER UPDATE ON changes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_changes();
--> statement-breakpoint
CREATE TRIGGER changes_rollup_delete AFTER DELETE ON changes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_changes();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_resident_feedback() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM new_rows n LEFT JOIN households h ON h.id = n.household_id LEFT JOIN rooms r ON r.id = h.room_id CROSS JOIN LATERAL (VALUES (n.grid_id), (r.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM old_rows n LEFT JOIN households h ON h.id = n.household_id LEFT JOIN rooms r ON r.id = h.room_id CROSS JOIN LATERAL (VALUES (n.grid_id), (r.grid_id)) x(g) WHERE x.g IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER resident_feedback_rollup_insert AFTER INSERT ON resident_feedback REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_resident_feedback();
--> statement-breakpoint
CREATE TRIGGER resident_feedback_rollup_update AFTER UPDATE ON resident_feedback REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_resident_feedback();
--> statement-breakpoint
CREATE TRIGGER resident_feedback_rollup_delete AFTER DELETE ON resident_feedback REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_resident_feedback();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_persons() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM new_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM old_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER persons_rollup_insert AFTER INSERT ON persons REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_persons();
--> statement-breakpoint
CREATE TRIGGER persons_rollup_update AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_persons();
--> statement-breakpoint
CREATE TRIGGER persons_rollup_delete AFTER DELETE ON persons REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_persons();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_households() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM new_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM old_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER households_rollup_insert AFTER INSERT ON households REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_households();
--> statement-breakpoint
CREATE TRIGGER households_rollup_update AFTER UPDATE ON households REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_households();
--> statement-breakpoint
CREATE TRIGGER households_rollup_delete AFTER DELETE ON households REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_households();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_units() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM new_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM old_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER units_rollup_insert AFTER INSERT ON units REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_units();
--> statement-breakpoint
CREATE TRIGGER units_rollup_update AFTER UPDATE ON units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_units();
--> statement-breakpoint
CREATE TRIGGER units_rollup_delete AFTER DELETE ON units REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_units();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_rentals() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM new_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM old_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER rentals_rollup_insert AFTER INSERT ON rentals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rentals();
--> statement-breakpoint
CREATE TRIGGER rentals_rollup_update AFTER UPDATE ON rentals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rentals();
--> statement-breakpoint
CREATE TRIGGER rentals_rollup_delete AFTER DELETE ON rentals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rentals();
--> statement-breakpoint
CREATE FUNCTION rollup_mark_rental_tenants() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM new_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT n.grid_id FROM old_rows n WHERE n.grid_id IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER rental_tenants_rollup_insert AFTER INSERT ON rental_tenants REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rental_tenants();
--> statement-breakpoint
CREATE TRIGGER rental_tenants_rollup_update AFTER UPDATE ON rental_tenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rental_tenants();
--> statement-breakpoint
CREATE TRIGGER rental_tenants_rollup_delete AFTER DELETE ON rental_tenants REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_rental_tenants();
--> statement-breakpoint
-- Every existing grid starts stale: the first read counts it.
INSERT INTO rollup_dirty (grid_id) SELECT id FROM areas WHERE level = 'grid';
