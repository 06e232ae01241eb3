// FormState.update settles only what reads the answer that changed (the readers worked out once per
// definition). The property: after any sequence of random answers, the state updated step by step
// is the state evaluateForm works out of the same answers from nothing — every question's
// relevance, value, checks, choices and labels, every repeat's rows, validateForm's errors and the
// answers kept — over the two demo questionnaires, the bench's 100-question form with its 30-row
// repeat, and random forms with repeats within repeats. And what update says it changed covers
// everything that looks different, which is all the phone draws again.
// QUESTIONNAIRE_RUNS=2000 (and QUESTIONNAIRE_SEED) for a longer run.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Answers,
  type AnswerValue,
  cellKey,
  cleanForm,
  type EvalContext,
  evaluateForm,
  type FormState,
  parseDefinition,
  type QuestionnaireDefinition,
  sheetRows,
  textIn,
  validateForm,
  type Workbook,
  walkItems,
} from "@/domain/questionnaire";
import { answers as benchAnswers, formWorkbook } from "@/scripts/support/questionnaire-form";
import { ELDERLY_ANSWERS, ELDERLY_REGISTER, elderlyHealth } from "./fixtures/elderly-health";
import { UNEMPLOYED_REGISTER, unemployedInterview, WANTS_WORK } from "./fixtures/unemployed";
import {
  CHOICES,
  context,
  type Gen,
  HEADER,
  answers as randomAnswers,
  VALUES,
  workbook,
} from "./random-form";

const RUNS = Number(process.env.QUESTIONNAIRE_RUNS ?? 100);
const SEED = process.env.QUESTIONNAIRE_SEED ? Number(process.env.QUESTIONNAIRE_SEED) : undefined;
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

// 10:00 on 20 May 2024 in Guangzhou.
const NOW = new Date("2024-05-20T02:00:00Z");

function definition(book: Workbook): QuestionnaireDefinition {
  const r = parseDefinition(book);
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.definition;
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/**
 * Everything the phone draws of a state, one text per place (cellKey): a question's relevance,
 * value, answer, error, required and read-only marks, choices and filled label and hint; a repeat's
 * rows and their relevance under a parent row. Read through the public API only.
 */
function look(state: FormState): Map<string, string> {
  const out = new Map<string, string>();
  for (const { item, parents } of walkItems(state.definition.survey)) {
    const chain = parents.filter((p) => p.kind === "repeat").map((p) => p.name);
    for (const at of state.positions(chain)) {
      const key = cellKey(item.name, at);
      if (item.kind === "repeat") {
        const n = state.rows(item.name, at);
        const selves = Array.from({ length: n }, (_, i) => state.relevant(item.name, [...at, i]));
        out.set(key, JSON.stringify([n, selves, state.errorAt(item.name, at) ?? null]));
        continue;
      }
      const shown: unknown[] = [
        state.relevant(item.name, at),
        state.value(item.name, at),
        state.fill(textIn(item.label, "zh-CN"), item.name, at),
        state.fill(textIn(item.hint, "zh-CN"), item.name, at),
      ];
      if (item.kind === "question") {
        shown.push(
          state.raw(item.name, at) ?? null,
          state.errorAt(item.name, at) ?? null,
          state.required(item.name, at),
          state.readOnly(item.name, at),
          state.choices(item.name, at).map((c) => c.name),
          state.satisfies(item.name, at),
        );
      }
      out.set(key, JSON.stringify(shown));
    }
  }
  return out;
}

/** Places in an update of `name` from a state: a question at one of its rows, or a repeat's rows. */
interface Place {
  name: string;
  chain: string[];
  kind: "question" | "repeat";
  choices: string[];
}

function placesOf(def: QuestionnaireDefinition): Place[] {
  const lists = new Map(def.lists.map((l) => [l.name, l.choices.map((c) => c.name)]));
  const out: Place[] = [];
  for (const { item, parents } of walkItems(def.survey)) {
    if (item.kind === "group") continue;
    const chain = parents.filter((p) => p.kind === "repeat").map((p) => p.name);
    out.push({
      name: item.name,
      chain,
      kind: item.kind === "repeat" ? "repeat" : "question",
      choices: item.kind === "question" && item.list ? (lists.get(item.list) ?? []) : [],
    });
  }
  return out;
}

/** One random change: an answer typed, cleared or picked; a row added or taken away. */
function step(g: Gen, state: FormState, places: Place[]): { name: string; at: number[]; value: AnswerValue } {
  const place = g(fc.constantFrom, ...places);
  const positions = state.positions(place.chain);
  const at = positions.length === 0 ? place.chain.map(() => 0) : [...g(fc.constantFrom, ...positions)];
  if (place.kind === "repeat") {
    const held = state.raw(place.name, at);
    const rows = Array.isArray(held) ? [...(held as Answers[])] : [];
    if (rows.length > 0 && g(fc.boolean)) rows.splice(g(fc.integer, { min: 0, max: rows.length - 1 }), 1);
    else rows.push({});
    return { name: place.name, at, value: rows };
  }
  const pick = g(fc.integer, { min: 0, max: 3 });
  const value =
    pick === 0 && place.choices.length > 0
      ? g(fc.subarray, place.choices, { minLength: 1 }).join(" ")
      : pick === 1
        ? ""
        : pick === 2
          ? String(g(fc.integer, { min: -5, max: 130 }))
          : g(fc.constantFrom, ...VALUES);
  return { name: place.name, at, value };
}

/** Updates the state step by step, checking it against a full evaluation after each. */
function checkSequence(
  g: Gen,
  def: QuestionnaireDefinition,
  start: Answers,
  ctx: EvalContext,
  steps: number,
) {
  const places = placesOf(def);
  const state = evaluateForm(def, start, ctx);
  let incremental = 0;
  for (let i = 0; i < steps; i++) {
    const before = look(state);
    const { name, at, value } = step(g, state, places);
    const change = state.update(name, at, value);
    if (!change.all) incremental++;
    const full = evaluateForm(def, json(state.answers), ctx);
    const after = look(state);
    expect(after).toEqual(look(full));
    expect(validateForm(state)).toEqual(validateForm(full));
    expect(cleanForm(state)).toEqual(cleanForm(full));
    expect(state.strays()).toEqual(validateForm(full).filter((e) => e.kind === "unknown"));
    if (change.all) continue;
    // What looks different is what update named: a place, or a reader of something that changed.
    for (const [key, shown] of after) {
      if (before.get(key) === shown) continue;
      const reader = change.readers.has(key.slice(0, key.indexOf("@")));
      expect(
        change.cells.has(key) || reader,
        `${key} changed after ${name}@${at} = ${JSON.stringify(value)}`,
      ).toBe(true);
    }
  }
  return incremental;
}

const elderly = definition(elderlyHealth);
const unemployed = definition(unemployedInterview);
const bench = definition(formWorkbook(30));
const benchOpen = definition(formWorkbook());

describe("an update settles only what reads the answer, and agrees with a full evaluation", () => {
  it("on the health record of older residents", () => {
    let incremental = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const start = g(fc.boolean) ? ELDERLY_ANSWERS : {};
        incremental += checkSequence(g, elderly, start, { now: NOW, register: ELDERLY_REGISTER }, 12);
      }),
      params,
    );
    // Most steps (all but a repeat's rows changing) were incremental: the property tested update's own work.
    expect(incremental).toBeGreaterThan(RUNS * 6);
  });

  it("on the interview of unemployed residents", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const start = g(fc.boolean) ? WANTS_WORK : {};
        checkSequence(g, unemployed, start, { now: NOW, register: UNEMPLOYED_REGISTER }, 12);
      }),
      params,
    );
  });

  it("on the bench's 100-question form, its repeat counted (30 rows) and open", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const n = g(fc.integer, { min: 0, max: 50 });
        checkSequence(g, bench, g(fc.boolean) ? benchAnswers(n) : {}, { now: NOW }, 6);
        checkSequence(g, benchOpen, benchAnswers(n), { now: NOW }, 6);
      }),
      { ...params, numRuns: Math.max(5, Math.floor(RUNS / 10)) },
    );
  });

  it("on random forms with repeats within repeats", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { rows, specs } = workbook(g);
        const parsed = parseDefinition({ survey: sheetRows([HEADER, ...rows]), choices: sheetRows(CHOICES) });
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        checkSequence(g, parsed.definition, randomAnswers(g, specs), context(g), 10);
      }),
      params,
    );
  });
});

describe("an update", () => {
  it("of one row of the repeat names that row's answer and the sum over the repeat, nothing else", () => {
    const state = evaluateForm(bench, benchAnswers(1), { now: NOW });
    const change = state.update("r0", [15], "7");
    expect(change.all).toBe(false);
    expect([...change.cells].sort()).toEqual(["r0@15", "total@"]);
    expect([...change.readers]).toEqual([]);
    expect(state.text("total")).toBe(evaluateForm(bench, json(state.answers), { now: NOW }).text("total"));
  });

  it("of a question another's constraint reads names that reader", () => {
    const state = evaluateForm(bench, benchAnswers(1), { now: NOW });
    const change = state.update("q0", [], "50");
    expect([...change.cells]).toEqual(["q0@"]);
    expect([...change.readers]).toEqual(["q3"]);
  });

  it("of a repeat's rows makes the rows again", () => {
    const state = evaluateForm(benchOpen, benchAnswers(1), { now: NOW });
    const rows = state.raw("rows") as Answers[];
    expect(state.update("rows", [], [...rows, {}]).all).toBe(true);
    expect(state.rows("rows")).toBe(31);
  });
});
