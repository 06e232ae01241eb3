import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rowsOf } from "@/db/client";
import { areas, campaigns, campaignTargets, householdCodes, persons, users, visits } from "@/db/schema";
import type { PullResponse } from "@/domain/pull";
import { type TargetQuery, targetQuery } from "@/domain/targets";
import { decodePullRows } from "@/domain/wire";
import type { SessionUser } from "@/server/services/auth";
import { createCampaign } from "@/server/services/campaigns";
import { previewRerun, previewTargets, rerunTargets } from "@/server/services/targets";
import { databaseKinds, openTestDatabase, settle } from "../support/db";
import { addAdmin, callerFor, codeOf, loginAs, seedSmallStreet, sessionOf } from "../support/fixture";

/** Someone's age in whole years on a day, as PostgreSQL's own age() reckons it: the test's yardstick. */
const ageOn = (day: string) => sql.raw(`date_part('year', age('${day}'::date, p.birth_date))`);

const persons60 = (ageAt: string | null): TargetQuery =>
  targetQuery.parse({ subject: "person", ageMin: 60, ageAt });

describe.each(databaseKinds)("register-query targets, on %s", (kind) => {
  let database: Database;
  let admin: SessionUser;
  let communities: { id: string; path: string; name: string }[];
  let street: { id: string; path: string };
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    admin = await sessionOf(database, "admin");
    communities = await database.db
      .select({ id: areas.id, path: areas.path, name: areas.name })
      .from(areas)
      .where(eq(areas.level, "community"))
      .orderBy(areas.path);
    [street] = await database.db
      .select({ id: areas.id, path: areas.path })
      .from(areas)
      .where(eq(areas.level, "street"));
  }, 120_000);
  afterAll(() => database?.close());

  /** Persons aged ≥ 60 on `day` living at a room under `path`, per grid: counted without the service. */
  async function directPersons60(path: string, day: string) {
    return rowsOf<{ gridId: string; count: number }>(
      await database.db.execute(sql`
        select p.grid_id as "gridId", count(*)::int as count
        from persons p join areas g on g.id = p.grid_id
        where p.ended_at is null and starts_with(g.path, ${path})
          and coalesce(p.room_id, (select h.room_id from households h where h.id = p.household_id)) is not null
          and ${ageOn(day)} >= 60
        group by p.grid_id order by p.grid_id`),
    );
  }

  it("previews the persons aged 60 and over of a street: total and per grid as a direct count, rows masked", async () => {
    const preview = await previewTargets(
      database.db,
      admin,
      { areaIds: [street.id], query: persons60("2026-12-31") },
      { now: new Date("2026-12-06T08:00:00Z") },
    );
    const direct = await directPersons60(street.path, "2026-12-31");
    expect(direct.length).toBeGreaterThan(1);
    expect(preview.total).toBe(direct.reduce((sum, row) => sum + row.count, 0));
    expect(
      preview.grids
        .map((g) => ({ gridId: g.gridId, count: g.count }))
        .sort((a, b) => (a.gridId < b.gridId ? -1 : 1)),
    ).toEqual(direct);
    // Per community: the grids' counts added up, one line a community with matches.
    expect(preview.communities.reduce((sum, c) => sum + c.count, 0)).toBe(preview.total);
    expect(preview.communities.length).toBeGreaterThan(1);
    expect(preview.sample.length).toBe(Math.min(10, preview.total));
    const names = new Set(
      (await database.db.select({ name: persons.name, idNumber: persons.idNumber }).from(persons)).flatMap(
        (p) => [p.name, p.idNumber],
      ),
    );
    for (const row of preview.sample) {
      expect(names.has(row.label)).toBe(false);
      expect(names.has(row.detail)).toBe(false);
      expect(row.label).toContain("*");
      expect(row.detail).toMatch(/^\d{3}\*+\d{3}[\dX]$/);
    }
  });

  it("previews households by low income and size as a direct count does", async () => {
    const query = targetQuery.parse({ subject: "household", lowIncome: false, sizeMin: 3 });
    const preview = await previewTargets(
      database.db,
      admin,
      { areaIds: communities.map((c) => c.id), query },
      { now: new Date() },
    );
    const [direct] = rowsOf<{ count: number }>(
      await database.db.execute(sql`
        select count(*)::int as count from households h
        where h.ended_at is null and not h.low_income
          and (select count(*) from persons m where m.household_id = h.id and m.ended_at is null) >= 3`),
    );
    expect(direct.count).toBeGreaterThan(0);
    expect(preview.total).toBe(direct.count);
  });

  it("creates the campaign and its targets in one transaction, and none of either when the targets fail", async () => {
    const community = communities[1];
    const input = {
      name: "60岁以上老人健康档案",
      startsOn: "2026-12-01",
      endsOn: null,
      areaIds: [community.id],
      autoApprove: false,
      target: { kind: "query" as const, query: persons60("2026-12-31") },
    };
    const created = await createCampaign(database.db, admin, input, { now: new Date() });
    const direct = await directPersons60(community.path, "2026-12-31");
    const total = direct.reduce((sum, row) => sum + row.count, 0);
    expect(created.targets).toBe(total);
    const rows = await database.db
      .select({
        gridId: campaignTargets.gridId,
        subjectKind: campaignTargets.subjectKind,
        state: campaignTargets.state,
      })
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, created.id));
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((row) => row.subjectKind))).toEqual(new Set(["person"]));
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(["open"]));
    expect(new Set(rows.map((row) => row.gridId))).toEqual(new Set(direct.map((row) => row.gridId)));

    // A failure while the targets are written (a trigger refusing them) leaves no campaign, no codes.
    await database.db.execute(
      sql.raw(`create function refuse_target() returns trigger as $$
      begin raise exception 'refused'; end; $$ language plpgsql`),
    );
    await database.db.execute(
      sql.raw(
        "create trigger refuse_target before insert on campaign_targets for each row execute function refuse_target()",
      ),
    );
    try {
      const before = await database.db.select({ id: householdCodes.id }).from(householdCodes);
      await expect(
        createCampaign(database.db, admin, { ...input, name: "不应留下" }, { now: new Date() }),
      ).rejects.toThrow();
      expect(await database.db.select().from(campaigns).where(eq(campaigns.name, "不应留下"))).toEqual([]);
      expect(await database.db.select({ id: householdCodes.id }).from(householdCodes)).toHaveLength(
        before.length,
      );
    } finally {
      await database.db.execute(sql.raw("drop trigger refuse_target on campaign_targets"));
      await database.db.execute(sql.raw("drop function refuse_target()"));
    }
  });

  it("a re-run adds who turned 60 since, withdraws the unvisited who no longer match, never a visited target", async () => {
    const community = street;
    const first = new Date("2026-06-01T04:00:00Z");
    const later = new Date("2027-06-01T04:00:00Z");
    const created = await createCampaign(
      database.db,
      admin,
      {
        name: "年满60岁走访",
        startsOn: "2026-06-01",
        endsOn: null,
        areaIds: [street.id],
        autoApprove: false,
        // No reference day: ages are reckoned on the day of each run.
        target: { kind: "query", query: persons60(null) },
      },
      { now: first },
    );
    const atFirst = (await directPersons60(community.path, "2026-06-01")).reduce((s, r) => s + r.count, 0);
    expect(created.targets).toBe(atFirst);

    // Two targets stop matching (their persons ended): one has a visit at its room, one does not.
    const held = await database.db
      .select({
        id: campaignTargets.id,
        subjectId: campaignTargets.subjectId,
        roomId: campaignTargets.roomId,
        gridId: campaignTargets.gridId,
      })
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, created.id))
      .orderBy(campaignTargets.id);
    const visited = held[0];
    const unvisited = held.find((t) => t.roomId !== visited.roomId) as (typeof held)[number];
    const [officer] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, "officer1"));
    await database.db.insert(visits).values({
      id: randomUUID(),
      campaignId: created.id,
      gridId: visited.gridId,
      roomId: visited.roomId,
      subjectType: "room",
      officerId: officer.id,
      outcome: "verified",
      visitedAt: first,
    });
    await database.db
      .update(persons)
      .set({ endedAt: first, endReason: "deceased" })
      .where(sql`${persons.id} = any(${sql.param([visited.subjectId, unvisited.subjectId])}::uuid[])`);

    const atLater = (await directPersons60(community.path, "2027-06-01")).reduce((s, r) => s + r.count, 0);
    // Who turned 60 between the runs, counted without the service (the two ended persons were 60 already).
    const turned = atLater - (atFirst - 2);
    expect(turned).toBeGreaterThan(0);

    const preview = await previewRerun(database.db, admin, created.id, { now: later });
    expect(preview.total).toBe(turned);
    expect(preview.withdrawn).toBe(1);
    expect(preview.held).toBe(atFirst);

    const result = await rerunTargets(database.db, admin, created.id, { now: later });
    expect(result).toEqual({ added: turned, withdrawn: 1 });
    const states = new Map(
      (
        await database.db
          .select({ id: campaignTargets.id, state: campaignTargets.state })
          .from(campaignTargets)
          .where(eq(campaignTargets.campaignId, created.id))
      ).map((row) => [row.id, row.state]),
    );
    expect(states.get(visited.id)).toBe("open");
    expect(states.get(unvisited.id)).toBe("withdrawn");
    expect([...states.values()].filter((s) => s === "open")).toHaveLength(atFirst - 1 + turned);

    // Run again at once: nothing new, nothing withdrawn, the visited target still there.
    expect(await rerunTargets(database.db, admin, created.id, { now: later })).toEqual({
      added: 0,
      withdrawn: 0,
    });
    const [kept] = await database.db
      .select({ state: campaignTargets.state })
      .from(campaignTargets)
      .where(and(eq(campaignTargets.id, visited.id)));
    expect(kept.state).toBe("open");

    // The withdrawn person back on the register (the end was an error): the next run opens the same
    // target again, and only it.
    await database.db
      .update(persons)
      .set({ endedAt: null, endReason: null })
      .where(eq(persons.id, unvisited.subjectId));
    expect(await rerunTargets(database.db, admin, created.id, { now: later })).toEqual({
      added: 1,
      withdrawn: 0,
    });
    const reopened = await database.db
      .select({ id: campaignTargets.id, state: campaignTargets.state, endedAt: campaignTargets.endedAt })
      .from(campaignTargets)
      .where(
        and(eq(campaignTargets.campaignId, created.id), eq(campaignTargets.subjectId, unvisited.subjectId)),
      );
    expect(reopened).toEqual([{ id: unvisited.id, state: "open", endedAt: null }]);
    const [{ open }] = rowsOf<{ open: number }>(
      await database.db.execute(
        sql`select count(*)::int as open from campaign_targets where campaign_id = ${created.id} and state = 'open'`,
      ),
    );
    expect(open).toBe(atFirst + turned);
  });

  it("an officer's pull carries exactly the open targets of their grid, and says the campaign is targeted", async () => {
    const adminCaller = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    const { id } = await adminCaller.campaign.create({
      name: "老人健康档案（拉取）",
      startsOn: "2026-12-01",
      areaIds: [street.id],
      target: { kind: "query", query: { subject: "person", ageMin: 60, ageAt: "2026-12-31" } },
    });
    const [officer] = await database.db
      .select({ id: users.id, gridId: users.areaId })
      .from(users)
      .where(eq(users.username, "officer3"));
    await adminCaller.campaign.assign({ campaignId: id, gridId: officer.gridId, officerId: officer.id });
    await settle(database.db);
    const caller = (await callerFor(database, { cookie: await loginAs(database, "officer3") })).caller;
    const pulled: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    let targeted: boolean | undefined;
    for (;;) {
      const page: PullResponse = await caller.sync.pull({ cursor, campaignId: id, deviceId: randomUUID() });
      pulled.push(...(decodePullRows(page.format, page.rows).campaignTargets ?? []));
      targeted = page.targeted;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(targeted).toBe(true);
    const [grid] = await database.db
      .select({ path: areas.path })
      .from(areas)
      .where(eq(areas.id, officer.gridId));
    const direct = (await directPersons60(grid.path, "2026-12-31")).reduce((sum, row) => sum + row.count, 0);
    expect(direct).toBeGreaterThan(0);
    expect(pulled).toHaveLength(direct);
    expect(new Set(pulled.map((row) => row.gridId))).toEqual(new Set([officer.gridId]));
    expect(new Set(pulled.map((row) => row.campaignId))).toEqual(new Set([id]));
    // Every target names a person of the grid at a room the same pull carries.
    const personIds = new Set(
      (
        await database.db.select({ id: persons.id }).from(persons).where(eq(persons.gridId, officer.gridId))
      ).map((p) => p.id),
    );
    for (const row of pulled) expect(personIds.has(String(row.subjectId))).toBe(true);
    await adminCaller.campaign.close({ id });
  });

  it("refuses a supervisor everywhere, and an administrator of one community another's areas and campaign", async () => {
    const [a, b] = communities;
    await addAdmin(database, "admin-a", a.id);
    const adminA = (await callerFor(database, { cookie: await loginAs(database, "admin-a") })).caller;
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const query = { subject: "person", ageMin: 60 } as const;
    expect(await codeOf(adminA.campaign.previewTargets({ areaIds: [b.id], query }))).toBe("NOT_FOUND");
    expect(await codeOf(adminA.campaign.previewTargets({ areaIds: [a.id, b.id], query }))).toBe("NOT_FOUND");
    expect(await codeOf(adminA.campaign.previewTargets({ areaIds: [a.id], query }))).toBe("OK");
    expect(await codeOf(supervisor.campaign.previewTargets({ areaIds: [a.id], query }))).toBe("FORBIDDEN");
    const before = await database.db.select({ id: campaigns.id }).from(campaigns);
    expect(
      await codeOf(
        adminA.campaign.create({
          name: "越权",
          startsOn: "2026-12-01",
          areaIds: [b.id],
          target: { kind: "query", query },
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(await database.db.select({ id: campaigns.id }).from(campaigns)).toHaveLength(before.length);
    const [other] = await database.db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(eq(campaigns.name, "60岁以上老人健康档案"));
    expect(await codeOf(adminA.campaign.previewRerun({ campaignId: other.id }))).toBe("NOT_FOUND");
    expect(await codeOf(adminA.campaign.rerunTargets({ campaignId: other.id }))).toBe("NOT_FOUND");
    expect(await codeOf(supervisor.campaign.rerunTargets({ campaignId: other.id }))).toBe("FORBIDDEN");
  });
});
