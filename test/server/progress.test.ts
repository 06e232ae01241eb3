// progress.summary and GET /api/export/progress on every database kind: exact numbers by grid,
// officer and day from visits recorded through the real sync.push; area scope; refusals; the CSV and
// XLSX files with their headers, numbers, injection guard and audit rows.

import { randomUUID } from "node:crypto";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as exportRoute } from "@/app/api/export/progress/route";
import type { Database } from "@/db/client";
import { areas, assignments, auditLog, campaignAreas, campaigns, rooms, users, visits } from "@/db/schema";
import { addDays, chinaDay, csvField, fillDays, niceScale, sortRows, toCsv } from "@/domain/progress";
import type { Mutation } from "@/domain/push";
import { hashPassword } from "@/server/auth/password";
import { databaseKinds, openTestDatabase } from "../support/db";
import {
  callerFor,
  codeOf,
  DEMO_PASSWORD,
  loginAs,
  objectsOfOfficer,
  seedSmallStreet,
} from "../support/fixture";
import { visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

const BASE = "http://localhost:3000";
const EVIL_NAME = '=HYPERLINK("http://evil.example","x")';

describe("progress helpers", () => {
  it("takes the calendar day in China, not in UTC", () => {
    expect(chinaDay(new Date("2026-11-24T15:59:59Z"))).toBe("2026-11-24");
    expect(chinaDay(new Date("2026-11-24T16:00:00Z"))).toBe("2026-11-25");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("fills the days between visits and runs the cumulative completion", () => {
    expect(
      fillDays(
        [
          { day: "2026-11-03", visits: 4, firstVisits: 3 },
          { day: "2026-11-01", visits: 2, firstVisits: 2 },
        ],
        10,
      ),
    ).toEqual([
      { day: "2026-11-01", visits: 2, firstVisits: 2, cumulativeVisited: 2, completion: 0.2 },
      { day: "2026-11-02", visits: 0, firstVisits: 0, cumulativeVisited: 2, completion: 0.2 },
      { day: "2026-11-03", visits: 4, firstVisits: 3, cumulativeVisited: 5, completion: 0.5 },
    ]);
    expect(fillDays([{ day: "2026-11-01", visits: 1, firstVisits: 1 }], 0)[0].completion).toBeNull();
  });

  it("sorts numbers and text both ways, empties last, stably", () => {
    const rows = [
      { n: "b", v: 2 as number | null },
      { n: "a", v: null },
      { n: "c", v: 10 },
      { n: "d", v: 2 },
    ];
    expect(sortRows(rows, (r) => r.v, "descending").map((r) => r.n)).toEqual(["c", "b", "d", "a"]);
    expect(sortRows(rows, (r) => r.v, "ascending").map((r) => r.n)).toEqual(["b", "d", "c", "a"]);
    expect(sortRows(rows, (r) => r.n, "descending").map((r) => r.n)).toEqual(["d", "c", "b", "a"]);
  });

  it("guards and quotes CSV fields", () => {
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField("+86 139")).toBe("'+86 139");
    expect(csvField("-5")).toBe("'-5");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvField("张三、李四")).toBe("张三、李四");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField(-5)).toBe("-5");
    expect(csvField(null)).toBe("");
    expect(
      toCsv([{ key: "days", title: "T", columns: [{ header: "h", width: 1, kind: "text" }], rows: [["x"]] }]),
    ).toBe("h\r\nx\r\n");
  });

  it("picks round axis steps", () => {
    expect(niceScale(0)).toEqual({ top: 4, step: 1 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(37)).toEqual({ top: 40, step: 10 });
    expect(niceScale(812)).toEqual({ top: 1000, step: 250 });
    expect(niceScale(9)).toEqual({ top: 10, step: 5 });
  });
});

describe.each(databaseKinds)("supervisor progress on %s", (kind) => {
  let database: Database;
  let campaignId: string;
  let questionnaireCampaignIds: string[];
  let closedCampaignId: string;
  let g1: { id: string; name: string; communityId: string };
  let g2: { id: string; name: string; communityId: string };
  let officer1Name: string;
  let officerX: { username: string; name: string };
  /** Active rooms per grid before the test's changes, for every grid under the street. */
  let activeRooms: Map<string, number>;
  let streetGridIds: string[];
  let supervisor: Caller;
  let communitySupervisor: Caller;
  let supervisorCookie: string;
  let communityCookie: string;
  let officerCookie: string;
  const today = chinaDay(new Date());
  const yesterday = addDays(today, -1);
  const tomorrow = addDays(today, 1);

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const { db } = database;
    const seeded = await seedSmallStreet(database);
    campaignId = seeded.campaignId;
    questionnaireCampaignIds = seeded.questionnaireCampaignIds;

    const own = await objectsOfOfficer(database, "officer1");
    const [grid1] = await db.select().from(areas).where(eq(areas.id, own.gridId));
    g1 = { id: grid1.id, name: grid1.name, communityId: own.communityId };
    // A grid in another community, and the officer assigned to it.
    const [grid2] = await db
      .select()
      .from(areas)
      .where(and(eq(areas.level, "grid"), sql`${areas.parentId} <> ${own.communityId}`))
      .orderBy(asc(areas.code))
      .limit(1);
    g2 = { id: grid2.id, name: grid2.name, communityId: grid2.parentId as string };
    const [x] = await db
      .select({ username: users.username, name: users.displayName })
      .from(assignments)
      .innerJoin(users, eq(users.id, assignments.officerId))
      .where(eq(assignments.gridId, g2.id));
    officerX = x;
    const [o1] = await db.select().from(users).where(eq(users.username, "officer1"));
    officer1Name = o1.displayName;

    const [supervisorRow] = await db
      .select({ path: areas.path })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(eq(users.username, "supervisor"));
    const gridRows = await db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.level, "grid"), sql`starts_with(${areas.path}, ${supervisorRow.path})`));
    streetGridIds = gridRows.map((g) => g.id);
    const counts = await db
      .select({ gridId: rooms.gridId, n: count() })
      .from(rooms)
      .where(and(isNull(rooms.endedAt), inArray(rooms.gridId, streetGridIds)))
      .groupBy(rooms.gridId);
    activeRooms = new Map(counts.map((c) => [c.gridId, c.n]));

    const roomsOf = async (gridId: string) =>
      (
        await db
          .select({ id: rooms.id })
          .from(rooms)
          .where(and(eq(rooms.gridId, gridId), isNull(rooms.endedAt)))
          .orderBy(asc(rooms.id))
      ).map((r) => r.id);
    const [r1, r2, r3] = await roomsOf(g1.id);
    const [r4, r5, r6] = await roomsOf(g2.id);

    const visit = (
      gridId: string,
      roomId: string,
      outcome: string,
      visitedAt: string,
      revisitDue: string | null = null,
    ): Mutation => {
      const mutation = visitMutation({ gridId, roomId, outcome, visitedAt });
      return {
        ...mutation,
        payload: { ...mutation.payload, visit: { ...mutation.payload.visit, revisitDue } },
      };
    };
    const v1 = visit(g1.id, r1, "verified", `${yesterday}T10:00:00+08:00`);
    // Just after midnight in China is still the day before in UTC: it must count as today.
    const v2 = visit(g1.id, r2, "no_answer", `${today}T00:01:00+08:00`, today);
    const v3a = visit(g1.id, r3, "no_answer", `${yesterday}T23:30:00+08:00`, yesterday);
    const v3b = visit(g1.id, r3, "verified", `${today}T00:02:00+08:00`);
    const v4 = visit(g2.id, r4, "verified", `${yesterday}T09:00:00+08:00`);
    const v5 = visit(g2.id, r5, "refused", `${today}T00:03:00+08:00`, tomorrow);

    officerCookie = await loginAs(database, "officer1");
    const officer1 = (await callerFor(database, { cookie: officerCookie })).caller;
    const pushed = await officer1.sync.push({ deviceId: randomUUID(), mutations: [v1, v2, v3a, v3b] });
    expect(pushed.results.map((r) => r.status)).toEqual(["applied", "applied", "applied", "applied"]);
    const officer = (await callerFor(database, { cookie: await loginAs(database, officerX.username) }))
      .caller;
    const pushedX = await officer.sync.push({ deviceId: randomUUID(), mutations: [v4, v5] });
    expect(pushedX.results.map((r) => r.status)).toEqual(["applied", "applied"]);

    // Decisions straight in the database: r1 approved; r3's earlier visit approved, its latest returned.
    await db
      .update(visits)
      .set({ reviewState: "approved" })
      .where(inArray(visits.id, [v1.id, v3a.id]));
    await db.update(visits).set({ reviewState: "returned" }).where(eq(visits.id, v3b.id));
    // r4 is demolished after its visit (still counted), r6 before any (no longer counted).
    await db
      .update(rooms)
      .set({ endedAt: new Date() })
      .where(inArray(rooms.id, [r4, r6]));

    // A second officer on grid 1 whose name is a spreadsheet formula.
    const [evil] = await db
      .insert(users)
      .values({
        username: "evil",
        displayName: EVIL_NAME,
        passwordHash: await hashPassword(DEMO_PASSWORD),
        role: "officer",
        areaId: g1.id,
      })
      .returning({ id: users.id });
    await db.insert(assignments).values({ campaignId, gridId: g1.id, officerId: evil.id });

    // A community supervisor over grid 1's community.
    await db.insert(users).values({
      username: "community",
      displayName: "社区督导",
      passwordHash: await hashPassword(DEMO_PASSWORD),
      role: "supervisor",
      areaId: g1.communityId,
    });

    // A newer, closed campaign over the same street with no assignments: listed, never the default.
    const [streetArea] = await db
      .select({ areaId: campaignAreas.areaId })
      .from(campaignAreas)
      .where(eq(campaignAreas.campaignId, campaignId));
    const [closed] = await db
      .insert(campaigns)
      .values({ name: "2026年12月抽查", status: "closed", startsOn: "2026-12-01" })
      .returning({ id: campaigns.id });
    closedCampaignId = closed.id;
    await db.insert(campaignAreas).values({ campaignId: closedCampaignId, areaId: streetArea.areaId });

    supervisorCookie = await loginAs(database, "supervisor");
    supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    communityCookie = await loginAs(database, "community");
    communitySupervisor = (await callerFor(database, { cookie: communityCookie })).caller;
  });
  afterAll(() => database?.close());

  const assignedOf = (gridId: string) => (activeRooms.get(gridId) ?? 0) - (gridId === g2.id ? 1 : 0);
  const streetAssigned = () => streetGridIds.reduce((sum, id) => sum + assignedOf(id), 0);
  const rate = (visited: number, assigned: number) => visited / assigned;

  it("counts by grid: assigned, visited, and checked, approved, returned and revisits owed by the latest visit", async () => {
    const summary = await supervisor.progress.summary({});
    expect(summary.campaign?.id).toBe(campaignId);
    expect(summary.today).toBe(today);
    expect(summary.grids.map((g) => g.gridId).sort()).toEqual([...streetGridIds].sort());
    const byId = new Map(summary.grids.map((g) => [g.gridId, g]));
    const a1 = assignedOf(g1.id);
    const a2 = assignedOf(g2.id);
    expect([...(byId.get(g1.id)?.officers ?? [])].sort()).toEqual([EVIL_NAME, officer1Name].sort());
    expect(byId.get(g1.id)).toEqual({
      gridId: g1.id,
      gridCode: expect.any(String),
      gridName: g1.name,
      communityId: g1.communityId,
      communityName: expect.any(String),
      officers: expect.any(Array),
      assigned: a1,
      visited: 3,
      checked: 1,
      approved: 1,
      returned: 1,
      revisitsDue: 1,
      toEscalate: 0,
      completion: rate(3, a1),
    });
    expect(byId.get(g2.id)).toMatchObject({
      officers: [officerX.name],
      assigned: a2,
      visited: 2,
      checked: 1,
      approved: 0,
      returned: 0,
      // The refusal is owed a revisit from the moment it was made, though its date is tomorrow.
      revisitsDue: 1,
      completion: rate(2, a2),
    });
    for (const grid of summary.grids.filter((g) => g.gridId !== g1.id && g.gridId !== g2.id)) {
      expect(grid).toMatchObject({ assigned: assignedOf(grid.gridId), visited: 0, approved: 0, returned: 0 });
    }
    expect(summary.totals).toEqual({
      assigned: streetAssigned(),
      visited: 5,
      checked: 2,
      approved: 1,
      returned: 1,
      revisitsDue: 2,
      toEscalate: 0,
      completion: rate(5, streetAssigned()),
    });
  });

  it("counts by officer: their grids' rooms, the rooms they visited, and latest visits that are theirs", async () => {
    const summary = await supervisor.progress.summary({});
    const byName = new Map(summary.officers.map((o) => [o.username, o]));
    expect(byName.get("officer1")).toMatchObject({
      name: officer1Name,
      grids: [g1.name],
      assigned: assignedOf(g1.id),
      visited: 3,
      checked: 1,
      approved: 1,
      returned: 1,
      revisitsDue: 1,
      completion: rate(3, assignedOf(g1.id)),
    });
    expect(byName.get("evil")).toMatchObject({
      name: EVIL_NAME,
      assigned: assignedOf(g1.id),
      visited: 0,
      approved: 0,
      returned: 0,
      revisitsDue: 0,
    });
    expect(byName.get(officerX.username)).toMatchObject({
      grids: [g2.name],
      assigned: assignedOf(g2.id),
      visited: 2,
      checked: 1,
      approved: 0,
      returned: 0,
      revisitsDue: 1,
    });
    // Every assigned officer of the street, plus the one sharing grid 1.
    expect(summary.officers).toHaveLength(streetGridIds.length + 1);
  });

  it("counts by day in China time, with rooms first visited and cumulative completion", async () => {
    const summary = await supervisor.progress.summary({});
    const total = streetAssigned();
    expect(summary.days).toEqual([
      { day: yesterday, visits: 3, firstVisits: 3, cumulativeVisited: 3, completion: rate(3, total) },
      { day: today, visits: 3, firstVisits: 2, cumulativeVisited: 5, completion: rate(5, total) },
    ]);
  });

  it("lists the campaigns newest first, defaults to the open one, and reports a named one", async () => {
    const summary = await supervisor.progress.summary({});
    // The seed's questionnaire campaigns over one community start before the street's.
    expect(summary.campaigns.map((c) => c.id)).toEqual([
      closedCampaignId,
      campaignId,
      ...questionnaireCampaignIds,
    ]);
    expect(summary.campaign).toMatchObject({ id: campaignId, status: "open" });
    const closed = await supervisor.progress.summary({ campaignId: closedCampaignId });
    expect(closed.campaign).toMatchObject({ id: closedCampaignId, status: "closed" });
    expect(closed.grids).toEqual([]);
    expect(closed.days).toEqual([]);
    expect(closed.totals).toMatchObject({ assigned: 0, visited: 0, completion: null });
    expect(await codeOf(supervisor.progress.summary({ campaignId: randomUUID() }))).toBe("NOT_FOUND");
  });

  it("narrows to a community or a grid under the caller's area", async () => {
    const c2 = await supervisor.progress.summary({ areaId: g2.communityId });
    expect(c2.area.id).toBe(g2.communityId);
    expect(c2.grids.length).toBeGreaterThan(0);
    expect(c2.grids.every((g) => g.communityId === g2.communityId)).toBe(true);
    expect(c2.totals).toMatchObject({ visited: 2, checked: 1, approved: 0, returned: 0, revisitsDue: 1 });
    expect(c2.officers.map((o) => o.username)).toContain(officerX.username);
    expect(c2.officers.map((o) => o.username)).not.toContain("officer1");
    // The picker still lists every community of the street.
    expect(c2.communities.map((c) => c.id)).toEqual(expect.arrayContaining([g1.communityId, g2.communityId]));

    const one = await supervisor.progress.summary({ areaId: g1.id });
    expect(one.grids.map((g) => g.gridId)).toEqual([g1.id]);
    expect(one.totals).toMatchObject({ assigned: assignedOf(g1.id), visited: 3, revisitsDue: 1 });
    expect(one.days.map((d) => [d.day, d.visits, d.firstVisits])).toEqual([
      [yesterday, 2, 2],
      [today, 2, 1],
    ]);
  });

  it("lists the areas one level down, each summed over its own grids, and the trail to the area in view", async () => {
    const street = await supervisor.progress.summary({});
    expect(street.trail.map((step) => step.level)).toEqual(["street"]);
    const communityIds = [...new Set(street.grids.map((g) => g.communityId))];
    expect(street.children.map((c) => c.id).sort()).toEqual([...communityIds].sort());
    expect(street.children.every((c) => c.level === "community")).toBe(true);
    for (const child of street.children) {
      // Each community's row equals the sum of its grids' rows, written out here field by field.
      const own = street.grids.filter((g) => g.communityId === child.id);
      for (const key of [
        "assigned",
        "visited",
        "checked",
        "approved",
        "returned",
        "revisitsDue",
        "toEscalate",
      ] as const) {
        expect(child[key], `${child.name} ${key}`).toBe(own.reduce((sum, g) => sum + g[key], 0));
      }
    }
    const c2 = street.children.find((c) => c.id === g2.communityId);
    expect(c2).toMatchObject({ visited: 2, checked: 1, revisitsDue: 1 });

    // Down to a community: its grids as children, and the way back up.
    const community = await supervisor.progress.summary({ areaId: g2.communityId });
    expect(community.trail.map((step) => step.id)).toEqual([street.trail[0].id, g2.communityId]);
    expect(community.children.map((c) => c.level)).toEqual(community.grids.map(() => "grid"));
    expect(community.children.map((c) => c.id)).toEqual(community.grids.map((g) => g.gridId));

    // A grid has nothing below it.
    expect((await supervisor.progress.summary({ areaId: g1.id })).children).toEqual([]);
    expect(street.listed).toBe(true);

    // The administrator's city: its district as the one child, the same totals, and no grid or
    // officer rows on screen (a city has a thousand of each: the supervisor drills down instead).
    const admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    const city = await admin.progress.summary({});
    expect(city.trail.map((step) => step.level)).toEqual(["city"]);
    expect(city.children.map((c) => c.level)).toEqual(["district"]);
    expect(city.children[0]).toMatchObject({
      assigned: street.totals.assigned,
      visited: street.totals.visited,
    });
    expect(city.totals).toEqual(street.totals);
    expect(city).toMatchObject({ listed: false, grids: [], officers: [] });
    // No community choice at a district or the city (a city has thousands: the screen drills down);
    // drilled to a street, the administrator chooses among that street's communities.
    expect(city.communities).toEqual([]);
    const streetOfAdmin = await admin.progress.summary({ areaId: street.area.id });
    expect(streetOfAdmin.communities.map((c) => c.id).sort()).toEqual(
      street.children.map((c) => c.id).sort(),
    );
    // Its child areas are summed in the database, not from grid rows: each child whole, completion too,
    // down to the district's one street, which is the street's own report; and the same days.
    const district = await admin.progress.summary({ areaId: city.children[0].id });
    expect(district).toMatchObject({ listed: false, grids: [], officers: [], communities: [] });
    expect(district.children).toEqual([{ ...street.area, ...street.totals }]);
    expect(city.children).toEqual([{ ...district.area, ...street.totals }]);
    expect(district.totals).toEqual(street.totals);
    expect(city.days).toEqual(street.days);
    expect(street.days.length).toBeGreaterThan(0);
  });

  it("a community supervisor sees only their community, and nothing of another", async () => {
    const summary = await communitySupervisor.progress.summary({});
    expect(summary.area.id).toBe(g1.communityId);
    expect(summary.campaign?.id).toBe(campaignId);
    expect(summary.grids.map((g) => g.gridId)).toContain(g1.id);
    expect(summary.grids.map((g) => g.gridId)).not.toContain(g2.id);
    expect(summary.grids.every((g) => g.communityId === g1.communityId)).toBe(true);
    expect(summary.communities.map((c) => c.id)).toEqual([g1.communityId]);
    expect(summary.totals).toMatchObject({ visited: 3, approved: 1, returned: 1, revisitsDue: 1 });
    expect(summary.officers.map((o) => o.username)).not.toContain(officerX.username);
    expect(summary.days.reduce((s, d) => s + d.visits, 0)).toBe(4);

    expect(await codeOf(communitySupervisor.progress.summary({ areaId: g2.communityId }))).toBe("NOT_FOUND");
    expect(await codeOf(communitySupervisor.progress.summary({ areaId: g2.id }))).toBe("NOT_FOUND");
    expect(await codeOf(communitySupervisor.progress.summary({ areaId: g1.id }))).toBe("OK");
  });

  it("refuses officers and callers without a session", async () => {
    const officer = (await callerFor(database, { cookie: officerCookie })).caller;
    expect(await codeOf(officer.progress.summary({}))).toBe("FORBIDDEN");
    const anonymous = (await callerFor(database)).caller;
    expect(await codeOf(anonymous.progress.summary({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(supervisor.progress.summary({ areaId: "not-a-uuid" }))).toBe("BAD_REQUEST");
  });

  describe("GET /api/export/progress", () => {
    beforeAll(() => {
      // The route opens the process's database through this; point it at the test one.
      globalThis.__doorstepDatabase = Promise.resolve(database);
    });
    afterAll(() => {
      globalThis.__doorstepDatabase = undefined;
    });

    const get = (query: string, headers: Record<string, string> = {}) =>
      exportRoute(
        new Request(`${BASE}/api/export/progress?${query}`, {
          headers: { host: "localhost:3000", ...headers },
        }),
      );
    const exports = async () =>
      (
        await database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "export_progress"))
      )[0].n;
    const csvText = async (response: Response) => {
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      return new TextDecoder().decode(bytes.slice(3));
    };

    it("CSV: a byte-order mark, Chinese headers, the same numbers, a Chinese file name, an audit row", async () => {
      const before = await exports();
      const response = await get("format=csv", { cookie: supervisorCookie });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      const disposition = response.headers.get("content-disposition") ?? "";
      expect(disposition).toMatch(
        /^attachment; filename="progress-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/,
      );
      const streetName = (await supervisor.progress.summary({})).area.name;
      expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe(
        `入户核查进度_${streetName}_${today}.csv`,
      );

      const lines = (await csvText(response)).split("\r\n");
      expect(lines[0]).toBe("按网格");
      expect(lines[1]).toBe(
        "社区,网格,网格编码,信息员,应核查,已走访,已核查,已审核,被退回,待复访,待上报,完成率（%）",
      );
      const g1Line = lines.find((line) => line.includes(`,${g1.name},`)) as string;
      const a1 = assignedOf(g1.id);
      expect(g1Line.endsWith(`,${a1},3,1,1,1,1,0,${Math.round((3 / a1) * 1000) / 10}`)).toBe(true);
      const total = streetAssigned();
      expect(lines).toContain(`合计,,,,${total},5,2,1,1,2,0,${Math.round((5 / total) * 1000) / 10}`);
      expect(lines).toContain("按信息员");
      expect(lines).toContain(
        "信息员,账号,负责网格,应核查,已走访,已核查,已审核,被退回,待复访,待上报,完成率（%）",
      );
      expect(lines).toContain("按日期");
      expect(lines).toContain(`${yesterday},3,3,3,${Math.round((3 / total) * 1000) / 10}`);
      expect(lines).toContain(`${today},3,2,5,${Math.round((5 / total) * 1000) / 10}`);
      expect(await exports()).toBe(before + 1);
    });

    it("CSV: headers in English with the locale cookie; one table on request", async () => {
      const response = await get("format=csv&table=officers", {
        cookie: `${supervisorCookie}; doorstep_locale=en`,
      });
      expect(response.status).toBe(200);
      const lines = (await csvText(response)).split("\r\n");
      expect(lines[0]).toBe(
        "Officer,Username,Grids,Assigned,Visited,Checked,Approved,Returned,Revisits due,To escalate,Completion (%)",
      );
      expect(lines.some((line) => line.startsWith(`officer1,`) || line.includes(",officer1,"))).toBe(true);
      const disposition = response.headers.get("content-disposition") ?? "";
      expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toMatch(
        /^progress_.+_\d{4}-\d{2}-\d{2}_By_officer\.csv$/,
      );
    });

    it("CSV: a name that is a formula is written as text, never as a formula", async () => {
      const response = await get("format=csv", { cookie: supervisorCookie });
      const text = await csvText(response);
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
      // No field anywhere starts with =, +, - or @ (quoted or not).
      for (const line of text.split("\r\n")) {
        expect(line, line).not.toMatch(/(^|,)"?[=+\-@]/);
      }
    });

    it("XLSX: one sheet per breakdown, bold headers, widths, the same numbers", async () => {
      const before = await exports();
      const response = await get(`format=xlsx&campaignId=${campaignId}`, { cookie: supervisorCookie });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      );
      expect(response.headers.get("content-disposition")).toMatch(/filename\*=UTF-8''.+\.xlsx$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await response.arrayBuffer());
      expect(workbook.worksheets.map((s) => s.name)).toEqual(["按网格", "按信息员", "按日期"]);
      const grids = workbook.getWorksheet("按网格") as ExcelJS.Worksheet;
      expect(grids.getRow(1).getCell(1).value).toBe("社区");
      expect(grids.getRow(1).font?.bold ?? grids.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(grids.getColumn(2).width).toBeGreaterThan(8);
      expect(grids.rowCount).toBe(1 + streetGridIds.length + 1);
      const g1Row = grids.getRows(2, streetGridIds.length)?.find((row) => row.getCell(2).value === g1.name);
      expect(String(g1Row?.getCell(4).value).split("、").sort()).toEqual([EVIL_NAME, officer1Name].sort());
      expect([5, 6, 7, 8, 9, 10].map((c) => g1Row?.getCell(c).value)).toEqual([
        assignedOf(g1.id),
        3,
        1,
        1,
        1,
        1,
      ]);
      const days = workbook.getWorksheet("按日期") as ExcelJS.Worksheet;
      expect(days.getRow(2).values).toEqual([
        undefined,
        yesterday,
        3,
        3,
        3,
        Math.round((3 / streetAssigned()) * 1000) / 10,
      ]);
      // The formula-like name is a plain string cell, not a formula.
      const officers = workbook.getWorksheet("按信息员") as ExcelJS.Worksheet;
      const evilRow = officers
        .getRows(2, officers.rowCount - 1)
        ?.find((row) => row.getCell(2).value === "evil");
      expect(evilRow?.getCell(1).type).toBe(ExcelJS.ValueType.String);
      expect(evilRow?.getCell(1).value).toBe(EVIL_NAME);
      expect(await exports()).toBe(before + 1);
    });

    it("a community supervisor's export holds their community only", async () => {
      const response = await get("format=csv&table=grids", { cookie: communityCookie });
      const text = await csvText(response);
      expect(text).toContain(`,${g1.name},`);
      expect(text).not.toContain(`,${g2.name},`);
      const refused = await get(`format=csv&areaId=${g2.communityId}`, { cookie: communityCookie });
      expect(refused.status).toBe(404);
      expect((await refused.json()).error.key).toBe("errors.notFound");
    });

    it("refuses without a session (401), officers (403), a bad format (400), cross-site (403); nothing audited", async () => {
      const before = await exports();
      const anonymous = await get("format=csv");
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).error.message).toBe("请先登录");
      const english = await get("format=csv", { cookie: "doorstep_locale=en" });
      expect((await english.json()).error.message).toBe("Please log in first.");
      const officer = await get("format=xlsx", { cookie: officerCookie });
      expect(officer.status).toBe(403);
      expect((await officer.json()).error.key).toBe("auth.forbidden");
      const pdf = await get("format=pdf", { cookie: supervisorCookie });
      expect(pdf.status).toBe(400);
      const crossSite = await get("format=csv", { cookie: supervisorCookie, "sec-fetch-site": "cross-site" });
      expect(crossSite.status).toBe(403);
      expect(await exports()).toBe(before);
    });
  });
});
