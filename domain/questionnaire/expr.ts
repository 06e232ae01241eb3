// XLSForm expressions (relevant, constraint, calculation, required, choice_filter…) read into a
// syntax tree once, when a definition is uploaded, so a mistake is reported there with the place it
// sits in, and the phone and the server only walk trees afterwards. The tree is plain data: it
// travels inside the definition's JSON and means the same after the trip. Nothing is ever handed to
// `eval` or `new Function`.
//
// The grammar is XPath 1.0's expression grammar without paths, as XLSForm uses it:
//
//   or  := and ("or" and)*                 and := eq ("and" eq)*
//   eq  := rel (("=" | "!=") rel)*         rel := add (("<" | "<=" | ">" | ">=") add)*
//   add := mul (("+" | "-") mul)*          mul := unary (("*" | "div" | "mod") unary)*
//   unary := "-" unary | primary
//   primary := number | 'text' | "text" | ${name} | ${register.field} | "." | "(" or ")"
//            | function "(" (or ("," or)*)? ")" | position(..)
//
// In a choice_filter a bare name is a column of the choices sheet (`county = ${county}`); anywhere
// else it is refused with a hint to write ${name}. Paths (/data/x, ../x), predicates and unions are
// refused: ${name} says the same thing and is checked against the form.

import { toHalfWidth } from "../validators/text";

export type BinaryOp = "or" | "and" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "div" | "mod";

/** The functions of the supported subset, with their fewest and most arguments. */
export const FUNCTIONS = {
  if: [3, 3],
  not: [1, 1],
  true: [0, 0],
  false: [0, 0],
  selected: [2, 2],
  "count-selected": [1, 1],
  count: [1, 1],
  sum: [1, 1],
  "string-length": [0, 1],
  concat: [0, 64],
  regex: [2, 2],
  today: [0, 0],
  date: [1, 1],
  coalesce: [2, 64],
  number: [1, 1],
  string: [1, 1],
  int: [1, 1],
  round: [1, 2],
} as const satisfies Record<string, readonly [number, number]>;

export type FunctionName = keyof typeof FUNCTIONS;

/** `at` is the 1-based character position in the expression's text, for messages. */
export type Expr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "ref"; readonly name: string; readonly at: number }
  | { readonly k: "reg"; readonly field: string; readonly at: number }
  | { readonly k: "self"; readonly at: number }
  | { readonly k: "col"; readonly name: string; readonly at: number }
  | { readonly k: "pos"; readonly at: number }
  | { readonly k: "neg"; readonly a: Expr }
  | { readonly k: "bin"; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: "call"; readonly fn: FunctionName; readonly args: readonly Expr[]; readonly at: number };

export type ExprErrorKey =
  | "questionnaire.expr.empty"
  | "questionnaire.expr.tooLong"
  | "questionnaire.expr.tooDeep"
  | "questionnaire.expr.unexpected"
  | "questionnaire.expr.unexpectedEnd"
  | "questionnaire.expr.character"
  | "questionnaire.expr.curlyQuote"
  | "questionnaire.expr.unclosedString"
  | "questionnaire.expr.unclosedRef"
  | "questionnaire.expr.badRef"
  | "questionnaire.expr.path"
  | "questionnaire.expr.bareName"
  | "questionnaire.expr.unknownFunction"
  | "questionnaire.expr.arity"
  | "questionnaire.expr.position"
  | "questionnaire.expr.aggregateArg"
  | "questionnaire.expr.regexLiteral"
  | "questionnaire.expr.regexInvalid"
  | "questionnaire.expr.regexUnsafe";

export interface ExprError {
  key: ExprErrorKey;
  /** `at`: the 1-based character position of the fault; others as the key's message names them. */
  params: { at: number } & Record<string, string | number>;
}

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: ExprError };

export interface ParseOptions {
  /** A choice_filter: bare names are columns of the choices sheet. */
  columns?: boolean;
}

/** Longer than any expression a form needs; keeps the tree shallow enough to walk recursively. */
export const MAX_EXPR_LENGTH = 2000;
const MAX_DEPTH = 64;

/** A question's name, as XLSForm (XML) allows it, less the dots and colons we never need. */
export const NAME = /^[\p{L}_][\p{L}\p{N}_-]*$/u;
/** A register field after `register.`: `birthDate`, or `household.lowIncome`. */
const REGISTER_FIELD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

type Token =
  | { t: "num"; v: number; at: number; text: string }
  | { t: "str"; v: string; at: number; text: string }
  | { t: "ref"; v: string; at: number; text: string }
  | { t: "name"; v: string; at: number; text: string }
  | { t: "op"; v: string; at: number; text: string }
  | { t: "end"; at: number; text: string };

class ExprFault extends Error {
  constructor(readonly error: ExprError) {
    super(error.key);
  }
}

const fault = (key: ExprErrorKey, at: number, more: Record<string, string | number> = {}): never => {
  throw new ExprFault({ key, params: { at, ...more } });
};

const OPS2 = new Set(["!=", "<=", ">=", ".."]);
const OPS1 = new Set(["(", ")", ",", ".", "+", "-", "*", "=", "<", ">", "/", "|", "[", "]", "@"]);
const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_-]/u;
const CURLY_QUOTES = new Set(["“", "”", "‘", "’"]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const at = i + 1;
    const raw = source[i];
    // Chinese input methods type full-width brackets, commas and operators (（），＝); outside quotes
    // they can only mean the ASCII ones, so they are read as such rather than refused.
    const c = toHalfWidth(raw);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = source.indexOf(raw, i + 1);
      if (end < 0) fault("questionnaire.expr.unclosedString", at);
      const text = source.slice(i + 1, end);
      tokens.push({ t: "str", v: text, at, text: source.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    if (CURLY_QUOTES.has(c)) fault("questionnaire.expr.curlyQuote", at, { token: c });
    if (c === "$" && toHalfWidth(source[i + 1] ?? "") === "{") {
      let end = i + 2;
      while (end < source.length && toHalfWidth(source[end]) !== "}") end++;
      if (end >= source.length) fault("questionnaire.expr.unclosedRef", at);
      const inner = source.slice(i + 2, end).trim();
      tokens.push({ t: "ref", v: inner, at, text: source.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(toHalfWidth(source[i + 1] ?? "")))) {
      let end = i;
      while (end < source.length && /[0-9.]/.test(toHalfWidth(source[end]))) end++;
      const text = toHalfWidth(source.slice(i, end));
      if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text))
        fault("questionnaire.expr.unexpected", at, { token: text });
      tokens.push({ t: "num", v: Number(text), at, text });
      i = end;
      continue;
    }
    if (NAME_START.test(c)) {
      let end = i + 1;
      while (end < source.length && NAME_PART.test(toHalfWidth(source[end]))) end++;
      const text = toHalfWidth(source.slice(i, end));
      tokens.push({ t: "name", v: text, at, text });
      i = end;
      continue;
    }
    const two = c + toHalfWidth(source[i + 1] ?? "");
    if (OPS2.has(two)) {
      tokens.push({ t: "op", v: two, at, text: two });
      i += 2;
      continue;
    }
    if (OPS1.has(c)) {
      tokens.push({ t: "op", v: c, at, text: c });
      i++;
      continue;
    }
    fault("questionnaire.expr.character", at, { token: raw });
  }
  tokens.push({ t: "end", at: source.length + 1, text: "" });
  return tokens;
}

const OR = new Set(["or"]);
const AND = new Set(["and"]);
const EQUALITY = new Set(["=", "!="]);
const RELATIONAL = new Set(["<", "<=", ">", ">="]);
const ADDITIVE = new Set(["+", "-"]);
const MULTIPLICATIVE = new Set(["*", "div", "mod"]);
const PATH_OPS = new Set(["/", "|", "[", "]", "@", ".."]);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly options: ParseOptions,
  ) {}

  private get peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private unexpected(token: Token): never {
    if (token.t === "end") return fault("questionnaire.expr.unexpectedEnd", token.at);
    if (token.t === "op" && PATH_OPS.has(token.v)) return fault("questionnaire.expr.path", token.at);
    return fault("questionnaire.expr.unexpected", token.at, { token: token.text });
  }

  private expect(op: string): Token {
    const token = this.next();
    if (token.t !== "op" || token.v !== op) this.unexpected(token);
    return token;
  }

  /** An operator name (and, or, div, mod) or symbol at this point, once an operand was read. */
  private operator(ops: ReadonlySet<string>): string | null {
    const token = this.peek;
    if ((token.t === "op" || token.t === "name") && ops.has(token.v)) {
      this.i++;
      return token.v;
    }
    return null;
  }

  parse(): Expr {
    const expr = this.or();
    if (this.peek.t !== "end") this.unexpected(this.peek);
    return expr;
  }

  private binary(ops: ReadonlySet<string>, operand: () => Expr): Expr {
    let left = operand();
    for (let op = this.operator(ops); op !== null; op = this.operator(ops)) {
      left = { k: "bin", op: op as BinaryOp, a: left, b: operand() };
    }
    return left;
  }

  private or(): Expr {
    if (++this.depth > MAX_DEPTH) fault("questionnaire.expr.tooDeep", this.peek.at);
    const expr = this.binary(OR, this.and);
    this.depth--;
    return expr;
  }

  // The precedence levels, loosest first; arrow functions so they can be passed along unbound.
  private readonly and = (): Expr => this.binary(AND, this.equality);
  private readonly equality = (): Expr => this.binary(EQUALITY, this.relational);
  private readonly relational = (): Expr => this.binary(RELATIONAL, this.additive);
  private readonly additive = (): Expr => this.binary(ADDITIVE, this.multiplicative);
  private readonly multiplicative = (): Expr => this.binary(MULTIPLICATIVE, () => this.unary());

  private unary(): Expr {
    const token = this.peek;
    if (token.t === "op" && token.v === "-") {
      this.i++;
      if (++this.depth > MAX_DEPTH) fault("questionnaire.expr.tooDeep", token.at);
      const a = this.unary();
      this.depth--;
      return { k: "neg", a };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.next();
    switch (token.t) {
      case "num":
        return { k: "num", v: token.v };
      case "str":
        return { k: "str", v: token.v };
      case "ref":
        return reference(token);
      case "name":
        if (this.peek.t === "op" && this.peek.v === "(") return this.call(token);
        if (this.options.columns) return { k: "col", name: token.v, at: token.at };
        return fault("questionnaire.expr.bareName", token.at, { name: token.v });
      case "op":
        if (token.v === ".") return { k: "self", at: token.at };
        if (token.v === "(") {
          const inner = this.or();
          this.expect(")");
          return inner;
        }
        return this.unexpected(token);
      case "end":
        return this.unexpected(token);
    }
  }

  private call(name: Extract<Token, { t: "name" }>): Expr {
    this.expect("(");
    if (name.v === "position") {
      // Only the form XLSForm writes for "this row's number": position(..).
      const arg = this.next();
      const close = this.next();
      if (arg.t !== "op" || arg.v !== ".." || close.t !== "op" || close.v !== ")") {
        fault("questionnaire.expr.position", name.at);
      }
      return { k: "pos", at: name.at };
    }
    if (!Object.hasOwn(FUNCTIONS, name.v))
      fault("questionnaire.expr.unknownFunction", name.at, { name: name.v });
    const fn = name.v as FunctionName;
    const args: Expr[] = [];
    if (!(this.peek.t === "op" && this.peek.v === ")")) {
      args.push(this.or());
      while (this.peek.t === "op" && this.peek.v === ",") {
        this.i++;
        args.push(this.or());
      }
    }
    this.expect(")");
    const [min, max] = FUNCTIONS[fn];
    if (args.length < min || args.length > max) {
      fault("questionnaire.expr.arity", name.at, {
        name: fn,
        count: args.length,
        expected: min === max ? String(min) : max >= 64 ? `${min}+` : `${min}–${max}`,
      });
    }
    // string-length() is the length of the question's own answer, as in XPath.
    if (fn === "string-length" && args.length === 0) args.push({ k: "self", at: name.at });
    if ((fn === "count" || fn === "sum") && args[0].k !== "ref") {
      fault("questionnaire.expr.aggregateArg", name.at, { name: fn });
    }
    if (fn === "regex") checkPattern(args[1], name.at);
    return { k: "call", fn, args, at: name.at };
  }
}

function reference(token: Extract<Token, { t: "ref" }>): Expr {
  const inner = toHalfWidth(token.v);
  if (inner.startsWith("register.")) {
    const field = inner.slice("register.".length);
    if (!REGISTER_FIELD.test(field)) fault("questionnaire.expr.badRef", token.at, { name: inner });
    return { k: "reg", field, at: token.at };
  }
  if (!NAME.test(inner)) fault("questionnaire.expr.badRef", token.at, { name: inner });
  return { k: "ref", name: inner, at: token.at };
}

/**
 * regex()'s pattern must be quoted text, so it is checked here once: a valid JavaScript pattern, and
 * none of the shapes that backtrack exponentially (a repeated group that itself repeats or has
 * alternatives, `(a+)+`, `(a|ab)*`; back-references), since the server runs every pushed visit's
 * constraints. What is left backtracks at worst polynomially in the answer's length, which is capped.
 */
function checkPattern(arg: Expr, at: number): void {
  if (arg.k !== "str") fault("questionnaire.expr.regexLiteral", at);
  const pattern = (arg as { v: string }).v;
  try {
    new RegExp(pattern);
  } catch {
    fault("questionnaire.expr.regexInvalid", at, { pattern });
  }
  if (patternHazard(pattern)) fault("questionnaire.expr.regexUnsafe", at, { pattern });
}

export function patternHazard(pattern: string): boolean {
  const groups: { repeats: boolean; alternates: boolean }[] = [{ repeats: false, alternates: false }];
  const quantifierAt = (i: number): { length: number; bounded: boolean } | null => {
    const c = pattern[i];
    if (c === "*" || c === "+") return { length: 1, bounded: false };
    if (c === "?") return { length: 1, bounded: true };
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m)
        return { length: m[0].length, bounded: m[2] === undefined || (m[3] !== "" && Number(m[3]) <= 1) };
    }
    return null;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const top = groups[groups.length - 1];
    if (c === "\\") {
      const e = pattern[i + 1] ?? "";
      if (/[1-9]/.test(e) || e === "k") return true;
      i++;
    } else if (c === "[") {
      // A class is one atom: skip to its unescaped end.
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++;
    } else if (c === "(") {
      groups.push({ repeats: false, alternates: false });
      if (pattern[i + 1] === "?") {
        const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_]\w*>)/.exec(pattern.slice(i + 1));
        if (m) i += m[0].length;
      }
    } else if (c === ")") {
      const group = groups.length > 1 ? groups.pop() : undefined;
      if (!group) continue;
      const q = quantifierAt(i + 1);
      const parent = groups[groups.length - 1];
      if (q) {
        if (!q.bounded && (group.repeats || group.alternates)) return true;
        parent.repeats = true;
        i += q.length;
        if (pattern[i + 1] === "?") i++;
      }
      parent.repeats ||= group.repeats;
      parent.alternates ||= group.alternates;
    } else if (c === "|") {
      top.alternates = true;
    } else {
      const q = quantifierAt(i);
      if (q && i > 0) {
        if (!q.bounded) top.repeats = true;
        i += q.length - 1;
      }
    }
  }
  return false;
}

export function parseExpression(source: string, options: ParseOptions = {}): ParseResult {
  if (source.trim() === "")
    return { ok: false, error: { key: "questionnaire.expr.empty", params: { at: 1 } } };
  if (source.length > MAX_EXPR_LENGTH) {
    return {
      ok: false,
      error: { key: "questionnaire.expr.tooLong", params: { at: MAX_EXPR_LENGTH, max: MAX_EXPR_LENGTH } },
    };
  }
  try {
    return { ok: true, expr: new Parser(tokenize(source), options).parse() };
  } catch (e) {
    if (e instanceof ExprFault) return { ok: false, error: e.error };
    throw e;
  }
}

/** Every node of a tree, parents before children; `inAggregate` when under count() or sum(). */
export function* nodes(expr: Expr, inAggregate = false): Generator<{ node: Expr; inAggregate: boolean }> {
  yield { node: expr, inAggregate };
  switch (expr.k) {
    case "neg":
      yield* nodes(expr.a, inAggregate);
      break;
    case "bin":
      yield* nodes(expr.a, inAggregate);
      yield* nodes(expr.b, inAggregate);
      break;
    case "call": {
      const aggregate = expr.fn === "count" || expr.fn === "sum";
      for (const arg of expr.args) yield* nodes(arg, aggregate);
      break;
    }
  }
}

/** The question names an expression reads. */
export function referencedNames(expr: Expr): string[] {
  const names = new Set<string>();
  for (const { node } of nodes(expr)) if (node.k === "ref") names.add(node.name);
  return [...names];
}

/** Labels and hints may show answers: `您好，${name}`. The ${…} pieces of such a text, each parsed. */
export function labelReferences(text: string): { expr: Expr; at: number }[] | ExprError {
  const out: { expr: Expr; at: number }[] = [];
  for (let i = text.indexOf("${"); i >= 0; i = text.indexOf("${", i + 2)) {
    const end = text.indexOf("}", i);
    if (end < 0) return { key: "questionnaire.expr.unclosedRef", params: { at: i + 1 } };
    const token = { t: "ref" as const, v: text.slice(i + 2, end).trim(), at: i + 1, text: "" };
    try {
      out.push({ expr: reference(token), at: i + 1 });
    } catch (e) {
      if (e instanceof ExprFault) return e.error;
      throw e;
    }
  }
  return out;
}
