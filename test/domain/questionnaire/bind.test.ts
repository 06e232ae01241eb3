// Questions bound to the register (`bind::register`): what the reader accepts and refuses, and the
// conversions between register values and answers the phone's prefill and corrections use.

import { describe, expect, it } from "vitest";
import { createTranslator } from "@/domain/i18n";
import "@/domain/i18n/all";
import {
  answerOfRegister,
  BINDABLE_FIELDS,
  parseBinding,
  registerOfAnswer,
} from "@/domain/questionnaire/bind";
import {
  parseDefinition,
  problemText,
  type Question,
  sheetRows,
  type Workbook,
} from "@/domain/questionnaire/definition";
import { householdSchema } from "@/domain/schemas/household";
import { personShape } from "@/domain/schemas/person";
import { roomSchema } from "@/domain/schemas/place";
import { rentalSchema } from "@/domain/schemas/rental";
import { unitSchema } from "@/domain/schemas/unit";
import { HOUSEHOLD_FIELDS, MEMBER_FIELDS, RENTAL_FIELDS, ROOM_FIELDS, UNIT_FIELDS } from "@/domain/visit";

const CHOICES = [
  ["list_name", "name", "label"],
  ["yesno", "yes", "是"],
  ["yesno", "no", "否"],
  ["emp", "10", "在业"],
  ["emp", "20", "失业"],
  ["emp", "30", "离退休"],
  ["bad", "1", "非农业"],
  ["bad", "employed", "在业?"],
];
const HEADER = ["type", "name", "label", "bind::register", "default"];
const book = (rows: string[][]): Workbook => ({
  survey: sheetRows([HEADER, ...rows]),
  choices: sheetRows(CHOICES),
});

describe("bind::register in the survey sheet", () => {
  it("reads bound questions of every kind", () => {
    const r = parseDefinition(
      book([
        ["phone", "tel", "电话", "person.phone"],
        ["select_one emp", "job", "就业", "person.employment"],
        ["select_one yesno", "low", "低保", "household.lowIncome"],
        ["acknowledge", "five", "五保", "household.fiveGuarantee"],
        ["text", "addr", "现住址", "person.currentAddress"],
        ["integer", "occ", "实住人数", "rental.actualOccupants"],
        ["integer", "staff", "从业人数", "unit.employees"],
        ["text", "free", "备注", ""],
      ]),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const q = (name: string) => r.definition.survey.find((i) => i.name === name) as Question;
    expect(q("tel").bind).toEqual({ entity: "person", field: "phone" });
    expect(q("job").bind).toEqual({ entity: "person", field: "employment" });
    expect(q("low").bind).toEqual({ entity: "household", field: "lowIncome" });
    expect(q("occ").bind).toEqual({ entity: "rental", field: "actualOccupants" });
    expect(q("free").bind).toBeUndefined();
  });

  it("refuses an unknown field, naming sheet, row, column and cell, in both languages", () => {
    const r = parseDefinition(
      book([
        ["text", "a", "A", "person.salary"],
        ["text", "b", "B", "person.idNumber"],
        ["text", "c", "C", "phone"],
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.cell, p.key])).toEqual([
      [2, "D2", "questionnaire.def.bindUnknown"],
      [3, "D3", "questionnaire.def.bindUnknown"],
      [4, "D4", "questionnaire.def.bindUnknown"],
    ]);
    const zh = problemText(r.problems[0], createTranslator("zh-CN"));
    expect(zh).toContain("survey 表第 2 行“bind::register”列（D2）");
    expect(zh).toContain("person.salary");
    expect(problemText(r.problems[0], createTranslator("en"))).toContain("person.salary");
  });

  it("refuses a question type that does not fit the field", () => {
    const r = parseDefinition(
      book([
        ["text", "job", "就业", "person.employment"],
        ["select_one bad", "job2", "就业", "person.hukouCategory"],
        ["select_one emp", "low", "低保", "household.lowIncome"],
        ["date", "occ", "实住", "rental.actualOccupants"],
        ["select_multiple emp", "m", "多选", "unit.industry"],
        ["note", "n", "说明", "person.origin"],
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.key])).toEqual([
      [2, "questionnaire.def.bindType"],
      [3, "questionnaire.def.bindCodes"],
      [4, "questionnaire.def.bindType"],
      [5, "questionnaire.def.bindType"],
      [6, "questionnaire.def.bindType"],
      [7, "questionnaire.def.columnNotForType"],
    ]);
    expect(problemText(r.problems[1], createTranslator("zh-CN"))).toContain("employed");
  });

  it("refuses a field bound twice, a default beside a binding, and a binding inside a repeat", () => {
    const r = parseDefinition(
      book([
        ["phone", "a", "A", "person.phone"],
        ["phone", "b", "B", "person.phone"],
        ["text", "c", "C", "person.origin", "广州"],
        ["begin_repeat", "r", "R"],
        ["text", "d", "D", "person.hukouAddress"],
        ["end_repeat", "r"],
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.key])).toEqual([
      [3, "questionnaire.def.bindDuplicate"],
      [4, "questionnaire.def.bindDefault"],
      [6, "questionnaire.def.bindInRepeat"],
    ]);
  });

  it("names only fields the room's forms correct, each with a validator the push uses", () => {
    const lists = {
      person: [MEMBER_FIELDS, personShape],
      household: [HOUSEHOLD_FIELDS, householdSchema.shape],
      room: [ROOM_FIELDS, roomSchema.shape],
      rental: [[...RENTAL_FIELDS, "actualOccupants"], rentalSchema.shape],
      unit: [UNIT_FIELDS, unitSchema.shape],
    } as const;
    for (const [entity, fields] of Object.entries(BINDABLE_FIELDS)) {
      const [correctable, shape] = lists[entity as keyof typeof lists];
      for (const field of Object.keys(fields)) {
        expect(correctable as readonly string[]).toContain(field);
        expect(Object.hasOwn(shape, field)).toBe(true);
      }
    }
    expect(parseBinding("person.__proto__")).toBeNull();
    expect(parseBinding("register.phone")).toBeNull();
  });
});

describe("register value ↔ answer", () => {
  const yesno = [
    { name: "yes", label: {} },
    { name: "no", label: {} },
  ];
  const low = { entity: "household", field: "lowIncome" } as const;
  const job = { entity: "person", field: "employment" } as const;
  it("prefills what the register holds, in the question's terms", () => {
    expect(answerOfRegister(low, "select_one", yesno, true)).toBe("yes");
    expect(answerOfRegister(low, "select_one", yesno, false)).toBe("no");
    expect(answerOfRegister(low, "acknowledge", undefined, true)).toBe("OK");
    expect(answerOfRegister(low, "acknowledge", undefined, false)).toBeUndefined();
    expect(answerOfRegister(job, "select_one", [{ name: "10", label: {} }], "10")).toBe("10");
    expect(answerOfRegister(job, "select_one", [{ name: "10", label: {} }], "20")).toBeUndefined();
    expect(answerOfRegister({ entity: "unit", field: "employees" }, "integer", undefined, 12)).toBe("12");
    expect(answerOfRegister({ entity: "person", field: "phone" }, "phone", undefined, null)).toBeUndefined();
  });
  it("reads an answer as the register value it observes; a blank says nothing", () => {
    expect(registerOfAnswer(low, "select_one", "no")).toBe(false);
    expect(registerOfAnswer(low, "acknowledge", "OK")).toBe(true);
    expect(registerOfAnswer(low, "acknowledge", "")).toBeUndefined();
    expect(registerOfAnswer({ entity: "rental", field: "areaM2" }, "decimal", "12.5")).toBe(12.5);
    expect(registerOfAnswer({ entity: "person", field: "phone" }, "phone", " ")).toBeUndefined();
  });
});
