import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { areas, auditLog, buildings, households, persons, rooms } from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { type ImportReport, importFile } from "@/server/services/import";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";
import { encodeGb18030 } from "../support/gb18030";

const t = createTranslator("zh-CN");

/** A valid citizen ID born on `birth` (YYYYMMDD); odd `seq` is male, even female. */
function citizenId(birth: string, seq: number): string {
  const body = `440104${birth}${String(seq).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

const HEADERS = [
  "姓名",
  "公民身份号码",
  "性别",
  "出生日期",
  "民族",
  "与户主关系",
  "户号",
  "户别",
  "社区代码",
  "建筑物编码",
  "单元",
  "房号",
  "联系电话",
];

interface Place {
  communityCode: string;
  buildingCode: string;
  unitNo: string;
  roomNo: string;
  roomId: string;
  otherRoomNo: string;
}

const csv = (rows: string[][]) => `${rows.map((r) => r.join(",")).join("\r\n")}\r\n`;

describe.each(databaseKinds)("import persons (%s)", (kind) => {
  let database: TestDatabase;
  let dir: string;
  let place: Place;
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  const run = (p: string, extra: Partial<Parameters<typeof importFile>[1]> = {}) =>
    importFile(database.db, {
      kind: "persons",
      file: p,
      translate: t,
      rejectedPath: `${p}.rejected.csv`,
      ...extra,
    });
  const totalsAddUp = (r: ImportReport) =>
    expect(r.inserted + r.updated + r.unchanged + r.rejected).toBe(r.read);
  /** A person row in `place`, household `no`. */
  const person = (
    name: string,
    id: string,
    sex: string,
    birth: string,
    no: string,
    over: Record<number, string> = {},
  ) => {
    const cells = [
      name,
      id,
      sex,
      birth,
      "汉族",
      "户主",
      no,
      "家庭户",
      place.communityCode,
      place.buildingCode,
      place.unitNo,
      place.roomNo,
      "13812345678",
    ];
    for (const [i, v] of Object.entries(over)) cells[Number(i)] = v;
    return cells;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-import-"));
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
      .limit(1);
    const [other] = await database.db
      .select({ roomNo: rooms.roomNo })
      .from(rooms)
      .where(
        sql`${rooms.buildingId} = ${r.buildingId} and ${rooms.unitNo} is not distinct from ${r.unitNo} and ${rooms.id} <> ${r.roomId}`,
      )
      .limit(1);
    place = {
      communityCode: r.communityCode,
      buildingCode: r.buildingCode,
      unitNo: r.unitNo ?? "",
      roomNo: r.roomNo,
      roomId: r.roomId,
      otherRoomNo: other.roomNo,
    };
  });

  afterAll(async () => {
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("imports good rows, reports every bad one row by row, and re-imports as unchanged", async () => {
    const zhang = citizenId("19500101", 2);
    const li = citizenId("19800315", 11);
    const badCheck = `${zhang.slice(0, 17)}${zhang[17] === "0" ? "1" : "0"}`;
    const wang = citizenId("19900228", 21);
    const zhao = citizenId("19700707", 31);
    const p = file(
      "persons.csv",
      csv([
        HEADERS,
        person("张秀英", zhang, "女", "1950-01-01", "T0001"), // 2 ok
        person("李明", li, "1", "1980/3/15", "T0001", { 5: "子" }), // 3 ok, code and label mix
        person("错校验", badCheck, "女", "1950-01-01", "T0002"), // 4 bad ID check character
        person("王芳", wang, "男", "1990-02-30", "T0002"), // 5 impossible date
        person("赵强", zhao, "男", "1970-07-07", "T0003", { 8: "440104007999" }), // 6 unknown community
        person("张秀英", zhang, "女", "1950-01-01", "T0001"), // 7 duplicate of row 2
        ["", "", "", "", "", "", "", "", "", "", "", "", ""], // 8 blank: skipped
        person("钱进", citizenId("19700708", 33), "男", "1970-07-08", "T0003", { 11: "不存在的房" }), // 9 unknown room
      ]),
    );

    const report = await run(p);
    expect(report.encoding).toBe("utf-8");
    expect(report.stoppedAt).toBeUndefined();
    expect({
      read: report.read,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected,
    }).toEqual({ read: 7, inserted: 2, updated: 0, unchanged: 0, rejected: 5 });
    totalsAddUp(report);
    expect(report.householdsCreated).toBe(1);
    expect(report.errors.map((e) => [e.row, e.column, e.value, e.key])).toEqual([
      [4, "公民身份号码", badCheck, "validation.citizenId.checksum"],
      [5, "出生日期", "1990-02-30", "validation.date.invalid"],
      [6, "社区代码", "440104007999", "import.community.unknown"],
      [7, "公民身份号码", zhang, "import.duplicate"],
      [9, "房号", "不存在的房", "import.room.unknown"],
    ]);
    expect(report.errors[3].reason).toContain("第 2 行");
    expect(
      report.errors.every((e) => !e.reason.startsWith("validation.") && !e.reason.startsWith("import.")),
    ).toBe(true);

    const [hh] = await database.db.select().from(households).where(eq(households.householdNo, "T0001"));
    expect(hh).toMatchObject({ roomId: place.roomId, kind: "1", source: "import" });
    const imported = await database.db.select().from(persons).where(eq(persons.householdId, hh.id));
    expect(
      imported.map((x) => [x.name, x.sex, x.birthDate, x.ethnicity, x.relation, x.phone, x.roomId]).sort(),
    ).toEqual(
      [
        ["张秀英", "2", "1950-01-01", "01", "02", "13812345678", place.roomId],
        ["李明", "1", "1980-03-15", "01", "20", "13812345678", place.roomId],
      ].sort(),
    );

    // The rejected rows, ready to fix and import again: UTF-8 with BOM, same headers + 错误原因.
    const rejected = fs.readFileSync(report.rejectedFile as string, "utf8");
    expect(rejected.startsWith("\uFEFF")).toBe(true);
    const lines = rejected.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe([...HEADERS, "错误原因"].join(","));
    expect(lines).toHaveLength(6);
    expect(lines[1].startsWith(`错校验,${badCheck},`)).toBe(true);
    expect(lines[1]).toContain("公民身份号码：公民身份号码校验位不正确");

    // Same file again: the good rows are unchanged, the bad ones rejected the same way.
    const again = await run(p);
    expect([again.inserted, again.updated, again.unchanged, again.rejected]).toEqual([0, 0, 2, 5]);
    totalsAddUp(again);

    // A changed phone is an update with the version bumped; a blank cell clears nothing.
    const changed = file(
      "changed.csv",
      csv([
        HEADERS,
        person("李明", li, "男", "1980-03-15", "T0001", { 5: "子", 12: "13900000000" }),
        person("张秀英", zhang, "女", "1950-01-01", "T0001", { 4: "", 12: "" }),
      ]),
    );
    const update = await run(changed);
    expect([update.read, update.inserted, update.updated, update.unchanged, update.rejected]).toEqual([
      2, 0, 1, 1, 0,
    ]);
    const [liRow] = await database.db.select().from(persons).where(eq(persons.idNumber, li));
    expect([liRow.phone, liRow.version]).toEqual(["13900000000", 2]);
    const [zhangRow] = await database.db.select().from(persons).where(eq(persons.idNumber, zhang));
    expect([zhangRow.phone, zhangRow.ethnicity, zhangRow.version]).toEqual(["13812345678", "01", 1]);
    expect(update.rejectedFile).toBeUndefined();

    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, "import"));
    expect(audits.length).toBe(3);
    expect(audits.some((a) => (a.detail as { inserted: number }).inserted === 2)).toBe(true);
  });

  it("reads a GB18030 file with Chinese headers; a household may not move to another room", async () => {
    const id = citizenId("19661203", 41);
    const text = csv([
      HEADERS,
      person("欧阳慧敏", id, "男", "1966-12-03", "T0001", { 11: place.otherRoomNo }),
      person("陈国强", citizenId("19661204", 43), "男", "19661204", "T0009", { 7: "集体户" }),
    ]);
    const bytes = encodeGb18030(text);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const report = await run(file("gbk.csv", bytes));
    expect(report.encoding).toBe("gb18030");
    expect([report.read, report.inserted, report.rejected]).toEqual([2, 1, 1]);
    expect(report.errors.map((e) => [e.row, e.column, e.value, e.key])).toEqual([
      [2, "户号", "T0001", "import.household.otherRoom"],
    ]);
    const [chen] = await database.db
      .select({ name: persons.name, kind: households.kind })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .where(eq(persons.idNumber, citizenId("19661204", 43)));
    expect(chen).toEqual({ name: "陈国强", kind: "2" });
  });

  it("refuses a file in a wrong encoding or without a required column, writing nothing", async () => {
    const before = await database.db.select({ n: sql<number>`count(*)::int` }).from(persons);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        csv([HEADERS, person("孙丽", citizenId("19880808", 52), "女", "1988-08-08", "T0100")]),
        "utf16le",
      ),
    ]);
    const wrong = await run(file("utf16.csv", utf16));
    expect(wrong.encoding).toBeNull();
    expect(wrong.read).toBe(0);
    expect(wrong.stoppedAt?.row).toBe(1);
    expect(wrong.errors.map((e) => e.key)).toEqual(["import.encoding"]);

    const noRoom = HEADERS.filter((h) => h !== "房号");
    const missing = await run(
      file(
        "missing.csv",
        csv([
          noRoom,
          [
            "孙丽",
            citizenId("19880808", 52),
            "女",
            "1988-08-08",
            "汉",
            "户主",
            "T0100",
            "",
            place.communityCode,
            place.buildingCode,
            place.unitNo,
            "",
          ],
        ]),
      ),
    );
    expect(missing.read).toBe(0);
    expect(missing.errors.map((e) => [e.row, e.column, e.key])).toEqual([
      [1, "房号", "import.column.missing"],
    ]);
    expect(missing.stoppedAt?.reason).toContain("房号");

    const after = await database.db.select({ n: sql<number>`count(*)::int` }).from(persons);
    expect(after).toEqual(before);
  });

  it("a dry run judges like a real run and writes nothing", async () => {
    const rows = [
      HEADERS,
      person("周杰", citizenId("20010101", 61), "男", "2001-01-01", "T0200"),
      person("周敏", citizenId("20020202", 62), "女", "2002-02-02", "T0200"),
    ];
    const p = file("dry.csv", csv(rows));
    const report = await run(p, { dryRun: true, batchSize: 1 });
    expect([report.read, report.inserted, report.householdsCreated, report.batches]).toEqual([2, 2, 1, 2]);
    const found = await database.db.select().from(households).where(eq(households.householdNo, "T0200"));
    expect(found).toEqual([]);
  });

  it("an import that fails half-way keeps the committed batches, nothing of the failed one, and says where it stopped", async () => {
    // A rule the database enforces and the validators do not know: the second batch trips it.
    await database.db.execute(
      sql.raw(`alter table persons add constraint import_test_trap check (name <> '故障')`),
    );
    try {
      const ids = Array.from({ length: 7 }, (_, i) => citizenId("19750101", 101 + 2 * i));
      const rows = [
        HEADERS,
        ...ids.map((id, i) => person(i === 4 ? "故障" : `测试${i}`, id, "男", "1975-01-01", `T03${i}`)),
      ];
      const p = file("killed.csv", csv(rows));
      const report = await run(p, { batchSize: 3 });
      // Rows 2–4 (batch 1) committed; batch 2 (rows 5–7) rolled back; row 8 never read.
      expect(report.stoppedAt?.row).toBe(5);
      expect(report.stoppedAt?.reason).toContain("第 5 行");
      expect([report.read, report.inserted, report.batches]).toEqual([3, 3, 1]);
      totalsAddUp(report);
      const stored = rowsOf<{ id_number: string }>(
        await database.db.execute(
          sql`select id_number from persons where birth_date = '1975-01-01' order by id_number`,
        ),
      );
      expect(stored.map((r) => r.id_number)).toEqual(ids.slice(0, 3));
      const hh = rowsOf<{ household_no: string }>(
        await database.db.execute(
          sql`select household_no from households where household_no like 'T03%' order by 1`,
        ),
      );
      expect(hh.map((r) => r.household_no)).toEqual(["T030", "T031", "T032"]);

      // Fixed and run again: the committed rows come back unchanged, the rest is imported.
      await database.db.execute(sql.raw("alter table persons drop constraint import_test_trap"));
      const rerun = await run(p, { batchSize: 3 });
      expect([rerun.read, rerun.inserted, rerun.unchanged, rerun.rejected]).toEqual([7, 4, 3, 0]);
      expect(rerun.stoppedAt).toBeUndefined();
    } finally {
      await database.db.execute(sql.raw("alter table persons drop constraint if exists import_test_trap"));
    }
  });
});
