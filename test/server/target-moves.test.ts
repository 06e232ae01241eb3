import { createHash, randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { areas, auditLog, campaignTargets, rooms, targetAssignments, users } from "@/db/schema";
import type { PullResponse } from "@/domain/pull";
import { decodePullRows, type PullRecord } from "@/domain/wire";
import type { SessionUser } from "@/server/services/auth";
import { photoExists, readPhoto, storePhoto } from "@/server/services/photos";
import { databaseKinds, openTestDatabase, settle } from "../support/db";
import { callerFor, loginAs, seedSmallStreet, sessionOf } from "../support/fixture";
import { supervisorOf, visitMutation } from "../support/push";
import { jpeg } from "../support/routes";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

/** Pages until the round is done, from `cursor`, as `deviceId`. */
async function drain(caller: Caller, campaignId: string, cursor: string | null, deviceId: string) {
  const pages: PullResponse[] = [];
  for (;;) {
    const page = await caller.sync.pull({ cursor, campaignId, deviceId, limit: 500 });
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) return { pages, cursor };
  }
}

const targetsOf = (pages: PullResponse[]): PullRecord[] =>
  pages.flatMap((page) => decodePullRows(page.format, page.rows).campaignTargets ?? []);
const live = (records: PullRecord[]) =>
  records
    .filter((r) => r.endedAt === null)
    .map((r) => String(r.id))
    .sort();
const dropped = (records: PullRecord[]) =>
  records
    .filter((r) => r.endedAt !== null)
    .map((r) => String(r.id))
    .sort();

describe.each(databaseKinds)("moving targets to a covering officer, on %s", (kind) => {
  let database: Database;
  let campaignId: string;
  let street: { id: string; path: string };
  let communityB: string;
  let gridA: string;
  let gridB: string;
  let officerA: { id: string; username: string };
  let officerB: { id: string; username: string };
  /** Open targets by grid, ids sorted. */
  let targetsIn: Map<string, { id: string; roomId: string }[]>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    // Two grids of one community, each with its own officer and some persons aged 60 or more.
    const officers = await database.db
      .select({ id: users.id, username: users.username, gridId: users.areaId, parentId: areas.parentId })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(and(eq(users.role, "officer"), eq(areas.level, "grid")))
      .orderBy(asc(areas.path));
    // The small street has a grid a community: the street's supervisor is over both.
    [officerA, officerB] = officers;
    gridA = officers[0].gridId;
    gridB = officers[1].gridId;
    communityB = officers[1].parentId as string;
    [street] = await database.db
      .select({ id: areas.id, path: areas.path })
      .from(areas)
      .where(eq(areas.level, "street"));

    const admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    ({ id: campaignId } = await admin.campaign.create({
      name: "老人健康档案（代班）",
      startsOn: "2026-12-01",
      areaIds: [street.id],
      target: { kind: "query", query: { subject: "person", ageMin: 60, ageAt: "2026-12-31" } },
    }));
    await admin.campaign.assign({ campaignId, gridId: gridA, officerId: officerA.id });
    await admin.campaign.assign({ campaignId, gridId: gridB, officerId: officerB.id });
    const rows = await database.db
      .select({ id: campaignTargets.id, roomId: campaignTargets.roomId, gridId: campaignTargets.gridId })
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaignId))
      .orderBy(asc(campaignTargets.id));
    targetsIn = new Map();
    for (const row of rows) targetsIn.set(row.gridId, [...(targetsIn.get(row.gridId) ?? []), row]);
    await settle(database.db);
  }, 180_000);
  afterAll(() => database?.close());

  it("moves an officer's list to a colleague and back in one audited action; both phones follow, no work is lost", async () => {
    const aTargets = targetsIn.get(gridA) ?? [];
    const bTargets = targetsIn.get(gridB) ?? [];
    expect(aTargets.length).toBeGreaterThan(1);
    expect(bTargets.length).toBeGreaterThan(0);
    const aIds = aTargets.map((t) => t.id).sort();
    const bIds = bTargets.map((t) => t.id).sort();
    const a = (await callerFor(database, { cookie: await loginAs(database, officerA.username) })).caller;
    const b = (await callerFor(database, { cookie: await loginAs(database, officerB.username) })).caller;
    const phoneA = randomUUID();
    const phoneB = randomUUID();

    // Before: each phone holds its own grid's targets.
    const firstA = await drain(a, campaignId, null, phoneA);
    expect(live(targetsOf(firstA.pages))).toEqual(aIds);
    const firstB = await drain(b, campaignId, null, phoneB);
    expect(live(targetsOf(firstB.pages))).toEqual(bIds);
    expect(firstB.pages[0].grids?.map((g) => g.id)).toEqual([gridB]);

    // Officer A records a visit offline at a target's door, before the move, and has not sent it.
    const door = aTargets[0];
    const before = visitMutation({
      gridId: gridA,
      roomId: door.roomId,
      campaignId,
      visitedAt: new Date(Date.now() - 60_000).toISOString(),
    });

    // The street's supervisor moves all of A's open targets to B: one action, one audit entry.
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    expect(await supervisor.campaign.targetHolders({ campaignId, officerId: officerA.id })).toMatchObject({
      officers: expect.arrayContaining([
        expect.objectContaining({ id: officerA.id, open: aIds.length }),
        expect.objectContaining({ id: officerB.id, open: bIds.length }),
      ]),
      more: false,
    });
    const moved = await supervisor.campaign.moveTargets({
      campaignId,
      fromOfficerId: officerA.id,
      toOfficerId: officerB.id,
    });
    expect(moved).toEqual({ moved: aIds.length });
    const [audit] = await database.db
      .select({ action: auditLog.action, entityId: auditLog.entityId, detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, "campaign.targets.move"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit.entityId).toBe(campaignId);
    expect(audit.detail).toMatchObject({
      toOfficerId: officerB.id,
      fromOfficerId: officerA.id,
      count: aIds.length,
    });
    expect([...(audit.detail as { targetIds: string[] }).targetIds].sort()).toEqual(aIds);
    expect(
      (await supervisor.campaign.targetHolders({ campaignId })).officers.find((o) => o.id === officerA.id),
    ).toBeUndefined();
    await settle(database.db);
    // Progress counts the moved targets as the covering officer's.
    const progress = await supervisor.progress.summary({ campaignId });
    expect(progress.officers.find((o) => o.officerId === officerA.id)?.assigned ?? 0).toBe(0);
    expect(progress.officers.find((o) => o.officerId === officerB.id)?.assigned).toBe(
      aIds.length + bIds.length,
    );

    // The old phone keeps its grid but drops the moved targets; the covering phone gets the grid
    // (it never held it) with exactly the moved targets, and keeps its own.
    const nextA = await drain(a, campaignId, firstA.cursor, phoneA);
    expect(nextA.pages[0].dropGridIds).toEqual([]);
    expect(dropped(targetsOf(nextA.pages))).toEqual(aIds);
    expect(live(targetsOf(nextA.pages))).toEqual([]);
    const nextB = await drain(b, campaignId, firstB.cursor, phoneB);
    expect(nextB.pages[0].grids?.map((g) => g.id)).toEqual([gridA]);
    expect(live(targetsOf(nextB.pages))).toEqual(aIds);
    expect(dropped(targetsOf(nextB.pages))).toEqual([]);
    // Of a grid it holds only through cover, the phone gets the rooms of its targets, not the grid's.
    const roomsB = nextB.pages.flatMap((p) => decodePullRows(p.format, p.rows).rooms ?? []);
    expect(roomsB.map((r) => String(r.id)).sort()).toEqual(
      [...new Set(aTargets.map((t) => t.roomId))].sort(),
    );
    const personsB = nextB.pages.flatMap((p) => decodePullRows(p.format, p.rows).persons ?? []);
    const householdsB = new Map(
      nextB.pages
        .flatMap((p) => decodePullRows(p.format, p.rows).households ?? [])
        .map((h) => [String(h.id), String(h.roomId)]),
    );
    const targetRooms = new Set(aTargets.map((t) => t.roomId));
    expect(personsB.filter((p) => p.gridId === gridA).length).toBeGreaterThan(0);
    for (const person of personsB.filter((p) => p.gridId === gridA))
      expect(targetRooms.has(String(person.roomId ?? householdsB.get(String(person.householdId))))).toBe(
        true,
      );
    // A phone starting from nothing gets the same: its own targets and the moved ones.
    const freshB = await drain(b, campaignId, null, randomUUID());
    expect(live(targetsOf(freshB.pages))).toEqual([...aIds, ...bIds].sort());
    const freshA = await drain(a, campaignId, null, randomUUID());
    expect(live(targetsOf(freshA.pages))).toEqual([]);

    // Work recorded before the move goes in from the old phone; after it, refused in words.
    const kept = await a.sync.push({ deviceId: phoneA, mutations: [before] });
    expect(kept.results[0], JSON.stringify(kept.results[0])).toMatchObject({ status: "applied" });
    const late = await a.sync.push({
      deviceId: phoneA,
      mutations: [
        visitMutation({
          gridId: gridA,
          roomId: door.roomId,
          campaignId,
          visitedAt: new Date().toISOString(),
        }),
      ],
    });
    expect(late.results[0]).toMatchObject({ status: "rejected", key: "sync.targetMoved" });
    expect((late.results[0] as { message: string }).message).toContain("移交");
    // The covering officer's visit at the door goes in; at a door of the grid without a moved
    // target it is refused, as any grid not theirs.
    const coverVisit = visitMutation({
      gridId: gridA,
      roomId: door.roomId,
      campaignId,
      visitedAt: new Date().toISOString(),
    });
    const other = await database.db
      .select({ id: rooms.id })
      .from(rooms)
      .where(and(eq(rooms.gridId, gridA), isNull(rooms.endedAt)));
    const bare = other.find((room) => !aTargets.some((t) => t.roomId === room.id));
    if (!bare) throw new Error("every room of the grid has a target");
    const byB = await b.sync.push({
      deviceId: phoneB,
      mutations: [
        coverVisit,
        visitMutation({ gridId: gridA, roomId: bare.id, campaignId, visitedAt: new Date().toISOString() }),
      ],
    });
    expect(byB.results[0], JSON.stringify(byB.results[0])).toMatchObject({ status: "applied" });
    expect(byB.results[1]).toMatchObject({ status: "rejected", key: "errors.notFound" });

    // B records another visit during the cover, sent only after the move back.
    const duringCover = visitMutation({
      gridId: gridA,
      roomId: aTargets[1].roomId,
      campaignId,
      visitedAt: new Date().toISOString(),
    });

    // Moving back is the same action, by ids; the targets follow their grid again.
    const back = await (
      await callerFor(database, { cookie: await loginAs(database, "supervisor") })
    ).caller.campaign.moveTargets({ campaignId, targetIds: aIds, toOfficerId: officerA.id });
    expect(back).toEqual({ moved: aIds.length });
    const active = await database.db
      .select({ id: targetAssignments.id })
      .from(targetAssignments)
      .where(and(eq(targetAssignments.campaignId, campaignId), isNull(targetAssignments.endedAt)));
    expect(active).toEqual([]);
    await settle(database.db);

    const thenB = await drain(b, campaignId, nextB.cursor, phoneB);
    expect(thenB.pages[0].dropGridIds).toEqual([gridA]);
    const thenA = await drain(a, campaignId, nextA.cursor, phoneA);
    expect(live(targetsOf(thenA.pages))).toEqual(aIds);
    // B's cover work, recorded before the move back, still goes in from B's phone.
    const sentLate = await b.sync.push({ deviceId: phoneB, mutations: [duringCover] });
    expect(sentLate.results[0], JSON.stringify(sentLate.results[0])).toMatchObject({ status: "applied" });
    const afterBack = await b.sync.push({
      deviceId: phoneB,
      mutations: [
        visitMutation({
          gridId: gridA,
          roomId: aTargets[1].roomId,
          campaignId,
          visitedAt: new Date(Date.now() + 1000).toISOString(),
        }),
      ],
    });
    expect(afterBack.results[0]).toMatchObject({ status: "rejected", key: "sync.targetMoved" });
  });

  it("a covering officer sees the photos of the doors they cover, not the rest of the grid's", async () => {
    const aTargets = targetsIn.get(gridA) ?? [];
    const covered = aTargets[0];
    const [elsewhere] = await database.db
      .select({ id: rooms.id })
      .from(rooms)
      .where(
        and(
          eq(rooms.gridId, gridA),
          isNull(rooms.endedAt),
          sql`${rooms.id} <> all(${sql.param(aTargets.map((t) => t.roomId))}::uuid[])`,
        ),
      )
      .limit(1);
    const userA = await sessionOf(database, officerA.username);
    const userB = await sessionOf(database, officerB.username);
    const a = (await callerFor(database, { cookie: await loginAs(database, officerA.username) })).caller;
    // Officer A photographs two doors of their grid: a target's, and one with no target.
    const photoAt = async (roomId: string) => {
      const bytes = jpeg();
      const hash = createHash("sha256").update(bytes).digest("hex");
      await storePhoto(database.db, userA, { sha256: hash, gridId: gridA, mime: "image/jpeg", bytes });
      const visit = visitMutation({ gridId: gridA, roomId, campaignId, photoSha256: hash });
      const { results } = await a.sync.push({ deviceId: randomUUID(), mutations: [visit] });
      expect(results[0].status).toBe("applied");
      return hash;
    };
    const atCovered = await photoAt(covered.roomId);
    const atElsewhere = await photoAt(elsewhere.id);
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    await supervisor.campaign.moveTargets({ campaignId, targetIds: [covered.id], toOfficerId: officerB.id });

    const sees = async (user: SessionUser, hash: string) => {
      const exists = await photoExists(database.db, user, hash);
      try {
        await readPhoto(database.db, user, hash);
        return [exists, "read"];
      } catch (error) {
        return [exists, (error as { kind?: string }).kind ?? String(error)];
      }
    };
    // B, who covers one door of A's grid, sees that door's photo and not the other; A sees both.
    expect(await sees(userB, atCovered)).toEqual([true, "read"]);
    expect(await sees(userB, atElsewhere)).toEqual([false, "NOT_FOUND"]);
    expect(await sees(userA, atCovered)).toEqual([true, "read"]);
    expect(await sees(userA, atElsewhere)).toEqual([true, "read"]);

    // Moved back: B sees neither.
    await supervisor.campaign.moveTargets({ campaignId, targetIds: [covered.id], toOfficerId: officerA.id });
    expect(await sees(userB, atCovered)).toEqual([false, "NOT_FOUND"]);
  });

  it("moves chosen targets only, and refuses a supervisor of another community, or targets outside the area", async () => {
    const chosen = (targetsIn.get(gridB) ?? []).slice(0, 1).map((t) => t.id);
    const aChosen = (targetsIn.get(gridA) ?? []).slice(0, 1).map((t) => t.id);
    // B's community's supervisor: A's targets are not theirs, nor is officer A theirs to give B's to.
    const outsider = await supervisorOf(database, communityB, `cover-out-${kind}`);
    for (const input of [
      { campaignId, targetIds: aChosen, toOfficerId: officerB.id },
      { campaignId, targetIds: chosen, toOfficerId: officerA.id },
    ]) {
      await expect(outsider.campaign.moveTargets(input)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // "All of A's" reaches only A's targets under the caller's area: none.
    expect(
      await outsider.campaign.moveTargets({
        campaignId,
        fromOfficerId: officerA.id,
        toOfficerId: officerB.id,
      }),
    ).toEqual({ moved: 0 });
    expect(
      await database.db
        .select({ id: targetAssignments.id })
        .from(targetAssignments)
        .where(
          and(
            isNull(targetAssignments.endedAt),
            inArray(targetAssignments.targetId, [...aChosen, ...chosen]),
          ),
        ),
    ).toEqual([]);

    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const a = (await callerFor(database, { cookie: await loginAs(database, officerA.username) })).caller;
    const phoneA = randomUUID();
    const before = await drain(a, campaignId, null, phoneA);
    expect(
      await supervisor.campaign.moveTargets({ campaignId, targetIds: chosen, toOfficerId: officerA.id }),
    ).toEqual({ moved: 1 });
    await settle(database.db);
    const roomsOf = (pages: PullResponse[]) =>
      pages.flatMap((p) => decodePullRows(p.format, p.rows).rooms ?? []).map((r) => String(r.id));
    const first = await drain(a, campaignId, before.cursor, phoneA);
    const firstRoom = (targetsIn.get(gridB) ?? [])[0].roomId;
    expect(
      roomsOf(first.pages).filter((id) => id !== firstRoom && !roomsOf(before.pages).includes(id)),
    ).toEqual([]);
    expect(roomsOf(first.pages)).toContain(firstRoom);
    // A second target, at another door of the same covered grid: its room comes down too, though
    // its rows are older than the phone's floor there.
    const next = (targetsIn.get(gridB) ?? []).find((t) => t.roomId !== firstRoom);
    if (!next) throw new Error("grid B has one door of targets");
    await supervisor.campaign.moveTargets({ campaignId, targetIds: [next.id], toOfficerId: officerA.id });
    await settle(database.db);
    const second = await drain(a, campaignId, first.cursor, phoneA);
    expect(roomsOf(second.pages)).toContain(next.roomId);
    expect(live(targetsOf(second.pages))).toContain(next.id);
    const holders = await supervisor.campaign.targetHolders({ campaignId, officerId: officerA.id });
    expect(holders.targets.map((t) => t.id)).toContain(chosen[0]);
    expect(holders.officers.find((o) => o.id === officerB.id)?.open).toBe(
      (targetsIn.get(gridB) ?? []).length - 2,
    );
    // Names are masked on the list.
    for (const target of holders.targets) expect(target.label).toContain("*");
    // Naming a target that is not the campaign's moves nothing.
    await expect(
      supervisor.campaign.moveTargets({ campaignId, targetIds: [randomUUID()], toOfficerId: officerA.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
