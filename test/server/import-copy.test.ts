import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { areas, auditLog, buildings, householdCodes, households, persons, rooms } from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { importFile } from "@/server/services/import";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";

// The import's batches load by COPY into a staging table and merge from there (server/services/bulk.ts).
// These pin what that must not change: the row-level report, rejected rows file and audit entry of a
// file of good and bad rows spread over several batches (the same, literally, as the row-by-row JSON
// writes gave: this file passed on them before the change), and a batch's atomicity when the merge
// fails half-way through it.

const t = createTranslator("zh-CN");

function citizenId(birth: string, seq: number): string {
  const body = `440104${birth}${String(seq).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

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
  "联系电话",
];
const csv = (rows: string[][]) => `${rows.map((r) => r.join(",")).join("\r\n")}\r\n`;

describe.each(databaseKinds)("import through COPY and a staging table (%s)", (kind) => {
  let database: TestDatabase;
  let dir: string;
  let place: {
    communityCode: string;
    buildingCode: string;
    unitNo: string;
    roomNo: string;
    otherRoomNo: string;
  };
  const person = (name: string, id: string, birth: string, no: string, over: Record<number, string> = {}) => {
    const cells = [
      name,
      id,
      "女",
      birth,
      no,
      place.communityCode,
      place.buildingCode,
      place.unitNo,
      place.roomNo,
      "13812345678",
    ];
    for (const [i, v] of Object.entries(over)) cells[Number(i)] = v;
    return cells;
  };
  const write = (name: string, rows: string[][]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, csv([HEADERS, ...rows]));
    return p;
  };
  const lastAudit = async () => {
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "import"))
      .orderBy(sql`${auditLog.id} desc`)
      .limit(1);
    return entry.detail as Record<string, unknown>;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-import-copy-"));
    const [r] = await database.db
      .select({
        roomId: rooms.id,
        buildingId: rooms.buildingId,
        buildingCode: buildings.code,
        unitNo: rooms.unitNo,
        roomNo: rooms.roomNo,
        communityCode: sql<string>`(select c.code from areas c where c.id = ${areas.parentId})`,
      })
      .from(rooms)
      .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
      .innerJoin(areas, eq(areas.id, buildings.gridId))
      .where(sql`${rooms.unitNo} is not null`)
      .orderBy(rooms.id)
      .limit(1);
    const [other] = await database.db
      .select({ roomNo: rooms.roomNo })
      .from(rooms)
      .where(
        sql`${rooms.buildingId} = ${r.buildingId} and ${rooms.unitNo} is not distinct from ${r.unitNo} and ${rooms.id} <> ${r.roomId}`,
      )
      .limit(1);
    place = { ...r, unitNo: r.unitNo ?? "", otherRoomNo: other.roomNo };
  });

  afterAll(async () => {
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a file of good and bad rows over several batches gets the same report, rejected file and audit", async () => {
    const a = citizenId("19500101", 2);
    const b = citizenId("19600202", 4);
    const c = citizenId("19700303", 6);
    const d = citizenId("19800404", 8);
    const bad = `${a.slice(0, 17)}${a[17] === "0" ? "1" : "0"}`;
    // First load: a and b, so the second file has something to update and something unchanged.
    const first = await importFile(database.db, {
      kind: "persons",
      file: write("first.csv", [
        person("甲", a, "1950-01-01", "K001"),
        person("乙", b, "1960-02-02", "K001"),
      ]),
      translate: t,
      rejectedPath: null,
    });
    expect([first.inserted, first.householdsCreated]).toEqual([2, 1]);

    const file = write("mixed.csv", [
      person("甲", a, "1950-01-01", "K001", { 9: "13900000001" }), // 2 updated (phone)
      person("乙", b, "1960-02-02", "K001"), // 3 unchanged
      person("坏", bad, "1950-01-01", "K002"), // 4 rejected: check character
      person("丙", c, "1970-03-03", "K002"), // 5 inserted, new household K002
      person("丁", d, "1980-04-04", "K001", { 8: place.otherRoomNo }), // 6 rejected: K001 lives elsewhere
      person("甲", a, "1950-01-01", "K001"), // 7 rejected: duplicate of row 2
      person("戊", citizenId("19900505", 10), "1990-05-05", "K003", { 6: "NO-SUCH" }), // 8 unknown building
      person("己", citizenId("19910606", 12), "1991-06-06", "K003"), // 9 inserted, new household K003
    ]);
    const report = await importFile(database.db, {
      kind: "persons",
      file,
      translate: t,
      batchSize: 3,
      rejectedPath: `${file}.rejected.csv`,
    });
    expect({
      read: report.read,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected,
      householdsCreated: report.householdsCreated,
      batches: report.batches,
      stoppedAt: report.stoppedAt,
    }).toEqual({
      read: 8,
      inserted: 2,
      updated: 1,
      unchanged: 1,
      rejected: 4,
      householdsCreated: 2,
      batches: 3,
      stoppedAt: undefined,
    });
    const where = [place.buildingCode, `${place.unitNo}单元`, place.roomNo].join(" ");
    expect(report.errors).toEqual([
      {
        row: 4,
        column: "公民身份号码",
        value: bad,
        key: "validation.citizenId.checksum",
        reason: "公民身份号码校验位不正确，请核对最后一位",
      },
      {
        row: 6,
        column: "户号",
        value: "K001",
        key: "import.household.otherRoom",
        reason: `户号 K001 已登记在另一处房屋（${where}），请核对户号、楼栋和房号`,
      },
      {
        row: 7,
        column: "公民身份号码",
        value: a,
        key: "import.duplicate",
        reason: "与第 2 行重复（同一公民身份号码在文件中只能出现一次），请核对后删除一行",
      },
      {
        row: 8,
        column: "建筑物编码",
        value: "NO-SUCH",
        key: "import.building.unknown",
        reason: "系统中没有这个建筑物编码，请核对，或先导入该楼栋",
      },
    ]);
    const rejected = fs.readFileSync(`${file}.rejected.csv`, "utf8").slice(1).trim().split("\r\n");
    expect(rejected.map((line) => line.split(",")[0])).toEqual(["姓名", "坏", "丁", "甲", "戊"]);
    expect(
      rejected[2].endsWith(`户号：户号 K001 已登记在另一处房屋（${where}），请核对户号、楼栋和房号`),
    ).toBe(true);
    expect(await lastAudit()).toMatchObject({
      status: "finished",
      read: 8,
      inserted: 2,
      updated: 1,
      unchanged: 1,
      rejected: 4,
      householdsCreated: 2,
      batches: 3,
    });
    // What the merge wrote: the update bumped the version, the inserts are there once, in their room.
    const written = await database.db
      .select({
        idNumber: persons.idNumber,
        phone: persons.phone,
        version: persons.version,
        no: households.householdNo,
      })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .where(inArray(persons.idNumber, [a, b, c, d]))
      .orderBy(persons.idNumber);
    expect(written.map((w) => [w.idNumber, w.phone, w.version, w.no])).toEqual(
      [
        [a, "13900000001", 2, "K001"],
        [b, "13812345678", 1, "K001"],
        [c, "13812345678", 1, "K002"],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  });

  it("a batch whose merge fails half-way is rolled back whole, and a re-run imports the rest once", async () => {
    const ids = Array.from(
      { length: 9 },
      (_, i) => citizenId("19550101", 102 + 2 * i) /* even: 女, as person() says */,
    );
    const rows = ids.map((id, i) => person(`原子${i}`, id, "1955-01-01", `AT${i}`));
    const file = write("atomic.csv", rows);
    // The fifth row (row 6, inside the second batch of three) fails when the merge inserts it into
    // persons: its household (AT4) and the batch's other rows were already written in that transaction.
    await database.db.execute(
      sql.raw(`create function doorstep_test_refuse() returns trigger language plpgsql as $$
        begin
          if new.id_number = '${ids[4]}' then raise exception 'refused by the test'; end if;
          return new;
        end $$`),
    );
    await database.db.execute(
      sql`create trigger doorstep_test_refuse before insert on persons for each row execute function doorstep_test_refuse()`,
    );
    let report: Awaited<ReturnType<typeof importFile>>;
    try {
      report = await importFile(database.db, {
        kind: "persons",
        file,
        translate: t,
        batchSize: 3,
        rejectedPath: null,
      });
    } finally {
      await database.db.execute(sql`drop trigger doorstep_test_refuse on persons`);
      await database.db.execute(sql`drop function doorstep_test_refuse()`);
    }
    expect(report.stoppedAt?.row).toBe(5);
    expect(report.stoppedAt?.reason).toContain("refused by the test");
    expect([report.read, report.inserted, report.batches]).toEqual([3, 3, 1]);
    const numbers = ids.map((_, i) => `AT${i}`);
    const hh = await database.db
      .select({ no: households.householdNo })
      .from(households)
      .where(inArray(households.householdNo, numbers));
    expect(hh.map((h) => h.no).sort()).toEqual(["AT0", "AT1", "AT2"]);
    expect((await database.db.select().from(persons).where(inArray(persons.idNumber, ids))).length).toBe(3);
    expect(await lastAudit()).toMatchObject({
      status: "stopped",
      read: 3,
      inserted: 3,
      householdsCreated: 3,
      batches: 1,
    });

    const again = await importFile(database.db, {
      kind: "persons",
      file,
      translate: t,
      batchSize: 3,
      rejectedPath: null,
    });
    expect([again.read, again.inserted, again.unchanged, again.householdsCreated, again.stoppedAt]).toEqual([
      9,
      6,
      3,
      6,
      undefined,
    ]);
    const counts = rowsOf<{ persons: number; households: number; codes: number; codesWanted: number }>(
      await database.db.execute(sql`
        select (select count(*)::int from persons where id_number = any(${sql.param(ids)}::text[])) as persons,
               (select count(*)::int from households where household_no = any(${sql.param(numbers)}::text[])) as households,
               (select count(*)::int from household_codes hc join households h on h.id = hc.household_id
                 where h.household_no = any(${sql.param(numbers)}::text[])) as codes,
               (select count(distinct c.id)::int from campaigns c
                 join campaign_areas ca on ca.campaign_id = c.id join areas a on a.id = ca.area_id
                 where c.status = 'open' and exists (
                   select 1 from households h join areas g on g.id = h.grid_id
                   where h.household_no = 'AT0' and starts_with(g.path, a.path))) * 9 as "codesWanted"`),
    );
    // Every household once, every person once, and each new household has its visit-slip code in the
    // open campaign covering its grid (the demo has one), none from the rolled-back batch twice.
    expect(counts[0]).toMatchObject({ persons: 9, households: 9 });
    expect(counts[0].codes).toBe(counts[0].codesWanted);
    expect(counts[0].codes).toBeGreaterThan(0);
    const codes = await database.db
      .select({ code: householdCodes.code })
      .from(householdCodes)
      .innerJoin(households, eq(households.id, householdCodes.householdId))
      .where(and(inArray(households.householdNo, numbers)));
    expect(new Set(codes.map((x) => x.code)).size).toBe(codes.length);
  });
});
