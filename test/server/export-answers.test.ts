// GET /api/export/answers on every database kind: a campaign's questionnaire answers with two versions
// whose labels differ — every cell of the answers, repeats and statistics sheets written out by hand
// here (a multiple choice's 0/1 columns, a repeat's rows, each visit in its own version's labels, a
// masked phone, shares and a median), the CSV's first sheet, the audit row, and the refusals (another
// community's area, an officer, a campaign without a questionnaire).

import { and, eq, ne } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as answersRoute } from "@/app/api/export/answers/route";
import { areas, auditLog, campaignAreas, campaigns, questionnaires, users } from "@/db/schema";
import { parseDefinition, sheetRows, type Workbook } from "@/domain/questionnaire";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { supervisorOf, visitMutation } from "../support/push";

const BASE = "http://localhost:3000";

/** Version 1 and 2 of a small form: version 2 renames the needs question and a choice, and adds one. */
function form(version: 1 | 2): Workbook {
  const needs = version === 1 ? ["服务需求", "Service needs"] : ["需要的服务", "Services needed"];
  const meal = version === 1 ? ["助餐", "Meals"] : ["老年饭堂", "Canteen"];
  return {
    survey: sheetRows([
      ["type", "name", "label::zh", "label::en"],
      ["select_multiple needs", "needs", ...needs],
      ["phone", "phone", "电话", "Phone"],
      ["integer", "age", "年龄", "Age"],
      ["select_one yesno", "alone", "是否独居", "Lives alone"],
      ["begin_repeat", "meds", "用药", "Medicines"],
      ["text", "med_name", "药名", "Medicine"],
      ["integer", "dose", "剂量", "Dose"],
      ["end_repeat", "", "", ""],
    ]),
    choices: sheetRows([
      ["list_name", "name", "label::zh", "label::en"],
      ["needs", "meal", ...meal],
      ["needs", "doctor", "助医", "Medical help"],
      ["needs", "alarm", "紧急呼叫", "Emergency call"],
      ...(version === 2 ? [["needs", "visit", "上门服务", "Home visits"]] : []),
      ["yesno", "yes", "是", "Yes"],
      ["yesno", "no", "否", "No"],
    ]),
    settings: sheetRows([
      ["form_title::zh", "form_title::en", "form_id", "version", "default_language"],
      ["小问卷", "Small form", "small", String(version), "zh"],
    ]),
  };
}

/** A sheet's cells, row by row, an empty cell as null. */
function cellsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    out.push(Array.from({ length: sheet.columnCount }, (_, i) => row.getCell(i + 1).value ?? null));
  }
  return out;
}

describe.each(databaseKinds)("answers export on %s", (kind) => {
  let database: TestDatabase;
  let campaignId: string;
  let supervisorCookie: string;
  let officerName: string;
  let gridName: string;
  let communityName: string;
  const ids = {
    a: crypto.randomUUID(),
    b: crypto.randomUUID(),
    c: crypto.randomUUID(),
    d: crypto.randomUUID(),
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const { db } = database;
    campaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);
    for (const version of [1, 2] as const) {
      const parsed = parseDefinition(form(version));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      await db.insert(questionnaires).values({
        campaignId,
        version,
        title: "小问卷",
        definition: parsed.definition,
        sourceFile: `small-v${version}.xlsx`,
      });
    }
    const own = await objectsOfOfficer(database, "officer1");
    [{ name: gridName }] = await db.select({ name: areas.name }).from(areas).where(eq(areas.id, own.gridId));
    [{ name: communityName }] = await db
      .select({ name: areas.name })
      .from(areas)
      .where(eq(areas.id, own.communityId));
    [{ name: officerName }] = await db
      .select({ name: users.displayName })
      .from(users)
      .where(eq(users.username, "officer1"));
    const answered = (
      id: string,
      at: string,
      answers: Record<string, unknown> | null,
      version: number | null,
    ) => {
      const mutation = visitMutation(
        {
          gridId: own.gridId,
          roomId: own.roomId,
          campaignId,
          subjectType: "household",
          subjectId: own.householdId,
          visitedAt: `2026-11-20T${at}:00+08:00`,
        },
        id,
      );
      if (answers) Object.assign(mutation.payload.visit, { answers, questionnaireVersion: version });
      return mutation;
    };
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const { results } = await officer.sync.push({
      deviceId: crypto.randomUUID(),
      mutations: [
        answered(
          ids.a,
          "10:00",
          {
            needs: "meal alarm",
            phone: "13812345678",
            age: "70",
            alone: "yes",
            meds: [
              { med_name: "阿司匹林", dose: "1" },
              { med_name: "二甲双胍", dose: "2" },
            ],
          },
          1,
        ),
        answered(ids.b, "11:00", { needs: "visit", phone: "13900001111", age: "81", alone: "no" }, 2),
        answered(ids.c, "12:00", { needs: "meal", age: "64", alone: "yes" }, 2),
        answered(ids.d, "13:00", null, null),
      ],
    });
    expect(results.map((r) => r.status)).toEqual(["applied", "applied", "applied", "applied"]);
    supervisorCookie = await loginAs(database, "supervisor");
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  const get = (query: Record<string, string>, cookie: string, locale = "zh-CN") =>
    answersRoute(
      new Request(`${BASE}/api/export/answers?${new URLSearchParams(query)}`, {
        headers: { host: "localhost:3000", cookie: `${cookie}; doorstep_locale=${locale}` },
      }),
    );

  async function workbook(locale = "zh-CN") {
    const response = await get({ campaign: campaignId, format: "xlsx" }, supervisorCookie, locale);
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    return book;
  }

  it("writes a row per visit, a column per question, each visit in its own version's labels, masked", async () => {
    const book = await workbook();
    expect(book.worksheets.map((s) => s.name)).toEqual(["问卷答案", "重复组", "答案统计"]);
    const [header, codes, ...rows] = cellsOf(book.worksheets[0]);
    expect(header).toEqual([
      "走访编号",
      "走访时间",
      "信息员",
      "社区",
      "网格",
      "地址",
      "房间",
      "对象",
      "走访结果",
      "审核状态",
      "问卷版本",
      "需要的服务：老年饭堂",
      "需要的服务：助医",
      "需要的服务：紧急呼叫",
      "需要的服务：上门服务",
      "需要的服务",
      "电话",
      "年龄",
      "是否独居",
    ]);
    expect(codes).toEqual([
      "visit_id",
      "visited_at",
      "officer",
      "community",
      "grid",
      "address",
      "room",
      "subject",
      "outcome",
      "review_state",
      "questionnaire_version",
      "needs/meal",
      "needs/doctor",
      "needs/alarm",
      "needs/visit",
      "needs",
      "phone",
      "age",
      "alone",
    ]);
    expect(rows.map((row) => row[0])).toEqual([ids.a, ids.b, ids.c, ids.d]);
    expect(rows[0].slice(1, 3)).toEqual(["2026-11-20 10:00", officerName]);
    expect(rows[0].slice(3, 5)).toEqual([communityName, gridName]);
    // Version 1 names the meal choice 助餐; version 2 老年饭堂. A phone goes out masked.
    expect(rows.map((row) => row.slice(10))).toEqual([
      [1, 1, 0, 1, 0, "助餐、紧急呼叫", "138****5678", 70, "是"],
      [2, 0, 0, 0, 1, "上门服务", "139****1111", 81, "否"],
      [2, 1, 0, 0, 0, "老年饭堂", null, 64, "是"],
      [null, null, null, null, null, null, null, null, null],
    ]);
    expect(JSON.stringify(cellsOf(book.worksheets[0]))).not.toContain("13812345678");
  });

  it("writes each repeat row on the second sheet, keyed by the visit", async () => {
    const book = await workbook("en");
    expect(cellsOf(book.worksheets[1])).toEqual([
      ["Visit ID", "Repeat", "Row", "Medicine", "Dose"],
      ["visit_id", "repeat", "row", "med_name", "dose"],
      [ids.a, "Medicines", "1", "阿司匹林", 1],
      [ids.a, "Medicines", "2", "二甲双胍", 2],
    ]);
  });

  it("counts each choice among the visits that answered, and the mean and median of each number", async () => {
    const [, codes, ...rows] = cellsOf((await workbook()).worksheets[2]);
    expect(codes).toEqual([
      "community",
      "grid",
      "question",
      "question_code",
      "choice",
      "choice_code",
      "answered",
      "count",
      "share_pct",
      "mean",
      "median",
    ]);
    // Three visits answered: needs {meal, alarm}, {visit}, {meal}; ages 70, 81, 64 (sorted 64, 70,
    // 81: median 70; mean 215 / 3 = 71.67); alone yes, no, yes. Shares 2/3 = 66.7 %, 1/3 = 33.3 %.
    const expected = (grid: string) => [
      [communityName, grid, "需要的服务", "needs", "老年饭堂", "meal", 3, 2, 66.7, null, null],
      [communityName, grid, "需要的服务", "needs", "助医", "doctor", 3, 0, 0, null, null],
      [communityName, grid, "需要的服务", "needs", "紧急呼叫", "alarm", 3, 1, 33.3, null, null],
      [communityName, grid, "需要的服务", "needs", "上门服务", "visit", 3, 1, 33.3, null, null],
      [communityName, grid, "年龄", "age", null, null, 3, null, null, 71.67, 70],
      [communityName, grid, "是否独居", "alone", "是", "yes", 3, 2, 66.7, null, null],
      [communityName, grid, "是否独居", "alone", "否", "no", 3, 1, 33.3, null, null],
    ];
    expect(rows).toEqual([...expected(gridName), ...expected("全社区")]);
  });

  it("CSV holds the answers sheet alone; each export is audited with its row counts", async () => {
    const response = await get({ campaign: campaignId, format: "csv" }, supervisorCookie);
    expect(response.status).toBe(200);
    const text = await response.text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .split("\r\n")
      .filter(Boolean);
    expect(lines).toHaveLength(6); // header, codes, four visits
    expect(lines[1].startsWith("visit_id,visited_at,")).toBe(true);
    expect(lines[2]).toContain(",1,0,1,0,助餐、紧急呼叫,138****5678,70,是");
    const audits = await database.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, "export_answers"));
    expect(audits.at(-1)?.detail).toMatchObject({ format: "csv", rows: { answers: 4 } });
    expect(
      audits.some(
        (a) =>
          (a.detail as { rows: object }).rows && "answerStatistics" in (a.detail as { rows: object }).rows,
      ),
    ).toBe(true);
  });

  it("refuses another community's area, officers, and a campaign without a questionnaire", async () => {
    const { db } = database;
    const own = await objectsOfOfficer(database, "officer1");
    const [other] = await db
      .select({ id: areas.id, parentId: areas.parentId })
      .from(areas)
      .where(and(eq(areas.level, "community"), ne(areas.id, own.communityId)))
      .limit(1);
    await supervisorOf(database, other.id, "answers-foreign");
    const foreignCookie = await loginAs(database, "answers-foreign");
    const query = { campaign: campaignId, format: "xlsx" };
    expect((await get({ ...query, areaId: own.communityId }, foreignCookie)).status).toBe(404);
    expect((await get(query, await loginAs(database, "officer1"))).status).toBe(403);
    // Their own community's file holds none of officer1's visits: the header and codes alone.
    const theirs = await get({ ...query, format: "csv" }, foreignCookie);
    expect(theirs.status).toBe(200);
    expect((await theirs.text()).split("\r\n").filter(Boolean)).toHaveLength(2);
    // A campaign over the same street without a questionnaire has no answers file.
    const [bare] = await db
      .insert(campaigns)
      .values({ name: "无问卷", status: "open", startsOn: "2026-11-01" })
      .returning({ id: campaigns.id });
    await db.insert(campaignAreas).values({ campaignId: bare.id, areaId: other.parentId as string });
    expect((await get({ ...query, campaign: bare.id }, supervisorCookie)).status).toBe(404);
  });
});
