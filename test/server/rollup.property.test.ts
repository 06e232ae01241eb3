// Roll-ups (server/services/rollup.ts) on every database kind: after any sequence of pushes through the
// real sync.push, approvals and returns through review.decide, residents' disputes opened and handled,
// rooms imported through the real import and rooms ended, with refreshes (reads) anywhere between, the
// roll-ups equal a recount from scratch (persons ended too, for the register statistics):
//   - the completion counts of every grid, of all campaigns and of each, against a recount in
//     TypeScript off the raw rows by domain/counts.ts (latestVisit, roomCountState), the rule's spec;
//   - progress measures and days of every grid and campaign, against today's statements over the whole
//     street (progress.ts scopeCtes + gridMeasuresCte, and the days statement as it was before roll-ups);
//   - register statistics of every grid against export.ts statisticsStatements over the whole street;
//   - the per-area sums (completion, register figures) against their grids' rows summed afresh;
//   - and the tables as kept incrementally equal those rebuilt with every grid marked stale.
// The street is seeded once per database kind and the runs build on each other's history.
// Deterministic by default; FC_SEED and FC_RUNS override, e.g.
//   FC_SEED=7 FC_RUNS=60 npx vitest run test/server/rollup.property.test.ts

import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rowsOf } from "@/db/client";
import {
  areas,
  assignments,
  buildings,
  campaignAreas,
  campaigns,
  campaignTargets,
  households,
  persons,
  residentFeedback,
  rollupAreaCompletion,
  rollupAreaRegister,
  rollupCompletion,
  rollupDays,
  rollupProgress,
  rollupRegister,
  rooms,
  users,
  visits,
} from "@/db/schema";
import { latestVisit, roomCountState } from "@/domain/counts";
import { createTranslator } from "@/domain/i18n";
import { chinaDay } from "@/domain/progress";
import { statisticsStatements } from "@/server/services/export";
import { importFile } from "@/server/services/import";
import { gridMeasuresCte, scopeCtes } from "@/server/services/progress";
import { refreshRollups } from "@/server/services/rollup";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, seedSmallStreet } from "../support/fixture";
import { visitMutation } from "../support/push";

const SEED = Number(process.env.FC_SEED ?? 20_261_206);
const RUNS = Number(process.env.FC_RUNS ?? 20);
const OFFICERS = ["officer1", "officer2", "officer3"];
const OUTCOMES = ["verified", "no_answer", "refused", "vacant", "changed"];

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

type Action =
  | { kind: "push"; officer: number; room: number; outcome: string; campaign: number; at: number }
  | { kind: "decide"; pick: number; approve: boolean }
  | { kind: "dispute"; officer: number; household: number; campaign: number }
  | { kind: "handle"; pick: number }
  | { kind: "import"; officer: number; count: number }
  | { kind: "end"; officer: number; room: number }
  | { kind: "endPerson"; officer: number; person: number }
  | { kind: "target"; officer: number; person: number; withdraw: boolean }
  | { kind: "read" };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      officer: fc.nat(OFFICERS.length - 1),
      room: fc.nat(11),
      outcome: fc.constantFrom(...OUTCOMES),
      campaign: fc.nat(4),
      // Minutes apart, with ties to the second, so the latest visit's order (second, then id) matters.
      at: fc.nat(20),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("decide" as const), pick: fc.nat(), approve: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("dispute" as const),
      officer: fc.nat(OFFICERS.length - 1),
      household: fc.nat(7),
      campaign: fc.nat(3),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("handle" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("import" as const),
      officer: fc.nat(OFFICERS.length - 1),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("end" as const),
      officer: fc.nat(OFFICERS.length - 1),
      room: fc.nat(11),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("endPerson" as const),
      officer: fc.nat(OFFICERS.length - 1),
      person: fc.nat(20),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("target" as const),
      officer: fc.nat(OFFICERS.length - 1),
      person: fc.nat(20),
      withdraw: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "read" as const }) },
);

describe.each(databaseKinds)("roll-ups equal a recount from scratch (%s)", (kind) => {
  let database: Database & { close: () => Promise<void> };
  let admin: Caller;
  let dir: string;
  let importedNo = 0;
  /** What took effect, so the property is not passed by writes that all bounced. */
  const done = {
    pushed: 0,
    approved: 0,
    returned: 0,
    disputed: 0,
    handled: 0,
    imported: 0,
    ended: 0,
    endedPersons: 0,
    targeted: 0,
    withdrawn: 0,
  };
  /** A campaign of persons targeted (targets.ts), over the street, every officer's grid given out in it. */
  let targetedId: string;
  const officers: {
    caller: Caller;
    gridId: string;
    communityCode: string;
    buildingCode: string;
    unitNo: string | null;
    campaigns: string[];
  }[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-rollup-"));
    admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    const { db } = database;
    for (const username of OFFICERS) {
      const [user] = await db
        .select({ id: users.id, gridId: users.areaId, communityCode: sql<string>`c.code` })
        .from(users)
        .innerJoin(areas, eq(areas.id, users.areaId))
        .innerJoin(sql`areas c`, sql`c.id = ${areas.parentId}`)
        .where(eq(users.username, username));
      const [building] = await db
        .select({ code: buildings.code, id: buildings.id })
        .from(buildings)
        .where(and(eq(buildings.gridId, user.gridId), isNull(buildings.endedAt)))
        .orderBy(asc(buildings.code))
        .limit(1);
      const [room] = await db
        .select({ unitNo: rooms.unitNo })
        .from(rooms)
        .where(eq(rooms.buildingId, building.id))
        .limit(1);
      const campaignRows = await db
        .selectDistinct({ id: assignments.campaignId })
        .from(assignments)
        .where(and(eq(assignments.officerId, user.id), isNull(assignments.endedAt)))
        .orderBy(asc(assignments.campaignId));
      officers.push({
        caller: (await callerFor(database, { cookie: await loginAs(database, username) })).caller,
        gridId: user.gridId as string,
        communityCode: user.communityCode,
        buildingCode: building.code as string,
        unitNo: room?.unitNo ?? null,
        campaigns: campaignRows.map((c) => c.id),
      });
    }
    expect(officers.every((o) => o.campaigns.length > 0)).toBe(true);

    const [street] = await db.select({ id: areas.id }).from(areas).where(eq(areas.level, "street"));
    const [targeted] = await db
      .insert(campaigns)
      .values({ name: "60岁以上老人健康档案", startsOn: "2026-11-01", targetKind: "query" })
      .returning({ id: campaigns.id });
    targetedId = targeted.id;
    await db.insert(campaignAreas).values({ campaignId: targetedId, areaId: street.id });
    for (const [i, o] of officers.entries()) {
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.username, OFFICERS[i]));
      await db.insert(assignments).values({ campaignId: targetedId, gridId: o.gridId, officerId: user.id });
      o.campaigns.push(targetedId);
      // A few targets to start with (apply's "target" adds and withdraws more).
      for (let person = 0; person < 3; person++)
        await apply({ kind: "target", officer: i, person, withdraw: false });
    }
  }, 240_000);

  afterAll(async () => {
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const roomsOf = (gridId: string) =>
    database.db
      .select({ id: rooms.id })
      .from(rooms)
      .where(eq(rooms.gridId, gridId))
      .orderBy(asc(rooms.id))
      .limit(12);

  async function apply(a: Action) {
    const { db } = database;
    switch (a.kind) {
      case "push": {
        const o = officers[a.officer];
        const list = await roomsOf(o.gridId);
        const room = list[a.room % list.length];
        const minute = String(a.at).padStart(2, "0");
        const mutation = visitMutation({
          gridId: o.gridId,
          roomId: room.id,
          campaignId: o.campaigns[a.campaign % o.campaigns.length],
          outcome: a.outcome,
          visitedAt: `2026-11-${20 + (a.at % 3)}T23:${minute}:00+08:00`,
        });
        // Whatever the push answers (an ended room, say), the roll-ups must follow what it wrote.
        const { results } = await o.caller.sync.push({ deviceId: randomUUID(), mutations: [mutation] });
        if (results[0].status === "applied") done.pushed += 1;
        return;
      }
      case "decide": {
        const open = await db
          .select({ id: visits.id, version: visits.version })
          .from(visits)
          .where(eq(visits.reviewState, "submitted"))
          .orderBy(asc(visits.id));
        if (!open.length) return;
        const visit = open[a.pick % open.length];
        const { decided } = await admin.review.decide({
          visits: [visit],
          decision: a.approve ? "approve" : "return",
          comment: a.approve ? null : "再核一次",
        });
        if (a.approve) done.approved += decided;
        else done.returned += decided;
        return;
      }
      case "dispute": {
        const o = officers[a.officer];
        const list = await db
          .select({ id: households.id })
          .from(households)
          .where(and(eq(households.gridId, o.gridId), isNull(households.endedAt)))
          .orderBy(asc(households.id))
          .limit(8);
        if (!list.length) return;
        await db.insert(residentFeedback).values({
          campaignId: o.campaigns[a.campaign % o.campaigns.length],
          householdId: list[a.household % list.length].id,
          kind: "dispute",
          gridId: o.gridId,
          comment: "不对",
        });
        done.disputed += 1;
        return;
      }
      case "handle": {
        const open = await db
          .select({ id: residentFeedback.id })
          .from(residentFeedback)
          .where(isNull(residentFeedback.handledAt))
          .orderBy(asc(residentFeedback.id));
        if (!open.length) return;
        await db
          .update(residentFeedback)
          .set({ handledAt: new Date(), handledNote: "已处理" })
          .where(eq(residentFeedback.id, open[a.pick % open.length].id));
        done.handled += 1;
        return;
      }
      case "import": {
        const o = officers[a.officer];
        const lines = [["社区代码", "建筑物编码", "单元", "房号", "楼层", "房屋用途", "面积"]];
        for (let i = 0; i < a.count; i++) {
          importedNo += 1;
          lines.push([o.communityCode, o.buildingCode, o.unitNo ?? "", `R${importedNo}`, "9", "", ""]);
        }
        const file = path.join(dir, `rooms-${importedNo}.csv`);
        fs.writeFileSync(file, `${lines.map((l) => l.join(",")).join("\r\n")}\r\n`);
        const report = await importFile(db, {
          kind: "rooms",
          file,
          translate: createTranslator("zh-CN"),
          rejectedPath: `${file}.rejected.csv`,
        });
        expect(report.inserted, JSON.stringify(report.errors)).toBe(a.count);
        done.imported += a.count;
        return;
      }
      case "end": {
        const list = await roomsOf(officers[a.officer].gridId);
        await db
          .update(rooms)
          .set({ endedAt: new Date() })
          .where(eq(rooms.id, list[a.room % list.length].id));
        done.ended += 1;
        return;
      }
      case "endPerson": {
        const list = await db
          .select({ id: persons.id })
          .from(persons)
          .where(and(eq(persons.gridId, officers[a.officer].gridId), isNull(persons.endedAt)))
          .orderBy(asc(persons.id))
          .limit(21);
        if (!list.length) return;
        await db
          .update(persons)
          .set({ endedAt: new Date() })
          .where(eq(persons.id, list[a.person % list.length].id));
        done.endedPersons += 1;
        return;
      }
      case "target": {
        const o = officers[a.officer];
        if (a.withdraw) {
          const open = await db
            .select({ id: campaignTargets.id })
            .from(campaignTargets)
            .where(and(eq(campaignTargets.campaignId, targetedId), eq(campaignTargets.state, "open")))
            .orderBy(asc(campaignTargets.id));
          if (!open.length) return;
          await db
            .update(campaignTargets)
            .set({ state: "withdrawn", endedAt: new Date() })
            .where(eq(campaignTargets.id, open[a.person % open.length].id));
          done.withdrawn += 1;
          return;
        }
        // A person of the grid at their room, as a query's target is made (or made open again).
        const list = rowsOf<{ id: string; room_id: string }>(
          await db.execute(sql`
            select p.id, r.id as room_id from persons p left join households h on h.id = p.household_id
            join rooms r on r.id = coalesce(p.room_id, h.room_id)
            where p.grid_id = ${o.gridId} order by p.id limit 21`),
        );
        if (!list.length) return;
        const person = list[a.person % list.length];
        await db
          .insert(campaignTargets)
          .values({
            campaignId: targetedId,
            subjectKind: "person",
            subjectId: person.id,
            roomId: person.room_id,
            gridId: o.gridId,
          })
          .onConflictDoUpdate({
            target: [campaignTargets.campaignId, campaignTargets.subjectKind, campaignTargets.subjectId],
            set: { state: "open", endedAt: null },
          });
        done.targeted += 1;
        return;
      }
      case "read":
        await refreshRollups(db);
        return;
    }
  }

  type Counts = Record<string, number>;
  const completionKeys = ["rooms", "visited", "checked", "approved", "returned", "revisit", "conflicts"];

  /** The completion counts of every grid, of all campaigns ('') and of each, off the raw rows in TypeScript. */
  async function recountCompletion(campaignIds: string[], targetedIds: Set<string>) {
    const { db } = database;
    const roomRows = rowsOf<{ id: string; grid_id: string }>(
      await db.execute(sql`
        select r.id, b.grid_id from rooms r join buildings b on b.id = r.building_id
        where r.ended_at is null and b.ended_at is null`),
    );
    const visitRows = await db
      .select({
        id: visits.id,
        roomId: visits.roomId,
        campaignId: visits.campaignId,
        outcome: visits.outcome,
        reviewState: visits.reviewState,
        visitedAt: visits.visitedAt,
      })
      .from(visits);
    const conflicted = new Set(
      rowsOf<{ visit_id: string }>(
        await db.execute(sql`select distinct visit_id from changes where status = 'conflict'`),
      ).map((r) => r.visit_id),
    );
    const disputes = rowsOf<{ room_id: string; campaign_id: string; at: Date }>(
      await db.execute(sql`
        select h.room_id, f.campaign_id, f.created_at as at from resident_feedback f
        join households h on h.id = f.household_id
        where f.kind = 'dispute' and f.handled_at is null`),
    );
    const grids = rowsOf<{ id: string }>(await db.execute(sql`select id from areas where level = 'grid'`));
    const openTargets = await db
      .select({ campaignId: campaignTargets.campaignId, roomId: campaignTargets.roomId })
      .from(campaignTargets)
      .where(eq(campaignTargets.state, "open"));
    const out = new Map<string, Counts>();
    for (const key of ["", ...campaignIds]) {
      for (const g of grids) out.set(`${g.id}|${key}`, Object.fromEntries(completionKeys.map((k) => [k, 0])));
      // A targeted campaign counts each open target at a live room, in its room's state (countTargets).
      const counted = targetedIds.has(key)
        ? openTargets
            .filter((t) => t.campaignId === key)
            .flatMap((t) => roomRows.filter((r) => r.id === t.roomId))
        : roomRows;
      for (const room of counted) {
        const counted = visitRows.filter((v) => v.roomId === room.id && (!key || v.campaignId === key));
        const latest = latestVisit(counted);
        const disputedAt = disputes
          .filter((d) => d.room_id === room.id && (!key || d.campaign_id === key))
          .map((d) => new Date(d.at))
          .sort((x, y) => y.getTime() - x.getTime())[0];
        const state = roomCountState(latest, disputedAt ?? null);
        const c = out.get(`${room.grid_id}|${key}`) as Counts;
        c.rooms += 1;
        if (latest) c.visited += 1;
        if (state === "checked") c.checked += 1;
        if (state === "checked" && latest?.reviewState === "approved") c.approved += 1;
        if (state === "returned") c.returned += 1;
        if (state === "revisit") c.revisit += 1;
        if (state !== "todo" && counted.some((v) => conflicted.has(v.id))) c.conflicts += 1;
      }
    }
    return out;
  }

  async function expectRollupsEqualRecount(rebuild: boolean) {
    const { db } = database;
    const campaignIds = rowsOf<{ id: string }>(
      await db.execute(sql`select id from campaigns order by id`),
    ).map((r) => r.id);
    const targetedIds = new Set(
      rowsOf<{ id: string }>(
        await db.execute(sql`select id from campaigns where target_kind <> 'every_door'`),
      ).map((r) => r.id),
    );
    expect([...targetedIds]).toEqual([targetedId]);
    const stored = await db.select().from(rollupCompletion);
    const byKey = new Map(stored.map((r) => [`${r.gridId}|${r.campaignKey}`, r]));
    const expected = await recountCompletion(campaignIds, targetedIds);
    for (const [key, want] of expected) {
      const [gridId, campaign] = key.split("|");
      const own = byKey.get(key);
      const all = byKey.get(`${gridId}|`);
      const got = own
        ? Object.fromEntries(completionKeys.map((k) => [k, own[k as keyof typeof own]]))
        : {
            ...Object.fromEntries(completionKeys.map((k) => [k, 0])),
            // A targeted campaign without a row of a grid has no target there (rollup.ts).
            rooms: targetedIds.has(campaign) ? 0 : (all?.rooms ?? 0),
          };
      expect(got, `completion of grid ${gridId}, campaign '${campaign}'`).toEqual(want);
    }

    // Every grid has its row of all campaigns (zeros in a grid of nothing: the map shows an area by it),
    // and every area above a grid the sums of its grids' rows per campaign key (a row at zero reads as
    // none), which the district's and city's maps read.
    const grids = rowsOf<{ id: string }>(await db.execute(sql`select id from areas where level = 'grid'`));
    for (const g of grids) expect(byKey.has(`${g.id}|`), `row '' of grid ${g.id}`).toBe(true);
    const nonZero = (rows: Record<string, unknown>[]) =>
      rows
        .filter((r) => completionKeys.some((k) => Number(r[k]) !== 0))
        .map((r) => JSON.stringify([r.area_id, r.campaign_key, ...completionKeys.map((k) => Number(r[k]))]))
        .sort();
    const areaSums = rowsOf<Record<string, unknown>>(
      await db.execute(sql`
        select a.id as area_id, rc.campaign_key, ${sql.raw(completionKeys.map((k) => `sum(rc.${k})::int as ${k}`).join(", "))}
        from areas a join areas g on g.level = 'grid' and g.id <> a.id and starts_with(g.path, a.path)
          join rollup_completion rc on rc.grid_id = g.id
        group by a.id, rc.campaign_key`),
    );
    const areaKept = rowsOf<Record<string, unknown>>(
      await db.execute(sql`select * from rollup_area_completion`),
    );
    expect(nonZero(areaKept), "completion sums of the areas").toEqual(nonZero(areaSums));

    // Progress: today's statements over every grid of the street, per campaign.
    const progressKeys = [
      "assigned",
      "visited",
      "checked",
      "approved",
      "returned",
      "revisitsDue",
      "toEscalate",
    ];
    const storedProgress = await db.select().from(rollupProgress);
    const progressOf = new Map(storedProgress.map((r) => [`${r.gridId}|${r.campaignKey}`, r]));
    const storedDays = await db.select().from(rollupDays);
    for (const campaignId of campaignIds) {
      const want = rowsOf<Counts & { grid_id: string }>(
        await db.execute(sql`
          ${scopeCtes(campaignId, sql`select id from areas where level = 'grid'`, targetedIds.has(campaignId))},
          ${gridMeasuresCte(targetedIds.has(campaignId))}
          select * from grid_measures`),
      );
      for (const row of want) {
        const own = progressOf.get(`${row.grid_id}|${campaignId}`);
        const base = progressOf.get(`${row.grid_id}|`);
        const got = own
          ? {
              assigned: own.assigned,
              visited: own.visited,
              checked: own.checked,
              approved: own.approved,
              returned: own.returned,
              revisitsDue: own.revisitDue,
              toEscalate: own.toEscalate,
            }
          : {
              ...Object.fromEntries(progressKeys.map((k) => [k, 0])),
              assigned: targetedIds.has(campaignId) ? 0 : (base?.assigned ?? 0),
            };
        expect(got, `progress of grid ${row.grid_id}, campaign ${campaignId}`).toEqual(
          Object.fromEntries(progressKeys.map((k) => [k, Number(row[k])])),
        );
      }
      // Days as progress.ts counted them off the visits before roll-ups, summed over the street; a
      // targeted campaign's first visits are its open targets' (each on its room's first day).
      const days = rowsOf<{ day: string; visits: number; firstVisits: number }>(
        await db.execute(sql`
          with visit_days as (
            select v.room_id, ((v.visited_at at time zone 'UTC') + interval '8 hours')::date as day
            from rooms r join visits v on v.room_id = r.id where v.campaign_id = ${campaignId}
          ),
          firsts as (select room_id, min(day) as day from visit_days group by room_id)
          select to_char(u.day, 'YYYY-MM-DD') as "day", sum(u.visits)::int as "visits",
            sum(u.first_visits)::int as "firstVisits"
          from (
            select day, 1 as visits, 0 as first_visits from visit_days
            union all
            ${
              targetedIds.has(campaignId)
                ? sql`select f.day, 0, 1 from campaign_targets t join firsts f on f.room_id = t.room_id
                    where t.campaign_id = ${campaignId} and t.state = 'open'`
                : sql`select day, 0, 1 from firsts`
            }
          ) u group by u.day order by u.day`),
      );
      const summed = new Map<string, { visits: number; firstVisits: number }>();
      for (const d of storedDays.filter((x) => x.campaignId === campaignId)) {
        const held = summed.get(d.day) ?? { visits: 0, firstVisits: 0 };
        summed.set(d.day, { visits: held.visits + d.visits, firstVisits: held.firstVisits + d.firstVisits });
      }
      expect(
        [...summed].sort(([a], [b]) => a.localeCompare(b)).map(([day, n]) => ({ day, ...n })),
        `days of campaign ${campaignId}`,
      ).toEqual(
        days.map((d) => ({ day: d.day, visits: Number(d.visits), firstVisits: Number(d.firstVisits) })),
      );
    }

    // Register statistics: today's statements over every grid of the street, rows compared per grid
    // (in any order but the industries', which the export lists in the statement's order).
    const today = chinaDay(new Date());
    const fresh = new Map<string, Record<string, unknown[]>>();
    for (const [name, statement] of Object.entries(
      statisticsStatements(sql`with sg as (select id from areas where level = 'grid')`, today),
    )) {
      for (const { gridId, ...row } of rowsOf<{ gridId: string } & Record<string, unknown>>(
        await db.execute(statement),
      )) {
        const held = fresh.get(gridId) ?? {};
        held[name] = [...(held[name] ?? []), row];
        fresh.set(gridId, held);
      }
    }
    const normal = (name: string, list: unknown[] | undefined) => {
      // jsonb keeps its own key order: compare the rows with their keys sorted.
      const rows = (list ?? []).map((row) =>
        JSON.stringify(Object.entries(row as object).sort(([a], [b]) => a.localeCompare(b))),
      );
      return name === "industries" ? rows : rows.sort();
    };
    for (const r of await db.select().from(rollupRegister)) {
      expect(r.asOf).toBe(today);
      for (const name of ["persons", "households", "units", "industries", "rentals"] as const) {
        expect(normal(name, r[name] as unknown[]), `${name} of grid ${r.gridId}`).toEqual(
          normal(name, fresh.get(r.gridId)?.[name]),
        );
      }
      fresh.delete(r.gridId);
    }
    expect([...fresh.keys()], "grids with statistics but no roll-up").toEqual([]);

    // The register area view's figures of every area (grid or above): its active households and
    // persons, counted under it afresh (an area without a row has none).
    const areaFigures = rowsOf<{ id: string; households: number; persons: number }>(
      await db.execute(sql`
        select a.id,
          (select count(*)::int from households h join areas g on g.id = h.grid_id
            where h.ended_at is null and g.level = 'grid' and starts_with(g.path, a.path)) as households,
          (select count(*)::int from persons p join areas g on g.id = p.grid_id
            where p.ended_at is null and g.level = 'grid' and starts_with(g.path, a.path)) as persons
        from areas a order by a.id`),
    );
    const storedFigures = new Map((await db.select().from(rollupAreaRegister)).map((r) => [r.areaId, r]));
    for (const { id, households, persons } of areaFigures) {
      const kept = storedFigures.get(id);
      expect(
        { households: kept?.households ?? 0, persons: kept?.persons ?? 0 },
        `register figures of area ${id}`,
      ).toEqual({ households, persons });
    }

    if (!rebuild) return;
    // Kept incrementally = rebuilt from nothing.
    const snapshot = async () => ({
      completion: (await db.select().from(rollupCompletion)).map((r) => JSON.stringify(r)).sort(),
      progress: (await db.select().from(rollupProgress)).map((r) => JSON.stringify(r)).sort(),
      days: (await db.select().from(rollupDays)).map((r) => JSON.stringify(r)).sort(),
      register: (await db.select().from(rollupRegister))
        .map((r) =>
          JSON.stringify({
            ...r,
            persons: normal("persons", r.persons as unknown[]),
            households: normal("households", r.households as unknown[]),
            units: normal("units", r.units as unknown[]),
            rentals: normal("rentals", r.rentals as unknown[]),
          }),
        )
        .sort(),
      areaRegister: (await db.select().from(rollupAreaRegister)).map((r) => JSON.stringify(r)).sort(),
      areaCompletion: (await db.select().from(rollupAreaCompletion)).map((r) => JSON.stringify(r)).sort(),
    });
    const kept = await snapshot();
    await db.execute(sql`insert into rollup_dirty (grid_id) select id from areas where level = 'grid'`);
    await refreshRollups(db);
    expect(await snapshot()).toEqual(kept);
  }

  it("after random pushes, approvals, returns, disputes, imports and ended rooms", async () => {
    await refreshRollups(database.db);
    await expectRollupsEqualRecount(true);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 8 }), async (actions) => {
        // Read after every write, so a write that left its grid unmarked shows before another marks it.
        for (const a of actions) {
          await apply(a);
          await refreshRollups(database.db);
          await expectRollupsEqualRecount(false);
        }
        await expectRollupsEqualRecount(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    for (const [what, n] of Object.entries(done)) expect(n, what).toBeGreaterThan(0);
  }, 600_000);
});
