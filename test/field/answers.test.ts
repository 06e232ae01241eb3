// The questionnaire half of the room's save, without a browser: the draft's answers go into the visit
// only when the campaign has a questionnaire and someone answered the door; a failing required or
// constraint stops the save with the reasons the server would give; a good set is cleaned to what
// applies and passes the visit schema the push reads.

import { describe, expect, it } from "vitest";
import { checkVisitAnswers } from "@/app/field/_lib/answers";
import { buildRecord, emptyDraft, type RoomData, type RoomDraft } from "@/app/field/_lib/record";
import { type Answers, parseDefinition, type QuestionnaireDefinition } from "@/domain/questionnaire";
import { visitSchema } from "@/domain/schemas/visit";
import { ELDERLY_ANSWERS, elderlyHealth } from "../domain/questionnaire/fixtures/elderly-health";

const parsed = parseDefinition(elderlyHealth);
if (!parsed.ok) throw new Error("the elderly fixture must read");
const definition: QuestionnaireDefinition = parsed.definition;

const id = () => crypto.randomUUID();
const gridId = id();
const room = { id: id(), gridId, version: 1, buildingId: id(), unitNo: null, floor: 3, roomNo: "301" };
const household = { id: id(), gridId, version: 1, roomId: room.id, householdNo: "H301", kind: "1" };

function data(withQuestionnaire = true): RoomData {
  return {
    room,
    building: undefined,
    households: [household],
    members: { [household.id]: [] },
    rentals: [],
    tenants: {},
    units: [],
    visits: [],
    campaignId: id(),
    codes: {},
    feedback: [],
    questionnaire: withQuestionnaire
      ? { campaignId: id(), version: 3, title: "老年人健康档案", definition }
      : null,
  };
}

const draft = (over: Partial<RoomDraft>): RoomDraft => ({ ...emptyDraft(id()), ...over });
const NOW = new Date("2026-11-20T03:00:00Z");
/** The fixture's answers, a check booked (its last one is over a year before NOW). */
const GOOD: Answers = { ...ELDERLY_ANSWERS, book_check: "no" };

describe("the draft's questionnaire answers in the visit", () => {
  it("go with an answered door, under the version held, cleaned to what applies", () => {
    // An answer the form drops once it does not apply: meals were not asked for.
    const answers: Answers = { ...GOOD, needs: "alarm", meal_frequency: "daily" };
    const built = buildRecord(data(), draft({ outcome: "verified", answers }), { now: NOW });
    expect(built.visit.questionnaireVersion).toBe(3);
    expect(built.visit.answers).toEqual(answers);
    const checked = checkVisitAnswers(data(), built.visit);
    expect(checked.errors).toEqual([]);
    expect(checked.visit.answers).toMatchObject({ needs: "alarm", consent: "OK" });
    expect(checked.visit.answers).not.toHaveProperty("meal_frequency");
    // Calculations are stored as their text; the repeat's rows keep their answers.
    expect(checked.visit.answers).toMatchObject({
      medication_count: "2",
      medications: [{ med_name: "硝苯地平" }, {}],
    });
    expect(visitSchema.safeParse(checked.visit).success).toBe(true);
  });

  it("stop the save while a required answer is missing or a constraint fails, with the form's own message", () => {
    const answers: Answers = {
      ...GOOD,
      consent: "",
      contact_phone: ELDERLY_ANSWERS.phone,
      medications: [{ med_name: "钙片", med_daily: "9" }],
    };
    const built = buildRecord(data(), draft({ outcome: "changed", answers }), { now: NOW });
    const { errors } = checkVisitAnswers(data(), built.visit);
    expect(errors.map((e) => [e.name, e.at, e.kind])).toEqual([
      ["contact_phone", [], "constraint"],
      ["med_daily", [0], "constraint"],
      ["consent", [], "required"],
    ]);
    expect(errors[0].message).toMatchObject({ "zh-CN": "紧急联系人电话不能与老人本人电话相同" });
  });

  it("stay home when nobody answered the door, or the campaign has no questionnaire", () => {
    const answers: Answers = { self_care: "1" };
    for (const [withQuestionnaire, outcome] of [
      [true, "no_answer"],
      [true, "vacant"],
      [false, "verified"],
    ] as const) {
      const built = buildRecord(data(withQuestionnaire), draft({ outcome, answers }), { now: NOW });
      expect(built.visit).toMatchObject({ answers: null, questionnaireVersion: null });
      expect(checkVisitAnswers(data(withQuestionnaire), built.visit).errors).toEqual([]);
    }
  });

  it("the visit schema refuses answers without a version, and answers on a visit where nobody was met", () => {
    const built = buildRecord(data(), draft({ outcome: "verified", answers: GOOD }), { now: NOW });
    const keys = (visit: object) => {
      const result = visitSchema.safeParse(visit);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    expect(keys({ ...built.visit, questionnaireVersion: null })).toEqual([
      "questionnaire.visit.answersVersion",
    ]);
    expect(keys({ ...built.visit, outcome: "no_answer", revisitDue: "2026-11-21" })).toEqual([
      "questionnaire.visit.answersWithoutContact",
    ]);
  });
});
