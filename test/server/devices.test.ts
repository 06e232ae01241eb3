// Officers' phones marked lost or retired: only a supervisor over the officer's area (or an
// administrator) sees and marks them; the phone's next push goes to the quarantine and tells it to
// erase; a pull gives it nothing; accepted work reaches review as if pushed, discarded work never
// does; every decision needs a reason and is audited.

import { createHash, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT } from "@/app/api/photos/[sha256]/route";
import type { Database } from "@/db/client";
import {
  areas,
  attachments,
  auditLog,
  devices,
  quarantinedMutations,
  visitAttachments,
  visits,
} from "@/db/schema";
import { CONTACT_HEADER, DEVICE_HEADER } from "@/domain/device";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, codeOf, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { openCampaignId, supervisorOf, visitMutation } from "../support/push";
import { BASE, jpeg, SAME_ORIGIN } from "../support/routes";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

describe.each(databaseKinds)("lost devices and the quarantine on %s", (kind) => {
  let database: Database;
  let officer: Caller;
  let officerCookie: string;
  let supervisor: Caller;
  let admin: Caller;
  let stranger: Caller;
  let campaignId: string;
  let grid: Awaited<ReturnType<typeof objectsOfOfficer>>;

  /** A phone of officer1 known to the server: registered at login and holding the grid. */
  const knownPhone = async () => {
    const deviceId = randomUUID();
    await officer.vault.deviceKey({ deviceId });
    for (let cursor: string | null = null; ; ) {
      const page = await officer.sync.pull({ cursor, deviceId });
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    return deviceId;
  };
  const visit = () => visitMutation({ gridId: grid.gridId, roomId: grid.roomId, campaignId });
  const quarantined = (id: string) =>
    database.db.select().from(quarantinedMutations).where(eq(quarantinedMutations.id, id));
  const visitRow = (id: string) => database.db.select().from(visits).where(eq(visits.id, id));
  const audits = (action: string, entityId: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId)));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    // The photo route opens the process's database through this; point it at the test one.
    globalThis.__doorstepDatabase = Promise.resolve(database);
    grid = await objectsOfOfficer(database, "officer1");
    campaignId = await openCampaignId(database);
    officerCookie = await loginAs(database, "officer1");
    officer = (await callerFor(database, { cookie: officerCookie })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    // A supervisor of a second street of the same district.
    const [street] = await database.db.select().from(areas).where(eq(areas.level, "street")).limit(1);
    const [other] = await database.db
      .insert(areas)
      .values({
        parentId: street.parentId,
        level: "street",
        code: "449999999",
        name: "另一街道",
        path: `${street.path.slice(0, street.path.lastIndexOf(street.code))}449999999`,
      })
      .returning({ id: areas.id });
    stranger = await supervisorOf(database, other.id, "supervisor-other-street");
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  it("a supervisor of another street neither sees nor marks the device, nor decides on its quarantine", async () => {
    const deviceId = await knownPhone();
    expect((await supervisor.device.list()).map((d) => d.id)).toContain(deviceId);
    expect((await stranger.device.list()).map((d) => d.id)).not.toContain(deviceId);
    expect(await codeOf(stranger.device.mark({ deviceId, mark: "lost" }))).toBe("NOT_FOUND");
    expect(await codeOf(officer.device.mark({ deviceId, mark: "lost" }))).toBe("FORBIDDEN");
    const [device] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(device.markedAs).toBeNull();
    expect(device.secretWithheldAt).toBeNull();

    await supervisor.device.mark({ deviceId, mark: "lost" });
    const work = visit();
    await officer.sync.push({ deviceId, mutations: [work] });
    expect((await stranger.device.quarantine()).map((q) => q.id)).not.toContain(work.id);
    expect(await codeOf(stranger.device.decide({ id: work.id, decision: "accept", reason: "x" }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(stranger.device.decide({ id: work.id, decision: "discard", reason: "x" }))).toBe(
      "NOT_FOUND",
    );
    expect((await quarantined(work.id))[0].state).toBe("held");
    expect(await visitRow(work.id)).toHaveLength(0);
  });

  it("an administrator marks a phone lost: its push goes to the quarantine, it is told to erase, its pull is refused", async () => {
    const deviceId = await knownPhone();
    expect(await admin.device.mark({ deviceId, mark: "lost" })).toEqual({ changed: true });
    expect(await admin.device.mark({ deviceId, mark: "lost" })).toEqual({ changed: false });
    expect(await audits("device.mark", deviceId)).toHaveLength(1);
    // The online login no longer opens its store.
    expect((await officer.vault.deviceKey({ deviceId })).secret).toBeNull();

    const work = visit();
    const answer = await officer.sync.push({
      deviceId,
      mutations: [work],
      device: {
        appVersion: "test",
        unsentCount: 0,
        oldestUnsentAt: null,
        storagePersisted: true,
        storageUsage: 1000,
        storageQuota: 2000,
      },
    });
    expect(answer).toEqual({
      wipe: true,
      results: [{ id: work.id, duplicate: false, status: "quarantined" }],
    });
    // A replay (the answer was lost) stores nothing twice.
    await officer.sync.push({ deviceId, mutations: [work] });
    const rows = await quarantined(work.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deviceId, state: "held", kind: "visit" });
    expect(await visitRow(work.id)).toHaveLength(0);
    const [device] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(device.wipeToldAt).not.toBeNull();
    expect(device.storageUsage).toBe(1000);

    expect(await codeOf(officer.sync.pull({ deviceId }))).toBe("FORBIDDEN");
    const listed = (await supervisor.device.quarantine()).find((q) => q.id === work.id);
    expect(listed).toMatchObject({ kind: "visit", outcome: "verified", changeCount: 0, markedAs: "lost" });
  });

  it("the supervisor accepts held work into review as if pushed, with a reason, audited", async () => {
    const deviceId = await knownPhone();
    await supervisor.device.mark({ deviceId, mark: "retired" });
    const work = visit();
    await officer.sync.push({ deviceId, mutations: [work] });
    const [before] = await database.db.select().from(devices).where(eq(devices.id, deviceId));

    expect(await codeOf(supervisor.device.decide({ id: work.id, decision: "accept", reason: "  " }))).toBe(
      "BAD_REQUEST",
    );
    expect(await visitRow(work.id)).toHaveLength(0);

    const decided = await supervisor.device.decide({
      id: work.id,
      decision: "accept",
      reason: "已与信息员核实",
    });
    expect(decided.state).toBe("accepted");
    const [row] = await visitRow(work.id);
    expect(row).toMatchObject({ deviceId, reviewState: "submitted", gridId: grid.gridId });
    expect((await quarantined(work.id))[0]).toMatchObject({ state: "accepted", reason: "已与信息员核实" });
    const [audit] = await audits("quarantine.accept", work.id);
    expect(audit.detail).toMatchObject({ reason: "已与信息员核实", deviceId });
    // The device made no contact: its last contact stays what it was.
    const [after] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(after.lastSyncAt).toEqual(before.lastSyncAt);
    // Decided once.
    expect(await codeOf(supervisor.device.decide({ id: work.id, decision: "discard", reason: "x" }))).toBe(
      "CONFLICT",
    );
    expect((await supervisor.device.quarantine()).map((q) => q.id)).not.toContain(work.id);
  });

  it("discarded work never reaches the register", async () => {
    const deviceId = await knownPhone();
    await supervisor.device.mark({ deviceId, mark: "lost" });
    const work = visit();
    await officer.sync.push({ deviceId, mutations: [work] });
    await supervisor.device.decide({ id: work.id, decision: "discard", reason: "重复记录" });
    expect(await visitRow(work.id)).toHaveLength(0);
    expect((await quarantined(work.id))[0]).toMatchObject({ state: "discarded", reason: "重复记录" });
    expect(await audits("quarantine.discard", work.id)).toHaveLength(1);
    expect(await codeOf(supervisor.device.decide({ id: work.id, decision: "accept", reason: "x" }))).toBe(
      "CONFLICT",
    );
    expect(await visitRow(work.id)).toHaveLength(0);
  });

  it("a lifted mark puts the phone back in use: key, pull and push answered again; held work stays held; audited", async () => {
    const deviceId = await knownPhone();
    await supervisor.device.mark({ deviceId, mark: "lost" });
    const handed = visit();
    expect((await officer.sync.push({ deviceId, mutations: [handed] })).wipe).toBe(true);
    // Only a supervisor over the officer's area lifts it.
    expect(await codeOf(stranger.device.mark({ deviceId, mark: null }))).toBe("NOT_FOUND");
    expect(await codeOf(officer.device.mark({ deviceId, mark: null }))).toBe("FORBIDDEN");
    expect((await officer.vault.deviceKey({ deviceId })).secret).toBeNull();

    expect(await supervisor.device.mark({ deviceId, mark: null })).toEqual({ changed: true });
    expect(await supervisor.device.mark({ deviceId, mark: null })).toEqual({ changed: false });
    const [device] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(device).toMatchObject({
      markedAs: null,
      markedAt: null,
      markedBy: null,
      secretWithheldAt: null,
      wipeToldAt: null,
    });
    expect((await officer.vault.deviceKey({ deviceId })).secret).toEqual(device.wrapSecret);
    expect(await codeOf(officer.sync.pull({ deviceId }))).toBe("OK");
    const work = visit();
    const answer = await officer.sync.push({ deviceId, mutations: [work] });
    expect(answer.wipe).toBeUndefined();
    expect(answer.results[0].status).toBe("applied");
    expect(await visitRow(work.id)).toHaveLength(1);
    // What it handed over before waits for the supervisor's decision, untouched.
    expect((await quarantined(handed.id))[0].state).toBe("held");
    expect(await visitRow(handed.id)).toHaveLength(0);
    const marks = (await audits("device.mark", deviceId)).sort((a, b) => a.id - b.id);
    expect(marks.map((a) => a.detail)).toEqual([
      expect.objectContaining({ mark: "lost", was: null }),
      expect.objectContaining({ mark: null, was: "lost" }),
    ]);
  });

  it("an unmarked phone pushes as before", async () => {
    const deviceId = await knownPhone();
    const work = visit();
    const answer = await officer.sync.push({ deviceId, mutations: [work] });
    expect(answer.wipe).toBeUndefined();
    expect(answer.results[0].status).toBe("applied");
    expect(await quarantined(work.id)).toHaveLength(0);
    expect(await visitRow(work.id)).toHaveLength(1);
  });

  // Last: it disables officer1, whose session then ends.
  it("a disabled officer's phone, without a session, hands its work to the quarantine by its contact token and is told to erase", async () => {
    const deviceId = randomUUID();
    const { contactToken } = await officer.vault.deviceKey({ deviceId });
    expect(contactToken).toMatch(/^[\w-]{40,}$/);
    const anonymous = (await callerFor(database)).caller;
    // The visit has a photo, uploaded by the device's contact token as it hands the visit over.
    const photo = jpeg();
    const photoSha256 = createHash("sha256").update(photo).digest("hex");
    const work = visitMutation({ gridId: grid.gridId, roomId: grid.roomId, campaignId, photoSha256 });
    const contact = (token: string) => anonymous.vault.contact({ deviceId, token, mutations: [work] });
    const putPhoto = (headers: Record<string, string>) =>
      PUT(
        new Request(`${BASE}/api/photos/${photoSha256}?grid=${grid.gridId}`, {
          method: "PUT",
          body: photo,
          headers: { ...SAME_ORIGIN, "content-type": "image/jpeg", ...headers },
          duplex: "half",
        } as RequestInit),
        { params: Promise.resolve({ sha256: photoSha256 }) },
      );
    const stored = () => database.db.select().from(attachments).where(eq(attachments.sha256, photoSha256));

    // An officer still enabled logs in again: the contact takes nothing, nor a photo by the token.
    expect(await codeOf(contact(contactToken as string))).toBe("UNAUTHORIZED");
    expect(await quarantined(work.id)).toHaveLength(0);
    const proof = { [DEVICE_HEADER]: deviceId, [CONTACT_HEADER]: contactToken as string };
    expect((await putPhoto(proof)).status).toBe(401);
    expect(await stored()).toHaveLength(0);

    const [officerRow] = await database.db
      .select({ id: devices.userId })
      .from(devices)
      .where(eq(devices.id, deviceId));
    await admin.user.setDisabled({ userId: officerRow.id, disabled: true });
    // Its session ended with it: the phone's push is refused.
    const stale = (await callerFor(database, { cookie: officerCookie })).caller;
    expect(await codeOf(stale.sync.push({ deviceId, mutations: [work] }))).toBe("UNAUTHORIZED");

    // A wrong token, or another device's, is refused and stores nothing.
    expect(await codeOf(contact("x".repeat(43)))).toBe("UNAUTHORIZED");
    expect(
      await codeOf(
        anonymous.vault.contact({ deviceId: randomUUID(), token: contactToken as string, mutations: [work] }),
      ),
    ).toBe("UNAUTHORIZED");
    expect(await quarantined(work.id)).toHaveLength(0);

    // The photo by the device's token: a wrong token, another device or no device is 401 and stores
    // nothing; the right one stores it in the officer's grid, once, audited as handed over.
    expect((await putPhoto({ ...proof, [CONTACT_HEADER]: "x".repeat(43) })).status).toBe(401);
    expect((await putPhoto({ ...proof, [DEVICE_HEADER]: randomUUID() })).status).toBe(401);
    expect((await putPhoto({ ...proof, [DEVICE_HEADER]: "not a device" })).status).toBe(401);
    expect(await stored()).toHaveLength(0);
    expect((await putPhoto(proof)).status).toBe(201);
    expect((await putPhoto(proof)).status).toBe(200);
    expect(await stored()).toEqual([
      expect.objectContaining({ gridId: grid.gridId, uploadedBy: officerRow.id, bytes: photo.length }),
    ]);
    expect((await audits("photo_stored", photoSha256)).map((a) => a.detail)).toEqual([
      expect.objectContaining({ gridId: grid.gridId, handedOver: deviceId }),
    ]);

    expect(await contact(contactToken as string)).toEqual({
      wipe: true,
      results: [{ id: work.id, duplicate: false, status: "quarantined" }],
    });
    // A replay stores nothing twice.
    await contact(contactToken as string);
    const rows = await quarantined(work.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deviceId, officerId: officerRow.id, state: "held" });
    expect(await visitRow(work.id)).toHaveLength(0);
    const [device] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(device.wipeToldAt).not.toBeNull();
    const told = await audits("device.wipeTold", deviceId);
    expect(told.map((a) => a.detail)).toContainEqual({ mark: "officerDisabled", quarantined: 1 });

    // The supervisor decides on it as on a lost phone's work: accepted, it reaches review.
    expect((await supervisor.device.quarantine()).map((q) => q.id)).toContain(work.id);
    await supervisor.device.decide({ id: work.id, decision: "accept", reason: "信息员已离职，记录属实" });
    // With its photo: a visit naming a photo the server lacks is refused (sync.photoMissing).
    expect(await visitRow(work.id)).toHaveLength(1);
    expect(
      await database.db.select().from(visitAttachments).where(eq(visitAttachments.visitId, work.id)),
    ).toEqual([expect.objectContaining({ sha256: photoSha256 })]);
  });
});
