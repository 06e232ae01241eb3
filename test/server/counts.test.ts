// One definition of each count (domain/counts.ts), on both databases: one fixture of visits and
// disputes in one grid, counted by the phone (gridCounts and attemptNumbers, on the rows the phone
// holds after a real pull into its IndexedDB store), by progress, by the map and by the exports,
// gives the same numbers — the numbers written here by hand from the fixture.
import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as progressRoute } from "@/app/api/export/progress/route";
import { GET as resultsRoute } from "@/app/api/export/results/route";
import { pullAll } from "@/app/field/_lib/pull";
import { readAll } from "@/app/field/_lib/store";
import { households, residentFeedback, rooms, users, visits } from "@/db/schema";
import { decodeCompletion } from "@/domain/completion";
import { attemptNumbers, roomsToEscalate } from "@/domain/counts";
import {
  gridCounts,
  type WorkFeedback,
  type WorkHousehold,
  type WorkRoom,
  type WorkVisit,
} from "@/domain/worklist";
import { databaseKinds, openTestDatabase, settle, type TestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { visitMutation } from "../support/push";
import { openUnlockedDb } from "../support/unlocked";

/**
 * The fixture, room by room (times in China, November 2026), and what each room counts as:
 *
 *   R1  verified, approved                              checked, approved   visited
 *   R2  verified                                        checked             visited
 *   R3  no answer                                       revisit             visited
 *   R4  no answer, then verified the next day           checked             visited   attempts 1, 2
 *   R5  verified, returned by the supervisor            returned            visited
 *   R6  refused, revisit date far ahead                 revisit             visited
 *   R7  verified, then a resident's dispute             revisit             visited
 *   R8  a resident's dispute, no visit                  revisit
 *   R9  no answer on one phone, verified on another,    checked             visited   attempts 1, 2
 *       both phones saying "call 1"
 *   R10 no answer, approved by the supervisor           revisit             visited
 *   R11 verified at 10:00:00.2 and no answer at         checked             visited   attempts 1, 2
 *       10:00:00.7 (one second: the greater id is latest,
 *       and that is the verification)
 *   R12 no answer at 09:00, 09:30, 10:30 and 11:10     revisit             visited   attempts 1, 1, 1, 2
 *       (one call: two hours from the call's first
 *       knock, not from the last, so 11:10 is call 2)
 *   R13 no answer at 09:00 and 12:00 (3 h apart)        revisit             visited   attempts 1, 2
 *   R14 no answer, refused, no answer on three days     revisit, escalate   visited   attempts 1, 2, 3
 *   every other room of the grid                        todo
 *
 * To escalate (three calls without contact in a row): R14 only — R12 and R13 made two calls each, R3,
 * R6 and R10 one.
 */
const EXPECTED = { visited: 13, checked: 5, approved: 1, revisitDue: 8, returned: 1 };
const ESCALATE = 1;

/** Visits by name and their 上门次数, as the fixture says. */
const ATTEMPTS: [string, number][] = [
  ["r12a", 1],
  ["r12b", 1],
  ["r12c", 1],
  ["r12d", 2],
  ["r13a", 1],
  ["r13b", 2],
  ["r14a", 1],
  ["r14b", 2],
  ["r14c", 3],
];

const at = (day: number, time = "10:00:00") => `2026-11-${String(day).padStart(2, "0")}T${time}+08:00`;

describe.each(databaseKinds)("one definition of each count, on %s", (kind) => {
  let database: TestDatabase;
  let campaignId: string;
  let gridId: string;
  let gridRooms: string[];
  let supervisorCookie: string;
  let officer1: Awaited<ReturnType<typeof callerFor>>["caller"];
  let officerId: string;
  /** Visit ids by what they are, for the attempts. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const { db } = database;
    campaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    officerId = (await db.select({ id: users.id }).from(users).where(eq(users.username, "officer1")))[0].id;

    // Rooms with a household, in a fixed order: R1 … R14.
    const withHousehold = await db
      .selectDistinct({ id: rooms.id, householdId: households.id })
      .from(rooms)
      .innerJoin(households, eq(households.roomId, rooms.id))
      .where(eq(rooms.gridId, gridId))
      .orderBy(asc(rooms.id), asc(households.id));
    const householdOf = new Map<string, string>();
    for (const row of withHousehold) if (!householdOf.has(row.id)) householdOf.set(row.id, row.householdId);
    const R = [...householdOf.keys()].slice(0, 14);
    expect(R, "officer1's grid has fourteen rooms with a household").toHaveLength(14);
    gridRooms = (await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.gridId, gridId))).map(
      (r) => r.id,
    );

    const visit = (room: number, outcome: string, visitedAt: string, id = randomUUID()) => {
      const m = visitMutation({ gridId, roomId: R[room - 1], outcome, visitedAt, campaignId }, id);
      if (outcome === "no_answer" || outcome === "refused")
        m.payload.visit.revisitDue = visitedAt.slice(0, 10);
      return m;
    };
    const r1 = visit(1, "verified", at(20));
    const r2 = visit(2, "verified", at(20));
    const r3 = visit(3, "no_answer", at(20));
    const r4a = visit(4, "no_answer", at(20));
    const r4b = visit(4, "verified", at(21));
    const r5 = visit(5, "verified", at(20));
    const r6 = visit(6, "refused", at(20));
    r6.payload.visit.revisitDue = "2099-01-01";
    const r7 = visit(7, "verified", at(20));
    const r9a = visit(9, "no_answer", at(20));
    const r10 = visit(10, "no_answer", at(20));
    // One second, two calls: the verification has the greater id, so it is the latest.
    const r11a = visit(11, "verified", at(22, "10:00:00.200"), "ffffffff-0000-4000-8000-000000000011");
    const r11b = visit(11, "no_answer", at(22, "10:00:00.700"), "00000000-0000-4000-8000-000000000011");
    // No answers in one round and across the day; refusals and no answers over three days.
    const r12 = ["09:00:00", "09:30:00", "10:30:00", "11:10:00"].map((time) =>
      visit(12, "no_answer", at(24, time)),
    );
    const r13 = ["09:00:00", "12:00:00"].map((time) => visit(13, "no_answer", at(25, time)));
    const r14 = [
      visit(14, "no_answer", at(26)),
      visit(14, "refused", at(27)),
      visit(14, "no_answer", at(28)),
    ];
    Object.assign(ids, { r4a: r4a.id, r4b: r4b.id, r11a: r11a.id, r11b: r11b.id, r9a: r9a.id });
    r12.forEach((m, i) => {
      ids[`r12${"abcd"[i]}`] = m.id;
    });
    r13.forEach((m, i) => {
      ids[`r13${"ab"[i]}`] = m.id;
    });
    r14.forEach((m, i) => {
      ids[`r14${"abc"[i]}`] = m.id;
    });

    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const first = await officer1.sync.push({
      deviceId: randomUUID(),
      mutations: [r1, r2, r3, r4a, r4b, r5, r6, r7, r9a, r10, r11a, r11b, ...r12, ...r13, ...r14],
    });
    expect(first.results.every((r) => r.status === "applied")).toBe(true);
    // A second phone at R9, which had not heard of the first call: it says "call 1" too.
    const r9b = visit(9, "verified", at(20, "11:00:00"));
    ids.r9b = r9b.id;
    expect(r9b.payload.visit.attempt).toBe(1);
    const second = await officer1.sync.push({ deviceId: randomUUID(), mutations: [r9b] });
    expect(second.results[0].status).toBe("applied");

    supervisorCookie = await loginAs(database, "supervisor");
    const supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    const version = async (id: string) =>
      (await db.select({ version: visits.version }).from(visits).where(eq(visits.id, id)))[0].version;
    await supervisor.review.decide({
      visits: [
        { id: r1.id, version: await version(r1.id) },
        { id: r10.id, version: await version(r10.id) },
      ],
      decision: "approve",
    });
    await supervisor.review.decide({
      visits: [{ id: r5.id, version: await version(r5.id) }],
      decision: "return",
      comment: "请补拍门牌",
    });

    // Residents' disputes: R7 after its visit, R8 never visited.
    await db.insert(residentFeedback).values(
      [7, 8].map((room) => ({
        campaignId,
        gridId,
        householdId: householdOf.get(R[room - 1]) as string,
        kind: "dispute" as const,
        fields: [{ personId: null, field: "members" as const, comment: "" }],
        createdAt: new Date(at(23)),
      })),
    );
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  it("the phone, after a pull, counts what the fixture says", async () => {
    await settle(database.db);
    const phone = await openUnlockedDb(`counts-${kind}-${officerId}`);
    await pullAll(phone, (input) => officer1.sync.pull(input), campaignId);
    const held = await readAll(phone);
    phone.close();
    const counts = gridCounts({
      rooms: held.rooms as unknown as WorkRoom[],
      households: held.households as unknown as WorkHousehold[],
      visits: held.visits as unknown as WorkVisit[],
      residentFeedback: held.residentFeedback as unknown as WorkFeedback[],
    });
    expect(counts).toEqual({ rooms: gridRooms.length, ...EXPECTED });
    const attempts = attemptNumbers(held.visits as unknown as WorkVisit[]);
    expect([ids.r4a, ids.r4b, ids.r9a, ids.r9b, ids.r11b, ids.r11a].map((id) => attempts.get(id))).toEqual([
      1, 2, 1, 2, 1, 2,
    ]);
    expect(ATTEMPTS.map(([name]) => attempts.get(ids[name]))).toEqual(ATTEMPTS.map(([, n]) => n));
    expect(roomsToEscalate(held.visits as unknown as WorkVisit[]).size).toBe(ESCALATE);
  });

  it("progress counts the same", async () => {
    const supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    const { totals, grids, officers } = await supervisor.progress.summary({ campaignId, areaId: gridId });
    expect({
      visited: totals.visited,
      checked: totals.checked,
      approved: totals.approved,
      revisitDue: totals.revisitsDue,
      returned: totals.returned,
    }).toEqual(EXPECTED);
    expect(totals.assigned).toBe(gridRooms.length);
    expect(grids.map((g) => g.toEscalate)).toEqual([ESCALATE]);
    expect(totals.toEscalate).toBe(ESCALATE);
    expect(officers.find((o) => o.username === "officer1")?.toEscalate).toBe(ESCALATE);
  });

  it("review numbers the calls the same and flags the one to escalate", async () => {
    const supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    const queue = await supervisor.review.queue({
      state: "submitted",
      campaignId,
      gridId,
      limit: 100,
      offset: 0,
    });
    const byId = new Map(queue.visits.map((v) => [v.id, v]));
    expect(ATTEMPTS.map(([name]) => byId.get(ids[name])?.attempt)).toEqual(ATTEMPTS.map(([, n]) => n));
    expect(queue.visits.filter((v) => v.escalate).map((v) => v.id)).toEqual([ids.r14c]);
    const pane = await supervisor.review.visit({ id: ids.r14c });
    expect(pane).toMatchObject({ attempt: 3, withoutContact: 3, escalate: true });
    expect(await supervisor.review.visit({ id: ids.r12c })).toMatchObject({ attempt: 1, escalate: false });
  });

  it("the map counts the same", async () => {
    const supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    const map = decodeCompletion(await supervisor.map.completion({ campaignId, areaId: gridId }));
    expect(map.totals.counts).toEqual({ rooms: gridRooms.length, ...EXPECTED });
  });

  it("the progress export and the results export count the same", async () => {
    const get = async (route: (req: Request) => Promise<Response>, name: string, query: string) => {
      const response = await route(
        new Request(`http://localhost:3000/api/export/${name}?${query}`, {
          headers: { host: "localhost:3000", cookie: supervisorCookie },
        }),
      );
      expect(response.status).toBe(200);
      const text = new TextDecoder().decode(new Uint8Array(await response.arrayBuffer()));
      return parseCsv(text.replace(/^\uFEFF/, "")) as string[][];
    };
    const [header, gridRow] = await get(
      progressRoute,
      "progress",
      `format=csv&table=grids&campaignId=${campaignId}&areaId=${gridId}`,
    );
    const cell = (name: string) => Number(gridRow[header.indexOf(name)]);
    expect(cell("待上报")).toBe(ESCALATE);
    expect({
      visited: cell("已走访"),
      checked: cell("已核查"),
      approved: cell("已审核"),
      revisitDue: cell("待复访"),
      returned: cell("被退回"),
    }).toEqual(EXPECTED);

    const [rHeader, ...rows] = await get(
      resultsRoute,
      "results",
      `format=csv&campaignId=${campaignId}&areaId=${gridId}`,
    );
    expect(rows).toHaveLength(22);
    const attempt = rHeader.indexOf("上门次数");
    const time = rHeader.indexOf("走访时间");
    const outcome = rHeader.indexOf("走访结果");
    const calls = (when: string) =>
      rows.filter((r) => r[time].startsWith(when)).map((r) => [r[outcome], r[attempt]]);
    // R4: the no-answer was call 1, the verification the next day call 2.
    expect(calls("2026-11-21")).toEqual([["已核实无变化", "2"]]);
    // R9: the second phone's call is call 2, whatever that phone said.
    expect(calls("2026-11-20 11:00")).toEqual([["已核实无变化", "2"]]);
    // R11: in one second the smaller id goes first.
    expect(calls("2026-11-22")).toEqual([
      ["无人应答", "1"],
      ["已核实无变化", "2"],
    ]);
    // R12: four knocks, two calls; R13: two calls.
    expect(calls("2026-11-24").map(([, n]) => n)).toEqual(["1", "1", "1", "2"]);
    expect(calls("2026-11-25").map(([, n]) => n)).toEqual(["1", "2"]);
    // R14: the third call without contact is the one to escalate, and no other visit is.
    const escalate = rHeader.indexOf("上报社区");
    expect(
      rows.filter((r) => r[escalate] === "是").map((r) => [r[time].slice(0, 10), r[outcome], r[attempt]]),
    ).toEqual([["2026-11-28", "无人应答", "3"]]);
  });
});
