// Form state and answer checking: relevance, calculations in order, repeats (nested too), required,
// types, constraints with the form's own messages, China's today(), and the answers kept.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import { describe, expect, it } from "vitest";
import { createTranslator } from "@/domain/i18n";
import "@/domain/i18n/all";
import { parseDefinition, type QuestionnaireDefinition, sheetRows } from "@/domain/questionnaire/definition";
import {
  type Answers,
  cleanAnswers,
  type EvalContext,
  errorText,
  evaluateForm,
  type FieldError,
  MAX_ROWS,
  validateAnswers,
} from "@/domain/questionnaire/evaluate";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import { ELDERLY_ANSWERS, ELDERLY_REGISTER, elderlyHealth } from "./fixtures/elderly-health";
import { NO_WORK, UNEMPLOYED_REGISTER, unemployedInterview, WANTS_WORK } from "./fixtures/unemployed";

// 10:00 on 20 May 2024 in Guangzhou.
const NOW = new Date("2024-05-20T02:00:00Z");

function definition(workbook: Parameters<typeof parseDefinition>[0]): QuestionnaireDefinition {
  const r = parseDefinition(workbook);
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.definition;
}

const form = (rows: string[][], choices: string[][] = [["list_name", "name", "label"]]) =>
  definition({
    survey: sheetRows([
      ["type", "name", "label", "relevant", "calculation", "constraint", "required", "repeat_count"],
      ...rows,
    ]),
    choices: sheetRows([...choices, ["yesno", "yes", "是"], ["yesno", "no", "否"]]),
  });

const elderly = definition(elderlyHealth);
const unemployed = definition(unemployedInterview);
const elderlyCtx: EvalContext = { now: NOW, register: ELDERLY_REGISTER };
const unemployedCtx: EvalContext = { now: NOW, register: UNEMPLOYED_REGISTER };

/** Errors as [name, at, key] for short expectations. */
const brief = (errors: FieldError[]) => errors.map((e) => [e.name, e.at, e.key]);

describe("the health record of older residents", () => {
  it("accepts a complete record and works out its calculations", () => {
    expect(validateAnswers(elderly, ELDERLY_ANSWERS, elderlyCtx)).toEqual([]);
    const state = evaluateForm(elderly, ELDERLY_ANSWERS, elderlyCtx);
    expect(state.value("age")).toBe(74); // born 1950-03-14
    expect(state.text("days_since_check")).toBe("79"); // 2024-03-02 → 2024-05-20
    expect(state.relevant("book_check")).toBe(false); // checked within the year
    expect(state.rows("medications")).toBe(2);
    expect([state.text("med_row", [0]), state.text("med_row", [1])]).toEqual(["1", "2"]);
    expect(state.value("medication_count")).toBe(2);
    expect(state.relevant("check_report")).toBe(true);
  });

  it("keeps what applies, with calculations as text", () => {
    expect(cleanAnswers(elderly, ELDERLY_ANSWERS, elderlyCtx)).toEqual({
      ...ELDERLY_ANSWERS,
      age: "74",
      days_since_check: "79",
      medication_count: "2",
      medications: [
        { med_row: "1", med_name: "硝苯地平", med_daily: "2" },
        { med_row: "2", med_name: "钙片", med_daily: "1" },
      ],
    });
  });

  it("asks what is missing, in the form's words where it has them", () => {
    const errors = validateAnswers(
      elderly,
      {
        ...ELDERLY_ANSWERS,
        needs: "none alarm",
        contact_phone: "13812345678", // the resident's own
        meal_frequency: "",
        medications: [{ med_name: "", med_daily: "9" }],
        consent: "",
      },
      elderlyCtx,
    );
    expect(brief(errors)).toEqual([
      ["contact_phone", [], "questionnaire.answer.constraint"],
      ["needs", [], "questionnaire.answer.constraint"],
      ["med_name", [0], "validation.required"],
      ["med_daily", [0], "questionnaire.answer.constraint"],
      ["consent", [], "validation.required"],
    ]);
    const t = createTranslator("zh-CN");
    expect(errors.map((e) => errorText(e, "zh-CN", t))).toEqual([
      "紧急联系人电话不能与老人本人电话相同",
      "选了“无”就不能再选其他需求",
      "此项必填，请填写",
      "每日次数应在 1–6 之间",
      "此项必填，请填写",
    ]);
    expect(errorText(errors[0], "en", createTranslator("en"))).toBe(
      "The emergency contact's phone must differ from the resident's own",
    );
    // Meals were chosen, so their frequency is asked.
    expect(brief(validateAnswers(elderly, { ...ELDERLY_ANSWERS, meal_frequency: "" }, elderlyCtx))).toEqual([
      ["meal_frequency", [], "validation.required"],
    ]);
  });

  it("drops the medication rows, and their errors, once no chronic disease is chosen", () => {
    const answers = {
      ...ELDERLY_ANSWERS,
      chronic_diseases: "none",
      medications: [{ med_name: "", med_daily: "x" }],
    };
    expect(validateAnswers(elderly, answers, elderlyCtx)).toEqual([]);
    expect(
      brief(validateAnswers(elderly, { ...answers, chronic_diseases: "none diabetes" }, elderlyCtx)),
    ).toEqual([["chronic_diseases", [], "questionnaire.answer.constraint"]]);
    const state = evaluateForm(elderly, answers, elderlyCtx);
    expect(state.relevant("medications", [0])).toBe(false);
    expect(state.value("medication_count")).toBe(0);
    expect(cleanAnswers(elderly, answers, elderlyCtx)).not.toHaveProperty("medications");
  });

  it("asks for 其他's text only when 其他 is chosen", () => {
    const without = { ...ELDERLY_ANSWERS, chronic_diseases_other: "" };
    expect(brief(validateAnswers(elderly, without, elderlyCtx))).toEqual([
      ["chronic_diseases_other", [], "validation.required"],
    ]);
    const noOther = { ...without, chronic_diseases: "hypertension", chronic_diseases_other: "留着也不检查" };
    expect(validateAnswers(elderly, noOther, elderlyCtx)).toEqual([]);
    expect(cleanAnswers(elderly, noOther, elderlyCtx)).not.toHaveProperty("chronic_diseases_other");
  });

  it("makes the emergency contact required by an expression", () => {
    const independent = { ...ELDERLY_ANSWERS, lives_alone: "no", self_care: "1" };
    const state = (a: Answers) => evaluateForm(elderly, a, elderlyCtx);
    expect(state({ ...independent, contact_name: "" }).required("contact_name")).toBe(false);
    expect(state({ ...ELDERLY_ANSWERS, contact_name: "" }).required("contact_name")).toBe(true);
    // The relation is asked only once a contact is named.
    expect(state({ ...independent, contact_name: "", contact_phone: "" }).relevant("contact_relation")).toBe(
      false,
    );
    expect(
      validateAnswers(
        elderly,
        { ...independent, contact_name: "", contact_phone: "", contact_relation: "child" },
        elderlyCtx,
      ),
    ).toEqual([]);
  });

  it("asks to book a check when the last is over a year old, or unknown", () => {
    const state = (last: string) =>
      evaluateForm(elderly, { ...ELDERLY_ANSWERS, last_check: last }, elderlyCtx);
    expect(state("2023-05-20").text("days_since_check")).toBe("366");
    expect(state("2023-05-20").relevant("book_check")).toBe(true);
    expect(state("2023-05-21").relevant("book_check")).toBe(false); // 365 days
    expect(state("").relevant("book_check")).toBe(true);
    expect(state("").text("days_since_check")).toBe("");
    expect(state("").relevant("check_report")).toBe(false);
  });

  it("prefills from the register and fills labels", () => {
    const state = evaluateForm(elderly, ELDERLY_ANSWERS, elderlyCtx);
    expect(state.defaultFor("phone")).toBe("13812345678");
    expect(state.defaultFor("address")).toBe("越秀区光塔街杏花巷 12 号 301");
    expect(state.fill("第 ${med_row} 种药的药名", "med_name", [1])).toBe("第 2 种药的药名");
    expect(state.fill("请与 ${register.name} 核对；${unknown} 不变", "intro")).toBe(
      "请与 陈桂英 核对；${unknown} 不变",
    );
  });
});

describe("the unemployed interview", () => {
  it("accepts both branches", () => {
    expect(validateAnswers(unemployed, WANTS_WORK, unemployedCtx)).toEqual([]);
    expect(validateAnswers(unemployed, NO_WORK, unemployedCtx)).toEqual([]);
    const state = evaluateForm(unemployed, WANTS_WORK, unemployedCtx);
    expect(state.value("age")).toBe(45); // born 1978-09-02
    expect(state.value("months_unemployed")).toBe(5); // 172 days since 2023-11-30
    expect(state.value("total_years")).toBe(18);
    expect(state.relevant("senior_note")).toBe(true);
    expect(state.fill("工龄合计 ${total_years} 年，年龄 ${age} 岁", "senior_note")).toBe(
      "工龄合计 18 年，年龄 45 岁",
    );
  });

  it("skips the job intention when the person does not want work, whatever was left there", () => {
    const answers = { ...NO_WORK, sector: "retail", job_type: "driver", expected_salary: "lots" };
    expect(validateAnswers(unemployed, answers, unemployedCtx)).toEqual([]);
    const kept = cleanAnswers(unemployed, answers, unemployedCtx);
    expect(kept).not.toHaveProperty("sector");
    expect(kept).not.toHaveProperty("expected_salary");
    expect(kept.no_work_reason).toBe("需要全天照顾家人");
  });

  it("asks the intention questions when the person wants work", () => {
    const answers = {
      ...WANTS_WORK,
      sector: "",
      job_type: "",
      expected_salary: "800",
      no_work_reason: "不检查",
    };
    expect(brief(validateAnswers(unemployed, answers, unemployedCtx))).toEqual([
      ["sector", [], "validation.required"],
      ["job_type", [], "validation.required"],
      ["expected_salary", [], "questionnaire.answer.constraint"],
    ]);
  });

  it("offers only the jobs of the sector chosen", () => {
    const state = evaluateForm(unemployed, WANTS_WORK, unemployedCtx);
    expect(state.choices("job_type").map((c) => c.name)).toEqual(["courier", "driver"]);
    expect(brief(validateAnswers(unemployed, { ...WANTS_WORK, job_type: "cashier" }, unemployedCtx))).toEqual(
      [["job_type", [], "validation.invalidValue"]],
    );
  });

  it("checks one answer against another, with required_message", () => {
    const errors = validateAnswers(
      unemployed,
      { ...NO_WORK, family_employed: "4", mind_note: "" },
      unemployedCtx,
    );
    expect(brief(errors)).toEqual([
      ["mind_note", [], "validation.required"],
      ["family_employed", [], "questionnaire.answer.constraint"],
    ]);
    expect(errors[0].message).toEqual({ "zh-CN": "消极悲观时须记录具体情况，便于跟进帮扶" });
    expect(errorText(errors[1], "en", createTranslator("en"))).toBe("在业人数应少于家庭人口（本人失业）");
  });

  it("reads the register's flags: a low-income household not marked so is pointed out", () => {
    const state = (lowIncome: boolean, difficulties: string) =>
      evaluateForm(
        unemployed,
        { ...WANTS_WORK, difficulties },
        { now: NOW, register: { ...UNEMPLOYED_REGISTER, lowIncome } },
      );
    expect(state(true, "illness").relevant("low_income_check")).toBe(true);
    expect(state(true, "low_income").relevant("low_income_check")).toBe(false);
    expect(state(false, "illness").relevant("low_income_check")).toBe(false);
  });
});

describe("answers of each type", () => {
  const def = form(
    [
      ["integer", "i", "I"],
      ["decimal", "d", "D"],
      ["date", "dt", "DT"],
      ["select_one yesno", "s", "S"],
      ["select_multiple yesno", "m", "M"],
      ["acknowledge", "ack", "ACK"],
      ["geopoint", "gp", "GP"],
      ["image", "img", "IMG"],
      ["citizen_id", "cid", "CID"],
      ["phone", "ph", "PH"],
      ["text", "t", "T"],
      ["note", "n", "N"],
      ["calculate", "c", "", "", "1"],
    ],
    [["list_name", "name", "label"]],
  );
  const id17 = "44010419500101002";
  const goodId = id17 + citizenIdCheckChar(id17);
  const good: Answers = {
    i: "-12",
    d: "3.25",
    dt: "2024-02-29",
    s: "yes",
    m: "no yes",
    ack: "OK",
    gp: "23.12 113.26 10 5",
    img: "a".repeat(64),
    cid: goodId,
    ph: "020-83123456",
    t: "任何文字",
    n: "notes take no answer",
    c: "calculations are recomputed",
  };

  it("accepts well-formed answers", () => {
    expect(validateAnswers(def, good, { now: NOW })).toEqual([]);
  });

  it.each([
    ["i", "3.5", "validation.notInteger"],
    ["i", "1e3", "validation.notInteger"],
    ["d", "1,5", "questionnaire.answer.number"],
    ["dt", "2024/02/29", "validation.date.format"],
    ["dt", "2023-02-29", "validation.date.invalid"],
    ["s", "maybe", "validation.invalidValue"],
    ["m", "yes yes", "questionnaire.answer.choices"],
    ["m", "yes maybe", "questionnaire.answer.choices"],
    ["ack", "yes", "questionnaire.answer.acknowledge"],
    ["gp", "95 10", "questionnaire.answer.geopoint"],
    ["gp", "23.1", "questionnaire.answer.geopoint"],
    ["img", "photo.jpg", "validation.visit.photoHash"],
    ["cid", `${id17}${citizenIdCheckChar(id17) === "0" ? "1" : "0"}`, "validation.citizenId.checksum"],
    ["ph", "8312", "validation.phone.format"],
    ["ph", "1381234567", "validation.mobile.length"],
    ["t", "x".repeat(2001), "validation.tooLong"],
    ["t", "张三\u202E4321", "validation.text.bidiControl"],
    ["t", "bad \uD800 half", "validation.text.malformed"],
  ])("refuses %s = %j", (name, value, key) => {
    expect(brief(validateAnswers(def, { ...good, [name]: value }, { now: NOW }))).toEqual([[name, [], key]]);
  });

  it("types the values expressions see; anything unreadable is blank", () => {
    const state = evaluateForm(def, { ...good, i: "007", d: ".5", dt: "2024-02-30" }, { now: NOW });
    expect([
      state.value("i"),
      state.value("d"),
      state.value("dt"),
      state.value("n"),
      state.value("c"),
    ]).toEqual([7, 0.5, "", "", 1]);
    expect(evaluateForm(def, good, { now: NOW }).value("dt")).toEqual({ day: 19782 });
  });

  it("refuses answers to questions the form does not have, and answers of the wrong shape", () => {
    expect(
      validateAnswers(
        def,
        { ...good, i: 12 as unknown as string, extra: "x", s: ["yes"] as unknown as string },
        { now: NOW },
      ),
    ).toEqual([
      {
        name: "extra",
        at: [],
        kind: "unknown",
        key: "questionnaire.answer.unknown",
        params: { name: "extra" },
      },
      { name: "i", at: [], kind: "shape", key: "questionnaire.answer.shape", params: { name: "i" } },
      { name: "s", at: [], kind: "shape", key: "questionnaire.answer.shape", params: { name: "s" } },
    ]);
  });
});

describe("repeats", () => {
  // Rooms of a rental building, each with its tenants (a repeat in a repeat).
  const def = form([
    ["integer", "limit", "限住人数"],
    ["begin_repeat", "rooms", "房间"],
    ["text", "room_no", "房号", "", "", "", "yes"],
    ["calculate", "room_index", "", "", "position(..)"],
    ["begin_repeat", "tenants", "承租人"],
    ["text", "tenant", "姓名", "", "", "", "yes"],
    ["integer", "tenant_age", "年龄", "", "", ". >= 0 and . < 120"],
    ["calculate", "label", "", "", "concat(${room_no}, '-', position(..))"],
    ["integer", "minor_guardian", "监护人房间", "${tenant_age} < 18", "", ". = ${room_index}", "yes"],
    ["end_repeat"],
    ["calculate", "room_tenants", "", "", "count(${tenants})"],
    ["integer", "declared", "申报人数", "", "", ". = ${room_tenants}"],
    ["end_repeat"],
    ["calculate", "all_tenants", "", "", "count(${tenant})"],
    ["calculate", "age_total", "", "", "sum(${tenant_age})"],
    ["note", "over", "超员", "${all_tenants} > ${limit}"],
  ]);
  const answers: Answers = {
    limit: "2",
    rooms: [
      {
        room_no: "101",
        tenants: [
          { tenant: "甲", tenant_age: "30" },
          { tenant: "乙", tenant_age: "12", minor_guardian: "1" },
        ],
        declared: "2",
      },
      { room_no: "102", tenants: [{ tenant: "丙", tenant_age: "" }], declared: "1" },
    ],
  };

  it("reads each row's own answers, outer rows from inner ones, and totals across rows", () => {
    const state = evaluateForm(def, answers, { now: NOW });
    expect(state.rows("rooms")).toBe(2);
    expect([state.rows("tenants", [0]), state.rows("tenants", [1])]).toEqual([2, 1]);
    expect(state.text("label", [0, 1])).toBe("101-2");
    expect(state.text("label", [1, 0])).toBe("102-1");
    expect(state.value("room_tenants", [0])).toBe(2);
    expect(state.value("room_tenants", [1])).toBe(1);
    expect(state.value("all_tenants")).toBe(3);
    expect(state.value("age_total")).toBe(42); // the blank age adds nothing
    expect(state.relevant("minor_guardian", [0, 1])).toBe(true);
    expect(state.relevant("minor_guardian", [0, 0])).toBe(false);
    expect(state.relevant("minor_guardian", [1, 0])).toBe(false); // no age: 12 < 18 is not known
    expect(state.relevant("over")).toBe(true);
    expect(validateAnswers(def, answers, { now: NOW })).toEqual([]);
  });

  it("reports errors at their row", () => {
    const rooms = answers.rooms as Answers[];
    const broken: Answers = {
      ...answers,
      rooms: [
        {
          ...rooms[0],
          tenants: [
            (rooms[0].tenants as Answers[])[0],
            { tenant: "", tenant_age: "12", minor_guardian: "2" },
          ],
        },
        { ...rooms[1], declared: "3" },
      ],
    };
    expect(brief(validateAnswers(def, broken, { now: NOW }))).toEqual([
      ["tenant", [0, 1], "validation.required"],
      ["minor_guardian", [0, 1], "questionnaire.answer.constraint"],
      ["declared", [1], "questionnaire.answer.constraint"],
    ]);
  });

  it("refuses rows that are not rows, and more rows than a visit may hold", () => {
    expect(
      brief(validateAnswers(def, { limit: "1", rooms: "101" as unknown as Answers[] }, { now: NOW })),
    ).toEqual([["rooms", [], "questionnaire.answer.shape"]]);
    const many = Array.from({ length: MAX_ROWS + 1 }, () => ({ room_no: "1" }));
    const errors = validateAnswers(def, { rooms: many }, { now: NOW });
    expect(brief(errors)).toEqual([["rooms", [], "questionnaire.answer.tooManyRows"]]);
    expect(evaluateForm(def, { rooms: many }, { now: NOW }).rows("rooms")).toBe(MAX_ROWS);
  });

  it("refuses a key that would be an object's prototype, and hands out errors of its own", () => {
    const answers = JSON.parse('{"limit": "1", "__proto__": "x", "rooms": [{"room_no": ""}]}');
    const errors = validateAnswers(def, answers, { now: NOW });
    expect(brief(errors)).toEqual([
      ["__proto__", [], "questionnaire.answer.unknown"],
      ["room_no", [0], "validation.required"],
    ]);
    (errors[1].at as number[]).push(9);
    expect(brief(validateAnswers(def, answers, { now: NOW }))[1]).toEqual([
      "room_no",
      [0],
      "validation.required",
    ]);
  });

  it("refuses answers inside a row that belong elsewhere", () => {
    expect(
      brief(validateAnswers(def, { limit: "1", rooms: [{ room_no: "1", limit: "2" }] }, { now: NOW })),
    ).toEqual([["limit", [0], "questionnaire.answer.unknown"]]);
  });

  it("with repeat_count: exactly that many rows, missing ones blank", () => {
    const counted = form([
      ["integer", "members", "人数", "", "", ". >= 0 and . <= 10"],
      ["begin_repeat", "member", "成员", "", "", "", "", "${members}"],
      ["text", "member_name", "姓名", "", "", "", "yes"],
      ["end_repeat"],
    ]);
    const state = evaluateForm(counted, { members: "3", member: [{ member_name: "甲" }] }, { now: NOW });
    expect(state.rows("member")).toBe(3);
    expect(
      brief(validateAnswers(counted, { members: "3", member: [{ member_name: "甲" }] }, { now: NOW })),
    ).toEqual([
      ["member_name", [1], "validation.required"],
      ["member_name", [2], "validation.required"],
    ]);
    expect(
      brief(validateAnswers(counted, { members: "1", member: "甲" as unknown as Answers[] }, { now: NOW })),
    ).toEqual([
      ["member", [], "questionnaire.answer.shape"],
      ["member_name", [0], "validation.required"],
    ]);
    // Extra rows beyond the count are not the form's.
    const extra = { members: "1", member: [{ member_name: "甲" }, { member_name: "乙" }] };
    expect(validateAnswers(counted, extra, { now: NOW })).toEqual([]);
    expect(cleanAnswers(counted, extra, { now: NOW })).toEqual({
      members: "1",
      member: [{ member_name: "甲" }],
    });
    expect(evaluateForm(counted, { members: "" }, { now: NOW }).rows("member")).toBe(0);
    // An integer question answered 2.7 has no value, so no rows.
    expect(evaluateForm(counted, { members: "2.7" }, { now: NOW }).rows("member")).toBe(0);
    const halves = form([
      ["decimal", "n", "N"],
      ["begin_repeat", "r", "R", "", "", "", "", "${n} div 2"],
      ["text", "x", "X"],
      ["end_repeat"],
    ]);
    expect(evaluateForm(halves, { n: "5" }, { now: NOW }).rows("r")).toBe(2); // 2.5 rounds down
    expect(evaluateForm(halves, { n: "-4" }, { now: NOW }).rows("r")).toBe(0);
    expect(evaluateForm(halves, { n: "100000" }, { now: NOW }).rows("r")).toBe(MAX_ROWS);
  });

  it("row relevance by position, and irrelevant rows kept as {} so numbering stays", () => {
    const def2 = form([
      ["begin_repeat", "r", "R", "position(..) != 2"],
      ["text", "x", "X", "", "", "", "yes"],
      ["end_repeat"],
      ["calculate", "n", "", "", "count(${r})"],
    ]);
    const a = { r: [{ x: "a" }, { x: "" }, { x: "c" }] };
    expect(validateAnswers(def2, a, { now: NOW })).toEqual([]);
    expect(evaluateForm(def2, a, { now: NOW }).value("n")).toBe(2);
    expect(cleanAnswers(def2, a, { now: NOW })).toEqual({ r: [{ x: "a" }, {}, { x: "c" }], n: "2" });
  });
});

describe("today() is China's day, from the clock given", () => {
  const def = form([["date", "d", "D", "", "", ". <= today()"]]);
  const check = (now: string, d: string) => brief(validateAnswers(def, { d }, { now: new Date(now) }));

  it("at 00:30 in Guangzhou (16:30 UTC the day before) it is already the new day", () => {
    expect(check("2024-05-19T16:30:00Z", "2024-05-20")).toEqual([]);
  });

  it("at 23:59 in Guangzhou it is still that day", () => {
    expect(check("2024-05-19T15:59:00Z", "2024-05-20")).toEqual([
      ["d", [], "questionnaire.answer.constraint"],
    ]);
  });

  it("a citizen ID born today (China's) is not in the future", () => {
    const def2 = form([["citizen_id", "id", "ID"]]);
    const body = "44010420240520001";
    const id = body + citizenIdCheckChar(body);
    // 00:30 on 20 May in China is still 19 May in UTC and west of it.
    expect(validateAnswers(def2, { id }, { now: new Date("2024-05-19T16:30:00Z") })).toEqual([]);
    expect(brief(validateAnswers(def2, { id }, { now: new Date("2024-05-19T15:30:00Z") }))).toEqual([
      ["id", [], "validation.citizenId.birthFuture"],
    ]);
  });
});

describe("defaults", () => {
  it("literal, from the register, and computed", () => {
    const def = definition({
      survey: sheetRows([
        ["type", "name", "label", "default"],
        ["integer", "n", "N", "3"],
        ["phone", "p", "P", "${register.phone}"],
        ["date", "d", "D", "today()"],
        ["text", "t", "T"],
      ]),
    });
    const state = evaluateForm(def, {}, { now: NOW, register: { phone: "13800000000" } });
    expect(state.defaultFor("n")).toBe("3");
    expect(state.defaultFor("p")).toBe("13800000000");
    expect(state.defaultFor("d")).toBe("2024-05-20");
    expect(state.defaultFor("t")).toBeUndefined();
    expect(evaluateForm(def, {}, { now: NOW }).defaultFor("p")).toBe(""); // no register value
  });
});
