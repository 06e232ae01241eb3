CREATE TABLE "rollup_area_register" (
	"area_id" uuid PRIMARY KEY NOT NULL,
	"households" integer NOT NULL,
	"persons" integer NOT NULL
);
--> statement-breakpoint
-- Every area's figures from the grids' register roll-ups as they stand (server/services/rollup.ts
-- sumAreaRegister keeps them from here on, whenever a grid under an area is recounted).
INSERT INTO "rollup_area_register" ("area_id", "households", "persons")
SELECT a.id,
  coalesce(sum((SELECT sum((x->>'n')::int) FROM jsonb_array_elements(rr.households) x)), 0)::int,
  coalesce(sum((rr.persons->0->>'population')::int), 0)::int
FROM areas a
JOIN areas g ON g.level = 'grid' AND starts_with(g.path, a.path)
JOIN rollup_register rr ON rr.grid_id = g.id
GROUP BY a.id;
