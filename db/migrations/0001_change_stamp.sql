-- Every write to a register row is stamped with its transaction id, so a pull can read only
-- below the oldest transaction still running (pg_snapshot_xmin) and never skip a late commit.
CREATE OR REPLACE FUNCTION doorstep_stamp_change() RETURNS trigger AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER buildings_stamp BEFORE INSERT OR UPDATE ON buildings FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER rooms_stamp BEFORE INSERT OR UPDATE ON rooms FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER households_stamp BEFORE INSERT OR UPDATE ON households FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER persons_stamp BEFORE INSERT OR UPDATE ON persons FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER units_stamp BEFORE INSERT OR UPDATE ON units FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER rentals_stamp BEFORE INSERT OR UPDATE ON rentals FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER rental_tenants_stamp BEFORE INSERT OR UPDATE ON rental_tenants FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
--> statement-breakpoint
CREATE TRIGGER visits_stamp BEFORE INSERT OR UPDATE ON visits FOR EACH ROW EXECUTE FUNCTION doorstep_stamp_change();
