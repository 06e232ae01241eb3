ALTER TABLE "campaign_targets" DROP CONSTRAINT "campaign_targets_campaign_id_campaigns_id_fk";
--> statement-breakpoint
ALTER TABLE "campaign_targets" DROP CONSTRAINT "campaign_targets_room_id_rooms_id_fk";
--> statement-breakpoint
ALTER TABLE "campaign_targets" DROP CONSTRAINT "campaign_targets_grid_id_areas_id_fk";
--> statement-breakpoint
ALTER TABLE "campaign_targets" ALTER COLUMN "change_xid" SET DEFAULT (pg_current_xact_id()::text::bigint);--> statement-breakpoint
-- A city's target creation inserts a quarter of a million campaign_targets rows in one statement, and
-- PostgreSQL checks a foreign key row by row: the three keys above cost half of that insert (issue 17).
-- They are replaced by triggers that keep the same guarantee set-based:
--  * a statement that inserts or updates targets checks every campaign, room and grid they name in one
--    query over its transition table (campaign_targets_check_refs);
--  * a campaign, room or area a target names cannot be deleted, have its id changed, or be truncated
--    away (campaign_targets_guard_referenced), as NO ACTION keys refused. (TRUNCATE … CASCADE no longer
--    empties campaign_targets along with them: it is refused while targets remain; name the table.)
-- The race a foreign key settles with a row lock on the referenced row is settled here by the parent's
-- side instead, which never happens in the app (it deletes no campaign, room or area): the guard takes
-- a SHARE lock on campaign_targets, so it waits for every transaction writing targets to end and then
-- sees their rows (under READ COMMITTED each of its queries takes a new snapshot). A transaction whose
-- snapshot is older than that wait (REPEATABLE READ, SERIALIZABLE) could miss them, so those deletes
-- are refused outright.
CREATE FUNCTION campaign_targets_check_refs() RETURNS trigger AS $$
DECLARE
  missing text;
BEGIN
  -- Run as dynamic SQL so it is planned for this statement's rows: a plan kept from a one-row update
  -- would probe rooms' index once per target of a city's insert, where a hash join reads rooms once.
  EXECUTE $q$SELECT coalesce(
    (SELECT 'campaign_id ' || min(n.campaign_id::text) FROM (SELECT DISTINCT campaign_id FROM new_rows) n
      WHERE NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = n.campaign_id)),
    (SELECT 'grid_id ' || min(n.grid_id::text) FROM (SELECT DISTINCT grid_id FROM new_rows) n
      WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.id = n.grid_id)),
    (SELECT 'room_id ' || min(n.room_id::text) FROM new_rows n
      WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = n.room_id)))$q$
  INTO missing;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "campaign_targets": % is not present in its table', missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER campaign_targets_refs_insert AFTER INSERT ON campaign_targets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_targets_check_refs();
--> statement-breakpoint
CREATE TRIGGER campaign_targets_refs_update AFTER UPDATE ON campaign_targets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_targets_check_refs();
--> statement-breakpoint
-- TG_ARGV[0]: the campaign_targets column that references the table the trigger is on (by its id).
CREATE FUNCTION campaign_targets_guard_referenced() RETURNS trigger AS $$
DECLARE
  held boolean;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION '% on table "%" must run under READ COMMITTED: campaign_targets.% references it', TG_OP, TG_TABLE_NAME, TG_ARGV[0]
      USING ERRCODE = 'feature_not_supported';
  END IF;
  LOCK TABLE campaign_targets IN SHARE MODE;
  IF TG_OP = 'TRUNCATE' THEN
    held := EXISTS (SELECT 1 FROM campaign_targets);
  ELSE
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM campaign_targets WHERE %I = $1)', TG_ARGV[0]) INTO held USING OLD.id;
  END IF;
  IF held THEN
    RAISE EXCEPTION '% on table "%" violates the reference from campaign_targets.%', TG_OP, TG_TABLE_NAME, TG_ARGV[0]
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER campaigns_targets_guard_delete AFTER DELETE ON campaigns FOR EACH ROW EXECUTE FUNCTION campaign_targets_guard_referenced('campaign_id');
--> statement-breakpoint
CREATE TRIGGER campaigns_targets_guard_update AFTER UPDATE OF id ON campaigns FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION campaign_targets_guard_referenced('campaign_id');
--> statement-breakpoint
CREATE TRIGGER campaigns_targets_guard_truncate AFTER TRUNCATE ON campaigns FOR EACH STATEMENT EXECUTE FUNCTION campaign_targets_guard_referenced('campaign_id');
--> statement-breakpoint
CREATE TRIGGER rooms_targets_guard_delete AFTER DELETE ON rooms FOR EACH ROW EXECUTE FUNCTION campaign_targets_guard_referenced('room_id');
--> statement-breakpoint
CREATE TRIGGER rooms_targets_guard_update AFTER UPDATE OF id ON rooms FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION campaign_targets_guard_referenced('room_id');
--> statement-breakpoint
CREATE TRIGGER rooms_targets_guard_truncate AFTER TRUNCATE ON rooms FOR EACH STATEMENT EXECUTE FUNCTION campaign_targets_guard_referenced('room_id');
--> statement-breakpoint
CREATE TRIGGER areas_targets_guard_delete AFTER DELETE ON areas FOR EACH ROW EXECUTE FUNCTION campaign_targets_guard_referenced('grid_id');
--> statement-breakpoint
CREATE TRIGGER areas_targets_guard_update AFTER UPDATE OF id ON areas FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION campaign_targets_guard_referenced('grid_id');
--> statement-breakpoint
CREATE TRIGGER areas_targets_guard_truncate AFTER TRUNCATE ON areas FOR EACH STATEMENT EXECUTE FUNCTION campaign_targets_guard_referenced('grid_id');
--> statement-breakpoint
-- The stamp (0001, 0012) as the column's default for an insert: the default gives the value the
-- trigger sets (the writing transaction's id), without a PL/pgSQL call per row. The trigger stays for
-- updates and for an insert that names change_xid, and runs whenever the row's stamp is not already
-- the writing transaction's, so every written row still carries it.
DROP TRIGGER campaign_targets_stamp ON campaign_targets;
--> statement-breakpoint
CREATE TRIGGER campaign_targets_stamp BEFORE INSERT OR UPDATE ON campaign_targets FOR EACH ROW WHEN (NEW.change_xid IS DISTINCT FROM pg_current_xact_id()::text::bigint) EXECUTE FUNCTION doorstep_stamp_change();
