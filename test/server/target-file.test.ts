import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { and, eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, rowsOf } from "@/db/client";
import {
  areas,
  auditLog,
  campaignAreas,
  campaigns,
  campaignTargets,
  persons,
  units,
  users,
  visits,
} from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import "@/domain/i18n/all";
import { claimChanges, type TargetClaim } from "@/domain/target-file";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { orgCodeCheckChar, usccCheckChar } from "@/domain/validators/uscc";
import type { SessionUser } from "@/server/services/auth";
import { exportResults } from "@/server/services/export";
import { uploadTargetFile } from "@/server/services/target-file";
import { databaseKinds, openTestDatabase } from "../support/db";
import {
  addAdmin,
  callerFor,
  codeOf,
  loginAs,
  objectsOfOfficer,
  seedSmallStreet,
  sessionOf,
} from "../support/fixture";
import { visitMutation } from "../support/push";

const NOW = new Date("2026-12-06T08:00:00Z");
const t = createTranslator("zh-CN");

/** A citizen ID of Guangzhou's Yuexiu district born on `birth` (YYYYMMDD), with its right check character. */
const citizenId = (birth: string, seq: string) => {
  const first17 = `440104${birth}${seq}`;
  return first17 + citizenIdCheckChar(first17);
};

/** A file uploaded as the upload route passes it on: saved, then read by the service. */
function uploadFile(
  database: Database,
  user: SessionUser,
  campaignId: string,
  fileName: string,
  content: Uint8Array | string,
) {
  return uploadTargetFile(
    database.db,
    user,
    { campaignId, upload: saved(fileName, content), fileName },
    { now: NOW, translate: t },
  );
}

/** The file saved as the upload route saves it (a private folder the service removes once read). */
function saved(name: string, bytes: Uint8Array | string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "target-file-test-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { id: randomUUID(), dir, file, bytes: fs.statSync(file).size };
}

/** The campaign's results export as CSV rows (header first). */
async function exported(database: Database, user: SessionUser, campaignId: string) {
  const file = await exportResults(
    database.db,
    user,
    { format: "csv", campaignId },
    { now: NOW, ip: "127.0.0.1", locale: "zh-CN", translate: t },
  );
  const bytes = file.body as Uint8Array;
  return parseCsv(new TextDecoder().decode(bytes.slice(3))) as string[][];
}

const csv = (rows: string[][]) => `${rows.map((r) => r.join(",")).join("\n")}\n`;

interface Place {
  personId: string;
  idNumber: string;
  name: string;
  roomId: string;
  buildingCode: string;
  unitNo: string | null;
  roomNo: string;
}

describe.each(databaseKinds)("a department's returned file, on %s", (kind) => {
  let database: Database;
  let admin: SessionUser;
  let communityA: { id: string; path: string };
  let communityB: { id: string; path: string };
  /** Registered persons with their room, of community A (three) and B (one). */
  let inA: Place[];
  let inB: Place;

  async function placesUnder(pathPrefix: string, count: number): Promise<Place[]> {
    return rowsOf<Place>(
      await database.db.execute(sql`select p.id as "personId", p.id_number as "idNumber", p.name, r.id as "roomId",
          b.code as "buildingCode", r.unit_no as "unitNo", r.room_no as "roomNo"
        from persons p left join households h on h.id = p.household_id
        join rooms r on r.id = coalesce(p.room_id, h.room_id) and r.ended_at is null
        join buildings b on b.id = r.building_id join areas g on g.id = p.grid_id
        where p.ended_at is null and p.id_type = '1' and p.id_number is not null and starts_with(g.path, ${pathPrefix})
        order by p.id_number limit ${count}`),
    );
  }

  async function fileCampaign(areaId: string) {
    const [campaign] = await database.db
      .insert(campaigns)
      .values({ name: "户籍回流核实", startsOn: "2026-12-01", targetKind: "file" })
      .returning({ id: campaigns.id });
    await database.db.insert(campaignAreas).values({ campaignId: campaign.id, areaId });
    return campaign.id;
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    admin = await sessionOf(database, "admin");
    // The first two communities with registered people (a small seed leaves some empty).
    [communityA, communityB] = rowsOf<{ id: string; path: string }>(
      await database.db.execute(sql`select c.id, c.path from areas c where c.level = 'community'
        and (select count(*) from persons p join areas g on g.id = p.grid_id
          where starts_with(g.path, c.path)) >= 10
        order by c.path limit 2`),
    );
    inA = await placesUnder(communityA.path, 3);
    [inB] = await placesUnder(communityB.path, 1);
    // Two people at two different rooms: row 3's "moved in at another room" needs them apart.
    expect(inA[0].roomId).not.toBe(inA[2].roomId);
  }, 120_000);
  afterAll(() => database?.close());

  it("matches each row to the register and reports it: matched, with differences, at the room, rejected with the reason", async () => {
    const campaignId = await fileCampaign(communityA.id);
    const [p1, p2, p3] = inA;
    const newcomer = citizenId("19900315", "123");
    const stranger = citizenId("19850101", "456");
    const badId = `${newcomer.slice(0, 17)}${newcomer[17] === "0" ? "1" : "0"}`;
    const room = (p: Place) => [p.buildingCode, p.unitNo ?? "", p.roomNo];
    const file = csv([
      ["变动类型", "变动日期", "身份证号", "姓名", "建筑物编码", "单元", "房号", "备注"],
      /* 2 */ ["迁入", "2026-11-02", newcomer, "新来人", ...room(p1), ""],
      /* 3 */ ["死亡", "2026/10/1", p1.idNumber, p1.name, ...room(p1), ""],
      /* 4 */ ["迁入", "2026-11-20", p2.idNumber, p2.name, ...room(p3), "户籍迁入"],
      /* 5 */ ["出生", "2026-09-09", "", "新生儿", ...room(p3), ""],
      /* 6 */ ["迁出", "", stranger, "外人", "", "", "", ""],
      /* 7 */ ["死亡", "", badId, "错号", "", "", "", ""],
      /* 8 */ ["新增低保", "", inB.idNumber, inB.name, "", "", "", ""],
      /* 9 */ ["迁入", "", citizenId("19700101", "789"), "别处人", ...room(inB), ""],
      /* 10 */ ["结婚", "", p3.idNumber, p3.name, "", "", "", ""],
      /* 11 */ ["死亡", "2026/10/1", p1.idNumber, p1.name, ...room(p1), "重复一行"],
    ]);
    const report = await uploadFile(database, admin, campaignId, "回流.csv", file);
    expect(report.rows.map((r) => [r.row, r.outcome, r.reasonKey])).toEqual([
      [2, "room", null],
      [3, "matched", null],
      [4, "matched_diff", null],
      [5, "room", null],
      [6, "rejected", "targetFile.reason.notFound"],
      [7, "rejected", "targetFile.reason.idNumber"],
      [8, "rejected", "targetFile.reason.notFound"],
      [9, "rejected", "targetFile.reason.notFound"],
      [10, "rejected", "targetFile.reason.claim"],
      [11, "rejected", "targetFile.reason.duplicate"],
    ]);
    expect(report.rows[2].differences).toEqual(["room"]);
    expect(report.rows[5].reason).toContain(`${badId.slice(0, 3)}***`);
    expect(report.rows[5].reason).not.toContain(badId);
    expect([report.read, report.matched, report.matchedDiff, report.room, report.rejected]).toEqual([
      10, 1, 1, 2, 6,
    ]);
    // The report is read on a screen: names and ID numbers masked.
    expect(JSON.stringify(report)).not.toContain(p1.idNumber);

    const targets = await database.db
      .select()
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaignId))
      .orderBy(campaignTargets.fileRow);
    expect(targets.map((x) => [x.fileRow, x.subjectKind, x.roomId])).toEqual([
      [2, "person", p1.roomId],
      [3, "person", p1.roomId],
      [4, "person", p3.roomId],
      [5, "person", p3.roomId],
    ]);
    expect(targets[1].subjectId).toBe(p1.personId);
    expect(targets[2].subjectId).toBe(p2.personId);
    const claim = targets[1].claim as TargetClaim;
    expect([claim.kind, claim.date, claim.outcome]).toEqual(["death", "2026-10-01", "matched"]);
    expect((targets[0].claim as TargetClaim).idNumber).toBe(newcomer);
    const [stored] = await database.db
      .select({ files: campaigns.targetFiles })
      .from(campaigns)
      .where(eq(campaigns.id, campaignId));
    expect(stored.files?.map((f) => [f.file, f.read, f.rejected])).toEqual([["回流.csv", 10, 6]]);
    const audits = await database.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.action, "campaign.targetFile"), eq(auditLog.entityId, campaignId)));
    expect(audits).toHaveLength(1);

    // The results export answers every line of the file, in its order, none visited yet.
    const [header, ...lines] = await exported(database, admin, campaignId);
    const col = (name: string) => header.indexOf(name);
    expect(lines.map((l) => [l[col("原文件行号")], l[col("核实结论")]])).toEqual([
      ["2", "未走访"],
      ["3", "未走访"],
      ["4", "未走访"],
      ["5", "未走访"],
      ["6", "未采用"],
      ["7", "未采用"],
      ["8", "未采用"],
      ["9", "未采用"],
      ["10", "未采用"],
      ["11", "未采用"],
    ]);
    expect(lines[5][col("核实情况/原因")]).toContain("身份证号");
  });

  it("reads an XLSX the same way, and refuses a file without the change column, writing nothing", async () => {
    const campaignId = await fileCampaign(communityA.id);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("回流");
    sheet.addRow(["事项", "公民身份号码"]);
    sheet.addRow(["新增低保", inA[1].idNumber]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const report = await uploadFile(database, admin, campaignId, "低保.xlsx", bytes);
    expect(report.rows.map((r) => [r.row, r.outcome, r.kind])).toEqual([[2, "matched", "low_income"]]);

    const upload = saved("坏.csv", csv([["身份证号"], [inA[1].idNumber]]));
    expect(
      await codeOf(
        uploadTargetFile(
          database.db,
          admin,
          { campaignId, upload, fileName: "坏.csv" },
          { now: NOW, translate: t },
        ),
      ),
    ).toBe("BAD_REQUEST");
    expect(fs.existsSync(upload.dir)).toBe(false);
    const count = await database.db
      .select({ id: campaignTargets.id })
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaignId));
    expect(count).toHaveLength(1);
  });

  it("refuses an administrator of one community another community's campaign, and a supervisor any", async () => {
    const campaignB = await fileCampaign(communityB.id);
    const campaignA = await fileCampaign(communityA.id);
    await addAdmin(database, "admin-a", communityA.id);
    const adminA = await sessionOf(database, "admin-a");
    const supervisor = await sessionOf(database, "supervisor");
    const file = csv([
      ["变动类型", "身份证号"],
      ["迁出", inB.idNumber],
    ]);
    const upload = (user: SessionUser, campaignId: string) =>
      codeOf(uploadFile(database, user, campaignId, "回流.csv", file));
    expect(await upload(adminA, campaignB)).toBe("NOT_FOUND");
    expect(await upload(supervisor, campaignA)).toBe("FORBIDDEN");
    expect(await upload(supervisor, campaignB)).toBe("FORBIDDEN");
    const made = await database.db
      .select({ id: campaignTargets.id })
      .from(campaignTargets)
      .where(sql`${campaignTargets.campaignId} in (${campaignA}, ${campaignB})`);
    expect(made).toHaveLength(0);
    // Within their own campaign, a row naming a person of the other community is "not found".
    const report = await uploadFile(database, adminA, campaignA, "回流.csv", file);
    expect(report.rows.map((r) => r.reasonKey)).toEqual(["targetFile.reason.notFound"]);
  });

  it("refuses a campaign that is not a returned-file one", async () => {
    const [campaign] = await database.db
      .insert(campaigns)
      .values({ name: "全部门户", startsOn: "2026-12-01" })
      .returning({ id: campaigns.id });
    await database.db.insert(campaignAreas).values({ campaignId: campaign.id, areaId: communityA.id });
    const file = csv([
      ["变动类型", "身份证号"],
      ["迁出", inA[0].idNumber],
    ]);
    expect(await codeOf(uploadFile(database, admin, campaign.id, "回流.csv", file))).toBe("BAD_REQUEST");
  });
});

describe.each(databaseKinds)("a returned file's claims verified at the door, on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  }, 120_000);
  afterAll(() => database?.close());

  /**
   * A returned-file campaign over officer1's community, its grid given to officer1, and the callers of
   * the three roles the tests act as.
   */
  async function fileCampaign(name: string) {
    const admin = await sessionOf(database, "admin");
    const adminCaller = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const { gridId } = await objectsOfOfficer(database, "officer1");
    const [grid] = await database.db
      .select({ parentId: areas.parentId })
      .from(areas)
      .where(eq(areas.id, gridId));
    const [campaign] = await database.db
      .insert(campaigns)
      .values({ name, startsOn: "2026-12-01", targetKind: "file" })
      .returning({ id: campaigns.id });
    await database.db
      .insert(campaignAreas)
      .values({ campaignId: campaign.id, areaId: grid.parentId as string });
    const [officerRow] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, "officer1"));
    await adminCaller.campaign.assign({ campaignId: campaign.id, gridId, officerId: officerRow.id });
    return { admin, adminCaller, officer, supervisor, gridId, campaign };
  }

  it("a confirmed move-in reaches the register through the review gate; a refuted one does not", async () => {
    const { admin, adminCaller, officer, supervisor, gridId, campaign } = await fileCampaign("户籍迁入核实");
    const rooms = rowsOf<{ roomId: string; buildingCode: string; unitNo: string | null; roomNo: string }>(
      await database.db.execute(sql`select r.id as "roomId", b.code as "buildingCode", r.unit_no as "unitNo",
          r.room_no as "roomNo"
        from rooms r join buildings b on b.id = r.building_id
        where r.grid_id = ${gridId} and r.ended_at is null order by b.code, r.room_no limit 2`),
    );
    const confirmedId = citizenId("19920202", "135");
    const refutedId = citizenId("19930303", "246");
    const at = (r: (typeof rooms)[number]) => [r.buildingCode, r.unitNo ?? "", r.roomNo];
    await uploadFile(
      database,
      admin,
      campaign.id,
      "迁入.csv",
      csv([
        ["变动类型", "变动日期", "身份证号", "姓名", "建筑物编码", "单元", "房号"],
        ["迁入", "2026-11-01", confirmedId, "王迁入", ...at(rooms[0])],
        ["迁入", "2026-11-02", refutedId, "李未到", ...at(rooms[1])],
      ]),
    );
    const targets = await database.db
      .select()
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaign.id))
      .orderBy(campaignTargets.fileRow);
    expect(targets).toHaveLength(2);

    const confirm = visitMutation({ gridId, roomId: rooms[0].roomId, campaignId: campaign.id });
    const changes = claimChanges(confirm.id, targets[0], targets[0].claim as TargetClaim, null, "2026-12-06");
    confirm.payload.changes = changes;
    (confirm.payload.visit as Record<string, unknown>).outcome = "changed";
    (confirm.payload.visit as Record<string, unknown>).claims = [
      { targetId: targets[0].id, answer: "confirmed", found: null },
    ];
    const refute = visitMutation({ gridId, roomId: rooms[1].roomId, campaignId: campaign.id });
    (refute.payload.visit as Record<string, unknown>).claims = [
      { targetId: targets[1].id, answer: "refuted", found: "房屋空置，无此人" },
    ];
    // A claim of another door is refused: the answer must be given where the target is.
    const misplaced = visitMutation({ gridId, roomId: rooms[1].roomId, campaignId: campaign.id });
    (misplaced.payload.visit as Record<string, unknown>).claims = [
      { targetId: targets[0].id, answer: "refuted", found: null },
    ];
    const { results } = await officer.sync.push({
      deviceId: randomUUID(),
      mutations: [confirm, refute, misplaced],
    });
    expect(results.map((r) => r.status)).toEqual(["applied", "applied", "rejected"]);

    // The reviewer sees the department's line beside the officer's word, masked until revealed.
    const seen = await supervisor.review.visit({ id: confirm.id });
    expect(seen.claims).toMatchObject([
      {
        targetId: targets[0].id,
        fileRow: 2,
        kind: "move_in",
        date: "2026-11-01",
        name: "王*",
        idNumber: `${confirmedId.slice(0, 3)}***********${confirmedId.slice(14)}`,
        outcome: "room",
        answer: "confirmed",
        found: null,
      },
    ]);
    const revealed = await supervisor.review.reveal({ id: confirm.id });
    expect(revealed.claims).toMatchObject([{ name: "王迁入", idNumber: confirmedId }]);
    expect((await supervisor.review.visit({ id: refute.id })).claims).toMatchObject([
      { targetId: targets[1].id, kind: "move_in", answer: "refuted", found: "房屋空置，无此人" },
    ]);

    const registered = (idNumber: string) =>
      database.db
        .select({ name: persons.name, roomId: persons.roomId })
        .from(persons)
        .where(eq(persons.idNumber, idNumber));
    // Pending until approved: the register does not hold a claim the reviewer has not seen.
    expect(await registered(confirmedId)).toEqual([]);
    const versionOf = async (id: string) =>
      (await database.db.select({ version: visits.version }).from(visits).where(eq(visits.id, id)))[0]
        .version;
    await supervisor.review.decide({
      visits: [
        { id: confirm.id, version: await versionOf(confirm.id) },
        { id: refute.id, version: await versionOf(refute.id) },
      ],
      decision: "approve",
      comment: null,
    });
    expect(await registered(confirmedId)).toEqual([{ name: "王迁入", roomId: rooms[0].roomId }]);
    expect(await registered(refutedId)).toEqual([]);
    const [stored] = await database.db
      .select({ claims: visits.claims })
      .from(visits)
      .where(eq(visits.id, refute.id));
    expect(stored.claims).toEqual([
      { targetId: targets[1].id, answer: "refuted", found: "房屋空置，无此人" },
    ]);
    await adminCaller.campaign.close({ id: campaign.id });
  });

  it("a confirmed move-in of someone the register holds in another room of the grid moves them there once approved, and adds no second person", async () => {
    const { admin, adminCaller, officer, supervisor, gridId, campaign } =
      await fileCampaign("迁入核实（在册）");
    // A registered person of the grid, and another room of the grid that the department names.
    const [registered] = rowsOf<{
      id: string;
      idNumber: string;
      name: string;
      roomId: string;
      householdId: string;
      householdNo: string;
      ownRoomId: string | null;
      ownRoom: string | null;
    }>(
      await database.db.execute(sql`select p.id, p.id_number as "idNumber", p.name, h.room_id as "roomId",
          h.id as "householdId", h.household_no as "householdNo", p.room_id as "ownRoomId",
          (select coalesce(b.name, b.address) || ' ' || coalesce(r.unit_no || ' ', '') || r.room_no
            from rooms r join buildings b on b.id = r.building_id where r.id = p.room_id) as "ownRoom"
        from persons p join households h on h.id = p.household_id
        where p.grid_id = ${gridId} and p.ended_at is null and p.id_type = '1'
        order by p.id_number limit 1`),
    );
    const [door] = rowsOf<{
      roomId: string;
      buildingCode: string;
      buildingName: string;
      unitNo: string | null;
      roomNo: string;
    }>(
      await database.db.execute(sql`select r.id as "roomId", b.code as "buildingCode", r.unit_no as "unitNo",
          r.room_no as "roomNo", coalesce(b.name, b.address) as "buildingName"
        from rooms r join buildings b on b.id = r.building_id
        where r.grid_id = ${gridId} and r.ended_at is null and r.id <> ${registered.roomId}
        order by b.code, r.room_no limit 1`),
    );
    await uploadFile(
      database,
      admin,
      campaign.id,
      "迁入.csv",
      csv([
        ["变动类型", "变动日期", "身份证号", "姓名", "建筑物编码", "单元", "房号"],
        [
          "迁入",
          "2026-11-01",
          registered.idNumber,
          registered.name,
          door.buildingCode,
          door.unitNo ?? "",
          door.roomNo,
        ],
      ]),
    );
    const [target] = await database.db
      .select()
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaign.id));
    expect(target).toMatchObject({ subjectId: registered.id, roomId: door.roomId });
    expect(target.claim).toMatchObject({
      outcome: "matched_diff",
      registered: { roomId: registered.ownRoomId, householdId: registered.householdId, gridId },
    });

    // At the door the phone holds no such person in this room (they are registered in another one).
    const confirm = visitMutation({ gridId, roomId: door.roomId, campaignId: campaign.id });
    const moves = claimChanges(confirm.id, target, target.claim as TargetClaim, null, "2026-12-06");
    confirm.payload.changes = moves;
    (confirm.payload.visit as Record<string, unknown>).claims = [
      { targetId: target.id, answer: "confirmed", found: null },
    ];
    // The same move without the confirmation, or to another room than the door's, is refused alone:
    // no form moves a person; only a move-in confirmed where the target is.
    const refuted = visitMutation({ gridId, roomId: door.roomId, campaignId: campaign.id });
    refuted.payload.changes = moves.map((change) => ({ ...change, id: randomUUID(), visitId: refuted.id }));
    (refuted.payload.visit as Record<string, unknown>).claims = [
      { targetId: target.id, answer: "refuted", found: "无此人" },
    ];
    const elsewhere = visitMutation({ gridId, roomId: door.roomId, campaignId: campaign.id });
    elsewhere.payload.changes = [
      { ...moves[0], id: randomUUID(), visitId: elsewhere.id, observedValue: registered.roomId },
    ];
    (elsewhere.payload.visit as Record<string, unknown>).claims = [
      { targetId: target.id, answer: "confirmed", found: null },
    ];
    const { results } = await officer.sync.push({
      deviceId: randomUUID(),
      mutations: [refuted, elsewhere, confirm],
    });
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "applied"]);
    expect(results.slice(0, 2).map((r) => (r.status === "rejected" ? r.key : null))).toEqual([
      "validation.visit.field",
      "validation.visit.field",
    ]);

    // The reviewer reads places, not ids: the room and household the person leaves and the door; and
    // is not warned that nothing moves, since it does.
    expect((await supervisor.review.visit({ id: confirm.id })).claims).toMatchObject([
      { kind: "move_in", outcome: "matched_diff", staysPut: false, answer: "confirmed" },
    ]);
    const seen = await supervisor.review.visit({ id: confirm.id });
    expect(
      seen.changes.map((c) => [
        c.entityId,
        c.field,
        c.status,
        c.registerValue,
        c.observedValue,
        c.registerNow,
      ]),
    ).toEqual([
      [
        registered.id,
        "roomId",
        "pending",
        registered.ownRoom,
        `${door.buildingName} ${[door.unitNo, door.roomNo].filter(Boolean).join(" ")}`,
        registered.ownRoom,
      ],
      [registered.id, "householdId", "pending", registered.householdNo, null, registered.householdNo],
    ]);
    const before = await database.db
      .select({ roomId: persons.roomId, householdId: persons.householdId })
      .from(persons)
      .where(eq(persons.id, registered.id));
    expect(before).toEqual([{ roomId: registered.ownRoomId, householdId: registered.householdId }]);
    const [pushed] = await database.db
      .select({ version: visits.version, claims: visits.claims })
      .from(visits)
      .where(eq(visits.id, confirm.id));
    expect(pushed.claims).toEqual([{ targetId: target.id, answer: "confirmed", found: null }]);
    await supervisor.review.decide({
      visits: [{ id: confirm.id, version: pushed.version }],
      decision: "approve",
      comment: null,
    });
    const held = await database.db
      .select({
        id: persons.id,
        endedAt: persons.endedAt,
        roomId: persons.roomId,
        householdId: persons.householdId,
      })
      .from(persons)
      .where(eq(persons.idNumber, registered.idNumber));
    expect(held).toEqual([{ id: registered.id, endedAt: null, roomId: door.roomId, householdId: null }]);
    await adminCaller.campaign.close({ id: campaign.id });
  });

  it("a move-in whose person moved meanwhile is a conflict in words, settled by keeping a side, never by a typed room", async () => {
    const { admin, adminCaller, officer, supervisor, gridId, campaign } =
      await fileCampaign("迁入核实（冲突）");
    const [person] = rowsOf<{ id: string; idNumber: string; name: string; roomId: string }>(
      await database.db.execute(sql`select p.id, p.id_number as "idNumber", p.name, p.room_id as "roomId"
        from persons p
        where p.grid_id = ${gridId} and p.ended_at is null and p.id_type = '1' and p.room_id is not null
        order by p.id_number desc limit 1`),
    );
    const doors = rowsOf<{ roomId: string; buildingCode: string; unitNo: string | null; roomNo: string }>(
      await database.db.execute(sql`select r.id as "roomId", b.code as "buildingCode", r.unit_no as "unitNo",
          r.room_no as "roomNo"
        from rooms r join buildings b on b.id = r.building_id
        where r.grid_id = ${gridId} and r.ended_at is null and r.id <> ${person.roomId}
        order by b.code desc, r.room_no desc limit 2`),
    );
    const [door, third] = doors;
    await uploadFile(
      database,
      admin,
      campaign.id,
      "迁入.csv",
      csv([
        ["变动类型", "身份证号", "姓名", "建筑物编码", "单元", "房号"],
        ["迁入", person.idNumber, person.name, door.buildingCode, door.unitNo ?? "", door.roomNo],
      ]),
    );
    const [target] = await database.db
      .select()
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaign.id));
    const confirm = visitMutation({ gridId, roomId: door.roomId, campaignId: campaign.id });
    confirm.payload.changes = claimChanges(
      confirm.id,
      target,
      target.claim as TargetClaim,
      null,
      "2026-12-06",
    );
    (confirm.payload.visit as Record<string, unknown>).claims = [
      { targetId: target.id, answer: "confirmed", found: null },
    ];
    const { results } = await officer.sync.push({ deviceId: randomUUID(), mutations: [confirm] });
    expect(results.map((r) => r.status)).toEqual(["applied"]);
    // Meanwhile the register moves them elsewhere (another department's file, say).
    await database.db.update(persons).set({ roomId: third.roomId }).where(eq(persons.id, person.id));
    const [pushed] = await database.db
      .select({ version: visits.version })
      .from(visits)
      .where(eq(visits.id, confirm.id));
    await supervisor.review.decide({
      visits: [{ id: confirm.id, version: pushed.version }],
      decision: "approve",
      comment: null,
    });
    const inbox = (await supervisor.conflict.list()).filter((c) => c.visitId === confirm.id);
    const words = (r: (typeof doors)[number]) => [r.unitNo, r.roomNo].filter(Boolean).join(" ");
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ entityId: person.id, field: "roomId" });
    // Places, not ids: the door the officer saw them at, and the room the register holds now.
    expect(String(inbox[0].observedValue).endsWith(words(door))).toBe(true);
    expect(String(inbox[0].serverValue).endsWith(words(third))).toBe(true);
    const resolve = (choice: "server" | "observed" | "other", value?: unknown) =>
      supervisor.conflict.resolve({
        mutationId: randomUUID(),
        deviceId: randomUUID(),
        changeId: inbox[0].changeId,
        choice,
        value,
      });
    const typed = await resolve("other", person.roomId);
    expect(typed).toMatchObject({ status: "rejected", key: "validation.visit.field" });
    expect((await resolve("observed")).status).toBe("applied");
    const [now] = await database.db
      .select({ roomId: persons.roomId })
      .from(persons)
      .where(eq(persons.id, person.id));
    expect(now.roomId).toBe(door.roomId);
    await adminCaller.campaign.close({ id: campaign.id });
  });

  it("a unit's confirmed move-out ends the unit once approved", async () => {
    const { admin, adminCaller, officer, supervisor, gridId, campaign } = await fileCampaign("单位迁出核实");
    // A unit registered in a room of the grid (the small street's units have no room of their own).
    const [room] = rowsOf<{ roomId: string; buildingId: string }>(
      await database.db.execute(sql`select r.id as "roomId", r.building_id as "buildingId" from rooms r
        where r.grid_id = ${gridId} and r.ended_at is null order by r.room_no desc limit 1`),
    );
    const orgCode = `MA5UNAT0${orgCodeCheckChar("MA5UNAT0")}`;
    const [unit] = await database.db
      .insert(units)
      .values({
        gridId,
        buildingId: room.buildingId,
        roomId: room.roomId,
        name: "某某餐饮店",
        uscc: `91440101${orgCode}${usccCheckChar(`91440101${orgCode}`)}`,
      })
      .returning({
        id: units.id,
        uscc: units.uscc,
        name: units.name,
        roomId: units.roomId,
        version: units.version,
      });
    const report = await uploadFile(
      database,
      admin,
      campaign.id,
      "单位.csv",
      csv([
        ["变动类型", "变动日期", "统一社会信用代码", "姓名"],
        ["迁出", "2026-11-30", unit.uscc as string, unit.name],
        ["死亡", "2026-11-30", unit.uscc as string, unit.name],
      ]),
    );
    expect(report.rows.map((r) => [r.row, r.outcome, r.reasonKey])).toEqual([
      [2, "matched", null],
      [3, "rejected", "targetFile.reason.unitClaim"],
    ]);
    const [target] = await database.db
      .select()
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, campaign.id));
    expect(target).toMatchObject({ subjectKind: "unit", subjectId: unit.id, roomId: room.roomId });

    const confirm = visitMutation({ gridId, roomId: room.roomId, campaignId: campaign.id });
    confirm.payload.changes = claimChanges(
      confirm.id,
      target,
      target.claim as TargetClaim,
      { id: unit.id, version: unit.version, endedAt: null },
      "2026-12-06",
    );
    (confirm.payload.visit as Record<string, unknown>).outcome = "changed";
    (confirm.payload.visit as Record<string, unknown>).claims = [
      { targetId: target.id, answer: "confirmed", found: null },
    ];
    const { results } = await officer.sync.push({ deviceId: randomUUID(), mutations: [confirm] });
    expect(results.map((r) => r.status)).toEqual(["applied"]);
    const unitNow = async () =>
      (
        await database.db
          .select({ endedAt: units.endedAt, endReason: units.endReason })
          .from(units)
          .where(eq(units.id, unit.id))
      )[0];
    expect(await unitNow()).toEqual({ endedAt: null, endReason: null });
    const [pushed] = await database.db
      .select({ version: visits.version })
      .from(visits)
      .where(eq(visits.id, confirm.id));
    await supervisor.review.decide({
      visits: [{ id: confirm.id, version: pushed.version }],
      decision: "approve",
      comment: null,
    });
    const ended = await unitNow();
    expect(ended.endReason).toBe("moved_out");
    // The register keeps the day as China's midnight.
    expect(ended.endedAt).toEqual(new Date("2026-11-30T00:00:00+08:00"));
    await adminCaller.campaign.close({ id: campaign.id });
  });
});
