import { describe, expect, it } from "vitest";
import { EDUCATION, ETHNICITY, RELATION, SEX } from "@/domain/codes";
import {
  mapHeaders as mapAny,
  parseMapping as parseAny,
  toCode,
  toIsoDateText,
} from "@/domain/import/columns";
import { type ImportField, PERSON_COLUMNS, parsePersonRow } from "@/domain/import/persons";
import { BUILDING_COLUMNS, parseBuildingRow, parseRoomRow, ROOM_COLUMNS } from "@/domain/import/places";
import { parseRentalRow, RENTAL_COLUMNS } from "@/domain/import/rentals";
import { parseUnitRow, UNIT_COLUMNS } from "@/domain/import/units";
import { rentalSchema } from "@/domain/schemas/rental";
import { unitSchema } from "@/domain/schemas/unit";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { orgCodeCheckChar, usccCheckChar } from "@/domain/validators/uscc";

/** A credit code that passes both checks: its organisation code (characters 9–17) and its own. */
const cleanUscc = (head8: string, org8: string) => {
  const first17 = head8 + org8 + orgCodeCheckChar(org8);
  return first17 + usccCheckChar(first17);
};
/** The same code with a wrong check character. */
const wrongCheck = (code: string) => `${code.slice(0, 17)}${code[17] === "0" ? "1" : "0"}`;

const mapHeaders = (headers: string[], overrides: Record<string, string> = {}) =>
  mapAny<ImportField>(PERSON_COLUMNS, headers, overrides);
const parseMapping = (value: unknown) => parseAny(PERSON_COLUMNS, value);

const HEADERS = ["姓名", "身份证号", "性别", "出生日期", "户号", "社区代码", "楼栋编码", "房号", "是否低保"];
const row = (over: Record<number, string> = {}) => {
  const cells = ["张秀英", "440104195001010020", "女", "1950/1/1", "T1", "440104007101", "B1", "101", "是"];
  for (const [i, v] of Object.entries(over)) cells[Number(i)] = v;
  return cells;
};

describe("import header mapping", () => {
  it("maps canonical headers and aliases, ignoring spaces, full-width forms and a required marker", () => {
    const map = mapHeaders([
      "*姓名",
      " 身份证号 ",
      "性别",
      "出生日期",
      "户号",
      "社区代码",
      "楼栋编码",
      "房号",
      "备注",
    ]);
    expect(map.problems).toEqual([]);
    expect(map.index).toMatchObject({ name: 0, idNumber: 1, buildingCode: 6, roomNo: 7 });
    expect(map.ignored).toEqual(["备注"]);
  });

  it("names every missing required column and a column given twice", () => {
    const map = mapHeaders(["姓名", "身份证号", "公民身份号码", "性别"]);
    expect(map.problems.map((p) => [p.column, p.key])).toEqual([
      ["公民身份号码", "import.column.duplicate"],
      ["出生日期", "import.column.missing"],
      ["户号", "import.column.missing"],
      ["社区代码", "import.column.missing"],
      ["建筑物编码", "import.column.missing"],
      ["房号", "import.column.missing"],
    ]);
  });

  it("takes overrides from a mapping file and refuses unknown fields", () => {
    const checked = parseMapping({ 证件号: "idNumber" });
    expect(checked.ok).toBe(true);
    const map = mapHeaders(["证件号"], checked.ok ? checked.mapping : {});
    expect(map.index.idNumber).toBe(0);
    expect(parseMapping({ 证件号: "nope" }).ok).toBe(false);
  });
});

describe("import values", () => {
  it("takes codes or Chinese labels", () => {
    expect([toCode(SEX, "女"), toCode(SEX, "2"), toCode(ETHNICITY, "汉"), toCode(ETHNICITY, "1")]).toEqual([
      "2",
      "2",
      "01",
      "01",
    ]);
    expect([toCode(RELATION, "户主"), toCode(EDUCATION, "21"), toCode(SEX, "外星")]).toEqual([
      "02",
      "20",
      "外星",
    ]);
  });

  it("reads the usual date spellings", () => {
    expect(["1990/2/3", "1990.02.03", "19900203", "1990年2月3日", "1990-2-30"].map(toIsoDateText)).toEqual([
      "1990-02-03",
      "1990-02-03",
      "1990-02-03",
      "1990-02-03",
      "1990-02-30",
    ]);
  });
});

describe("import rows", () => {
  const map = mapHeaders(HEADERS);

  it("makes a validated record with only the fields the row gave", () => {
    const result = parsePersonRow(map, row());
    expect(result).toEqual({
      ok: true,
      record: {
        person: {
          name: "张秀英",
          idType: "1",
          idNumber: "440104195001010020",
          sex: "2",
          birthDate: "1950-01-01",
          lowIncome: true,
        },
        household: { householdNo: "T1", kind: null },
        place: { communityCode: "440104007101", buildingCode: "B1", unitNo: null, roomNo: "101" },
      },
      warnings: [],
    });
  });

  it("imports an ID whose county code is in no GB/T 2260 table with a warning; a known one, current or abolished, has none", () => {
    // 44 is a province; 4499 is no prefecture of it, and 4401 (Guangzhou) has no county 99.
    for (const body of ["44999919500101002", "44019919500101002"]) {
      const unknownCounty = body + citizenIdCheckChar(body);
      const result = parsePersonRow(map, row({ 1: unknownCounty }));
      expect(result.ok && result.warnings).toEqual([
        { column: "身份证号", value: unknownCounty, key: "validation.citizenId.county" },
      ]);
    }
    // 440104 越秀区 today; 440102 东山区, merged into it in 2005, on an old card.
    expect(parsePersonRow(map, row({ 1: "440104195001010020" }))).toMatchObject({ ok: true, warnings: [] });
    const oldBody = "44010219500101002";
    const oldCounty = oldBody + citizenIdCheckChar(oldBody);
    expect(parsePersonRow(map, row({ 1: oldCounty }))).toMatchObject({ ok: true, warnings: [] });
  });

  it("lists every problem of a row with its column and value", () => {
    const result = parsePersonRow(
      map,
      row({ 1: "440104195001010021", 3: "1950-02-30", 5: "4401", 7: "", 8: "也许" }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.column, p.value, p.key])).toEqual([
      ["是否低保", "也许", "import.flag"],
      ["出生日期", "1950-02-30", "validation.date.invalid"],
      ["身份证号", "440104195001010021", "validation.citizenId.checksum"],
      ["社区代码", "4401", "import.community.format"],
      ["房号", "", "validation.required"],
    ]);
  });

  it("checks sex and birth date against the citizen ID", () => {
    const result = parsePersonRow(map, row({ 2: "男", 3: "1950-01-02" }));
    expect(result.ok ? [] : result.problems.map((p) => [p.column, p.key])).toEqual([
      ["出生日期", "validation.person.birthDateMismatch"],
      ["性别", "validation.person.sexMismatch"],
    ]);
  });
});

describe("import rows of the other kinds", () => {
  it("a code cell that is no code or label is named with what its column takes, in every kind", () => {
    const units = mapAny(UNIT_COLUMNS, [
      "单位名称",
      "统一社会信用代码",
      "行业",
      "单位状态",
      "社区代码",
      "建筑物编码",
    ]);
    const unit = parseUnitRow(units, [
      "某公司",
      cleanUscc("91440104", "MA5D2B3C"),
      "Z",
      "营业中",
      "440104007101",
      "B1",
    ]);
    expect(unit.ok ? [] : unit.problems).toEqual([
      {
        column: "行业",
        value: "Z",
        key: "import.code.unknownMore",
        params: {
          value: "Z",
          allowed: expect.stringMatching(/^农、林、牧、渔业（A）、采矿业（B）、/),
          count: 20,
        },
      },
      {
        column: "单位状态",
        value: "营业中",
        key: "import.code.unknown",
        params: { value: "营业中", allowed: "开业（1）、歇业（2）、停业（3）、注销/取缔（4）", count: 4 },
      },
    ]);
    const rentals = mapAny(RENTAL_COLUMNS, [
      "社区代码",
      "建筑物编码",
      "房号",
      "出租人姓名",
      "隐患等级",
      "承租人姓名",
      "承租人证件号码",
      "承租人性别",
    ]);
    // The tenant's sex is also checked against the ID: a value that is no sex at all is the one problem.
    const rental = parseRentalRow(rentals, [
      "440104007101",
      "B1",
      "101",
      "王房东",
      "高",
      "李租客",
      "440104195001010020",
      "F",
    ]);
    expect(rental.ok ? [] : rental.problems.map((p) => [p.column, p.value, p.key])).toEqual([
      ["隐患等级", "高", "import.code.unknown"],
      ["承租人性别", "F", "import.code.unknown"],
    ]);
  });

  it("units: a credit code is required and checked; industry takes its name", () => {
    const map = mapAny(UNIT_COLUMNS, ["单位名称", "统一社会信用代码", "行业", "社区代码", "建筑物编码"]);
    const good = cleanUscc("91440104", "MA5D2B3C");
    const ok = parseUnitRow(map, ["某公司", good, "批发和零售业", "440104007101", "B1"]);
    expect(ok).toEqual({
      ok: true,
      record: {
        unit: { name: "某公司", uscc: good, industry: "F" },
        place: { communityCode: "440104007101", buildingCode: "B1", unitNo: null, roomNo: null },
      },
      warnings: [],
    });
    // Without a 校验说明 column a failed check character is refused, saying how to proceed.
    const bad = parseUnitRow(map, ["某公司", wrongCheck(good), "", "440104007101", "B1"]);
    expect(bad.ok ? [] : bad.problems.map((p) => [p.column, p.key])).toEqual([
      ["统一社会信用代码", "import.uscc.checkReason"],
    ]);
    const none = parseUnitRow(map, ["某公司", "", "", "440104007101", "B1"]);
    expect(none.ok ? [] : none.problems.map((p) => [p.column, p.key])).toEqual([
      ["统一社会信用代码", "validation.required"],
    ]);
  });

  it("units: a failed check character with a reason in 校验说明 is imported with a warning naming it", () => {
    const map = mapAny(UNIT_COLUMNS, ["单位名称", "统一社会信用代码", "覆盖原因", "社区代码", "建筑物编码"]);
    const code = cleanUscc("91440104", "MA5D2B3C");
    const reason = "与营业执照一致，登记机关赋码有误";
    const row = (uscc: string, why: string) => ["某公司", uscc, why, "440104007101", "B1"];

    const taken = parseUnitRow(map, row(` ${wrongCheck(code).toLowerCase()} `, reason));
    expect(taken.ok && taken.record.unit).toEqual({ name: "某公司", uscc: wrongCheck(code) });
    expect(taken.ok && taken.warnings).toEqual([
      {
        column: "统一社会信用代码",
        value: wrongCheck(code),
        key: "import.uscc.checkOverridden",
        params: { reason },
      },
    ]);
    // A blank reason is no reason.
    const blank = parseUnitRow(map, row(wrongCheck(code), "  "));
    expect(blank.ok ? [] : blank.problems.map((p) => [p.column, p.key])).toEqual([
      ["统一社会信用代码", "import.uscc.checkReason"],
    ]);
    // Only the check character may be overridden: a wrong length or character is refused whatever the reason.
    for (const [uscc, key] of [
      [code.slice(0, 17), "validation.uscc.length"],
      [`${code.slice(0, 16)}O${code[17]}`, "validation.uscc.characters"],
    ]) {
      const refused = parseUnitRow(map, row(uscc, reason));
      expect(refused.ok ? [] : refused.problems.map((p) => [p.column, p.key])).toEqual([
        ["统一社会信用代码", key],
      ]);
    }
    // A reason for a code that passes changes nothing; an over-long one is refused on its own column.
    expect(parseUnitRow(map, row(code, reason))).toMatchObject({ ok: true, warnings: [] });
    const long = parseUnitRow(map, row(wrongCheck(code), "因".repeat(501)));
    expect(long.ok ? [] : long.problems.map((p) => [p.column, p.key])).toEqual([
      ["覆盖原因", "validation.tooLong"],
    ]);
  });

  it("units: the credit code validator's own warning (organisation code) is kept for the report", () => {
    const map = mapAny(UNIT_COLUMNS, ["单位名称", "统一社会信用代码", "社区代码", "建筑物编码"]);
    const first17 = "91440104MA5D2B3C0"; // organisation code MA5D2B3C, whose check character is not 0
    expect(orgCodeCheckChar("MA5D2B3C")).not.toBe("0");
    const code = first17 + usccCheckChar(first17);
    const result = parseUnitRow(map, ["某公司", code, "440104007101", "B1"]);
    expect(result.ok && result.warnings.map((w) => [w.column, w.value, w.key])).toEqual([
      ["统一社会信用代码", code, "validation.uscc.orgCodeChecksum"],
    ]);
  });

  it("units: a department or kind outside GB 32100's table takes a reason like the check character", () => {
    const map = mapAny(UNIT_COLUMNS, ["单位名称", "统一社会信用代码", "校验说明", "社区代码", "建筑物编码"]);
    const reason = "与登记证书一致";
    const row = (uscc: string, why: string) => ["某单位", uscc, why, "440104007101", "B1"];
    const keysOf = (result: ReturnType<typeof parseUnitRow>) =>
      result.ok
        ? result.warnings.map((w) => [w.value, w.key, w.params])
        : result.problems.map((p) => [p.value, p.key]);
    // B is no registering department; 94: 工商 registers kinds 1–3 only; 51: 民政's 社会团体 is fine.
    const noDepartment = cleanUscc("B1440104", "MA5D2B3C");
    const noKind = cleanUscc("94440104", "MA5D2B3C");
    expect(keysOf(parseUnitRow(map, row(noDepartment, "")))).toEqual([
      [noDepartment, "import.uscc.departmentReason"],
    ]);
    expect(keysOf(parseUnitRow(map, row(noKind, "")))).toEqual([[noKind, "import.uscc.categoryReason"]]);
    expect(keysOf(parseUnitRow(map, row(noDepartment, reason)))).toEqual([
      [noDepartment, "import.uscc.departmentOverridden", { reason }],
    ]);
    expect(keysOf(parseUnitRow(map, row(noKind, reason)))).toEqual([
      [noKind, "import.uscc.categoryOverridden", { reason }],
    ]);
    // Two faults on one code: without a reason the first is named; with one, both are listed.
    expect(keysOf(parseUnitRow(map, row(wrongCheck(noKind), "")))).toEqual([
      [wrongCheck(noKind), "import.uscc.categoryReason"],
    ]);
    expect(keysOf(parseUnitRow(map, row(wrongCheck(noKind), reason)))).toEqual([
      [wrongCheck(noKind), "import.uscc.categoryOverridden", { reason }],
      [wrongCheck(noKind), "import.uscc.checkOverridden", { reason }],
    ]);
    expect(parseUnitRow(map, row(cleanUscc("51440104", "MA5D2B3C"), ""))).toMatchObject({
      ok: true,
      warnings: [],
    });
    // The officer's form refuses both, as it refuses a failed check character.
    for (const [code, key] of [
      [noDepartment, "validation.uscc.department"],
      [noKind, "validation.uscc.category"],
    ]) {
      const unit = unitSchema.safeParse({ name: "某单位", uscc: code, status: "1", kind: "1" });
      expect(unit.success ? [] : unit.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([
        ["uscc", key],
      ]);
    }
  });

  it("field entry still refuses a failed check character: the leniency is the import's alone", () => {
    const bad = wrongCheck(cleanUscc("91440104", "MA5D2B3C"));
    const unit = unitSchema.safeParse({ name: "某公司", uscc: bad, status: "1", kind: "1" });
    expect(unit.success ? [] : unit.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["uscc", "validation.uscc.checksum"],
    ]);
    // The push checks each field on its own (server/services/push.ts rulesFor): the same refusal.
    expect(unitSchema.shape.uscc.safeParse(bad).success).toBe(false);
    const rental = rentalSchema.safeParse({ landlordName: "某公司", landlordIdNumber: bad, use: "1" });
    expect(rental.success ? [] : rental.error.issues.map((i) => i.message)).toEqual([
      "validation.uscc.checksum",
    ]);
  });

  it("rentals: a company landlord's failed check character takes a reason too; a citizen ID's never does", () => {
    const map = mapAny(RENTAL_COLUMNS, [
      "社区代码",
      "建筑物编码",
      "房号",
      "出租人姓名",
      "出租人证件号码",
      "校验说明",
    ]);
    const bad = wrongCheck(cleanUscc("91440104", "MA5D2B3C"));
    const row = (id: string, why: string) => ["440104007101", "B1", "101", "某公司", id, why];
    const taken = parseRentalRow(map, row(bad, "与营业执照一致"));
    expect(taken.ok && taken.record.rental.landlordIdNumber).toBe(bad);
    expect(taken.ok && taken.warnings.map((w) => [w.column, w.value, w.key, w.params])).toEqual([
      ["出租人证件号码", bad, "import.uscc.checkOverridden", { reason: "与营业执照一致" }],
    ]);
    const refused = parseRentalRow(map, row(bad, ""));
    expect(refused.ok ? [] : refused.problems.map((p) => [p.column, p.key])).toEqual([
      ["出租人证件号码", "import.uscc.checkReason"],
    ]);
    const badPerson = wrongCheck(`44010419500101002${citizenIdCheckChar("44010419500101002")}`);
    const person = parseRentalRow(map, row(badPerson, "与身份证一致"));
    expect(person.ok ? [] : person.problems.map((p) => [p.column, p.key])).toEqual([
      ["出租人证件号码", "validation.citizenId.checksum"],
    ]);
  });

  it("rentals: a landlord's or tenant's citizen ID with an unknown county code is imported with a warning", () => {
    const map = mapAny(RENTAL_COLUMNS, [
      "社区代码",
      "建筑物编码",
      "房号",
      "出租人姓名",
      "出租人证件号码",
      "承租人姓名",
      "承租人证件号码",
    ]);
    const withCheck = (body: string) => body + citizenIdCheckChar(body);
    const landlord = withCheck("44019919600101001");
    const tenant = withCheck("45999919900202002");
    const result = parseRentalRow(map, ["440104007101", "B1", "101", "李房东", landlord, "陈一", tenant]);
    expect(result.ok && result.warnings.map((w) => [w.column, w.value, w.key])).toEqual([
      ["承租人证件号码", tenant, "validation.citizenId.county"],
      ["出租人证件号码", landlord, "validation.citizenId.county"],
    ]);
    // 450102 兴宁区 (南宁) and 440104 越秀区 are counties: no warning.
    const known = parseRentalRow(map, [
      "440104007101",
      "B1",
      "101",
      "李房东",
      withCheck("44010419600101001"),
      "陈一",
      withCheck("45010219900202002"),
    ]);
    expect(known).toMatchObject({ ok: true, warnings: [] });
  });

  it("rentals: a tenant's sex and birth date come from the citizen ID; a wrong ID is the one problem", () => {
    const map = mapAny(RENTAL_COLUMNS, [
      "社区代码",
      "建筑物编码",
      "房号",
      "出租人姓名",
      "承租人姓名",
      "承租人证件号码",
    ]);
    const ok = parseRentalRow(map, ["440104007101", "B1", "101", "李房东", "陈一", "440104195001010020"]);
    expect(ok.ok && ok.record.tenant).toEqual({
      name: "陈一",
      idType: "1",
      idNumber: "440104195001010020",
      sex: "2",
      birthDate: "1950-01-01",
    });
    const bad = parseRentalRow(map, ["440104007101", "B1", "101", "李房东", "陈一", "440104195001010021"]);
    expect(bad.ok ? [] : bad.problems.map((p) => [p.column, p.key])).toEqual([
      ["承租人证件号码", "validation.citizenId.checksum"],
    ]);
  });

  it("buildings and rooms: numbers, codes and a grid code's form", () => {
    const b = mapAny(BUILDING_COLUMNS, ["建筑物编码", "标准地址", "层数", "社区代码", "网格编码"]);
    const bad = parseBuildingRow(b, ["B1", "某巷1号", "7.5", "440104007101", "4401"]);
    expect(bad.ok ? [] : bad.problems.map((p) => [p.column, p.key])).toEqual([
      ["层数", "validation.notInteger"],
      ["网格编码", "import.grid.format"],
    ]);
    const r = mapAny(ROOM_COLUMNS, ["社区代码", "建筑物编码", "房号", "楼层", "房屋用途", "面积"]);
    const room = parseRoomRow(r, ["440104007101", "B1", "101", "1", "商业", "35.5"]);
    expect(room.ok && room.record.room).toEqual({ floor: 1, use: "2", areaM2: 35.5 });
  });
});
