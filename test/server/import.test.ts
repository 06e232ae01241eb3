import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { areas, auditLog, buildings, households, persons, rooms, units } from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import type { ImportKind } from "@/domain/import";
import type { ImportReport } from "@/domain/import/report";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { orgCodeCheckChar, usccCheckChar } from "@/domain/validators/uscc";
import {
  type ImportOptions,
  type ImportProgress,
  importFile,
  MAX_ERRORS,
  MAX_WARNINGS,
} from "@/server/services/import";
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
const totals = (r: ImportReport) => [r.read, r.inserted, r.updated, r.unchanged, r.rejected];

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

  it("a code column's bad value is named with the column and what it takes, in Chinese and English", async () => {
    const rows = [
      HEADERS,
      person("码甲", citizenId("19600101", 41), "M", "1960-01-01", "C0001"), // 2 sex: a form's message today
      person("码乙", citizenId("19600102", 43), "男", "1960-01-02", "C0002", { 4: "穿青", 7: "合租户" }), // 3
      person("码丙", citizenId("19600103", 45), "1", "1960-01-03", "C0003", { 5: "老板" }), // 4
      person("码丁", citizenId("19600104", 47), "男", "1960-01-04", "C0004"), // 5 ok
    ];
    const p = file("codes.csv", csv(rows));
    const report = await run(p, { dryRun: true });
    expect([report.read, report.rejected]).toEqual([4, 3]);
    expect(report.errors.map((e) => [e.row, e.column, e.value, e.key])).toEqual([
      [2, "性别", "M", "import.code.unknown"],
      [3, "民族", "穿青", "import.code.unknownMore"],
      [3, "户别", "合租户", "import.code.unknown"],
      [4, "与户主关系", "老板", "import.code.unknownMore"],
    ]);
    expect(report.errors[0].reason).toBe(
      "性别「M」不是可用的值；可填写以下名称或括号中的代码：未知的性别（0）、男（1）、女（2）、未说明的性别（9）",
    );
    expect(report.errors[1].reason).toMatch(
      /^民族「穿青」不是可用的值；可填写代码表中的名称或代码（共 58 项），例如：汉族（01）、蒙古族（02）、/,
    );
    expect(report.errors[2].reason).toBe(
      "户别「合租户」不是可用的值；可填写以下名称或括号中的代码：家庭户（1）、集体户（2）",
    );
    // The rejected rows file says the same, beside the row to fix.
    const rejected = fs
      .readFileSync(report.rejectedFile as string, "utf8")
      .slice(1)
      .trim()
      .split("\r\n");
    expect(rejected[1]).toContain("性别：性别「M」不是可用的值；");

    const english = await run(p, { dryRun: true, translate: createTranslator("en") });
    expect(english.errors[0].reason).toBe(
      '性别 "M" is not an allowed value; enter one of these Chinese labels, or the code in brackets after it: 未知的性别（0）、男（1）、女（2）、未说明的性别（9）',
    );
    expect(english.errors[3].reason).toMatch(
      /^与户主关系 "老板" is not an allowed value; enter a Chinese label of its code table, or its code \(84 in all\), for example: 本人（01）、户主（02）、/,
    );
    // Nothing written: a dry run; the same file for real rejects the same rows and imports the good one.
    const real = await run(p);
    expect([real.inserted, real.rejected]).toEqual([1, 3]);
    expect(real.errors.map((e) => e.key)).toEqual(report.errors.map((e) => e.key));
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

  it("a person whose ID has a county code in no GB/T 2260 table is imported with a warning; one of a known county, with none", async () => {
    // 4401 is Guangzhou, which has no county 99 (domain/validators/area-codes.ts); citizenId() gives 440104 越秀区.
    const body = "44019919850505003";
    const unknownCounty = body + citizenIdCheckChar(body);
    const known = citizenId("19850505", 5);
    const report = await run(
      file(
        "county.csv",
        csv([
          HEADERS,
          person("区外人", unknownCounty, "男", "1985-05-05", "T0400"),
          person("区内人", known, "男", "1985-05-05", "T0400"),
        ]),
      ),
    );
    expect(totals(report)).toEqual([2, 2, 0, 0, 0]);
    expect(report.warnings.map((w) => [w.row, w.column, w.value, w.key])).toEqual([
      [2, "公民身份号码", unknownCounty, "validation.citizenId.county"],
    ]);
    expect(report.warnings[0].reason).toBe(
      "公民身份号码前 6 位（地址码）不在行政区划代码表中（已含撤销的旧代码），请对照身份证核对前 6 位",
    );
    expect(report.warningsTotal).toBe(1);
    const [stored] = await database.db.select().from(persons).where(eq(persons.idNumber, unknownCounty));
    expect(stored.name).toBe("区外人");
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
  const auditOf = async (name: string) =>
    rowsOf<{ detail: { status: string; read: number; batches: number } }>(
      await database.db.execute(
        sql`select detail from audit_log where action = 'import' and detail->>'file' = ${name} order by id desc limit 1`,
      ),
    )[0]?.detail;

  it("a double quote out of place in a CSV stops the import at its row, in words, after the rows before it", async () => {
    const ids = Array.from({ length: 4 }, (_, i) => citizenId("19760202", 111 + 2 * i));
    // Row 4 has a quote inside a cell that is not quoted: csv-parse cannot read on from there.
    const stray = await run(
      file(
        "stray-quote.csv",
        csv([
          HEADERS,
          person("引号甲", ids[0], "男", "1976-02-02", "Q0401"),
          person("引号乙", ids[1], "男", "1976-02-02", "Q0402"),
          person('引"号丙', ids[2], "男", "1976-02-02", "Q0403"),
          person("引号丁", ids[3], "男", "1976-02-02", "Q0404"),
        ]),
      ),
    );
    expect(stray.stoppedAt).toEqual({ row: 4, reason: t("import.csv.quote", { row: 4 }) });
    expect(stray.stoppedAt?.reason).toBe(
      '第 4 行有位置不对的英文双引号（"）：引号只能把一整格括起来，格内的引号要写成两个（""）。请改好该行后重新导入，之前的行已导入',
    );
    expect([stray.read, stray.inserted, stray.rejected]).toEqual([2, 2, 0]);
    expect(await auditOf("stray-quote.csv")).toMatchObject({ status: "stopped", read: 2 });

    // Row 3 opens a quote that never closes: the rest of the file would be one cell.
    const unclosed = await run(
      file(
        "open-quote.csv",
        csv([
          HEADERS,
          person("引号戊", citizenId("19760303", 122), "女", "1976-03-03", "Q0405"),
          person('"引号己', citizenId("19760303", 123), "男", "1976-03-03", "Q0406"),
          person("引号庚", citizenId("19760303", 125), "男", "1976-03-03", "Q0407"),
        ]),
      ),
    );
    expect(unclosed.stoppedAt).toEqual({ row: 3, reason: t("import.csv.quoteNotClosed", { row: 3 }) });
    expect([unclosed.read, unclosed.inserted]).toEqual([1, 1]);

    // In the header itself: nothing is read, and the message still says where.
    const header = await run(
      file(
        "header-quote.csv",
        csv([
          ["姓名", '公民"身份号码'],
          ["某", ids[0]],
        ]),
      ),
    );
    expect(header.errors.map((e) => [e.row, e.key, e.reason])).toEqual([
      [1, "import.csv.quote", t("import.csv.quote", { row: 1 })],
    ]);
    expect(header.read).toBe(0);
  });

  it("lists the first MAX_ERRORS problems and counts them all; the rejected rows file keeps every row", async () => {
    const n = MAX_ERRORS + 5;
    const rows = Array.from({ length: n }, (_, i) =>
      person(`错误${i}`, "123", "男", "1976-02-02", `E${String(i).padStart(5, "0")}`),
    );
    const report = await run(file("many-errors.csv", csv([HEADERS, ...rows])));
    expect([report.read, report.rejected]).toEqual([n, n]);
    expect(report.errors).toHaveLength(MAX_ERRORS);
    expect(report.errorsTotal).toBeGreaterThanOrEqual(n);
    expect(report.errors[0].row).toBe(2);
    expect(report.errors.at(-1)?.row).toBeLessThanOrEqual(MAX_ERRORS + 1);
    // What the admin page receives as one NDJSON line stays small whatever the file holds.
    expect(JSON.stringify(report).length).toBeLessThan(MAX_ERRORS * 400);
    const lines = fs
      .readFileSync(report.rejectedFile as string, "utf8")
      .slice(1)
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(n + 1);
    expect(lines.at(-1)).toContain(`E${String(n - 1).padStart(5, "0")}`);
  });
});

// ---------------------------------------------------------------------------------------------
// The other kinds: buildings, rooms, units, rentals with tenants; XLSX; progress

/** A valid credit code from 17 characters (the check character appended). */
const uscc = (first17: string) => first17 + usccCheckChar(first17);

/** A credit code that passes both checks: its organisation code (characters 9–17) and its own. */
const cleanUscc = (head8: string, org8: string) => uscc(head8 + org8 + orgCodeCheckChar(org8));
/** The same code with a wrong check character. */
const wrongCheck = (code: string) => `${code.slice(0, 17)}${code[17] === "0" ? "1" : "0"}`;

const rowsOfReport = (r: ImportReport) => r.errors.map((e) => [e.row, e.column, e.value, e.key]);
const warningsOf = (r: ImportReport) => r.warnings.map((w) => [w.row, w.column, w.value, w.key]);

describe.each(databaseKinds)("import buildings, rooms, units and rentals (%s)", (dbKind) => {
  let database: TestDatabase;
  let dir: string;
  // A grid of one community, a grid of another, a seeded building in the first with two free rooms.
  let seed: {
    community: string;
    grid: string;
    otherGrid: string;
    building: string;
    address: string;
    floors: number | null;
    unitNo: string;
    roomA: string;
    roomB: string;
    roomC: string;
  };
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  const run = (kind: ImportKind, p: string, extra: Partial<ImportOptions> = {}) =>
    importFile(database.db, { kind, file: p, translate: t, rejectedPath: `${p}.rejected.csv`, ...extra });
  const totalsAddUp = (r: ImportReport) =>
    expect(r.inserted + r.updated + r.unchanged + r.rejected).toBe(r.read);

  beforeAll(async () => {
    database = await openTestDatabase(dbKind);
    await seedSmallStreet(database);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doorstep-import-kinds-"));
    const [b] = rowsOf<{
      code: string;
      address: string;
      floors: number | null;
      grid: string;
      community: string;
      community_id: string;
      building_id: string;
    }>(
      await database.db.execute(sql`
        select b.id as building_id, b.code, b.address, b.floors, g.code as grid, c.code as community, c.id as community_id
        from buildings b join areas g on g.id = b.grid_id join areas c on c.id = g.parent_id
        where (select count(*) from rooms r where r.building_id = b.id and r.unit_no is not null
               and not exists (select 1 from rentals x where x.room_id = r.id)) >= 3
        order by b.code limit 1`),
    );
    const free = rowsOf<{ unit_no: string; room_no: string }>(
      await database.db.execute(sql`
        select r.unit_no, r.room_no from rooms r
        where r.building_id = ${b.building_id} and r.unit_no is not null
          and not exists (select 1 from rentals x where x.room_id = r.id)
        order by r.unit_no, r.room_no limit 3`),
    );
    const [other] = rowsOf<{ code: string }>(
      await database.db.execute(
        sql`select code from areas where level = 'grid' and parent_id <> ${b.community_id} order by code limit 1`,
      ),
    );
    const sameUnit = free.filter((r) => r.unit_no === free[0].unit_no);
    seed = {
      community: b.community,
      grid: b.grid,
      otherGrid: other.code,
      building: b.code,
      address: b.address,
      floors: b.floors,
      unitNo: free[0].unit_no,
      roomA: sameUnit[0].room_no,
      roomB: sameUnit[1]?.room_no ?? free[1].room_no,
      roomC: sameUnit[2]?.room_no ?? free[2].room_no,
    };
  });

  afterAll(async () => {
    await database?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("buildings: upserted by 建筑物编码 in the grid named; bad rows reported row by row; re-import unchanged", async () => {
    const H = ["建筑物编码", "标准地址", "层数", "房屋用途", "社区代码", "网格编码", "经度", "纬度"];
    const p = file(
      "buildings.csv",
      csv([
        H,
        ["B-NEW-1", "越秀区测试巷1号", "7", "住宅", seed.community, seed.grid, "113.26", "23.12"], // 2 new
        [seed.building, seed.address, String((seed.floors ?? 1) + 1), "", seed.community, "", "", ""], // 3 update
        ["B-NEW-2", "越秀区测试巷2号", "5", "", "440104007999", seed.grid, "", ""], // 4 unknown community
        ["B-NEW-1", "越秀区测试巷1号", "7", "住宅", seed.community, seed.grid, "", ""], // 5 duplicate of 2
        ["B-NEW-3", "越秀区测试巷3号", "5", "", seed.community, "", "", ""], // 6 new without grid
        ["B-NEW-4", "越秀区测试巷4号", "5", "", seed.community, seed.otherGrid, "", ""], // 7 other community's grid
        ["B-NEW-5", "越秀区测试巷5号", "三", "", seed.community, seed.grid, "", ""], // 8 floors not a number
      ]),
    );
    const report = await run("buildings", p);
    expect(totals(report)).toEqual([7, 1, 1, 0, 5]);
    totalsAddUp(report);
    expect(rowsOfReport(report)).toEqual([
      [4, "社区代码", "440104007999", "import.community.unknown"],
      [5, "建筑物编码", "B-NEW-1", "import.duplicate"],
      [6, "网格编码", "", "import.grid.required"],
      [7, "网格编码", seed.otherGrid, "import.grid.outsideCommunity"],
      [8, "层数", "三", "validation.notInteger"],
    ]);
    expect(report.errors.every((e) => !/^(import|validation)\./.test(e.reason))).toBe(true);
    const [made] = await database.db.select().from(buildings).where(eq(buildings.code, "B-NEW-1"));
    const [grid] = await database.db.select().from(areas).where(eq(areas.code, seed.grid));
    expect(made).toMatchObject({
      address: "越秀区测试巷1号",
      floors: 7,
      use: "1",
      gridId: grid.id,
      lng: 113.26,
    });
    const [updated] = await database.db.select().from(buildings).where(eq(buildings.code, seed.building));
    expect([updated.floors, updated.version]).toEqual([(seed.floors ?? 1) + 1, 2]);

    const again = await run("buildings", p);
    expect(totals(again)).toEqual([7, 0, 0, 2, 5]);
    expect(rowsOfReport(again)).toEqual(rowsOfReport(report));
  });

  it("rooms: upserted by building + unit + room; unknown community and building, duplicates, missing floor", async () => {
    const H = ["社区代码", "建筑物编码", "单元", "房号", "楼层", "房屋用途", "面积"];
    const p = file(
      "rooms.csv",
      csv([
        H,
        [seed.community, seed.building, seed.unitNo, "9901", "99", "办公", "42.5"], // 2 new
        [seed.community, seed.building, seed.unitNo, seed.roomA, "1", "", "77.25"], // 3 update (floor, area)
        ["440104007999", seed.building, seed.unitNo, "9902", "99", "", ""], // 4 unknown community
        [seed.community, "NO-SUCH-BUILDING", "", "101", "1", "", ""], // 5 unknown building
        [seed.community, seed.building, seed.unitNo, "9901", "99", "办公", "42.5"], // 6 duplicate of 2
        [seed.community, seed.building, seed.unitNo, "9903", "", "", ""], // 7 floor missing
      ]),
    );
    const report = await run("rooms", p);
    expect(totals(report)).toEqual([6, 1, 1, 0, 4]);
    totalsAddUp(report);
    expect(rowsOfReport(report)).toEqual([
      [4, "社区代码", "440104007999", "import.community.unknown"],
      [5, "建筑物编码", "NO-SUCH-BUILDING", "import.building.unknown"],
      [6, "房号", "9901", "import.duplicate"],
      [7, "楼层", "", "validation.required"],
    ]);
    const made = rowsOf<{ use: string; floor: number; area_m2: string; grid_id: string; b_grid: string }>(
      await database.db.execute(sql`
        select r.use, r.floor, r.area_m2, r.grid_id, b.grid_id as b_grid from rooms r join buildings b on b.id = r.building_id
        where b.code = ${seed.building} and r.unit_no = ${seed.unitNo} and r.room_no = '9901'`),
    );
    expect(made).toHaveLength(1);
    expect([made[0].use, made[0].floor, Number(made[0].area_m2), made[0].grid_id]).toEqual([
      "3",
      99,
      42.5,
      made[0].b_grid,
    ]);
    const again = await run("rooms", p);
    expect(totals(again)).toEqual([6, 0, 0, 2, 4]);
  });

  it("units: upserted by credit code; a bad USCC without a reason, unknown community, duplicate and unknown room rejected", async () => {
    const good = uscc("91440104MA5TEAM01");
    const shop = uscc("92440104MA5TEAM02");
    const bad = wrongCheck(good);
    const H = [
      "单位名称",
      "统一社会信用代码",
      "行业",
      "从业人数",
      "单位状态",
      "单位类型",
      "社区代码",
      "建筑物编码",
      "单元",
      "房号",
    ];
    const p = file(
      "units.csv",
      csv([
        H,
        [
          "测试贸易有限公司",
          good,
          "批发和零售业",
          "12",
          "开业",
          "单位",
          seed.community,
          seed.building,
          "",
          "",
        ], // 2
        [
          "测试小卖部",
          shop,
          "F",
          "",
          "",
          "店铺/个体户",
          seed.community,
          seed.building,
          seed.unitNo,
          seed.roomA,
        ], // 3
        ["坏代码公司", bad, "", "", "", "", seed.community, seed.building, "", ""], // 4 bad USCC
        ["外区公司", uscc("91440104MA5TEAM03"), "", "", "", "", "440104007999", seed.building, "", ""], // 5
        ["测试贸易有限公司", good, "F", "12", "", "", seed.community, seed.building, "", ""], // 6 duplicate
        [
          "无房公司",
          uscc("91440104MA5TEAM04"),
          "",
          "",
          "",
          "",
          seed.community,
          seed.building,
          seed.unitNo,
          "无此房",
        ], // 7
        ["", uscc("91440104MA5TEAM05"), "", "", "", "", seed.community, seed.building, "", ""], // 8 no name
      ]),
    );
    const report = await run("units", p);
    expect(totals(report)).toEqual([7, 2, 0, 0, 5]);
    totalsAddUp(report);
    expect(rowsOfReport(report)).toEqual([
      [4, "统一社会信用代码", bad, "import.uscc.checkReason"],
      [5, "社区代码", "440104007999", "import.community.unknown"],
      [6, "统一社会信用代码", good, "import.duplicate"],
      [7, "房号", "无此房", "import.room.unknown"],
      [8, "单位名称", "", "validation.required"],
    ]);
    // The file has no 校验说明 column: the message says how to proceed.
    expect(report.errors[0].reason).toBe(
      "统一社会信用代码校验位不符；如与证照一致，请在“校验说明”列填写原因后重新导入",
    );
    // These codes' organisation codes (MA5TEAM0) fail their own check: imported, and listed as warnings.
    expect(warningsOf(report)).toEqual([
      [2, "统一社会信用代码", good, "validation.uscc.orgCodeChecksum"],
      [3, "统一社会信用代码", shop, "validation.uscc.orgCodeChecksum"],
    ]);
    const [company] = await database.db.select().from(units).where(eq(units.uscc, good));
    expect(company).toMatchObject({
      name: "测试贸易有限公司",
      industry: "F",
      employees: 12,
      status: "1",
      roomId: null,
    });
    const [store] = await database.db.select().from(units).where(eq(units.uscc, shop));
    expect([store.kind, store.roomId === null]).toEqual(["2", false]);

    const again = await run("units", p);
    expect(totals(again)).toEqual([7, 0, 0, 2, 5]);
  });

  it("units: a failed check character with a reason in 校验说明 is imported, listed as a warning and audited", async () => {
    const overridden = wrongCheck(cleanUscc("91440104", "QKRD0001"));
    const noReason = wrongCheck(cleanUscc("91440104", "QKRD0002"));
    const tooShort = cleanUscc("91440104", "QKRD0003").slice(0, 17);
    const clean = cleanUscc("91440104", "QKRD0004");
    const reason = "与营业执照一致，已电话核实";
    const H = ["单位名称", "统一社会信用代码", "校验说明", "社区代码", "建筑物编码"];
    const at = [seed.community, seed.building];
    const p = file(
      "units-override.csv",
      csv([
        H,
        ["覆盖公司", overridden, reason, ...at], // 2 imported, with a warning naming the reason
        ["无说明公司", noReason, "", ...at], // 3 rejected: says how to proceed
        ["短码公司", tooShort, reason, ...at], // 4 rejected: only the check character may be overridden
        ["干净公司", clean, reason, ...at], // 5 imported, nothing to say
        [
          "外区覆盖公司",
          wrongCheck(cleanUscc("91440104", "QKRD0005")),
          reason,
          "440104007999",
          seed.building,
        ], // 6
      ]),
    );
    const report = await run("units", p);
    expect(totals(report)).toEqual([5, 2, 0, 0, 3]);
    totalsAddUp(report);
    expect(rowsOfReport(report)).toEqual([
      [3, "统一社会信用代码", noReason, "import.uscc.checkReason"],
      [4, "统一社会信用代码", tooShort, "validation.uscc.length"],
      [6, "社区代码", "440104007999", "import.community.unknown"],
    ]);
    // Only rows that were imported carry warnings (row 6's override was not used: the row was rejected).
    expect(warningsOf(report)).toEqual([[2, "统一社会信用代码", overridden, "import.uscc.checkOverridden"]]);
    expect(report.warnings[0].reason).toBe(`统一社会信用代码校验位不符，已按“校验说明”导入：${reason}`);
    expect(report.warningsTotal).toBe(1);
    const [stored] = await database.db.select().from(units).where(eq(units.uscc, overridden));
    expect(stored.name).toBe("覆盖公司");

    // The rejected rows file is as before: the rejected rows only, with their reasons.
    const lines = fs
      .readFileSync(report.rejectedFile as string, "utf8")
      .slice(1)
      .trim()
      .split("\r\n");
    expect(lines.map((l) => l.split(",")[0])).toEqual(["单位名称", "无说明公司", "短码公司", "外区覆盖公司"]);
    expect(lines[1]).toContain("请在“校验说明”列填写原因后重新导入");

    // The audit entry names each override: row, code and reason.
    const [audit] = rowsOf<{ detail: { warnings: number; overrides: unknown[] } }>(
      await database.db.execute(
        sql`select detail from audit_log where action = 'import' and detail->>'file' = 'units-override.csv'`,
      ),
    );
    expect(audit.detail.warnings).toBe(1);
    expect(audit.detail.overrides).toEqual([{ row: 2, uscc: overridden, reason }]);

    // Again: unchanged, and the override is still listed and audited (the file still says why).
    const again = await run("units", p);
    expect(totals(again)).toEqual([5, 0, 0, 2, 3]);
    expect(warningsOf(again)).toEqual(warningsOf(report));
  });

  it("units: a department or kind outside GB 32100's table is taken on a 校验说明 too, and audited once per code", async () => {
    // B: no registering department; 94: 工商 registers kinds 1–3 only.
    const noDepartment = cleanUscc("B1440104", "QKRD0011");
    const twoFaults = wrongCheck(cleanUscc("94440104", "QKRD0012"));
    const noReason = cleanUscc("94440104", "QKRD0013");
    const reason = "与登记证书一致";
    const at = [seed.community, seed.building];
    const report = await run(
      "units",
      file(
        "units-department.csv",
        csv([
          ["单位名称", "统一社会信用代码", "校验说明", "社区代码", "建筑物编码"],
          ["无部门单位", noDepartment, reason, ...at],
          ["双错单位", twoFaults, reason, ...at],
          ["无说明单位", noReason, "", ...at],
        ]),
      ),
    );
    expect(totals(report)).toEqual([3, 2, 0, 0, 1]);
    expect(rowsOfReport(report)).toEqual([[4, "统一社会信用代码", noReason, "import.uscc.categoryReason"]]);
    expect(warningsOf(report)).toEqual([
      [2, "统一社会信用代码", noDepartment, "import.uscc.departmentOverridden"],
      [3, "统一社会信用代码", twoFaults, "import.uscc.categoryOverridden"],
      [3, "统一社会信用代码", twoFaults, "import.uscc.checkOverridden"],
    ]);
    expect(report.warnings[0].reason).toBe(
      `统一社会信用代码第 1 位（登记管理部门代码）不是国家标准中的代码，已按“校验说明”导入：${reason}`,
    );
    const [audit] = rowsOf<{ detail: { overrides: unknown[] } }>(
      await database.db.execute(
        sql`select detail from audit_log where action = 'import' and detail->>'file' = 'units-department.csv'`,
      ),
    );
    expect(audit.detail.overrides).toEqual([
      { row: 2, uscc: noDepartment, reason },
      { row: 3, uscc: twoFaults, reason },
    ]);
  });

  it("a company landlord's failed check character is taken with a reason, per row", async () => {
    const landlord = wrongCheck(cleanUscc("91440104", "LAND0001"));
    const H = [
      "社区代码",
      "建筑物编码",
      "单元",
      "房号",
      "出租人姓名",
      "出租人证件号码",
      "覆盖原因",
      "承租人姓名",
      "承租人证件号码",
    ];
    const C = [seed.community, seed.building, seed.unitNo, seed.roomC];
    const tenant = citizenId("19930303", 401);
    const p = file(
      "rentals-override.csv",
      csv([
        H,
        [...C, "某物业公司", landlord, "与证照一致", "钟一", tenant], // 2 imported with a warning
        [...C, "某物业公司", landlord, "", "钟二", citizenId("19940404", 402)], // 3 each row needs the reason
      ]),
    );
    const report = await run("rentals", p, { dryRun: true });
    expect(totals(report)).toEqual([2, 1, 0, 0, 1]);
    expect(rowsOfReport(report)).toEqual([[3, "出租人证件号码", landlord, "import.uscc.checkReason"]]);
    expect(warningsOf(report)).toEqual([[2, "出租人证件号码", landlord, "import.uscc.checkOverridden"]]);
    const [audit] = rowsOf<{ detail: { overrides: unknown[] } }>(
      await database.db.execute(
        sql`select detail from audit_log where action = 'import_dry_run' and detail->>'file' = 'rentals-override.csv'`,
      ),
    );
    expect(audit.detail.overrides).toEqual([{ row: 2, uscc: landlord, reason: "与证照一致" }]);
  });

  it("lists the first MAX_WARNINGS warnings and counts them all", async () => {
    const H = ["单位名称", "统一社会信用代码", "社区代码", "建筑物编码"];
    const n = MAX_WARNINGS + 5;
    // Organisation codes W0000000… whose check character is deliberately wrong: a warning each.
    const rows = Array.from({ length: n }, (_, i) => {
      const org = `W${String(i).padStart(7, "0")}`;
      const wrongOrg = orgCodeCheckChar(org) === "0" ? "1" : "0";
      return [`警示公司${i}`, uscc(`91440104${org}${wrongOrg}`), seed.community, seed.building];
    });
    const report = await run("units", file("units-many.csv", csv([H, ...rows])), { dryRun: true });
    expect(totals(report)).toEqual([n, n, 0, 0, 0]);
    expect(report.warnings).toHaveLength(MAX_WARNINGS);
    expect(report.warningsTotal).toBe(n);
    expect(report.warnings.at(-1)?.row).toBe(MAX_WARNINGS + 1);
  });

  it("rentals: one row per tenant; new tenants become migrants; conflicts and duplicates rejected; re-import unchanged", async () => {
    const t1 = citizenId("19950505", 201);
    const t2 = citizenId("19960606", 202);
    const badTenant = `${t1.slice(0, 17)}${t1[17] === "0" ? "1" : "0"}`;
    const H = [
      "社区代码",
      "建筑物编码",
      "单元",
      "房号",
      "出租人姓名",
      "租赁用途",
      "月租金",
      "承租人姓名",
      "承租人证件号码",
      "承租人联系电话",
      "来穗日期",
    ];
    const A = [seed.community, seed.building, seed.unitNo, seed.roomA];
    const B = [seed.community, seed.building, seed.unitNo, seed.roomB];
    const p = file(
      "rentals.csv",
      csv([
        H,
        [...A, "李房东", "居住", "1500", "陈一", t1, "13800000001", "2023-03-01"], // 2 new rental, new tenant
        [...A, "李房东", "", "1500", "陈二", t2, "", ""], // 3 second tenant
        [...A, "李房东", "", "1800", "陈三", citizenId("19970707", 203), "", ""], // 4 rent differs from row 2
        [...A, "李房东", "", "", "陈一", t1, "", ""], // 5 duplicate tenant of row 2
        ["440104007999", seed.building, seed.unitNo, seed.roomC, "王房东", "", "", "", "", "", ""], // 6
        [...B, "王房东", "经营", "", "", "", "", ""], // 7 rental without tenants
        [...B, "王房东", "", "", "坏号", badTenant, "", ""], // 8 tenant's ID check character
      ]),
    );
    const report = await run("rentals", p);
    expect(totals(report)).toEqual([7, 3, 0, 0, 4]);
    totalsAddUp(report);
    expect(report.personsCreated).toBe(2);
    expect(rowsOfReport(report)).toEqual([
      [4, "月租金", "1800", "import.rental.conflict"],
      [5, "承租人证件号码", t1, "import.duplicate"],
      [6, "社区代码", "440104007999", "import.community.unknown"],
      [8, "承租人证件号码", badTenant, "validation.citizenId.checksum"],
    ]);
    expect(report.errors[0].reason).toContain("第 2 行");

    const tenants = rowsOf<{
      id_number: string;
      person_type: string;
      sex: string;
      birth_date: string;
      phone: string | null;
      arrival_date: string | null;
      monthly_rent: number;
      same_room: boolean;
    }>(
      await database.db.execute(sql`
        select p.id_number, p.person_type, p.sex, p.birth_date::text, p.phone, p.arrival_date::text, x.monthly_rent,
               p.room_id = x.room_id as same_room
        from rental_tenants rt join rentals x on x.id = rt.rental_id join persons p on p.id = rt.person_id
        join rooms r on r.id = x.room_id join buildings b on b.id = r.building_id
        where b.code = ${seed.building} and r.unit_no = ${seed.unitNo} and r.room_no = ${seed.roomA}
        order by p.id_number`),
    );
    expect(tenants).toEqual(
      [
        {
          id_number: t1,
          person_type: "02",
          sex: "1",
          birth_date: "1995-05-05",
          phone: "13800000001",
          arrival_date: "2023-03-01",
          monthly_rent: 1500,
          same_room: true,
        },
        {
          id_number: t2,
          person_type: "02",
          sex: "2",
          birth_date: "1996-06-06",
          phone: null,
          arrival_date: null,
          monthly_rent: 1500,
          same_room: true,
        },
      ].sort((a, b) => a.id_number.localeCompare(b.id_number)),
    );
    const [roomB] = rowsOf<{ use: string; landlord_name: string; n: number }>(
      await database.db.execute(sql`
        select x.use, x.landlord_name, (select count(*)::int from rental_tenants rt where rt.rental_id = x.id) as n
        from rentals x join rooms r on r.id = x.room_id join buildings b on b.id = r.building_id
        where b.code = ${seed.building} and r.unit_no = ${seed.unitNo} and r.room_no = ${seed.roomB}`),
    );
    expect(roomB).toEqual({ use: "2", landlord_name: "王房东", n: 0 });

    const again = await run("rentals", p);
    expect(totals(again)).toEqual([7, 0, 0, 3, 4]);
    expect(again.personsCreated).toBe(0);
    expect(rowsOfReport(again)).toEqual(rowsOfReport(report));
  });

  it("an XLSX file gives the same report as the equivalent CSV", async () => {
    const H = [
      "社区代码",
      "建筑物编码",
      "单元",
      "房号",
      "出租人姓名",
      "月租金",
      "承租人姓名",
      "承租人证件号码",
      "来穗日期",
    ];
    const tenant = citizenId("19880101", 301);
    const rows = [
      [seed.community, seed.building, seed.unitNo, seed.roomC, "赵房东", "900", "林一", tenant, "2022-09-01"],
      [seed.community, seed.building, seed.unitNo, seed.roomC, "赵房东", "900", "林二", "123", ""],
      ["440104007999", seed.building, seed.unitNo, seed.roomC, "赵房东", "", "", "", ""],
      [seed.community, seed.building, seed.unitNo, seed.roomC, "赵房东", "900", "林一", tenant, ""],
    ];
    const csvPath = file("rentals-same.csv", csv([H, ...rows]));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("出租屋");
    sheet.addRow(H);
    for (const r of rows) {
      // As Excel holds them: the rent a number, the date a date cell, codes and IDs as text.
      sheet.addRow(
        r.map((v, i) => (i === 5 && v ? Number(v) : i === 8 && v ? new Date(`${v}T00:00:00Z`) : v)),
      );
    }
    sheet.addRow([]);
    workbook.addWorksheet("说明").addRow(["这一页不导入"]);
    const xlsxPath = path.join(dir, "rentals-same.xlsx");
    await workbook.xlsx.writeFile(xlsxPath);

    const fromCsv = await run("rentals", csvPath, { dryRun: true });
    const fromXlsx = await run("rentals", xlsxPath, { dryRun: true });
    expect([fromXlsx.format, fromXlsx.encoding, fromCsv.format]).toEqual(["xlsx", null, "csv"]);
    expect(totals(fromCsv)).toEqual([4, 1, 0, 0, 3]);
    expect(totals(fromXlsx)).toEqual(totals(fromCsv));
    expect(fromXlsx.errors).toEqual(fromCsv.errors);
    expect(rowsOfReport(fromCsv)).toEqual([
      [3, "承租人证件号码", "123", "validation.citizenId.length"],
      [4, "社区代码", "440104007999", "import.community.unknown"],
      [5, "承租人证件号码", tenant, "import.duplicate"],
    ]);

    // Imported for real from the XLSX, then the CSV finds everything there.
    const real = await run("rentals", xlsxPath);
    expect(totals(real)).toEqual([4, 1, 0, 0, 3]);
    const [arrived] = await database.db.select().from(persons).where(eq(persons.idNumber, tenant));
    expect([arrived.arrivalDate, arrived.personType]).toEqual(["2022-09-01", "02"]);
    expect(totals(await run("rentals", csvPath))).toEqual([4, 0, 0, 1, 3]);
  });

  it("refuses a file missing a required column, for every kind, writing nothing", async () => {
    const cases: [ImportKind, string[], string][] = [
      ["buildings", ["建筑物编码", "社区代码", "网格编码"], "标准地址"],
      ["rooms", ["社区代码", "建筑物编码", "单元", "房号"], "楼层"],
      ["units", ["单位名称", "社区代码", "建筑物编码"], "统一社会信用代码"],
      ["rentals", ["社区代码", "建筑物编码", "单元", "房号", "承租人证件号码"], "出租人姓名"],
    ];
    for (const [kind, headers, missing] of cases) {
      const p = file(`missing-${kind}.csv`, csv([headers, headers.map(() => "x")]));
      const report = await run(kind, p);
      expect([report.read, report.stoppedAt?.row]).toEqual([0, 1]);
      expect(rowsOfReport(report)).toEqual([[1, missing, "", "import.column.missing"]]);
    }
  });

  it("units: a batch that fails on the database rolls back whole; earlier batches stay; the report says where", async () => {
    await database.db.execute(
      sql.raw(`alter table units add constraint import_kinds_trap check (name <> '故障')`),
    );
    try {
      const H = ["单位名称", "统一社会信用代码", "社区代码", "建筑物编码"];
      const codes = Array.from({ length: 5 }, (_, i) => uscc(`91440104MA5KEEP0${i}`));
      const rows = codes.map((code, i) => [
        i === 3 ? "故障" : `批次公司${i}`,
        code,
        seed.community,
        seed.building,
      ]);
      const p = file("units-killed.csv", csv([H, ...rows]));
      const report = await run("units", p, { batchSize: 2 });
      expect(report.stoppedAt?.row).toBe(4);
      expect(totals(report)).toEqual([2, 2, 0, 0, 0]);
      const stored = await database.db
        .select({ uscc: units.uscc })
        .from(units)
        .where(sql`${units.name} like '批次公司%'`);
      expect(stored.map((u) => u.uscc).sort()).toEqual(codes.slice(0, 2).sort());
    } finally {
      await database.db.execute(sql.raw("alter table units drop constraint if exists import_kinds_trap"));
    }
  });

  it("reports progress after each batch, ending at the file's size", async () => {
    const H = ["建筑物编码", "标准地址", "社区代码", "网格编码"];
    const rows = Array.from({ length: 5 }, (_, i) => [
      `B-PROG-${i}`,
      `进度巷${i}号`,
      seed.community,
      seed.grid,
    ]);
    const p = file("progress.csv", csv([H, ...rows]));
    const seenProgress: ImportProgress[] = [];
    const report = await run("buildings", p, { batchSize: 2, onProgress: (x) => seenProgress.push(x) });
    expect(report.batches).toBe(3);
    expect(seenProgress.map((x) => x.rowsRead)).toEqual([2, 4, 5]);
    const size = fs.statSync(p).size;
    expect(seenProgress.every((x) => x.totalBytes === size && x.bytesRead <= size)).toBe(true);
    expect(seenProgress.at(-1)?.bytesRead).toBe(size);
  });
});
