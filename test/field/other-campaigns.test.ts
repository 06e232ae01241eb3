// @vitest-environment node
// Several open campaigns on one phone (issue 17, item 3): one download brings every campaign the
// officer holds for their grid, the register once; each sync keeps each campaign current by its own
// cursor; the officer switches offline, and a door names the other campaigns with targets there.
import "fake-indexeddb/auto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PullPage, pullCampaigns } from "@/app/field/_lib/pull";
import { loadRoom } from "@/app/field/_lib/room";
import { ACTIVE_CAMPAIGN_META, readHeldCampaigns } from "@/app/field/_lib/store";
import { type Database, rowsOf } from "@/db/client";
import { areas } from "@/db/schema";
import { REGISTER_PULL_TABLES } from "@/domain/pull";
import { databaseKinds, openTestDatabase, settle } from "../support/db";
import { callerFor, everyDoorAndElderly, loginAs, seedSmallStreet } from "../support/fixture";
import { openUnlockedDb } from "../support/unlocked";

describe.each(databaseKinds)("several campaigns on one phone (%s)", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  }, 120_000);
  afterAll(() => database?.close());

  it("downloads every held campaign once, keeps each current by its own cursor, and a door names the others", async () => {
    const [street] = await database.db.select({ id: areas.id }).from(areas).where(eq(areas.level, "street"));
    const { admin, officer, everyDoor, elderly } = await everyDoorAndElderly(database, street.id, "officer1");
    await settle(database.db);

    // A room with a person aged 60 or more on the day (so an elderly target), and one without,
    // found without the service; how many targets the first has, counted in SQL.
    const [withElder] = rowsOf<{ roomId: string }>(
      await database.db.execute(sql`select h.room_id::text as "roomId" from persons p
        join households h on h.id = p.household_id
        where p.grid_id = ${officer.gridId} and p.ended_at is null
          and date_part('year', age('2026-12-31'::date, p.birth_date)) >= 60
        order by 1 limit 1`),
    );
    const [withoutElder] = rowsOf<{ roomId: string }>(
      await database.db.execute(sql`select r.id::text as "roomId" from rooms r
        where r.grid_id = ${officer.gridId} and r.ended_at is null and not exists (
          select 1 from persons p left join households h on h.id = p.household_id
          where coalesce(p.room_id, h.room_id) = r.id and p.ended_at is null
            and date_part('year', age('2026-12-31'::date, p.birth_date)) >= 60)
        order by 1 limit 1`),
    );
    const [{ n: eldersThere }] = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from campaign_targets
        where campaign_id = ${elderly.id} and room_id = ${withElder.roomId} and state = 'open'`),
    );
    expect(eldersThere).toBeGreaterThan(0);

    const officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    // Every page the phone asks for, with what it asked: which campaign, register or not, what came.
    const asked: { campaignId?: string; campaignOnly?: boolean; tables: string[] }[] = [];
    const pull: PullPage = async (input) => {
      const page = await officer1.sync.pull(input);
      asked.push({
        campaignId: input.campaignId,
        campaignOnly: input.campaignOnly,
        tables: Object.keys(page.rows),
      });
      return page;
    };
    // The seed's own campaign of the grid too: three in all.
    const held = await officer1.sync.campaigns();
    expect(held).toHaveLength(3);
    expect(held.map((c) => c.id)).toEqual(expect.arrayContaining([everyDoor.id, elderly.id]));
    const others = held.map((c) => c.id).filter((id) => id !== everyDoor.id);

    const db = await openUnlockedDb(`other-campaigns-${kind}-${Date.now()}`);
    // The officer chose the every-door campaign to start with; the download brings both.
    await pullCampaigns(db, pull, held, everyDoor.id);
    const register = asked.filter((a) => a.tables.some((t) => REGISTER_PULL_TABLES.has(t as never)));
    expect(register.map((a) => a.campaignId)).toEqual([everyDoor.id]);
    expect(asked.filter((a) => a.campaignOnly).map((a) => a.campaignId)).toEqual(others);
    expect((await db.getAll("campaignTargets")).length).toBeGreaterThan(0);
    const switched = await readHeldCampaigns(db);
    expect(switched.activeId).toBe(everyDoor.id);
    expect(switched.held.find((c) => c.id === elderly.id)?.targeted).toBe(true);

    const door = await loadRoom(db, withElder.roomId);
    expect(door?.campaignId).toBe(everyDoor.id);
    expect(door?.targets).toEqual([]);
    expect(door?.otherCampaigns).toEqual([{ id: elderly.id, name: "老人健康档案", targets: eldersThere }]);
    expect((await loadRoom(db, withoutElder.roomId))?.otherCampaigns).toEqual([]);

    // Switched (offline: no pull): the door is the elderly campaign's, and names nothing else, the
    // every-door campaign having no targets.
    await db.put("meta", elderly.id, ACTIVE_CAMPAIGN_META);
    const elderDoor = await loadRoom(db, withElder.roomId);
    expect(elderDoor?.campaignId).toBe(elderly.id);
    expect(elderDoor?.otherCampaigns).toEqual([]);

    // A sync with nothing changed brings nothing: each campaign's cursor is its own and current.
    asked.length = 0;
    expect(await pullCampaigns(db, pull, held)).toBe(0);
    expect(asked.map((a) => a.campaignId)).toEqual([everyDoor.id, ...others]);

    // A target of the elderly campaign withdrawn at that door: the next sync brings that one row,
    // through the elderly campaign's pull alone, and the door counts one fewer.
    const [target] = rowsOf<{ id: string }>(
      await database.db.execute(sql`select id::text from campaign_targets
        where campaign_id = ${elderly.id} and room_id = ${withElder.roomId} and state = 'open' order by id limit 1`),
    );
    await database.db.execute(
      sql`update campaign_targets set state = 'withdrawn', ended_at = now() where id = ${target.id}`,
    );
    await settle(database.db);
    asked.length = 0;
    expect(await pullCampaigns(db, pull, held)).toBe(1);
    expect(asked.filter((a) => a.tables.length > 0)).toEqual([
      { campaignId: elderly.id, campaignOnly: true, tables: ["campaignTargets"] },
    ]);
    await db.put("meta", everyDoor.id, ACTIVE_CAMPAIGN_META);
    const after = (await loadRoom(db, withElder.roomId))?.otherCampaigns ?? [];
    expect(after).toEqual(
      eldersThere > 1 ? [{ id: elderly.id, name: "老人健康档案", targets: eldersThere - 1 }] : [],
    );

    // The elderly campaign closed: the next sync leaves its targets behind, the register stays.
    await admin.campaign.close({ id: elderly.id });
    const still = await officer1.sync.campaigns();
    await pullCampaigns(db, pull, still);
    expect((await db.getAll("campaignTargets")).filter((t) => t.campaignId === elderly.id)).toEqual([]);
    expect((await loadRoom(db, withElder.roomId))?.room.id).toBe(withElder.roomId);
    expect((await readHeldCampaigns(db)).held.map((c) => c.id)).toEqual(still.map((c) => c.id));
    expect(still.map((c) => c.id)).not.toContain(elderly.id);
    db.close();
    await admin.campaign.close({ id: everyDoor.id });
  }, 120_000);

  it("a grid held in another campaign but not the register's comes with its register, and leaves with it", async () => {
    const [street] = await database.db.select({ id: areas.id }).from(areas).where(eq(areas.level, "street"));
    const { admin, officer, everyDoor, elderly } = await everyDoorAndElderly(
      database,
      street.id,
      "officer1",
      {
        everyDoor: "入户核查（二）",
        elderly: "老人健康档案（二）",
      },
    );
    // A second grid of the street, given to the officer in the elderly campaign alone (a colleague's
    // grid taken over for that campaign): the register's campaign, every door, does not hold it.
    const [other] = rowsOf<{ id: string }>(
      await database.db.execute(sql`select id::text from areas
        where level = 'grid' and id <> ${officer.gridId} order by code limit 1`),
    );
    await admin.campaign.assign({ campaignId: elderly.id, gridId: other.id, officerId: officer.id });
    await settle(database.db);
    const activeRooms = async (gridId: string) =>
      rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from rooms where grid_id = ${gridId} and ended_at is null`,
        ),
      )[0].n;
    const [target] = rowsOf<{ roomId: string }>(
      await database.db.execute(sql`select room_id::text as "roomId" from campaign_targets
        where campaign_id = ${elderly.id} and grid_id = ${other.id} and state = 'open' order by id limit 1`),
    );
    expect(target, "an elderly target in the other grid").toBeTruthy();

    const officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const pull: PullPage = (input) => officer1.sync.pull(input);
    const held = await officer1.sync.campaigns();
    const db = await openUnlockedDb(`other-grid-${kind}-${Date.now()}`);
    await pullCampaigns(db, pull, held, everyDoor.id);
    const roomsOn = async (gridId: string) =>
      (await db.getAll("rooms")).filter((r) => r.gridId === gridId).length;
    // Every room of both grids and the other grid's targets, counted in SQL; the elderly door opens.
    expect(await roomsOn(officer.gridId)).toBe(await activeRooms(officer.gridId));
    expect(await roomsOn(other.id)).toBe(await activeRooms(other.id));
    const [{ n: targetsThere }] = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from campaign_targets
        where campaign_id = ${elderly.id} and grid_id = ${other.id} and state = 'open'`),
    );
    expect(
      (await db.getAll("campaignTargets")).filter(
        (t) => t.campaignId === elderly.id && t.gridId === other.id,
      ),
    ).toHaveLength(targetsThere);
    await db.put("meta", elderly.id, ACTIVE_CAMPAIGN_META);
    expect((await loadRoom(db, target.roomId))?.room.id).toBe(target.roomId);

    // The grid taken back in that campaign: the next sync erases it, register and all; the
    // officer's own grid stays.
    await admin.campaign.unassign({ campaignId: elderly.id, gridId: other.id });
    await settle(database.db);
    await pullCampaigns(db, pull, await officer1.sync.campaigns());
    expect(await roomsOn(other.id)).toBe(0);
    expect((await db.getAll("persons")).filter((p) => p.gridId === other.id)).toEqual([]);
    expect(await roomsOn(officer.gridId)).toBe(await activeRooms(officer.gridId));
    db.close();
    for (const id of [everyDoor.id, elderly.id]) await admin.campaign.close({ id });
  }, 120_000);
});
