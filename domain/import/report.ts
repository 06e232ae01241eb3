// What a register file's import reports, to the command line (scripts/import.ts) and to the admin's
// import page alike, so both read the engine's own types (server/services/import.ts). Types only.

import type { RowProblem } from "./columns";
import type { ImportKind } from "./kinds";

export type ImportEncoding = "utf-8" | "gb18030";
export type ImportFormat = "csv" | "xlsx";

/**
 * A problem of one row, as the report lists it: the row check's finding with the row's number (the
 * spreadsheet's: the header is row 1) and its reason in the reader's words. Among `errors` the row was
 * rejected; among `warnings` it was imported all the same.
 */
export interface ImportRowProblem extends Omit<RowProblem, "params"> {
  row: number;
  reason: string;
}

export interface ImportReport {
  file: string;
  kind: ImportKind;
  format: ImportFormat;
  /** CSV only; null for XLSX, and for a CSV that is neither UTF-8 nor GB18030. */
  encoding: ImportEncoding | null;
  dryRun: boolean;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** persons: households created by 户号. */
  householdsCreated: number;
  /** rentals: tenants not yet in the register, created as migrants. */
  personsCreated: number;
  batches: number;
  ignoredColumns: string[];
  stoppedAt?: { row: number; reason: string };
  /** The import was cancelled (its `signal` aborted): `stoppedAt` names the first row not imported. */
  cancelled: boolean;
  /** The first MAX_ERRORS (server/services/import.ts) problems, in file order. */
  errors: ImportRowProblem[];
  /** Every problem; more than `errors` holds when the list was cut (the rejected rows file has them all). */
  errorsTotal: number;
  /** The first MAX_WARNINGS (server/services/import.ts) warnings of imported rows, in file order. */
  warnings: ImportRowProblem[];
  /** Every warning of imported rows; more than `warnings` holds when the list was cut. */
  warningsTotal: number;
  rejectedFile?: string;
  elapsedMs: number;
  /** Where the time went (see ImportTimings). */
  timings: ImportTimings;
}

/**
 * Where an import's time went, in milliseconds. A batch is written while the next one is judged and
 * the one after that read, so the parts overlap and do not add up to elapsedMs.
 */
export interface ImportTimings {
  /** Getting rows from the file: decode and CSV (or XLSX) parse. A batch's write step may run inside it. */
  readMs: number;
  /** The row parser: header mapping, code tables, the schemas (or their fast path). */
  validateMs: number;
  /** Each batch's judging, summed: lookups, outcomes, its rows made into COPY text. */
  judgeMs: number;
  /** Each batch's write, summed: its transaction, begin to commit (a dry run's audit update). */
  writeMs: number;
  /** Time the reader stood still waiting for an earlier batch's write to finish. */
  waitMs: number;
}
