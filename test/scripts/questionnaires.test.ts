// The demo questionnaires committed as XLSX (questionnaires/*.xlsx): each reads cleanly with the
// upload's own reader and holds exactly the rows scripts/questionnaires.ts writes from
// db/seed/questionnaires/ (the rows the demo seeds), so the files and the demo never drift apart.
// And any definition written back as a workbook (the download of a version) reads as the same one.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_QUESTIONNAIRE_CAMPAIGNS } from "@/db/seed";
import {
  definitionWorkbook,
  parseDefinition,
  type QuestionnaireDefinition,
  type SheetRow,
  sheetRows,
  type Workbook,
} from "@/domain/questionnaire";
import { readWorkbook, workbookBytes } from "@/server/services/questionnaires";

const DIR = path.resolve(__dirname, "../../questionnaires");

/** Rows as the reader returns them: empty rows left out, no trailing empty cells, names lower-cased. */
function normal(workbook: Workbook) {
  const out: Record<string, { row: number; cells: string[] }[]> = {};
  for (const [name, rows] of Object.entries(workbook)) {
    out[name.toLowerCase()] = rows
      .map((r: SheetRow) => {
        const cells = r.cells.map(String);
        while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
        return { row: r.row, cells };
      })
      .filter((r) => r.cells.length > 0);
  }
  return out;
}

const definitionOf = (workbook: Workbook): QuestionnaireDefinition => {
  const parsed = parseDefinition(workbook);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems, null, 2));
  return parsed.definition;
};

describe("the committed demo questionnaires", () => {
  it.each(DEMO_QUESTIONNAIRE_CAMPAIGNS.map((c) => [c.file, c] as const))(
    "%s reads cleanly and holds what the script writes",
    async (file, { workbook }) => {
      const committed = await readWorkbook(new Uint8Array(await readFile(path.join(DIR, file))));
      expect(normal(committed)).toEqual(normal(workbook));
      const read = parseDefinition(committed);
      expect(read.ok ? [] : read.problems).toEqual([]);
      expect(read.ok && read.definition).toEqual(definitionOf(workbook));
      // And what the script would write now reads the same (the files are not stale).
      expect(normal(await readWorkbook(await workbookBytes(workbook, file)))).toEqual(normal(committed));
    },
  );

  it("hold the content the demo campaigns need", () => {
    const [elderly, unemployed] = DEMO_QUESTIONNAIRE_CAMPAIGNS.map((c) => definitionOf(c.workbook));
    const names = (d: QuestionnaireDefinition) => JSON.stringify(d.survey);
    for (const name of ["self_care", "chronic_diseases", "lives_alone", "contact_name", "contact_phone"])
      expect(names(elderly)).toContain(`"name":"${name}"`);
    for (const name of ["insurance_type", "needs", "last_check"])
      expect(names(elderly)).toContain(`"${name}"`);
    const needs = elderly.lists.find((l) => l.name === "needs")?.choices.map((c) => c.label["zh-CN"]);
    expect(needs).toEqual(expect.arrayContaining(["助餐", "助医", "上门服务", "紧急呼叫"]));
    expect(names(elderly)).toContain('"name":"chronic_diseases_other"');
    expect(names(unemployed)).toContain("${wants_work} = 'yes'");
    for (const name of ["loss_reason", "mindset", "family_size", "skills", "sector", "wants_training"])
      expect(names(unemployed)).toContain(`"name":"${name}"`);
  });
});

describe("a definition written back as a workbook", () => {
  it.each(DEMO_QUESTIONNAIRE_CAMPAIGNS.map((c) => [c.file, c] as const))(
    "%s: written, read and parsed again, is the same definition",
    async (_file, { workbook }) => {
      const definition = definitionOf(workbook);
      const bytes = await workbookBytes(definitionWorkbook(definition), "x");
      expect(definitionOf(await readWorkbook(bytes))).toEqual(definition);
    },
  );

  it("keeps bind::register", async () => {
    const workbook: Workbook = {
      survey: sheetRows([
        ["type", "name", "label", "bind::register"],
        ["phone", "phone", "本人电话", "person.phone"],
        ["text", "address", "现住址", "person.currentAddress"],
      ]),
      settings: sheetRows([["form_id"], ["b"]]),
    };
    const definition = definitionOf(workbook);
    expect(JSON.stringify(definition.survey)).toContain('"bind"');
    const again = definitionOf(await readWorkbook(await workbookBytes(definitionWorkbook(definition), "b")));
    expect(again).toEqual(definition);
  });

  it("keeps rows where they stood (blank rows, a header lower down), literal defaults, filters and extra choice columns", async () => {
    const workbook: Workbook = {
      survey: [
        {
          row: 2,
          cells: ["type", "name", "label", "label::en", "default", "choice_filter", "required", "read_only"],
        },
        { row: 4, cells: ["begin_repeat", "kids", "孩子", "Children"] },
        { row: 5, cells: ["begin group", "inner", "", "", ""] },
        {
          row: 6,
          cells: ["select_one fruit", "fruit", "水果", "", "apple", "colour = 'red'", "true()", "${n} > 2"],
        },
        { row: 9, cells: ["end group"] },
        { row: 10, cells: ["end_repeat"] },
        { row: 12, cells: ["integer", "n", "数量", "Number", "3", "", "no"] },
        { row: 13, cells: ["text", "when", "时间", "", "=today()"] },
        { row: 14, cells: ["select_multiple fruit or_other", "more", "更多", ""] },
      ],
      choices: sheetRows([
        ["list_name", "name", "label", "colour"],
        ["fruit", "apple", "苹果", "red"],
        ["fruit", "pear", "梨", "green"],
        ["unused", "x", "某", ""],
      ]),
      settings: sheetRows([
        ["form_id", "default_language"],
        ["f", "en"],
      ]),
    };
    const definition = definitionOf(workbook);
    const again = definitionOf(await readWorkbook(await workbookBytes(definitionWorkbook(definition), "t")));
    expect(again).toEqual(definition);
  });
});
