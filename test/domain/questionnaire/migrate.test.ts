// A draft moved from the version it was begun in to a newer one, by question name: what fits is
// carried over, everything else is listed with its old label and value, nothing disappears.

import { describe, expect, it } from "vitest";
import { parseDefinition, type QuestionnaireDefinition, sheetRows } from "@/domain/questionnaire/definition";
import { validateAnswers } from "@/domain/questionnaire/evaluate";
import { moveAnswers } from "@/domain/questionnaire/migrate";

function definition(survey: string[][], choices: string[][]): QuestionnaireDefinition {
  const r = parseDefinition({
    survey: sheetRows([["type", "name", "label::zh", "label::en"], ...survey]),
    choices: sheetRows([["list_name", "name", "label::zh", "label::en"], ...choices]),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.definition;
}

const V1 = definition(
  [
    ["text", "name", "姓名", "Name"],
    ["integer", "age", "年龄", "Age"],
    ["select_one care", "care", "自理能力", "Self-care"],
    ["select_multiple needs", "needs", "需求", "Needs"],
    ["text", "hobby", "爱好", "Hobby"],
    ["begin_repeat", "meds", "用药", "Medicines"],
    ["text", "drug", "药名", "Drug"],
    ["text", "dose", "剂量", "Dose"],
    ["end_repeat", "", "", ""],
  ],
  [
    ["care", "full", "完全自理", "Fully"],
    ["care", "part", "部分自理", "Partly"],
    ["needs", "meal", "助餐", "Meals"],
    ["needs", "doctor", "助医", "Doctor"],
    ["needs", "call", "紧急呼叫", "Emergency call"],
  ],
);

const V2 = definition(
  [
    ["text", "name", "姓名", "Name"],
    ["text", "age", "年龄（岁）", "Age (years)"],
    ["select_one care", "care", "自理能力", "Self-care"],
    ["select_multiple needs", "needs", "需求", "Needs"],
    ["begin_repeat", "meds", "用药", "Medicines"],
    ["text", "drug", "药名", "Drug"],
    ["end_repeat", "", "", ""],
  ],
  [
    ["care", "full", "完全自理", "Fully"],
    ["care", "none", "不能自理", "Not at all"],
    ["needs", "meal", "助餐", "Meals"],
    ["needs", "call", "紧急呼叫", "Emergency call"],
  ],
);

describe("moving a draft's answers to a newer version", () => {
  it("carries what fits and lists every answer that does not, with its old label and value", () => {
    const moved = moveAnswers(V1, V2, {
      name: "张秀英",
      age: "78",
      care: "part",
      needs: "meal doctor call",
      hobby: "太极",
      meds: [{ drug: "二甲双胍", dose: "每日两次" }, { drug: "阿司匹林" }],
    });
    expect(moved.answers).toEqual({
      name: "张秀英",
      needs: "meal call",
      meds: [{ drug: "二甲双胍" }, { drug: "阿司匹林" }],
    });
    expect(
      moved.misfits.map((m) => [m.name, m.at, m.reason, m.label["zh-CN"], m.value["zh-CN"], m.value.en]),
    ).toEqual([
      ["age", [], "typeChanged", "年龄", "78", "78"],
      ["care", [], "choiceGone", "自理能力", "部分自理", "Partly"],
      ["needs", [], "choiceGone", "需求", "助医", "Doctor"],
      ["hobby", [], "gone", "爱好", "太极", "太极"],
      ["dose", [0], "gone", "剂量", "每日两次", "每日两次"],
    ]);
    // What was carried over is a valid start in the new version (no unknown question, no bad choice).
    expect(
      validateAnswers(V2, moved.answers, { now: new Date() }).filter((e) => e.kind === "unknown"),
    ).toEqual([]);
  });

  it("moves everything unchanged between identical versions, and leaves its input alone", () => {
    const answers = { name: "李", care: "full", meds: [{ drug: "A", dose: "1" }] };
    const frozen = JSON.stringify(answers);
    expect(moveAnswers(V1, V1, answers)).toEqual({ answers, misfits: [] });
    expect(JSON.stringify(answers)).toBe(frozen);
  });

  it("lists each answer of a repeat the new version no longer has, row by row", () => {
    const noMeds = definition([["text", "name", "姓名", "Name"]], []);
    const moved = moveAnswers(V1, noMeds, { meds: [{ drug: "A" }, { drug: "B", dose: "2" }] });
    expect(moved.answers).toEqual({});
    expect(moved.misfits.map((m) => [m.name, m.at, m.reason, m.value["zh-CN"]])).toEqual([
      ["drug", [0], "gone", "A"],
      ["drug", [1], "gone", "B"],
      ["dose", [1], "gone", "2"],
    ]);
  });
});
