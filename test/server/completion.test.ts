// The completion map on every database kind: visits pushed through the real sync.push show up in
// their building's counts and state; filters narrow which visits count; a community supervisor sees
// only their community; officers and strangers are refused.

import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wgs84ToGcj02 } from "@/app/_components/gcj";
import type { Database } from "@/db/client";
import {
  areas,
  buildings,
  campaignAreas,
  campaigns,
  campaignTargets,
  changes,
  rooms,
  users,
  visits,
} from "@/db/schema";
import {
  buildingStatus,
  type CompletionCounts,
  type CompletionPayload,
  decodeCompletion,
} from "@/domain/completion";
import { distanceMeters } from "@/domain/geo";
import { hashPassword } from "@/server/auth/password";
import { databaseKinds, openTestDatabase } from "../support/db";
import {
  addAdmin,
  callerFor,
  codeOf,
  DEMO_PASSWORD,
  loginAs,
  objectsOfOfficer,
  seedSmallStreet,
} from "../support/fixture";
import { openCampaignId, type VisitSpec, visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type Objects = Awaited<ReturnType<typeof objectsOfOfficer>>;

/** The counts the map holds for one building (throws when the building is not on it). */
function countsOf(payload: CompletionPayload, buildingId: string): CompletionCounts {
  const i = payload.buildings.id.indexOf(buildingId);
  if (i < 0) throw new Error(`building ${buildingId} is not on the map`);
  const b = payload.buildings;
  return {
    rooms: b.rooms[i],
    visited: b.visited[i],
    checked: b.checked[i],
    approved: b.approved[i],
    returned: b.returned[i],
    revisit: b.revisit[i],
    conflicts: b.conflicts[i],
  };
}

describe.each(databaseKinds)("the completion map on %s", (kind) => {
  let database: Database;
  let own: Objects;
  let campaignId: string;
  let officer1Id: string;
  let officer2Id: string;
  let officer1: Caller;
  let supervisor: Caller;
  let communitySupervisor: Caller;
  let anonymous: Caller;
  /** A building of officer1's grid with at least four rooms, and those rooms. */
  let buildingId: string;
  let roomIds: string[];
  /** A community other than officer1's, with one of its buildings. */
  let otherCommunity: { id: string; path: string; buildingId: string; gridId: string };
  const visitIds: Record<string, string> = {};

  const pushVisit = async (name: string, spec: Omit<VisitSpec, "gridId">, revisitDue?: string) => {
    const mutation = visitMutation({ gridId: own.gridId, ...spec });
    if (revisitDue) mutation.payload.visit.revisitDue = revisitDue;
    const { results } = await officer1.sync.push({ deviceId: randomUUID(), mutations: [mutation] });
    expect(results[0].status, JSON.stringify(results[0])).toBe("applied");
    visitIds[name] = mutation.id;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    const { db } = database;
    own = await objectsOfOfficer(database, "officer1");
    campaignId = await openCampaignId(database);
    const ids = await db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(sql`${users.username} in ('officer1', 'officer2')`);
    officer1Id = ids.find((u) => u.username === "officer1")?.id as string;
    officer2Id = ids.find((u) => u.username === "officer2")?.id as string;

    const [building] = await db
      .select({ id: buildings.id, rooms: sql<number>`count(${rooms.id})::int` })
      .from(buildings)
      .innerJoin(rooms, and(eq(rooms.buildingId, buildings.id), isNull(rooms.endedAt)))
      .where(eq(buildings.gridId, own.gridId))
      .groupBy(buildings.id)
      .having(sql`count(${rooms.id}) >= 4`)
      .orderBy(asc(buildings.id))
      .limit(1);
    buildingId = building.id;
    roomIds = (
      await db
        .select({ id: rooms.id })
        .from(rooms)
        .where(and(eq(rooms.buildingId, buildingId), isNull(rooms.endedAt)))
        .orderBy(asc(rooms.unitNo), asc(rooms.floor), asc(rooms.roomNo))
    ).map((r) => r.id);

    const [community] = await db
      .select({ id: areas.id, path: areas.path })
      .from(areas)
      .where(and(eq(areas.level, "community"), ne(areas.id, own.communityId)))
      .orderBy(asc(areas.code))
      .limit(1);
    const [theirs] = await db
      .select({ id: buildings.id, gridId: buildings.gridId })
      .from(buildings)
      .innerJoin(areas, eq(areas.id, buildings.gridId))
      .where(sql`starts_with(${areas.path}, ${community.path})`)
      .limit(1);
    otherCommunity = { ...community, buildingId: theirs.id, gridId: theirs.gridId };

    await db.insert(users).values({
      username: "community-supervisor",
      displayName: "社区督导",
      passwordHash: await hashPassword(DEMO_PASSWORD),
      role: "supervisor",
      areaId: otherCommunity.id,
    });

    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    communitySupervisor = (
      await callerFor(database, { cookie: await loginAs(database, "community-supervisor") })
    ).caller;
    anonymous = (await callerFor(database)).caller;
  });
  afterAll(() => database?.close());

  it("starts with every building of the street not visited, in a small columnar payload", async () => {
    const payload = await supervisor.map.completion({ campaignId });
    const { db } = database;
    const [{ n }] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(buildings)
      .where(isNull(buildings.endedAt));
    expect(payload.buildings.id).toHaveLength(n);
    for (const column of Object.values(payload.buildings)) expect(column).toHaveLength(n);
    expect(new Set(payload.areas.map((a) => a.level))).toEqual(new Set(["street", "community", "grid"]));
    expect(payload.areas.filter((a) => a.level === "street")).toHaveLength(1);
    expect(payload.areas.every((a) => a.boundary === null || Array.isArray(a.boundary[0]))).toBe(true);
    expect(countsOf(payload, buildingId)).toEqual({
      rooms: roomIds.length,
      visited: 0,
      checked: 0,
      approved: 0,
      returned: 0,
      revisit: 0,
      conflicts: 0,
    });

    // Addresses and coordinates come back whole after decoding.
    const decoded = decodeCompletion(payload);
    const [row] = await db.select().from(buildings).where(eq(buildings.id, buildingId));
    const i = decoded.indexOf(buildingId);
    expect(decoded.address(i)).toBe(row.address);
    expect(decoded.lat[i]).toBeCloseTo(row.lat as number, 5);
    expect(decoded.lng[i]).toBeCloseTo(row.lng as number, 5);
    expect(decoded.status[i]).toBe("todo");

    // Small: the building columns cost well under 150 bytes a building as they go over the wire
    // (a UUID is 39 of them); the boundaries are a fixed cost of the street.
    const bytes = JSON.stringify(superjson.serialize(payload.buildings)).length;
    expect(bytes / n).toBeLessThan(150);
  });

  it("counts visits pushed through sync.push: a done room and a no-answer make the building partial", async () => {
    await pushVisit("done", { roomId: roomIds[0], campaignId, visitedAt: "2026-11-20T10:00:00+08:00" });
    await pushVisit(
      "noAnswer",
      {
        roomId: roomIds[1],
        campaignId,
        outcome: "no_answer",
        visitedAt: "2026-11-20T23:30:00+08:00",
      },
      "2026-11-27",
    );
    const payload = await supervisor.map.completion({ campaignId });
    const counts = countsOf(payload, buildingId);
    expect(counts).toEqual({
      rooms: roomIds.length,
      visited: 2,
      checked: 1,
      approved: 0,
      returned: 0,
      revisit: 1,
      conflicts: 0,
    });
    expect(buildingStatus(counts)).toBe("partial");

    const view = await supervisor.map.building({ buildingId, campaignId });
    expect(view.rooms.map((r) => r.id)).toEqual(roomIds);
    expect(view.rooms[0]).toMatchObject({ status: "done", visits: 1 });
    expect(view.rooms[0].latest).toMatchObject({ outcome: "verified", reviewState: "submitted", attempt: 1 });
    expect(view.rooms[0].latest?.officerName).toBeTruthy();
    expect(view.rooms[1]).toMatchObject({ status: "revisit", visits: 1 });
    expect(view.rooms[2]).toMatchObject({ status: "todo", visits: 0, latest: null });
    expect(view.counts).toEqual(counts);
    expect(view.status).toBe("partial");
  });

  it("a later visit replaces the room's state; approval, return and conflicts are shown", async () => {
    // The no-answer room is answered the next day.
    await pushVisit("answered", { roomId: roomIds[1], campaignId, visitedAt: "2026-11-21T09:00:00+08:00" });
    let counts = countsOf(await supervisor.map.completion({ campaignId }), buildingId);
    expect(counts).toMatchObject({ visited: 2, checked: 2, revisit: 0 });

    const { db } = database;
    await db.update(visits).set({ reviewState: "approved" }).where(eq(visits.id, visitIds.done));
    counts = countsOf(await supervisor.map.completion({ campaignId }), buildingId);
    expect(counts).toMatchObject({ visited: 2, approved: 1, returned: 0 });
    expect(buildingStatus(counts)).toBe("partial");

    await db.update(visits).set({ reviewState: "returned" }).where(eq(visits.id, visitIds.answered));
    counts = countsOf(await supervisor.map.completion({ campaignId }), buildingId);
    expect(counts).toMatchObject({ visited: 2, checked: 1, approved: 1, returned: 1 });
    expect(buildingStatus(counts)).toBe("returned");

    // An unsettled conflict on any counted visit of a room shows on top of its state, which it
    // does not change: the room still counts as returned.
    const conflictId = randomUUID();
    await db.insert(changes).values({
      id: conflictId,
      visitId: visitIds.noAnswer,
      gridId: own.gridId,
      entity: "room",
      entityId: roomIds[1],
      field: "use",
      registerValue: "1",
      observedValue: "2",
      serverValue: "3",
      status: "conflict",
    });
    counts = countsOf(await supervisor.map.completion({ campaignId }), buildingId);
    expect(counts).toMatchObject({ visited: 2, checked: 1, approved: 1, returned: 1, conflicts: 1 });
    expect(buildingStatus(counts)).toBe("conflict");
    const view = await supervisor.map.building({ buildingId, campaignId });
    expect(view.rooms[1].status).toBe("conflict");
    expect(view.counts).toEqual(counts);

    await db.update(changes).set({ status: "resolved" }).where(eq(changes.id, conflictId));
    await db.update(visits).set({ reviewState: "submitted" }).where(eq(visits.id, visitIds.answered));
    counts = countsOf(await supervisor.map.completion({ campaignId }), buildingId);
    expect(counts).toMatchObject({
      visited: 2,
      checked: 2,
      approved: 1,
      returned: 0,
      conflicts: 0,
      revisit: 0,
    });
  });

  it("the per-room view and the map's counts agree for every building of the grid", async () => {
    const payload = await supervisor.map.completion({ campaignId, areaId: own.gridId });
    expect(payload.areas.map((a) => a.id)).toEqual([own.gridId]);
    for (const id of payload.buildings.id.slice(0, 8)) {
      const view = await supervisor.map.building({ buildingId: id, campaignId });
      expect(view.counts, id).toEqual(countsOf(payload, id));
    }
  });

  it("filters by officer, outcome and date narrow what counts", async () => {
    const byOfficer1 = await supervisor.map.completion({ campaignId, officerId: officer1Id });
    expect(countsOf(byOfficer1, buildingId)).toMatchObject({ visited: 2 });
    // Only the officer's grids are on the map.
    const gridIds = new Set(byOfficer1.areas.filter((a) => a.level === "grid").map((a) => a.id));
    expect([...gridIds]).toEqual([own.gridId]);

    const byOfficer2 = await supervisor.map.completion({ campaignId, officerId: officer2Id });
    expect(byOfficer2.buildings.id).not.toContain(buildingId);

    const noAnswers = await supervisor.map.completion({ campaignId, outcome: "no_answer" });
    expect(countsOf(noAnswers, buildingId)).toMatchObject({ visited: 1, revisit: 1, approved: 0 });
    const refusals = await supervisor.map.completion({ campaignId, outcome: "refused" });
    expect(countsOf(refusals, buildingId)).toMatchObject({ visited: 0 });

    // Days are China's: the 23:30 no-answer belongs to 20 November, the answer to the 21st.
    const on20th = await supervisor.map.completion({ campaignId, from: "2026-11-20", to: "2026-11-20" });
    expect(countsOf(on20th, buildingId)).toMatchObject({ visited: 2, revisit: 1, approved: 1 });
    const from21st = await supervisor.map.completion({ campaignId, from: "2026-11-21" });
    expect(countsOf(from21st, buildingId)).toMatchObject({ visited: 1, revisit: 0, approved: 0 });
    const before20th = await supervisor.map.completion({ campaignId, to: "2026-11-19" });
    expect(countsOf(before20th, buildingId)).toMatchObject({ visited: 0 });

    const view = await supervisor.map.building({ buildingId, campaignId, to: "2026-11-20" });
    expect(view.rooms[1]).toMatchObject({ status: "revisit", visits: 1 });
  });

  it("a community supervisor sees only their community", async () => {
    const payload = await communitySupervisor.map.completion({});
    expect(payload.buildings.id.length).toBeGreaterThan(0);
    expect(payload.buildings.id).toContain(otherCommunity.buildingId);
    expect(payload.buildings.id).not.toContain(buildingId);
    expect(payload.areas.map((a) => a.level)).not.toContain("street");
    const { db } = database;
    const paths = await db
      .select({ id: areas.id, path: areas.path })
      .from(areas)
      .where(sql`${areas.id} = any(${sql.param(payload.areas.map((a) => a.id))}::uuid[])`);
    expect(paths).toHaveLength(payload.areas.length);
    for (const area of paths) expect(area.path.startsWith(otherCommunity.path)).toBe(true);

    expect(await codeOf(communitySupervisor.map.building({ buildingId: otherCommunity.buildingId }))).toBe(
      "OK",
    );
    expect(await codeOf(communitySupervisor.map.building({ buildingId }))).toBe("NOT_FOUND");
    expect(await codeOf(communitySupervisor.map.completion({ areaId: own.communityId }))).toBe("NOT_FOUND");
    expect(await codeOf(communitySupervisor.map.completion({ areaId: own.gridId }))).toBe("NOT_FOUND");
    expect(await codeOf(communitySupervisor.map.completion({ areaId: otherCommunity.gridId }))).toBe("OK");
    // Filtering by an officer of another community is refused like any other out-of-scope id.
    expect(await codeOf(communitySupervisor.map.completion({ officerId: officer1Id }))).toBe("NOT_FOUND");
    const filters = await communitySupervisor.map.filters();
    expect(filters.officers.map((o) => o.id)).not.toContain(officer1Id);
    expect(filters.campaigns.map((c) => c.id)).toContain(campaignId);
  });

  it("a district's and a city's map list their child areas with the summed counts of their rooms, and drill down", async () => {
    const { db } = database;
    const [street] = await db.select().from(areas).where(eq(areas.level, "street"));
    const [district] = await db
      .select()
      .from(areas)
      .where(eq(areas.id, street.parentId as string));
    const [city] = await db
      .select()
      .from(areas)
      .where(eq(areas.id, district.parentId as string));
    // A second street of the district, with one grid, one building and three rooms, nobody visited.
    const street2 = randomUUID();
    const community2 = randomUUID();
    const grid2 = randomUUID();
    await db.insert(areas).values([
      {
        id: street2,
        parentId: district.id,
        level: "street",
        code: "T-ST2",
        name: "第二街道",
        path: `${district.path}T-ST2/`,
        centerLat: 23.13,
        centerLng: 113.26,
      },
      {
        id: community2,
        parentId: street2,
        level: "community",
        code: "T-CM2",
        name: "第二社区",
        path: `${district.path}T-ST2/T-CM2/`,
      },
      {
        id: grid2,
        parentId: community2,
        level: "grid",
        code: "T-GR2",
        name: "第二网格",
        path: `${district.path}T-ST2/T-CM2/T-GR2/`,
      },
    ]);
    const [b2] = await db
      .insert(buildings)
      .values({ gridId: grid2, code: "T-B2", address: "第二街道1号", lat: 23.13, lng: 113.26 })
      .returning({ id: buildings.id });
    await db.insert(rooms).values(
      ["101", "102", "201"].map((roomNo) => ({
        gridId: grid2,
        buildingId: b2.id,
        floor: Number(roomNo[0]),
        roomNo,
      })),
    );
    await addAdmin(database, "city-admin", city.id, "市管理员");
    const admin = (await callerFor(database, { cookie: await loginAs(database, "city-admin") })).caller;

    // The street's counts, building by building, as the street's own map has them.
    const streetMap = await admin.map.completion({ campaignId: undefined, areaId: street.id });
    expect(streetMap.view).toBe("buildings");
    const sum = (payload: CompletionPayload) => {
      const b = payload.buildings;
      const total = (column: number[]) => column.reduce((x, y) => x + y, 0);
      return {
        rooms: total(b.rooms),
        visited: total(b.visited),
        checked: total(b.checked),
        approved: total(b.approved),
        returned: total(b.returned),
        revisit: total(b.revisit),
        conflicts: total(b.conflicts),
      };
    };
    const streetCounts = sum(streetMap);
    expect(streetCounts.visited).toBeGreaterThan(0);
    const [{ n: streetRooms }] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(rooms)
      .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
      .innerJoin(areas, eq(areas.id, buildings.gridId))
      .where(
        and(
          isNull(rooms.endedAt),
          isNull(buildings.endedAt),
          sql`starts_with(${areas.path}, ${street.path})`,
        ),
      );
    expect(streetCounts.rooms).toBe(streetRooms);

    // The district: its two streets as items, each with its rooms' counts; no building is sent.
    const districtMap = await admin.map.completion({ areaId: district.id });
    expect(districtMap.view).toBe("areas");
    expect(districtMap.buildings.id).toEqual(
      [street.id, street2].sort((a, b) => {
        const path = (id: string) => (id === street.id ? street.path : `${district.path}T-ST2/`);
        return path(a).localeCompare(path(b));
      }),
    );
    expect(districtMap.areas.map((a) => a.level)).toEqual(["street", "street"]);
    expect(countsOf(districtMap, street.id)).toEqual(streetCounts);
    expect(countsOf(districtMap, street2)).toEqual({
      rooms: 3,
      visited: 0,
      checked: 0,
      approved: 0,
      returned: 0,
      revisit: 0,
      conflicts: 0,
    });
    expect(districtMap.trail.map((step) => step.id)).toEqual([city.id, district.id]);
    const decoded = decodeCompletion(districtMap);
    expect(decoded.address(decoded.indexOf(street2))).toBe("第二街道");
    expect(decoded.status[decoded.indexOf(street2)]).toBe("todo");

    // The city, the admin's own area: its one district, holding both streets.
    const cityMap = await admin.map.completion({});
    expect(cityMap.view).toBe("areas");
    expect(cityMap.buildings.id).toEqual([district.id]);
    expect(countsOf(cityMap, district.id)).toEqual({ ...streetCounts, rooms: streetCounts.rooms + 3 });
    expect(cityMap.trail.map((step) => step.id)).toEqual([city.id]);

    // The filter choices follow the area in view: none over the city or a district (the map drills
    // down instead), the street's own officers and places once there.
    const cityChoices = await admin.map.filters();
    expect(cityChoices).toMatchObject({ officers: [], areas: [] });
    expect(cityChoices.campaigns.map((c) => c.id)).toContain(campaignId);
    expect((await admin.map.filters({ areaId: district.id })).areas).toEqual([]);
    const streetChoices = await admin.map.filters({ areaId: street.id });
    expect(streetChoices.officers.map((o) => o.id)).toEqual(expect.arrayContaining([officer1Id, officer2Id]));
    expect(streetChoices.areas.map((a) => a.id)).not.toContain(grid2);
    expect(streetChoices).toEqual(await supervisor.map.filters());

    // The filters count in an area view as in the building view: an officer's visits only.
    const byOfficer2 = await admin.map.completion({ areaId: district.id, campaignId, officerId: officer2Id });
    expect(byOfficer2.buildings.id).not.toContain(street2);

    // A street supervisor's map stays the buildings of the street; above their area is out of reach.
    const own = await supervisor.map.completion({ campaignId });
    expect(own.view).toBe("buildings");
    expect(own.trail.map((step) => step.id)).toEqual([street.id]);
    expect(await codeOf(supervisor.map.completion({ areaId: district.id }))).toBe("NOT_FOUND");
  });

  it("a district's and a city's map off the per-area roll-ups equal their streets' building maps, whatever part of them a campaign covers", async () => {
    const { db } = database;
    const [street] = await db
      .select()
      .from(areas)
      .where(
        and(
          eq(areas.level, "street"),
          sql`starts_with((select g.path from areas g where g.id = ${own.gridId}), ${areas.path})`,
        ),
      );
    const [district] = await db
      .select()
      .from(areas)
      .where(eq(areas.id, street.parentId as string));
    const [city] = await db
      .select()
      .from(areas)
      .where(eq(areas.id, district.parentId as string));
    // A third street: one community with a grid of two rooms and a grid of nothing (never written in),
    // another community without a grid; and a fourth street without any area under it.
    const [street3, cm3a, grid3a, grid3b, cm3b, street4] = Array.from({ length: 6 }, () => randomUUID());
    const area = (id: string, parentId: string, level: "street" | "community" | "grid", path: string) => ({
      id,
      parentId,
      level,
      code: path.split("/").at(-2) as string,
      name: path,
      path,
    });
    await db
      .insert(areas)
      .values([
        area(street3, district.id, "street", `${district.path}T-ST3/`),
        area(cm3a, street3, "community", `${district.path}T-ST3/T-CM3A/`),
        area(grid3a, cm3a, "grid", `${district.path}T-ST3/T-CM3A/T-GR3A/`),
        area(grid3b, cm3a, "grid", `${district.path}T-ST3/T-CM3A/T-GR3B/`),
        area(cm3b, street3, "community", `${district.path}T-ST3/T-CM3B/`),
        area(street4, district.id, "street", `${district.path}T-ST4/`),
      ]);
    const [b3] = await db
      .insert(buildings)
      .values({ gridId: grid3a, code: "T-B3", address: "第三街道1号", lat: 23.14, lng: 113.27 })
      .returning({ id: buildings.id });
    await db
      .insert(rooms)
      .values(["101", "102"].map((roomNo) => ({ gridId: grid3a, buildingId: b3.id, floor: 1, roomNo })));
    // Campaigns over: a community and a grid of two streets; a street and its own community (nested);
    // the whole city (above the district); a community without grids; and one of persons targeted,
    // over the district, with one target at a room of officer1's.
    const campaignOver = async (
      name: string,
      areaIds: string[],
      targetKind: "every_door" | "query" = "every_door",
    ) => {
      const [c] = await db
        .insert(campaigns)
        .values({ name, startsOn: "2026-11-01", targetKind })
        .returning({ id: campaigns.id });
      await db.insert(campaignAreas).values(areaIds.map((areaId) => ({ campaignId: c.id, areaId })));
      return c.id;
    };
    const partial = await campaignOver("部分", [cm3a, own.gridId]);
    const nested = await campaignOver("嵌套", [street3, cm3a]);
    const whole = await campaignOver("全市", [city.id]);
    const empty = await campaignOver("空社区", [cm3b]);
    const emptyGrid = await campaignOver("空网格", [grid3b]);
    const targeted = await campaignOver("对象", [district.id], "query");
    await db.insert(campaignTargets).values({
      campaignId: targeted,
      subjectKind: "person",
      subjectId: own.personId,
      roomId: roomIds[0],
      gridId: own.gridId,
    });
    await addAdmin(database, "city-admin-pieces", city.id, "市管理员");
    const admin = (await callerFor(database, { cookie: await loginAs(database, "city-admin-pieces") }))
      .caller;

    const total = (payload: CompletionPayload): CompletionCounts => {
      const b = payload.buildings;
      const add = (column: number[]) => column.reduce((x, y) => x + y, 0);
      return {
        rooms: add(b.rooms),
        visited: add(b.visited),
        checked: add(b.checked),
        approved: add(b.approved),
        returned: add(b.returned),
        revisit: add(b.revisit),
        conflicts: add(b.conflicts),
      };
    };
    const streets = await db
      .select()
      .from(areas)
      .where(eq(areas.parentId, district.id))
      .orderBy(asc(areas.path));
    expect(streets.map((s) => s.id)).toEqual(expect.arrayContaining([street.id, street3, street4]));
    for (const campaign of [undefined, campaignId, partial, nested, whole, empty, emptyGrid, targeted]) {
      // Each street from its buildings (counted from scratch): on the map when a grid of it is.
      const expected: { id: string; counts: CompletionCounts }[] = [];
      for (const s of streets) {
        const map = await admin.map.completion({ areaId: s.id, campaignId: campaign });
        expect(map.view).toBe("buildings");
        if (map.areas.some((a) => a.level === "grid")) expected.push({ id: s.id, counts: total(map) });
      }
      const districtMap = await admin.map.completion({ areaId: district.id, campaignId: campaign });
      expect(districtMap.view).toBe("areas");
      const shown = districtMap.buildings.id.map((id) => ({ id, counts: countsOf(districtMap, id) }));
      expect(shown, `district, campaign ${campaign}`).toEqual(expected);
      const cityMap = await admin.map.completion({ campaignId: campaign });
      const sum = (key: keyof CompletionCounts) => expected.reduce((n, e) => n + e.counts[key], 0);
      expect(
        cityMap.buildings.id.map((id) => ({ id, counts: countsOf(cityMap, id) })),
        `city, campaign ${campaign}`,
      ).toEqual(
        expected.length
          ? [
              {
                id: district.id,
                counts: {
                  rooms: sum("rooms"),
                  visited: sum("visited"),
                  checked: sum("checked"),
                  approved: sum("approved"),
                  returned: sum("returned"),
                  revisit: sum("revisit"),
                  conflicts: sum("conflicts"),
                },
              },
            ]
          : [],
      );
    }
    // What the cases rest on: the partial campaign shows the third street by its one community's grids,
    // the empty community's campaign shows no street, the empty grid's its street at nothing.
    const partialMap = await admin.map.completion({ areaId: district.id, campaignId: partial });
    expect(partialMap.buildings.id).toEqual(
      streets.filter((s) => s.id === street.id || s.id === street3).map((s) => s.id),
    );
    expect(countsOf(partialMap, street3).rooms).toBe(2);
    expect((await admin.map.completion({ areaId: district.id, campaignId: empty })).buildings.id).toEqual([]);
    const emptyGridMap = await admin.map.completion({ areaId: district.id, campaignId: emptyGrid });
    expect(emptyGridMap.buildings.id).toEqual([street3]);
    expect(countsOf(emptyGridMap, street3).rooms).toBe(0);
    expect(countsOf(await admin.map.completion({ campaignId: targeted }), district.id).rooms).toBe(1);
  });

  it("missing ids are NOT_FOUND; officers are FORBIDDEN; without a session UNAUTHORIZED", async () => {
    expect(await codeOf(supervisor.map.building({ buildingId: randomUUID() }))).toBe("NOT_FOUND");
    expect(await codeOf(supervisor.map.completion({ areaId: randomUUID() }))).toBe("NOT_FOUND");
    expect(await codeOf(supervisor.map.completion({ campaignId: randomUUID() }))).toBe("NOT_FOUND");
    expect(await codeOf(supervisor.map.completion({ from: "2026-13-01" }))).toBe("BAD_REQUEST");

    expect(await codeOf(officer1.map.completion({}))).toBe("FORBIDDEN");
    expect(await codeOf(officer1.map.building({ buildingId }))).toBe("FORBIDDEN");
    expect(await codeOf(officer1.map.filters())).toBe("FORBIDDEN");
    expect(await codeOf(anonymous.map.completion({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.map.building({ buildingId }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.map.filters())).toBe("UNAUTHORIZED");
  });
});

describe("a building's state from its counts", () => {
  const c = (counts: Partial<CompletionCounts>): CompletionCounts => ({
    rooms: 10,
    visited: 0,
    checked: 0,
    approved: 0,
    returned: 0,
    revisit: 0,
    conflicts: 0,
    ...counts,
  });
  it.each([
    [c({}), "todo"],
    [c({ rooms: 0 }), "todo"],
    [c({ visited: 3, checked: 3 }), "partial"],
    [c({ visited: 10, checked: 10 }), "done"],
    [c({ visited: 10, checked: 10, approved: 10 }), "approved"],
    [c({ visited: 10, checked: 10, approved: 9 }), "done"],
    [c({ visited: 10, checked: 8, revisit: 2 }), "revisit"],
    // Two rooms owed a revisit by a resident's dispute, never visited: still every room accounted for.
    [c({ visited: 8, checked: 8, revisit: 2 }), "revisit"],
    [c({ visited: 5, checked: 3, revisit: 2 }), "partial"],
    [c({ visited: 2, revisit: 2 }), "revisit"],
    [c({ visited: 10, checked: 9, approved: 9, returned: 1 }), "returned"],
    [c({ visited: 10, checked: 9, returned: 1, conflicts: 1 }), "conflict"],
  ] as const)("%o → %s", (counts, status) => {
    expect(buildingStatus(counts)).toBe(status);
  });
});

describe("a GCJ-02 basemap (NEXT_PUBLIC_TILE_CRS=gcj02)", () => {
  it("moves our WGS-84 points in China by the usual few hundred metres, and leaves others alone", () => {
    const wgs = { lat: 23.1225, lng: 113.2614 }; // 光塔街
    const [lat, lng] = wgs84ToGcj02(wgs.lat, wgs.lng);
    expect(lat - wgs.lat).toBeCloseTo(-0.0027, 3);
    expect(lng - wgs.lng).toBeCloseTo(0.0053, 3);
    const shift = distanceMeters(wgs, { lat, lng });
    expect(shift).toBeGreaterThan(500);
    expect(shift).toBeLessThan(700);
    expect(wgs84ToGcj02(51.5, -0.12)).toEqual([51.5, -0.12]);
  });
});
