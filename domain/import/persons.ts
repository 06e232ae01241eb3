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

import {
  type CodeTable,
  EDUCATION,
  EMPLOYMENT,
  ETHNICITY,
  HOUSEHOLD_KIND,
  HUKOU_CATEGORY,
  ID_TYPE,
  isCode,
  LEFT_BEHIND,
  MARITAL,
  PERSON_TYPE,
  POLITICS,
  RELATION,
  RESIDENCE_MATCH,
  SEX,
} from "../codes";
import { dateProblem, MAX } from "../schemas/fields";
import { householdSchema } from "../schemas/household";
import { type PersonOutput, personSchema } from "../schemas/person";
import { parseCitizenIdWithArea } from "../validators/area";
import { parsePhone } from "../validators/mobile";
import { hasBidiControl } from "../validators/text";
import {
  type ColumnSpec,
  cachedToCode,
  given,
  type HeaderMap,
  PLACE_COLUMNS,
  RowReader,
  type RowResult,
  readPlace,
  toFlag,
  toIsoDateText,
} from "./columns";

export type PersonField = keyof PersonOutput;
export type PlaceField =
  | "householdNo"
  | "householdKind"
  | "communityCode"
  | "buildingCode"
  | "unitNo"
  | "roomNo";
export type ImportField = PersonField | PlaceField;

/** 中文表头 → field. Documented in README ("导入人员与户"). */
export const PERSON_COLUMNS: readonly ColumnSpec<ImportField>[] = [
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
  PLACE_COLUMNS.communityCode,
  PLACE_COLUMNS.buildingCode,
  PLACE_COLUMNS.unitNo,
  PLACE_COLUMNS.roomNo,
];

export interface PersonImportRecord {
  /** Only the fields the row gave a value for (plus idType, which defaults to 居民身份证). */
  person: Partial<PersonOutput> & Pick<PersonOutput, "name" | "idType" | "idNumber" | "sex" | "birthDate">;
  household: { householdNo: string; kind: string | null };
  place: { communityCode: string; buildingCode: string; unitNo: string | null; roomNo: string };
}

const PLACE_FIELDS: ReadonlySet<string> = new Set<PlaceField>([
  "householdNo",
  "householdKind",
  "communityCode",
  "buildingCode",
  "unitNo",
  "roomNo",
]);
const PERSON_FIELDS = PERSON_COLUMNS.map((spec) => spec.field).filter((f) => !PLACE_FIELDS.has(f));

/** One data row (cells in file order) → a validated record, or every problem found in it. */
export function parsePersonRow(
  map: HeaderMap<ImportField>,
  cells: readonly string[],
): RowResult<PersonImportRecord> {
  const reader = new RowReader(PERSON_COLUMNS, map, cells);
  const personInput = reader.input(PERSON_FIELDS);
  personInput.idType ??= "1";

  const parsed = personSchema.safeParse(personInput);
  if (!parsed.success) reader.zodProblems(parsed.error.issues, (head) => (head || "idNumber") as ImportField);

  const householdNo = reader.required("householdNo");
  if (householdNo !== "") {
    const noCheck = householdSchema.shape.householdNo.safeParse(householdNo);
    if (!noCheck.success) reader.zodProblems(noCheck.error.issues, () => "householdNo");
  }
  const kind = reader.cell("householdKind") === "" ? null : reader.code("householdKind", HOUSEHOLD_KIND);
  const place = readPlace(reader, { room: "required" });

  if (reader.problems.length > 0 || !parsed.success) return { ok: false, problems: reader.problems };
  // The schema drops the ID validator's warnings (field entry has no use for them); the report wants them,
  // with the county check that only an import makes (see domain/validators/area.ts).
  if (parsed.data.idType === "1") {
    const id = parseCitizenIdWithArea(parsed.data.idNumber);
    if (id.ok) for (const key of id.warnings) reader.warning("idNumber", key);
  }
  return {
    ok: true,
    record: {
      person: given(parsed.data, personInput) as PersonImportRecord["person"],
      household: { householdNo, kind },
      place: { ...place, roomNo: place.roomNo as string },
    },
    warnings: reader.warnings,
  };
}

/** The natural key of a person: document type and normalised number. */
export function personKey(person: { idType: string; idNumber: string }): string {
  return `${person.idType}:${person.idNumber}`;
}

// ---------------------------------------------------------------------------------------------
// The fast path. A register file is mostly well-formed rows, and running each through zod costs more
// than reading and writing it. For such a row the checks the schemas make are repeated here directly;
// when any is not plainly met, the row goes through parsePersonRow, so every message comes from the
// schemas as before. test/domain/import-fast.test.ts holds the two paths to the same answers.

/** Characters toHalfWidth folds: a row holding any is left to the reference path. */
const FOLDED = /[\uFF01-\uFF5E\u3000]/;
const CITIZEN_ID_18 = /^\d{17}[0-9X]$/;
const COMMUNITY_CODE = /^\d{12}$/;

/** Not proven: the reference path decides. */
const UNPROVEN = Symbol("unproven");
type Check = (raw: string) => unknown;

/** Free-text fields of personShape and the length each allows (optionalText / requiredText). */
const TEXT_MAX: Partial<Record<PersonField, number>> = {
  name: MAX.name,
  hukouAddress: MAX.address,
  currentAddress: MAX.address,
  origin: MAX.address,
  residencePermitNo: MAX.shortText,
};

/** The cell → value step of RowReader.input fused with the schema's check of that field. */
function checkOf(spec: ColumnSpec<ImportField>): Check {
  const field = spec.field as PersonField;
  if (spec.kind === "flag") return (raw) => toFlag(raw) ?? UNPROVEN;
  if (spec.kind === "date") {
    return (raw) => {
      const v = toIsoDateText(raw);
      return dateProblem(v, true) === null ? v : UNPROVEN;
    };
  }
  if (spec.codes) {
    const table: CodeTable = spec.codes;
    const code = cachedToCode(table);
    // Other document types have rules of their own: the reference path takes them.
    if (field === "idType") return (raw) => (code(raw) === "1" ? "1" : UNPROVEN);
    return (raw) => {
      const c = code(raw);
      return isCode(table, c) ? c : UNPROVEN;
    };
  }
  if (field === "idNumber") return (raw) => (CITIZEN_ID_18.test(raw) ? raw : UNPROVEN);
  if (field === "phone") {
    return (raw) => {
      const phone = parsePhone(raw);
      return phone.ok ? phone.value : UNPROVEN;
    };
  }
  const max = TEXT_MAX[field];
  if (max === undefined) return () => UNPROVEN;
  // A direction control is the schemas' to refuse, in their words.
  return (raw) => (raw.length <= max && !hasBidiControl(raw) ? raw : UNPROVEN);
}

/** One file's fast path: column indexes and checks resolved once. */
export interface FastPersonRows {
  person: { field: PersonField; index: number; check: Check }[];
  /** The ID column's header as written, for warnings. */
  idColumn: string;
  householdNo: number;
  householdKind: number | undefined;
  communityCode: number;
  buildingCode: number;
  unitNo: number | undefined;
  roomNo: number;
  kindCode: (value: string) => string;
}

export function fastPersonRows(map: HeaderMap<ImportField>): FastPersonRows | null {
  const { index } = map;
  const required = [index.householdNo, index.communityCode, index.buildingCode, index.roomNo];
  if (required.some((i) => i === undefined)) return null;
  return {
    person: PERSON_COLUMNS.flatMap((spec) =>
      PLACE_FIELDS.has(spec.field) || index[spec.field] === undefined
        ? []
        : [{ field: spec.field as PersonField, index: index[spec.field] as number, check: checkOf(spec) }],
    ),
    idColumn: index.idNumber === undefined ? "" : map.headers[index.idNumber],
    householdNo: index.householdNo as number,
    householdKind: index.householdKind,
    communityCode: index.communityCode as number,
    buildingCode: index.buildingCode as number,
    unitNo: index.unitNo,
    roomNo: index.roomNo as number,
    kindCode: cachedToCode(HOUSEHOLD_KIND),
  };
}

/** An accepted row: its record and warnings. */
export type AcceptedRow<R> = Extract<RowResult<R>, { ok: true }>;

/**
 * What parsePersonRow would return for a row it accepts (record and warnings), when that can be shown
 * without zod; null when not (a problem, or anything unusual: another document type, full-width
 * characters…).
 */
export function fastPersonRow(
  fast: FastPersonRows,
  cells: readonly string[],
): AcceptedRow<PersonImportRecord> | null {
  for (const cell of cells) if (FOLDED.test(cell)) return null;
  const at = (i: number | undefined) => (i === undefined ? "" : (cells[i] ?? "").trim());
  const person: Record<string, unknown> = {};
  for (const { field, index, check } of fast.person) {
    const raw = (cells[index] ?? "").trim();
    if (raw === "") continue;
    const value = check(raw);
    if (value === UNPROVEN) return null;
    person[field] = value;
  }
  person.idType ??= "1";
  const { name, idNumber, sex, birthDate } = person;
  if (name === undefined || typeof idNumber !== "string" || sex === undefined || birthDate === undefined) {
    return null;
  }
  // personSchema's cross-check: the citizen ID carries the birth date and sex.
  const id = parseCitizenIdWithArea(idNumber);
  if (!id.ok || id.value !== idNumber || id.birthDate !== birthDate || id.sex !== sex) return null;

  const householdNo = at(fast.householdNo);
  if (householdNo === "" || householdNo.length > MAX.docNumber) return null;
  const kindRaw = at(fast.householdKind);
  const kind = kindRaw === "" ? null : fast.kindCode(kindRaw);
  if (kind !== null && !isCode(HOUSEHOLD_KIND, kind)) return null;
  const communityCode = at(fast.communityCode);
  const buildingCode = at(fast.buildingCode);
  const roomNo = at(fast.roomNo);
  if (!COMMUNITY_CODE.test(communityCode) || buildingCode === "" || roomNo === "") return null;
  return {
    ok: true,
    record: {
      person: person as PersonImportRecord["person"],
      household: { householdNo, kind },
      place: { communityCode, buildingCode, unitNo: at(fast.unitNo) || null, roomNo },
    },
    // As parsePersonRow words them: the ID here is the cell as written (trimmed, nothing folded).
    warnings: id.warnings.map((key) => ({ column: fast.idColumn, value: idNumber, key })),
  };
}

/** The persons row parser for one file: the fast path where it can prove a row, parsePersonRow otherwise. */
export function personRowParser(
  map: HeaderMap<ImportField>,
): (cells: readonly string[]) => RowResult<PersonImportRecord> {
  const fast = fastPersonRows(map);
  return (cells) => (fast && fastPersonRow(fast, cells)) || parsePersonRow(map, cells);
}
