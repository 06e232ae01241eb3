// Random questionnaires (groups, repeats within repeats, skip logic, constraints, calculations,
// aggregates) and random answers to them, for the property tests.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import fc from "fast-check";
import type { Answers, EvalContext } from "@/domain/questionnaire/evaluate";

export type Gen = fc.GeneratorValue;

/** What the expressions at one place may read. */
export interface ExprScope {
  /** Questions with one value here. */
  refs: readonly string[];
  /** Totals over repeats closed before this place: count(${r}), sum(${x}). */
  totals: readonly string[];
  self: boolean;
  inRepeat: boolean;
}

export const LITERALS = [
  "1",
  "0",
  "2.5",
  "-3",
  "'a'",
  "'b'",
  "''",
  "'a b'",
  "'2024-05-20'",
  "today()",
  "true()",
];
const BINARY = ["+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or"];
const UNARY = ["not", "string-length", "count-selected", "date", "number", "string", "int", "round"];

export function expression(g: Gen, s: ExprScope, depth: number): string {
  const atoms = [
    ...LITERALS,
    ...s.refs.map((r) => `\${${r}}`),
    ...s.totals,
    "${register.x}",
    "${register.flag}",
    ...(s.self ? [".", "."] : []),
    ...(s.inRepeat ? ["position(..)"] : []),
  ];
  const kind = depth <= 0 ? 0 : g(fc.integer, { min: 0, max: 7 });
  const sub = () => expression(g, s, depth - 1);
  switch (kind) {
    case 1:
    case 2:
      return `(${sub()} ${g(fc.constantFrom, ...BINARY)} ${sub()})`;
    case 3:
      return `${g(fc.constantFrom, ...UNARY)}(${sub()})`;
    case 4:
      return `if(${sub()}, ${sub()}, ${sub()})`;
    case 5:
      return `selected(${sub()}, ${g(fc.constantFrom, "'a'", "'b'", "'other'")})`;
    case 6:
      return `${g(fc.constantFrom, "concat", "coalesce")}(${sub()}, ${sub()})`;
    case 7:
      return `regex(${sub()}, '^[a-c ]+$')`;
    default:
      return g(fc.constantFrom, ...atoms);
  }
}

const TYPES = [
  "text",
  "integer",
  "decimal",
  "date",
  "select_one abc",
  "select_multiple abc",
  "select_one abc or_other",
  "acknowledge",
  "calculate",
  "note",
  "phone",
];

export type Spec = { q: string } | { repeat: string; items: Spec[] };

interface Built {
  rows: string[][];
  specs: Spec[];
}

/**
 * A block of items at one level. `refs` grows as items are added, so every reference points back
 * and no circle can form; what a repeat holds is readable after it only through count() and sum().
 */
function block(
  g: Gen,
  scope: ExprScope,
  depth: number,
  rows: string[][],
  next: () => string,
): { specs: Spec[]; names: string[] } {
  const specs: Spec[] = [];
  const names: string[] = [];
  let refs = [...scope.refs];
  let totals = [...scope.totals];
  const here = (self: boolean, inRepeat = scope.inRepeat): ExprScope => ({ refs, totals, self, inRepeat });
  const maybe = (s: ExprScope) => (g(fc.integer, { min: 0, max: 2 }) === 0 ? expression(g, s, 2) : "");
  const count = g(fc.integer, { min: 1, max: 4 });
  for (let i = 0; i < count; i++) {
    const kind = depth < 2 ? g(fc.constantFrom, "q", "q", "q", "group", "repeat") : "q";
    const name = next();
    if (kind === "group") {
      rows.push(["begin_group", name, "G", maybe(here(false))]);
      const inner = block(g, here(false), depth + 1, rows, next);
      rows.push(["end_group"]);
      specs.push(...inner.specs);
      refs = [...refs, ...inner.names];
      names.push(...inner.names);
    } else if (kind === "repeat") {
      const counted = g(fc.integer, { min: 0, max: 2 }) === 0;
      const repeatCount = counted ? g(fc.constantFrom, "2", "0", ...refs.map((r) => `\${${r}}`)) : "";
      rows.push(["begin_repeat", name, "R", maybe(here(false, true)), "", "", "", repeatCount]);
      const inner = block(g, here(false, true), depth + 1, rows, next);
      rows.push(["end_repeat"]);
      specs.push({ repeat: name, items: inner.specs });
      totals = [...totals, `count(\${${name}})`, ...inner.names.map((n) => `sum(\${${n}})`)];
    } else {
      const type = g(fc.constantFrom, ...TYPES);
      const input = !["calculate", "note"].includes(type);
      const relevant = maybe(here(false));
      const calculation = type === "calculate" ? expression(g, here(false), 2) : "";
      const constraint = input ? maybe(here(true)) : "";
      const required = input ? g(fc.constantFrom, "", "yes", "no", expression(g, here(true), 1)) : "";
      rows.push([
        type,
        name,
        type === "calculate" ? "" : `Q ${name}`,
        relevant,
        calculation,
        constraint,
        required,
      ]);
      specs.push({ q: name });
      if (type.endsWith("or_other")) specs.push({ q: `${name}_other` });
      refs = [...refs, name];
      names.push(name);
    }
  }
  return { specs, names };
}

export function workbook(g: Gen): Built {
  let n = 0;
  const rows: string[][] = [];
  const { specs } = block(
    g,
    { refs: [], totals: [], self: false, inRepeat: false },
    0,
    rows,
    () => `q${n++}`,
  );
  return { rows, specs };
}

export const VALUES = [
  "",
  "a",
  "b",
  "c",
  "a b",
  "b a",
  "a a",
  "other",
  "1",
  "-3",
  "2.5",
  "007",
  "2024-05-20",
  "2023-02-29",
  "OK",
  "13812345678",
  " ",
  // Answers the checks must take in their order: malformed, too long, then a direction mark.
  "a\u202Eb",
  "\uD800",
  "a\u0000",
  `${"x".repeat(2001)}\u202E`,
  "2024-5-1",
];

export function answers(g: Gen, specs: Spec[]): Answers {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (!g(fc.boolean)) continue;
    if ("q" in spec) {
      out[spec.q] =
        g(fc.integer, { min: 0, max: 9 }) === 0
          ? g(fc.string, { maxLength: 6 })
          : g(fc.constantFrom, ...VALUES);
    } else {
      out[spec.repeat] = Array.from({ length: g(fc.integer, { min: 0, max: 3 }) }, () =>
        answers(g, spec.items),
      );
    }
  }
  // Now and then a payload no phone of ours would send.
  const odd = g(fc.integer, { min: 0, max: 12 });
  if (odd === 0) out.not_in_the_form = "x";
  if (odd === 1 && specs.length > 0 && "q" in specs[0]) out[specs[0].q] = 42;
  if (odd === 2 && specs.length > 0 && "repeat" in specs[0]) out[specs[0].repeat] = "rows";
  return out as Answers;
}

export function context(g: Gen): EvalContext {
  const now = g(fc.date, {
    min: new Date("2000-01-01T00:00:00Z"),
    max: new Date("2030-12-31T00:00:00Z"),
    noInvalidDate: true,
  });
  return { now, register: { x: g(fc.constantFrom, ...VALUES, null), flag: g(fc.boolean) } };
}

export const HEADER = [
  "type",
  "name",
  "label",
  "relevant",
  "calculation",
  "constraint",
  "required",
  "repeat_count",
];
export const CHOICES = [
  ["list_name", "name", "label"],
  ["abc", "a", "甲"],
  ["abc", "b", "乙"],
  ["abc", "c", "丙"],
];
