// Walking an expression tree to its value. Total: every tree gives a value for every scope, never an
// exception, so a form cannot crash the phone or refuse a push because of an odd answer. The
// conversions are values.ts's; what a reference means (which repeat row, relevance) is the scope's,
// supplied by evaluate.ts.

import type { BinaryOp, Expr } from "./expr";
import {
  compare,
  dayOfIso,
  equals,
  type Relation,
  roundTo,
  toBoolean,
  toDate,
  toNumber,
  toText,
  type Value,
} from "./values";

export interface Scope {
  /** ${name}: the value of the question in this row (or outside any repeat), "" when irrelevant. */
  value(name: string): Value;
  /** Under sum(): the values of the question in every relevant row it designates. */
  values(name: string): Value[];
  /** Under count(): how many relevant rows ${name} designates (a repeat's rows, or a question's). */
  count(name: string): number;
  /** `.`: the question's own value (constraints). */
  self(): Value;
  /** position(..): this row's number, from 1. */
  position(): number;
  /** ${register.field}: the subject's register value, "" when absent. */
  register(field: string): Value;
  /** A choice_filter's bare name: the current choice's column. */
  column(name: string): Value;
  /** today(): the calendar day, YYYY-MM-DD (China's, from the injected clock). */
  today(): string;
}

// Compiled once per pattern: patterns are literals of the definition, so there are few.
const patterns = new Map<string, RegExp>();

function pattern(source: string): RegExp | null {
  let re = patterns.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      return null;
    }
    if (patterns.size > 1000) patterns.clear();
    patterns.set(source, re);
  }
  return re;
}

const tokens = (list: Value): string[] => toText(list).split(/\s+/).filter(Boolean);

export function evaluate(expr: Expr, scope: Scope): Value {
  switch (expr.k) {
    case "num":
    case "str":
      return expr.v;
    case "ref":
      return scope.value(expr.name);
    case "reg":
      return scope.register(expr.field);
    case "self":
      return scope.self();
    case "col":
      return scope.column(expr.name);
    case "pos":
      return scope.position();
    case "neg":
      return -toNumber(evaluate(expr.a, scope));
    case "bin":
      return binary(expr.op, expr.a, expr.b, scope);
    case "call":
      return call(expr, scope);
  }
}

function binary(op: BinaryOp, a: Expr, b: Expr, scope: Scope): Value {
  switch (op) {
    case "or":
      return toBoolean(evaluate(a, scope)) || toBoolean(evaluate(b, scope));
    case "and":
      return toBoolean(evaluate(a, scope)) && toBoolean(evaluate(b, scope));
    case "=":
      return equals(evaluate(a, scope), evaluate(b, scope));
    case "!=":
      return !equals(evaluate(a, scope), evaluate(b, scope));
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(op as Relation, evaluate(a, scope), evaluate(b, scope));
  }
  const x = toNumber(evaluate(a, scope));
  const y = toNumber(evaluate(b, scope));
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "div":
      return x / y;
    case "mod":
      // XPath's mod keeps the dividend's sign, as JavaScript's % does.
      return x % y;
  }
}

function call(expr: Expr & { k: "call" }, scope: Scope): Value {
  const args = expr.args;
  switch (expr.fn) {
    case "if":
      return toBoolean(evaluate(args[0], scope)) ? evaluate(args[1], scope) : evaluate(args[2], scope);
    case "not":
      return !toBoolean(evaluate(args[0], scope));
    case "true":
      return true;
    case "false":
      return false;
    case "selected":
      return tokens(evaluate(args[0], scope)).includes(toText(evaluate(args[1], scope)).trim());
    case "count-selected":
      return tokens(evaluate(args[0], scope)).length;
    case "count":
      return args[0].k === "ref" ? scope.count(args[0].name) : 0;
    case "sum": {
      if (args[0].k !== "ref") return 0;
      // Blank rows are skipped rather than making the sum NaN (XPath's answer): a row left empty
      // or made irrelevant contributes nothing.
      let total = 0;
      for (const v of scope.values(args[0].name)) if (toText(v) !== "") total += toNumber(v);
      return total;
    }
    case "string-length":
      return [...toText(evaluate(args[0], scope))].length;
    case "concat":
      return args.map((a) => toText(evaluate(a, scope))).join("");
    case "regex": {
      const re = args[1].k === "str" ? pattern(args[1].v) : null;
      return re ? re.test(toText(evaluate(args[0], scope))) : false;
    }
    case "today": {
      const day = dayOfIso(scope.today());
      return day === null ? "" : { day };
    }
    case "date":
      return toDate(evaluate(args[0], scope)) ?? "";
    case "coalesce":
      for (const a of args) {
        const v = evaluate(a, scope);
        if (toText(v) !== "") return v;
      }
      return "";
    case "number":
      return toNumber(evaluate(args[0], scope));
    case "string":
      return toText(evaluate(args[0], scope));
    case "int":
      return Math.trunc(toNumber(evaluate(args[0], scope)));
    case "round":
      return roundTo(
        toNumber(evaluate(args[0], scope)),
        args.length > 1 ? toNumber(evaluate(args[1], scope)) : 0,
      );
  }
}
