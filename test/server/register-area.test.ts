// The register's area view (getAreaView): each child area's active households and persons, read off
// the area roll-ups (rollup.ts rollup_area_register), equal a count of the register under that area,
// at every level from the city down, and still do after a write in one grid.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rowsOf } from "@/db/client";
import { getAreaView } from "@/server/services/register";
import { databaseKinds, openTestDatabase } from "../support/db";
import { seedSmallStreet, sessionOf } from "../support/fixture";

/** Each child of `areaId`, in code order, with its active households and persons counted afresh. */
async function counted(database: Database, areaId: string) {
  return rowsOf<{ id: string; households: number; persons: number }>(
    await database.db.execute(sql`
      select c.id,
        (select count(*)::int from households h join areas g on g.id = h.grid_id
          where h.ended_at is null and g.level = 'grid' and starts_with(g.path, c.path)) as households,
        (select count(*)::int from persons p join areas g on g.id = p.grid_id
          where p.ended_at is null and g.level = 'grid' and starts_with(g.path, c.path)) as persons
      from areas c where c.parent_id = ${areaId}
      order by c.code`),
  );
}

describe.each(databaseKinds)("register area view off the area roll-ups (%s)", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  async function levels() {
    return rowsOf<{ id: string; level: string }>(
      await database.db.execute(sql`
        select distinct on (level) id, level from areas
        where level <> 'grid' and exists (select 1 from areas c where c.parent_id = areas.id)
        order by level, code`),
    );
  }

  async function expectCounted() {
    const admin = await sessionOf(database, "admin");
    const seen: string[] = [];
    for (const { id, level } of await levels()) {
      const view = await getAreaView(database.db, admin, id);
      const shown = view.children.map(({ id, households, persons }) => ({ id, households, persons }));
      expect(shown, level).toEqual(await counted(database, id));
      expect(shown.some((c) => c.persons > 0)).toBe(true);
      seen.push(level);
    }
    expect(seen).toEqual(expect.arrayContaining(["city", "district", "street", "community"]));
  }

  it("shows each child area's households and persons as counted, at every level", async () => {
    await expectCounted();
  });

  it("follows a write in one grid up to the city", async () => {
    const admin = await sessionOf(database, "admin");
    const [{ district }] = rowsOf<{ district: string }>(
      await database.db.execute(sql`select id as district from areas where level = 'district' limit 1`),
    );
    const before = await getAreaView(database.db, admin, district);
    // A whole household leaves: it and its persons ended.
    const [{ household }] = rowsOf<{ household: string }>(
      await database.db.execute(sql`
        select h.id as household from households h
        where h.ended_at is null and exists (select 1 from persons p where p.household_id = h.id and p.ended_at is null)
        limit 1`),
    );
    const [{ members }] = rowsOf<{ members: number }>(
      await database.db.execute(sql`
        select count(*)::int as members from persons where household_id = ${household} and ended_at is null`),
    );
    await database.db.execute(
      sql`update persons set ended_at = now() where household_id = ${household} and ended_at is null`,
    );
    await database.db.execute(sql`update households set ended_at = now() where id = ${household}`);

    const after = await getAreaView(database.db, admin, district);
    const total = (view: typeof before, key: "households" | "persons") =>
      view.children.reduce((sum, c) => sum + c[key], 0);
    expect(total(after, "households")).toBe(total(before, "households") - 1);
    expect(total(after, "persons")).toBe(total(before, "persons") - members);
    await expectCounted();
  });
});
