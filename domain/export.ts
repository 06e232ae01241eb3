// Exports of campaign results, changes, the register and statistics: the pure rules (age bands, who
// counts as a migrant, how a value is written) and the tables in the caller's language. No I/O here;
// the SQL that fills the rows is in server/services/export.ts.

import { changeFieldLabel, changeValueText } from "./change-value";
import { codeLabel, HOUSEHOLD_KIND, INDUSTRY, type PERSON_TYPE, UNIT_STATUS, VISIT_OUTCOME } from "./codes";
import type { Locale, Translate } from "./i18n";
import { IMPORT_COLUMNS, type ImportKind } from "./import";
import { type ColumnSpec, isUsccOverridable } from "./import/columns";
import { maskIdNumber, maskName, maskText } from "./mask";
import type { ExportCell, ExportColumn, ExportTable } from "./progress";
import type { ChangeStatus } from "./push";
import { parseLandlordId } from "./schemas/rental";
import { CLAIM_KIND, type TargetClaim, type TargetFileOutcome } from "./target-file";
import { parseUscc } from "./validators/uscc";
import type { ChangeEntity, ReviewState, SubjectType } from "./visit";

// ---------------------------------------------------------------------------------------------
// Statistics rules

/**
 * Age bands of the population statistics, in whole years at the reference date (today in China):
 * 0–6 (pre-school), 7–17 (school age), 18–59 (working age), 60–79 and 80+ (the elderly, split
 * because care needs differ). `max` null is open-ended. The bands cover every age exactly once.
 */
export const AGE_BANDS = [
  { key: "0-6", min: 0, max: 6 },
  { key: "7-17", min: 7, max: 17 },
  { key: "18-59", min: 18, max: 59 },
  { key: "60-79", min: 60, max: 79 },
  { key: "80+", min: 80, max: null },
] as const satisfies readonly { key: string; min: number; max: number | null }[];

export type AgeBandKey = (typeof AGE_BANDS)[number]["key"];

/** 60岁以上老人: the programme's headline figure (光塔街: 9,530 of 40,314). */
export const ELDERLY_FROM_AGE = 60;

/**
 * The ages at which a person's place in the statistics changes (a band starts, or the elderly count):
 * between two days, only a grid with someone reaching one of these ages counts differently.
 */
export const STATISTICS_AGE_BOUNDARIES: readonly number[] = [
  ...new Set([...AGE_BANDS.map((band) => band.min), ELDERLY_FROM_AGE]),
].sort((a, b) => a - b);

/** 人口类型 02 流动人口: the persons counted as migrants (来穗人员). */
export const MIGRANT_PERSON_TYPE = "02" satisfies (typeof PERSON_TYPE)[number]["code"];

export function ageBandOf(age: number): AgeBandKey | null {
  const band = AGE_BANDS.find((b) => age >= b.min && (b.max === null || age <= b.max));
  return band ? band.key : null;
}

export interface StatisticsCounts {
  /** Active persons (not ended) living in the area. */
  population: number;
  /** By AGE_BANDS, in order. */
  ageBands: number[];
  elderly: number;
  disability: number;
  lowIncome: number;
  unemployed: number;
  leftBehind: number;
  migrants: number;
  households: number;
  /** By HOUSEHOLD_KIND code. */
  householdKinds: Record<string, number>;
  lowIncomeHouseholds: number;
  fiveGuaranteeHouseholds: number;
  units: number;
  /** By UNIT_STATUS code. */
  unitStatuses: Record<string, number>;
  rentals: number;
  tenants: number;
}

export interface StatisticsRow extends StatisticsCounts {
  communityCode: string;
  communityName: string;
  gridCode: string;
  gridName: string;
}

export interface IndustryRow {
  communityName: string;
  gridName: string;
  industry: string | null;
  units: number;
}

export function emptyCounts(): StatisticsCounts {
  return {
    population: 0,
    ageBands: AGE_BANDS.map(() => 0),
    elderly: 0,
    disability: 0,
    lowIncome: 0,
    unemployed: 0,
    leftBehind: 0,
    migrants: 0,
    households: 0,
    householdKinds: {},
    lowIncomeHouseholds: 0,
    fiveGuaranteeHouseholds: 0,
    units: 0,
    unitStatuses: {},
    rentals: 0,
    tenants: 0,
  };
}

const addRecord = (a: Record<string, number>, b: Record<string, number>) => {
  for (const [key, n] of Object.entries(b)) a[key] = (a[key] ?? 0) + n;
};

/** The sum of per-grid counts: each person, household, unit and rental lies in exactly one grid. */
export function sumCounts(rows: readonly StatisticsCounts[]): StatisticsCounts {
  const out = emptyCounts();
  for (const row of rows) {
    for (const key of [
      "population",
      "elderly",
      "disability",
      "lowIncome",
      "unemployed",
      "leftBehind",
      "migrants",
      "households",
      "lowIncomeHouseholds",
      "fiveGuaranteeHouseholds",
      "units",
      "rentals",
      "tenants",
    ] as const) {
      out[key] += row[key];
    }
    row.ageBands.forEach((n, i) => {
      out.ageBands[i] += n;
    });
    addRecord(out.householdKinds, row.householdKinds);
    addRecord(out.unitStatuses, row.unitStatuses);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values as written in a file

/** A China-time instant as "YYYY-MM-DD HH:mm" (China keeps no daylight saving). */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** Building, unit and room as one place: "12号 2单元 301". */
export function roomLabel(unitNo: string | null, roomNo: string | null, t: Translate): string {
  return [unitNo ? t("export.unitNo", { unit: unitNo }) : null, roomNo].filter(Boolean).join(" ");
}

// ---------------------------------------------------------------------------------------------
// Tables

const col = (header: string, width: number, kind: ExportColumn["kind"] = "text"): ExportColumn => ({
  header,
  width,
  kind,
});

export interface ResultRow {
  communityName: string | null;
  gridName: string;
  address: string;
  unitNo: string | null;
  roomNo: string;
  subjectType: SubjectType;
  householdNo: string | null;
  unitName: string | null;
  landlordName: string | null;
  outcome: string;
  /** 上门次数 (domain/counts.ts). */
  attempt: number;
  /** True when this call is the third (ESCALATE_AFTER_ATTEMPTS) or later without contact in a row. */
  escalate: boolean;
  visitedAt: Date;
  officer: string;
  distanceM: number | null;
  far: boolean | null;
  reviewState: ReviewState;
  reviewComment: string | null;
  /** The officer's note on the visit, as typed. */
  note: string | null;
  /** Names in play at the visit (the room's residents and landlords, the visit's new members), masked in the note. */
  noteNames: string[];
}

export function subjectText(
  row: Pick<ResultRow, "subjectType" | "householdNo" | "unitName" | "landlordName">,
) {
  if (row.subjectType === "household") return row.householdNo ?? "";
  if (row.subjectType === "unit") return row.unitName ?? "";
  if (row.subjectType === "rental") return row.landlordName ? maskName(row.landlordName) : "";
  return "";
}

/** Where a visit was: the first columns of the results and the changes. */
const placeColumns = (t: Translate): ExportColumn[] => [
  col(t("export.col.community"), 12),
  col(t("export.col.grid"), 16),
  col(t("export.col.address"), 36),
  col(t("export.col.room"), 12),
];

const placeCells = (
  r: {
    communityName: string | null;
    gridName: string;
    address: string;
    unitNo: string | null;
    roomNo: string;
  },
  t: Translate,
): ExportCell[] => [r.communityName ?? "", r.gridName, r.address, roomLabel(r.unitNo, r.roomNo, t)];

export function resultsTable(
  rows: readonly ResultRow[],
  locale: Locale,
  t: Translate,
): ExportTable<"results"> {
  return {
    key: "results",
    title: t("export.sheet.results"),
    columns: [
      ...placeColumns(t),
      col(t("export.col.subjectType"), 10),
      col(t("export.col.subject"), 22),
      col(t("export.col.outcome"), 14),
      col(t("export.col.attempt"), 8, "int"),
      col(t("export.col.escalate"), 10),
      col(t("export.col.visitedAt"), 17, "date"),
      col(t("export.col.officer"), 12),
      col(t("export.col.distance"), 12, "int"),
      col(t("export.col.far"), 12),
      col(t("export.col.reviewState"), 10),
      col(t("export.col.reviewComment"), 30),
      col(t("export.col.note"), 30),
    ],
    rows: rows.map((r): ExportCell[] => [
      ...placeCells(r, t),
      t(`export.subject.${r.subjectType}`),
      subjectText(r),
      codeLabel(VISIT_OUTCOME, r.outcome, locale),
      r.attempt,
      r.escalate ? t("visit.yes") : "",
      chinaDateTime(r.visitedAt),
      r.officer,
      r.distanceM === null ? null : Math.round(r.distanceM),
      r.far === null ? "" : r.far ? t("visit.yes") : t("visit.no"),
      t(`review.state.${r.reviewState}`),
      r.reviewComment ?? "",
      maskText(r.note, r.noteNames),
    ]),
  };
}

/**
 * One target of a targeted campaign (or one rejected row of its returned file): the department's line
 * with the answer found at the door, so the street can send the list back answered line by line.
 */
export interface TargetResultRow {
  /** The returned file's row, null for a query's target. */
  fileRow: number | null;
  claim: TargetClaim | null;
  /** The register's name of the subject, else the claim's. */
  name: string | null;
  idNumber: string | null;
  communityName: string | null;
  gridName: string | null;
  address: string | null;
  unitNo: string | null;
  roomNo: string | null;
  match: TargetFileOutcome | null;
  /** confirmed / refuted (a claim answered), visited (a query's target), none yet, or rejected (a file row). */
  answer: "confirmed" | "refuted" | "visited" | "not_visited" | "rejected";
  /** What was found (a refutation), or why a file row was rejected. */
  detail: string | null;
  outcome: string | null;
  visitedAt: Date | null;
  officer: string | null;
  reviewState: ReviewState | null;
}

export function targetsTable(
  rows: readonly TargetResultRow[],
  locale: Locale,
  t: Translate,
): ExportTable<"targets"> {
  return {
    key: "targets",
    title: t("export.sheet.targets"),
    columns: [
      col(t("export.col.fileRow"), 8, "int"),
      col(t("export.col.claim"), 10),
      col(t("export.col.claimDate"), 12),
      col(t("export.col.subject"), 14),
      col(t("export.col.idNumber"), 22),
      ...placeColumns(t),
      col(t("export.col.match"), 16),
      col(t("export.col.answer"), 12),
      col(t("export.col.answerDetail"), 30),
      col(t("export.col.outcome"), 14),
      col(t("export.col.visitedAt"), 17, "date"),
      col(t("export.col.officer"), 12),
      col(t("export.col.reviewState"), 10),
    ],
    rows: rows.map((r): ExportCell[] => [
      r.fileRow,
      r.claim ? codeLabel(CLAIM_KIND, r.claim.kind, locale) : "",
      r.claim?.date ?? "",
      r.name ? maskName(r.name) : "",
      r.idNumber ? maskIdNumber(r.idNumber) : "",
      r.communityName ?? "",
      r.gridName ?? "",
      r.address ?? "",
      r.roomNo ? roomLabel(r.unitNo, r.roomNo, t) : "",
      r.match ? t(`targetFile.outcome.${r.match}`) : "",
      t(`export.answer.${r.answer}`),
      r.detail ?? "",
      r.outcome ? codeLabel(VISIT_OUTCOME, r.outcome, locale) : "",
      r.visitedAt ? chinaDateTime(r.visitedAt) : "",
      r.officer ?? "",
      r.reviewState ? t(`review.state.${r.reviewState}`) : "",
    ]),
  };
}

export interface ChangeRow {
  communityName: string | null;
  gridName: string;
  address: string;
  unitNo: string | null;
  roomNo: string;
  entity: ChangeEntity;
  /** The record's own words: a person's name (masked here), a household number, a unit's name… */
  record: string | null;
  field: string;
  registerValue: unknown;
  observedValue: unknown;
  status: ChangeStatus;
  resolvedValue: unknown;
  officer: string;
  visitedAt: Date;
  reviewState: ReviewState;
  /** The visit's note, on each of its rows: what the officer wrote beside the corrections. */
  note: string | null;
  noteNames: string[];
}

/** Records named by a person (persons, tenants, landlords) are masked; others are written as they are. */
const PERSONAL_ENTITIES: ReadonlySet<ChangeEntity> = new Set(["person", "rental_tenant", "rental"]);

export function changesTable(
  rows: readonly ChangeRow[],
  locale: Locale,
  t: Translate,
): ExportTable<"changes"> {
  return {
    key: "changes",
    title: t("export.sheet.changes"),
    columns: [
      ...placeColumns(t),
      col(t("export.col.entity"), 10),
      col(t("export.col.record"), 20),
      col(t("export.col.field"), 14),
      col(t("export.col.registerValue"), 20),
      col(t("export.col.observedValue"), 20),
      col(t("export.col.officer"), 12),
      col(t("export.col.visitedAt"), 17, "date"),
      col(t("export.col.mergeResult"), 10),
      col(t("export.col.resolvedValue"), 20),
      col(t("export.col.reviewState"), 10),
      col(t("export.col.note"), 30),
    ],
    rows: rows.map((r): ExportCell[] => {
      // A file leaves the system: every value masked, whatever the caller may see on screen.
      const value = (v: unknown) => changeValueText(r.field, v, { locale, t, mask: true, entity: r.entity });
      return [
        ...placeCells(r, t),
        t(`export.entity.${r.entity}`),
        r.record === null ? "" : PERSONAL_ENTITIES.has(r.entity) ? maskName(r.record) : r.record,
        changeFieldLabel(r.field, t, r.entity),
        value(r.registerValue),
        value(r.observedValue),
        r.officer,
        chinaDateTime(r.visitedAt),
        t(`export.merge.${r.status}`),
        r.status === "resolved" ? value(r.resolvedValue) : "",
        t(`review.state.${r.reviewState}`),
        maskText(r.note, r.noteNames),
      ];
    }),
  };
}

/**
 * A register (one import kind) in EXACTLY that kind's import header table (IMPORT_COLUMNS: canonical
 * headers, same order), so the file re-imports with `npm run import -- --kind <kind>` and changes
 * nothing. `rows` are keyed by the import's field names. Codes are written as codes (what departments
 * exchange; the import also takes labels), flags as 是/否, dates as YYYY-MM-DD, and an empty value as an
 * empty cell (which the import reads as "says nothing").
 */
export function registerTable<K extends ImportKind>(
  kind: K,
  rows: readonly Record<string, unknown>[],
  t: Translate,
): ExportTable<K> {
  const columns = IMPORT_COLUMNS[kind];
  const cell = (spec: ColumnSpec, value: unknown): ExportCell => {
    if (value === null || value === undefined) return "";
    if (spec.kind === "flag") return value ? "是" : "否";
    return String(value);
  };
  // A credit code taken earlier on a 校验说明 fails its check (character, department or kind) still:
  // without a reason in the file, the re-import would refuse the row the register holds.
  const checkedCode = kind === "units" ? "uscc" : kind === "rentals" ? "landlordIdNumber" : null;
  const withReason = (row: Record<string, unknown>): Record<string, unknown> => {
    const code = checkedCode ? row[checkedCode] : null;
    if (typeof code !== "string") return row;
    const verdict = kind === "units" ? parseUscc(code) : parseLandlordId(code);
    return !verdict.ok && isUsccOverridable(verdict.error)
      ? { ...row, overrideReason: t("export.register.overrideKept") }
      : row;
  };
  return {
    key: kind,
    title: t(`export.sheet.${kind}`),
    columns: columns.map((spec) =>
      col(spec.header, spec.kind === "date" ? 12 : Math.max(8, spec.header.length * 2 + 4)),
    ),
    rows: rows.map(withReason).map((row) => columns.map((spec) => cell(spec, row[spec.field]))),
  };
}

export type StatisticsTableKey = "communities" | "grids" | "industries";

function countColumns(locale: Locale, t: Translate): ExportColumn[] {
  return [
    col(t("export.stat.population"), 10, "int"),
    ...AGE_BANDS.map((band) => col(t("export.stat.ageBand", { band: band.key }), 10, "int")),
    col(t("export.stat.elderly", { age: ELDERLY_FROM_AGE }), 11, "int"),
    col(t("export.stat.disability"), 10, "int"),
    col(t("export.stat.lowIncome"), 10, "int"),
    col(t("export.stat.unemployed"), 10, "int"),
    col(t("export.stat.leftBehind"), 10, "int"),
    col(t("export.stat.migrants"), 10, "int"),
    col(t("export.stat.households"), 10, "int"),
    ...HOUSEHOLD_KIND.map((kind) => col(codeLabel(HOUSEHOLD_KIND, kind.code, locale), 10, "int")),
    col(t("export.stat.lowIncomeHouseholds"), 10, "int"),
    col(t("export.stat.fiveGuaranteeHouseholds"), 10, "int"),
    col(t("export.stat.units"), 10, "int"),
    ...UNIT_STATUS.map((status) =>
      col(t("export.stat.unitStatus", { status: codeLabel(UNIT_STATUS, status.code, locale) }), 12, "int"),
    ),
    col(t("export.stat.rentals"), 10, "int"),
    col(t("export.stat.tenants"), 10, "int"),
  ];
}

function countCells(c: StatisticsCounts): ExportCell[] {
  return [
    c.population,
    ...c.ageBands,
    c.elderly,
    c.disability,
    c.lowIncome,
    c.unemployed,
    c.leftBehind,
    c.migrants,
    c.households,
    ...HOUSEHOLD_KIND.map((kind) => c.householdKinds[kind.code] ?? 0),
    c.lowIncomeHouseholds,
    c.fiveGuaranteeHouseholds,
    c.units,
    ...UNIT_STATUS.map((status) => c.unitStatuses[status.code] ?? 0),
    c.rentals,
    c.tenants,
  ];
}

/** Rows of the same community, in order, summed. */
export function byCommunity(rows: readonly StatisticsRow[]) {
  const out = new Map<string, { communityName: string; rows: StatisticsRow[] }>();
  for (const row of rows) {
    const entry = out.get(row.communityCode) ?? { communityName: row.communityName, rows: [] };
    entry.rows.push(row);
    out.set(row.communityCode, entry);
  }
  return [...out.entries()].map(([communityCode, entry]) => ({
    communityCode,
    communityName: entry.communityName,
    ...sumCounts(entry.rows),
  }));
}

export function statisticsTables(
  grids: readonly StatisticsRow[],
  industries: readonly IndustryRow[],
  locale: Locale,
  t: Translate,
): ExportTable<StatisticsTableKey>[] {
  const counts = countColumns(locale, t);
  return [
    {
      key: "communities",
      title: t("export.sheet.communities"),
      columns: [col(t("export.col.communityCode"), 14), col(t("export.col.community"), 12), ...counts],
      rows: [
        ...byCommunity(grids).map((c) => [c.communityCode, c.communityName, ...countCells(c)]),
        [t("export.total"), "", ...countCells(sumCounts(grids))],
      ],
    },
    {
      key: "grids",
      title: t("export.sheet.grids"),
      columns: [
        col(t("export.col.community"), 12),
        col(t("export.col.grid"), 16),
        col(t("export.col.gridCode"), 17),
        ...counts,
      ],
      rows: grids.map((g) => [g.communityName, g.gridName, g.gridCode, ...countCells(g)]),
    },
    {
      key: "industries",
      title: t("export.sheet.industries"),
      columns: [
        col(t("export.col.community"), 12),
        col(t("export.col.grid"), 16),
        col(t("export.col.industryCode"), 10),
        col(t("export.col.industry"), 30),
        col(t("export.stat.units"), 10, "int"),
      ],
      rows: industries.map((r) => [
        r.communityName,
        r.gridName,
        r.industry ?? "",
        r.industry ? codeLabel(INDUSTRY, r.industry, locale) : t("export.industryUnknown"),
        r.units,
      ]),
    },
  ];
}
