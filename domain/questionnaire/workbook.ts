// A stored definition written back as the workbook it was read from (sheets survey, choices,
// settings), so any version downloads again as XLSX to edit and upload as the next one. Reading the
// result with parseDefinition gives the same definition: every item stays on its own survey row
// (the row numbers are part of the definition, for messages), expressions keep their source text,
// labels go to label::zh / label::en, bindings to bind::register, and what the reader adds by itself (the text question after
// an `or_other` select) is left out, since the reader adds it again.

import type { Locale } from "../i18n";
import { bindingText } from "./bind";
import type { Item, QuestionnaireDefinition, SheetRow, Text, Workbook } from "./definition";

const LANGUAGE: Record<Locale, string> = { "zh-CN": "zh", en: "en" };
const LOCALES: readonly Locale[] = ["zh-CN", "en"];

const SURVEY_PLAIN = [
  "type",
  "name",
  "required",
  "constraint",
  "relevant",
  "calculation",
  "default",
  "choice_filter",
  "appearance",
  "read_only",
  "repeat_count",
  "bind::register",
] as const;
const SURVEY_TEXTS = ["label", "hint", "required_message", "constraint_message"] as const;

type Cells = Record<string, string>;

function textCells(base: string, text: Text | undefined, into: Cells): void {
  for (const locale of LOCALES) {
    const value = text?.[locale];
    if (value) into[`${base}::${LANGUAGE[locale]}`] = value;
  }
}

/** The header (only the columns some row fills, in a fixed order) and the rows under it. */
function sheet(columns: readonly string[], rows: readonly { row: number; cells: Cells }[]): SheetRow[] {
  const used = columns.filter((c) => rows.some((r) => (r.cells[c] ?? "") !== ""));
  return [
    { row: 1, cells: used },
    ...rows.map((r) => ({ row: r.row, cells: used.map((c) => r.cells[c] ?? "") })),
  ];
}

export function definitionWorkbook(definition: QuestionnaireDefinition): Workbook {
  const surveyColumns = [
    "type",
    "name",
    ...SURVEY_TEXTS.flatMap((base) => LOCALES.map((l) => `${base}::${LANGUAGE[l]}`)),
    ...SURVEY_PLAIN.filter((c) => c !== "type" && c !== "name"),
  ];
  const rows: { row: number; cells: Cells }[] = [];
  // An end row has no number of its own in the definition: the one after everything inside, which
  // lies at or before where it stood in the workbook read.
  let last = 1;
  const put = (row: number, cells: Cells) => {
    rows.push({ row, cells });
    last = Math.max(last, row);
  };
  const write = (items: readonly Item[]) => {
    for (const item of items) {
      const cells: Cells = { name: item.name };
      textCells("label", item.label, cells);
      textCells("hint", item.hint, cells);
      if (item.relevant) cells.relevant = item.relevant.src;
      if (item.appearance) cells.appearance = item.appearance;
      if (item.kind === "question") {
        if (item.otherOf) continue;
        cells.type = item.list ? `${item.type} ${item.list}${item.orOther ? " or_other" : ""}` : item.type;
        if (item.required) cells.required = item.required.src;
        textCells("required_message", item.requiredMessage, cells);
        if (item.constraint) cells.constraint = item.constraint.src;
        textCells("constraint_message", item.constraintMessage, cells);
        if (item.calculation) cells.calculation = item.calculation.src;
        if (item.defaultValue !== undefined) cells.default = item.defaultValue;
        if (item.defaultFormula) cells.default = item.defaultFormula.src;
        if (item.choiceFilter) cells.choice_filter = item.choiceFilter.src;
        if (item.readOnly) cells.read_only = item.readOnly.src;
        if (item.bind) cells["bind::register"] = bindingText(item.bind);
        put(item.row, cells);
        continue;
      }
      cells.type = item.kind === "group" ? "begin_group" : "begin_repeat";
      if (item.kind === "repeat" && item.count) cells.repeat_count = item.count.src;
      put(item.row, cells);
      write(item.children);
      put(last + 1, { type: item.kind === "group" ? "end_group" : "end_repeat" });
    }
  };
  write(definition.survey);

  const extra = [
    ...new Set(definition.lists.flatMap((l) => l.choices.flatMap((c) => Object.keys(c.columns ?? {})))),
  ];
  const choiceRows = definition.lists.flatMap((list) =>
    list.choices.map((choice) => {
      const cells: Cells = { list_name: list.name, name: choice.name, ...choice.columns };
      textCells("label", choice.label, cells);
      return cells;
    }),
  );
  const { settings } = definition;
  const settingsCells: Cells = {
    form_id: settings.formId,
    version: settings.version,
    default_language: LANGUAGE[settings.defaultLanguage],
  };
  textCells("form_title", settings.title, settingsCells);

  return {
    survey: sheet(surveyColumns, rows),
    choices: sheet(
      ["list_name", "name", ...LOCALES.map((l) => `label::${LANGUAGE[l]}`), ...extra],
      choiceRows.map((cells, i) => ({ row: i + 2, cells })),
    ),
    settings: sheet(
      [...LOCALES.map((l) => `form_title::${LANGUAGE[l]}`), "form_id", "version", "default_language"],
      [{ row: 2, cells: settingsCells }],
    ),
  };
}
