// The register statistics' roll-up across days: ages move with the calendar, so a grid counted on one
// day must, read on a later day, hold what a count on that later day gives — its age counts moved by
// the persons who crossed an age band in between, without a recount.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rowsOf } from "@/db/client";
import { rollupRegister } from "@/db/schema";
import { statisticsStatements } from "@/server/services/export";
import { refreshStatistics } from "@/server/services/rollup";
import { databaseKinds, openTestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";

/** Each grid's statistics rows counted from scratch on `day`, keys sorted (jsonb keeps its own order). */
async function countedOn(database: Database, day: string) {
  const fresh = new Map<string, string>();
  const byGrid = new Map<string, Record<string, string[]>>();
  for (const [name, statement] of Object.entries(
    statisticsStatements(sql`with sg as (select id from areas where level = 'grid')`, day),
  )) {
    for (const { gridId, ...row } of rowsOf<{ gridId: string } & Record<string, unknown>>(
      await database.db.execute(statement),
    )) {
      const held = byGrid.get(gridId) ?? {};
      held[name] = [...(held[name] ?? []), sortedJson(row)];
      byGrid.set(gridId, held);
    }
  }
  for (const [gridId, held] of byGrid) fresh.set(gridId, normal(held));
  return fresh;
}
const sortedJson = (row: object) =>
  JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)));
const normal = (held: Record<string, string[]>) =>
  JSON.stringify(
    ["persons", "households", "units", "industries", "rentals"].map((name) =>
      name === "industries" ? (held[name] ?? []) : [...(held[name] ?? [])].sort(),
    ),
  );

async function stored(database: Database) {
  const out = new Map<string, string>();
  for (const r of await database.db.select().from(rollupRegister)) {
    const held: Record<string, string[]> = {};
    for (const name of ["persons", "households", "units", "industries", "rentals"] as const)
      held[name] = ((r[name] as object[] | null) ?? []).map(sortedJson);
    out.set(r.gridId, normal(held));
  }
  return out;
}

describe.each(databaseKinds)("register statistics read on a later day, on %s", (kind) => {
  let database: Database;
  let root: string;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    [{ root }] = rowsOf<{ root: string }>(
      await database.db.execute(sql`select path as root from areas where level = 'street' limit 1`),
    );
  }, 120_000);
  afterAll(() => database?.close());

  it("the day someone turns 60, and a year on, hold a count of that day without recounting a grid", async () => {
    // A person of the street and the day before they turn 60, found without the service.
    const [elder] = rowsOf<{ gridId: string; eve: string; birthday: string }>(
      await database.db.execute(sql`select p.grid_id::text as "gridId",
          (p.birth_date + interval '60 years' - interval '1 day')::date::text as eve,
          (p.birth_date + interval '60 years')::date::text as birthday
        from persons p where p.ended_at is null and p.birth_date < '1966-01-01' and p.birth_date > '1960-03-01'
        order by p.birth_date limit 1`),
    );
    await refreshStatistics(database.db, elder.eve, root);
    expect(await stored(database)).toEqual(await countedOn(database, elder.eve));
    const elderlyOf = async () => {
      const [row] = await database.db
        .select({ persons: rollupRegister.persons })
        .from(rollupRegister)
        .where(eq(rollupRegister.gridId, elder.gridId));
      return (row.persons as { elderly: number }[])[0].elderly;
    };
    const before = await elderlyOf();

    const { recounted } = await refreshStatistics(database.db, elder.birthday, root);
    expect(await stored(database)).toEqual(await countedOn(database, elder.birthday));
    expect(await elderlyOf()).toBe(before + 1);
    // Moved forward, not counted afresh: no grid was recounted.
    expect(recounted).toBe(0);
    const asOf = rowsOf<{ day: string }>(
      await database.db.execute(sql`select distinct as_of::text as day from ${rollupRegister}`),
    );
    expect(asOf).toEqual([{ day: elder.birthday }]);

    // A year and more on: many birthdays crossed, still a count of that day.
    const later = rowsOf<{ day: string }>(
      await database.db.execute(
        sql`select (${elder.birthday}::date + interval '400 days')::date::text as day`,
      ),
    )[0].day;
    await refreshStatistics(database.db, later, root);
    expect(await stored(database)).toEqual(await countedOn(database, later));
    // And back (a clock set back): counted afresh on that day.
    await refreshStatistics(database.db, elder.eve, root);
    expect(await stored(database)).toEqual(await countedOn(database, elder.eve));
  });
});
