// What every import kind shares (no I/O): header tables, header mapping, cell reading and problems.
//
// A kind (persons, units, buildings, rooms, rentals) is a header table (canonical header first, then the
// aliases seen in real exports), a row parser that turns the cells into a validated record through the
// domain's zod schemas, and a natural key. A mapping file can add or override header → field.
//
// Choices shared by all kinds:
// - Code columns take the standard code or its Chinese label (男 → 1, 批发和零售业 → F).
// - Dates take 1990-02-03, 1990/2/3, 1990.2.3, 1990年2月3日 and 19900203; an impossible date is rejected.
// - A blank cell means "the file says nothing": it never clears a value already in the register, and a
//   column missing from the file leaves its field untouched. Only new records get defaults.

import type { z } from "zod";
import { type CodeTable, EDUCATION } from "../codes";
import type { ImportKey } from "../i18n/import";
import type { ValidationKey, ValidationParams } from "../i18n/validation";
import { MAX } from "../schemas/fields";
import { zodIssueKey } from "../schemas/issues";
import { toHalfWidth } from "../validators/text";
import { normaliseUscc, usccFaults } from "../validators/uscc";

export interface ColumnSpec<F extends string = string> {
  field: F;
  /** The header written in templates and in the rejected-rows file. */
  header: string;
  aliases: readonly string[];
  /** The file is refused when this column is absent. */
  required?: boolean;
  /** Values may be a code of this table or its Chinese label. */
  codes?: CodeTable;
  kind?: "date" | "flag" | "int" | "number";
}

/** The place columns every kind but persons' household part shares, under the same names. */
export const PLACE_COLUMNS = {
  communityCode: {
    field: "communityCode",
    header: "社区代码",
    aliases: ["社区编码", "社区统计代码", "居委会代码"],
    required: true,
  },
  buildingCode: {
    field: "buildingCode",
    header: "建筑物编码",
    aliases: ["楼栋编码", "建筑物代码"],
    required: true,
  },
  unitNo: { field: "unitNo", header: "单元", aliases: ["单元号"] },
  roomNo: { field: "roomNo", header: "房号", aliases: ["房间号", "户室号"], required: true },
} as const satisfies Record<string, ColumnSpec>;

/**
 * 校验说明: why a credit code that fails its check character (or the standard's department and kind
 * tables) is right all the same (see takeUsccOverride). Every kind that imports a credit code has it.
 */
export const OVERRIDE_REASON_COLUMN = {
  field: "overrideReason",
  header: "校验说明",
  aliases: ["覆盖原因", "校验覆盖原因", "校验位说明"],
} as const satisfies ColumnSpec;

/** Header text as people type it: BOM, spaces, full-width forms and a required-marker `*` removed. */
export function normaliseHeader(header: string): string {
  return toHalfWidth(header.replace(/^\uFEFF/, ""))
    .replace(/\s+/g, "")
    .replace(/^\*+|\*+$/g, "");
}

export interface ColumnProblem {
  column: string;
  key: ImportKey;
  params?: ValidationParams;
}

export interface HeaderMap<F extends string = string> {
  /** field → index of its column in the file */
  index: Partial<Record<F, number>>;
  /** The headers as written in the file, by index. */
  headers: string[];
  /** Headers that map to no field: ignored, and listed in the report. */
  ignored: string[];
  /** Missing required columns, or two columns for one field: the file cannot be imported. */
  problems: ColumnProblem[];
}

/**
 * Which column holds which field. `overrides` (header → field) come first, then the canonical headers
 * and their aliases.
 */
export function mapHeaders<F extends string>(
  columns: readonly ColumnSpec<F>[],
  headers: readonly string[],
  overrides: Record<string, string> = {},
): HeaderMap<F> {
  const lookup = new Map<string, F>();
  const known = new Set<string>(columns.map((spec) => spec.field));
  for (const spec of columns) {
    for (const name of [spec.header, ...spec.aliases]) lookup.set(normaliseHeader(name), spec.field);
  }
  for (const [name, field] of Object.entries(overrides)) {
    if (known.has(field)) lookup.set(normaliseHeader(name), field as F);
  }

  const index: HeaderMap<F>["index"] = {};
  const ignored: string[] = [];
  const problems: ColumnProblem[] = [];
  headers.forEach((raw, i) => {
    const field = lookup.get(normaliseHeader(raw));
    if (!field) {
      if (normaliseHeader(raw) !== "") ignored.push(raw);
      return;
    }
    const earlier = index[field];
    if (earlier !== undefined) {
      problems.push({
        column: raw,
        key: "import.column.duplicate",
        params: { other: headers[earlier], field: columns.find((c) => c.field === field)?.header ?? field },
      });
      return;
    }
    index[field] = i;
  });
  for (const spec of columns) {
    if (spec.required && index[spec.field] === undefined) {
      problems.push({ column: spec.header, key: "import.column.missing" });
    }
  }
  return { index, headers: [...headers], ignored, problems };
}

/** A code, or its Chinese label, as the table's code; anything else comes back as written. */
export function toCode(table: CodeTable, value: string): string {
  const v = toHalfWidth(value).trim();
  if (table.some((entry) => entry.code === v)) return v;
  const upper = v.toUpperCase();
  if (/^[A-Z]$/.test(upper) && table.some((entry) => entry.code === upper)) return upper;
  // Spreadsheets drop leading zeros: 1 → 01 for two-digit tables.
  const padded = v.padStart(table[0].code.length, "0");
  if (/^\d+$/.test(v) && table.some((entry) => entry.code === padded)) return padded;
  if (table === EDUCATION && /^[1-9]\d$/.test(v)) return `${v[0]}0`;
  const label = table.find((entry) => entry.zh === v || entry.zh.replace(/族$/, "") === v);
  return label ? label.code : v;
}

/** 1990-02-03, 1990/2/3, 1990.2.3, 1990年2月3日 and 19900203 as YYYY-MM-DD; anything else unchanged. */
export function toIsoDateText(value: string): string {
  const v = toHalfWidth(value).trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  const parts = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v);
  if (parts) return `${parts[1]}-${parts[2].padStart(2, "0")}-${parts[3].padStart(2, "0")}`;
  return v;
}

const YES = new Set(["是", "有", "1", "y", "yes", "true", "√"]);
const NO = new Set(["否", "无", "0", "n", "no", "false", "×"]);

/** A yes/no cell (是/否, 1/0, yes/no…) as a boolean; null when it is neither. */
export function toFlag(value: string): boolean | null {
  const v = toHalfWidth(value).toLowerCase();
  return YES.has(v) ? true : NO.has(v) ? false : null;
}

/**
 * toCode remembered per table and value: a file repeats the same few codes and labels on every row,
 * and toCode scans its table. Same answers, by construction.
 */
export function cachedToCode(table: CodeTable): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    let code = seen.get(value);
    if (code === undefined) {
      code = toCode(table, value);
      if (seen.size < 10_000) seen.set(value, code);
    }
    return code;
  };
}

/** How many entries of a code table a problem lists before it says how many there are in all. */
export const ALLOWED_SHOWN = 12;

/**
 * A code cell that is neither a code of its table nor one of its labels: the key and parameters of a
 * problem that names the value and what the column takes — each Chinese label with its code, since a
 * file must hold one of those two (also under an English reader, who is told so). A large table (民族,
 * 与户主关系) is listed up to ALLOWED_SHOWN entries, with the count of all.
 */
export function codeProblem(table: CodeTable, value: string): { key: ImportKey; params: ValidationParams } {
  const shown = table.slice(0, ALLOWED_SHOWN);
  return {
    key: shown.length < table.length ? "import.code.unknownMore" : "import.code.unknown",
    params: {
      value,
      allowed: shown.map((entry) => `${entry.zh}（${entry.code}）`).join("、"),
      count: table.length,
    },
  };
}

export interface RowProblem {
  column: string;
  value: string;
  key: string;
  params?: ValidationParams;
}

/**
 * A row's verdict. An accepted row may carry warnings (a validator's, a check overridden): it is
 * imported all the same, and the report lists them.
 */
export type RowResult<R> =
  | { ok: true; record: R; warnings: RowProblem[] }
  | { ok: false; problems: RowProblem[] };

/** Reading one row's cells: the column a field came from, its text, and problems found so far. */
export class RowReader<F extends string> {
  readonly problems: RowProblem[] = [];
  readonly warnings: RowProblem[] = [];
  /** Code columns already refused by codeProblem: a schema's issue about them says less, and is left out. */
  private readonly badCodes = new Set<F>();
  constructor(
    private readonly columns: readonly ColumnSpec<F>[],
    private readonly map: HeaderMap<F>,
    private readonly cells: readonly string[],
  ) {}

  column(field: F): string {
    const i = this.map.index[field];
    return i === undefined
      ? (this.columns.find((c) => c.field === field)?.header ?? field)
      : this.map.headers[i];
  }

  cell(field: F): string {
    const i = this.map.index[field];
    return i === undefined ? "" : toHalfWidth(this.cells[i] ?? "").trim();
  }

  /** The cell as written (full-width forms kept), for reports and free text. */
  raw(field: F): string {
    const i = this.map.index[field];
    return i === undefined ? "" : (this.cells[i] ?? "").trim();
  }

  problem(field: F, key: string, params?: ValidationParams, value = this.raw(field)): void {
    this.problems.push({ column: this.column(field), value, key, params });
  }

  warning(field: F, key: string, params?: ValidationParams, value = this.raw(field)): void {
    this.warnings.push({ column: this.column(field), value, key, params });
  }

  /**
   * A code cell as its table's code (toCode); when it is none of the table's codes or labels, the row
   * gets the problem that names the value and what is allowed, and the text comes back as written.
   */
  code(field: F, table: CodeTable): string {
    const raw = this.raw(field);
    const code = toCode(table, raw);
    if (raw !== "" && !table.some((entry) => entry.code === code)) {
      const { key, params } = codeProblem(table, raw);
      this.problem(field, key, params);
      this.badCodes.add(field);
    }
    return code;
  }

  /** A required text cell (a place or key column): blank is a problem. */
  required(field: F): string {
    const v = this.cell(field);
    if (v === "") this.problem(field, "validation.required");
    return v;
  }

  /**
   * The given cells of `fields` as schema input: codes as codes, dates as YYYY-MM-DD, flags as booleans,
   * numbers as numbers. Blank cells are left out.
   */
  input(fields: readonly F[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const spec of this.columns) {
      if (!fields.includes(spec.field)) continue;
      const raw = this.raw(spec.field);
      if (raw === "") continue;
      if (spec.kind === "flag") {
        const flag = toFlag(raw);
        if (flag === null) this.problem(spec.field, "import.flag");
        else out[spec.field] = flag;
      } else if (spec.kind === "int" || spec.kind === "number") {
        const n = Number(toHalfWidth(raw).replace(/,/g, ""));
        if (Number.isFinite(n) && (spec.kind === "number" || Number.isInteger(n))) out[spec.field] = n;
        else this.problem(spec.field, spec.kind === "int" ? "validation.notInteger" : "import.number");
      } else if (spec.kind === "date") out[spec.field] = toIsoDateText(raw);
      else if (spec.codes) out[spec.field] = this.code(spec.field, spec.codes);
      else out[spec.field] = raw;
    }
    return out;
  }

  /** A failed schema parse as problems; `fieldOf` maps the schema's path head to a column's field. */
  zodProblems(issues: readonly z.core.$ZodIssue[], fieldOf: (head: string) => F): void {
    for (const issue of issues) {
      const field = fieldOf(String(issue.path[0] ?? ""));
      if (this.badCodes.has(field)) continue;
      const { key, params } = zodIssueKey(issue);
      this.problem(field, key, params);
    }
  }
}

/**
 * The checks of a credit code that an import lets a reason override, each with the problem a row without
 * one gets (saying how to proceed) and the warning a row with one leaves in the report. DOMAIN.md: real
 * registries hold codes that fail the check character, and codes from before the tables were settled;
 * the code on the licence is still the organisation's key. A wrong length or character is never taken.
 */
export const USCC_OVERRIDES = {
  "validation.uscc.checksum": {
    reason: "import.uscc.checkReason",
    overridden: "import.uscc.checkOverridden",
  },
  "validation.uscc.department": {
    reason: "import.uscc.departmentReason",
    overridden: "import.uscc.departmentOverridden",
  },
  "validation.uscc.category": {
    reason: "import.uscc.categoryReason",
    overridden: "import.uscc.categoryOverridden",
  },
} as const satisfies Partial<Record<ValidationKey, { reason: ImportKey; overridden: ImportKey }>>;

type OverridableKey = keyof typeof USCC_OVERRIDES;

export function isUsccOverridable(key: string): key is OverridableKey {
  return Object.hasOwn(USCC_OVERRIDES, key);
}

/** The warnings an overridden credit code leaves in the report; the engine also audits each such code. */
export const USCC_OVERRIDDEN: ReadonlySet<string> = new Set(
  Object.values(USCC_OVERRIDES).map((entry) => entry.overridden),
);

/**
 * A credit code that fails only checks an import may override (USCC_OVERRIDES), as an import takes it. On
 * field entry such a code stays an error, which is why this lives here and the shared schemas keep
 * refusing it.
 *
 * `verdict` is what the column's own validator said of the cell. When that is anything but an overridable
 * failure, nothing happens and null comes back: the schema judges the cell as usual (a wrong length or
 * character is refused whatever the reason says). Otherwise the cell is settled here and taken out of
 * `input`, so the schema never sees it: with a reason in 校验说明 the code is returned (normalised) and the
 * row carries a warning for each check it fails, naming the reason; without one, the row is refused with a
 * message that says how to proceed, and null comes back.
 */
export function takeUsccOverride<F extends string>(
  reader: RowReader<F>,
  input: Record<string, unknown>,
  field: F,
  reasonField: F,
  verdict: { ok: true } | { ok: false; error: ValidationKey },
): string | null {
  if (verdict.ok || !isUsccOverridable(verdict.error)) return null;
  delete input[field];
  const reason = reader.raw(reasonField);
  if (reason === "") {
    reader.problem(field, USCC_OVERRIDES[verdict.error].reason);
    return null;
  }
  // The reason goes into the report and the audit log: as long as a note, no longer.
  if (reason.length > MAX.note) {
    reader.problem(reasonField, "validation.tooLong", { max: MAX.note });
    return null;
  }
  const code = normaliseUscc(reader.cell(field));
  for (const fault of usccFaults(code)) {
    if (isUsccOverridable(fault)) reader.warning(field, USCC_OVERRIDES[fault].overridden, { reason }, code);
  }
  return code;
}

/** Only what the row said: the parsed values of the fields present in the input. */
export function given<T extends object>(parsed: T, input: Record<string, unknown>): Partial<T> {
  const out: Partial<T> = {};
  for (const [field, value] of Object.entries(parsed)) {
    if (field in input) (out as Record<string, unknown>)[field] = value;
  }
  return out;
}

/** A place as written in a file: 社区代码, 建筑物编码, 单元, 房号. */
export interface PlaceRef {
  communityCode: string;
  buildingCode: string;
  unitNo: string | null;
  roomNo: string | null;
}

/** The place columns of a row, each checked for presence and form. */
export function readPlace<F extends string>(
  reader: RowReader<F | keyof typeof PLACE_COLUMNS>,
  options: { room: "required" | "optional" | "none" },
): PlaceRef {
  const communityCode = reader.required("communityCode");
  if (communityCode !== "" && !/^\d{12}$/.test(communityCode)) {
    reader.problem("communityCode", "import.community.format", undefined, communityCode);
  }
  const buildingCode = reader.required("buildingCode");
  if (options.room === "none") return { communityCode, buildingCode, unitNo: null, roomNo: null };
  const roomNo = options.room === "required" ? reader.required("roomNo") : reader.cell("roomNo");
  return { communityCode, buildingCode, unitNo: reader.cell("unitNo") || null, roomNo: roomNo || null };
}

/** A mapping file's content ({"表头": "field"}) checked against one kind's fields; the unknown ones named. */
export function parseMapping(
  columns: readonly ColumnSpec[],
  value: unknown,
): { ok: true; mapping: Record<string, string> } | { ok: false; error: string } {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: 'mapping must be a JSON object {"表头": "field"}' };
  }
  const known = new Set(columns.map((c) => c.field));
  const bad = Object.entries(value).filter(([, field]) => typeof field !== "string" || !known.has(field));
  if (bad.length > 0) {
    return {
      ok: false,
      error: `unknown field(s): ${bad.map(([h, f]) => `${h} → ${String(f)}`).join(", ")}; known: ${[...known].join(", ")}`,
    };
  }
  return { ok: true, mapping: value as Record<string, string> };
}
