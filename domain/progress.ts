// Supervisor progress by grid, officer and day: the shapes the server answers with, and pure helpers
// over them (days in China time, rates, sorting, the export tables and CSV). No framework here.

import type { AreaLevel } from "./areas";
import type { CampaignStatus } from "./campaign";
import type { Translate } from "./i18n";

/**
 * The measures, counted over rooms (a room is one door: a flat, a shop, a rental room) in one
 * campaign. "The grids" are the grids under the chosen area that hold an active assignment
 * (`ended_at` null) in the campaign. visited, checked, approved, revisitsDue and returned are the
 * counts of domain/counts.ts, defined there once for the phone, progress, the map and the exports.
 *
 * - assigned: active rooms (`ended_at` null) in the grids. A room ended after it was visited in the
 *   campaign (demolished, merged) still counts, so a finished grid never shows more than 100 %.
 * - visited (已走访): rooms with at least one visit in the campaign.
 * - checked (已核查): rooms whose latest visit needs no revisit, was not returned, and no open
 *   resident dispute is newer than it.
 * - approved (已审核): checked rooms whose latest visit is approved.
 * - revisitsDue (待复访): rooms owed a revisit — the latest visit was no answer or a refusal (and was
 *   not returned), or an open resident dispute is newer than it (or than no visit at all).
 * - returned (被退回): rooms whose latest visit a supervisor returned.
 * - toEscalate (待上报): rooms to report to the community — the latest visit is the third
 *   (ESCALATE_AFTER_ATTEMPTS) call or later without contact in a row, and was not returned (no answers
 *   within two hours are one call: domain/counts.ts).
 * - completion: visited ÷ assigned (a fraction, null when nothing is assigned).
 *
 * By officer: assigned counts the rooms of the grids the officer holds an active assignment for (two
 * officers sharing a grid both count it); visited the rooms the officer visited at least once;
 * checked, approved, returned, revisits due and to escalate the rooms whose latest visit is the officer's.
 *
 * A TARGETED campaign (countsTargets) measures its open targets instead of its rooms, each in the
 * state of its room (domain/counts.ts countTargets): assigned is the open targets of the grids (of the
 * officer's grids, by officer), and firstVisits counts targets, not rooms.
 *
 * By day (calendar days in China time): visits recorded that day; firstVisits, the rooms whose first
 * visit in the campaign fell on that day; cumulativeVisited, the running sum of firstVisits; and the
 * cumulative completion, cumulativeVisited ÷ assigned (the area's total).
 */
export interface ProgressMeasures {
  assigned: number;
  visited: number;
  checked: number;
  approved: number;
  returned: number;
  revisitsDue: number;
  toEscalate: number;
  completion: number | null;
}

export interface GridProgress extends ProgressMeasures {
  gridId: string;
  gridCode: string;
  gridName: string;
  communityId: string | null;
  communityName: string | null;
  /** Display names of the officers with an active assignment for the grid. */
  officers: string[];
}

/** An area one level below the one reported on (a district's streets, a street's communities…). */
export interface AreaProgress extends ProgressMeasures {
  id: string;
  name: string;
  level: AreaLevel;
}

export interface OfficerProgress extends ProgressMeasures {
  officerId: string;
  name: string;
  username: string;
  /** Names of the grids the officer holds an active assignment for (empty for a visitor from elsewhere). */
  grids: string[];
}

export interface DayCount {
  /** YYYY-MM-DD, China time. */
  day: string;
  visits: number;
  firstVisits: number;
}

export interface DayProgress extends DayCount {
  cumulativeVisited: number;
  completion: number | null;
}

export interface CampaignOption {
  id: string;
  name: string;
  status: CampaignStatus;
  startsOn: string;
  endsOn: string | null;
}

export interface ProgressSummary {
  /** The campaign reported on; null when the caller's area has none yet. */
  campaign: CampaignOption | null;
  /** The campaigns the caller may pick, newest first. */
  campaigns: CampaignOption[];
  /** The area reported on (the caller's own unless one under it was asked for). */
  area: { id: string; name: string; level: string };
  /** Communities under the caller's area with grids in the campaign, for narrowing the report. */
  communities: { id: string; name: string }[];
  /** From the caller's area down to the one reported on, for breadcrumbs. */
  trail: { id: string; name: string; level: AreaLevel }[];
  /** The areas one level down with grids in the campaign, each summed over its grids: the drill-down. */
  children: AreaProgress[];
  /**
   * False over a district or a city (domain/completion.ts AREA_VIEW_LEVELS): `grids` and `officers`
   * are then left empty on screen — a city has a thousand of each — and the supervisor drills down
   * through `children`; the exports always carry them whole.
   */
  listed: boolean;
  /** Today in China, YYYY-MM-DD: the day revisits fall due against. */
  today: string;
  /**
   * The campaign counts its open targets, not its doors (a targeted campaign, domain/counts.ts
   * countTargets): every measure is then a number of targets.
   */
  countsTargets: boolean;
  totals: ProgressMeasures;
  grids: GridProgress[];
  officers: OfficerProgress[];
  /** Every day from the first visit to the last, days without visits included. */
  days: DayProgress[];
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar day in China (UTC+08:00, no daylight saving) of an instant, YYYY-MM-DD. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** visited ÷ assigned, or null when nothing is assigned. */
export function completionRate(visited: number, assigned: number): number | null {
  return assigned > 0 ? visited / assigned : null;
}

export function measures(counts: Omit<ProgressMeasures, "completion">): ProgressMeasures {
  return { ...counts, completion: completionRate(counts.visited, counts.assigned) };
}

/** The totals of per-grid rows: every room lies in exactly one grid, so the sums are exact. */
export function sumMeasures(rows: readonly ProgressMeasures[]): ProgressMeasures {
  const sum = (key: keyof Omit<ProgressMeasures, "completion">) => rows.reduce((s, r) => s + r[key], 0);
  return measures({
    assigned: sum("assigned"),
    visited: sum("visited"),
    checked: sum("checked"),
    approved: sum("approved"),
    returned: sum("returned"),
    revisitsDue: sum("revisitsDue"),
    toEscalate: sum("toEscalate"),
  });
}

/**
 * Days from the first to the last of `rows` (in any order), the missing ones as zero days, each with
 * the running count of rooms visited and the cumulative completion against `assigned`.
 */
export function fillDays(rows: readonly DayCount[], assigned: number): DayProgress[] {
  if (rows.length === 0) return [];
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const sorted = [...byDay.keys()].sort();
  const last = sorted[sorted.length - 1];
  const out: DayProgress[] = [];
  let cumulative = 0;
  // A campaign runs for weeks; the cap keeps a stray clock (a phone set to 1970) from making millions of days.
  for (let day = sorted[0], i = 0; day <= last && i < 3660; day = addDays(day, 1), i++) {
    const row = byDay.get(day);
    const visits = row?.visits ?? 0;
    const firstVisits = row?.firstVisits ?? 0;
    cumulative += firstVisits;
    out.push({
      day,
      visits,
      firstVisits,
      cumulativeVisited: cumulative,
      completion: completionRate(cumulative, assigned),
    });
  }
  return out;
}

/** A rate as a percent with one decimal ("52.3%"), or a dash when there is none. */
export function formatPercent(rate: number | null): string {
  return rate === null ? "—" : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** A rate as a percent number with one decimal (52.3), for exports; null stays empty. */
export function percentValue(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

/** An axis for counts up to `max`: a round top and step giving about `ticks` whole-number intervals. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  // 2.5 only where it still gives whole numbers (steps of 25, 250 …).
  const nice = [1, 2, ...(magnitude >= 10 ? [2.5] : []), 5, 10].find((n) => norm <= n) ?? 10;
  const step = Math.max(1, nice * magnitude);
  return { top: Math.ceil(max / step) * step, step };
}

export type SortDirection = "ascending" | "descending";
export type SortValue = string | number | null;

const collator = new Intl.Collator("zh-CN", { numeric: true });

/** Rows sorted by one value, stably; strings in Chinese collation, numbers numerically, empties last. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, direction: SortDirection): T[] {
  const sign = direction === "ascending" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.index - b.index;
        return a.key === null ? 1 : -1;
      }
      const order =
        typeof a.key === "number" && typeof b.key === "number"
          ? a.key - b.key
          : collator.compare(String(a.key), String(b.key));
      return order * sign || a.index - b.index;
    })
    .map((entry) => entry.row);
}

// ---------------------------------------------------------------------------------------------
// Exports: the same three tables for CSV and XLSX

export type ExportTableKey = "grids" | "officers" | "days";
export type ExportCell = string | number | null;

export interface ExportColumn {
  header: string;
  /** Column width in characters, for XLSX. */
  width: number;
  kind: "text" | "int" | "percent" | "date";
}

export interface ExportTable<K extends string = ExportTableKey> {
  key: K;
  title: string;
  columns: ExportColumn[];
  rows: ExportCell[][];
  /** Rows kept in view in XLSX: the header (1, the default) and rows below it that describe the columns. */
  frozenRows?: number;
}

const measureColumns = (t: Translate): ExportColumn[] => [
  { header: t("progress.measure.assigned"), width: 10, kind: "int" },
  { header: t("progress.measure.visited"), width: 10, kind: "int" },
  { header: t("progress.measure.checked"), width: 10, kind: "int" },
  { header: t("progress.measure.approved"), width: 10, kind: "int" },
  { header: t("progress.measure.returned"), width: 10, kind: "int" },
  { header: t("progress.measure.revisitsDue"), width: 12, kind: "int" },
  { header: t("progress.measure.toEscalate"), width: 10, kind: "int" },
  { header: t("progress.measure.completionPct"), width: 14, kind: "percent" },
];

const measureCells = (m: ProgressMeasures): ExportCell[] => [
  m.assigned,
  m.visited,
  m.checked,
  m.approved,
  m.returned,
  m.revisitsDue,
  m.toEscalate,
  percentValue(m.completion),
];

/** The three breakdowns as tables with headers in the translator's language; grids end with the totals. */
export function exportTables(summary: ProgressSummary, t: Translate): ExportTable[] {
  const list = (names: readonly string[]) => names.join(t("progress.listSeparator"));
  return [
    {
      key: "grids",
      title: t("progress.byGrid"),
      columns: [
        { header: t("progress.col.community"), width: 14, kind: "text" },
        { header: t("progress.col.grid"), width: 18, kind: "text" },
        { header: t("progress.col.gridCode"), width: 18, kind: "text" },
        { header: t("progress.col.officers"), width: 16, kind: "text" },
        ...measureColumns(t),
      ],
      rows: [
        ...summary.grids.map((g) => [
          g.communityName ?? "",
          g.gridName,
          g.gridCode,
          list(g.officers),
          ...measureCells(g),
        ]),
        [t("progress.total"), "", "", "", ...measureCells(summary.totals)],
      ],
    },
    {
      key: "officers",
      title: t("progress.byOfficer"),
      columns: [
        { header: t("progress.col.officer"), width: 12, kind: "text" },
        { header: t("progress.col.username"), width: 14, kind: "text" },
        { header: t("progress.col.grids"), width: 24, kind: "text" },
        ...measureColumns(t),
      ],
      rows: summary.officers.map((o) => [o.name, o.username, list(o.grids), ...measureCells(o)]),
    },
    {
      key: "days",
      title: t("progress.byDay"),
      columns: [
        { header: t("progress.col.day"), width: 12, kind: "date" },
        { header: t("progress.col.visits"), width: 10, kind: "int" },
        { header: t("progress.col.firstVisits"), width: 14, kind: "int" },
        { header: t("progress.col.cumulativeVisited"), width: 14, kind: "int" },
        { header: t("progress.col.cumulativeCompletionPct"), width: 16, kind: "percent" },
      ],
      rows: summary.days.map((d) => [
        d.day,
        d.visits,
        d.firstVisits,
        d.cumulativeVisited,
        percentValue(d.completion),
      ]),
    },
  ];
}

/**
 * A text cell that a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return
 * first) gets a leading apostrophe, so an officer named "=HYPERLINK(…)" stays text (CSV injection).
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV field: formula-guarded if text, quoted when it holds a comma, quote or line break. */
export function csvField(value: ExportCell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = guardFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLines(rows: readonly (readonly ExportCell[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n");
}

/**
 * CSV text (without the byte-order mark) of one table, header first; or of several, each as its
 * title line, header and rows, separated by an empty line.
 */
export function toCsv(tables: readonly ExportTable<string>[]): string {
  if (tables.length === 1) {
    const [table] = tables;
    return `${csvLines([table.columns.map((c) => c.header), ...table.rows])}\r\n`;
  }
  return `${tables
    .map((table) => csvLines([[table.title], table.columns.map((c) => c.header), ...table.rows]))
    .join("\r\n\r\n")}\r\n`;
}
