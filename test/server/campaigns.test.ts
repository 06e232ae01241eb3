import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/trpc/[trpc]/route";
import { saveVisit } from "@/app/field/_lib/outbox";
import { applyPullPage } from "@/app/field/_lib/pull";
import { readAll } from "@/app/field/_lib/store";
import { type Database, rowsOf } from "@/db/client";
import {
  areas,
  assignments,
  auditLog,
  campaignAreas,
  campaigns,
  householdCodes,
  households,
  persons,
  users,
} from "@/db/schema";
import type { PullResponse, PullTableName } from "@/domain/pull";
import { decodePullRows } from "@/domain/wire";
import { hashPassword } from "@/server/auth/password";
import { AppError } from "@/server/errors";
import { databaseKinds, openTestDatabase, settle } from "../support/db";
import {
  callerFor,
  codeOf,
  DEMO_PASSWORD,
  loginAs,
  objectsOfOfficer,
  seedSmallStreet,
} from "../support/fixture";
import { supervisorOf, visitMutation } from "../support/push";
import { openUnlockedDb } from "../support/unlocked";

describe.each(databaseKinds)("the campaigns a phone may download, on %s", (kind) => {
  let database: Database;
  let campaignId: string;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    campaignId = (await seedSmallStreet(database)).campaignId;
  });
  afterAll(() => database?.close());

  it("lists the open campaign an officer is assigned in, and nothing for a supervisor without assignments", async () => {
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    expect(await officer.sync.campaigns()).toEqual([
      expect.objectContaining({ id: campaignId, name: "2026年第四季度入户核查", startsOn: "2026-11-01" }),
    ]);
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    expect(await supervisor.sync.campaigns()).toEqual([]);
  });

  it("drops a campaign once it is closed", async () => {
    await database.db.update(campaigns).set({ status: "closed" }).where(eq(campaigns.id, campaignId));
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer2") })).caller;
    expect(await officer.sync.campaigns()).toEqual([]);
  });
});

// ── managing campaigns: create, assign, reassign, close ──────────────────────────────────────────

const BASE = "http://localhost:3000";
let ipSeq = 0;
const freshIp = () => `198.51.100.${++ipSeq}`;

/** A mutation over HTTP, as the page sends it, answered in the locale of the cookie. */
async function httpMutation(path: string, input: unknown, cookie: string, locale = "zh-CN") {
  const response = await POST(
    new Request(`${BASE}/api/trpc/${path}`, {
      method: "POST",
      body: JSON.stringify({ json: input }),
      headers: {
        host: "localhost:3000",
        "content-type": "application/json",
        origin: BASE,
        "sec-fetch-site": "same-origin",
        cookie: `${cookie}; doorstep_locale=${locale}`,
      },
    }),
  );
  return { status: response.status, body: await response.json() };
}

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

async function drain(caller: Caller, cursor: string | null, deviceId?: string) {
  const pages: PullResponse[] = [];
  for (;;) {
    const page = await caller.sync.pull({ cursor, deviceId });
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) return { pages, cursor };
  }
}

const idsOf = (pages: PullResponse[], table: PullTableName) =>
  pages.flatMap((page) => (decodePullRows(page.format, page.rows)[table] ?? []).map((row) => row.id)).sort();

/** What a refused call was refused with: its tRPC code and catalogue key. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error.cause instanceof AppError ? `${error.code} ${error.cause.key}` : error.code;
  }
}

describe.each(databaseKinds)("managing campaigns on %s", (kind) => {
  let database: Database;
  let seededCampaignId: string;
  let own: Awaited<ReturnType<typeof objectsOfOfficer>>;
  let other: Awaited<ReturnType<typeof objectsOfOfficer>>;
  let adminCookie: string;
  let admin: Caller;
  let ownCommunity: Caller;
  let otherCommunity: Caller;
  let officer1: Caller;
  let officer1Id: string;
  let communityOfficerId: string;
  let campaignId: string;

  const userId = async (username: string) =>
    (await database.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0].id;

  /** A user of some role over some area, logged in. */
  async function userOver(username: string, role: "admin" | "officer", areaId: string) {
    await database.db.insert(users).values({
      username,
      displayName: username,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      role,
      areaId,
    });
    return (await callerFor(database, { cookie: await loginAs(database, username) })).caller;
  }

  const counts = async () => ({
    campaigns: (await database.db.select({ n: count() }).from(campaigns))[0].n,
    areas: (await database.db.select({ n: count() }).from(campaignAreas))[0].n,
    codes: (await database.db.select({ n: count() }).from(householdCodes))[0].n,
    assignments: (await database.db.select({ n: count() }).from(assignments))[0].n,
    // Logins and resident lookups write audit rows of their own; these are the campaign actions'.
    audit: (
      await database.db.select({ n: count() }).from(auditLog).where(sql`${auditLog.action} like 'campaign.%'`)
    )[0].n,
  });

  const activeOf = (campaign: string, gridId: string) =>
    database.db
      .select({ officerId: assignments.officerId })
      .from(assignments)
      .where(
        and(
          eq(assignments.campaignId, campaign),
          eq(assignments.gridId, gridId),
          isNull(assignments.endedAt),
        ),
      );

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    seededCampaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);
    own = await objectsOfOfficer(database, "officer1");
    other = await objectsOfOfficer(database, "officer2");
    adminCookie = await loginAs(database, "admin");
    admin = (await callerFor(database, { cookie: adminCookie })).caller;
    ownCommunity = await supervisorOf(database, own.communityId, "campaign-community-1");
    otherCommunity = await supervisorOf(database, other.communityId, "campaign-community-2");
    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    officer1Id = await userId("officer1");
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  it("the two officers work in different communities", () => {
    expect(own.communityId).not.toBe(other.communityId);
  });

  it("opens a campaign over a community and gives every household there its visit-slip code", async () => {
    const before = await counts();
    const created = await admin.campaign.create({
      name: " 2027年第一季度入户核查 ",
      startsOn: "2027-01-04",
      endsOn: "2027-03-31",
      areaIds: [own.communityId, own.communityId],
    });
    campaignId = created.id;
    const households = rowsOf<{ n: number }>(
      await database.db.execute(sql`
        select count(*)::int as n from households h join areas g on g.id = h.grid_id
        join areas c on c.id = ${own.communityId}
        where h.ended_at is null and starts_with(g.path, c.path)`),
    )[0].n;
    expect(households).toBeGreaterThan(0);
    expect(created.codes).toBe(households);

    const [row] = await database.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(row).toMatchObject({
      name: "2027年第一季度入户核查",
      status: "open",
      startsOn: "2027-01-04",
      endsOn: "2027-03-31",
      createdBy: await userId("admin"),
      closedAt: null,
    });
    const codeGrids = await database.db
      .selectDistinct({ parentId: areas.parentId })
      .from(householdCodes)
      .innerJoin(areas, eq(areas.id, householdCodes.gridId))
      .where(eq(householdCodes.campaignId, campaignId));
    expect(codeGrids).toEqual([{ parentId: own.communityId }]);
    expect(await counts()).toEqual({
      ...before,
      campaigns: before.campaigns + 1,
      areas: before.areas + 1,
      codes: before.codes + households,
      audit: before.audit + 1,
    });
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "campaign.create"), eq(auditLog.entityId, campaignId)));
    expect(audit.detail).toMatchObject({ areaIds: [own.communityId], codes: households });
  });

  it("lists it to the community it covers, with its grids, and to no other community", async () => {
    const grids = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.parentId, own.communityId), eq(areas.level, "grid")));
    const mine = await ownCommunity.campaign.list();
    expect(mine.canCreate).toBe(false);
    expect(mine.areaOptions).toEqual([]);
    expect(mine.campaigns.find((c) => c.id === campaignId)).toMatchObject({
      status: "open",
      grids: grids.length,
      assignedGrids: 0,
      officers: 0,
      areas: [expect.objectContaining({ id: own.communityId, level: "community" })],
    });
    // The street campaign of the seed is cut to the community: its grids, its officer.
    expect(mine.campaigns.find((c) => c.id === seededCampaignId)).toMatchObject({
      grids: grids.length,
      assignedGrids: grids.length,
    });
    const theirs = await otherCommunity.campaign.list();
    expect(theirs.campaigns.map((c) => c.id)).toEqual([seededCampaignId]);
    expect(await codeOf(otherCommunity.campaign.get({ id: campaignId }))).toBe("NOT_FOUND");
    expect(await codeOf(ownCommunity.campaign.get({ id: randomUUID() }))).toBe("NOT_FOUND");
    expect(await codeOf(officer1.campaign.list())).toBe("FORBIDDEN");

    const detail = await ownCommunity.campaign.get({ id: campaignId });
    expect(detail.gridList.map((g) => g.id).sort()).toEqual(grids.map((g) => g.id).sort());
    expect(detail.canClose).toBe(false);
    const ownGrid = detail.gridList.find((g) => g.id === own.gridId);
    expect(ownGrid).toMatchObject({ officer: null, homeOfficerIds: [officer1Id] });
    // Every officer of the community is offered for every grid; another community's are not.
    const offered = detail.officerList.filter((o) => o.eligible).map((o) => o.id);
    expect(offered).toContain(officer1Id);
    expect(offered).not.toContain(await userId("officer2"));
    expect(detail.officerList.find((o) => o.id === officer1Id)?.areaName).toBeTruthy();

    const adminList = await admin.campaign.list();
    expect(adminList.canCreate).toBe(true);
    expect(adminList.areaOptions.map((a) => a.id)).toContain(own.communityId);
    expect((await admin.campaign.get({ id: campaignId })).canClose).toBe(true);
  });

  it("refuses a bad form field by field, in the caller's language, and writes nothing", async () => {
    const before = await counts();
    const zh = await httpMutation(
      "campaign.create",
      { name: "  ", startsOn: "2027-02-30", endsOn: "", areaIds: [] },
      adminCookie,
    );
    expect(zh.status).toBe(400);
    expect(zh.body.error.json.data.fieldErrors).toEqual({
      name: "此项必填，请填写",
      startsOn: "这一天不存在，请核对年、月、日",
      areaIds: "请至少选择一个街道或社区",
    });
    const backwards = {
      name: "核查",
      startsOn: "2027-03-01",
      endsOn: "2027-02-01",
      areaIds: [own.communityId],
    };
    const zhDates = await httpMutation("campaign.create", backwards, adminCookie);
    expect(zhDates.body.error.json.data.fieldErrors).toEqual({ endsOn: "结束日期不能早于开始日期，请核对" });
    const en = await httpMutation("campaign.create", backwards, adminCookie, "en");
    expect(en.body.error.json.data.fieldErrors).toEqual({
      endsOn: "The end date cannot be before the start date — check it",
    });
    // Supervisors and officers do not create campaigns.
    const supervisorCookie = await loginAs(database, "supervisor");
    const forbidden = await httpMutation("campaign.create", { ...backwards, endsOn: null }, supervisorCookie);
    expect(forbidden.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("answers areas outside the administrator's area like missing ones, and writes nothing", async () => {
    const communityAdmin = await userOver("campaign-admin-1", "admin", own.communityId);
    const before = await counts();
    const input = { name: "越界", startsOn: "2027-01-01", endsOn: null };
    expect(await codeOf(communityAdmin.campaign.create({ ...input, areaIds: [other.communityId] }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(communityAdmin.campaign.create({ ...input, areaIds: [own.communityId, other.gridId] })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(admin.campaign.create({ ...input, areaIds: [randomUUID()] }))).toBe("NOT_FOUND");
    expect(await counts()).toEqual(before);
    // Nor may it close the street's campaign, which reaches beyond its community.
    expect(await codeOf(communityAdmin.campaign.close({ id: seededCampaignId }))).toBe("NOT_FOUND");
  });

  it("assigns a grid once, however often it is asked, and reassigns it in one step", async () => {
    const first = await ownCommunity.campaign.assign({
      campaignId,
      gridId: own.gridId,
      officerId: officer1Id,
    });
    expect(first).toEqual({ changed: true, previousOfficerIds: [] });
    const audits = (await counts()).audit;
    const again = await ownCommunity.campaign.assign({
      campaignId,
      gridId: own.gridId,
      officerId: officer1Id,
    });
    expect(again).toEqual({ changed: false, previousOfficerIds: [] });
    expect(await activeOf(campaignId, own.gridId)).toEqual([{ officerId: officer1Id }]);
    expect((await counts()).audit).toBe(audits);

    // An officer over the whole community may take any of its grids.
    await userOver("campaign-officer-c", "officer", own.communityId);
    communityOfficerId = await userId("campaign-officer-c");
    const moved = await ownCommunity.campaign.assign({
      campaignId,
      gridId: own.gridId,
      officerId: communityOfficerId,
    });
    expect(moved).toEqual({ changed: true, previousOfficerIds: [officer1Id] });
    expect(await activeOf(campaignId, own.gridId)).toEqual([{ officerId: communityOfficerId }]);
    const history = await database.db
      .select({ officerId: assignments.officerId, endedAt: assignments.endedAt })
      .from(assignments)
      .where(and(eq(assignments.campaignId, campaignId), eq(assignments.gridId, own.gridId)))
      .orderBy(assignments.assignedAt);
    expect(history).toEqual([
      { officerId: officer1Id, endedAt: expect.any(Date) },
      { officerId: communityOfficerId, endedAt: null },
    ]);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "campaign.assign"), eq(auditLog.entityId, campaignId)))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(1);
    expect(audit.detail).toEqual({
      gridId: own.gridId,
      officerId: communityOfficerId,
      previousOfficerIds: [officer1Id],
    });

    const detail = await ownCommunity.campaign.get({ id: campaignId });
    expect(detail.gridList.find((g) => g.id === own.gridId)).toMatchObject({
      officer: { id: communityOfficerId, username: "campaign-officer-c" },
      homeOfficerIds: expect.arrayContaining([officer1Id, communityOfficerId]),
    });
    expect(detail).toMatchObject({ assignedGrids: 1, officers: 1 });
  });

  it("keeps one active officer per grid when two people reassign it at once", async () => {
    await Promise.all([
      admin.campaign.assign({ campaignId, gridId: own.gridId, officerId: officer1Id }),
      ownCommunity.campaign.assign({ campaignId, gridId: own.gridId, officerId: communityOfficerId }),
      admin.campaign.assign({ campaignId, gridId: own.gridId, officerId: officer1Id }),
    ]);
    expect(await activeOf(campaignId, own.gridId)).toHaveLength(1);
  });

  it("refuses what the caller may not assign, with the reason", async () => {
    const officer2Id = await userId("officer2");
    const before = await counts();
    const ask = (caller: Caller, gridId: string, officerId: string, campaign = campaignId) =>
      refusal(caller.campaign.assign({ campaignId: campaign, gridId, officerId }));
    // Another community's supervisor: the grid is none of theirs.
    expect(await ask(otherCommunity, own.gridId, officer1Id)).toBe("NOT_FOUND errors.notFound");
    // An officer of another community's grid: out of this supervisor's sight, and not over this grid.
    expect(await ask(ownCommunity, own.gridId, officer2Id)).toBe("NOT_FOUND errors.notFound");
    // A grid the campaign does not cover.
    expect(await ask(admin, other.gridId, officer2Id)).toBe("BAD_REQUEST campaign.error.gridNotInCampaign");
    // A supervisor is not an officer; a community is not a grid; an unknown campaign is missing.
    expect(await ask(admin, own.gridId, await userId("supervisor"))).toBe("NOT_FOUND errors.notFound");
    expect(await ask(admin, own.communityId, officer1Id)).toBe("NOT_FOUND errors.notFound");
    expect(await ask(admin, own.gridId, officer1Id, randomUUID())).toBe("NOT_FOUND errors.notFound");
    // Officers manage no campaigns, even their own grid's.
    expect(await ask(officer1, own.gridId, officer1Id)).toBe("FORBIDDEN");
    expect(await refusal(officer1.campaign.unassign({ campaignId, gridId: own.gridId }))).toBe("FORBIDDEN");
    expect(await refusal(ownCommunity.campaign.close({ id: campaignId }))).toBe("FORBIDDEN");
    expect(await counts()).toEqual(before);
  });

  it("takes a grid away, once", async () => {
    const taken = await ownCommunity.campaign.unassign({ campaignId, gridId: own.gridId });
    expect(taken.changed).toBe(true);
    expect(await activeOf(campaignId, own.gridId)).toEqual([]);
    expect(await ownCommunity.campaign.unassign({ campaignId, gridId: own.gridId })).toEqual({
      changed: false,
      previousOfficerIds: [],
    });
    expect(await codeOf(otherCommunity.campaign.unassign({ campaignId, gridId: own.gridId }))).toBe(
      "NOT_FOUND",
    );
  });

  it("gives one officer several grids, in and beyond their own area; their phone pulls and pushes them all, their register screens stay their own", async () => {
    const officer2Id = await userId("officer2");
    const street = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    // officer1 holds their own grid in the street's campaign; the street's supervisor, over both
    // communities, gives them officer2's grid as well.
    expect(
      await street.campaign.assign({
        campaignId: seededCampaignId,
        gridId: other.gridId,
        officerId: officer1Id,
      }),
    ).toEqual({ changed: true, previousOfficerIds: [officer2Id] });
    const detail = await street.campaign.get({ id: seededCampaignId });
    expect(
      detail.gridList
        .filter((g) => g.officer?.id === officer1Id)
        .map((g) => g.id)
        .sort(),
    ).toEqual([own.gridId, other.gridId].sort());
    expect(detail.gridList.find((g) => g.id === other.gridId)?.homeOfficerIds).toContain(officer2Id);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "campaign.assign"), eq(auditLog.entityId, seededCampaignId)))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(1);
    expect(audit.detail).toEqual({
      gridId: other.gridId,
      officerId: officer1Id,
      previousOfficerIds: [officer2Id],
    });

    await settle(database.db);
    const pulled = await drain(officer1, null);
    expect(pulled.pages[0].campaignId).toBe(seededCampaignId);
    expect(pulled.pages[0].grids?.map((g) => g.id).sort()).toEqual([own.gridId, other.gridId].sort());
    const pushed = await officer1.sync.push({
      deviceId: randomUUID(),
      mutations: [
        visitMutation({ gridId: other.gridId, roomId: other.roomId, campaignId: seededCampaignId }),
      ],
    });
    expect(pushed.results[0], JSON.stringify(pushed.results[0])).toMatchObject({ status: "applied" });
    // Browsing the register stays cut to the officer's own area.
    expect(await codeOf(officer1.area.get({ id: other.gridId }))).toBe("NOT_FOUND");

    // Neither community's supervisor may do the same: the grid, or the officer, lies outside their area.
    for (const caller of [ownCommunity, otherCommunity]) {
      expect(
        await refusal(
          caller.campaign.assign({
            campaignId: seededCampaignId,
            gridId: other.gridId,
            officerId: officer1Id,
          }),
        ),
      ).toBe("NOT_FOUND errors.notFound");
    }

    // Back as it was, for the tests below.
    await street.campaign.assign({
      campaignId: seededCampaignId,
      gridId: other.gridId,
      officerId: officer2Id,
    });
  });

  it("after a reassignment the old officer's phone drops the grid, keeps its unsent visit, and the new officer pulls the grid from zero", async () => {
    // officer1 holds its grid in the seeded campaign and has it on the phone.
    await settle(database.db);
    const phone = await openUnlockedDb(`campaigns-${kind}-${randomUUID()}`);
    const phoneId = randomUUID();
    const first = await drain(officer1, null, phoneId);
    expect(first.pages[0].grids?.map((g) => g.id)).toEqual([own.gridId]);
    for (const page of first.pages) await applyPullPage(phone, page);
    expect((await readAll(phone)).rooms.length).toBeGreaterThan(0);

    // A visit recorded offline, not yet sent.
    const visitId = randomUUID();
    await saveVisit(phone, {
      visit: {
        id: visitId,
        campaignId: seededCampaignId,
        gridId: own.gridId,
        roomId: own.roomId,
        subjectType: "room",
        subjectId: null,
        outcome: "vacant",
        attempt: 1,
        revisitDue: null,
        visitedAt: new Date().toISOString(),
        lat: null,
        lng: null,
        accuracyM: null,
        note: "空置",
        photoSha256: null,
      },
      changes: [],
    });

    const communityOfficer = (
      await callerFor(database, { cookie: await loginAs(database, "campaign-officer-c") })
    ).caller;
    // A caller made now: its clock dates the reassignment after the visit above.
    const adminNow = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    await adminNow.campaign.assign({
      campaignId: seededCampaignId,
      gridId: own.gridId,
      officerId: communityOfficerId,
    });
    await settle(database.db);

    const next = await drain(officer1, first.cursor, phoneId);
    expect(next.pages[0].dropGridIds).toEqual([own.gridId]);
    expect(idsOf(next.pages, "rooms")).toEqual([]);
    for (const page of next.pages) await applyPullPage(phone, page);
    const held = await readAll(phone);
    expect(held.grids).toEqual([]);
    expect(held.rooms).toEqual([]);
    expect(held.households).toEqual([]);
    const outbox = await phone.getAll("outbox");
    expect(outbox).toEqual([expect.objectContaining({ id: visitId, state: "pending", kind: "visit" })]);
    expect(outbox[0].payload).toMatchObject({ visit: { id: visitId, gridId: own.gridId, note: "空置" } });
    phone.close();
    // The campaign is no longer offered to officer1's phone.
    expect(await officer1.sync.campaigns()).toEqual([]);

    // The new officer starts from nothing and gets the whole grid.
    const fresh = await drain(communityOfficer, null);
    expect(fresh.pages[0].dropGridIds).toEqual([]);
    expect(fresh.pages[0].grids?.map((g) => g.id)).toEqual([own.gridId]);
    const live = await database.db
      .select({ id: households.id })
      .from(households)
      .where(and(eq(households.gridId, own.gridId), isNull(households.endedAt)));
    expect(idsOf(fresh.pages, "households")).toEqual(live.map((h) => h.id).sort());

    // The kept visit, recorded before the reassignment, still goes in when the phone that held the
    // grid next pushes; the same visit from a device that never held the grid does not (its time is
    // only its word: a backdated visit), nor does a visit recorded after the reassignment.
    const backdated = await officer1.sync.push({
      deviceId: randomUUID(),
      mutations: [{ id: visitId, kind: "visit", payload: outbox[0].payload } as never],
    });
    expect(backdated.results[0]).toMatchObject({ status: "rejected", key: "sync.gridReassigned" });
    const kept = await officer1.sync.push({
      deviceId: phoneId,
      mutations: [{ id: visitId, kind: "visit", payload: outbox[0].payload } as never],
    });
    expect(kept.results[0], JSON.stringify(kept.results[0])).toMatchObject({
      id: visitId,
      status: "applied",
    });
    const after = visitMutation({
      gridId: own.gridId,
      roomId: own.roomId,
      campaignId: seededCampaignId,
      visitedAt: new Date().toISOString(),
    });
    const refused = await officer1.sync.push({ deviceId: phoneId, mutations: [after] });
    expect(refused.results[0]).toMatchObject({ status: "rejected", key: "sync.gridReassigned" });
  });

  it("closes a campaign: its codes stop working, its grids can no longer change, and closing twice changes nothing", async () => {
    const [resident] = await database.db
      .select({ name: persons.name, idNumber: persons.idNumber, code: householdCodes.code })
      .from(persons)
      .innerJoin(
        householdCodes,
        and(eq(householdCodes.householdId, persons.householdId), eq(householdCodes.campaignId, campaignId)),
      )
      .where(isNull(persons.endedAt))
      .limit(1);
    const lookup = async () =>
      codeOf((await callerFor(database, { ip: freshIp() })).caller.check.lookup(resident));
    expect(await lookup()).toBe("OK");

    const before = await counts();
    expect(await admin.campaign.close({ id: campaignId })).toEqual({ changed: true });
    const [row] = await database.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(row.status).toBe("closed");
    expect(row.closedAt).toBeInstanceOf(Date);
    expect(await counts()).toEqual({ ...before, audit: before.audit + 1 });
    expect(await lookup()).toBe("NOT_FOUND");

    expect(await admin.campaign.close({ id: campaignId })).toEqual({ changed: false });
    expect(
      await refusal(admin.campaign.assign({ campaignId, gridId: own.gridId, officerId: officer1Id })),
    ).toBe("CONFLICT campaign.error.closed");
    expect(await refusal(admin.campaign.unassign({ campaignId, gridId: own.gridId }))).toBe(
      "CONFLICT campaign.error.closed",
    );
    expect(await counts()).toEqual({ ...before, audit: before.audit + 1 });
    const detail = await admin.campaign.get({ id: campaignId });
    expect(detail).toMatchObject({ status: "closed", canClose: false });
  });
});
