// Import of persons and their households: the pure part (no I/O).
//
// A register file returned by a department has one row per person. Its Chinese column headers map to
// fields through PERSON_COLUMNS (canonical header first, then the aliases seen in real exports); a
// mapping file can add or override header → field. Each row becomes either a validated record or a
// list of problems {column, value, key}, using the same zod schemas the officer's forms use.
//
// Choices made here (a serious register import, not a spreadsheet paste):
// - Code columns take the standard code or its Chinese label (男 → 1, 汉族 → 01, 户主 → 02); detailed
//   education codes fold to their level (21 → 20) as codes.ts says.
// - Dates take 1990-02-03, 1990/2/3, 1990.2.3 and 19900203; an impossible date is rejected.
// - A blank cell means "the file says nothing": it never clears a value already in the register, and
//   a column missing from the file leaves its field untouched. Only new persons get defaults.
// - 性别 and 出生日期 must agree with a citizen ID (the existing person schema checks it).

import type { z } from "zod";
import {
  type CodeTable,
  EDUCATION,
  EMPLOYMENT,
  ETHNICITY,
  HOUSEHOLD_KIND,
  HUKOU_CATEGORY,
  ID_TYPE,
  LEFT_BEHIND,
  MARITAL,
  PERSON_TYPE,
  POLITICS,
  RELATION,
  RESIDENCE_MATCH,
  SEX,
} from "../codes";
import type { ImportKey } from "../i18n/import";
import type { ValidationParams } from "../i18n/validation";
import { householdSchema } from "../schemas/household";
import { zodIssueKey } from "../schemas/issues";
import { type PersonOutput, personSchema } from "../schemas/person";
import { toHalfWidth } from "../validators/text";

export type PersonField = keyof PersonOutput;
export type PlaceField =
  | "householdNo"
  | "householdKind"
  | "communityCode"
  | "buildingCode"
  | "unitNo"
  | "roomNo";
export type ImportField = PersonField | PlaceField;

export interface ColumnSpec {
  field: ImportField;
  /** The header written in templates and in the rejected-rows file. */
  header: string;
  aliases: readonly string[];
  /** The file is refused when this column is absent. */
  required?: boolean;
  /** Values may be a code of this table or its Chinese label. */
  codes?: CodeTable;
  kind?: "date" | "flag";
}

/** 中文表头 → field. Documented in README ("导入人员与户"). */
export const PERSON_COLUMNS: readonly ColumnSpec[] = [
  { field: "name", header: "姓名", aliases: [], required: true },
  { field: "idType", header: "证件类型", aliases: ["证件种类"], codes: ID_TYPE },
  {
    field: "idNumber",
    header: "公民身份号码",
    aliases: ["身份证号码", "身份证号", "证件号码", "身份号码"],
    required: true,
  },
  { field: "sex", header: "性别", aliases: [], required: true, codes: SEX },
  { field: "birthDate", header: "出生日期", aliases: ["出生年月日"], required: true, kind: "date" },
  { field: "ethnicity", header: "民族", aliases: [], codes: ETHNICITY },
  { field: "relation", header: "与户主关系", aliases: ["与户主的关系", "家庭关系"], codes: RELATION },
  { field: "marital", header: "婚姻状况", aliases: [], codes: MARITAL },
  { field: "education", header: "文化程度", aliases: ["学历"], codes: EDUCATION },
  { field: "politics", header: "政治面貌", aliases: [], codes: POLITICS },
  { field: "hukouCategory", header: "户口类别", aliases: ["户口性质"], codes: HUKOU_CATEGORY },
  { field: "hukouAddress", header: "户籍地址", aliases: ["户籍地详址", "户籍地"] },
  { field: "currentAddress", header: "现住址", aliases: ["现居住地址", "居住地址", "现住地址"] },
  { field: "residenceMatch", header: "人户关系", aliases: ["人户一致"], codes: RESIDENCE_MATCH },
  { field: "personType", header: "人员类别", aliases: ["人口类型", "人员类型"], codes: PERSON_TYPE },
  { field: "phone", header: "联系电话", aliases: ["手机号码", "电话号码", "联系方式", "电话"] },
  { field: "employment", header: "就业状况", aliases: [], codes: EMPLOYMENT },
  { field: "disability", header: "残疾人", aliases: ["是否残疾人"], kind: "flag" },
  { field: "lowIncome", header: "低保", aliases: ["是否低保", "低保对象"], kind: "flag" },
  { field: "unemployed", header: "失业", aliases: ["是否失业"], kind: "flag" },
  { field: "leftBehind", header: "留守类型", aliases: ["留守人员"], codes: LEFT_BEHIND },
  { field: "arrivalDate", header: "来穗日期", aliases: ["来穗时间"], kind: "date" },
  { field: "origin", header: "来源地", aliases: ["户籍省市"] },
  { field: "residencePermitNo", header: "居住证号", aliases: ["居住证号码", "居住登记号"] },
  { field: "householdNo", header: "户号", aliases: ["户编号"], required: true },
  { field: "householdKind", header: "户别", aliases: ["户类型"], codes: HOUSEHOLD_KIND },
  {
    field: "communityCode",
    header: "社区代码",
    aliases: ["社区编码", "社区统计代码", "居委会代码"],
    required: true,
  },
  { field: "buildingCode", header: "建筑物编码", aliases: ["楼栋编码", "建筑物代码"], required: true },
  { field: "unitNo", header: "单元", aliases: ["单元号"] },
  { field: "roomNo", header: "房号", aliases: ["房间号", "户室号"], required: true },
];

const SPEC_BY_FIELD = new Map(PERSON_COLUMNS.map((spec) => [spec.field, spec]));
export const IMPORT_FIELDS: readonly ImportField[] = PERSON_COLUMNS.map((spec) => spec.field);

export function isImportField(value: unknown): value is ImportField {
  return typeof value === "string" && SPEC_BY_FIELD.has(value as ImportField);
}

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

export interface HeaderMap {
  /** field → index of its column in the file */
  index: Partial<Record<ImportField, number>>;
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
export function mapHeaders(
  headers: readonly string[],
  overrides: Record<string, ImportField> = {},
): HeaderMap {
  const lookup = new Map<string, ImportField>();
  for (const spec of PERSON_COLUMNS) {
    for (const name of [spec.header, ...spec.aliases]) lookup.set(normaliseHeader(name), spec.field);
  }
  for (const [name, field] of Object.entries(overrides)) lookup.set(normaliseHeader(name), field);

  const index: HeaderMap["index"] = {};
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
        params: { other: headers[earlier], field: SPEC_BY_FIELD.get(field)?.header ?? field },
      });
      return;
    }
    index[field] = i;
  });
  for (const spec of PERSON_COLUMNS) {
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

export interface PersonImportRecord {
  /** Only the fields the row gave a value for (plus idType, which defaults to 居民身份证). */
  person: Partial<PersonOutput> & Pick<PersonOutput, "name" | "idType" | "idNumber" | "sex" | "birthDate">;
  household: { householdNo: string; kind: string | null };
  place: { communityCode: string; buildingCode: string; unitNo: string | null; roomNo: string };
}

export interface RowProblem {
  column: string;
  value: string;
  key: string;
  params?: ValidationParams;
}

export type RowResult = { ok: true; record: PersonImportRecord } | { ok: false; problems: RowProblem[] };

const PLACE_FIELDS: ReadonlySet<string> = new Set<PlaceField>([
  "householdNo",
  "householdKind",
  "communityCode",
  "buildingCode",
  "unitNo",
  "roomNo",
]);

/** One data row (cells in file order) → a validated record, or every problem found in it. */
export function parsePersonRow(map: HeaderMap, cells: readonly string[]): RowResult {
  const problems: RowProblem[] = [];
  const columnOf = (field: ImportField) => {
    const i = map.index[field];
    return i === undefined ? (SPEC_BY_FIELD.get(field)?.header ?? field) : map.headers[i];
  };
  const cellOf = (field: ImportField) => {
    const i = map.index[field];
    return i === undefined ? "" : (cells[i] ?? "");
  };

  const personInput: Record<string, unknown> = {};
  for (const spec of PERSON_COLUMNS) {
    if (PLACE_FIELDS.has(spec.field)) continue;
    const raw = cellOf(spec.field).trim();
    if (raw === "") continue;
    if (spec.kind === "flag") {
      const v = raw.toLowerCase();
      if (YES.has(v)) personInput[spec.field] = true;
      else if (NO.has(v)) personInput[spec.field] = false;
      else problems.push({ column: columnOf(spec.field), value: raw, key: "import.flag" });
    } else if (spec.kind === "date") personInput[spec.field] = toIsoDateText(raw);
    else if (spec.codes) personInput[spec.field] = toCode(spec.codes, raw);
    else personInput[spec.field] = raw;
  }
  personInput.idType ??= "1";

  const parsed = personSchema.safeParse(personInput);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "idNumber") as ImportField;
      const { key, params } = zodIssueKey(issue as z.core.$ZodIssue);
      problems.push({ column: columnOf(field), value: cellOf(field).trim(), key, params });
    }
  }

  const householdNo = cellOf("householdNo").trim();
  const noCheck = householdSchema.shape.householdNo.safeParse(householdNo);
  if (householdNo === "")
    problems.push({ column: columnOf("householdNo"), value: "", key: "validation.required" });
  else if (!noCheck.success) {
    const { key, params } = zodIssueKey(noCheck.error.issues[0]);
    problems.push({ column: columnOf("householdNo"), value: householdNo, key, params });
  }
  const kindRaw = cellOf("householdKind").trim();
  const kind = kindRaw === "" ? null : toCode(HOUSEHOLD_KIND, kindRaw);
  if (kind !== null && !HOUSEHOLD_KIND.some((entry) => entry.code === kind)) {
    problems.push({ column: columnOf("householdKind"), value: kindRaw, key: "validation.invalidValue" });
  }

  const communityCode = toHalfWidth(cellOf("communityCode")).trim();
  if (communityCode === "")
    problems.push({ column: columnOf("communityCode"), value: "", key: "validation.required" });
  else if (!/^\d{12}$/.test(communityCode)) {
    problems.push({
      column: columnOf("communityCode"),
      value: communityCode,
      key: "import.community.format",
    });
  }
  const buildingCode = toHalfWidth(cellOf("buildingCode")).trim();
  if (buildingCode === "")
    problems.push({ column: columnOf("buildingCode"), value: "", key: "validation.required" });
  const roomNo = toHalfWidth(cellOf("roomNo")).trim();
  if (roomNo === "") problems.push({ column: columnOf("roomNo"), value: "", key: "validation.required" });
  const unitNo = toHalfWidth(cellOf("unitNo")).trim() || null;

  if (problems.length > 0 || !parsed.success) return { ok: false, problems };

  // Keep only what the row said: a blank cell never clears a register value.
  const person: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(parsed.data)) {
    if (field in personInput) person[field] = value;
  }
  return {
    ok: true,
    record: {
      person: person as PersonImportRecord["person"],
      household: { householdNo, kind },
      place: { communityCode, buildingCode, unitNo, roomNo },
    },
  };
}

/** The natural key of a person: document type and normalised number. */
export function personKey(person: { idType: string; idNumber: string }): string {
  return `${person.idType}:${person.idNumber}`;
}

/** A mapping file's content ({"表头": "field"}) checked; the unknown fields named. */
export function parseMapping(
  value: unknown,
): { ok: true; mapping: Record<string, ImportField> } | { ok: false; error: string } {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: 'mapping must be a JSON object {"表头": "field"}' };
  }
  const bad = Object.entries(value).filter(([, field]) => !isImportField(field));
  if (bad.length > 0) {
    return {
      ok: false,
      error: `unknown field(s): ${bad.map(([h, f]) => `${h} → ${String(f)}`).join(", ")}; known: ${IMPORT_FIELDS.join(", ")}`,
    };
  }
  return { ok: true, mapping: value as Record<string, ImportField> };
}
