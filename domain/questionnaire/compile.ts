// Expression trees turned into closures, once per definition (evaluate.ts keeps them per definition
// object). Walking a tree means a switch on every node and a scope object per evaluation; a closure
// tree is the same walk decided once, so the phone at every keystroke and the server for every pushed
// visit only call functions. The meaning is interpret.ts's, node for node (the same values.ts
// conversions); what a reference reads is the caller's, resolved when compiling (`Leaves`).
// Still no `eval` and no `new Function`: the closures are this file's, the tree only chooses them.

import type { Choice } from "./definition";
import type { BinaryOp, Expr } from "./expr";
import type { Value } from "./values";
import * as values from "./values";

// The helpers as this module's own constants: a bundler's (and tsx's) named import is a getter on
// values.ts's exports, called at every use of every compiled expression.
const { compare, dayOfIso, equals, roundTo, toBoolean, toDate, toNumber, toText } = values;

/**
 * A compiled expression: `S` the form's state, `I` the row (or the form) it is evaluated in, and the
 * choice a choice_filter is asked about (null elsewhere).
 */
export type Fn<S, I> = (state: S, row: I, choice: Choice | null) => Value;

/** What the leaves of a tree mean where the expression sits (the caller knows its repeats). */
export interface Leaves<S, I> {
  ref(name: string): Fn<S, I>;
  /** count(${name}) */
  count(name: string): Fn<S, I>;
  /** The values sum(${name}) adds. */
  values(name: string): (state: S, row: I) => readonly Value[];
  register(field: string): Fn<S, I>;
  self(): Fn<S, I>;
  position(): Fn<S, I>;
  column(name: string): Fn<S, I>;
  today(): Fn<S, I>;
}

const constant =
  <S, I>(v: Value): Fn<S, I> =>
  () =>
    v;

/**
 * Whether a UTF-16 unit is what `\s` matches (and trim() strips): JavaScript's WhiteSpace and
 * LineTerminator. Multiple choices are read by hand with it — a pushed visit's every select_multiple
 * answer is split by it, and a regular expression per character or an array per answer cost the
 * push more than the rest of its checks.
 */
export function isBlankUnit(c: number): boolean {
  return c <= 0x20
    ? c === 0x20 || (c >= 0x09 && c <= 0x0d)
    : c >= 0xa0 &&
        (c === 0xa0 ||
          c === 0x1680 ||
          (c >= 0x2000 && c <= 0x200a) ||
          c === 0x2028 ||
          c === 0x2029 ||
          c === 0x202f ||
          c === 0x205f ||
          c === 0x3000 ||
          c === 0xfeff);
}

/** The non-blank whitespace-separated pieces of a multiple choice, without an array when counting. */
export function countTokens(text: string): number {
  let n = 0;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const blank = isBlankUnit(text.charCodeAt(i));
    if (!blank && !inToken) n++;
    inToken = !blank;
  }
  return n;
}

/** Is `token` one of the whitespace-separated pieces of `text` (as text.split(/\s+/) gives them)? */
export function hasToken(text: string, token: string): boolean {
  if (token === "") return false;
  if (text === token) return true;
  // A piece holds no blank: a token with one is no piece.
  for (let i = 0; i < token.length; i++) if (isBlankUnit(token.charCodeAt(i))) return false;
  const n = token.length;
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const end = at + n;
    if (
      (at === 0 || isBlankUnit(text.charCodeAt(at - 1))) &&
      (end === text.length || isBlankUnit(text.charCodeAt(end)))
    )
      return true;
  }
  return false;
}

/** Length in characters (code points), as string-length() counts, without spreading the string. */
function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

export function compileExpr<S, I>(expr: Expr, leaves: Leaves<S, I>): Fn<S, I> {
  const sub = (e: Expr) => compileExpr(e, leaves);
  switch (expr.k) {
    case "num":
    case "str":
      return constant(expr.v);
    case "ref":
      return leaves.ref(expr.name);
    case "reg":
      return leaves.register(expr.field);
    case "self":
      return leaves.self();
    case "col":
      return leaves.column(expr.name);
    case "pos":
      return leaves.position();
    case "neg": {
      const a = sub(expr.a);
      return (s, i, c) => -toNumber(a(s, i, c));
    }
    case "bin":
      return binary(expr.op, sub(expr.a), sub(expr.b));
    case "call":
      return call(expr, leaves, sub);
  }
}

function binary<S, I>(op: BinaryOp, a: Fn<S, I>, b: Fn<S, I>): Fn<S, I> {
  switch (op) {
    case "or":
      return (s, i, c) => toBoolean(a(s, i, c)) || toBoolean(b(s, i, c));
    case "and":
      return (s, i, c) => toBoolean(a(s, i, c)) && toBoolean(b(s, i, c));
    // Two texts (an answer against a choice's name) are equal exactly when they are the same text.
    case "=":
      return (s, i, c) => {
        const x = a(s, i, c);
        const y = b(s, i, c);
        return typeof x === "string" && typeof y === "string" ? x === y : equals(x, y);
      };
    case "!=":
      return (s, i, c) => {
        const x = a(s, i, c);
        const y = b(s, i, c);
        return typeof x === "string" && typeof y === "string" ? x !== y : !equals(x, y);
      };
    // Two numbers (a constraint's answer against a bound, the commonest comparison) compared
    // directly; anything else as compare() does.
    case "<":
      return (s, i, c) => {
        const x = a(s, i, c);
        const y = b(s, i, c);
        return typeof x === "number" && typeof y === "number" ? x < y : compare("<", x, y);
      };
    case "<=":
      return (s, i, c) => {
        const x = a(s, i, c);
        const y = b(s, i, c);
        return typeof x === "number" && typeof y === "number" ? x <= y : compare("<=", x, y);
      };
    case ">":
      return (s, i, c) => {
        const x = a(s, i, c);
        const y = b(s, i, c);
        return typeof x === "number" && typeof y === "number" ? x > y : compare(">", x, y);
      };
    case ">=":
      return (s, i, c) => {
        const x = a(s, i, c);
        const y = b(s, i, c);
        return typeof x === "number" && typeof y === "number" ? x >= y : compare(">=", x, y);
      };
    case "+":
      return (s, i, c) => toNumber(a(s, i, c)) + toNumber(b(s, i, c));
    case "-":
      return (s, i, c) => toNumber(a(s, i, c)) - toNumber(b(s, i, c));
    case "*":
      return (s, i, c) => toNumber(a(s, i, c)) * toNumber(b(s, i, c));
    case "div":
      return (s, i, c) => toNumber(a(s, i, c)) / toNumber(b(s, i, c));
    case "mod":
      // XPath's mod keeps the dividend's sign, as JavaScript's % does.
      return (s, i, c) => toNumber(a(s, i, c)) % toNumber(b(s, i, c));
  }
}

function call<S, I>(expr: Expr & { k: "call" }, leaves: Leaves<S, I>, sub: (e: Expr) => Fn<S, I>): Fn<S, I> {
  const args = expr.args;
  switch (expr.fn) {
    case "if": {
      const [test, then, otherwise] = args.map(sub);
      return (s, i, c) => (toBoolean(test(s, i, c)) ? then(s, i, c) : otherwise(s, i, c));
    }
    case "not": {
      const a = sub(args[0]);
      return (s, i, c) => !toBoolean(a(s, i, c));
    }
    case "true":
      return constant(true);
    case "false":
      return constant(false);
    case "selected": {
      // selected(., 'name'), as forms write it: the choice's name trimmed once, here.
      if (args[1].k === "str") {
        const list = sub(args[0]);
        const token = args[1].v.trim();
        return (s, i, c) => hasToken(toText(list(s, i, c)), token);
      }
      const [list, choice] = args.map(sub);
      return (s, i, c) => hasToken(toText(list(s, i, c)), toText(choice(s, i, c)).trim());
    }
    case "count-selected": {
      const list = sub(args[0]);
      return (s, i, c) => countTokens(toText(list(s, i, c)));
    }
    case "count":
      return args[0].k === "ref" ? leaves.count(args[0].name) : constant(0);
    case "sum": {
      if (args[0].k !== "ref") return constant(0);
      const values = leaves.values(args[0].name);
      // Blank rows are skipped rather than making the sum NaN (XPath's answer): a row left empty
      // or made irrelevant contributes nothing.
      return (s, i) => {
        let total = 0;
        for (const v of values(s, i)) if (toText(v) !== "") total += toNumber(v);
        return total;
      };
    }
    case "string-length": {
      const a = sub(args[0]);
      return (s, i, c) => codePoints(toText(a(s, i, c)));
    }
    case "concat": {
      const parts = args.map(sub);
      return (s, i, c) => {
        let out = "";
        for (const part of parts) out += toText(part(s, i, c));
        return out;
      };
    }
    case "regex": {
      let re: RegExp | null = null;
      if (args[1].k === "str") {
        try {
          re = new RegExp(args[1].v);
        } catch {
          re = null;
        }
      }
      if (!re) return constant(false);
      const pattern = re;
      const text = sub(args[0]);
      return (s, i, c) => pattern.test(toText(text(s, i, c)));
    }
    case "today":
      return leaves.today();
    case "date": {
      const a = sub(args[0]);
      return (s, i, c) => toDate(a(s, i, c)) ?? "";
    }
    case "coalesce": {
      const options = args.map(sub);
      return (s, i, c) => {
        for (const option of options) {
          const v = option(s, i, c);
          if (toText(v) !== "") return v;
        }
        return "";
      };
    }
    case "number": {
      const a = sub(args[0]);
      return (s, i, c) => toNumber(a(s, i, c));
    }
    case "string": {
      const a = sub(args[0]);
      return (s, i, c) => toText(a(s, i, c));
    }
    case "int": {
      const a = sub(args[0]);
      return (s, i, c) => Math.trunc(toNumber(a(s, i, c)));
    }
    case "round": {
      const x = sub(args[0]);
      const digits = args.length > 1 ? sub(args[1]) : constant<S, I>(0);
      return (s, i, c) => roundTo(toNumber(x(s, i, c)), toNumber(digits(s, i, c)));
    }
  }
}

/** today() as a value, from the day's text (YYYY-MM-DD). */
export function dayValue(day: string): Value {
  const d = dayOfIso(day);
  return d === null ? "" : { day: d };
}
