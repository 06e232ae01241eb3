// The supervisor's review loop on every database kind: the queue, one visit with masked evidence,
// approve / return with a comment that reaches the officer's next pull, resubmission, the conflict
// inbox and device health; and a community supervisor sees only their community.

import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getPhoto } from "@/app/api/photos/[sha256]/route";
import type { Database } from "@/db/client";
import {
  areas,
  attachments,
  auditLog,
  buildings,
  changes,
  devices,
  persons,
  rooms,
  users,
} from "@/db/schema";
import { maskPhone } from "@/domain/mask";
import type { PullResponse } from "@/domain/pull";
import { decodePullRows } from "@/domain/wire";
import { databaseKinds, openTestDatabase, settle } from "../support/db";
import { callerFor, codeOf, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { correction, membersOfGrid, supervisorOf, visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

describe.each(databaseKinds)("review on %s", (kind) => {
  let database: Database;
  let gridId: string;
  let otherGridId: string;
  let officer1: Caller;
  let officer2: Caller;
  let supervisor: Caller;
  let communitySupervisor: Caller;
  let otherCommunitySupervisor: Caller;
  let supervisorCookie: string;
  const device = randomUUID();
  let members: Awaited<ReturnType<typeof membersOfGrid>>;
  let next = 0;
  const fresh = () => members[next++];

  const push = async (
    caller: Caller,
    mutations: Parameters<Caller["sync"]["push"]>[0]["mutations"],
    deviceId = device,
  ) => {
    const { results } = await caller.sync.push({ deviceId, mutations });
    expect(results.map((r) => r.status)).not.toContain("rejected");
    return results;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    const own = await objectsOfOfficer(database, "officer1");
    const other = await objectsOfOfficer(database, "officer2");
    gridId = own.gridId;
    otherGridId = other.gridId;
    members = await membersOfGrid(database, gridId);
    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    officer2 = (await callerFor(database, { cookie: await loginAs(database, "officer2") })).caller;
    supervisorCookie = await loginAs(database, "supervisor");
    supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    const [ownCommunity] = await database.db
      .select({ parentId: areas.parentId })
      .from(areas)
      .where(eq(areas.id, gridId));
    const [otherCommunity] = await database.db
      .select({ parentId: areas.parentId })
      .from(areas)
      .where(eq(areas.id, otherGridId));
    expect(ownCommunity.parentId, "the two officers work in different communities").not.toBe(
      otherCommunity.parentId,
    );
    communitySupervisor = await supervisorOf(database, ownCommunity.parentId as string, "community1");
    otherCommunitySupervisor = await supervisorOf(database, otherCommunity.parentId as string, "community2");
  });
  afterAll(() => database?.close());

  it("queues submitted visits with what a reviewer needs at a glance; clean confirmations are marked", async () => {
    const clean = fresh();
    const corrected = fresh();
    const [building] = await database.db
      .select({ lat: buildings.lat, lng: buildings.lng })
      .from(rooms)
      .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
      .where(eq(rooms.id, corrected.roomId as string));
    const confirm = visitMutation({
      gridId,
      roomId: clean.roomId as string,
      subjectType: "household",
      subjectId: clean.householdId,
    });
    const change = visitMutation({
      gridId,
      roomId: corrected.roomId as string,
      changes: [correction("person", corrected, "phone", "13912340000")],
    });
    // Recorded about 300 m north of the building.
    Object.assign(change.payload.visit, {
      lat: (building.lat as number) + 0.0027,
      lng: building.lng,
      accuracyM: 10,
    });
    await push(officer1, [confirm, change]);

    const queue = await supervisor.review.queue({});
    const byId = new Map(queue.visits.map((v) => [v.id, v]));
    expect(byId.get(confirm.id)).toMatchObject({
      outcome: "verified",
      changeCount: 0,
      clean: true,
      far: false,
    });
    expect(byId.get(change.id)).toMatchObject({
      outcome: "changed",
      changeCount: 1,
      clean: false,
      far: true,
    });
    expect(byId.get(change.id)?.distanceM).toBeGreaterThan(250);
    expect(queue.total).toBeGreaterThanOrEqual(2);

    const detail = await supervisor.review.visit({ id: change.id });
    expect(detail.changes).toEqual([
      expect.objectContaining({
        field: "phone",
        registerValue: corrected.phone ? maskPhone(corrected.phone) : null,
        observedValue: "139****0000",
      }),
    ]);
    expect(detail.far).toBe(true);
    expect(detail.history.map((h) => h.id)).toContain(change.id);

    // Unmasking is a deliberate, audited act.
    const revealed = await supervisor.review.reveal({ id: change.id });
    expect(revealed.changes[0].observedValue).toBe("13912340000");
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reveal_visit"), eq(auditLog.entityId, change.id)));
    expect(audit).toHaveLength(1);
  });

  it("a returned visit needs a comment, reaches the officer's next pull, and the re-recorded visit is reviewed again", async () => {
    const member = fresh();
    const first = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13912340001")],
    });
    await push(officer1, [first]);
    // The phone is up to date before the decision.
    let page: PullResponse;
    let cursor: string | null = null;
    await settle(database.db);
    do {
      page = await officer1.sync.pull({ cursor });
      cursor = page.cursor;
    } while (page.hasMore);

    expect(
      await codeOf(
        supervisor.review.decide({
          visits: [{ id: first.id, version: 1 }],
          decision: "return",
          comment: " ",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await supervisor.review.decide({
        visits: [{ id: first.id, version: 1 }],
        decision: "return",
        comment: "请拍门牌照片",
        fields: ["phone"],
      }),
    ).toEqual({
      decided: 1,
      alreadyDecided: 0,
    });
    // Deciding again on the version the return replaced is refused: the screen was out of date.
    expect(
      await codeOf(supervisor.review.decide({ visits: [{ id: first.id, version: 1 }], decision: "approve" })),
    ).toBe("CONFLICT");
    // On the current version it does nothing: it is no longer waiting.
    expect(
      await supervisor.review.decide({ visits: [{ id: first.id, version: 2 }], decision: "approve" }),
    ).toEqual({ decided: 0, alreadyDecided: 1 });

    await settle(database.db);
    const after = await officer1.sync.pull({ cursor });
    const returned = (decodePullRows(after.format, after.rows).visits ?? []).find((v) => v.id === first.id);
    expect(returned).toMatchObject({
      reviewState: "returned",
      reviewComment: "请拍门牌照片",
      reviewFields: "phone",
    });
    expect((await supervisor.review.visit({ id: first.id })).reviewFields).toEqual(["phone"]);

    // The officer goes back and records the room again: the new visit is in the queue.
    const again = visitMutation({ gridId, roomId: member.roomId as string, outcome: "verified" });
    await push(officer1, [again]);
    const queue = await supervisor.review.queue({});
    expect(queue.visits.map((v) => v.id)).toContain(again.id);
    expect(queue.visits.map((v) => v.id)).not.toContain(first.id);
    const detail = await supervisor.review.visit({ id: again.id });
    expect(detail.history.find((h) => h.id === first.id)).toMatchObject({
      reviewState: "returned",
      reviewComment: "请拍门牌照片",
    });
    await supervisor.review.decide({ visits: [{ id: again.id, version: 1 }], decision: "approve" });
    expect((await supervisor.review.queue({ state: "approved" })).visits.map((v) => v.id)).toContain(
      again.id,
    );
  });

  it("approves clean confirmations in bulk", async () => {
    const batch = [fresh(), fresh(), fresh()].map((m) =>
      visitMutation({
        gridId,
        roomId: m.roomId as string,
        subjectType: "household",
        subjectId: m.householdId,
      }),
    );
    await push(officer1, batch);
    const clean = (await supervisor.review.queue({ limit: 200 })).visits
      .filter((v) => v.clean)
      .map((v) => ({ id: v.id, version: v.version }));
    expect(clean.map((v) => v.id)).toEqual(expect.arrayContaining(batch.map((m) => m.id)));
    expect((await supervisor.review.decide({ visits: clean, decision: "approve" })).decided).toBe(
      clean.length,
    );
    expect((await supervisor.review.queue({ limit: 200 })).visits.filter((v) => v.clean)).toEqual([]);
  });

  it("a community supervisor sees and decides only their community's visits", async () => {
    const [foreign] = await membersOfGrid(database, otherGridId);
    const theirs = visitMutation({ gridId: otherGridId, roomId: foreign.roomId as string });
    await push(officer2, [theirs], randomUUID());
    const mine = fresh();
    const ours = visitMutation({ gridId, roomId: mine.roomId as string });
    await push(officer1, [ours]);

    const seen = (await communitySupervisor.review.queue({ limit: 200 })).visits.map((v) => v.id);
    expect(seen).toContain(ours.id);
    expect(seen).not.toContain(theirs.id);
    expect(await codeOf(communitySupervisor.review.visit({ id: theirs.id }))).toBe("NOT_FOUND");
    expect(await codeOf(communitySupervisor.review.reveal({ id: theirs.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(
        communitySupervisor.review.decide({
          visits: [
            { id: ours.id, version: 1 },
            { id: theirs.id, version: 1 },
          ],
          decision: "approve",
        }),
      ),
    ).toBe("NOT_FOUND");
    // Nothing was decided half-way.
    expect((await supervisor.review.queue({ limit: 200 })).visits.map((v) => v.id)).toEqual(
      expect.arrayContaining([ours.id, theirs.id]),
    );
    expect(
      await codeOf(
        otherCommunitySupervisor.review.decide({
          visits: [{ id: theirs.id, version: 1 }],
          decision: "approve",
        }),
      ),
    ).toBe("OK");

    expect(await codeOf(officer1.review.queue({}))).toBe("FORBIDDEN");
    expect(
      await codeOf(officer1.review.decide({ visits: [{ id: ours.id, version: 1 }], decision: "approve" })),
    ).toBe("FORBIDDEN");
    expect(await codeOf((await callerFor(database)).caller.review.queue({}))).toBe("UNAUTHORIZED");
  });

  it("the conflict inbox shows both values masked, and settling one is a resolve mutation through the ledger", async () => {
    const member = fresh();
    const officer1b = officer1;
    const firstFix = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13912340002")],
    });
    const secondFix = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13912340003")],
    });
    await push(officer1, [firstFix]);
    const [answer] = await push(officer1b, [secondFix], randomUUID());
    expect(answer.status).toBe("conflict");

    const inbox = await communitySupervisor.conflict.list();
    const item = inbox.find((c) => c.visitId === secondFix.id);
    expect(item).toMatchObject({ field: "phone", serverValue: "139****0002", observedValue: "139****0003" });
    expect(JSON.stringify(inbox)).not.toContain("13912340003");
    expect(await otherCommunitySupervisor.conflict.list()).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ visitId: secondFix.id })]),
    );

    const resolution = {
      mutationId: randomUUID(),
      deviceId: randomUUID(),
      changeId: item?.changeId as string,
      choice: "observed" as const,
    };
    expect(await codeOf(otherCommunitySupervisor.conflict.resolve(resolution))).toBe("NOT_FOUND");
    const settled = await communitySupervisor.conflict.resolve(resolution);
    expect(settled).toMatchObject({ status: "applied", duplicate: false });
    // A double click: the ledger answers, nothing more is written.
    expect(await communitySupervisor.conflict.resolve(resolution)).toMatchObject({
      status: "applied",
      duplicate: true,
    });
    const [person] = await database.db.select().from(persons).where(eq(persons.id, member.id));
    expect(person.phone).toBe("13912340003");
    const [change] = await database.db.select().from(changes).where(eq(changes.id, resolution.changeId));
    expect(change.status).toBe("resolved");
    expect((await communitySupervisor.conflict.list()).map((c) => c.changeId)).not.toContain(
      resolution.changeId,
    );
  });

  it("lists officers' devices in the area, with old unsent work standing out", async () => {
    const staleDevice = randomUUID();
    await officer1.sync.push({
      deviceId: staleDevice,
      mutations: [],
      device: {
        appVersion: "0.1.0",
        unsentCount: 3,
        oldestUnsentAt: new Date(Date.now() - 30 * 3_600_000).toISOString(),
        storagePersisted: false,
        storageUsage: 10_000_000,
        storageQuota: 100_000_000,
      },
    });
    const theirs = randomUUID();
    await officer2.sync.push({ deviceId: theirs, mutations: [] });
    const list = await communitySupervisor.device.list();
    expect(list.find((d) => d.id === staleDevice)).toMatchObject({
      username: "officer1",
      unsentCount: 3,
      stale: true,
      storagePersisted: false,
    });
    expect(list.find((d) => d.id === device)).toMatchObject({ stale: false });
    expect(list.map((d) => d.id)).not.toContain(theirs);
    expect((await supervisor.device.list()).map((d) => d.id)).toContain(theirs);
    expect(await codeOf(officer1.device.list())).toBe("FORBIDDEN");
    const [row] = await database.db.select().from(devices).where(eq(devices.id, staleDevice));
    expect(row.unsentCount).toBe(3);
  });

  it("shows a visit's photo to the reviewer of its area and to nobody else", async () => {
    const sha = "b".repeat(64);
    const [me] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, "officer1"));
    await database.db.insert(attachments).values({
      sha256: sha,
      mime: "image/jpeg",
      bytes: 4,
      data: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
      uploadedBy: me.id,
      gridId,
    });
    // The route opens the app's database: point it at this test's.
    globalThis.__doorstepDatabase = Promise.resolve(database);
    const request = (cookie: string) =>
      getPhoto(new Request(`http://localhost/api/photos/${sha}`, { headers: { cookie } }), {
        params: Promise.resolve({ sha256: sha }),
      });
    const ok = await request(supervisorCookie);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/jpeg");
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]));
    expect((await request(await loginAs(database, "community2"))).status).toBe(404);
    expect((await request(await loginAs(database, "officer2"))).status).toBe(404);
    expect((await request(await loginAs(database, "officer1"))).status).toBe(200);
    expect((await request("")).status).toBe(401);
    globalThis.__doorstepDatabase = undefined;
  });
});
