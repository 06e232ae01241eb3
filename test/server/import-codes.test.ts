import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas, buildings, campaignAreas, campaigns, householdCodes, households, rooms } from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { ensureCodesForNewHouseholds } from "@/server/services/codes";
import { importFile } from "@/server/services/import";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { callerFor, seedSmallStreet } from "../support/fixture";

/**
 * A household a persons import creates while a campaign is open gets its visit-slip code in the
 * import's own transaction: the resident can check it at once, not only after the next restart
 * (which runs ensureOpenCampaignCodes).
 */

const t = createTranslator("zh-CN");
const HEADERS = [
  "姓名",
  "公民身份号码",
  "性别",
  "出生日期",
  "户号",
  "社区代码",
  "建筑物编码",
  "单元",
  "房号",
];
const csv = (rows: string[][]) => `${rows.map((r) => r.join(",")).join("\r\n")}\r\n`;

function citizenId(birth: string, seq: number): string {
  const body = `440104${birth}${String(seq).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

describe.each(databaseKinds)("visit-slip codes for imported households (%s)", (kind) => {
  let database: TestDatabase;
  let dir: string;
  let openId: string;
  let closedId: string;
  let elsewhereId: string;
  let place: { communityCode: string; buildingCode: string; unitNo: string; roomNo: string };

  const importPersons = (name: string, rows: string[][], dryRun = false) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, csv([HEADERS, ...rows]));
    return importFile(database.db, { kind: "persons", file, translate: t, dryRun });
  };
  const row = (name: string, id: string, householdNo: string) => [
    name,
    id,
    "女",
    `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    householdNo,
    place.communityCode,
    place.buildingCode,
    place.unitNo,
    place.roomNo,
  ];
  const codesOf = (householdNo: string) =>
    database.db
      .select({
        campaignId: householdCodes.campaignId,
        code: householdCodes.code,
        gridId: householdCodes.gridId,
      })
      .from(householdCodes)
      .innerJoin(households, eq(households.id, householdCodes.householdId))
      .where(eq(households.householdNo, householdNo));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const seed = await seedSmallStreet(database);
    openId = seed.campaignId;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-import-codes-"));
    const [room] = await database.db
      .select({
        buildingCode: buildings.code,
        unitNo: rooms.unitNo,
        roomNo: rooms.roomNo,
        communityId: areas.parentId,
        communityCode: sql<string>`(select c.code from areas c where c.id = ${areas.parentId})`,
      })
      .from(rooms)
      .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
      .innerJoin(areas, eq(areas.id, buildings.gridId))
      .limit(1);
    place = { ...room, unitNo: room.unitNo ?? "" };
    // A closed campaign over the same street, and an open one over another community only: neither
    // may give the new household a code.
    const [street] = await database.db
      .select({ areaId: campaignAreas.areaId })
      .from(campaignAreas)
      .where(eq(campaignAreas.campaignId, openId));
    const [closed] = await database.db
      .insert(campaigns)
      .values({ name: "上一轮", status: "closed", startsOn: "2025-01-01", closedAt: new Date() })
      .returning({ id: campaigns.id });
    closedId = closed.id;
    await database.db.insert(campaignAreas).values({ campaignId: closedId, areaId: street.areaId });
    const [otherCommunity] = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.level, "community"), sql`${areas.id} <> ${room.communityId}`))
      .limit(1);
    const [elsewhere] = await database.db
      .insert(campaigns)
      .values({ name: "别的社区", status: "open", startsOn: "2026-01-01" })
      .returning({ id: campaigns.id });
    elsewhereId = elsewhere.id;
    await database.db.insert(campaignAreas).values({ campaignId: elsewhereId, areaId: otherCommunity.id });
  });

  afterAll(async () => {
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a dry run mints nothing", async () => {
    const report = await importPersons("dry.csv", [row("周慧", citizenId("19610203", 22), "C0001")], true);
    expect(report.householdsCreated).toBe(1);
    expect(await database.db.select().from(householdCodes)).toEqual([]);
  });

  it("a new household gets a code of each open campaign over it, at once, and the resident can check with it", async () => {
    const id = citizenId("19610203", 22);
    const report = await importPersons("new.csv", [row("周慧", id, "C0001")]);
    expect([report.inserted, report.rejected, report.householdsCreated]).toEqual([1, 0, 1]);

    const codes = await codesOf("C0001");
    expect(codes.map((c) => c.campaignId)).toEqual([openId]);
    expect(codes.map((c) => c.campaignId)).not.toContain(closedId);
    expect(codes.map((c) => c.campaignId)).not.toContain(elsewhereId);
    const [household] = await database.db
      .select({ gridId: households.gridId })
      .from(households)
      .where(eq(households.householdNo, "C0001"));
    expect(codes[0].gridId).toBe(household.gridId);

    const { caller } = await callerFor(database);
    const view = await caller.check.lookup({ name: "周慧", idNumber: id, code: codes[0].code });
    expect(view.members).toHaveLength(1);

    // Only the households this import created: the rest of the street still waits for the start.
    const all = await database.db.select({ n: sql<number>`count(*)::int` }).from(householdCodes);
    expect(all[0].n).toBe(1);
  });

  it("re-importing, or adding a member to the household, keeps its one code", async () => {
    const [before] = await codesOf("C0001");
    const report = await importPersons("again.csv", [
      row("周慧", citizenId("19610203", 22), "C0001"),
      row("周明", citizenId("19880101", 12), "C0001"),
    ]);
    expect([report.unchanged, report.inserted, report.householdsCreated]).toEqual([1, 1, 0]);
    expect(await codesOf("C0001")).toEqual([before]);
  });

  it("when the one COPY of the codes fails, the rounds with ON CONFLICT give them instead, and the rest of the transaction stands", async () => {
    // A household that has its code already stands in for a fresh code clashing with another's: the
    // COPY of both fails on it, and only the savepoint is rolled back.
    const [coded] = await database.db
      .select({ id: households.id, gridId: households.gridId })
      .from(households)
      .where(eq(households.householdNo, "C0001"));
    const [before] = await codesOf("C0001");
    const [room] = await database.db.select({ id: rooms.id, gridId: rooms.gridId }).from(rooms).limit(1);
    const made = await database.db.transaction(async (tx) => {
      const [fresh] = await tx
        .insert(households)
        .values({ gridId: room.gridId, roomId: room.id, householdNo: "C0002", kind: "1", source: "import" })
        .returning({ id: households.id, gridId: households.gridId });
      return ensureCodesForNewHouseholds(tx as never, [coded, fresh]);
    });
    expect(made).toBe(1);
    expect(await codesOf("C0001")).toEqual([before]);
    const fresh = await codesOf("C0002");
    expect(fresh.map((c) => c.campaignId)).toEqual([openId]);
    expect(fresh[0].code).toMatch(/^\S+$/);
    expect(fresh[0].code).not.toBe(before.code);
  });
});
