// The answers file's pure layout: the columns are the union of every version's questions by name
// (the newest version's order and labels first, then what only older versions ask), choices the union
// by name; the median of an even count is the mean of the middle two.

import { describe, expect, it } from "vitest";
import { createTranslator } from "@/domain/i18n";
import { parseDefinition, sheetRows, type Workbook } from "@/domain/questionnaire";
import { answerQuestions, answerTables, median } from "@/domain/questionnaire/export";

const settings = sheetRows([
  ["form_title::zh", "form_id", "version", "default_language"],
  ["小问卷", "small", "1", "zh"],
]);

function definition(survey: string[][], choices: string[][]) {
  const workbook: Workbook = {
    survey: sheetRows([["type", "name", "label::zh", "label::en"], ...survey]),
    choices: sheetRows([["list_name", "name", "label::zh", "label::en"], ...choices]),
    settings,
  };
  const parsed = parseDefinition(workbook);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.definition;
}

const v1 = definition(
  [
    ["text", "old_only", "旧题", "Old"],
    ["select_one colour", "colour", "颜色", "Colour"],
  ],
  [
    ["colour", "red", "红", "Red"],
    ["colour", "blue", "蓝", "Blue"],
  ],
);
const v2 = definition(
  [
    ["integer", "count", "数量", "Count"],
    ["select_one colour", "colour", "颜色（新）", "Colour (new)"],
    ["note", "say", "说明", "Note"],
  ],
  [
    ["colour", "green", "绿", "Green"],
    ["colour", "red", "赤", "Crimson"],
  ],
);

describe("answers file layout", () => {
  it("takes the newest version's questions first, then older ones; choices and labels by name", () => {
    const questions = answerQuestions([
      { version: 1, definition: v1 },
      { version: 2, definition: v2 },
    ]);
    expect(questions.map((q) => q.name)).toEqual(["count", "colour", "old_only"]);
    const colour = questions.find((q) => q.name === "colour");
    expect(colour?.label["zh-CN"]).toBe("颜色（新）");
    expect(colour?.choices.map((c) => `${c.name}:${c.label["zh-CN"]}`)).toEqual([
      "green:绿",
      "red:赤",
      "blue:蓝",
    ]);
  });

  it("writes each visit in its own version's words and takes the median of an even count as the middle two's mean", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNull();
    const visit = {
      visitedAt: new Date("2026-11-20T02:00:00Z"),
      officer: "李四",
      communityName: "一社区",
      gridName: "一网格",
      address: "1号",
      unitNo: null,
      roomNo: "101",
      subjectType: "room" as const,
      householdNo: null,
      unitName: null,
      landlordName: null,
      outcome: "verified",
      reviewState: "submitted" as const,
      noteNames: [],
    };
    const { answers, statistics } = answerTables(
      [
        { ...visit, id: "a", questionnaireVersion: 1, answers: { colour: "red", old_only: "x" } },
        { ...visit, id: "b", questionnaireVersion: 2, answers: { colour: "red", count: "3" } },
        { ...visit, id: "c", questionnaireVersion: 2, answers: { colour: "green", count: "6" } },
      ],
      [
        { version: 1, definition: v1 },
        { version: 2, definition: v2 },
      ],
      "zh-CN",
      createTranslator("zh-CN"),
    );
    // count, colour, old_only after the 11 visit columns; red reads 红 in version 1, 赤 in version 2.
    expect(answers.rows.slice(1).map((row) => row.slice(11))).toEqual([
      ["", "红", "x"],
      [3, "赤", ""],
      [6, "绿", ""],
    ]);
    // Counts 3 and 6: mean 4.5, median 4.5. Colour: red 2 of 3 (66.7 %), green 1 (33.3 %), blue 0.
    expect(statistics.rows.slice(1, 5).map((row) => row.slice(4))).toEqual([
      ["", "", 2, null, null, 4.5, 4.5],
      ["绿", "green", 3, 1, 33.3, null, null],
      ["赤", "red", 3, 2, 66.7, null, null],
      ["蓝", "blue", 3, 0, 0, null, null],
    ]);
  });
});
