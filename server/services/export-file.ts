import "server-only";
import ExcelJS from "exceljs";
import { type ExportTable, toCsv } from "@/domain/progress";

/** The file side of every export (progress, results, changes, register, statistics): CSV or XLSX. */

export type ExportFormat = "csv" | "xlsx";

export interface ExportFile {
  body: Uint8Array;
  contentType: string;
  fileName: string;
  /** A plain ASCII name for clients that ignore `filename*`. */
  asciiFileName: string;
}

const UTF8_BOM = "\uFEFF";

/** No path separators, reserved characters or spaces in a download's name. */
export const safeFileName = (name: string) => name.replace(/[\\/:*?"<>|\s]+/g, "_");

async function xlsxOf(tables: readonly ExportTable<string>[], title: string): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Doorstep";
  workbook.title = title;
  for (const table of tables) {
    // Sheet names are capped at 31 characters by the format.
    const sheet = workbook.addWorksheet(table.title.slice(0, 31), {
      views: [{ state: "frozen", ySplit: 1 }],
    });
    sheet.columns = table.columns.map((column) => ({
      header: column.header,
      width: column.width,
      style: column.kind === "percent" ? { numFmt: "0.0" } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    // Cells are written as typed values: text stays text (never a formula), numbers stay numbers.
    // An empty text is a blank cell, not a cell holding "".
    for (const row of table.rows)
      sheet.addRow(row.map((cell) => (cell === "" || cell === null ? undefined : cell)));
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/**
 * Tables as a download: CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese), one table
 * per file or several under their titles; XLSX with one sheet per table. `name` is the file's name in
 * the caller's language without extension, `asciiName` its ASCII fallback.
 */
export async function tableFile(
  tables: readonly ExportTable<string>[],
  format: ExportFormat,
  name: string,
  asciiName: string,
): Promise<ExportFile> {
  const base = safeFileName(name);
  if (format === "csv") {
    return {
      body: new TextEncoder().encode(UTF8_BOM + toCsv(tables)),
      contentType: "text/csv; charset=utf-8",
      fileName: `${base}.csv`,
      asciiFileName: `${asciiName}.csv`,
    };
  }
  return {
    body: await xlsxOf(tables, base),
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    fileName: `${base}.xlsx`,
    asciiFileName: `${asciiName}.xlsx`,
  };
}

/** `attachment` with the name in RFC 6266/5987 form (UTF-8, percent-encoded) and an ASCII fallback. */
export function contentDisposition(file: Pick<ExportFile, "fileName" | "asciiFileName">): string {
  const encoded = encodeURIComponent(file.fileName).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${file.asciiFileName}"; filename*=UTF-8''${encoded}`;
}
