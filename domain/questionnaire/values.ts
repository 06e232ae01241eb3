// The values questionnaire expressions compute with, and how one kind becomes another. Written down
// once here because the phone and the server must agree to the last corner (an empty answer, a date
// compared with text): a visit accepted on the phone and refused at push would be lost work.
//
// Four kinds, as in XPath 1.0 plus the date XLSForm forms treat as one:
//
// | kind    | made by                                                   | text form                     |
// | ------- | --------------------------------------------------------- | ----------------------------- |
// | text    | string literals, text answers, choices, `concat()`…       | itself                        |
// | number  | number literals, integer/decimal answers, arithmetic      | shortest decimal; NaN/∞ → "" |
// | boolean | comparisons, `and`/`or`, `not()`, `selected()`, register flags | "true" / "false"         |
// | date    | date answers, `today()`, `date()`                         | YYYY-MM-DD                    |
//
// An unanswered or irrelevant question is always the empty text "", whatever its type, so
// `${age} = ''` asks "not answered" for a number as for text.
//
// Conversions (XPath's, with the date added):
// - to boolean: text is true when not empty; a number when neither 0 nor NaN; a date always.
// - to number: text that is a plain decimal ("12", "-3.5", ".5", surrounding spaces allowed) is
//   that number, any other text (including "") NaN; true/false 1/0; a date its day count since
//   1970-01-01 (so `today() - ${birth}` is a number of days).
// - to text: see the table; NaN and the infinities become "" rather than XPath's "NaN", so a
//   calculation over an unanswered number shows nothing instead of a word.
// - to date: a date itself; text YYYY-MM-DD naming a real day; a finite number as a day count
//   (fractions dropped). Anything else is no date.
//
// Comparisons:
// - `=` and `!=`: with a boolean on either side, both as booleans — except a boolean against the text
//   "true" or "false", compared as text, so a register flag reads `${register.lowIncome} = 'false'`
//   the way it is written. Otherwise with a date on either side, both as dates when both convert,
//   else as text. Otherwise with a number on either side, as numbers (NaN equals nothing). Otherwise
//   as text, exactly (case and spaces count).
// - `<`, `<=`, `>`, `>=`: with a date on either side, as dates (false unless both convert);
//   otherwise as numbers (false when either is NaN). Text is never ordered alphabetically.
// - `!=` is exactly `not(a = b)`.

import { isRealDate } from "../validators/date";

/** A calendar day, counted from 1970-01-01 (day 0). */
export interface DateValue {
  readonly day: number;
}

export type Value = string | number | boolean | DateValue;

const DAY_MS = 86_400_000;
// Years outside 1000–9999 do not fit YYYY-MM-DD; a day count past them is no date.
const MIN_DAY = -354_285; // 1000-01-01
const MAX_DAY = 2_932_896; // 9999-12-31
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export const isDate = (v: Value): v is DateValue => typeof v === "object";

/** YYYY-MM-DD of a real day as its day count, or null. */
export function dayOfIso(text: string): number | null {
  // Read by hand rather than with a regular expression and a Date: every date answer of every pushed
  // visit comes through here.
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 7);
  const d = digits(text, 8, 10);
  if (y < 0 || mo < 0 || d < 0 || !isRealDate(y, mo, d) || y < 1000) return null;
  return daysFromCivil(y, mo, d);
}

/** The ASCII digits text[from..to) as a number, or -1 when any is not one. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A day count as YYYY-MM-DD (the caller keeps it within 1000–9999). */
export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function toBoolean(v: Value): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0 && !Number.isNaN(v);
  if (typeof v === "string") return v.length > 0;
  return true;
}

export function toNumber(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const t = v.trim();
    return DECIMAL.test(t) ? Number(t) : Number.NaN;
  }
  return v.day;
}

export function toText(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  return isoOfDay(v.day);
}

export function toDate(v: Value): DateValue | null {
  if (isDate(v)) return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    const day = Math.floor(v);
    return day >= MIN_DAY && day <= MAX_DAY ? { day } : null;
  }
  if (typeof v === "string") {
    const day = dayOfIso(v.trim());
    return day === null ? null : { day };
  }
  return null;
}

export function equals(a: Value, b: Value): boolean {
  if (typeof a === "boolean" || typeof b === "boolean") {
    const other = typeof a === "boolean" ? b : a;
    if (typeof other === "string" && (other === "true" || other === "false")) return toText(a) === toText(b);
    return toBoolean(a) === toBoolean(b);
  }
  if (isDate(a) || isDate(b)) {
    const da = toDate(a);
    const db = toDate(b);
    return da && db ? da.day === db.day : toText(a) === toText(b);
  }
  if (typeof a === "number" || typeof b === "number") return toNumber(a) === toNumber(b);
  return a === b;
}

export type Relation = "<" | "<=" | ">" | ">=";

export function compare(op: Relation, a: Value, b: Value): boolean {
  let x: number;
  let y: number;
  if (isDate(a) || isDate(b)) {
    const da = toDate(a);
    const db = toDate(b);
    if (!da || !db) return false;
    x = da.day;
    y = db.day;
  } else {
    x = toNumber(a);
    y = toNumber(b);
  }
  // NaN compares false every way, as XPath wants.
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

/**
 * round(x, digits): half away from zero (as ODK, where 2.5 → 3 and -2.5 → -3), on the decimal
 * digits as written, so round(2.675, 2) is 2.68 and not the 2.67 binary arithmetic would give.
 */
export function roundTo(x: number, digits: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(digits)) return Number.NaN;
  const d = Math.trunc(digits);
  const shift = (n: number, by: number) => {
    const [mantissa, exponent = "0"] = String(n).split("e");
    return Number(`${mantissa}e${Number(exponent) + by}`);
  };
  const rounded = Math.round(shift(Math.abs(x), d));
  const result = shift(rounded, -d) * Math.sign(x);
  return result === 0 ? 0 : result;
}
