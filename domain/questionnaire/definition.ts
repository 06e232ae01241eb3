// A campaign's questionnaire, read from an XLSForm workbook (sheets survey, choices, settings) into a
// definition that the phone renders and that evaluate.ts checks answers against. Reading the file is
// the server's (server/services/import.ts reads XLSX cells to text the same way); this takes the
// sheets as rows of cell text and either returns the definition or every problem found, each
// naming sheet, row, column and cell, so an administrator fixes the workbook in one pass. Nothing
// outside the subset below is half-read: an unknown type, column, function or language is refused.
//
// The definition is plain JSON (expressions travel as trees), so what the server stores, the phone
// receives unchanged, and both evaluate the same thing.

import type { Locale, Translate } from "../i18n";
import { questionnaireMessages } from "../i18n/questionnaire";
import type { DefinitionKey } from "../i18n/questionnaire-definition";
import type { RowProblem } from "../import/columns";
import { parseCitizenId } from "../validators/citizen-id";
import { isIsoDate } from "../validators/date";
import { parsePhone } from "../validators/mobile";
import { toHalfWidth } from "../validators/text";
import { type Binding, bindingText, bindMismatch, parseBinding } from "./bind";
import { type Expr, type ExprError, FUNCTIONS, labelReferences, NAME, parseExpression } from "./expr";

// ---------------------------------------------------------------------------------------------
// The definition

export const QUESTION_TYPES = [
  "text",
  "integer",
  "decimal",
  "date",
  "select_one",
  "select_multiple",
  "note",
  "calculate",
  "acknowledge",
  "geopoint",
  "image",
  "citizen_id",
  "phone",
] as const;

export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Text in the form's languages; a reader falls back to the other language (textIn). */
export type Text = Partial<Record<Locale, string>>;

/** An expression as written (for the workbook downloaded again) and as read. */
export interface Formula {
  readonly src: string;
  readonly ast: Expr;
}

interface ItemBase {
  readonly name: string;
  /** The survey sheet's row, for messages. */
  readonly row: number;
  readonly label: Text;
  readonly hint?: Text;
  readonly relevant?: Formula;
  readonly appearance?: string;
}

export interface Question extends ItemBase {
  readonly kind: "question";
  readonly type: QuestionType;
  /** select_one / select_multiple: the choice list. */
  readonly list?: string;
  /** `or_other`: the list gains 其他 ("other"), and the question `${name}_other` says which. */
  readonly orOther?: boolean;
  /** Set on that generated text question: the select it belongs to. */
  readonly otherOf?: string;
  readonly required?: Formula;
  readonly requiredMessage?: Text;
  readonly constraint?: Formula;
  readonly constraintMessage?: Text;
  readonly calculation?: Formula;
  /** A literal initial answer… */
  readonly defaultValue?: string;
  /** …or one computed when the question first appears (`today()`, `${register.phone}`). */
  readonly defaultFormula?: Formula;
  readonly choiceFilter?: Formula;
  readonly readOnly?: Formula;
  /**
   * `bind::register`: the register field this question verifies. Its answer starts as the register's
   * value, and an answer that differs becomes a correction of that field (see bind.ts).
   */
  readonly bind?: Binding;
}

export interface Group extends ItemBase {
  readonly kind: "group";
  readonly children: readonly Item[];
}

export interface Repeat extends ItemBase {
  readonly kind: "repeat";
  /** repeat_count: the number of rows; absent, the officer adds rows as needed. */
  readonly count?: Formula;
  readonly children: readonly Item[];
}

export type Item = Question | Group | Repeat;

export interface Choice {
  readonly name: string;
  readonly label: Text;
  /** The choices sheet's other columns, which choice_filter reads. */
  readonly columns?: Readonly<Record<string, string>>;
}

export interface ChoiceList {
  readonly name: string;
  readonly choices: readonly Choice[];
}

export interface QuestionnaireDefinition {
  /** The shape of this JSON, for a reader to recognise later changes. */
  readonly format: 1;
  readonly settings: {
    readonly formId: string;
    readonly title: Text;
    readonly version: string;
    readonly defaultLanguage: Locale;
  };
  readonly survey: readonly Item[];
  readonly lists: readonly ChoiceList[];
}

/** The name of the choice `or_other` adds. */
export const OTHER = "other";

/** A problem as one line of the upload report, in the reader's language. */
export function problemText(p: DefinitionProblem, t: Translate): string {
  const reason = t(p.key, p.params);
  return p.row > 0
    ? t("questionnaire.def.where", { sheet: p.sheet, row: p.row, column: p.column, cell: p.cell, reason })
    : t("questionnaire.def.whereSheet", { sheet: p.sheet, reason });
}

/** The choices a select offers before any choice_filter: its list, with 其他 added for or_other. */
export function offeredChoices(q: Question, list: readonly Choice[]): readonly Choice[] {
  if (!q.orOther || list.some((c) => c.name === OTHER)) return list;
  const other: Choice = {
    name: OTHER,
    label: {
      "zh-CN": questionnaireMessages["zh-CN"]["questionnaire.other"],
      en: questionnaireMessages.en["questionnaire.other"],
    },
  };
  return [...list, other];
}

export function textIn(text: Text | undefined, locale: Locale): string {
  if (!text) return "";
  return text[locale] ?? text[locale === "en" ? "zh-CN" : "en"] ?? "";
}

/** Every item, depth first in sheet order, with its enclosing containers. */
export function* walkItems(
  items: readonly Item[],
  parents: readonly (Group | Repeat)[] = [],
): Generator<{ item: Item; parents: readonly (Group | Repeat)[] }> {
  for (const item of items) {
    yield { item, parents };
    if (item.kind !== "question") yield* walkItems(item.children, [...parents, item]);
  }
}

// ---------------------------------------------------------------------------------------------
// The workbook as the reader hands it over

/** One spreadsheet row: its number in the sheet (1 = the first), and its cells as text. */
export interface SheetRow {
  readonly row: number;
  readonly cells: readonly string[];
}

/** Sheets by name, as in the workbook (matched without regard to case). */
export type Workbook = Readonly<Record<string, readonly SheetRow[]>>;

/** Rows given as arrays of cells, numbered from 1 (tests, fixtures, readers that keep no numbers). */
export const sheetRows = (rows: readonly (readonly string[])[]): SheetRow[] =>
  rows.map((cells, i) => ({ row: i + 1, cells }));

export type SheetName = "survey" | "choices" | "settings";

/**
 * A problem of the workbook: the import's row problem (column as headed, the cell's text, a message
 * key and its parameters) plus where it sits. `row` 0 and `cell` "" mean the sheet as a whole.
 */
export interface DefinitionProblem extends RowProblem {
  sheet: SheetName | (string & {});
  row: number;
  /** A1-style reference: F12. */
  cell: string;
  key: DefinitionKey | ExprError["key"];
}

export interface ParseDefinitionOptions {
  /** The register fields `${register.…}` may read; absent, any well-formed field name is accepted. */
  registerFields?: Iterable<string>;
}

export type DefinitionResult =
  | { ok: true; definition: QuestionnaireDefinition }
  | { ok: false; problems: DefinitionProblem[] };

// ---------------------------------------------------------------------------------------------
// The subset

const INPUT_TYPES = new Set<string>([
  "text",
  "integer",
  "decimal",
  "date",
  "select_one",
  "select_multiple",
  "acknowledge",
  "geopoint",
  "image",
  "citizen_id",
  "phone",
]);
const SELECT_TYPES = new Set<string>(["select_one", "select_multiple"]);

type RowType = QuestionType | "begin_group" | "end_group" | "begin_repeat" | "end_repeat";

const SURVEY_COLUMNS = [
  "type",
  "name",
  "label",
  "hint",
  "required",
  "required_message",
  "constraint",
  "constraint_message",
  "relevant",
  "calculation",
  "default",
  "choice_filter",
  "appearance",
  "read_only",
  "repeat_count",
  "bind::register",
] as const;
type SurveyColumn = (typeof SURVEY_COLUMNS)[number];
const TRANSLATED = new Set<string>(["label", "hint", "required_message", "constraint_message"]);

/** Which rows may fill which column (type and name are checked on their own). */
function columnAllowed(column: SurveyColumn, type: RowType): boolean {
  const input = INPUT_TYPES.has(type);
  switch (column) {
    case "type":
    case "name":
      return true;
    case "label":
      return type !== "calculate" && type !== "end_group" && type !== "end_repeat";
    case "hint":
      return input || type === "note";
    case "required":
    case "required_message":
    case "constraint":
    case "constraint_message":
    case "read_only":
      return input;
    case "relevant":
      return type !== "end_group" && type !== "end_repeat";
    case "calculation":
      return type === "calculate";
    case "default":
      return input && type !== "geopoint" && type !== "image";
    case "choice_filter":
      return SELECT_TYPES.has(type);
    case "appearance":
      return (APPEARANCES[type] ?? []).length > 0;
    case "repeat_count":
      return type === "begin_repeat";
    case "bind::register":
      // Which input types fit which field is bind.ts's, checked once the choice lists are known.
      return input;
  }
}

/** The appearances the renderer draws, per type; anything else is refused. */
export const APPEARANCES: Partial<Record<RowType, readonly string[]>> = {
  begin_group: ["field-list"],
  begin_repeat: ["field-list"],
  text: ["multiline"],
  select_one: ["minimal", "horizontal"],
  select_multiple: ["minimal", "horizontal"],
};

const SUPPORTED_TYPES =
  "text, integer, decimal, date, select_one 列表, select_multiple 列表 (or_other), note, calculate, acknowledge, geopoint, image, citizen_id, phone, begin_group, end_group, begin_repeat, end_repeat";

/** `label::zh`, `label::Chinese (zh)`, `label::English (en)`… as one of our locales. */
function localeOf(suffix: string): Locale | null {
  const code = (/\(([^)]*)\)\s*$/.exec(suffix)?.[1] ?? suffix).trim().toLowerCase();
  if (["zh", "zh-cn", "zh-hans", "zh_cn", "chinese", "中文", "简体中文", "汉语"].includes(code))
    return "zh-CN";
  if (["en", "en-us", "en-gb", "english", "英文", "英语"].includes(code)) return "en";
  return null;
}

/**
 * `register` would shadow ${register.…}; `__proto__` would change the prototype of the plain
 * objects answers and choices are kept in instead of naming a key.
 */
const RESERVED_NAMES = new Set(["register", "__proto__"]);

const YES = new Set(["yes", "true", "true()", "1", "是", "y"]);
const NO = new Set(["no", "false", "false()", "0", "否", "n"]);
const ALWAYS: Formula = { src: "yes", ast: { k: "call", fn: "true", args: [], at: 1 } };

/** A default is an expression when it refers to something or calls a function; otherwise an answer. */
const DYNAMIC_DEFAULT = new RegExp(
  `\\$\\{|^\\s*(?:${Object.keys(FUNCTIONS)
    .map((f) => f.replace("-", "\\-"))
    .join("|")})\\s*\\(`,
);

function columnLetter(index: number): string {
  let out = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Column {
  index: number;
  header: string;
  base: string;
  locale: Locale | null;
}

interface ReadSheet {
  name: SheetName;
  columns: Column[];
  rows: SheetRow[];
}

class Problems {
  readonly list: { problem: DefinitionProblem; order: [number, number, number] }[] = [];

  add(
    sheet: SheetName,
    row: number,
    column: Column | { index: number; header: string } | null,
    value: string,
    key: DefinitionProblem["key"],
    params?: Record<string, string | number>,
  ): void {
    const order = ["survey", "choices", "settings"].indexOf(sheet);
    this.list.push({
      problem: {
        sheet,
        row,
        column: column?.header ?? "",
        cell: column && row > 0 ? `${columnLetter(column.index)}${row}` : "",
        value,
        key,
        ...(params ? { params } : {}),
      },
      order: [order, row, column?.index ?? -1],
    });
  }

  sorted(): DefinitionProblem[] {
    return this.list
      .map((entry, i) => ({ ...entry, i }))
      .sort(
        (a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2] || a.i - b.i,
      )
      .map((entry) => entry.problem);
  }
}

const cellOf = (row: SheetRow, column: Column | undefined): string =>
  column ? String(row.cells[column.index] ?? "").trim() : "";

const blank = (row: SheetRow) => row.cells.every((c) => String(c ?? "").trim() === "");

function findSheet(workbook: Workbook, name: string): readonly SheetRow[] | undefined {
  const key = Object.keys(workbook).find((k) => k.trim().toLowerCase() === name);
  return key === undefined ? undefined : workbook[key];
}

/**
 * The header row (the first row with anything in it) read into columns. `known` are the columns the
 * sheet takes; an unknown one is refused only when some row fills it, since templates carry empty
 * columns (media::image, bind::…) that do no harm.
 */
function readSheet(
  name: SheetName,
  rows: readonly SheetRow[],
  problems: Problems,
  isKnown: (base: string, translated: boolean) => boolean,
): ReadSheet {
  const start = rows.findIndex((r) => !blank(r));
  if (start < 0) return { name, columns: [], rows: [] };
  const header = rows[start];
  const data = rows.slice(start + 1).filter((r) => !blank(r));
  const columns: Column[] = [];
  const seen = new Map<string, Column>();
  header.cells.forEach((raw, index) => {
    const headerText = String(raw ?? "").trim();
    if (headerText === "") return;
    const [head, ...rest] = toHalfWidth(headerText).split("::");
    let base = head.trim().toLowerCase().replace(/\s+/g, "_");
    let suffix = rest.join("::").trim();
    // `bind::register` looks like a translated column but is one column of its own (the survey's).
    if (name === "survey" && base === "bind" && suffix.toLowerCase() === "register") {
      base = "bind::register";
      suffix = "";
    }
    const column: Column = { index, header: headerText, base, locale: null };
    const used = () => data.some((r) => cellOf(r, column) !== "");
    if (suffix !== "") {
      column.locale = localeOf(suffix);
      if (!isKnown(base, true)) {
        if (used())
          problems.add(name, header.row, column, headerText, "questionnaire.def.columnUnknown", {
            column: headerText,
          });
        return;
      }
      if (column.locale === null) {
        if (used())
          problems.add(name, header.row, column, headerText, "questionnaire.def.language", {
            language: suffix,
          });
        return;
      }
    } else if (!isKnown(base, false)) {
      if (used())
        problems.add(name, header.row, column, headerText, "questionnaire.def.columnUnknown", {
          column: headerText,
        });
      return;
    }
    const key = `${base}::${column.locale ?? ""}`;
    if (seen.has(key)) {
      problems.add(name, header.row, column, headerText, "questionnaire.def.columnDuplicate", {
        column: headerText,
      });
      return;
    }
    seen.set(key, column);
    columns.push(column);
  });
  return { name, columns, rows: data };
}

/** The text of a translatable column in a row: the plain column in the default language, overridden by ::lang. */
function textOf(sheet: ReadSheet, row: SheetRow, base: string, defaultLanguage: Locale): Text {
  const text: Text = {};
  for (const column of sheet.columns) {
    if (column.base !== base) continue;
    const v = cellOf(row, column);
    if (v === "") continue;
    const locale = column.locale ?? defaultLanguage;
    if (column.locale !== null || text[locale] === undefined) text[locale] = v;
  }
  return text;
}

const hasText = (text: Text) => Object.values(text).some((v) => v !== undefined && v !== "");

function parseType(raw: string): { type: RowType; list?: string; orOther?: boolean } | null {
  const words = toHalfWidth(raw).trim().split(/\s+/);
  const first = words[0].toLowerCase();
  const two = `${first}_${(words[1] ?? "").toLowerCase()}`;
  if (["begin_group", "end_group", "begin_repeat", "end_repeat"].includes(two) && words.length === 2) {
    return { type: two as RowType };
  }
  if (["begin_group", "end_group", "begin_repeat", "end_repeat"].includes(first) && words.length === 1) {
    return { type: first as RowType };
  }
  // select_one list, select one list, select_one list or_other
  let rest = words.slice(1);
  let select: string | null = null;
  if (first === "select_one" || first === "select_multiple") select = first;
  else if ((two === "select_one" || two === "select_multiple") && words.length > 2) {
    select = two;
    rest = words.slice(2);
  }
  if (select) {
    if (rest.length === 1 && rest[0] !== "") return { type: select as RowType, list: rest[0] };
    if (rest.length === 2 && rest[1].toLowerCase() === "or_other") {
      return { type: select as RowType, list: rest[0], orOther: true };
    }
    return null;
  }
  if (
    words.length === 1 &&
    (QUESTION_TYPES as readonly string[]).includes(first) &&
    !SELECT_TYPES.has(first)
  ) {
    return { type: first as QuestionType };
  }
  return null;
}

/** A literal default checked as the answer it stands for. */
function defaultFits(type: QuestionType, value: string, choices: readonly Choice[] | undefined): boolean {
  // A default must be an answer the question accepts, so a new form never starts out refused.
  const names = new Set((choices ?? []).map((c) => c.name));
  switch (type) {
    case "integer":
      return /^-?\d+$/.test(value);
    case "decimal":
      return /^-?(?:\d+(?:\.\d+)?|\.\d+)$/.test(value);
    case "date":
      return isIsoDate(value);
    case "select_one":
      return names.has(value);
    case "select_multiple": {
      const picked = value.split(/\s+/);
      return new Set(picked).size === picked.length && picked.every((n) => names.has(n));
    }
    case "acknowledge":
      return value === "OK";
    case "citizen_id":
      return parseCitizenId(value).ok;
    case "phone":
      return parsePhone(value).ok;
    default:
      return true;
  }
}

type Mode =
  | "relevant"
  | "calculation"
  | "constraint"
  | "required"
  | "read_only"
  | "default"
  | "choice_filter"
  | "repeat_count"
  | "label";

/** An expression waiting for the whole form, to check its references. */
interface Pending {
  item: Item;
  /** The repeats around the place the expression is evaluated, outermost first. */
  scope: readonly string[];
  mode: Mode;
  column: Column;
  row: number;
  value: string;
  exprs: Expr[];
}

interface Info {
  item: Item;
  /** Enclosing repeats, outermost first (a repeat's own name is not in its list). */
  repeats: readonly string[];
  parent: string | null;
}

export function parseDefinition(workbook: Workbook, options: ParseDefinitionOptions = {}): DefinitionResult {
  const problems = new Problems();
  const registerFields = options.registerFields ? new Set(options.registerFields) : null;

  for (const unsupported of ["external_choices", "entities"]) {
    const rows = findSheet(workbook, unsupported);
    if (rows?.some((r) => !blank(r))) {
      problems.add(unsupported as SheetName, 0, null, "", "questionnaire.def.sheetUnsupported", {
        sheet: unsupported,
      });
    }
  }

  // Settings first: its default_language says whose the plain label columns are.
  const settingsSheet = readSheet(
    "settings",
    findSheet(workbook, "settings") ?? [],
    problems,
    (base, translated) =>
      translated
        ? base === "form_title"
        : ["form_title", "form_id", "version", "default_language"].includes(base),
  );
  const settingsRow = settingsSheet.rows[0];
  const setting = (base: string) =>
    settingsRow
      ? cellOf(
          settingsRow,
          settingsSheet.columns.find((c) => c.base === base && c.locale === null),
        )
      : "";
  let defaultLanguage: Locale = "zh-CN";
  const languageSetting = setting("default_language");
  if (languageSetting !== "") {
    const locale = localeOf(languageSetting);
    const column = settingsSheet.columns.find((c) => c.base === "default_language");
    if (locale) defaultLanguage = locale;
    else
      problems.add(
        "settings",
        settingsRow.row,
        column ?? null,
        languageSetting,
        "questionnaire.def.language",
        { language: languageSetting },
      );
  }

  // Choices.
  const choicesSheet = readSheet(
    "choices",
    findSheet(workbook, "choices") ?? [],
    problems,
    (base, translated) =>
      translated
        ? base === "label"
        : !["image", "audio", "video", "media", "big-image", "__proto__"].includes(base),
  );
  const choiceColumn = (base: string) =>
    choicesSheet.columns.find((c) => c.base === base && c.locale === null);
  const listColumn = choiceColumn("list_name");
  const choiceName = choiceColumn("name");
  if (choicesSheet.rows.length > 0) {
    const headerRow = (findSheet(workbook, "choices") ?? []).find((r) => !blank(r))?.row ?? 1;
    if (!listColumn)
      problems.add("choices", headerRow, null, "", "questionnaire.def.columnMissing", {
        column: "list_name",
      });
    if (!choiceName)
      problems.add("choices", headerRow, null, "", "questionnaire.def.columnMissing", { column: "name" });
  }
  const extraColumns = choicesSheet.columns.filter(
    (c) => c.locale === null && !["list_name", "name", "label"].includes(c.base),
  );
  const lists = new Map<string, { choices: Choice[]; rows: Map<string, number> }>();
  if (listColumn && choiceName) {
    for (const row of choicesSheet.rows) {
      const list = cellOf(row, listColumn);
      const name = cellOf(row, choiceName);
      const label = textOf(choicesSheet, row, "label", defaultLanguage);
      if (list === "") {
        problems.add("choices", row.row, listColumn, "", "questionnaire.def.listNameMissing");
        continue;
      }
      const entry = lists.get(list) ?? { choices: [] as Choice[], rows: new Map<string, number>() };
      lists.set(list, entry);
      if (name === "") {
        problems.add("choices", row.row, choiceName, "", "questionnaire.def.choiceNameMissing");
        continue;
      }
      if (/\s/.test(name)) {
        problems.add("choices", row.row, choiceName, name, "questionnaire.def.choiceNameSpace", { name });
        continue;
      }
      const earlier = entry.rows.get(name);
      if (earlier !== undefined) {
        problems.add("choices", row.row, choiceName, name, "questionnaire.def.choiceDuplicate", {
          name,
          list,
          row: earlier,
        });
        continue;
      }
      if (!hasText(label)) {
        const labelColumn = choicesSheet.columns.find((c) => c.base === "label");
        problems.add(
          "choices",
          row.row,
          labelColumn ?? choiceName,
          "",
          "questionnaire.def.choiceLabelMissing",
        );
      }
      entry.rows.set(name, row.row);
      const columns: Record<string, string> = {};
      for (const c of extraColumns) {
        const v = cellOf(row, c);
        if (v !== "") columns[c.base] = v;
      }
      entry.choices.push({ name, label, ...(Object.keys(columns).length > 0 ? { columns } : {}) });
    }
  }
  const filterColumns = new Set(["name", "label", ...extraColumns.map((c) => c.base)]);

  // Survey.
  const surveyRows = findSheet(workbook, "survey");
  if (!surveyRows) {
    problems.add("survey", 0, null, "", "questionnaire.def.sheetMissing", { sheet: "survey" });
    return { ok: false, problems: problems.sorted() };
  }
  if (surveyRows.every(blank)) {
    problems.add("survey", 0, null, "", "questionnaire.def.empty");
    return { ok: false, problems: problems.sorted() };
  }
  const survey = readSheet("survey", surveyRows, problems, (base, translated) =>
    translated ? TRANSLATED.has(base) : (SURVEY_COLUMNS as readonly string[]).includes(base),
  );
  const headerRow = surveyRows.find((r) => !blank(r))?.row ?? 1;
  const col = (base: SurveyColumn) => survey.columns.find((c) => c.base === base && c.locale === null);
  const typeColumn = col("type");
  const nameColumn = col("name");
  if (!typeColumn || !nameColumn) {
    for (const [c, present] of [
      ["type", typeColumn],
      ["name", nameColumn],
    ] as const) {
      if (!present)
        problems.add("survey", headerRow, null, "", "questionnaire.def.columnMissing", { column: c });
    }
    return { ok: false, problems: problems.sorted() };
  }

  interface Open {
    type: "begin_group" | "begin_repeat";
    name: string;
    row: number;
    build: Omit<Group, "children" | "kind"> & { count?: Formula };
    children: Item[];
  }
  const root: Item[] = [];
  const stack: Open[] = [];
  const names = new Map<string, number>();
  const pending: Pending[] = [];
  const selects: { question: Question; row: SheetRow; column: Column }[] = [];
  const binds: { question: Question; row: SheetRow; column: Column }[] = [];
  const boundFields = new Map<string, number>();
  const defaults: { question: Question; row: SheetRow; column: Column }[] = [];

  const scopeHere = () => stack.filter((o) => o.type === "begin_repeat").map((o) => o.name);

  const claimName = (
    name: string,
    row: number,
    column: Column,
    key: "nameDuplicate" | "otherNameTaken",
    shown = name,
  ) => {
    const earlier = names.get(name);
    if (earlier !== undefined) {
      if (key === "nameDuplicate") {
        problems.add("survey", row, column, shown, "questionnaire.def.nameDuplicate", { name, row: earlier });
      } else {
        problems.add("survey", row, column, shown, "questionnaire.def.otherNameTaken", { name });
      }
      return false;
    }
    names.set(name, row);
    return true;
  };

  const rowCells = new Map(survey.rows.map((r) => [r.row, r.cells]));
  for (const row of survey.rows) {
    const rawType = cellOf(row, typeColumn);
    if (rawType === "") {
      problems.add("survey", row.row, typeColumn, "", "questionnaire.def.typeMissing");
      continue;
    }
    const parsed = parseType(rawType);
    if (!parsed) {
      problems.add("survey", row.row, typeColumn, rawType, "questionnaire.def.typeUnknown", {
        type: rawType,
        types: SUPPORTED_TYPES,
      });
      continue;
    }
    const { type } = parsed;
    const name = cellOf(row, nameColumn);

    // Columns this row may not fill.
    for (const column of survey.columns) {
      const base = column.base as SurveyColumn;
      if (base === "type" || base === "name") continue;
      if (cellOf(row, column) !== "" && !columnAllowed(base, type)) {
        problems.add("survey", row.row, column, cellOf(row, column), "questionnaire.def.columnNotForType", {
          column: column.header,
          type: rawType,
        });
      }
    }

    if (type === "end_group" || type === "end_repeat") {
      const open = stack.pop();
      const begin = type === "end_group" ? "begin_group" : "begin_repeat";
      if (!open) {
        problems.add("survey", row.row, typeColumn, rawType, "questionnaire.def.endUnopened", {
          type: rawType,
        });
        continue;
      }
      if (open.type !== begin) {
        problems.add("survey", row.row, typeColumn, rawType, "questionnaire.def.endMismatch", {
          expected: open.type === "begin_group" ? "end_group" : "end_repeat",
        });
      }
      if (name !== "" && name !== open.name) {
        problems.add("survey", row.row, nameColumn, name, "questionnaire.def.endName", {
          name,
          expected: open.name,
        });
      }
      if (open.children.length === 0) {
        problems.add("survey", open.row, nameColumn, open.name, "questionnaire.def.emptyGroup", {
          name: open.name,
        });
      }
      const container: Item =
        open.type === "begin_repeat"
          ? { kind: "repeat", ...open.build, children: open.children }
          : { kind: "group", ...open.build, children: open.children };
      (stack.length > 0 ? stack[stack.length - 1].children : root).push(container);
      continue;
    }

    // The name.
    if (name === "") {
      problems.add("survey", row.row, nameColumn, "", "questionnaire.def.nameMissing");
    } else if (!NAME.test(name) || name.length > 64) {
      problems.add("survey", row.row, nameColumn, name, "questionnaire.def.nameInvalid", { name });
    } else if (RESERVED_NAMES.has(name.toLowerCase())) {
      problems.add("survey", row.row, nameColumn, name, "questionnaire.def.nameReserved", { name });
    } else {
      claimName(name, row.row, nameColumn, "nameDuplicate");
    }

    const label = textOf(survey, row, "label", defaultLanguage);
    const hint = textOf(survey, row, "hint", defaultLanguage);
    const labelColumn = survey.columns.find((c) => c.base === "label") ?? nameColumn;
    if (
      !hasText(label) &&
      columnAllowed("label", type) &&
      type !== "begin_group" &&
      type !== "begin_repeat"
    ) {
      problems.add("survey", row.row, labelColumn, "", "questionnaire.def.labelMissing");
    }

    const isContainer = type === "begin_group" || type === "begin_repeat";
    const here = scopeHere();
    // Inside a repeat's own expressions (relevant) the row is the repeat's row; its count is
    // worked out outside it.
    const inside = type === "begin_repeat" ? [...here, name] : here;

    const formulas: Partial<Record<SurveyColumn, Formula>> = {};
    let placeholder: Item | null = null;
    const later: Omit<Pending, "item">[] = [];
    const formula = (base: SurveyColumn, mode: Mode, scope: readonly string[]) => {
      const column = col(base);
      const value = cellOf(row, column);
      if (!column || value === "" || !columnAllowed(base, type)) return;
      const result = parseExpression(value, { columns: mode === "choice_filter" });
      if (!result.ok) {
        problems.add("survey", row.row, column, value, result.error.key, result.error.params);
        return;
      }
      formulas[base] = { src: value, ast: result.expr };
      later.push({ scope, mode, column, row: row.row, value, exprs: [result.expr] });
    };
    /** required / read_only: yes or no, or an expression. */
    const flag = (base: "required" | "read_only") => {
      const column = col(base);
      const value = cellOf(row, column);
      if (!column || value === "" || !columnAllowed(base, type)) return;
      const word = toHalfWidth(value).trim().toLowerCase();
      if (YES.has(word)) formulas[base] = ALWAYS;
      else if (!NO.has(word)) formula(base, base, inside);
    };
    formula("relevant", "relevant", inside);
    formula("constraint", "constraint", inside);
    formula("calculation", "calculation", inside);
    formula("choice_filter", "choice_filter", inside);
    formula("repeat_count", "repeat_count", here);
    flag("required");
    flag("read_only");

    // Answers shown inside labels and hints: 您好，${name}.
    for (const base of ["label", "hint"] as const) {
      for (const column of survey.columns.filter((c) => c.base === base)) {
        const value = cellOf(row, column);
        if (value === "" || !value.includes("${") || !columnAllowed(base, type)) continue;
        const refs = labelReferences(value);
        if (!Array.isArray(refs)) {
          problems.add("survey", row.row, column, value, refs.key, refs.params);
          continue;
        }
        later.push({
          scope: inside,
          mode: "label",
          column,
          row: row.row,
          value,
          exprs: refs.map((r) => r.expr),
        });
      }
    }

    const appearanceColumn = col("appearance");
    const appearance = cellOf(row, appearanceColumn);
    if (appearance !== "" && columnAllowed("appearance", type)) {
      const allowed = APPEARANCES[type] ?? [];
      for (const word of appearance.split(/\s+/)) {
        if (!allowed.includes(word)) {
          problems.add(
            "survey",
            row.row,
            appearanceColumn ?? null,
            appearance,
            "questionnaire.def.appearance",
            {
              appearance: word,
              allowed: allowed.join(", "),
            },
          );
        }
      }
    }

    const base = {
      name,
      row: row.row,
      label,
      ...(hasText(hint) ? { hint } : {}),
      ...(formulas.relevant ? { relevant: formulas.relevant } : {}),
      ...(appearance !== "" ? { appearance } : {}),
    };

    if (isContainer) {
      stack.push({
        type,
        name,
        row: row.row,
        build: { ...base, ...(formulas.repeat_count ? { count: formulas.repeat_count } : {}) },
        children: [],
      });
      // The container item itself is made at its end row; its expressions are checked against it then.
      placeholder = { kind: type === "begin_group" ? "group" : "repeat", ...base, children: [] } as Item;
    } else {
      if (type === "calculate" && !formulas.calculation) {
        problems.add(
          "survey",
          row.row,
          col("calculation") ?? typeColumn,
          "",
          "questionnaire.def.calculationMissing",
        );
      }
      const text = (b: string) => {
        const t = textOf(survey, row, b, defaultLanguage);
        return hasText(t) ? t : undefined;
      };
      const requiredMessage = text("required_message");
      const constraintMessage = text("constraint_message");
      const defaultColumn = col("default");
      const defaultText = columnAllowed("default", type) ? cellOf(row, defaultColumn) : "";
      let defaultFormula: Formula | undefined;
      if (defaultText !== "" && defaultColumn && DYNAMIC_DEFAULT.test(defaultText)) {
        const result = parseExpression(defaultText);
        if (!result.ok)
          problems.add("survey", row.row, defaultColumn, defaultText, result.error.key, result.error.params);
        else {
          defaultFormula = { src: defaultText, ast: result.expr };
          later.push({
            scope: here,
            mode: "default",
            column: defaultColumn,
            row: row.row,
            value: defaultText,
            exprs: [result.expr],
          });
        }
      }
      const bindColumn = col("bind::register");
      const bindText = columnAllowed("bind::register", type) ? cellOf(row, bindColumn) : "";
      let binding: Binding | undefined;
      if (bindText !== "" && bindColumn) {
        const parsedBinding = parseBinding(bindText);
        const earlier = parsedBinding ? boundFields.get(bindingText(parsedBinding)) : undefined;
        if (!parsedBinding) {
          problems.add("survey", row.row, bindColumn, bindText, "questionnaire.def.bindUnknown", {
            field: bindText,
          });
        } else if (here.length > 0) {
          // A repeat has one answer per row; a register field takes one value per visit.
          problems.add("survey", row.row, bindColumn, bindText, "questionnaire.def.bindInRepeat", {
            repeat: here[here.length - 1],
          });
        } else if (earlier !== undefined) {
          problems.add("survey", row.row, bindColumn, bindText, "questionnaire.def.bindDuplicate", {
            field: bindText,
            row: earlier,
          });
        } else if (defaultText !== "") {
          // The register's value is the first answer: a default of its own would hide it.
          problems.add(
            "survey",
            row.row,
            defaultColumn ?? bindColumn,
            defaultText,
            "questionnaire.def.bindDefault",
          );
        } else {
          binding = parsedBinding;
          boundFields.set(bindingText(parsedBinding), row.row);
        }
      }
      const question: Question = {
        kind: "question",
        type: type as QuestionType,
        ...base,
        ...(parsed.list ? { list: parsed.list } : {}),
        ...(parsed.orOther ? { orOther: true } : {}),
        ...(formulas.required ? { required: formulas.required } : {}),
        ...(requiredMessage ? { requiredMessage } : {}),
        ...(formulas.constraint ? { constraint: formulas.constraint } : {}),
        ...(constraintMessage ? { constraintMessage } : {}),
        ...(formulas.calculation ? { calculation: formulas.calculation } : {}),
        ...(defaultText !== "" && !defaultFormula ? { defaultValue: defaultText } : {}),
        ...(defaultFormula ? { defaultFormula } : {}),
        ...(formulas.choice_filter ? { choiceFilter: formulas.choice_filter } : {}),
        ...(formulas.read_only ? { readOnly: formulas.read_only } : {}),
        ...(binding ? { bind: binding } : {}),
      };
      placeholder = question;
      const siblings = stack.length > 0 ? stack[stack.length - 1].children : root;
      siblings.push(question);
      if (SELECT_TYPES.has(type)) selects.push({ question, row, column: typeColumn });
      if (binding && bindColumn) binds.push({ question, row, column: bindColumn });
      if (defaultText !== "" && !defaultFormula && defaultColumn)
        defaults.push({ question, row, column: defaultColumn });
      if (parsed.orOther && formulas.choice_filter) {
        problems.add(
          "survey",
          row.row,
          col("choice_filter") ?? typeColumn,
          formulas.choice_filter.src,
          "questionnaire.def.orOtherFilter",
        );
      }
      if (parsed.orOther && name !== "") {
        // The text that says which 其他: shown, and required, once 其他 is picked.
        const otherName = `${name}_other`;
        claimName(otherName, row.row, nameColumn, "otherNameTaken", name);
        const ref: Expr = { k: "ref", name, at: 10 };
        siblings.push({
          kind: "question",
          type: "text",
          name: otherName,
          row: row.row,
          label: {
            "zh-CN": questionnaireMessages["zh-CN"]["questionnaire.otherSpecify"],
            en: questionnaireMessages.en["questionnaire.otherSpecify"],
          },
          otherOf: name,
          relevant: {
            src: `selected(\${${name}}, '${OTHER}')`,
            ast: { k: "call", fn: "selected", args: [ref, { k: "str", v: OTHER }], at: 1 },
          },
          required: ALWAYS,
        });
      }
    }
    for (const p of later) pending.push({ ...p, item: placeholder as Item });
  }
  for (const open of stack.reverse()) {
    problems.add("survey", open.row, typeColumn, open.type, "questionnaire.def.unclosed", {
      name: open.name,
      type: open.type,
    });
  }
  if (survey.rows.length === 0) problems.add("survey", 0, null, "", "questionnaire.def.empty");

  // Choice lists named by the selects, and literal defaults (which may be choices).
  const choicesOf = (q: Question) => {
    const list = lists.get(q.list ?? "")?.choices;
    return list && offeredChoices(q, list);
  };
  for (const { question, row, column } of selects) {
    const list = lists.get(question.list ?? "");
    if (!list || list.choices.length === 0) {
      problems.add("survey", row.row, column, cellOf(row, column), "questionnaire.def.listMissing", {
        list: question.list ?? "",
      });
    }
  }
  // Bound questions: the type must fit the field (a missing list is reported above).
  for (const { question, row, column } of binds) {
    const bind = question.bind as Binding;
    if (SELECT_TYPES.has(question.type) && !lists.has(question.list ?? "")) continue;
    const mismatch = bindMismatch(
      bind,
      question.type,
      lists.get(question.list ?? "")?.choices,
      !!question.orOther,
    );
    if (mismatch?.reason === "type") {
      problems.add("survey", row.row, column, cellOf(row, column), "questionnaire.def.bindType", {
        field: bindingText(bind),
        type: cellOf(row, typeColumn),
        expected: mismatch.expected,
      });
    } else if (mismatch?.reason === "codes") {
      problems.add("survey", row.row, column, cellOf(row, column), "questionnaire.def.bindCodes", {
        field: bindingText(bind),
        list: question.list ?? "",
        choices: mismatch.choices,
      });
    }
  }
  for (const { question, row, column } of defaults) {
    const value = question.defaultValue ?? "";
    if (SELECT_TYPES.has(question.type) && !lists.has(question.list ?? "")) continue;
    if (!defaultFits(question.type, value, choicesOf(question))) {
      problems.add("survey", row.row, column, value, "questionnaire.def.defaultInvalid", {
        type: question.type,
      });
    }
  }

  // References, now that every name is known.
  const info = new Map<string, Info>();
  for (const { item, parents } of walkItems(root)) {
    info.set(item.name, {
      item,
      repeats: parents.filter((p) => p.kind === "repeat").map((p) => p.name),
      parent: parents.length > 0 ? parents[parents.length - 1].name : null,
    });
  }
  for (const p of pending) checkReferences(p, info, registerFields, filterColumns, problems);

  // A circle among relevance and calculations: reported on the row whose cell starts it, beside
  // the other problems, since a broken reference elsewhere does not make it go away.
  const order = dependencyOrder(root);
  if (!order.ok) {
    const [first, second = first] = order.cycle;
    const item = info.get(first)?.item;
    const reads = (f: Formula | undefined) => !!f && refNames(f.ast).includes(second);
    const base: SurveyColumn =
      item?.kind === "question" && reads(item.calculation)
        ? "calculation"
        : item?.kind === "repeat" && reads(item.count)
          ? "repeat_count"
          : "relevant";
    const column = col(base);
    problems.add(
      "survey",
      item?.row ?? 0,
      column ?? null,
      item ? cellOf({ row: item.row, cells: rowCells.get(item.row) ?? [] }, column) : "",
      "questionnaire.def.cycle",
      {
        cycle: [...order.cycle, first].join(" → "),
      },
    );
  }

  if (problems.list.length > 0) return { ok: false, problems: problems.sorted() };
  const title: Text = {};
  for (const c of settingsSheet.columns.filter((c) => c.base === "form_title")) {
    const v = settingsRow ? cellOf(settingsRow, c) : "";
    if (v !== "") title[c.locale ?? defaultLanguage] = v;
  }
  return {
    ok: true,
    definition: {
      format: 1,
      settings: { formId: setting("form_id"), title, version: setting("version"), defaultLanguage },
      survey: root,
      lists: [...lists].map(([name, { choices }]) => ({ name, choices })),
    },
  };
}

const commonPrefix = (a: readonly string[], b: readonly string[]) => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};

function checkReferences(
  p: Pending,
  info: ReadonlyMap<string, Info>,
  registerFields: ReadonlySet<string> | null,
  filterColumns: ReadonlySet<string>,
  problems: Problems,
): void {
  const report = (key: DefinitionKey, params: Record<string, string | number>) =>
    problems.add("survey", p.row, p.column, p.value, key, params);
  const single = (name: string, at: number) => {
    const target = info.get(name);
    if (!target) report("questionnaire.def.refUnknown", { name, at });
    else if (target.item.kind === "group") report("questionnaire.def.refGroup", { name, at });
    else if (target.item.kind === "repeat") report("questionnaire.def.refRepeat", { name, at });
    else {
      // A question in a repeat has one answer per row: from outside that repeat (or from another
      // repeat) there is no single answer to read.
      const shared = commonPrefix(target.repeats, p.scope);
      if (shared < target.repeats.length) {
        report("questionnaire.def.refInRepeat", { name, at, repeat: target.repeats[shared] });
      }
    }
  };
  const aggregate = (fn: "count" | "sum", arg: Expr & { k: "ref" }) => {
    const target = info.get(arg.name);
    if (!target) report("questionnaire.def.refUnknown", { name: arg.name, at: arg.at });
    else if (target.item.kind === "group")
      report("questionnaire.def.refGroup", { name: arg.name, at: arg.at });
    // count() takes a repeat (its rows); sum() needs answers, which a repeat has not.
    else if (target.item.kind === "repeat" && fn === "sum") {
      report("questionnaire.def.refRepeat", { name: arg.name, at: arg.at });
    }
  };
  const stack = [...p.exprs];
  for (let expr = stack.pop(); expr; expr = stack.pop()) {
    switch (expr.k) {
      case "ref":
        single(expr.name, expr.at);
        break;
      case "reg":
        if (registerFields && !registerFields.has(expr.field)) {
          report("questionnaire.def.registerUnknown", { field: expr.field, at: expr.at });
        }
        break;
      case "self":
        if (!SELF_MODES.has(p.mode) || p.item.kind !== "question") {
          report("questionnaire.def.selfNotHere", { at: expr.at });
        }
        break;
      case "pos":
        if (p.scope.length === 0) report("questionnaire.def.positionOutside", { at: expr.at });
        break;
      case "col":
        if (!filterColumns.has(expr.name)) {
          report("questionnaire.def.filterColumn", { name: expr.name, at: expr.at });
        }
        break;
      case "neg":
        stack.push(expr.a);
        break;
      case "bin":
        stack.push(expr.b, expr.a);
        break;
      case "call": {
        const arg = expr.args[0];
        if ((expr.fn === "count" || expr.fn === "sum") && arg?.k === "ref") aggregate(expr.fn, arg);
        else stack.push(...[...expr.args].reverse());
        break;
      }
    }
  }
}

/** Where `.` (the question's own answer) means something that does not change any value. */
const SELF_MODES = new Set<Mode>(["constraint", "required", "read_only"]);

// ---------------------------------------------------------------------------------------------
// Evaluation order

/**
 * The order in which items' relevance and values can be worked out: an item after its container,
 * after what its relevant reads, after what its calculation (calculate) or repeat_count (repeat)
 * reads. constraint, required, read_only, defaults and labels do not change any value, so they
 * make no edges and may refer to anything. A circle is refused at upload: `cycle` names it.
 */
export function dependencyOrder(
  survey: readonly Item[],
): { ok: true; order: string[] } | { ok: false; cycle: string[] } {
  const deps = new Map<string, string[]>();
  for (const { item, parents } of walkItems(survey)) {
    const d: string[] = [];
    if (parents.length > 0) d.push(parents[parents.length - 1].name);
    const read = (f: Formula | undefined) => {
      if (!f) return;
      for (const n of refNames(f.ast)) d.push(n);
    };
    read(item.relevant);
    if (item.kind === "question") read(item.calculation);
    if (item.kind === "repeat") read(item.count);
    deps.set(item.name, d);
  }
  const order: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1: on the path, 2: done
  for (const start of deps.keys()) {
    if (state.has(start)) continue;
    // Iterative depth-first search: a form may be long, the stack must not be.
    const path: { name: string; next: number }[] = [{ name: start, next: 0 }];
    state.set(start, 1);
    while (path.length > 0) {
      const top = path[path.length - 1];
      const edges = deps.get(top.name) ?? [];
      if (top.next < edges.length) {
        const n = edges[top.next++];
        if (!deps.has(n)) continue;
        const s = state.get(n);
        if (s === 1) {
          const from = path.findIndex((f) => f.name === n);
          return { ok: false, cycle: path.slice(from).map((f) => f.name) };
        }
        if (s === undefined) {
          state.set(n, 1);
          path.push({ name: n, next: 0 });
        }
      } else {
        state.set(top.name, 2);
        order.push(top.name);
        path.pop();
      }
    }
  }
  return { ok: true, order };
}

function refNames(expr: Expr): string[] {
  switch (expr.k) {
    case "ref":
      return [expr.name];
    case "neg":
      return refNames(expr.a);
    case "bin":
      return [...refNames(expr.a), ...refNames(expr.b)];
    case "call":
      return expr.args.flatMap(refNames);
    default:
      return [];
  }
}
