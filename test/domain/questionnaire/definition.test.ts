// Reading XLSForm workbooks: the two real questionnaires, the conventions forms from ODK and Kobo
// use, and every refusal with the sheet, row, column and cell it names.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import { describe, expect, it } from "vitest";
import { createTranslator } from "@/domain/i18n";
import "@/domain/i18n/all";
import {
  type DefinitionProblem,
  type Group,
  parseDefinition,
  problemText,
  type Question,
  type QuestionnaireDefinition,
  type Repeat,
  sheetRows,
  textIn,
  type Workbook,
} from "@/domain/questionnaire/definition";
import { elderlyHealth } from "./fixtures/elderly-health";
import { unemployedInterview } from "./fixtures/unemployed";

function ok(workbook: Workbook, registerFields?: string[]): QuestionnaireDefinition {
  const r = parseDefinition(workbook, { registerFields });
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.definition;
}

function problems(workbook: Workbook, registerFields?: string[]): DefinitionProblem[] {
  const r = parseDefinition(workbook, { registerFields });
  if (r.ok) throw new Error("expected the workbook to be refused");
  return r.problems;
}

const YESNO = [
  ["list_name", "name", "label"],
  ["yesno", "yes", "是"],
  ["yesno", "no", "否"],
];

/** A workbook from survey rows under the given header (row 1), with a yes/no list. */
const book = (header: string[], rows: string[][], choices: string[][] = YESNO): Workbook => ({
  survey: sheetRows([header, ...rows]),
  choices: sheetRows(choices),
});

const STD = ["type", "name", "label", "relevant", "calculation", "constraint", "required"];
//           A       B       C        D           E              F             G

const find = (def: QuestionnaireDefinition, name: string) => {
  const stack = [...def.survey];
  for (let item = stack.shift(); item; item = stack.shift()) {
    if (item.name === name) return item;
    if (item.kind !== "question") stack.unshift(...item.children);
  }
  throw new Error(`no ${name}`);
};

describe("the two real questionnaires", () => {
  it("read the health record of older residents", () => {
    const def = ok(elderlyHealth, ["name", "birthDate", "phone", "currentAddress"]);
    expect(def.settings).toEqual({
      formId: "elderly_health",
      title: { "zh-CN": "老年人健康档案", en: "Health record of older residents" },
      version: "2024050101",
      defaultLanguage: "zh-CN",
    });
    expect(def.survey.map((i) => i.name)).toEqual([
      "intro",
      "age",
      "basic",
      "contact",
      "phone",
      "address",
      "needs",
      "meal_frequency",
      "last_check",
      "days_since_check",
      "book_check",
      "medications",
      "medication_count",
      "check_report",
      "location",
      "consent",
      "remarks",
    ]);
    const basic = find(def, "basic") as Group;
    expect(basic.appearance).toBe("field-list");
    // or_other adds the text that says which 其他, right after the question.
    expect(basic.children.map((i) => i.name)).toEqual([
      "self_care",
      "lives_alone",
      "chronic_diseases",
      "chronic_diseases_other",
      "insurance_type",
    ]);
    const other = find(def, "chronic_diseases_other") as Question;
    expect(other).toMatchObject({ type: "text", otherOf: "chronic_diseases", row: 7 });
    expect(other.relevant?.src).toBe("selected(${chronic_diseases}, 'other')");
    const chronic = find(def, "chronic_diseases") as Question;
    expect(chronic).toMatchObject({ type: "select_multiple", list: "chronic", orOther: true, row: 7 });
    expect(chronic.label).toEqual({ "zh-CN": "患有的慢性病", en: "Chronic diseases" });
    expect(chronic.hint).toEqual({ "zh-CN": "可多选；没有请选“无”" });
    expect(chronic.constraintMessage?.en).toBe("“None” cannot be chosen with a disease");
    expect((find(def, "medications") as Repeat).children.map((i) => i.name)).toEqual([
      "med_row",
      "med_name",
      "med_daily",
    ]);
    expect((find(def, "phone") as Question).defaultFormula?.src).toBe("${register.phone}");
    expect((find(def, "lives_alone") as Question).required?.src).toBe("yes");
    expect(def.lists.find((l) => l.name === "needs")?.choices.map((c) => c.name)).toEqual([
      "meal",
      "medical",
      "home",
      "alarm",
      "none",
    ]);
  });

  it("read the unemployed interview, sheet names in any case, Chinese in the plain label column", () => {
    const def = ok(unemployedInterview, ["name", "birthDate", "lowIncome"]);
    expect(def.settings.title).toEqual({ "zh-CN": "失业人员就业情况（五清楚）" });
    expect(def.settings.version).toBe("3");
    const job = find(def, "job_type") as Question;
    expect(job.choiceFilter?.ast).toEqual({
      k: "bin",
      op: "=",
      a: { k: "col", name: "sector", at: 1 },
      b: { k: "ref", name: "sector", at: 10 },
    });
    expect(def.lists.find((l) => l.name === "job")?.choices[0]).toEqual({
      name: "cleaner",
      label: { "zh-CN": "保洁员" },
      columns: { sector: "service" },
    });
    expect(find(def, "intention")).toMatchObject({
      kind: "group",
      relevant: { src: "${wants_work} = 'yes'" },
    });
    expect((find(def, "mind_note") as Question).requiredMessage).toEqual({
      "zh-CN": "消极悲观时须记录具体情况，便于跟进帮扶",
    });
  });

  it("are plain JSON: a round trip gives the same definition", () => {
    for (const workbook of [elderlyHealth, unemployedInterview]) {
      const def = ok(workbook);
      expect(JSON.parse(JSON.stringify(def))).toEqual(def);
    }
  });
});

describe("the XLSForm conventions", () => {
  it("reads ODK's language headers, pyxform's spaced names and two-word types", () => {
    const def = ok({
      survey: sheetRows([
        [
          "Type",
          "Name",
          "Label::Chinese (zh)",
          "label::English (en)",
          "Constraint Message::English (en)",
          "constraint",
        ],
        ["select one yesno", "q1", "问题", "Question", "Too small", ". = 'yes'"],
        ["begin group", "g", "组", "Group"],
        ["integer", "n", "数", "Number"],
        ["end group"],
      ]),
      choices: sheetRows([
        ["list name", "name", "label::中文", "label::en"],
        ["yesno", "yes", "是", "Yes"],
      ]),
    });
    expect(find(def, "q1")).toMatchObject({
      type: "select_one",
      list: "yesno",
      label: { "zh-CN": "问题", en: "Question" },
      constraintMessage: { en: "Too small" },
    });
    expect(find(def, "g")).toMatchObject({ kind: "group", label: { "zh-CN": "组", en: "Group" } });
    expect(def.lists[0].choices[0].label).toEqual({ "zh-CN": "是", en: "Yes" });
  });

  it("gives the plain label column to the default language", () => {
    const def = ok({
      survey: sheetRows([
        ["type", "name", "label", "label::zh"],
        ["text", "a", "Name", "姓名"],
        ["text", "b", "Age", ""],
      ]),
      settings: sheetRows([["default_language"], ["English (en)"]]),
    });
    expect(def.settings.defaultLanguage).toBe("en");
    expect(find(def, "a").label).toEqual({ en: "Name", "zh-CN": "姓名" });
    expect(textIn(find(def, "b").label, "zh-CN")).toBe("Age"); // falls back to the other language
  });

  it("reads required and read_only as yes/no or as an expression", () => {
    const def = ok(
      book(
        ["type", "name", "label", "required", "read_only"],
        [
          ["text", "a", "A", "yes", "no"],
          ["text", "b", "B", "否", "TRUE"],
          ["text", "c", "C", "${a} != ''", "${b} = 'x'"],
        ],
      ),
    );
    expect((find(def, "a") as Question).required?.src).toBe("yes");
    expect((find(def, "a") as Question).readOnly).toBeUndefined();
    expect((find(def, "b") as Question).required).toBeUndefined();
    expect((find(def, "b") as Question).readOnly?.src).toBe("yes");
    expect((find(def, "c") as Question).required?.src).toBe("${a} != ''");
  });

  it("tells literal defaults from expressions", () => {
    const def = ok(
      book(
        ["type", "name", "label", "default"],
        [
          ["date", "d", "D", "today()"],
          ["text", "t", "T", "越秀区 (光塔街)"],
          ["integer", "i", "I", "3"],
          ["select_one yesno", "s", "S", "no"],
          ["text", "r", "R", "${register.phone}"],
        ],
      ),
    );
    expect((find(def, "d") as Question).defaultFormula?.src).toBe("today()");
    expect((find(def, "t") as Question).defaultValue).toBe("越秀区 (光塔街)");
    expect((find(def, "i") as Question).defaultValue).toBe("3");
    expect((find(def, "s") as Question).defaultValue).toBe("no");
    expect((find(def, "r") as Question).defaultFormula?.ast).toEqual({ k: "reg", field: "phone", at: 1 });
  });

  it("ignores blank rows, empty unknown columns and other sheets", () => {
    const def = ok({
      survey: sheetRows([
        [],
        ["type", "name", "label", "media::image", "bind::jr:preload"],
        ["text", "a", "A", "", ""],
        ["", "", ""],
        ["integer", "b", "B"],
      ]),
      说明: sheetRows([["这是说明"]]),
    });
    expect(def.survey.map((i) => [i.name, i.row])).toEqual([
      ["a", 3],
      ["b", 5],
    ]);
  });
});

describe("refusals, each at its sheet, row, column and cell", () => {
  const one = (workbook: Workbook, registerFields?: string[]) => {
    const list = problems(workbook, registerFields);
    expect(list).toHaveLength(1);
    return list[0];
  };

  it("an unknown type", () => {
    expect(one(book(STD, [["start", "s"]]))).toEqual({
      sheet: "survey",
      row: 2,
      column: "type",
      cell: "A2",
      value: "start",
      key: "questionnaire.def.typeUnknown",
      params: { type: "start", types: expect.stringContaining("citizen_id") },
    });
    for (const type of [
      "select_one",
      "select_one a b",
      "range",
      "rank yesno",
      "select_one_from_file x.csv",
      "int",
    ]) {
      expect(one(book(STD, [[type, "s", "S"]])).key, type).toBe("questionnaire.def.typeUnknown");
    }
  });

  it("a row with content but no type", () => {
    expect(one(book(STD, [["", "x", "X"]]))).toMatchObject({
      cell: "A2",
      key: "questionnaire.def.typeMissing",
    });
  });

  it("a duplicate name, naming the first row", () => {
    expect(
      one(
        book(STD, [
          ["text", "a", "A"],
          ["integer", "b", "B"],
          ["integer", "a", "A again"],
        ]),
      ),
    ).toEqual({
      sheet: "survey",
      row: 4,
      column: "name",
      cell: "B4",
      value: "a",
      key: "questionnaire.def.nameDuplicate",
      params: { name: "a", row: 2 },
    });
  });

  it("names that are missing, malformed or reserved", () => {
    expect(one(book(STD, [["text", "", "A"]]))).toMatchObject({
      cell: "B2",
      key: "questionnaire.def.nameMissing",
    });
    for (const name of ["1a", "a b", "a.b", "x".repeat(65), "a/b"]) {
      expect(one(book(STD, [["text", name, "A"]])), name).toMatchObject({
        cell: "B2",
        key: "questionnaire.def.nameInvalid",
        params: { name },
      });
    }
    for (const name of ["Register", "__proto__"]) {
      expect(one(book(STD, [["text", name, "A"]]))).toMatchObject({ key: "questionnaire.def.nameReserved" });
    }
    // Chinese names are names.
    expect(ok(book(STD, [["text", "姓名", "姓名"]])).survey[0].name).toBe("姓名");
  });

  it("a bad expression, with the character it goes wrong at", () => {
    expect(
      one(
        book(STD, [
          ["integer", "a", "A"],
          ["text", "b", "B", "${a} > > 1"],
        ]),
      ),
    ).toEqual({
      sheet: "survey",
      row: 3,
      column: "relevant",
      cell: "D3",
      value: "${a} > > 1",
      key: "questionnaire.expr.unexpected",
      params: { at: 8, token: ">" },
    });
  });

  it("a reference to an unknown name", () => {
    expect(one(book(STD, [["integer", "a", "A", "", "", ". < ${b}"]]))).toEqual({
      sheet: "survey",
      row: 2,
      column: "constraint",
      cell: "F2",
      value: ". < ${b}",
      key: "questionnaire.def.refUnknown",
      params: { name: "b", at: 5 },
    });
  });

  it("references in labels are checked too", () => {
    expect(one(book(STD, [["note", "n", "您好，${nmae}"]]))).toMatchObject({
      cell: "C2",
      key: "questionnaire.def.refUnknown",
      params: { name: "nmae", at: 4 },
    });
  });

  it("a cycle among calculations, and one through relevance", () => {
    expect(
      one(
        book(STD, [
          ["calculate", "a", "", "", "${b} + 1"],
          ["calculate", "b", "", "", "${c} * 2"],
          ["calculate", "c", "", "", "${a}"],
        ]),
      ),
    ).toEqual({
      sheet: "survey",
      row: 2,
      column: "calculation",
      cell: "E2",
      value: "${b} + 1",
      key: "questionnaire.def.cycle",
      params: { cycle: "a → b → c → a" },
    });
    expect(
      one(
        book(STD, [
          ["integer", "x", "X", "${y} > 1"],
          ["integer", "y", "Y", "${x} > 1"],
        ]),
      ),
    ).toMatchObject({ cell: "D2", key: "questionnaire.def.cycle", params: { cycle: "x → y → x" } });
    // A group's relevance cannot read its own questions.
    expect(
      one(book(STD, [["begin_group", "g", "G", "${q} = 1"], ["integer", "q", "Q"], ["end_group"]])),
    ).toMatchObject({ cell: "D2", key: "questionnaire.def.cycle", params: { cycle: "g → q → g" } });
    // Constraints make no cycle: they change no value.
    ok(
      book(STD, [
        ["integer", "x", "X", "", "", ". < ${y}"],
        ["integer", "y", "Y", "", "", ". > ${x}"],
      ]),
    );
  });

  it("a missing choice list", () => {
    expect(one(book(STD, [["select_multiple colours", "c", "C"]]))).toEqual({
      sheet: "survey",
      row: 2,
      column: "type",
      cell: "A2",
      value: "select_multiple colours",
      key: "questionnaire.def.listMissing",
      params: { list: "colours" },
    });
  });

  it("groups and repeats that do not balance", () => {
    expect(
      one(
        book(STD, [
          ["begin_group", "g", "G"],
          ["text", "a", "A"],
        ]),
      ),
    ).toMatchObject({
      row: 2,
      cell: "A2",
      key: "questionnaire.def.unclosed",
      params: { name: "g", type: "begin_group" },
    });
    expect(one(book(STD, [["text", "a", "A"], ["end group"]]))).toMatchObject({
      row: 3,
      key: "questionnaire.def.endUnopened",
      params: { type: "end group" },
    });
    expect(one(book(STD, [["begin_repeat", "r", "R"], ["text", "a", "A"], ["end_group"]]))).toMatchObject({
      row: 4,
      key: "questionnaire.def.endMismatch",
      params: { expected: "end_repeat" },
    });
    expect(
      one(
        book(STD, [
          ["begin_group", "g", "G"],
          ["text", "a", "A"],
          ["end_group", "h"],
        ]),
      ),
    ).toMatchObject({
      row: 4,
      cell: "B4",
      key: "questionnaire.def.endName",
    });
  });

  it("an empty group", () => {
    expect(one(book(STD, [["begin_group", "g", "G"], ["end_group"], ["text", "a", "A"]]))).toMatchObject({
      row: 2,
      key: "questionnaire.def.emptyGroup",
      params: { name: "g" },
    });
  });

  it("a column the row's type cannot have", () => {
    expect(one(book(STD, [["text", "a", "A", "", "1 + 1"]]))).toMatchObject({
      cell: "E2",
      key: "questionnaire.def.columnNotForType",
      params: { column: "calculation", type: "text" },
    });
    expect(one(book(STD, [["note", "n", "N", "", "", "", "yes"]]))).toMatchObject({
      cell: "G2",
      key: "questionnaire.def.columnNotForType",
    });
    expect(one(book(STD, [["calculate", "c", "C", "", "1"]]))).toMatchObject({
      cell: "C2",
      key: "questionnaire.def.columnNotForType",
      params: { column: "label", type: "calculate" },
    });
    expect(
      one(
        book(
          ["type", "name", "label", "repeat_count"],
          [["begin_group", "g", "G", "3"], ["text", "a", "A"], ["end_group"]],
        ),
      ),
    ).toMatchObject({ cell: "D2", key: "questionnaire.def.columnNotForType" });
  });

  it("an unsupported column, but only when it is used", () => {
    expect(one(book(["type", "name", "label", "trigger"], [["text", "a", "A", "${b}"]]))).toEqual({
      sheet: "survey",
      row: 1,
      column: "trigger",
      cell: "D1",
      value: "trigger",
      key: "questionnaire.def.columnUnknown",
      params: { column: "trigger" },
    });
    expect(one(book(["type", "name", "label", "relevant::zh"], [["text", "a", "A", "1"]]))).toMatchObject({
      key: "questionnaire.def.columnUnknown",
      params: { column: "relevant::zh" },
    });
  });

  it("a language other than Chinese and English", () => {
    expect(
      one(book(["type", "name", "label", "label::Français (fr)"], [["text", "a", "名称", "Nom"]])),
    ).toMatchObject({
      cell: "D1",
      key: "questionnaire.def.language",
      params: { language: "Français (fr)" },
    });
  });

  it("a column written twice", () => {
    expect(one(book(["type", "name", "label", "Label"], [["text", "a", "A", "B"]]))).toMatchObject({
      cell: "D1",
      key: "questionnaire.def.columnDuplicate",
    });
  });

  it("a missing label or calculation", () => {
    expect(one(book(STD, [["integer", "a", ""]]))).toMatchObject({
      cell: "C2",
      key: "questionnaire.def.labelMissing",
    });
    expect(one(book(STD, [["calculate", "c", ""]]))).toMatchObject({
      cell: "E2",
      key: "questionnaire.def.calculationMissing",
    });
  });

  it("an appearance the renderer does not draw", () => {
    expect(
      one(book(["type", "name", "label", "appearance"], [["date", "d", "D", "no-calendar"]])),
    ).toMatchObject({
      key: "questionnaire.def.columnNotForType",
    });
    expect(
      one(book(["type", "name", "label", "appearance"], [["select_one yesno", "s", "S", "minimal quick"]])),
    ).toMatchObject({
      cell: "D2",
      key: "questionnaire.def.appearance",
      params: { appearance: "quick", allowed: "minimal, horizontal" },
    });
  });

  it("a default that is no answer of the question's type", () => {
    const header = ["type", "name", "label", "default"];
    for (const [type, value] of [
      ["integer", "3.5"],
      ["date", "2024-02-30"],
      ["select_one yesno", "maybe"],
      ["select_multiple yesno", "yes yes"],
      ["phone", "12345"],
      ["citizen_id", "440104195001010021"],
      ["acknowledge", "yes"],
    ]) {
      expect(one(book(header, [[type, "q", "Q", value]])), type).toMatchObject({
        cell: "D2",
        key: "questionnaire.def.defaultInvalid",
      });
    }
  });

  it("references that cannot mean one answer", () => {
    const rows = [
      ["begin_group", "g", "G"],
      ["begin_repeat", "r", "R"],
      ["integer", "n", "N"],
      ["end_repeat"],
      ["end_group"],
    ];
    expect(one(book(STD, [...rows, ["integer", "x", "X", "${n} > 1"]]))).toMatchObject({
      cell: "D7",
      key: "questionnaire.def.refInRepeat",
      params: { name: "n", repeat: "r", at: 1 },
    });
    expect(one(book(STD, [...rows, ["integer", "x", "X", "${r} > 1"]]))).toMatchObject({
      key: "questionnaire.def.refRepeat",
    });
    expect(one(book(STD, [...rows, ["integer", "x", "X", "${g} > 1"]]))).toMatchObject({
      key: "questionnaire.def.refGroup",
    });
    expect(one(book(STD, [...rows, ["calculate", "x", "", "", "sum(${r})"]]))).toMatchObject({
      key: "questionnaire.def.refRepeat",
    });
    // Totals are fine, and so is reading outward from inside the repeat.
    ok(
      book(STD, [
        ["integer", "limit", "L"],
        ...rows.slice(0, 3),
        ["integer", "m", "M", "position(..) > 1 and ${n} < ${limit}", "", ". != ${n}"],
        ...rows.slice(3),
        ["calculate", "total", "", "", "sum(${n}) + count(${r}) + count(${m})"],
      ]),
    );
  });

  it("the answer itself where it changes a value, position(..) outside a repeat", () => {
    expect(one(book(STD, [["integer", "a", "A", ". > 1"]]))).toMatchObject({
      cell: "D2",
      key: "questionnaire.def.selfNotHere",
    });
    expect(one(book(STD, [["calculate", "c", "", "", "position(..)"]]))).toMatchObject({
      cell: "E2",
      key: "questionnaire.def.positionOutside",
    });
  });

  it("a register field the subject does not have", () => {
    expect(
      one(book(STD, [["integer", "a", "A", "${register.birthdate} != ''"]]), ["birthDate"]),
    ).toMatchObject({
      cell: "D2",
      key: "questionnaire.def.registerUnknown",
      params: { field: "birthdate", at: 1 },
    });
  });

  it("a choice_filter name that is no column", () => {
    expect(
      one(
        book(
          ["type", "name", "label", "choice_filter"],
          [
            ["select_one yesno", "a", "A"],
            ["select_one yesno", "b", "B", "sector = ${a}"],
          ],
        ),
      ),
    ).toMatchObject({ cell: "D3", key: "questionnaire.def.filterColumn", params: { name: "sector", at: 1 } });
  });

  it("or_other with a choice_filter, and a name or_other needs already taken", () => {
    expect(
      one(
        book(
          ["type", "name", "label", "choice_filter"],
          [["select_one yesno or_other", "a", "A", "name != 'x'"]],
        ),
      ),
    ).toMatchObject({ cell: "D2", key: "questionnaire.def.orOtherFilter" });
    expect(
      one(
        book(STD, [
          ["text", "a_other", "X"],
          ["select_one yesno or_other", "a", "A"],
        ]),
      ),
    ).toMatchObject({ row: 3, key: "questionnaire.def.otherNameTaken", params: { name: "a_other" } });
  });

  it("choices: duplicates, missing names and labels, spaces", () => {
    const list = problems(
      book(
        STD,
        [["select_one c", "q", "Q"]],
        [
          ["list_name", "name", "label"],
          ["c", "1", "一"],
          ["c", "1", "又一"],
          ["c", "", "空"],
          ["c", "a b", "有空格"],
          ["c", "2", ""],
          ["", "3", "无列表"],
        ],
      ),
    );
    expect(list.map((p) => [p.sheet, p.cell, p.key])).toEqual([
      ["choices", "B3", "questionnaire.def.choiceDuplicate"],
      ["choices", "B4", "questionnaire.def.choiceNameMissing"],
      ["choices", "B5", "questionnaire.def.choiceNameSpace"],
      ["choices", "C6", "questionnaire.def.choiceLabelMissing"],
      ["choices", "A7", "questionnaire.def.listNameMissing"],
    ]);
    expect(list[0].params).toEqual({ name: "1", list: "c", row: 2 });
  });

  it("a workbook without survey sheet or its columns", () => {
    expect(problems({ choices: sheetRows(YESNO) })).toEqual([
      {
        sheet: "survey",
        row: 0,
        column: "",
        cell: "",
        value: "",
        key: "questionnaire.def.sheetMissing",
        params: { sheet: "survey" },
      },
    ]);
    expect(problems(book(["type", "label"], [["text", "A"]])).map((p) => [p.cell, p.key, p.params])).toEqual([
      ["", "questionnaire.def.columnMissing", { column: "name" }],
    ]);
    expect(problems({ survey: sheetRows([]) }).map((p) => p.key)).toEqual(["questionnaire.def.empty"]);
    expect(
      problems({
        survey: sheetRows([STD, ["text", "a", "A"]]),
        external_choices: sheetRows([["list_name"], ["x"]]),
      }).map((p) => p.key),
    ).toEqual(["questionnaire.def.sheetUnsupported"]);
  });

  it("one workbook with a mistake of every kind: each is listed, in sheet order, nothing is returned", () => {
    const r = parseDefinition({
      survey: sheetRows([
        STD,
        ["text", "name", "姓名"],
        ["audio", "voice", "录音"], // unknown type
        ["integer", "name", "重复"], // duplicate name
        ["integer", "age", "年龄", "${name} = = 'x'"], // bad expression
        ["text", "note1", "备注", "${nmae} != ''"], // unknown reference
        ["calculate", "c1", "", "", "${c2} + 1"], // cycle
        ["calculate", "c2", "", "", "${c1} + 1"],
        ["select_one colours", "colour", "颜色"], // missing list
      ]),
      choices: sheetRows([...YESNO, ["yesno", "yes", "重复"]]),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.sheet, p.cell, p.key])).toEqual([
      ["survey", "A3", "questionnaire.def.typeUnknown"],
      ["survey", "B4", "questionnaire.def.nameDuplicate"],
      ["survey", "D5", "questionnaire.expr.unexpected"],
      ["survey", "D6", "questionnaire.def.refUnknown"],
      ["survey", "E7", "questionnaire.def.cycle"],
      ["survey", "A9", "questionnaire.def.listMissing"],
      ["choices", "B4", "questionnaire.def.choiceDuplicate"],
    ]);
    expect(r.problems[2].params).toEqual({ at: 11, token: "=" });
  });
});

describe("the report", () => {
  it("says where and why, in the reader's language", () => {
    const [p] = problems(book(STD, [["text", "a", "A", "${b} = 1"]]));
    expect(problemText(p, createTranslator("zh-CN"))).toBe(
      "survey 表第 2 行“relevant”列（D2）：第 1 个字符处引用的 ${b} 在问卷中不存在，请核对名称",
    );
    expect(problemText(p, createTranslator("en"))).toBe(
      "Sheet survey, row 2, column “relevant” (D2): ${b} at character 1 is not a question of this questionnaire: check the name",
    );
    const [whole] = problems({});
    expect(problemText(whole, createTranslator("en"))).toBe(
      "Sheet survey: The workbook has no sheet named “survey”: add it in the XLSForm layout (headers in row 1)",
    );
  });
});
