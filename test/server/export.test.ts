// GET /api/export/{results,changes,register,statistics} on every database kind: each file's headers
// in the caller's language, a known row, row counts and figures against SQL truth computed here;
// area scope (a community supervisor gets their community; another community answers 404), role
// refusals, an audit row per export, the CSV byte-order mark, XLSX parsed back with exceljs; and the
// Must-show: a community's persons register exported to CSV re-imports with no changes.

import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { and, asc, count, desc, eq, isNull, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changesRoute } from "@/app/api/export/changes/route";
import { GET as registerRoute } from "@/app/api/export/register/route";
import { GET as resultsRoute } from "@/app/api/export/results/route";
import { GET as statisticsRoute } from "@/app/api/export/statistics/route";
import { rowsOf } from "@/db/client";
import {
  areas,
  auditLog,
  buildings,
  households,
  persons,
  rentals,
  rentalTenants,
  rooms,
  units,
  users,
  visits,
} from "@/db/schema";
import { AGE_BANDS, ageBandOf } from "@/domain/export";
import { createTranslator } from "@/domain/i18n";
import { IMPORT_COLUMNS, IMPORT_KINDS, type ImportKind } from "@/domain/import";
import { PERSON_COLUMNS } from "@/domain/import/persons";
import { BUILDING_COLUMNS, ROOM_COLUMNS } from "@/domain/import/places";
import { RENTAL_COLUMNS } from "@/domain/import/rentals";
import { UNIT_COLUMNS } from "@/domain/import/units";
import { chinaDay } from "@/domain/progress";
import { ageOn } from "@/domain/validators/date";
import { parseUscc, usccCheckChar } from "@/domain/validators/uscc";
import { hashPassword } from "@/server/auth/password";
import { readEnv } from "@/server/env";
import { resolveSession } from "@/server/services/auth";
import { exportRegister } from "@/server/services/export";
import type { ExportFile } from "@/server/services/export-file";
import { importFile } from "@/server/services/import";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { callerFor, DEMO_PASSWORD, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { correction, membersOfGrid, visitMutation } from "../support/push";

const BASE = "http://localhost:3000";
type Route = (req: Request) => Promise<Response>;

describe("export rules", () => {
  it("takes whole years, the birthday counting from its own day", () => {
    expect(ageOn("1966-05-10", "2026-05-09")).toBe(59);
    expect(ageOn("1966-05-10", "2026-05-10")).toBe(60);
    expect(ageOn("2020-02-29", "2027-02-28")).toBe(6);
    expect(ageOn("2020-02-29", "2027-03-01")).toBe(7);
  });

  it("puts every age in exactly one band", () => {
    expect([0, 6, 7, 17, 18, 59, 60, 79, 80, 104].map(ageBandOf)).toEqual([
      "0-6",
      "0-6",
      "7-17",
      "7-17",
      "18-59",
      "18-59",
      "60-79",
      "60-79",
      "80+",
      "80+",
    ]);
    for (let age = 0; age < 120; age++) {
      expect(AGE_BANDS.filter((b) => age >= b.min && (b.max === null || age <= b.max))).toHaveLength(1);
    }
  });
});

describe.each(databaseKinds)("exports on %s", (kind) => {
  let database: TestDatabase;
  let campaignId: string;
  let g1: { id: string; name: string; communityId: string };
  let g2: { id: string; name: string; communityId: string };
  let streetPath: string;
  let community1: { id: string; code: string; name: string; path: string };
  let changedVisitId: string;
  let householdNo: string;
  let personName: string;
  let oldPhone: string;
  const newPhone = "13912340000";
  let officer1Name: string;
  const cookies: Record<"supervisor" | "community" | "admin" | "officer", string> = {
    supervisor: "",
    community: "",
    admin: "",
    officer: "",
  };
  const today = chinaDay(new Date());

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const { db } = database;
    campaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);

    const own = await objectsOfOfficer(database, "officer1");
    const [grid1] = await db.select().from(areas).where(eq(areas.id, own.gridId));
    g1 = { id: grid1.id, name: grid1.name, communityId: own.communityId };
    const [grid2] = await db
      .select()
      .from(areas)
      .where(and(eq(areas.level, "grid"), sql`${areas.parentId} <> ${own.communityId}`))
      .orderBy(asc(areas.code))
      .limit(1);
    g2 = { id: grid2.id, name: grid2.name, communityId: grid2.parentId as string };
    const [c1] = await db
      .select({ id: areas.id, code: areas.code, name: areas.name, path: areas.path })
      .from(areas)
      .where(eq(areas.id, g1.communityId));
    community1 = c1;
    const [street] = await db
      .select({ path: areas.path })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(eq(users.username, "supervisor"));
    streetPath = street.path;
    officer1Name = (await db.select().from(users).where(eq(users.username, "officer1")))[0].displayName;

    // officer1: a household confirmed with one member's phone corrected, and a no-answer at another room.
    const [member] = (await membersOfGrid(database, g1.id)).filter((m) => m.phone);
    personName = member.name;
    oldPhone = member.phone as string;
    const [household] = await db
      .select({ id: households.id, householdNo: households.householdNo, roomId: households.roomId })
      .from(households)
      .where(eq(households.id, member.householdId as string));
    householdNo = household.householdNo;
    const [otherRoom] = await db
      .select({ id: rooms.id })
      .from(rooms)
      .where(and(eq(rooms.gridId, g1.id), sql`${rooms.id} <> ${household.roomId}`))
      .limit(1);
    const changed = visitMutation({
      gridId: g1.id,
      roomId: household.roomId,
      subjectType: "household",
      subjectId: household.id,
      changes: [correction("person", member, "phone", newPhone)],
      visitedAt: "2026-11-20T10:00:00+08:00",
    });
    changedVisitId = changed.id;
    const noAnswer = visitMutation({
      gridId: g1.id,
      roomId: otherRoom.id,
      outcome: "no_answer",
      visitedAt: "2026-11-20T11:00:00+08:00",
    });
    noAnswer.payload.visit.revisitDue = "2026-11-22";
    cookies.officer = await loginAs(database, "officer1");
    const officer = (await callerFor(database, { cookie: cookies.officer })).caller;
    const pushed = await officer.sync.push({ deviceId: randomUUID(), mutations: [changed, noAnswer] });
    expect(pushed.results.map((r) => r.status)).toEqual(["applied", "applied"]);

    // The officer of grid 2 (another community) records a visit too.
    const [x] = await db
      .select({ username: users.username })
      .from(users)
      .where(and(eq(users.areaId, g2.id), eq(users.role, "officer")))
      .limit(1);
    const [room2] = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.gridId, g2.id)).limit(1);
    const other = (await callerFor(database, { cookie: await loginAs(database, x.username) })).caller;
    const pushed2 = await other.sync.push({
      deviceId: randomUUID(),
      mutations: [visitMutation({ gridId: g2.id, roomId: room2.id })],
    });
    expect(pushed2.results[0].status).toBe("applied");

    await db.insert(users).values({
      username: "community",
      displayName: "社区督导",
      passwordHash: await hashPassword(DEMO_PASSWORD),
      role: "supervisor",
      areaId: g1.communityId,
    });
    cookies.community = await loginAs(database, "community");
    cookies.supervisor = await loginAs(database, "supervisor");
    cookies.admin = await loginAs(database, "admin");
    // Approved through the review gate: only then is the corrected phone the register's.
    const reviewer = (await callerFor(database, { cookie: cookies.supervisor })).caller;
    await reviewer.review.decide({
      visits: [{ id: changedVisitId, version: 1 }],
      decision: "approve",
      comment: "核实无误",
    });
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  const get = (
    route: Route,
    name: string,
    query: string,
    cookie = "",
    headers: Record<string, string> = {},
  ) =>
    route(
      new Request(`${BASE}/api/export/${name}?${query}`, {
        headers: { host: "localhost:3000", ...(cookie ? { cookie } : {}), ...headers },
      }),
    );
  const audits = async (action: string) =>
    database.db
      .select({ detail: auditLog.detail, areaPath: auditLog.areaPath, userId: auditLog.userId })
      .from(auditLog)
      .where(eq(auditLog.action, action))
      .orderBy(desc(auditLog.id));
  const csvText = async (response: Response) => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)], "a UTF-8 byte-order mark").toEqual([0xef, 0xbb, 0xbf]);
    return new TextDecoder().decode(bytes.slice(3));
  };
  const workbookOf = async (response: Response) => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    return workbook;
  };
  /** Visits of the campaign to rooms under `areaPath`, counted straight from the tables. */
  const visitsUnder = async (areaPath: string) =>
    (
      await database.db
        .select({ n: count() })
        .from(visits)
        .innerJoin(rooms, eq(rooms.id, visits.roomId))
        .innerJoin(areas, eq(areas.id, rooms.gridId))
        .where(and(eq(visits.campaignId, campaignId), sql`starts_with(${areas.path}, ${areaPath})`))
    )[0].n;

  describe("results", () => {
    it("CSV: one translated row per visit of the street, the known visit in full, an audit row", async () => {
      const before = (await audits("export_results")).length;
      const response = await get(
        resultsRoute,
        "results",
        `format=csv&campaignId=${campaignId}`,
        cookies.supervisor,
      );
      const disposition = response.headers.get("content-disposition") ?? "";
      expect(disposition).toMatch(
        /^attachment; filename="results-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/,
      );
      expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toMatch(
        /^走访结果_.+_\d{4}-\d{2}-\d{2}\.csv$/,
      );
      const lines = (await csvText(response)).trimEnd().split("\r\n");
      expect(lines[0]).toBe(
        "社区,网格,地址,房间,对象类型,对象,走访结果,上门次数,上报社区,走访时间,信息员,距楼栋（米）,定位偏离,审核状态,审核意见,走访备注",
      );
      expect(lines.length - 1).toBe(await visitsUnder(streetPath));
      expect(lines.length - 1).toBe(3);
      const known = lines.find((line) => line.includes(`,${householdNo},`)) as string;
      expect(known).toBeDefined();
      const cells = known.split(",");
      expect(cells[1]).toBe(g1.name);
      expect(cells.slice(4, 11)).toEqual([
        "户",
        householdNo,
        "信息变更",
        "1",
        "",
        "2026-11-20 10:00",
        officer1Name,
      ]);
      expect(cells.slice(11)).toEqual(["", "", "已通过", "核实无误", ""]);
      expect(lines.some((line) => line.includes(",无人应答,1,,2026-11-20 11:00,"))).toBe(true);
      const after = await audits("export_results");
      expect(after.length).toBe(before + 1);
      expect(after[0].areaPath).toBe(streetPath);
      expect(after[0].detail).toMatchObject({ format: "csv", rows: { results: 3 } });
    });

    it("English headers and labels with the locale cookie", async () => {
      const response = await get(
        resultsRoute,
        "results",
        `format=csv&campaignId=${campaignId}`,
        `${cookies.supervisor}; doorstep_locale=en`,
      );
      const lines = (await csvText(response)).split("\r\n");
      expect(lines[0]).toBe(
        "Community,Grid,Address,Room,Subject type,Subject,Outcome,Attempt,Escalate,Visited at,Officer,From building (m),Far from building,Review state,Review comment,Visit note",
      );
      expect(lines.some((line) => line.includes(`,Household,${householdNo},Information changed,1,`))).toBe(
        true,
      );
    });

    it("a community supervisor's file holds their community only; another community is not found", async () => {
      const response = await get(
        resultsRoute,
        "results",
        `format=csv&campaignId=${campaignId}`,
        cookies.community,
      );
      const lines = (await csvText(response)).trimEnd().split("\r\n");
      expect(lines.length - 1).toBe(await visitsUnder(community1.path));
      expect(lines.length - 1).toBe(2);
      expect(lines.some((line) => line.includes(`,${g2.name},`))).toBe(false);
      const audited = (await audits("export_results"))[0];
      expect(audited.areaPath).toBe(community1.path);

      const before = (await audits("export_results")).length;
      const refused = await get(
        resultsRoute,
        "results",
        `format=csv&campaignId=${campaignId}&areaId=${g2.communityId}`,
        cookies.community,
      );
      expect(refused.status).toBe(404);
      expect((await refused.json()).error).toEqual({ key: "errors.notFound", message: expect.any(String) });
      const noCampaign = await get(
        resultsRoute,
        "results",
        `format=csv&campaignId=${randomUUID()}`,
        cookies.community,
      );
      expect(noCampaign.status).toBe(404);
      expect((await audits("export_results")).length).toBe(before);
    });
  });

  describe("changes", () => {
    it("XLSX: the changed field with masked register and observed values, merge result and review state", async () => {
      const before = (await audits("export_changes")).length;
      const response = await get(
        changesRoute,
        "changes",
        `format=xlsx&campaignId=${campaignId}`,
        cookies.supervisor,
      );
      const workbook = await workbookOf(response);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(["变更明细"]);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(1).values).toEqual([
        undefined,
        "社区",
        "网格",
        "地址",
        "房间",
        "记录类型",
        "记录",
        "字段",
        "台账值",
        "核查值",
        "信息员",
        "走访时间",
        "合并结果",
        "裁定值",
        "审核状态",
        "走访备注",
      ]);
      const [{ n }] = rowsOf<{ n: number }>(
        await database.db.execute(sql`
          select count(*)::int as n from changes c join visits v on v.id = c.visit_id
          join areas g on g.id = v.grid_id
          where v.campaign_id = ${campaignId} and starts_with(g.path, ${streetPath})`),
      );
      expect(sheet.rowCount - 1).toBe(n);
      expect(n).toBe(1);
      const row = sheet.getRow(2).values as unknown[];
      expect(row.slice(5)).toEqual([
        "人员",
        `${[...personName][0]}*`,
        "联系电话",
        `${oldPhone.slice(0, 3)}****${oldPhone.slice(-4)}`,
        "139****0000",
        officer1Name,
        "2026-11-20 10:00",
        "已写入",
        undefined,
        "已通过",
      ]);
      // Nothing personal leaves in full.
      const text = JSON.stringify(sheet.getSheetValues());
      expect(text).not.toContain(personName.length > 1 ? personName : "\u0000");
      expect(text).not.toContain(oldPhone);
      expect(text).not.toContain(newPhone);
      expect((await audits("export_changes")).length).toBe(before + 1);
    });

    it("CSV for the other community's supervisor holds none of grid 1's changes", async () => {
      await database.db.insert(users).values({
        username: "community2",
        displayName: "社区督导二",
        passwordHash: await hashPassword(DEMO_PASSWORD),
        role: "supervisor",
        areaId: g2.communityId,
      });
      const response = await get(
        changesRoute,
        "changes",
        `format=csv&campaignId=${campaignId}`,
        await loginAs(database, "community2"),
      );
      const lines = (await csvText(response)).trimEnd().split("\r\n");
      expect(lines).toHaveLength(1);
    });
  });

  describe("statistics", () => {
    /** The grid's figures straight from its rows, counted here in plain code. */
    async function truthOf(gridId: string) {
      const { db } = database;
      const people = await db
        .select({
          birthDate: persons.birthDate,
          personType: persons.personType,
          leftBehind: persons.leftBehind,
        })
        .from(persons)
        .where(and(eq(persons.gridId, gridId), isNull(persons.endedAt)));
      const age = (birth: string) => {
        const [y, m, d] = birth.split("-").map(Number);
        const [ty, tm, td] = today.split("-").map(Number);
        return ty - y - (tm * 100 + td < m * 100 + d ? 1 : 0);
      };
      const ages = people.map((p) => age(p.birthDate));
      const [{ h }] = await db
        .select({ h: count() })
        .from(households)
        .where(and(eq(households.gridId, gridId), isNull(households.endedAt)));
      const [{ r }] = rowsOf<{ r: number }>(
        await db.execute(
          sql`select count(*)::int as r from rentals where grid_id = ${gridId} and ended_at is null`,
        ),
      );
      const [{ tn }] = rowsOf<{ tn: number }>(
        await db.execute(sql`select count(*)::int as tn from rental_tenants t join rentals r on r.id = t.rental_id
          where r.grid_id = ${gridId} and r.ended_at is null and t.ended_at is null`),
      );
      const [{ u }] = rowsOf<{ u: number }>(
        await db.execute(
          sql`select count(*)::int as u from units where grid_id = ${gridId} and ended_at is null`,
        ),
      );
      return {
        population: people.length,
        bands: [
          ages.filter((a) => a <= 6).length,
          ages.filter((a) => a >= 7 && a <= 17).length,
          ages.filter((a) => a >= 18 && a <= 59).length,
          ages.filter((a) => a >= 60 && a <= 79).length,
          ages.filter((a) => a >= 80).length,
        ],
        elderly: ages.filter((a) => a >= 60).length,
        leftBehind: people.filter((p) => p.leftBehind).length,
        migrants: people.filter((p) => p.personType === "02").length,
        households: h,
        units: u,
        rentals: r,
        tenants: tn,
      };
    }

    it("CSV by grid: grid 1's figures equal the rows counted here", async () => {
      const before = (await audits("export_statistics")).length;
      const response = await get(statisticsRoute, "statistics", "format=csv&table=grids", cookies.supervisor);
      const lines = (await csvText(response)).trimEnd().split("\r\n");
      const header = lines[0].split(",");
      expect(header.slice(0, 12)).toEqual([
        "社区",
        "网格",
        "网格编码",
        "实有人口",
        "0-6岁",
        "7-17岁",
        "18-59岁",
        "60-79岁",
        "80+岁",
        "60岁以上",
        "残疾人",
        "低保人员",
      ]);
      const at = (name: string) => header.indexOf(name);
      const row = (lines.find((line) => line.split(",")[1] === g1.name) as string)
        .split(",")
        .map((c, i) => (i >= 3 ? Number(c) : c));
      const truth = await truthOf(g1.id);
      expect(truth.population).toBeGreaterThan(0);
      expect(row[at("实有人口")]).toBe(truth.population);
      expect(row.slice(4, 9)).toEqual(truth.bands);
      expect(row[at("60岁以上")]).toBe(truth.elderly);
      expect(row[at("留守人员")]).toBe(truth.leftBehind);
      expect(row[at("流动人口")]).toBe(truth.migrants);
      expect(row[at("户数")]).toBe(truth.households);
      expect(Number(row[at("家庭户")]) + Number(row[at("集体户")])).toBe(truth.households);
      expect(row[at("单位数")]).toBe(truth.units);
      expect(
        ["开业", "歇业", "停业", "注销/取缔"].reduce(
          (s, status) => s + (row[at(`单位·${status}`)] as number),
          0,
        ),
      ).toBe(truth.units);
      expect(row[at("出租屋")]).toBe(truth.rentals);
      expect(row[at("承租人")]).toBe(truth.tenants);
      // Every grid of the street has a row.
      const [{ grids }] = rowsOf<{ grids: number }>(
        await database.db.execute(
          sql`select count(*)::int as grids from areas where level = 'grid' and starts_with(path, ${streetPath})`,
        ),
      );
      expect(lines.length - 1).toBe(grids);
      expect((await audits("export_statistics")).length).toBe(before + 1);
    });

    it("XLSX for a community supervisor: their community only, the total equal to it, three sheets", async () => {
      const response = await get(statisticsRoute, "statistics", "format=xlsx", cookies.community);
      const workbook = await workbookOf(response);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(["按社区", "按网格", "单位按行业"]);
      const communities = workbook.getWorksheet("按社区") as ExcelJS.Worksheet;
      expect(communities.rowCount).toBe(3);
      const own = communities.getRow(2).values as unknown[];
      const total = communities.getRow(3).values as unknown[];
      expect(own.slice(1, 3)).toEqual([community1.code, community1.name]);
      expect(total[1]).toBe("合计");
      expect(total.slice(3)).toEqual(own.slice(3));
      const [{ population }] = rowsOf<{ population: number }>(
        await database.db.execute(sql`select count(*)::int as population from persons p join areas g on g.id = p.grid_id
          where p.ended_at is null and starts_with(g.path, ${community1.path})`),
      );
      expect(own[3]).toBe(population);
      const byGrid = workbook.getWorksheet("按网格") as ExcelJS.Worksheet;
      const names = (byGrid.getColumn(2).values as unknown[]).slice(2);
      expect(names).toContain(g1.name);
      expect(names).not.toContain(g2.name);
      const industries = workbook.getWorksheet("单位按行业") as ExcelJS.Worksheet;
      const unitSum = (industries.getColumn(5).values as unknown[])
        .slice(2)
        .reduce<number>((s, v) => s + Number(v), 0);
      const [{ u }] = rowsOf<{ u: number }>(
        await database.db.execute(sql`select count(*)::int as u from units x join areas g on g.id = x.grid_id
          where x.ended_at is null and starts_with(g.path, ${community1.path})`),
      );
      expect(unitSum).toBe(u);
      const refused = await get(
        statisticsRoute,
        "statistics",
        `format=csv&areaId=${g2.communityId}`,
        cookies.community,
      );
      expect(refused.status).toBe(404);
    });
  });

  describe("register", () => {
    /** Each register table's versions summed: an import that changes nothing bumps none of them. */
    const versions = async () =>
      rowsOf<Record<string, number>>(
        await database.db.execute(sql`select
          (select coalesce(sum(version), 0)::int from persons) as persons,
          (select coalesce(sum(version), 0)::int from households) as households,
          (select coalesce(sum(version), 0)::int from buildings) as buildings,
          (select coalesce(sum(version), 0)::int from rooms) as rooms,
          (select coalesce(sum(version), 0)::int from units) as units,
          (select coalesce(sum(version), 0)::int from rentals) as rentals,
          (select coalesce(sum(version), 0)::int from rental_tenants) as "rentalTenants"`),
      )[0];

    /** The rows a kind's file should hold under the area, counted straight from the tables. */
    const expectedRows = async (kind: ImportKind, areaPath: string) => {
      const queries: Record<ImportKind, ReturnType<typeof sql>> = {
        persons: sql`select count(*)::int as n from persons p
          join households h on h.id = p.household_id join areas g on g.id = h.grid_id
          where p.ended_at is null and starts_with(g.path, ${areaPath})`,
        buildings: sql`select count(*)::int as n from buildings b join areas g on g.id = b.grid_id
          where b.ended_at is null and starts_with(g.path, ${areaPath})`,
        rooms: sql`select count(*)::int as n from rooms r join areas g on g.id = r.grid_id
          where r.ended_at is null and starts_with(g.path, ${areaPath})`,
        units: sql`select count(*)::int as n from units u join areas g on g.id = u.grid_id
          where u.ended_at is null and u.uscc is not null and starts_with(g.path, ${areaPath})`,
        // One row per current tenant of a current rental, one for a rental with none.
        rentals: sql`select count(*)::int as n from rentals r join areas g on g.id = r.grid_id
          left join rental_tenants t on t.rental_id = r.id and t.ended_at is null
          where r.ended_at is null and starts_with(g.path, ${areaPath})`,
      };
      return rowsOf<{ n: number }>(await database.db.execute(queries[kind]))[0].n;
    };

    /** A register CSV as an administrator downloads it: its bytes, header line and rows by header. */
    async function registerCsv(query: string) {
      const response = await get(registerRoute, "register", query, cookies.admin);
      const bytes = await response.clone().arrayBuffer();
      const text = await csvText(response);
      const [header, ...rows] = parseCsv(text) as string[][];
      return {
        response,
        bytes,
        text,
        header,
        records: rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]]))),
      };
    }

    /** The file written to disk and imported again as its kind: the import's report. */
    async function reimport(kind: ImportKind, format: "csv" | "xlsx", bytes: ArrayBuffer) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-export-"));
      try {
        const file = path.join(dir, `register.${format}`);
        fs.writeFileSync(file, Buffer.from(bytes));
        return await importFile(database.db, {
          kind,
          file,
          translate: createTranslator("zh-CN"),
          rejectedPath: null,
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    /** Imported again: nothing inserted, updated or rejected, every one of the `n` rows unchanged. */
    async function expectRoundTrip(kind: ImportKind, format: "csv" | "xlsx", bytes: ArrayBuffer, n: number) {
      const versionsBefore = await versions();
      const report = await reimport(kind, format, bytes);
      expect(report.errors).toEqual([]);
      expect(report).toMatchObject({
        kind,
        format,
        read: n,
        inserted: 0,
        updated: 0,
        unchanged: n,
        rejected: 0,
        householdsCreated: 0,
        personsCreated: 0,
        ignoredColumns: [],
      });
      expect(report.stoppedAt).toBeUndefined();
      expect(await versions()).toEqual(versionsBefore);
      return report;
    }

    const cell = (value: string | number | null | undefined) =>
      value === null || value === undefined ? "" : String(value);

    it("re-imports with no changes: a community's persons, exported to CSV (no kind given), imported again", async () => {
      const before = (await audits("export_register")).length;
      const file = await registerCsv(`format=csv&areaId=${community1.id}`);
      expect(file.header).toEqual(PERSON_COLUMNS.map((c) => c.header));
      expect(
        decodeURIComponent((file.response.headers.get("content-disposition") ?? "").split("UTF-8''")[1]),
      ).toMatch(/^人口台账_.+_\d{4}-\d{2}-\d{2}\.csv$/);
      const n = await expectedRows("persons", community1.path);
      expect(n).toBeGreaterThan(10);
      expect(file.records).toHaveLength(n);
      // The corrected phone is the register's value now, in full: this file is unmasked.
      expect(file.text).toContain(newPhone);
      const audited = (await audits("export_register"))[0];
      expect((await audits("export_register")).length).toBe(before + 1);
      expect(audited.areaPath).toBe(community1.path);
      expect(audited.detail).toMatchObject({
        kind: "persons",
        unmasked: true,
        persons: n,
        rows: { persons: n },
      });
      // Asking for the kind by name gives the same file.
      const named = await registerCsv(`format=csv&kind=persons&areaId=${community1.id}`);
      expect(named.text).toBe(file.text);

      const report = await expectRoundTrip("persons", "csv", file.bytes, n);
      expect(report.encoding).toBe("utf-8");
    });

    it("buildings: one row per building under the buildings import's headers, with its grid code; re-imports with no changes", async () => {
      const file = await registerCsv(`format=csv&kind=buildings&areaId=${community1.id}`);
      expect(file.header).toEqual(BUILDING_COLUMNS.map((c) => c.header));
      expect(file.response.headers.get("content-disposition")).toMatch(/filename="register-buildings-/);
      expect(
        decodeURIComponent((file.response.headers.get("content-disposition") ?? "").split("UTF-8''")[1]),
      ).toMatch(/^楼栋台账_.+_\d{4}-\d{2}-\d{2}\.csv$/);
      const n = await expectedRows("buildings", community1.path);
      expect(n).toBeGreaterThan(0);
      expect(file.records).toHaveLength(n);
      // A building of grid 1, every column as the register holds it.
      const [b] = await database.db
        .select()
        .from(buildings)
        .where(eq(buildings.gridId, g1.id))
        .orderBy(asc(buildings.code))
        .limit(1);
      const [grid] = await database.db.select({ code: areas.code }).from(areas).where(eq(areas.id, g1.id));
      expect(file.records.find((r) => r.建筑物编码 === b.code)).toEqual({
        建筑物编码: b.code,
        标准地址: b.address,
        建筑物名称: cell(b.name),
        层数: cell(b.floors),
        房屋用途: cell(b.use),
        产权类型: cell(b.propertyType),
        经度: cell(b.lng),
        纬度: cell(b.lat),
        社区代码: community1.code,
        网格编码: grid.code,
      });
      expect((await audits("export_register"))[0].detail).toMatchObject({
        kind: "buildings",
        unmasked: true,
        buildings: n,
      });
      await expectRoundTrip("buildings", "csv", file.bytes, n);
    });

    it("rooms: one row per room under the rooms import's headers; re-imports with no changes", async () => {
      const file = await registerCsv(`format=csv&kind=rooms&areaId=${community1.id}`);
      expect(file.header).toEqual(ROOM_COLUMNS.map((c) => c.header));
      const n = await expectedRows("rooms", community1.path);
      expect(n).toBeGreaterThan(10);
      expect(file.records).toHaveLength(n);
      // A room with an owner, every column as the register holds it.
      const [r] = await database.db
        .select({ room: rooms, buildingCode: buildings.code })
        .from(rooms)
        .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
        .where(and(eq(rooms.gridId, g1.id), sql`${rooms.ownerName} is not null`))
        .orderBy(asc(rooms.id))
        .limit(1);
      expect(
        file.records.find(
          (x) =>
            x.建筑物编码 === r.buildingCode && x.单元 === cell(r.room.unitNo) && x.房号 === r.room.roomNo,
        ),
      ).toEqual({
        社区代码: community1.code,
        建筑物编码: r.buildingCode,
        单元: cell(r.room.unitNo),
        房号: r.room.roomNo,
        楼层: cell(r.room.floor),
        房屋用途: r.room.use,
        面积: expect.stringMatching(/^\d+(\.\d+)?$/),
        产权人: cell(r.room.ownerName),
      });
      expect((await audits("export_register"))[0].detail).toMatchObject({ kind: "rooms", rooms: n });
      await expectRoundTrip("rooms", "csv", file.bytes, n);
    });

    it("units: the administrator's whole area under the units import's headers, a stall without a credit code left out; re-imports with no changes", async () => {
      const { db } = database;
      const [room] = await db
        .select({ id: rooms.id, buildingId: rooms.buildingId })
        .from(rooms)
        .where(eq(rooms.gridId, g1.id))
        .limit(1);
      const stall = "无证小摊测试档";
      await db.insert(units).values({
        gridId: g1.id,
        buildingId: room.buildingId,
        roomId: room.id,
        name: stall,
        kind: "2",
        source: "field",
      });
      const file = await registerCsv("format=csv&kind=units");
      expect(file.header).toEqual(UNIT_COLUMNS.map((c) => c.header));
      // The seeded community of grid 1 may have no shops: the whole area has.
      const [{ adminPath }] = await db
        .select({ adminPath: areas.path })
        .from(users)
        .innerJoin(areas, eq(areas.id, users.areaId))
        .where(eq(users.username, "admin"));
      const n = await expectedRows("units", adminPath);
      expect(n).toBeGreaterThan(0);
      expect(file.records).toHaveLength(n);
      expect(file.text).not.toContain(stall);
      // A unit, every column as the register holds it, in its building's community.
      const [u] = await db
        .select({ unit: units, buildingCode: buildings.code, unitNo: rooms.unitNo, roomNo: rooms.roomNo })
        .from(units)
        .innerJoin(buildings, eq(buildings.id, units.buildingId))
        .leftJoin(rooms, eq(rooms.id, units.roomId))
        .where(sql`${units.uscc} is not null`)
        .orderBy(asc(units.uscc))
        .limit(1);
      const [{ communityCode }] = rowsOf<{ communityCode: string }>(
        await db.execute(sql`select c.code as "communityCode" from areas g join areas c on c.id = g.parent_id
          where g.id = ${u.unit.gridId}`),
      );
      expect(file.records.find((x) => x.统一社会信用代码 === u.unit.uscc)).toEqual({
        单位名称: u.unit.name,
        统一社会信用代码: u.unit.uscc,
        法定代表人: cell(u.unit.legalRep),
        法定代表人电话: cell(u.unit.legalRepPhone),
        行业: cell(u.unit.industry),
        从业人数: cell(u.unit.employees),
        单位状态: u.unit.status,
        单位类型: u.unit.kind,
        注册地址: cell(u.unit.registeredAddress),
        实际地址: cell(u.unit.actualAddress),
        联系电话: cell(u.unit.phone),
        消防治安负责人: cell(u.unit.safetyContact),
        校验说明: "",
        社区代码: communityCode,
        建筑物编码: u.buildingCode,
        单元: cell(u.unitNo),
        房号: cell(u.roomNo),
      });
      expect((await audits("export_register"))[0].detail).toMatchObject({ kind: "units", units: n });
      await expectRoundTrip("units", "csv", file.bytes, n);
    });

    it("units: a credit code taken on a 校验说明 goes out with a reason, so it comes back unchanged", async () => {
      const { db } = database;
      // As an import with 校验说明 leaves it: a code whose check character is wrong.
      const [unit] = await db
        .select({ id: units.id, uscc: units.uscc })
        .from(units)
        .where(sql`${units.uscc} is not null and ${units.endedAt} is null`)
        .orderBy(desc(units.uscc))
        .limit(1);
      const code = unit.uscc as string;
      const wrong = `${code.slice(0, 17)}${code[17] === "0" ? "1" : "0"}`;
      expect(parseUscc(wrong)).toEqual({ ok: false, error: "validation.uscc.checksum" });
      // Or a kind its department does not register (工商 has kinds 1–3), with a right check character.
      const kind4 = `94${code.slice(2, 17)}${usccCheckChar(`94${code.slice(2, 17)}`)}`;
      expect(parseUscc(kind4)).toEqual({ ok: false, error: "validation.uscc.category" });
      for (const taken of [wrong, kind4]) {
        await db.update(units).set({ uscc: taken }).where(eq(units.id, unit.id));
        try {
          const file = await registerCsv("format=csv&kind=units");
          const rows = file.records.filter((x) => x.校验说明 !== "");
          expect(rows.map((x) => [x.统一社会信用代码, x.校验说明])).toEqual([
            [taken, "此前导入时已按校验说明接收"],
          ]);
          await expectRoundTrip("units", "csv", file.bytes, file.records.length);
        } finally {
          await db.update(units).set({ uscc: code }).where(eq(units.id, unit.id));
        }
      }
    });

    it("a register read a building at a time is the same file as one read in a single page", async () => {
      const token = cookies.admin.slice(cookies.admin.indexOf("=") + 1);
      const session = await resolveSession(database.db, readEnv(), token, new Date());
      if (!session) throw new Error("the admin's session did not resolve");
      const options = {
        now: new Date(),
        ip: "203.0.113.7",
        locale: "zh-CN" as const,
        translate: createTranslator("zh-CN"),
      };
      const bytes = async (file: ExportFile) =>
        new Uint8Array(await new Response(file.body as unknown as BodyInit).arrayBuffer());
      for (const kind of ["persons", "rentals"] as const) {
        const input = { kind, format: "csv" as const, areaId: community1.id };
        const whole = await bytes(await exportRegister(database.db, session.user, input, options));
        const paged = await bytes(
          await exportRegister(database.db, session.user, input, { ...options, registerPageBuildings: 1 }),
        );
        expect(whole.length, kind).toBeGreaterThan(1_000);
        expect(Buffer.from(paged).equals(Buffer.from(whole)), kind).toBe(true);
      }
      // A download given up after its first bytes stops reading pages, and nothing is left hanging.
      for (const format of ["csv", "xlsx"] as const) {
        const file = await exportRegister(
          database.db,
          session.user,
          { kind: "persons", format, areaId: community1.id },
          { ...options, registerPageBuildings: 1 },
        );
        const reader = (file.body as ReadableStream<Uint8Array>).getReader();
        expect((await reader.read()).value?.length, format).toBeGreaterThan(0);
        await reader.cancel();
      }
      // XLSX: the same rows (the files differ in their timestamps).
      const sheetRows = async (file: ExportFile) => {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load((await bytes(file)).buffer as ArrayBuffer);
        const rows: unknown[] = [];
        workbook.worksheets[0].eachRow((row) => rows.push(row.values));
        return rows;
      };
      const input = { kind: "persons" as const, format: "xlsx" as const, areaId: community1.id };
      const whole = await sheetRows(await exportRegister(database.db, session.user, input, options));
      expect(whole.length).toBeGreaterThan(10);
      expect(
        await sheetRows(
          await exportRegister(database.db, session.user, input, { ...options, registerPageBuildings: 1 }),
        ),
      ).toEqual(whole);
    });

    it("rentals: one row per tenant, the rental repeated, and one row for a rental without tenants; re-imports with no changes", async () => {
      const { db } = database;
      // One rental of grid 1 whose tenants have all moved out: it stays, as one row with no tenant.
      const [emptied] = await db
        .select({ id: rentals.id, roomId: rentals.roomId, landlordName: rentals.landlordName })
        .from(rentals)
        .where(and(eq(rentals.gridId, g1.id), isNull(rentals.endedAt)))
        .orderBy(asc(rentals.id))
        .limit(1);
      await db
        .update(rentalTenants)
        .set({ endedAt: new Date(), endReason: "moved_out" })
        .where(eq(rentalTenants.rentalId, emptied.id));
      // And a tenant of another rental, with everything the file says of them and of their rental.
      const [tenancy] = await db
        .select({ person: persons, rental: rentals, link: rentalTenants })
        .from(rentalTenants)
        .innerJoin(persons, eq(persons.id, rentalTenants.personId))
        .innerJoin(rentals, eq(rentals.id, rentalTenants.rentalId))
        .where(and(eq(rentals.gridId, g1.id), isNull(rentalTenants.endedAt), isNull(rentals.endedAt)))
        .orderBy(asc(persons.idNumber))
        .limit(1);
      const placeOf = async (roomId: string) =>
        (
          await db
            .select({ buildingCode: buildings.code, unitNo: rooms.unitNo, roomNo: rooms.roomNo })
            .from(rooms)
            .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
            .where(eq(rooms.id, roomId))
        )[0];

      const file = await registerCsv(`format=csv&kind=rentals&areaId=${community1.id}`);
      expect(file.header).toEqual(RENTAL_COLUMNS.map((c) => c.header));
      const n = await expectedRows("rentals", community1.path);
      expect(file.records).toHaveLength(n);

      const emptyRoom = await placeOf(emptied.roomId);
      const emptyRows = file.records.filter(
        (x) =>
          x.建筑物编码 === emptyRoom.buildingCode &&
          x.单元 === cell(emptyRoom.unitNo) &&
          x.房号 === emptyRoom.roomNo,
      );
      expect(emptyRows).toHaveLength(1);
      expect(emptyRows[0].出租人姓名).toBe(emptied.landlordName);
      for (const spec of RENTAL_COLUMNS.filter(
        (c) => c.field.startsWith("tenant") || c.field === "moveInDate",
      )) {
        expect(emptyRows[0][spec.header], spec.header).toBe("");
      }

      const { person: p, rental: rt, link } = tenancy;
      const room = await placeOf(rt.roomId);
      const yesNo = (flag: boolean | null) => (flag === null ? "" : flag ? "是" : "否");
      expect(file.records.find((x) => x.承租人证件号码 === p.idNumber)).toEqual({
        社区代码: community1.code,
        建筑物编码: room.buildingCode,
        单元: cell(room.unitNo),
        房号: room.roomNo,
        出租人姓名: rt.landlordName,
        出租人证件号码: cell(rt.landlordIdNumber),
        出租人电话: cell(rt.landlordPhone),
        租赁用途: rt.use,
        出租面积: expect.stringMatching(/^\d+(\.\d+)?$/),
        出租间数: cell(rt.roomsLet),
        月租金: cell(rt.monthlyRent),
        租赁开始日期: cell(rt.leaseStart),
        租赁结束日期: cell(rt.leaseEnd),
        租赁备案证号: cell(rt.filingNo),
        限住人数: cell(rt.maxOccupants),
        实住人数: cell(rt.actualOccupants),
        灭火器: yesNo(rt.fireExtinguisher),
        逃生通道: yesNo(rt.escapeRoute),
        隐患等级: rt.hazardLevel,
        隐患描述: cell(rt.hazardNote),
        校验说明: "",
        承租人姓名: p.name,
        承租人证件类型: p.idType,
        承租人证件号码: p.idNumber,
        承租人性别: p.sex,
        承租人出生日期: p.birthDate,
        承租人电话: cell(p.phone),
        来穗日期: cell(p.arrivalDate),
        来源地: cell(p.origin),
        入住日期: cell(link.moveInDate),
      });
      // Every tenant row of that rental repeats the rental's columns.
      const sameRoom = file.records.filter(
        (x) => x.建筑物编码 === room.buildingCode && x.单元 === cell(room.unitNo) && x.房号 === room.roomNo,
      );
      expect(new Set(sameRoom.map((x) => `${x.出租人姓名}|${x.月租金}|${x.租赁开始日期}`)).size).toBe(1);

      const [{ rentalCount, tenantCount }] = rowsOf<{ rentalCount: number; tenantCount: number }>(
        await db.execute(sql`select count(distinct r.id)::int as "rentalCount", count(t.id)::int as "tenantCount"
          from rentals r join areas g on g.id = r.grid_id
          left join rental_tenants t on t.rental_id = r.id and t.ended_at is null
          where r.ended_at is null and starts_with(g.path, ${community1.path})`),
      );
      expect(tenantCount).toBeGreaterThan(rentalCount);
      expect((await audits("export_register"))[0].detail).toMatchObject({
        kind: "rentals",
        unmasked: true,
        rentals: rentalCount,
        tenants: tenantCount,
        rows: { rentals: n },
      });

      await expectRoundTrip("rentals", "csv", file.bytes, n);
      // The moved-out tenants stay moved out.
      const [{ revived }] = await db
        .select({ revived: count() })
        .from(rentalTenants)
        .where(and(eq(rentalTenants.rentalId, emptied.id), isNull(rentalTenants.endedAt)));
      expect(revived).toBe(0);
    });

    it.each([
      ["persons", "人口台账"],
      ["rentals", "出租屋台账"],
    ] as const)(
      "XLSX of %s for a grid: the import's headers in row 1, one row per record; re-imports with no changes",
      async (kind, sheetName) => {
        const response = await get(
          registerRoute,
          "register",
          `format=xlsx&kind=${kind}&areaId=${g1.id}`,
          cookies.admin,
        );
        const bytes = await response.clone().arrayBuffer();
        const workbook = await workbookOf(response);
        expect(workbook.worksheets.map((x) => x.name)).toEqual([sheetName]);
        const sheet = workbook.worksheets[0];
        expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(
          IMPORT_COLUMNS[kind].map((c) => c.header),
        );
        const [{ path: gridPath }] = await database.db
          .select({ path: areas.path })
          .from(areas)
          .where(eq(areas.id, g1.id));
        const n = await expectedRows(kind, gridPath);
        expect(n).toBeGreaterThan(0);
        expect(sheet.rowCount - 1).toBe(n);
        await expectRoundTrip(kind, "xlsx", bytes, n);
      },
    );

    it.each(IMPORT_KINDS)(
      "%s: a supervisor is told it is for administrators; nothing is written to the audit log",
      async (kind) => {
        const before = (await audits("export_register")).length;
        const response = await get(registerRoute, "register", `format=csv&kind=${kind}`, cookies.supervisor);
        expect(response.status).toBe(403);
        expect(await response.json()).toEqual({
          error: {
            key: "export.register.adminOnly",
            message: "台账不脱敏，含完整姓名、证件号码和电话，仅管理员可导出。",
          },
        });
        expect((await audits("export_register")).length).toBe(before);
      },
    );
  });

  it("refuses without a session (401), officers (403), a malformed query (400), cross-site (403); none audited", async () => {
    const all = async () =>
      (
        await database.db.select({ n: count() }).from(auditLog).where(sql`${auditLog.action} like 'export_%'`)
      )[0].n;
    const before = await all();
    const routes: [Route, string, string][] = [
      [resultsRoute, "results", `format=csv&campaignId=${campaignId}`],
      [changesRoute, "changes", `format=xlsx&campaignId=${campaignId}`],
      [registerRoute, "register", "format=csv"],
      [registerRoute, "register", "format=csv&kind=rentals"],
      [statisticsRoute, "statistics", "format=csv"],
    ];
    for (const [route, name, query] of routes) {
      const anonymous = await get(route, name, query);
      expect(anonymous.status, name).toBe(401);
      expect((await anonymous.json()).error.message).toBe("请先登录");
      const officer = await get(route, name, query, cookies.officer);
      expect(officer.status, name).toBe(403);
      expect((await officer.json()).error.key).toBe("auth.forbidden");
      const pdf = await get(route, name, query.replace(/format=\w+/, "format=pdf"), cookies.admin);
      expect(pdf.status, name).toBe(400);
      const crossSite = await get(route, name, query, cookies.admin, { "sec-fetch-site": "cross-site" });
      expect(crossSite.status, name).toBe(403);
    }
    const noCampaign = await get(resultsRoute, "results", "format=csv", cookies.supervisor);
    expect(noCampaign.status).toBe(400);
    const noSuchKind = await get(registerRoute, "register", "format=csv&kind=households", cookies.admin);
    expect(noSuchKind.status).toBe(400);
    expect(await all()).toBe(before);
  });
});
