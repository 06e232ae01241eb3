// A targeted campaign's progress and completion map count its open targets, not its doors
// (domain/counts.ts countTargets), per grid, officer and day, on every database kind: the fixture
// places targets by hand (two at one door) and records visits through the real sync.push, so every
// expected number below is the fixture's, not the code's. Targets made and withdrawn afterwards move
// the counts at the next read (the roll-up triggers of migration 0018).

import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rowsOf } from "@/db/client";
import { areas, assignments, campaignAreas, campaigns, campaignTargets, users, visits } from "@/db/schema";
import { decodeCompletion } from "@/domain/completion";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

describe.each(databaseKinds)("a targeted campaign's progress and map count its targets (%s)", (kind) => {
  let database: Database & { close: () => Promise<void> };
  let campaignId: string;
  let supervisor: Caller;
  let admin: Caller;
  let g1: string;
  let g2: string;
  let g3: string;
  /** Rooms of grid 1 with persons: A holds two targets, B, C, D one each, E a withdrawn one, F none. */
  let room: Record<
    "A" | "B" | "C" | "D" | "E" | "F" | "G",
    { id: string; buildingId: string; persons: string[] }
  >;
  let officer1Id: string;
  const day = "2026-12-02";

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const { db } = database;
    await seedSmallStreet(database);
    const own = await objectsOfOfficer(database, "officer1");
    g1 = own.gridId;
    const [o1] = await db.select({ id: users.id }).from(users).where(eq(users.username, "officer1"));
    officer1Id = o1.id;
    // Two more grids of the street: g2 gets one target, g3 is assigned with none.
    const others = await db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.level, "grid"), sql`${areas.id} <> ${g1}`))
      .orderBy(asc(areas.code))
      .limit(2);
    [g2, g3] = others.map((g) => g.id);
    const [street] = await db.select({ id: areas.id }).from(areas).where(eq(areas.level, "street"));

    // The rooms of each grid with their living persons, busiest first.
    const peopled = async (gridId: string) =>
      rowsOf<{ id: string; building_id: string; persons: string[] }>(
        await db.execute(sql`
          select r.id, r.building_id, array_agg(p.id order by p.id) as persons
          from persons p left join households h on h.id = p.household_id
          join rooms r on r.id = coalesce(p.room_id, h.room_id) and r.ended_at is null
          where p.ended_at is null and r.grid_id = ${gridId}
          group by r.id, r.building_id
          order by count(*) desc, r.id`),
      ).map((r) => ({ id: r.id, buildingId: r.building_id, persons: r.persons }));
    const list1 = await peopled(g1);
    expect(list1.length).toBeGreaterThanOrEqual(6);
    expect(list1[0].persons.length).toBeGreaterThanOrEqual(2);
    const [G] = await peopled(g2);
    room = { A: list1[0], B: list1[1], C: list1[2], D: list1[3], E: list1[4], F: list1[5], G };

    const [campaign] = await db
      .insert(campaigns)
      .values({ name: "60岁以上老人健康档案", startsOn: "2026-12-01", targetKind: "query" })
      .returning({ id: campaigns.id });
    campaignId = campaign.id;
    await db.insert(campaignAreas).values({ campaignId, areaId: street.id });
    const officerOf = async (gridId: string) =>
      (
        await db
          .select({ id: assignments.officerId })
          .from(assignments)
          .where(and(eq(assignments.gridId, gridId), isNull(assignments.endedAt)))
          .limit(1)
      )[0].id;
    await db.insert(assignments).values([
      { campaignId, gridId: g1, officerId: officer1Id },
      { campaignId, gridId: g2, officerId: await officerOf(g2) },
      { campaignId, gridId: g3, officerId: await officerOf(g3) },
    ]);
    const target = (r: { id: string; persons: string[] }, person: string, gridId: string) => ({
      campaignId,
      subjectKind: "person" as const,
      subjectId: person,
      roomId: r.id,
      gridId,
    });
    await db
      .insert(campaignTargets)
      .values([
        target(room.A, room.A.persons[0], g1),
        target(room.A, room.A.persons[1], g1),
        target(room.B, room.B.persons[0], g1),
        target(room.C, room.C.persons[0], g1),
        target(room.D, room.D.persons[0], g1),
        { ...target(room.E, room.E.persons[0], g1), state: "withdrawn" as const, endedAt: new Date() },
        target(room.G, room.G.persons[0], g2),
      ]);

    // officer1 calls on A (verified), B (no answer), C (verified, returned below) and F (no target).
    const officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const visit = (r: { id: string }, outcome: string, at: string) => {
      const m = visitMutation({
        gridId: g1,
        roomId: r.id,
        campaignId,
        outcome,
        visitedAt: `${day}T${at}:00+08:00`,
      });
      // A call without contact carries its revisit day, as the phone sets it.
      const revisitDue = outcome === "no_answer" ? "2026-12-03" : null;
      return { ...m, payload: { ...m.payload, visit: { ...m.payload.visit, revisitDue } } };
    };
    const vA = visit(room.A, "verified", "09:00");
    const vB = visit(room.B, "no_answer", "09:10");
    const vC = visit(room.C, "verified", "09:20");
    const vF = visit(room.F, "verified", "09:30");
    const pushed = await officer1.sync.push({ deviceId: randomUUID(), mutations: [vA, vB, vC, vF] });
    expect(pushed.results.map((r) => r.status)).toEqual(["applied", "applied", "applied", "applied"]);
    await db.update(visits).set({ reviewState: "approved" }).where(eq(visits.id, vA.id));
    await db.update(visits).set({ reviewState: "returned" }).where(eq(visits.id, vC.id));

    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
  }, 240_000);
  afterAll(() => database?.close());

  const none = {
    assigned: 0,
    visited: 0,
    checked: 0,
    approved: 0,
    returned: 0,
    revisitsDue: 0,
    toEscalate: 0,
  };
  // Grid 1: A's two targets checked and approved, B's owed a revisit, C's returned, D's not yet called
  // on; E's withdrawn target and F's door (no target) are not counted.
  const grid1 = {
    assigned: 5,
    visited: 4,
    checked: 2,
    approved: 2,
    returned: 1,
    revisitsDue: 1,
    toEscalate: 0,
  };

  it("counts done / total by targets per grid, officer and day", async () => {
    const summary = await supervisor.progress.summary({ campaignId });
    const byGrid = new Map(summary.grids.map((g) => [g.gridId, g]));
    expect(byGrid.get(g1)).toMatchObject({ ...grid1, completion: 4 / 5 });
    expect(byGrid.get(g2)).toMatchObject({ ...none, assigned: 1, completion: 0 });
    // Assigned, but no target there: nothing to do (not its rooms).
    expect(byGrid.get(g3)).toMatchObject({ ...none, completion: null });
    expect(summary.totals).toMatchObject({ ...grid1, assigned: 6, completion: 4 / 6 });
    const officer = summary.officers.find((o) => o.officerId === officer1Id);
    expect(officer).toMatchObject({ ...grid1, completion: 4 / 5 });
    // Four visits that day (F's too), and four targets first called on.
    expect(summary.days).toEqual([
      { day, visits: 4, firstVisits: 4, cumulativeVisited: 4, completion: 4 / 6 },
    ]);

    // The city's screen sums its child areas in the database: by targets too, the street's figures.
    const city = await admin.progress.summary({ campaignId });
    expect(city.listed).toBe(false);
    expect(city.children.map(({ id, name, level, ...figures }) => figures)).toEqual([summary.totals]);
    expect(city.totals).toEqual(summary.totals);
    expect(city.days).toEqual(summary.days);
  });

  it("colours buildings by their targets, from the street's buildings and off the roll-ups above it", async () => {
    const street = decodeCompletion(await supervisor.map.completion({ campaignId }));
    expect(street.view).toBe("buildings");
    const sum = (column: "rooms" | "visited" | "checked" | "approved" | "returned" | "revisit") =>
      street[column].reduce((s, n) => s + n, 0);
    expect({
      rooms: sum("rooms"),
      visited: sum("visited"),
      checked: sum("checked"),
      approved: sum("approved"),
      returned: sum("returned"),
      revisit: sum("revisit"),
    }).toEqual({ rooms: 6, visited: 4, checked: 2, approved: 2, returned: 1, revisit: 1 });
    // Each building holds the targets placed in it, nothing more.
    const targetsIn = new Map<string, number>();
    for (const r of [room.A, room.A, room.B, room.C, room.D, room.G])
      targetsIn.set(r.buildingId, (targetsIn.get(r.buildingId) ?? 0) + 1);
    for (let i = 0; i < street.count; i++) {
      expect(street.rooms[i], `building ${street.ids[i]}`).toBe(targetsIn.get(street.ids[i]) ?? 0);
    }
    // A building whose only targets are A's two, both approved, is approved; one with D's alone is todo.
    const only = (r: { buildingId: string }) => street.ids.indexOf(r.buildingId);
    if (targetsIn.get(room.A.buildingId) === 2) expect(street.status[only(room.A)]).toBe("approved");
    if (targetsIn.get(room.D.buildingId) === 1) expect(street.status[only(room.D)]).toBe("todo");

    // The building's panel counts the same: A's building by its targets, its status as the map's.
    const panel = await supervisor.map.building({ buildingId: room.A.buildingId, campaignId });
    const i = only(room.A);
    expect(panel.counts).toEqual({
      rooms: targetsIn.get(room.A.buildingId),
      visited: street.visited[i],
      checked: street.checked[i],
      approved: street.approved[i],
      returned: street.returned[i],
      revisit: street.revisit[i],
      conflicts: 0,
    });
    expect(panel.counts.approved).toBeGreaterThanOrEqual(2);
    expect(panel.status).toBe(street.status[i]);

    // The city's map reads the roll-ups: the same totals.
    const city = decodeCompletion(await admin.map.completion({ campaignId }));
    expect(city.view).toBe("areas");
    const total = (column: "rooms" | "visited" | "checked" | "approved" | "returned" | "revisit") =>
      city[column].reduce((s, n) => s + n, 0);
    expect({
      rooms: total("rooms"),
      visited: total("visited"),
      checked: total("checked"),
      approved: total("approved"),
      returned: total("returned"),
      revisit: total("revisit"),
    }).toEqual({ rooms: 6, visited: 4, checked: 2, approved: 2, returned: 1, revisit: 1 });
  });

  it("follows targets made, withdrawn and moved after the last read", async () => {
    const { db } = database;
    const before = await supervisor.progress.summary({ campaignId });
    expect(before.totals.assigned).toBe(6);
    // A target in grid 3 (F's second person would do, but g3 had none): at room F, in grid 3.
    const [added] = await db
      .insert(campaignTargets)
      .values({
        campaignId,
        subjectKind: "person",
        subjectId: room.F.persons[0],
        roomId: room.F.id,
        gridId: g3,
      })
      .returning({ id: campaignTargets.id });
    let summary = await supervisor.progress.summary({ campaignId });
    // F was visited and checked: grid 3 now has one target, done.
    expect(summary.grids.find((g) => g.gridId === g3)).toMatchObject({ assigned: 1, visited: 1, checked: 1 });
    expect(summary.totals).toMatchObject({ assigned: 7, visited: 5, checked: 3 });

    // Withdrawn: gone from the counts.
    await db.update(campaignTargets).set({ state: "withdrawn" }).where(eq(campaignTargets.id, added.id));
    summary = await supervisor.progress.summary({ campaignId });
    expect(summary.grids.find((g) => g.gridId === g3)).toMatchObject({ ...none });
    expect(summary.totals).toMatchObject({ assigned: 6, visited: 4, checked: 2 });

    // D's target moved to grid 2: grid 1 loses it, grid 2 gains it.
    await db
      .update(campaignTargets)
      .set({ gridId: g2 })
      .where(and(eq(campaignTargets.campaignId, campaignId), eq(campaignTargets.roomId, room.D.id)));
    summary = await supervisor.progress.summary({ campaignId });
    expect(summary.grids.find((g) => g.gridId === g1)).toMatchObject({ ...grid1, assigned: 4 });
    expect(summary.grids.find((g) => g.gridId === g2)).toMatchObject({ ...none, assigned: 2 });
    await db
      .update(campaignTargets)
      .set({ gridId: g1 })
      .where(and(eq(campaignTargets.campaignId, campaignId), eq(campaignTargets.roomId, room.D.id)));

    // Deleted outright (no service does, but the trigger covers it): gone too.
    await db.delete(campaignTargets).where(eq(campaignTargets.id, added.id));
    summary = await supervisor.progress.summary({ campaignId });
    expect(summary.totals).toMatchObject({ ...grid1, assigned: 6 });
  });

  it("leaves an every-door campaign counting its doors", async () => {
    const { db } = database;
    const [open] = await db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(and(eq(campaigns.targetKind, "every_door"), eq(campaigns.status, "open")))
      .limit(1);
    const summary = await supervisor.progress.summary({ campaignId: open.id });
    const [{ n }] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from rooms where grid_id = ${g1} and ended_at is null`),
    );
    expect(summary.grids.find((g) => g.gridId === g1)?.assigned).toBe(n);
    expect(n).toBeGreaterThan(5);
  });
});
