// The expression language on its own: the parser's trees and refusals, and every operator and
// function against values worked out by hand.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import { describe, expect, it } from "vitest";
import { type Expr, parseExpression, patternHazard } from "@/domain/questionnaire/expr";
import { evaluate, type Scope } from "@/domain/questionnaire/interpret";
import {
  compare,
  dayOfIso,
  equals,
  isoOfDay,
  roundTo,
  toBoolean,
  toDate,
  toNumber,
  toText,
  type Value,
} from "@/domain/questionnaire/values";

const d = (iso: string): Value => ({ day: dayOfIso(iso) as number });

/** A scope over plain values: `rows` stands for the answers of a question in each repeat row. */
function scope(
  values: Record<string, Value> = {},
  extra: Partial<Scope> & { rows?: Record<string, Value[]> } = {},
): Scope {
  return {
    value: (name) => values[name] ?? "",
    values: (name) => extra.rows?.[name] ?? (name in values ? [values[name]] : []),
    count: (name) => extra.rows?.[name]?.length ?? 0,
    self: () => values["."] ?? "",
    position: () => 1,
    register: () => "",
    column: () => "",
    today: () => "2024-05-20",
    ...extra,
  };
}

function tree(source: string, columns = false): Expr {
  const r = parseExpression(source, { columns });
  if (!r.ok) throw new Error(`${source}: ${JSON.stringify(r.error)}`);
  return r.expr;
}

const run = (source: string, values: Record<string, Value> = {}, extra: Parameters<typeof scope>[1] = {}) =>
  evaluate(tree(source), scope(values, extra));

describe("coercions", () => {
  it("to boolean", () => {
    expect([toBoolean(""), toBoolean("0"), toBoolean("false"), toBoolean(0), toBoolean(Number.NaN)]).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect([toBoolean(-1), toBoolean(true), toBoolean(d("2024-01-01"))]).toEqual([true, true, true]);
  });

  it("to number", () => {
    expect(toNumber(" 12 ")).toBe(12);
    expect(toNumber("-3.5")).toBe(-3.5);
    expect(toNumber(".5")).toBe(0.5);
    expect(toNumber("")).toBeNaN();
    expect(toNumber("12a")).toBeNaN();
    expect(toNumber("1e3")).toBeNaN(); // not a plain decimal
    expect(toNumber("2024-01-01")).toBeNaN();
    expect([toNumber(true), toNumber(false)]).toEqual([1, 0]);
    expect(toNumber(d("1970-01-11"))).toBe(10);
  });

  it("to text", () => {
    expect([toText(3), toText(2.5), toText(-0), toText(Number.NaN), toText(1 / 0)]).toEqual([
      "3",
      "2.5",
      "0",
      "",
      "",
    ]);
    expect([toText(true), toText(false), toText(d("2000-02-29"))]).toEqual(["true", "false", "2000-02-29"]);
  });

  it("to date", () => {
    expect(toDate("2024-02-29")).toEqual({ day: 19782 });
    expect(toDate("2023-02-29")).toBeNull();
    expect(toDate("2024-2-1")).toBeNull();
    expect(toDate(19782.9)).toEqual({ day: 19782 });
    expect(toDate(Number.NaN)).toBeNull();
    expect(toDate(true)).toBeNull();
    // The bounds of YYYY-MM-DD.
    expect(toDate(dayOfIso("1000-01-01") as number)).not.toBeNull();
    expect(toDate((dayOfIso("1000-01-01") as number) - 1)).toBeNull();
    expect(toDate((dayOfIso("9999-12-31") as number) + 1)).toBeNull();
    expect(isoOfDay(0)).toBe("1970-01-01");
    expect(dayOfIso("0999-12-31")).toBeNull();
  });

  it("equality", () => {
    expect(equals("", "")).toBe(true);
    expect(equals("a", "A")).toBe(false);
    expect(equals(5, "5")).toBe(true);
    expect(equals(5, "5.0")).toBe(true);
    expect(equals(5, "")).toBe(false); // NaN equals nothing
    expect(equals(Number.NaN, Number.NaN)).toBe(false);
    expect(equals(true, "x")).toBe(true); // boolean conversion
    expect(equals(false, "")).toBe(true);
    expect(equals(true, "true")).toBe(true); // a flag against its text
    expect(equals(false, "false")).toBe(true);
    expect(equals(true, "false")).toBe(false);
    expect(equals(true, 1)).toBe(true);
    expect(equals(d("2024-01-01"), "2024-01-01")).toBe(true);
    expect(equals(d("2024-01-01"), "")).toBe(false);
    expect(equals(d("1970-01-02"), 1)).toBe(true);
  });

  it("order", () => {
    expect(compare("<", 2, "10")).toBe(true); // as numbers, not text
    expect(compare("<", "a", "b")).toBe(false); // text is never ordered
    expect(compare(">=", "", 0)).toBe(false);
    expect(compare("<", d("2024-01-01"), "2024-01-02")).toBe(true);
    expect(compare("<", d("2024-01-01"), "soon")).toBe(false);
    expect(compare("<=", 3, 3)).toBe(true);
    expect(compare(">", true, false)).toBe(true);
  });

  it("round half away from zero on the written digits", () => {
    expect([roundTo(2.5, 0), roundTo(-2.5, 0), roundTo(2.675, 2), roundTo(1.005, 2)]).toEqual([
      3, -3, 2.68, 1.01,
    ]);
    expect(roundTo(1234.5, -2)).toBe(1200);
    expect(roundTo(-0.4, 0)).toBe(0);
    expect(roundTo(Number.NaN, 0)).toBeNaN();
  });
});

describe("the parser", () => {
  it("reads precedence as XPath does", () => {
    expect(run("1 + 2 * 3")).toBe(7);
    expect(run("(1 + 2) * 3")).toBe(9);
    expect(run("10 - 4 - 3")).toBe(3); // left to right
    expect(run("1 = 1 and 2 = 3 or 4 = 4")).toBe(true);
    expect(run("1 = 1 or 2 = 3 and 4 = 5")).toBe(true); // and binds tighter
    expect(run("1 < 2 = 2 > 1")).toBe(true); // relational before equality: true = true
    expect(run("--3")).toBe(3);
    expect(run("-2 * 3")).toBe(-6);
  });

  it("keeps where references sit", () => {
    expect(tree("${a} + ${register.birthDate}")).toEqual({
      k: "bin",
      op: "+",
      a: { k: "ref", name: "a", at: 1 },
      b: { k: "reg", field: "birthDate", at: 8 },
    });
    expect(tree("${ 姓名 }")).toEqual({ k: "ref", name: "姓名", at: 1 });
  });

  it("reads full-width operators and brackets typed by a Chinese input method", () => {
    expect(run("（${a}＋1）＞２", { a: 2 })).toBe(true);
  });

  it("tells div and mod as operators from names", () => {
    expect(run("7 div 2")).toBe(3.5);
    expect(run("7 mod 3")).toBe(1);
    expect(run("-7 mod 3")).toBe(-1); // the dividend's sign
    expect(run("7 mod -3")).toBe(1);
    expect(run("1 div 0")).toBe(Number.POSITIVE_INFINITY);
    expect(run("0 div 0")).toBeNaN();
  });

  it("takes bare names as choice columns only in a choice_filter", () => {
    expect(tree("county = ${c}", true)).toEqual({
      k: "bin",
      op: "=",
      a: { k: "col", name: "county", at: 1 },
      b: { k: "ref", name: "c", at: 10 },
    });
    const r = parseExpression("county = ${c}");
    expect(r.ok ? null : r.error).toEqual({
      key: "questionnaire.expr.bareName",
      params: { at: 1, name: "county" },
    });
  });

  it.each([
    ["", "questionnaire.expr.empty", { at: 1 }],
    ["${a} +", "questionnaire.expr.unexpectedEnd", { at: 7 }],
    ["${a} + * 2", "questionnaire.expr.unexpected", { at: 8, token: "*" }],
    ["(${a} + 1", "questionnaire.expr.unexpectedEnd", { at: 10 }],
    ["${a} + 1)", "questionnaire.expr.unexpected", { at: 9, token: ")" }],
    ["${a} = 'x", "questionnaire.expr.unclosedString", { at: 8 }],
    ["${a = 1", "questionnaire.expr.unclosedRef", { at: 1 }],
    ["${a b} = 1", "questionnaire.expr.badRef", { at: 1, name: "a b" }],
    ["${register.} = 1", "questionnaire.expr.badRef", { at: 1, name: "register." }],
    ["${a} = “是”", "questionnaire.expr.curlyQuote", { at: 8, token: "“" }],
    ["${a} # 1", "questionnaire.expr.character", { at: 6, token: "#" }],
    ["/data/a = 1", "questionnaire.expr.path", { at: 1 }],
    ["${a}[1]", "questionnaire.expr.path", { at: 5 }],
    ["../a", "questionnaire.expr.path", { at: 1 }],
    ["yes", "questionnaire.expr.bareName", { at: 1, name: "yes" }],
    ["now()", "questionnaire.expr.unknownFunction", { at: 1, name: "now" }],
    ["if(${a}, 1)", "questionnaire.expr.arity", { at: 1, name: "if", count: 2, expected: "3" }],
    ["round()", "questionnaire.expr.arity", { at: 1, name: "round", count: 0, expected: "1–2" }],
    ["coalesce(${a})", "questionnaire.expr.arity", { at: 1, name: "coalesce", count: 1, expected: "2+" }],
    ["position() = 1", "questionnaire.expr.position", { at: 1 }],
    ["count(${a} + 1)", "questionnaire.expr.aggregateArg", { at: 1, name: "count" }],
    ["regex(., ${p})", "questionnaire.expr.regexLiteral", { at: 1 }],
    ["regex(., '(')", "questionnaire.expr.regexInvalid", { at: 1, pattern: "(" }],
    ["regex(., '^(a+)+$')", "questionnaire.expr.regexUnsafe", { at: 1, pattern: "^(a+)+$" }],
    ["1.2.3", "questionnaire.expr.unexpected", { at: 1, token: "1.2.3" }],
  ])("refuses %j", (source, key, params) => {
    const r = parseExpression(source);
    expect(r.ok ? null : r.error).toEqual({ key, params });
  });

  it("refuses expressions too long or too deep to walk safely", () => {
    const long = parseExpression(`1${" + 1".repeat(500)}`);
    expect(parseExpression(`1${"+1".repeat(999)}`).ok).toBe(true);
    expect(long.ok ? null : long.error.key).toBe("questionnaire.expr.tooLong");
    const deep = parseExpression(`${"(".repeat(70)}1${")".repeat(70)}`);
    expect(deep.ok ? null : deep.error.key).toBe("questionnaire.expr.tooDeep");
    const negatives = parseExpression(`${"-".repeat(70)}1`);
    expect(negatives.ok ? null : negatives.error.key).toBe("questionnaire.expr.tooDeep");
  });

  it("judges regular expressions that backtrack exponentially", () => {
    for (const bad of ["(a+)+", "(a*)*b", "(a|ab)*", "(\\d+,?)+$", "(a)\\1", "(?<x>a)\\k<x>", "((ab)+c)+"]) {
      expect(patternHazard(bad), bad).toBe(true);
    }
    for (const good of [
      "^1[3-9]\\d{9}$",
      "^[0-9]{6}$",
      "^(\\d{3})+$",
      "^(?:ab)+$",
      "^(a|b)$",
      "^(\\+86)?1\\d{10}$",
      "^[(+)*]+$",
      "^\\(+$",
      "^(a+)?$",
    ]) {
      expect(patternHazard(good), good).toBe(false);
    }
  });
});

describe("the functions", () => {
  it("if, not, true, false", () => {
    expect(run("if(${a} > 1, 'big', 'small')", { a: 5 })).toBe("big");
    expect(run("if(${a} > 1, 'big', 'small')", { a: "" })).toBe("small");
    expect(run("not(${a})", { a: "" })).toBe(true);
    expect(run("not('false')")).toBe(false); // non-empty text is true
    expect(run("true() and not(false())")).toBe(true);
  });

  it("if evaluates only the branch taken", () => {
    let asked = 0;
    const counting = scope(
      { a: 1 },
      {
        register: () => {
          asked++;
          return "x";
        },
      },
    );
    evaluate(tree("if(${a} = 1, 'yes', ${register.x})"), counting);
    expect(asked).toBe(0);
  });

  it("and / or stop early", () => {
    let asked = 0;
    const counting = scope(
      {},
      {
        register: () => {
          asked++;
          return "x";
        },
      },
    );
    expect(evaluate(tree("false() and ${register.x}"), counting)).toBe(false);
    expect(evaluate(tree("true() or ${register.x}"), counting)).toBe(true);
    expect(asked).toBe(0);
  });

  it("selected and count-selected", () => {
    expect(run("selected(${m}, 'b')", { m: "a b c" })).toBe(true);
    expect(run("selected(${m}, 'bc')", { m: "a b c" })).toBe(false);
    expect(run("selected(${m}, 'a')", { m: "" })).toBe(false);
    expect(run("selected(${m}, 2)", { m: "1 2" })).toBe(true);
    expect(run("count-selected(${m})", { m: " a  b c " })).toBe(3);
    expect(run("count-selected(${m})", { m: "" })).toBe(0);
  });

  it("count and sum over repeat rows", () => {
    const rows = { cost: [10, "", 2.5, "4"] as Value[] };
    expect(run("count(${cost})", {}, { rows })).toBe(4);
    expect(run("sum(${cost})", {}, { rows })).toBe(16.5); // the blank row adds nothing
    expect(run("sum(${cost})", {}, { rows: { cost: [] } })).toBe(0);
    expect(run("sum(${cost})", {}, { rows: { cost: ["x"] } })).toBeNaN();
  });

  it("string-length counts characters, not UTF-16 units", () => {
    expect(run("string-length(${n})", { n: "张三" })).toBe(2);
    expect(run("string-length(${n})", { n: "𠀀a" })).toBe(2);
    expect(run("string-length()", { ".": "abc" })).toBe(3);
    expect(run("string-length(12.50)")).toBe(4); // "12.5"
  });

  it("concat, coalesce, string, number", () => {
    expect(run("concat(${a}, '-', 3, '-', true())", { a: "x" })).toBe("x-3-true");
    expect(run("concat()")).toBe("");
    expect(run("coalesce(${a}, ${b}, 'none')", { a: "", b: 0 })).toBe(0);
    expect(run("coalesce(${a}, 'none')", { a: "" })).toBe("none");
    expect(run("string(1 div 0)")).toBe("");
    expect(run("number('4.5') * 2")).toBe(9);
  });

  it("int and round", () => {
    expect(run("int(-3.7)")).toBe(-3);
    expect(run("int(3.7)")).toBe(3);
    expect(run("round(3.14159, 2)")).toBe(3.14);
    expect(run("round(2.5)")).toBe(3);
    expect(run("round(${w} div (${h} * ${h}), 1)", { w: 60, h: 1.7 })).toBe(20.8);
  });

  it("regex matches anywhere unless anchored", () => {
    expect(run("regex(., '^1[3-9]\\d{9}$')", { ".": "13812345678" })).toBe(true);
    expect(run("regex(., '^1[3-9]\\d{9}$')", { ".": "12812345678" })).toBe(false);
    expect(run("regex(., '\\d')", { ".": "ab3" })).toBe(true);
    expect(run("regex(${a}, '[一-龥]')", { a: "张" })).toBe(true);
  });

  it("today and date, as days", () => {
    expect(run("today()")).toEqual(d("2024-05-20"));
    expect(run("today() - date('2024-05-01')")).toBe(19);
    expect(run("date(${b})", { b: "1964-05-21" })).toEqual(d("1964-05-21"));
    expect(run("date(${b})", { b: "1964-02-30" })).toBe("");
    expect(run("date(0)")).toEqual(d("1970-01-01"));
    expect(run("string(date('2024-05-01') + 30)")).toBe(String(19844 + 30)); // a number of days
    expect(run("string(date(date('2024-05-01') + 30))")).toBe("2024-05-31");
    expect(run("${b} < today()", { b: d("2024-05-19") })).toBe(true);
    expect(run("${b} = '2024-05-19'", { b: d("2024-05-19") })).toBe(true);
    // Age in whole years the usual XLSForm way.
    expect(
      run("int((today() - date(${register.birthDate})) div 365.25)", {}, { register: () => "1964-05-21" }),
    ).toBe(59);
  });

  it("position and register reads", () => {
    expect(run("position(..) * 10", {}, { position: () => 3 })).toBe(30);
    expect(run("${register.lowIncome} = 'true'", {}, { register: () => true })).toBe(true);
    expect(run("${register.lowIncome} = 'false'", {}, { register: () => false })).toBe(true);
    expect(run("if(${register.lowIncome}, 1, 0)", {}, { register: () => false })).toBe(0);
  });

  it("arithmetic over blanks is NaN, and NaN shows as nothing", () => {
    expect(run("${a} + 1", { a: "" })).toBeNaN();
    expect(run("string(${a} + 1)", { a: "" })).toBe("");
    expect(run("${a} + 1 > 0", { a: "" })).toBe(false);
    expect(run("${a} = ''", { a: "" })).toBe(true);
    expect(run("${a} != ''", { a: 3 })).toBe(true);
  });
});

describe("dates as day counts", () => {
  // dayOfIso counts days by arithmetic; JavaScript's own calendar (Date.UTC) is the independent
  // reckoning it must match, days from 1000 to 9999 sampled at a prime stride.
  it("match the calendar's day for every real date, and refuse what is not one", () => {
    const start = Date.UTC(1000, 0, 1) / 86_400_000;
    const end = Date.UTC(9999, 11, 31) / 86_400_000;
    for (let day = start; day <= end; day += 173) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(dayOfIso(iso), iso).toBe(day);
    }
    expect(dayOfIso("9999-12-31")).toBe(end);
    expect(dayOfIso("1970-01-01")).toBe(0);
    expect(dayOfIso("2000-02-29")).toBe(Date.UTC(2000, 1, 29) / 86_400_000);
    for (const bad of ["1900-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0999-12-31"])
      expect(dayOfIso(bad), bad).toBeNull();
    for (const bad of [
      "2024-5-01",
      "2024/05/01",
      "２０２４-05-01",
      "2024-05-01 ",
      "+024-05-01",
      "2024-0a-01",
      "",
    ])
      expect(dayOfIso(bad), bad).toBeNull();
  });
});
