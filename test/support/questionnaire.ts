import ExcelJS from "exceljs";
import type { Workbook } from "@/domain/questionnaire";

/**
 * A questionnaire workbook (sheets of cell text, as the fixtures hold them) written as the XLSX file
 * an administrator would upload, with exceljs as the server reads it: each row at its own number.
 */
export async function workbookXlsx(workbook: Workbook): Promise<Uint8Array<ArrayBuffer>> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(workbook)) {
    const sheet = book.addWorksheet(name);
    for (const { row, cells } of rows) {
      sheet.getRow(row).values = [...cells];
    }
  }
  return new Uint8Array(await book.xlsx.writeBuffer());
}
