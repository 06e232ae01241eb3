import "server-only";
import fs from "node:fs";
import path from "node:path";
import { pipeline, Readable } from "node:stream";
import { parse } from "csv-parse";
import ExcelJS from "exceljs";
import type { Db } from "@/db/client";
import type { Translate } from "@/domain/i18n";
import {
  buildingsSpec,
  type ImportKind,
  type KindSpec,
  personsSpec,
  rentalsSpec,
  roomsSpec,
  unitsSpec,
} from "@/domain/import";
import { type HeaderMap, mapHeaders, type RowProblem, USCC_OVERRIDDEN } from "@/domain/import/columns";
import type { ImportEncoding, ImportFormat, ImportReport, ImportRowProblem } from "@/domain/import/report";
import { amendAudit, openAudit } from "./audit";
import {
  type BatchResult,
  buildingsWriter,
  type JudgedBatch,
  type KindWriter,
  type Pending,
  Places,
  personsWriter,
  rentalsWriter,
  roomsWriter,
  unitsWriter,
} from "./import-kinds";

/**
 * Import of a register file (`npm run import -- --kind persons|buildings|rooms|units|rentals`): one
 * engine for every kind. A kind brings its header table, row parser and natural key (domain/import/)
 * and its write step (./import-kinds.ts); the engine reads, batches, reports and audits.
 *
 * - Formats, chosen by the file's extension: `.xlsx` (the first sheet) or CSV (anything else).
 * - The file is streamed: CSV read → decoded → csv-parse, XLSX through exceljs's streaming reader, a
 *   batch of rows at a time; 100,000 rows never sit in memory together. Only the natural keys already
 *   seen (for duplicates) and the places resolved (communities, grids, buildings, rooms) are kept.
 * - CSV encoding: UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312). The whole
 *   file is checked by a first streamed pass before anything is written; a file that is neither is
 *   refused as "wrong encoding" and nothing is written.
 * - Each batch (2,000 rows by default) is written in ONE transaction: its finished rows are loaded by
 *   COPY, new rows straight into their tables, changed ones into staging tables merged from there
 *   (./import-kinds.ts, ./bulk.ts). A batch that fails on the
 *   database rolls back alone; the import stops there, and the report's `stoppedAt` gives the first
 *   row not imported. Rows of earlier batches stay committed; re-running the same file finds them
 *   unchanged and imports the rest.
 * - Batches go through a pipeline, each stage in file order: while batch N is written, batch N+1 is
 *   judged (its lookups, outside N's transaction, and its rows made into COPY text) and batch N+2 is
 *   read. Only the writing holds a transaction, so the database spends the import loading rows.
 * - Totals cover the settled rows: read = inserted + updated + unchanged + rejected. The rows of a batch
 *   that failed are not counted (they were not imported, and `stoppedAt` names where they start).
 * - A blank cell or a missing column never clears a register value (see domain/import/columns.ts).
 * - A record ended earlier (moved out, closed) that appears in a returned register is made current
 *   again (ended_at cleared): the department's file is the newer word.
 * - `dryRun` reads and judges every batch exactly as a real run would, but issues no write at all
 *   (records "created" by earlier rows are remembered in memory so later rows agree).
 * - Row numbers are the spreadsheet's: the header is row 1. Fully blank rows are skipped (not counted)
 *   but keep the numbering true.
 * - `onProgress` is called after each settled batch (the admin page's progress bar).
 * - Every import is audited, whatever becomes of it: the entry (`import` or `import_dry_run`) is
 *   written before the file is read, with status `running`, and updated in each batch's own
 *   transaction, so its counts are always exactly those of the committed batches — even after a
 *   SIGKILL, which leaves it saying `running`. It ends `finished`, `stopped` (a batch failed, or the
 *   file is unreadable), `cancelled` (`signal` aborted: the batch being written commits, nothing after
 *   it starts) or `failed` (an unexpected error).
 * - Problems are listed up to MAX_ERRORS (`errors`) and counted in full (`errorsTotal`); the rejected
 *   rows file keeps every rejected row with its reasons. (100,000 rejected rows once made a 13 MB report.)
 * - A row imported (or, in a dry run, one that would be) may carry warnings: a validator's (an
 *   organisation code inside a credit code that fails its own check…) or a credit code's check
 *   character overridden by the row's 校验说明. They are counted in full but listed only up to
 *   MAX_WARNINGS, since no file carries them as the rejected rows file carries errors; each override is
 *   written to the audit entry (row, code, reason), so the decision stays traceable.
 */

/** Warnings listed in a report; more are counted in `warningsTotal` only. */
export const MAX_WARNINGS = 1_000;

/** Problems listed in a report; more are counted in `errorsTotal` only (the rejected rows file has them all). */
export const MAX_ERRORS = 1_000;

/** Where an import's audit entry says it got to. */
export type ImportStatus = "running" | "finished" | "stopped" | "cancelled" | "failed";

/** A credit code taken despite its check character, and the reason the file gave. */
export interface UsccOverride {
  row: number;
  uscc: string;
  reason: string;
}

/**
 * Where an import has got to, after each batch. `rowsRead` counts settled data rows (as `read` in the
 * report); `bytesRead` of `totalBytes` is how far into the file the reader is (it reads ahead of the
 * batches written, so a small file shows its full size from the first batch). Stable: the admin page
 * relies on it.
 */
export interface ImportProgress {
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  kind: ImportKind;
  file: string;
  translate: Translate;
  dryRun?: boolean;
  /** Header → field overrides from a mapping file (see parseMapping in domain/import/columns.ts). */
  mapping?: Record<string, string>;
  batchSize?: number;
  userId?: string | null;
  /** Where rejected rows go (UTF-8 with BOM, same headers + 错误原因); null writes none. */
  rejectedPath?: string | null;
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Aborted: stop at the next batch boundary (the admin closed the page, the command got Ctrl-C). The
   * batch being written still commits; the report and the audit entry say where the import stopped.
   */
  signal?: AbortSignal;
}

export const DEFAULT_BATCH_SIZE = 2_000;
const YIELD_EVERY_ROWS = 50;

// ---------------------------------------------------------------------------------------------
// Reading

const UTF8_BOM = [0xef, 0xbb, 0xbf];

async function decodesAs(file: string, label: ImportEncoding): Promise<boolean> {
  const decoder = new TextDecoder(label, { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

/** UTF-8 (BOM or not), else GB18030; null when the whole file is neither. */
export async function detectEncoding(file: string): Promise<ImportEncoding | null> {
  const head = Buffer.alloc(3);
  const fd = await fs.promises.open(file, "r");
  try {
    await fd.read(head, 0, 3, 0);
  } finally {
    await fd.close();
  }
  if (UTF8_BOM.every((byte, i) => head[i] === byte)) return (await decodesAs(file, "utf-8")) ? "utf-8" : null;
  if (await decodesAs(file, "utf-8")) return "utf-8";
  if (await decodesAs(file, "gb18030")) return "gb18030";
  return null;
}

/**
 * How much of the file is read at a time while importing. csv-parse parses a chunk in one go, holding
 * the event loop meanwhile, and every database answer of the batch being written waits behind it: a
 * 1 MiB chunk held it for ~75 ms, 64 KiB for a few (issue 19).
 */
const READ_CHUNK = 64 << 10;

/** The file as a stream whose bytes are counted into `counter` as they are read. */
function counted(file: string, counter: { bytes: number }): fs.ReadStream {
  const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  stream.on("data", (chunk) => {
    counter.bytes += chunk.length;
  });
  return stream;
}

async function* decoded(
  file: string,
  encoding: ImportEncoding,
  counter: { bytes: number },
): AsyncGenerator<string> {
  // A UTF-8 BOM is consumed by the decoder (ignoreBOM is false).
  const decoder = new TextDecoder(encoding, { fatal: true });
  for await (const chunk of counted(file, counter)) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

export interface FileRow {
  /** The spreadsheet's row number: the header is row 1. */
  row: number;
  cells: string[];
}

/** A file the reader cannot go past, and where: a message key of the import catalogue and its row. */
class FileReadError extends Error {
  constructor(
    readonly key: "import.csv.quote" | "import.csv.quoteNotClosed",
    readonly row: number,
  ) {
    super(key);
  }
}

/** csv-parse's errors about double quotes, the usual way a hand-edited CSV breaks. */
const CSV_QUOTE_ERRORS: Record<string, FileReadError["key"]> = {
  CSV_QUOTE_NOT_CLOSED: "import.csv.quoteNotClosed",
  INVALID_OPENING_QUOTE: "import.csv.quote",
  CSV_INVALID_CLOSING_QUOTE: "import.csv.quote",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "import.csv.quote",
};

async function* csvRows(
  file: string,
  encoding: ImportEncoding,
  counter: { bytes: number },
): AsyncGenerator<FileRow> {
  const parser = parse({ relax_column_count: true, skip_empty_lines: false });
  // Read with read() rather than the parser's async iterator: when the parser fails, the iterator
  // throws at once and drops the rows already parsed ahead, so a file broken at row 3 read as "empty".
  // read() still hands those rows out after the failure; then the failure is thrown.
  let failure: unknown = null;
  let done = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  parser.on("readable", signal);
  pipeline(Readable.from(decoded(file, encoding, counter)), parser, (error) => {
    failure = error ?? null;
    done = true;
    signal();
  });
  let row = 0;
  try {
    for (;;) {
      for (let cells = parser.read() as string[] | null; cells !== null; cells = parser.read()) {
        row += 1;
        yield { row, cells };
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!done) parser.destroy();
  }
  if (failure) {
    const code = (failure as { code?: unknown }).code;
    const key = typeof code === "string" ? CSV_QUOTE_ERRORS[code] : undefined;
    // Every line is a record here (blank ones too), so the record count gives the spreadsheet's row.
    const records = Number((failure as { records?: unknown }).records);
    if (key && Number.isInteger(records)) throw new FileReadError(key, records + 1);
    throw failure;
  }
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A cell as the text a CSV export of it would hold: dates as YYYY-MM-DD, formulas as their result. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    // Excel stores a date as a day count; exceljs hands it back as that day's UTC midnight.
    return `${value.getUTCFullYear()}-${pad2(value.getUTCMonth() + 1)}-${pad2(value.getUTCDate())}`;
  }
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("result" in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ("text" in value) return String(value.text);
    if ("error" in value) return String(value.error);
    return "";
  }
  return String(value);
}

/** The first sheet of a workbook, a row at a time (exceljs's streaming reader: the file is never whole in memory). */
async function* xlsxRows(file: string, counter: { bytes: number }): AsyncGenerator<FileRow> {
  const input = counted(file, counter);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) =>
          cellText(values[i + 1]),
        );
        yield { row: row.number, cells };
      }
      break;
    }
  } finally {
    input.destroy();
  }
}

/**
 * A file's rows by the same readers as the import (XLSX's first sheet; a CSV in UTF-8 or GB18030), for
 * files that are not register imports (a department's returned file, server/services/target-file.ts).
 * Null when a CSV is in neither encoding.
 */
export async function fileRows(file: string): Promise<AsyncGenerator<FileRow> | null> {
  const counter = { bytes: 0 };
  if (importFormatOf(file) === "xlsx") return xlsxRows(file, counter);
  const encoding = await detectEncoding(file);
  return encoding ? csvRows(file, encoding, counter) : null;
}

// ---------------------------------------------------------------------------------------------
// Rejected rows file

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(",")}\r\n`;

class RejectedWriter {
  private out: fs.WriteStream | null = null;
  constructor(
    private readonly file: string,
    private readonly headers: string[],
    private readonly reasonHeader: string,
  ) {}
  async write(cells: readonly string[], reason: string): Promise<void> {
    if (!this.out) {
      this.out = fs.createWriteStream(this.file);
      this.out.write(`\uFEFF${csvLine([...this.headers, this.reasonHeader])}`);
    }
    const padded = [...cells, ...Array(Math.max(0, this.headers.length - cells.length)).fill("")];
    if (!this.out.write(csvLine([...padded.slice(0, this.headers.length), reason]))) {
      await new Promise<void>((resolve) => this.out?.once("drain", () => resolve()));
    }
  }
  get written(): boolean {
    return this.out !== null;
  }
  async close(): Promise<void> {
    const out = this.out;
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
  }
}

function dbMessage(error: unknown): string {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof Error && !/^Failed query/.test(e.message)) return e.message;
    if (!(e instanceof Error)) break;
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

// ---------------------------------------------------------------------------------------------
// The service

export function importFile(db: Db, options: ImportOptions): Promise<ImportReport> {
  switch (options.kind) {
    case "persons":
      return runImport(db, options, personsSpec, personsWriter());
    case "buildings":
      return runImport(db, options, buildingsSpec, buildingsWriter());
    case "rooms":
      return runImport(db, options, roomsSpec, roomsWriter());
    case "units":
      return runImport(db, options, unitsSpec, unitsWriter());
    case "rentals":
      return runImport(db, options, rentalsSpec, rentalsWriter());
  }
}

export const importFormatOf = (file: string): ImportFormat => (/\.xlsx$/i.test(file) ? "xlsx" : "csv");

async function runImport<F extends string, R>(
  db: Db,
  options: ImportOptions,
  spec: KindSpec<F, R>,
  writer: KindWriter<R>,
): Promise<ImportReport> {
  const started = performance.now();
  const t = options.translate;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const dryRun = options.dryRun ?? false;
  const format = importFormatOf(options.file);
  const report: ImportReport = {
    file: options.file,
    kind: options.kind,
    format,
    encoding: null,
    dryRun,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    householdsCreated: 0,
    personsCreated: 0,
    batches: 0,
    ignoredColumns: [],
    cancelled: false,
    errors: [],
    errorsTotal: 0,
    warnings: [],
    warningsTotal: 0,
    elapsedMs: 0,
    timings: { readMs: 0, validateMs: 0, judgeMs: 0, writeMs: 0, waitMs: 0 },
  };
  const { timings } = report;
  const cancelRequested = () => options.signal?.aborted ?? false;

  /** The counts the audit entry holds: the report's, or what they will be once a batch commits. */
  const counts = (plus?: Tally) => ({
    read: report.read + (plus?.read ?? 0),
    inserted: report.inserted + (plus?.inserted ?? 0),
    updated: report.updated + (plus?.updated ?? 0),
    unchanged: report.unchanged + (plus?.unchanged ?? 0),
    rejected: report.rejected + (plus?.rejected ?? 0),
    householdsCreated: report.householdsCreated + (plus?.householdsCreated ?? 0),
    personsCreated: report.personsCreated + (plus?.personsCreated ?? 0),
    batches: report.batches + (plus ? 1 : 0),
    warnings: report.warningsTotal + (plus?.warnings ?? 0),
  });
  // Written before anything is read: no import, however it ends, goes unaudited.
  const auditId = await openAudit(db, {
    userId: options.userId ?? null,
    action: dryRun ? "import_dry_run" : "import",
    entity: options.kind,
    detail: {
      file: path.basename(options.file),
      format,
      encoding: null,
      status: "running" satisfies ImportStatus,
      ...counts(),
      stoppedAt: null,
      overrides: [],
    },
  });

  const noteError = (error: ImportRowProblem) => {
    report.errorsTotal += 1;
    if (report.errors.length < MAX_ERRORS) report.errors.push(error);
  };
  const fileError = (key: string, column = "", params: Record<string, string | number> = {}) => {
    noteError({ row: 1, column, value: "", reason: t(key, { column, ...params }), key });
  };
  /** An imported row's warnings into the report's list (capped; counted in the batch's tally). */
  const noteWarnings = (row: number, warnings: readonly RowProblem[]) => {
    for (const warning of warnings) {
      report.warningsTotal += 1;
      if (report.warnings.length >= MAX_WARNINGS) continue;
      const reason = t(warning.key, { ...warning.params, column: warning.column });
      report.warnings.push({ row, column: warning.column, value: warning.value, reason, key: warning.key });
    }
  };
  const finish = async (status: Exclude<ImportStatus, "running" | "failed">): Promise<ImportReport> => {
    report.elapsedMs = Math.round(performance.now() - started);
    await amendAudit(db, auditId, {
      encoding: report.encoding,
      status,
      ...counts(),
      stoppedAt: report.stoppedAt ?? null,
      elapsedMs: report.elapsedMs,
    });
    return report;
  };

  try {
    return await importRows();
  } catch (error) {
    // Whatever broke, the entry says the import did not run to its end (its counts stand as they are).
    await amendAudit(db, auditId, { status: "failed" satisfies ImportStatus }).catch(() => {});
    throw error;
  }

  async function importRows(): Promise<ImportReport> {
    const totalBytes = fs.statSync(options.file).size;
    const counter = { bytes: 0 };
    let source: AsyncGenerator<FileRow>;
    if (format === "xlsx") source = xlsxRows(options.file, counter);
    else {
      report.encoding = await detectEncoding(options.file);
      if (!report.encoding) {
        fileError("import.encoding");
        report.stoppedAt = { row: 1, reason: t("import.encoding") };
        return finish("stopped");
      }
      source = csvRows(options.file, report.encoding, counter);
    }

    let map: HeaderMap<F> | null = null;
    let parseRow: ReturnType<typeof spec.parser> | null = null;
    let rejectedWriter: RejectedWriter | null = null;
    const seen = new Map<string, number>();
    const places = new Places();
    let lastRow = 1;
    let batch: Pending<R>[] = [];

    const columnOf = (field: string): string => {
      const i = map?.index[field as F];
      return i === undefined || !map
        ? (spec.columns.find((c) => c.field === field)?.header ?? field)
        : map.headers[i];
    };
    const cellOf = (cells: readonly string[], field: string): string => {
      const i = map?.index[field as F];
      return i === undefined ? "" : (cells[i] ?? "").trim();
    };

    /** A batch judged (its lookups done, its writes prepared), or why judging failed. */
    type Judgement = { ok: true; judged: JudgedBatch; tally: Tally } | { ok: false; error: unknown };

    const judge = async (pending: Pending<R>[]): Promise<Judgement> => {
      const judgeStarted = performance.now();
      try {
        const judged = await writer({ db, places, batch: pending, columnOf, cellOf, now: new Date() });
        return { ok: true, judged, tally: tallyOf(pending, judged) };
      } catch (error) {
        return { ok: false, error };
      } finally {
        timings.judgeMs += performance.now() - judgeStarted;
      }
    };

    /** Writes a judged batch (unless a dry run) and adds it to the report; false when it failed. */
    const write = async (pending: Pending<R>[], judgement: Judgement): Promise<boolean> => {
      const writeStarted = performance.now();
      try {
        if (!judgement.ok) throw judgement.error;
        const { judged, tally } = judgement;
        if (dryRun) await amendAudit(db, auditId, counts(tally), { overrides: tally.overrides });
        else {
          // The audit entry is amended in the batch's transaction: it counts this batch if and only if
          // the batch commits.
          await db.transaction(async (tx) => {
            await judged.write(tx);
            await amendAudit(tx, auditId, counts(tally), { overrides: tally.overrides });
          });
        }
      } catch (error) {
        const first = pending[0].row;
        report.stoppedAt = {
          row: first,
          reason: t("import.stopped", { row: first, reason: dbMessage(error) }),
        };
        return false;
      } finally {
        timings.writeMs += performance.now() - writeStarted;
      }
      const { judged, tally } = judgement;
      report.batches += 1;
      report.read += tally.read;
      report.inserted += tally.inserted;
      report.updated += tally.updated;
      report.unchanged += tally.unchanged;
      report.rejected += tally.rejected;
      report.householdsCreated += tally.householdsCreated;
      report.personsCreated += tally.personsCreated;
      for (const [i, outcome] of judged.outcomes.entries()) {
        const p = pending[i];
        if (outcome !== "rejected") {
          noteWarnings(p.row, p.warnings);
          continue;
        }
        const reasons: string[] = [];
        for (const problem of p.problems) {
          const reason = t(problem.key, { ...problem.params, column: problem.column });
          noteError({ row: p.row, column: problem.column, value: problem.value, reason, key: problem.key });
          reasons.push(`${problem.column}：${reason}`);
        }
        await rejectedWriter?.write(p.cells, reasons.join("；"));
      }
      options.onProgress?.({ rowsRead: report.read, bytesRead: counter.bytes, totalBytes });
      return true;
    };

    /** The last batch: judged and written at once. */
    const settle = async (pending: Pending<R>[]): Promise<boolean> =>
      pending.length === 0 || write(pending, await judge(pending));

    // A pipeline of three stages, each in file order: batch N is written in its transaction while batch
    // N+1 is judged (its lookups on another connection) and batch N+2 is read and parsed, so the
    // database loads rows while this process prepares the next ones (issue 19). No batch is written
    // after one failed or after the import was cancelled; judging one that is then not written writes
    // nothing.
    let judging: Promise<unknown> = Promise.resolve();
    /** The last batch handed over: written (true), or failed, cancelled or not written after those. */
    let inFlight: Promise<boolean> = Promise.resolve(true);
    /** The one before it. */
    let inFlightBefore: Promise<boolean> = Promise.resolve(true);
    const waitFor = async (written: Promise<boolean>): Promise<boolean> => {
      const waitStarted = performance.now();
      try {
        return await written;
      } finally {
        timings.waitMs += performance.now() - waitStarted;
      }
    };
    const previousSettled = () => waitFor(inFlight);
    const handOver = async (pending: Pending<R>[]): Promise<boolean> => {
      // Two batches in hand at most (one judged, one being written) besides the one being read.
      if (!(await waitFor(inFlightBefore)) || cancelRequested()) return false;
      const judgement = judging.then(() => judge(pending));
      judging = judgement;
      const previous = inFlight;
      inFlightBefore = previous;
      inFlight = (async () => {
        const ready = await judgement;
        if (!(await previous) || report.stoppedAt) return false;
        if (cancelRequested()) {
          // Judged but not started: not imported, and the first row not imported.
          const row = pending[0].row;
          report.cancelled = true;
          report.stoppedAt = { row, reason: t("import.cancelled", { row }) };
          return false;
        }
        return write(pending, ready);
      })();
      // Awaited later; this only keeps a failure from counting as unhandled in the meantime.
      inFlight.catch(() => {});
      return true;
    };

    try {
      while (!cancelRequested()) {
        let next: IteratorResult<FileRow>;
        const readStarted = performance.now();
        try {
          next = await source.next();
        } catch (error) {
          // A broken file (an unclosed CSV quote, a damaged workbook): what came before is imported, the
          // rest is not.
          const why = error instanceof FileReadError ? t(error.key, { row: error.row }) : dbMessage(error);
          if (!map) {
            if (error instanceof FileReadError) fileError(error.key, "", { row: error.row });
            else fileError(format === "xlsx" ? "import.xlsx.unreadable" : "import.empty");
            report.stoppedAt = {
              row: 1,
              reason: error instanceof FileReadError ? why : `${report.errors[0].reason} (${why})`,
            };
            return await finish("stopped");
          }
          if ((await previousSettled()) && !cancelRequested() && (await settle(batch))) {
            report.stoppedAt = {
              row: error instanceof FileReadError ? error.row : lastRow + 1,
              reason: why,
            };
          }
          break;
        } finally {
          timings.readMs += performance.now() - readStarted;
        }
        if (next.done) break;
        const { row, cells } = next.value;
        if (!map) {
          map = mapHeaders(spec.columns, cells, options.mapping);
          report.ignoredColumns = map.ignored;
          if (map.problems.length > 0) {
            for (const problem of map.problems)
              fileError(problem.key, problem.column, problem.params as Record<string, string>);
            report.stoppedAt = { row: 1, reason: report.errors.map((e) => e.reason).join("；") };
            return await finish("stopped");
          }
          if (options.rejectedPath) {
            fs.rmSync(options.rejectedPath, { force: true });
            rejectedWriter = new RejectedWriter(
              options.rejectedPath,
              map.headers,
              t("import.rejectedReason"),
            );
          }
          parseRow = spec.parser(map);
          continue;
        }
        lastRow = row;
        // Buffered rows come through promise jobs only, which never let the previous batch's database
        // answers in: without a turn of the event loop now and then, each of its statements would wait
        // for this whole batch to be read.
        if (row % YIELD_EVERY_ROWS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (cells.every((cell) => cell.trim() === "")) continue;
        const validateStarted = performance.now();
        const parsed = (parseRow as NonNullable<typeof parseRow>)(cells);
        const pending: Pending<R> = {
          row,
          cells,
          record: parsed.ok ? parsed.record : null,
          problems: parsed.ok ? [] : parsed.problems,
          warnings: parsed.ok ? parsed.warnings : [],
        };
        if (parsed.ok) {
          const key = spec.key(parsed.record);
          const first = seen.get(key);
          if (first !== undefined) {
            const field = spec.keyField(parsed.record);
            pending.problems.push({
              column: columnOf(field),
              value: cellOf(cells, field),
              key: "import.duplicate",
              params: { row: first },
            });
            pending.record = null;
          } else seen.set(key, row);
        }
        timings.validateMs += performance.now() - validateStarted;
        batch.push(pending);
        if (batch.length >= batchSize) {
          // Kept when not handed over: its first row is where a cancelled import stopped.
          if (!(await handOver(batch))) break;
          batch = [];
        }
      }
      if (!map && !cancelRequested()) {
        fileError("import.empty");
        report.stoppedAt = { row: 1, reason: t("import.empty") };
        return await finish("stopped");
      }
      if ((await previousSettled()) && !report.stoppedAt) {
        if (cancelRequested()) {
          // Whatever was read but not handed over is not imported; the entry and report say from where.
          const row = batch[0]?.row ?? lastRow + 1;
          report.cancelled = true;
          report.stoppedAt = { row, reason: t("import.cancelled", { row }) };
        } else await settle(batch);
      }
    } finally {
      await inFlight.catch(() => {});
      await judging;
      await source.return(undefined);
      await rejectedWriter?.close();
    }
    if (rejectedWriter?.written && options.rejectedPath) report.rejectedFile = options.rejectedPath;
    return finish(report.cancelled ? "cancelled" : report.stoppedAt ? "stopped" : "finished");
  }
}

/** What one batch adds to the totals, known before its transaction commits. */
interface Tally {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  householdsCreated: number;
  personsCreated: number;
  warnings: number;
  /** Credit codes taken on a row's 校验说明, for the audit entry. */
  overrides: UsccOverride[];
}

function tallyOf<R>(pending: Pending<R>[], result: BatchResult): Tally {
  const tally: Tally = {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    householdsCreated: result.householdsCreated,
    personsCreated: result.personsCreated,
    warnings: 0,
    overrides: [],
  };
  for (const [i, outcome] of result.outcomes.entries()) {
    tally.read += 1;
    tally[outcome] += 1;
    if (outcome === "rejected") continue;
    const { row, warnings } = pending[i];
    tally.warnings += warnings.length;
    for (const warning of warnings) {
      // A code that fails two overridable checks warns twice; it is one override of one code.
      const last = tally.overrides.at(-1);
      if (USCC_OVERRIDDEN.has(warning.key) && !(last?.row === row && last.uscc === warning.value)) {
        tally.overrides.push({ row, uscc: warning.value, reason: String(warning.params?.reason ?? "") });
      }
    }
  }
  return tally;
}
