// Property tests: random questionnaires (groups, repeats within repeats, skip logic, constraints,
// calculations, aggregates) with random answers. The phone and the server evaluate the same JSON,
// so the checks are that evaluation is a function of definition, answers and clock alone — the
// same after a JSON trip, the same twice — that nothing irrelevant is ever an error, and that the
// answers kept (cleanAnswers) are a fixed point with the same verdict. Plus: the parsers never throw.
// QUESTIONNAIRE_RUNS=2000 (and QUESTIONNAIRE_SEED) for a longer run.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileExpr } from "@/domain/questionnaire/compile";
import { parseDefinition, sheetRows, walkItems } from "@/domain/questionnaire/definition";
import {
  cleanAnswers,
  evaluateForm,
  type FieldError,
  validateAnswers,
} from "@/domain/questionnaire/evaluate";
import { parseExpression } from "@/domain/questionnaire/expr";
import { evaluate, type Scope } from "@/domain/questionnaire/interpret";
import { answers, CHOICES, context, expression, HEADER, workbook } from "./random-form";
import * as reference from "./reference-evaluate";

const RUNS = Number(process.env.QUESTIONNAIRE_RUNS ?? 150);
const SEED = process.env.QUESTIONNAIRE_SEED ? Number(process.env.QUESTIONNAIRE_SEED) : undefined;
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/**
 * Does the place of an error apply? A question's own relevance; for a repeat's rows (which are
 * checked as a whole) the enclosing group's or row's; an unknown name has no place to apply.
 */
function placeApplies(state: ReturnType<typeof evaluateForm>, error: FieldError): boolean {
  if (error.kind === "unknown") return true;
  for (const { item, parents } of walkItems(state.definition.survey)) {
    if (item.name !== error.name) continue;
    if (item.kind !== "repeat") return state.relevant(error.name, error.at);
    const parent = parents[parents.length - 1];
    return parent ? state.relevant(parent.name, error.at) : true;
  }
  return false;
}

describe("random questionnaires and answers", () => {
  it("evaluate the same on the phone and on the server, and never fault what does not apply", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { rows, specs } = workbook(g);
        const parsed = parseDefinition({ survey: sheetRows([HEADER, ...rows]), choices: sheetRows(CHOICES) });
        if (!parsed.ok)
          throw new Error(
            `generated form refused: ${JSON.stringify(parsed.problems)}\n${JSON.stringify(rows)}`,
          );
        const def = parsed.definition;
        const given = answers(g, specs);
        const ctx = context(g);

        const phone = validateAnswers(def, given, ctx);
        // The server: the definition from its database, the answers from the push, its own Date.
        const server = validateAnswers(json(def), json(given), {
          now: new Date(ctx.now.getTime()),
          register: json(ctx.register),
        });
        expect(server).toEqual(phone);
        expect(validateAnswers(def, given, ctx)).toEqual(phone);
        expect(cleanAnswers(json(def), json(given), ctx)).toEqual(cleanAnswers(def, given, ctx));

        const state = evaluateForm(def, given, ctx);
        for (const error of phone) {
          expect(placeApplies(state, error), JSON.stringify(error)).toBe(true);
          if (error.kind === "required") expect(state.required(error.name, error.at)).toBe(true);
          if (error.kind === "constraint") expect(state.satisfies(error.name, error.at)).toBe(false);
        }

        // What is kept is a fixed point, and judged the same (shape and unknown names aside, which
        // keeping removes).
        const kept = cleanAnswers(def, given, ctx);
        expect(cleanAnswers(def, kept, ctx)).toEqual(kept);
        const verdict = (errors: FieldError[]) =>
          errors.filter((e) => ["required", "type", "constraint"].includes(e.kind));
        const keptErrors = validateAnswers(def, kept, ctx);
        expect(keptErrors.filter((e) => e.kind === "unknown" || e.kind === "shape")).toEqual([]);
        if (!phone.some((e) => e.kind === "shape")) expect(verdict(keptErrors)).toEqual(verdict(phone));
      }),
      params,
    );
  });
});

describe("the compiled engine (evaluate.ts) against the tree-walking reference it replaced", () => {
  // reference-evaluate.ts is the evaluator as it was before definitions were compiled: the same
  // rules, walked node by node and row key by row key. Every verdict and every answer to the
  // renderer's questions must be the same.
  it("agrees on every error, the kept answers and what each question shows", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { rows, specs } = workbook(g);
        const parsed = parseDefinition({ survey: sheetRows([HEADER, ...rows]), choices: sheetRows(CHOICES) });
        if (!parsed.ok) throw new Error(`generated form refused: ${JSON.stringify(parsed.problems)}`);
        const def = parsed.definition;
        const given = answers(g, specs);
        const ctx = context(g);
        expect(validateAnswers(def, given, ctx)).toEqual(reference.validateAnswers(def, given, ctx));
        expect(cleanAnswers(def, given, ctx)).toEqual(reference.cleanAnswers(def, given, ctx));

        const state = evaluateForm(def, given, ctx);
        const old = reference.evaluateForm(def, given, ctx);
        for (const { item, parents } of walkItems(def.survey)) {
          const chain = parents.filter((p) => p.kind === "repeat").map((p) => p.name);
          expect(state.positions(chain)).toEqual(old.positions(chain));
          for (const at of old.positions(chain)) {
            const name = item.name;
            const where = `${name}@${at.join(".")}`;
            if (item.kind === "repeat") {
              expect(state.rows(name, at), where).toBe(old.rows(name, at));
              for (let i = 0; i <= old.rows(name, at); i++)
                expect(state.relevant(name, [...at, i]), where).toBe(old.relevant(name, [...at, i]));
              continue;
            }
            expect(state.relevant(name, at), where).toBe(old.relevant(name, at));
            expect(state.value(name, at), where).toEqual(old.value(name, at));
            expect(state.raw(name, at), where).toEqual(old.raw(name, at));
            expect(state.required(name, at), where).toBe(old.required(name, at));
            expect(state.readOnly(name, at), where).toBe(old.readOnly(name, at));
            expect(state.satisfies(name, at), where).toBe(old.satisfies(name, at));
            expect(state.choices(name, at), where).toEqual(old.choices(name, at));
            expect(state.defaultFor(name, at), where).toEqual(old.defaultFor(name, at));
            const label = `Q \${${specs.length > 0 && "q" in specs[0] ? specs[0].q : name}} \${register.x}`;
            expect(state.fill(label, name, at), where).toBe(old.fill(label, name, at));
          }
        }
      }),
      params,
    );
  });
});

/** The characters expressions go wrong on: brackets, quotes, full-width forms, lone surrogates. */
const TRICKY = fc.constantFrom(
  ..."${}()'\"./[]@|,=<>!-+* 1a_x".split(""),
  "div",
  "regex(",
  "position(",
  "..",
  "，",
  "（",
  "）",
  "“",
  "＇",
  "\u3000",
  "\uD800",
  "𠀀",
  "张",
);

describe("the parsers never throw", () => {
  it("on any text as an expression, and say where the fault is", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: TRICKY, maxLength: 40 })),
        (text) => {
          const r = parseExpression(text);
          if (!r.ok) {
            expect(r.error.params.at).toBeGreaterThanOrEqual(1);
            expect(r.error.params.at).toBeLessThanOrEqual(Math.max(text.length + 1, 1));
          }
        },
      ),
      params,
    );
  });

  it("on random expressions, which evaluate to a value in any scope, the same each time", () => {
    const value = fc.oneof(
      fc.constantFrom<string | number | boolean | { day: number }>(
        "",
        "a",
        "a b",
        0,
        3.5,
        Number.NaN,
        true,
        false,
        { day: 19863 },
      ),
      fc.string({ maxLength: 5 }),
      fc.double(),
    );
    fc.assert(
      fc.property(fc.gen(), value, value, fc.integer({ min: 1, max: 5 }), (g, a, b, position) => {
        const source = expression(
          g,
          { refs: ["a", "b"], totals: ["count(${r})", "sum(${a})"], self: true, inRepeat: true },
          3,
        );
        const r = parseExpression(source);
        expect(r.ok, source).toBe(true);
        if (!r.ok) return;
        const scope: Scope = {
          value: (n) => (n === "a" ? a : b),
          values: () => [a, b],
          count: () => 2,
          self: () => a,
          position: () => position,
          register: () => b,
          column: () => "",
          today: () => "2024-05-20",
        };
        const v = evaluate(r.expr, scope);
        expect(["string", "number", "boolean", "object"]).toContain(typeof v);
        expect(evaluate(json(r.expr), scope)).toEqual(v);
        // The closures the engine runs (compile.ts) mean what the tree walk means.
        const compiled = compileExpr<null, null>(r.expr, {
          ref: (n) => () => scope.value(n),
          count: (n) => () => scope.count(n),
          values: (n) => () => scope.values(n),
          register: (f) => () => scope.register(f),
          self: () => () => scope.self(),
          position: () => () => scope.position(),
          column: (n) => () => scope.column(n),
          today: () => () => ({ day: 19863 }),
        });
        const w = compiled(null, null, null);
        if (typeof v === "number" && Number.isNaN(v)) expect(w).toBeNaN();
        else expect(w).toEqual(v);
      }),
      params,
    );
  });

  it("on random workbooks, and every problem names a place", () => {
    const cell = fc.oneof(
      fc.constantFrom(
        "",
        "text",
        "integer",
        "select_one abc",
        "begin_group",
        "end_group",
        "begin_repeat",
        "end_repeat",
        "calculate",
        "q1",
        "q2",
        "${q1}",
        ". > 1",
        "yes",
        "abc",
        "a",
      ),
      fc.string({ maxLength: 8 }),
    );
    const grid = fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 8 });
    fc.assert(
      fc.property(grid, grid, (survey, choices) => {
        const r = parseDefinition({
          survey: sheetRows([HEADER, ...survey]),
          choices: sheetRows([["list_name", "name", "label"], ...choices]),
        });
        if (!r.ok) {
          for (const p of r.problems) {
            expect(["survey", "choices", "settings"]).toContain(p.sheet);
            expect(p.row === 0 ? p.cell === "" : /^[A-Z]+\d+$/.test(p.cell) || p.cell === "").toBe(true);
            expect(p.key).toMatch(/^questionnaire\.(def|expr)\./);
          }
        }
      }),
      params,
    );
  });
});
