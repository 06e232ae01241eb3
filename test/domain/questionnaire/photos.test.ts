// The photos a visit's answers name: image answers only, in groups and repeat rows, each once.

import { describe, expect, it } from "vitest";
import { answerPhotos } from "@/domain/questionnaire";
import { parseDefinition, type QuestionnaireDefinition, sheetRows } from "@/domain/questionnaire/definition";

function definition(rows: string[][]): QuestionnaireDefinition {
  const r = parseDefinition({
    survey: sheetRows([["type", "name", "label"], ...rows]),
    choices: sheetRows([["list_name", "name", "label"]]),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.definition;
}

const [a, b, c] = ["a", "b", "c"].map((x) => x.repeat(64));

describe("answerPhotos", () => {
  const def = definition([
    ["image", "front", "门牌"],
    ["text", "remark", "备注"],
    ["begin_group", "house", "房屋"],
    ["image", "kitchen", "厨房"],
    ["end_group", "", ""],
    ["begin_repeat", "rooms", "房间"],
    ["image", "room_photo", "房间照片"],
    ["end_repeat", "", ""],
  ]);

  it("lists the image answers in form order, repeat rows in turn, each photo once", () => {
    expect(
      answerPhotos(def, {
        front: a,
        kitchen: b,
        rooms: [{ room_photo: c }, { room_photo: a }, {}],
      }),
    ).toEqual([a, b, c]);
  });

  it("ignores a text answer that looks like a photo's name, and image answers that are not one", () => {
    expect(answerPhotos(def, { remark: a, front: "photo.jpg", rooms: [{ room_photo: "" }] })).toEqual([]);
    expect(answerPhotos(def, { rooms: "not rows" as unknown as [] })).toEqual([]);
  });
});
