CREATE TABLE "rollup_area_completion" (
	"area_id" uuid NOT NULL,
	"campaign_key" text NOT NULL,
	"rooms" integer NOT NULL,
	"visited" integer NOT NULL,
	"checked" integer NOT NULL,
	"approved" integer NOT NULL,
	"returned" integer NOT NULL,
	"revisit" integer NOT NULL,
	"conflicts" integer NOT NULL,
	CONSTRAINT "rollup_area_completion_area_id_campaign_key_pk" PRIMARY KEY("area_id","campaign_key")
);
--> statement-breakpoint
-- Every area's sums of its grids' completion roll-ups as they stand (server/services/rollup.ts
-- sumAreaCompletion keeps them from here on, whenever a grid under an area is recounted).
INSERT INTO "rollup_area_completion"
  ("area_id", "campaign_key", "rooms", "visited", "checked", "approved", "returned", "revisit", "conflicts")
SELECT a.id, rc.campaign_key, sum(rc.rooms)::int, sum(rc.visited)::int, sum(rc.checked)::int,
  sum(rc.approved)::int, sum(rc.returned)::int, sum(rc.revisit)::int, sum(rc.conflicts)::int
FROM areas a
JOIN areas g ON g.level = 'grid' AND g.id <> a.id AND starts_with(g.path, a.path)
JOIN rollup_completion rc ON rc.grid_id = g.id
GROUP BY a.id, rc.campaign_key;
--> statement-breakpoint
-- A new grid is marked stale, so every grid has its rollup_completion row of campaign '' (zeros while
-- it holds nothing) and an area has its '' row in rollup_area_completion exactly when a grid lies under
-- it: the map shows a child area by that row (completion.ts rolledUpAreaCompletion).
CREATE FUNCTION rollup_mark_areas() RETURNS trigger AS $$
BEGIN
  INSERT INTO rollup_dirty (grid_id) SELECT n.id FROM new_rows n WHERE n.level = 'grid';
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER areas_rollup_insert AFTER INSERT ON areas REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_areas();
--> statement-breakpoint
-- The grids never counted yet (nothing written in them since they were made), counted at the next read.
INSERT INTO rollup_dirty (grid_id)
SELECT g.id FROM areas g
WHERE g.level = 'grid'
  AND NOT EXISTS (SELECT 1 FROM rollup_completion rc WHERE rc.grid_id = g.id AND rc.campaign_key = '');
