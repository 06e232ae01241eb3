// @vitest-environment node
import "fake-indexeddb/auto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pullAll } from "@/app/field/_lib/pull";
import { loadRoom } from "@/app/field/_lib/room";
import { type Database, rowsOf } from "@/db/client";
import { areas } from "@/db/schema";
import { openTestDatabase, settle } from "../support/db";
import { callerFor, everyDoorAndElderly, loginAs, seedSmallStreet } from "../support/fixture";
import { openUnlockedDb } from "../support/unlocked";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase("pglite");
  await seedSmallStreet(database);
}, 120_000);
afterAll(() => database?.close());

it("a door on the phone names the officer's other campaign that has someone to visit there, and only there", async () => {
  const [street] = await database.db.select({ id: areas.id }).from(areas).where(eq(areas.level, "street"));
  const { admin, officer, everyDoor, elderly } = await everyDoorAndElderly(database, street.id, "officer1");
  await settle(database.db);

  // A room with a person aged 60 or more on the day, and one without, found without the service.
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

  const officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
  const db = await openUnlockedDb(`other-campaigns-${Date.now()}`);
  await pullAll(db, (input) => officer1.sync.pull(input), everyDoor.id);
  expect((await loadRoom(db, withElder.roomId))?.otherCampaigns).toEqual([
    { id: elderly.id, name: "老人健康档案" },
  ]);
  expect((await loadRoom(db, withoutElder.roomId))?.otherCampaigns).toEqual([]);

  // Downloaded for the elderly campaign instead, the door names nothing: every-door work has no targets.
  await pullAll(db, (input) => officer1.sync.pull(input), elderly.id);
  expect((await loadRoom(db, withElder.roomId))?.otherCampaigns).toEqual([]);
  db.close();
  for (const id of [everyDoor.id, elderly.id]) await admin.campaign.close({ id });
});
