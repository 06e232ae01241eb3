// The persons import's fast path (fastPersonRow) may only ever answer what the zod path (parsePersonRow)
// answers: for every row it accepts, the same record and the same warnings; every row it cannot prove
// goes to the zod path, so messages stay the schemas'. Rows are drawn per column from good values, near
// misses (labels, other date forms, full-width digits, padding) and bad ones, under several header layouts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapHeaders } from "@/domain/import/columns";
import {
  fastPersonRow,
  fastPersonRows,
  type ImportField,
  PERSON_COLUMNS,
  parsePersonRow,
  personRowParser,
} from "@/domain/import/persons";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";

const id = (body17: string) => body17 + citizenIdCheckChar(body17);
const GOOD_ID = id("44010419850203001"); // born 1985-02-03, male (odd 17th digit)
const GOOD_ID_F = id("44010420010911002"); // born 2001-09-11, female
const NO_COUNTY_ID = id("44019919850203001"); // as GOOD_ID, but Guangzhou has no county 99: a warning

const idNumber = fc.constantFrom(
  GOOD_ID,
  GOOD_ID_F,
  GOOD_ID.toLowerCase().replace("x", "x"),
  `${GOOD_ID.slice(0, 17)}${GOOD_ID.at(-1) === "0" ? "1" : "0"}`, // wrong check character
  "440104850203001", // 15 digits
  `４４０１０４１９８５０２０３００１${GOOD_ID.slice(17)}`, // full-width digits
  ` ${GOOD_ID} `,
  id("44010430000101001"), // born in the future
  id("99010419850203001"), // no such province
  NO_COUNTY_ID,
  "E12345678", // a passport number (needs 证件类型)
  "",
);
// "张\u202E伟": a right-to-left override, which the schemas refuse (validation.text.bidiControl).
const name = fc.constantFrom(
  "张伟",
  "欧阳娜娜",
  " 李 ",
  "",
  "名".repeat(50),
  "名".repeat(51),
  "Ｊｏｈｎ",
  "张\u202E伟",
  "\u2067李",
);
const sex = fc.constantFrom("男", "女", "1", "2", "0", "9", "3", "man", "");
const birthDate = fc.constantFrom(
  "1985-02-03",
  "1985/2/3",
  "19850203",
  "1985年2月3日",
  "2001-09-11",
  "2001.9.11",
  "1985-02-30",
  "3000-01-01",
  "85-2-3",
  "",
);
const code = (...values: string[]) => fc.constantFrom(...values, "", "??");
const text = (max: number) =>
  fc.constantFrom("广州市越秀区光塔路1号", "x".repeat(max), "x".repeat(max + 1), "", "　", "光塔路\u202E1号");
const phone = fc.constantFrom("13812345678", "138 1234 5678", "020-83123456", "+86 13812345678", "12345", "");
const flag = fc.constantFrom("是", "否", "1", "0", "YES", "x", "");
const date = fc.constantFrom("2019-05-01", "20190501", "2019/5/1", "2099-01-01", "2019-13-01", "");

/** Each column's value pool, and a few arbitrary strings now and then. */
const CELLS: Record<string, fc.Arbitrary<string>> = {
  name,
  idType: code("居民身份证", "1", "2", "护照", "01"),
  idNumber,
  sex,
  birthDate,
  ethnicity: code("01", "汉族", "汉", "1", "02", "满族", "99"),
  relation: code("02", "户主", "10", "配偶", "其他亲属", "abc"),
  marital: code("10", "未婚", "20", "已婚"),
  education: code("10", "21", "大学本科", "90"),
  politics: code("13", "群众", "01"),
  hukouCategory: code("1", "非农业户口", "2"),
  hukouAddress: text(200),
  currentAddress: text(200),
  residenceMatch: code("1", "人户一致", "2"),
  personType: code("01", "02", "户籍人口"),
  phone,
  employment: code("11", "10", "在业"),
  disability: flag,
  lowIncome: flag,
  unemployed: flag,
  leftBehind: code("1", "2", "留守老人"),
  arrivalDate: date,
  origin: text(200),
  residencePermitNo: text(50),
  householdNo: fc.constantFrom("T0001", " T0002 ", "T".repeat(30), "T".repeat(31), "Ｔ３", ""),
  householdKind: code("1", "家庭户", "2", "集体户", "5"),
  communityCode: fc.constantFrom("440104007101", "44010400710", "４４０１０４００７１０１", ""),
  buildingCode: fc.constantFrom("B1", " B2 ", ""),
  unitNo: fc.constantFrom("1", "2", "", " "),
  roomNo: fc.constantFrom("101", "1202", ""),
};
/** Mostly a usual value (so many rows are valid: `usual` grows with the columns), else the column's pool, else anything. */
const USUAL: Record<string, string> = {
  name: "张伟",
  householdNo: "T0001",
  communityCode: "440104007101",
  buildingCode: "B1",
  roomNo: "101",
};
const cellOf = (field: string, usual: number) =>
  fc.oneof(
    { weight: usual, arbitrary: fc.constant(USUAL[field] ?? "") },
    { weight: 3, arbitrary: CELLS[field] },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
/** ID, sex and birth date: mostly a consistent person written in one of several forms. */
const identity = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      [GOOD_ID, "男", "1985-02-03"],
      [GOOD_ID, "1", "19850203"],
      [GOOD_ID_F, "女", "2001/9/11"],
      [GOOD_ID_F, "2", "2001年9月11日"],
      [NO_COUNTY_ID, "男", "1985-02-03"],
    ),
  },
  { weight: 1, arbitrary: fc.tuple(idNumber, sex, birthDate) },
);

/** Header layouts: every column; the bench's 13; a minimal file with aliases; one with no 证件类型. */
const LAYOUTS: string[][] = [
  PERSON_COLUMNS.map((c) => c.header),
  [
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
  ],
  [
    "身份证号",
    "姓名",
    "出生年月日",
    "性别",
    "户号",
    "社区编码",
    "楼栋编码",
    "房间号",
    "是否低保",
    "手机号码",
  ],
  ["证件类型", "证件号码", "姓名", "性别", "出生日期", "户号", "社区代码", "建筑物编码", "房号", "备注"],
];

describe("persons import fast path", () => {
  for (const [n, headers] of LAYOUTS.entries()) {
    it(`agrees with the zod path on good and bad rows (layout ${n + 1})`, () => {
      const map = mapHeaders<ImportField>(PERSON_COLUMNS, headers);
      expect(map.problems).toEqual([]);
      const fast = fastPersonRows(map);
      expect(fast).not.toBeNull();
      const fieldAt = headers.map(
        (_, i) => Object.entries(map.index).find(([, at]) => at === i)?.[0] as string | undefined,
      );
      const row = fc
        .tuple(
          identity,
          fc.tuple(
            ...fieldAt.map((field) =>
              field ? cellOf(field, 2 * headers.length) : fc.string({ maxLength: 4 }),
            ),
          ),
        )
        .map(([[idCell, sexCell, birthCell], cells]) =>
          cells.map((cell, i) =>
            fieldAt[i] === "idNumber"
              ? idCell
              : fieldAt[i] === "sex"
                ? sexCell
                : fieldAt[i] === "birthDate"
                  ? birthCell
                  : cell,
          ),
        );
      let proven = 0;
      let accepted = 0;
      let warned = 0;
      fc.assert(
        fc.property(row, (cells) => {
          const reference = parsePersonRow(map, cells);
          const quick = fastPersonRow(fast as NonNullable<typeof fast>, cells);
          if (reference.ok) accepted += 1;
          if (quick) {
            proven += 1;
            if (quick.warnings.length > 0) warned += 1;
            // A row the fast path accepts is one the schemas accept, with the very same record and warnings.
            expect(reference).toEqual(quick);
          }
          // And the parser the engine uses answers exactly as the reference does, whichever path it took.
          expect(personRowParser(map)(cells)).toEqual(reference);
        }),
        { seed: 20260808 + n, numRuns: 3000 },
      );
      // Not vacuous: the generator yields valid rows, the fast path takes most of them, and some of those
      // carry the county warning, so warnings are compared where there are some.
      expect(accepted).toBeGreaterThan(20);
      expect(proven).toBeGreaterThan(accepted / 2);
      expect(warned).toBeGreaterThan(0);
    });
  }

  it("takes a typical valid row, and leaves an invalid one to the schemas' messages", () => {
    const map = mapHeaders<ImportField>(PERSON_COLUMNS, LAYOUTS[1]);
    const fast = fastPersonRows(map) as NonNullable<ReturnType<typeof fastPersonRows>>;
    const good = [
      "张伟",
      GOOD_ID,
      "男",
      "1985/2/3",
      "汉族",
      "户主",
      "T1",
      "家庭户",
      "440104007101",
      "B1",
      "",
      "101",
      "138 1234 5678",
    ];
    expect(fastPersonRow(fast, good)).toEqual({
      ok: true,
      record: {
        person: {
          name: "张伟",
          idType: "1",
          idNumber: GOOD_ID,
          sex: "1",
          birthDate: "1985-02-03",
          ethnicity: "01",
          relation: "02",
          phone: "13812345678",
        },
        household: { householdNo: "T1", kind: "1" },
        place: { communityCode: "440104007101", buildingCode: "B1", unitNo: null, roomNo: "101" },
      },
      warnings: [],
    });
    const bad = [...good];
    bad[2] = "女"; // disagrees with the ID
    expect(fastPersonRow(fast, bad)).toBeNull();
    const result = personRowParser(map)(bad);
    expect(result.ok ? [] : result.problems.map((p) => [p.column, p.key])).toEqual([
      ["性别", "validation.person.sexMismatch"],
    ]);
  });
});
