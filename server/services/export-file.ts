import "server-only";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { csvLines, type ExportCell, type ExportColumn, type ExportTable, toCsv } from "@/domain/progress";

/** The file side of every export (progress, results, changes, register, statistics): CSV or XLSX. */

export type ExportFormat = "csv" | "xlsx";

export interface ExportFile {
  /** Whole, or written as it is read (a paged table: see pagedTableFile). */
  body: Uint8Array | ReadableStream<Uint8Array>;
  contentType: string;
  fileName: string;
  /** A plain ASCII name for clients that ignore `filename*`. */
  asciiFileName: string;
}

const UTF8_BOM = "\uFEFF";
const ZIP_LEVEL = 6;

/** No path separators, reserved characters or spaces in a download's name. */
export const safeFileName = (name: string) => name.replace(/[\\/:*?"<>|\s]+/g, "_");

type Sheet = ExcelJS.Worksheet;

/** A sheet with its header row (bold, frozen); sheet names are capped at 31 characters by the format. */
function addSheet(
  workbook: ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter,
  table: Pick<ExportTable<string>, "title" | "columns" | "frozenRows">,
): Sheet {
  const sheet = workbook.addWorksheet(table.title.slice(0, 31), {
    views: [{ state: "frozen", ySplit: table.frozenRows ?? 1 }],
  });
  sheet.columns = table.columns.map((column) => ({
    header: column.header,
    width: column.width,
    style: column.kind === "percent" ? { numFmt: "0.0" } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

/**
 * Cells as typed values: text stays text (never a formula), numbers stay numbers. An empty text is a
 * blank cell, not a cell holding "".
 */
const xlsxRow = (row: readonly ExportCell[]) =>
  row.map((cell) => (cell === "" || cell === null ? undefined : cell));

/**
 * A data row added with one style object per kind of cell (its column's number format and its value's
 * type) instead of exceljs's fresh object per cell: exceljs remembers a style's id by the object, so a
 * shared one is looked up once, where a fresh one is serialised and hashed for each of a city's tens of
 * thousands of cells (most of the statistics workbook's time). `styles` holds one workbook's objects.
 */
function addXlsxRow(sheet: Sheet, row: readonly ExportCell[], styles: Map<string, Partial<ExcelJS.Style>>) {
  const added = sheet.addRow(xlsxRow(row));
  added.eachCell((cell) => {
    const numFmt = cell.style.numFmt;
    const key = `${numFmt ?? ""}|${cell.type}`;
    let style = styles.get(key);
    if (!style) {
      style = numFmt ? { numFmt } : {};
      styles.set(key, style);
    }
    cell.style = style;
  });
  return added;
}

/**
 * The workbook through exceljs's streaming writer (rows committed as added, strings inline, no
 * shared-strings table), collected in memory: the in-memory Workbook model plus writeBuffer cost three
 * to four times as long for the city's statistics (issue 19: a city-wide file in under a second).
 */
async function xlsxOf(tables: readonly ExportTable<string>[], title: string): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.once("end", resolve);
    out.once("error", reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: ZIP_LEVEL } },
  });
  workbook.creator = "Doorstep";
  workbook.title = title;
  const styles = new Map<string, Partial<ExcelJS.Style>>();
  for (const table of tables) {
    const sheet = addSheet(workbook, table);
    for (const row of table.rows) addXlsxRow(sheet, row, styles).commit();
    sheet.commit();
  }
  await workbook.commit();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
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

/**
 * One table whose rows come a page at a time, for files that grow with the register (a district's
 * persons): nothing holds more than a page. `pages` is called once, when the download starts.
 */
export interface PagedTable {
  title: string;
  columns: ExportColumn[];
  pages: () => AsyncIterable<ExportCell[][]>;
}

/** A pull stream over `chunks`: the next chunk is made only when the reader wants it. */
function streamOf(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

async function* csvChunks(table: PagedTable): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(`${UTF8_BOM}${csvLines([table.columns.map((c) => c.header)])}\r\n`);
  for await (const page of table.pages()) {
    if (page.length > 0) yield encoder.encode(`${csvLines(page)}\r\n`);
  }
}

/**
 * exceljs's streaming writer (no shared-strings table, rows committed as written) feeding the download;
 * the pages are read only as fast as the reader takes the file.
 */
async function* xlsxChunks(table: PagedTable, title: string): AsyncGenerator<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = "Doorstep";
  workbook.title = title;
  let stopped = false;
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("close", done);
        resolve();
      };
      out.once("drain", done);
      out.once("close", done);
    });
  const writing = (async () => {
    const sheet = addSheet(workbook, table);
    const styles = new Map<string, Partial<ExcelJS.Style>>();
    for await (const page of table.pages()) {
      if (stopped) return;
      for (const row of page) addXlsxRow(sheet, row, styles).commit();
      if (out.writableNeedDrain) await drained();
    }
    sheet.commit();
    await workbook.commit();
  })();
  writing.catch((error) => out.destroy(error as Error));
  try {
    for await (const chunk of out) yield chunk as Uint8Array;
    await writing;
  } finally {
    // The reader went away (a cancelled download): stop reading pages.
    stopped = true;
    out.destroy();
  }
}

/** A paged table as a download written while it is read (CSV as tableFile's; XLSX with one sheet). */
export function pagedTableFile(
  table: PagedTable,
  format: ExportFormat,
  name: string,
  asciiName: string,
): ExportFile {
  const base = safeFileName(name);
  return format === "csv"
    ? {
        body: streamOf(csvChunks(table)),
        contentType: "text/csv; charset=utf-8",
        fileName: `${base}.csv`,
        asciiFileName: `${asciiName}.csv`,
      }
    : {
        body: streamOf(xlsxChunks(table, base)),
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
