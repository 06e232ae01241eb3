// The XLSX side of tableFile, read back with exceljs: what a spreadsheet user sees of the file, whatever
// writer made it (the streaming writer with inline strings and shared style objects since issue 19).
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { ExportTable } from "@/domain/progress";
import { tableFile } from "@/server/services/export-file";

const tables = [
  {
    key: "grids",
    title: "按网格",
    columns: [
      { header: "网格", width: 20 },
      { header: "人口", width: 8 },
      { header: "老年人占比", width: 10, kind: "percent" },
    ],
    rows: [
      ["东山一网格", 950, 21.25],
      ["=1+1", 0, null],
      ["", 7, 0],
    ],
  },
  {
    key: "industries",
    title: "一个超过三十一个字符的工作表名称会被截断到三十一个字符为止的名字",
    columns: [{ header: "行业", width: 12 }],
    rows: [["批发和零售业"]],
  },
] as unknown as ExportTable<string>[];

async function readBack() {
  const file = await tableFile(tables, "xlsx", "统计 表", "statistics");
  expect(file.fileName).toBe("统计_表.xlsx");
  expect(file.body).toBeInstanceOf(Uint8Array);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(file.body as Uint8Array) as unknown as ArrayBuffer);
  return workbook;
}

describe("tableFile XLSX", () => {
  it("one sheet per table, names cut at 31 characters, the header bold and frozen", async () => {
    const workbook = await readBack();
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      "按网格",
      "一个超过三十一个字符的工作表名称会被截断到三十一个字符为止的名",
    ]);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, "网格", "人口", "老年人占比"]);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.columns.map((c) => c.width)).toEqual([20, 8, 10]);
  });

  it("text stays text (never a formula), numbers numbers, blanks blank, percents with one decimal", async () => {
    const sheet = (await readBack()).worksheets[0];
    expect(sheet.getRow(2).values).toEqual([undefined, "东山一网格", 950, 21.25]);
    const formulaLike = sheet.getRow(3).getCell(1);
    expect(formulaLike.type).toBe(ExcelJS.ValueType.String);
    expect(formulaLike.value).toBe("=1+1");
    expect(sheet.getRow(3).getCell(3).type).toBe(ExcelJS.ValueType.Null);
    expect(sheet.getRow(4).getCell(1).type).toBe(ExcelJS.ValueType.Null);
    expect(sheet.getRow(4).getCell(2).value).toBe(7);
    for (const row of [2, 4]) {
      expect(sheet.getRow(row).getCell(3).numFmt).toBe("0.0");
      expect(sheet.getRow(row).getCell(2).numFmt).toBeUndefined();
      expect(sheet.getRow(row).getCell(1).font?.bold).toBeFalsy();
    }
    expect(sheet.rowCount).toBe(4);
  });
});
