// seedDemo against a real database: PGlite in memory always, PostgreSQL too when TEST_DATABASE_URL
// is set. A small street (scale 0.03) keeps it quick.

import { asc, count, eq, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { rowsOf } from "../../db/client";
import {
  areas,
  assignments,
  buildings,
  campaignAreas,
  campaigns,
  households,
  persons,
  questionnaires,
  rentals,
  rentalTenants,
  rooms,
  units,
  users,
} from "../../db/schema";
import {
  DEMO_CAMPAIGN,
  DEMO_QUESTIONNAIRE_CAMPAIGNS,
  DEMO_QUESTIONNAIRE_COMMUNITY,
  demoUsernames,
  isSeeded,
  type SeedResult,
  seedDemo,
  truncateAll,
} from "../../db/seed";
import { databaseKinds, openTestDatabase } from "../support/db";

const PASSWORD_HASH = "scrypt$test-hash-not-used-for-login";

describe.each(databaseKinds)("seedDemo on %s", (kind) => {
  let database: Database;
  let result: SeedResult;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    expect(await isSeeded(database.db)).toBe(false);
    result = await seedDemo(database.db, { scale: 0.03, passwordHash: PASSWORD_HASH });
  });

  afterAll(async () => {
    await database?.close();
  });

  const countOf = async (table: PgTable) => {
    const [row] = await database.db.select({ n: count() }).from(table);
    return row.n;
  };

  it("inserts what the generator counted", async () => {
    const c = result.counts;
    expect(c.communities).toBe(16);
    expect(c.persons).toBeGreaterThan(1_000);
    expect(c.persons).toBeLessThan(1_450);
    expect(await countOf(persons)).toBe(c.persons);
    expect(await countOf(households)).toBe(c.households);
    expect(await countOf(buildings)).toBe(c.buildings);
    expect(await countOf(rooms)).toBe(c.rooms);
    expect(await countOf(units)).toBe(c.units);
    expect(await countOf(rentals)).toBe(c.rentals);
    expect(await countOf(rentalTenants)).toBe(c.tenants);
    const [grids] = await database.db.select({ n: count() }).from(areas).where(eq(areas.level, "grid"));
    expect(grids.n).toBe(c.grids);
    expect(await isSeeded(database.db)).toBe(true);
  });

  it("counts 60+ the same way the database does", async () => {
    const res = await database.db.execute(
      sql`select count(*)::int as n from persons where birth_date <= date '2026-11-24' - interval '60 years'`,
    );
    expect(rowsOf<{ n: number }>(res)[0].n).toBe(result.counts.aged60Plus);
  });

  it("stores boundaries as GeoJSON objects and typed values as their types", async () => {
    const [grid] = await database.db.select().from(areas).where(eq(areas.level, "grid")).limit(1);
    expect(grid.boundary?.type).toBe("Polygon");
    expect(grid.boundary?.coordinates[0].length).toBeGreaterThanOrEqual(4);
    const [room] = await database.db.select().from(rooms).limit(1);
    expect(typeof room.areaM2).toBe("number");
    const [tenant] = await database.db.select().from(persons).where(eq(persons.personType, "02")).limit(1);
    expect(tenant.arrivalDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(tenant.householdId).toBeNull();
    expect(typeof tenant.disability).toBe("boolean");
  });

  it("stamps every register row with its transaction id", async () => {
    for (const table of [buildings, rooms, households, persons, units, rentals, rentalTenants]) {
      const [row] = await database.db
        .select({ zero: sql<number>`count(*) filter (where ${table.changeXid} = 0)`.mapWith(Number) })
        .from(table);
      expect(row.zero).toBe(0);
    }
    // One transaction: one stamp for everything.
    const res = await database.db.execute(
      sql`select count(distinct change_xid)::int as n from (select change_xid from persons union all select change_xid from buildings) t`,
    );
    expect(rowsOf<{ n: number }>(res)[0].n).toBe(1);
  });

  it("creates the demo accounts, one officer per grid in grid-code order", async () => {
    const list = await database.db
      .select({
        username: users.username,
        role: users.role,
        demo: users.demo,
        hash: users.passwordHash,
        area: areas,
      })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId));
    expect(list.map((u) => u.username).sort()).toEqual([...result.usernames].sort());
    expect(result.usernames).toEqual(demoUsernames(result.counts.grids));
    for (const u of list) {
      expect(u.demo).toBe(true);
      expect(u.hash).toBe(PASSWORD_HASH);
    }
    const admin = list.find((u) => u.username === "admin");
    expect(admin?.role).toBe("admin");
    expect(admin?.area.code).toBe("4401");
    const supervisor = list.find((u) => u.username === "supervisor");
    expect(supervisor?.role).toBe("supervisor");
    expect(supervisor?.area.code).toBe("440104007");

    const grids = await database.db
      .select()
      .from(areas)
      .where(eq(areas.level, "grid"))
      .orderBy(asc(areas.code));
    const officers = list.filter((u) => u.role === "officer");
    expect(officers.length).toBe(grids.length);
    grids.forEach((g, i) => {
      expect(officers.find((o) => o.username === `officer${i + 1}`)?.area.id).toBe(g.id);
    });
    const names = await database.db
      .select({ name: users.displayName })
      .from(users)
      .where(eq(users.role, "officer"));
    for (const n of names) expect(n.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
  });

  it("opens the campaign over the street with an assignment per officer", async () => {
    const [campaign] = await database.db.select().from(campaigns).where(eq(campaigns.id, result.campaignId));
    expect(campaign).toMatchObject({
      id: result.campaignId,
      name: DEMO_CAMPAIGN.name,
      status: "open",
      startsOn: "2026-11-01",
      endsOn: "2026-12-31",
    });
    const scope = await database.db
      .select({ code: areas.code })
      .from(campaignAreas)
      .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
      .where(eq(campaignAreas.campaignId, result.campaignId));
    expect(scope.map((s) => s.code)).toEqual(["440104007"]);
    const rows = await database.db
      .select({ officerArea: users.areaId, gridId: assignments.gridId, campaignId: assignments.campaignId })
      .from(assignments)
      .innerJoin(users, eq(users.id, assignments.officerId))
      .where(eq(assignments.campaignId, result.campaignId));
    expect(rows.length).toBe(result.counts.grids);
    for (const r of rows) expect(r.gridId).toBe(r.officerArea);
  });

  it("opens the questionnaire campaigns over one community, starting before the default one, with version 1", async () => {
    expect(result.questionnaireCampaignIds).toHaveLength(DEMO_QUESTIONNAIRE_CAMPAIGNS.length);
    const [community] = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(eq(areas.code, DEMO_QUESTIONNAIRE_COMMUNITY));
    const communityGrids = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(eq(areas.parentId, community.id));
    expect(communityGrids.length).toBeGreaterThan(0);
    for (const [i, id] of result.questionnaireCampaignIds.entries()) {
      const source = DEMO_QUESTIONNAIRE_CAMPAIGNS[i];
      const [campaign] = await database.db.select().from(campaigns).where(eq(campaigns.id, id));
      expect(campaign).toMatchObject({ name: source.name, status: "open", startsOn: source.startsOn });
      expect(campaign.startsOn < DEMO_CAMPAIGN.startsOn).toBe(true);
      const scope = await database.db
        .select({ areaId: campaignAreas.areaId })
        .from(campaignAreas)
        .where(eq(campaignAreas.campaignId, id));
      expect(scope).toEqual([{ areaId: community.id }]);
      const held = await database.db
        .select({ gridId: assignments.gridId, officerArea: users.areaId })
        .from(assignments)
        .innerJoin(users, eq(users.id, assignments.officerId))
        .where(eq(assignments.campaignId, id));
      expect(held.map((h) => h.gridId).sort()).toEqual(communityGrids.map((g) => g.id).sort());
      for (const h of held) expect(h.gridId).toBe(h.officerArea);
      const versions = await database.db
        .select()
        .from(questionnaires)
        .where(eq(questionnaires.campaignId, id));
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatchObject({ version: 1, sourceFile: source.file });
      expect(versions[0].definition).toMatchObject({ format: 1 });
    }
  });

  it("empties every table on truncateAll", async () => {
    await truncateAll(database.db);
    expect(await isSeeded(database.db)).toBe(false);
    expect(await countOf(persons)).toBe(0);
    expect(await countOf(users)).toBe(0);
  });

  it("writes nothing when a seed fails half-way", async () => {
    // The database refuses persons, after areas, buildings, rooms and households went in: the whole
    // seed must roll back, leaving a database the next start seeds again.
    await database.db.execute(sql`
      create function seed_test_fail() returns trigger language plpgsql as $$
      begin raise exception 'simulated failure: disk full'; end $$`);
    await database.db.execute(
      sql`create trigger seed_test_fail before insert on persons for each statement execute function seed_test_fail()`,
    );
    try {
      await expect(seedDemo(database.db, { scale: 0.03, passwordHash: PASSWORD_HASH })).rejects.toThrow(
        /inserting persons .*simulated failure/,
      );
    } finally {
      await database.db.execute(sql`drop trigger seed_test_fail on persons`);
      await database.db.execute(sql`drop function seed_test_fail()`);
    }
    expect(await isSeeded(database.db)).toBe(false);
    for (const table of [areas, buildings, rooms, households, persons, users])
      expect(await countOf(table)).toBe(0);
  });
});
