CREATE INDEX "campaign_targets_room_idx" ON "campaign_targets" USING btree ("room_id","campaign_id");--> statement-breakpoint
-- A targeted campaign's progress and map count its targets (server/services/progress.ts, completion.ts):
-- a target made, withdrawn or moved marks its grid, and its room's, stale (rollup.ts), as a visit does.
CREATE FUNCTION rollup_mark_campaign_targets() RETURNS trigger AS $$
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
CREATE TRIGGER campaign_targets_rollup_insert AFTER INSERT ON campaign_targets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_campaign_targets();
--> statement-breakpoint
CREATE TRIGGER campaign_targets_rollup_update AFTER UPDATE ON campaign_targets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_campaign_targets();
--> statement-breakpoint
CREATE TRIGGER campaign_targets_rollup_delete AFTER DELETE ON campaign_targets REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_campaign_targets();
--> statement-breakpoint
-- A visit also marks the grids of its campaign's targets at its room: a target is counted in its own
-- grid (the person's), which may not be the room's.
CREATE OR REPLACE FUNCTION rollup_mark_visits() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM new_rows n LEFT JOIN rooms r ON r.id = n.room_id LEFT JOIN buildings b ON b.id = r.building_id CROSS JOIN LATERAL (VALUES (n.grid_id), (r.grid_id), (b.grid_id)) x(g) WHERE x.g IS NOT NULL
      UNION SELECT t.grid_id FROM new_rows n JOIN campaign_targets t ON t.room_id = n.room_id AND t.campaign_id = n.campaign_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT x.g FROM old_rows n LEFT JOIN rooms r ON r.id = n.room_id LEFT JOIN buildings b ON b.id = r.building_id CROSS JOIN LATERAL (VALUES (n.grid_id), (r.grid_id), (b.grid_id)) x(g) WHERE x.g IS NOT NULL
      UNION SELECT t.grid_id FROM old_rows n JOIN campaign_targets t ON t.room_id = n.room_id AND t.campaign_id = n.campaign_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- The grids of existing targets are counted again, by their targets now.
INSERT INTO rollup_dirty (grid_id) SELECT DISTINCT grid_id FROM campaign_targets;
