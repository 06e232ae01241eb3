// A questionnaire's state for one set of answers: which questions apply (relevant), what the
// calculations come to, how many rows each repeat has, and which answers break `required`, the
// question's type or its `constraint`. The phone runs this as the officer types and the server when
// the visit is pushed; both must reach the same verdict from the same definition JSON, answers and
// clock, so everything here is a function of those three (no machine clock, no time zone, no
// iteration order that JSON could change).
//
// Answers are JSON: question name → text (as XLSForm stores every answer: "12", "2024-05-01",
// "a c" for a multiple choice), and repeat name → one answers object per row. Groups are not
// levels (names are unique in a form). An irrelevant question is blank for every expression and
// is never checked: whatever the phone kept there is dropped (cleanAnswers).

import type { Locale, Translate } from "@/domain/i18n";
import { chinaDay } from "@/domain/progress";
import {
  type Choice,
  dependencyOrder,
  type Group,
  type Item,
  offeredChoices,
  type Question,
  type QuestionnaireDefinition,
  type Repeat,
  type Text,
  textIn,
  walkItems,
} from "@/domain/questionnaire/definition";
import type { Expr } from "@/domain/questionnaire/expr";
import { evaluate, type Scope } from "@/domain/questionnaire/interpret";
import { dayOfIso, toBoolean, toNumber, toText, type Value } from "@/domain/questionnaire/values";
import { parseCitizenId } from "@/domain/validators/citizen-id";
import { parsePhone } from "@/domain/validators/mobile";
import { hasBidiControl } from "@/domain/validators/text";

export interface Answers {
  readonly [name: string]: AnswerValue;
}
export type AnswerValue = string | readonly Answers[];

/** A register value as the server and the phone hold it; null or absent reads as "". */
export type RegisterValue = string | number | boolean | null;

export interface EvalContext {
  /** The clock: today() is this instant's calendar day in China, wherever the code runs. */
  readonly now: Date;
  /** The subject's register fields, for ${register.…}. */
  readonly register?: Readonly<Record<string, RegisterValue | undefined>>;
  /**
   * The first answers of questions bound to the register (`bind::register`), by question name: the
   * register's values, worked out by the phone (which knows whose row each binding reads). A bound
   * question takes this, never a default.
   */
  readonly bound?: Readonly<Record<string, string | undefined>>;
}

/** More rows than any household, building or tenancy has; bounds the work a pushed visit can ask for. */
export const MAX_ROWS = 500;
/** The longest answer kept: a paragraph of notes, not a document. */
export const MAX_ANSWER_LENGTH = 2000;

export type FieldErrorKind = "required" | "constraint" | "type" | "shape" | "unknown" | "rows";

export interface FieldError {
  /** The question (or repeat, for a row problem) the error belongs to. */
  name: string;
  /** The row in each enclosing repeat, outermost first, counted from 0; [] outside repeats. */
  at: number[];
  kind: FieldErrorKind;
  /** The translation key of the reason (validation.*, questionnaire.answer.*). */
  key: string;
  params?: Record<string, string | number>;
  /** The form's own required_message / constraint_message, which replaces the key's text. */
  message?: Text;
}

/** An error in the reader's language: the form's own message when it has one in any language. */
export function errorText(error: FieldError, locale: Locale, t: Translate): string {
  return textIn(error.message, locale) || t(error.key, error.params);
}

// ---------------------------------------------------------------------------------------------
// The definition, indexed once per definition object

interface Info {
  item: Item;
  /** Enclosing repeats, outermost first (not the repeat itself). */
  repeats: readonly string[];
  parent: Group | Repeat | null;
}

interface Compiled {
  info: ReadonlyMap<string, Info>;
  order: readonly string[];
  /** Per select question: its list, with 其他 added for or_other. */
  choices: ReadonlyMap<string, readonly Choice[]>;
}

const compiled = new WeakMap<QuestionnaireDefinition, Compiled>();

function compile(def: QuestionnaireDefinition): Compiled {
  const cached = compiled.get(def);
  if (cached) return cached;
  const info = new Map<string, Info>();
  for (const { item, parents } of walkItems(def.survey)) {
    info.set(item.name, {
      item,
      repeats: parents.filter((p) => p.kind === "repeat").map((p) => p.name),
      parent: parents.length > 0 ? parents[parents.length - 1] : null,
    });
  }
  const ordered = dependencyOrder(def.survey);
  // A stored definition passed the upload's checks; a cycle here means it was edited by hand.
  if (!ordered.ok) throw new Error(`questionnaire definition has a cycle: ${ordered.cycle.join(" → ")}`);
  const lists = new Map(def.lists.map((l) => [l.name, l.choices]));
  const choices = new Map<string, readonly Choice[]>();
  for (const { item } of info.values()) {
    if (item.kind === "question" && item.list)
      choices.set(item.name, offeredChoices(item, lists.get(item.list) ?? []));
  }
  const result = { info, order: ordered.order, choices };
  compiled.set(def, result);
  return result;
}

const keyOf = (at: readonly number[]) => at.join(".");

const commonPrefix = (a: readonly string[], b: readonly string[]) => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};

const isRecord = (v: unknown): v is Answers => typeof v === "object" && v !== null && !Array.isArray(v);

const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;
const GEOPOINT = /^(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)(?: -?\d+(?:\.\d+)?){0,2}$/;

// ---------------------------------------------------------------------------------------------
// The state

export class FormState {
  private readonly c: Compiled;
  private readonly relevance = new Map<string, Map<string, boolean>>();
  private readonly values = new Map<string, Map<string, Value>>();
  private readonly rowCounts = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, { count: number; values: Value[] }>();
  private readonly positionLists = new Map<string, number[][]>();
  /** @internal today(), China's calendar day of the clock. */
  readonly today: string;

  constructor(
    readonly definition: QuestionnaireDefinition,
    readonly answers: Answers,
    readonly context: EvalContext,
  ) {
    this.c = compile(definition);
    this.today = chinaDay(context.now);
    for (const name of this.c.order) this.settle(name);
  }

  /** Does the question (group, repeat row) apply? Unknown names and rows do not. */
  relevant(name: string, at: readonly number[] = []): boolean {
    return this.relevance.get(name)?.get(keyOf(at)) ?? false;
  }

  /** The value expressions see: the typed answer or calculation, "" when irrelevant or unanswered. */
  value(name: string, at: readonly number[] = []): Value {
    return this.values.get(name)?.get(keyOf(at)) ?? "";
  }

  /** The value as text: what a calculation shows and what is stored. */
  text(name: string, at: readonly number[] = []): string {
    return toText(this.value(name, at));
  }

  /** How many rows the repeat has under the enclosing rows `at` (repeat_count, or the rows answered). */
  rows(repeat: string, at: readonly number[] = []): number {
    return this.rowCounts.get(repeat)?.get(keyOf(at)) ?? 0;
  }

  /** Must the question be answered here (when it applies)? */
  required(name: string, at: readonly number[] = []): boolean {
    const q = this.question(name);
    return !!q?.required && this.relevant(name, at) && toBoolean(this.evalFor(q, q.required.ast, at, true));
  }

  readOnly(name: string, at: readonly number[] = []): boolean {
    const q = this.question(name);
    return !!q?.readOnly && toBoolean(this.evalFor(q, q.readOnly.ast, at, true));
  }

  /** The choices offered for a select here: its list (with 其他 for or_other), through choice_filter. */
  choices(name: string, at: readonly number[] = []): readonly Choice[] {
    const q = this.question(name);
    const all = this.c.choices.get(name) ?? [];
    if (!q?.choiceFilter) return all;
    const filter = q.choiceFilter.ast;
    const language = this.definition.settings.defaultLanguage;
    return all.filter((choice) =>
      toBoolean(
        evaluate(
          filter,
          this.scope(at, this.info(name).repeats, null, (column) =>
            column === "name"
              ? choice.name
              : column === "label"
                ? textIn(choice.label, language)
                : (choice.columns?.[column] ?? ""),
          ),
        ),
      ),
    );
  }

  /** A question's initial answer in a new row or form: its literal default, or its default expression's text. */
  defaultFor(name: string, at: readonly number[] = []): string | undefined {
    const q = this.question(name);
    if (!q) return undefined;
    if (q.bind) return this.context.bound?.[name];
    if (q.defaultFormula) return toText(this.evalFor(q, q.defaultFormula.ast, at, false));
    return q.defaultValue;
  }

  /** A label or hint with the answers it names (`您好，${name}`) filled in. */
  fill(text: string, name: string, at: readonly number[] = []): string {
    const repeats = this.scopeOf(name);
    const scope = this.scope(at, repeats);
    return text.replace(/\$\{\s*([^}]*?)\s*\}/g, (whole, ref: string) => {
      if (ref.startsWith("register.")) return toText(scope.register(ref.slice("register.".length)));
      return this.c.info.has(ref) ? toText(scope.value(ref)) : whole;
    });
  }

  // -------------------------------------------------------------------------------------------

  private info(name: string): Info {
    const info = this.c.info.get(name);
    if (!info) throw new Error(`no question named ${name}`);
    return info;
  }

  private question(name: string): Question | undefined {
    const item = this.c.info.get(name)?.item;
    return item?.kind === "question" ? item : undefined;
  }

  /** The repeats an item's own expressions are evaluated inside (a repeat's include itself). */
  private scopeOf(name: string): readonly string[] {
    const info = this.c.info.get(name);
    if (!info) return [];
    return info.item.kind === "repeat" ? [...info.repeats, name] : info.repeats;
  }

  private evalFor(q: Question, expr: Expr, at: readonly number[], withSelf: boolean): Value {
    const repeats = this.info(q.name).repeats;
    return evaluate(expr, this.scope(at, repeats, withSelf ? q.name : null));
  }

  /** Does the answer meet the question's constraint (true without one)? `.` is the answer. */
  satisfies(name: string, at: readonly number[] = []): boolean {
    const q = this.question(name);
    return !q?.constraint || toBoolean(this.evalFor(q, q.constraint.ast, at, true));
  }

  /** Every row position of a chain of repeats (outermost first), the first `prefix.length` rows fixed. */
  positions(repeats: readonly string[], prefix: readonly number[] = []): readonly (readonly number[])[] {
    // Remembered once every repeat of the chain is settled (the rows of each are known then).
    const key = `${repeats.join("/")}|${keyOf(prefix)}`;
    const known = this.positionLists.get(key);
    if (known) return known;
    const settled = repeats.every((r) => this.rowCounts.has(r));
    let acc: number[][] = [[...prefix]];
    for (let j = prefix.length; j < repeats.length; j++) {
      const next: number[][] = [];
      for (const p of acc) {
        const n = this.rows(repeats[j], p);
        for (let i = 0; i < n; i++) next.push([...p, i]);
      }
      acc = next;
    }
    if (settled) this.positionLists.set(key, acc);
    return acc;
  }

  /** The answers object of the row `at` (outermost first), or null when the answers lack it. */
  private rowAnswers(repeats: readonly string[], at: readonly number[]): Answers | null {
    let node: Answers = this.answers;
    for (let j = 0; j < repeats.length; j++) {
      const rows = Object.hasOwn(node, repeats[j]) ? node[repeats[j]] : undefined;
      if (!Array.isArray(rows)) return null;
      const row = rows[at[j]];
      if (!isRecord(row)) return null;
      node = row;
    }
    return node;
  }

  /** The answer (a repeat's rows) as given, unchecked; undefined when absent. */
  raw(name: string, at: readonly number[] = []): unknown {
    const info = this.c.info.get(name);
    const row = info ? this.rowAnswers(info.repeats, at) : null;
    return row && Object.hasOwn(row, name) ? row[name] : undefined;
  }

  private scope(
    at: readonly number[],
    repeats: readonly string[],
    self: string | null = null,
    column?: (name: string) => Value,
  ): Scope {
    return new RowScope(this, at, repeats, self, column);
  }

  /** @internal ${name} read from the row `at` of `repeats`. */
  refValue(name: string, at: readonly number[], repeats: readonly string[]): Value {
    const target = this.c.info.get(name);
    if (target?.item.kind !== "question") return "";
    const k = target.repeats.length;
    if (commonPrefix(target.repeats, repeats) === k)
      return this.value(name, at.length === k ? at : at.slice(0, k));
    // Several rows, no single answer: the upload refuses this outside count() and sum(); a
    // definition edited by hand still gets an answer (XPath's: the first row's).
    return this.total(name, at, repeats).values[0] ?? "";
  }

  /**
   * @internal count() and sum() of ${name} from the row `at`: the relevant rows it designates and
   * their values. Remembered, since every row of a repeat may ask for the same total; safe because
   * a total is only asked for once `name` is settled (it is a dependency of whatever asks).
   */
  total(name: string, at: readonly number[], repeats: readonly string[]): { count: number; values: Value[] } {
    const target = this.c.info.get(name);
    if (!target || target.item.kind === "group") return { count: 0, values: [] };
    const k = commonPrefix(target.repeats, repeats);
    const key = `${name}|${keyOf(at.slice(0, k))}`;
    let total = this.totals.get(key);
    if (total) return total;
    const values: Value[] = [];
    let count = 0;
    for (const p of this.positions(target.repeats, at.slice(0, k))) {
      if (target.item.kind === "repeat") {
        const rows = this.rows(name, p);
        for (let i = 0; i < rows; i++) if (this.relevant(name, [...p, i])) count++;
      } else if (this.relevant(name, p)) {
        count++;
        values.push(this.value(name, p));
      }
    }
    total = { count, values };
    this.totals.set(key, total);
    return total;
  }

  /** @internal */
  registerValue(field: string): Value {
    const v = this.context.register?.[field];
    return v === null || v === undefined ? "" : v;
  }

  /** Relevance and value of every row of one item; its dependencies are settled already. */
  private settle(name: string): void {
    const { item, repeats, parent } = this.info(name);
    const relevance = new Map<string, boolean>();
    this.relevance.set(name, relevance);
    const parentRelevant = (p: readonly number[]) => (parent ? this.relevant(parent.name, p) : true);
    const own = (at: readonly number[], scopeRepeats: readonly string[]) =>
      !item.relevant || toBoolean(evaluate(item.relevant.ast, this.scope(at, scopeRepeats)));

    if (item.kind === "repeat") {
      // Every row count first, so the rows are known (and positions through this repeat can be
      // remembered) before any row's relevance is worked out.
      const counts = new Map<string, number>();
      const enclosing = this.positions(repeats, []);
      for (const p of enclosing) counts.set(keyOf(p), this.rowCount(item, repeats, p));
      this.rowCounts.set(name, counts);
      const inside = [...repeats, name];
      for (const p of enclosing) {
        const n = counts.get(keyOf(p)) ?? 0;
        const parentApplies = parentRelevant(p);
        for (let i = 0; i < n; i++) {
          const at = [...p, i];
          relevance.set(keyOf(at), parentApplies && own(at, inside));
        }
      }
      return;
    }

    const values = new Map<string, Value>();
    this.values.set(name, values);
    for (const at of this.positions(repeats, [])) {
      const relevant = parentRelevant(at) && own(at, repeats);
      relevance.set(keyOf(at), relevant);
      if (!relevant || item.kind !== "question") continue;
      const value = item.calculation
        ? evaluate(item.calculation.ast, this.scope(at, repeats))
        : typedAnswer(item, this.raw(name, at));
      if (value !== "") values.set(keyOf(at), value);
    }
  }

  private rowCount(repeat: Repeat, repeats: readonly string[], p: readonly number[]): number {
    if (repeat.count) {
      const n = toNumber(evaluate(repeat.count.ast, this.scope(p, repeats)));
      return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), MAX_ROWS) : 0;
    }
    const row = this.rowAnswers(repeats, p);
    const rows = row && Object.hasOwn(row, repeat.name) ? row[repeat.name] : undefined;
    return Array.isArray(rows) ? Math.min(rows.length, MAX_ROWS) : 0;
  }
}

/** An answer as expressions see it: numbers and dates typed; anything unreadable blank. */
function typedAnswer(q: Question, raw: unknown): Value {
  if (typeof raw !== "string" || raw === "") return "";
  switch (q.type) {
    case "integer":
      return INTEGER.test(raw) ? Number(raw) : "";
    case "decimal":
      return DECIMAL.test(raw) ? Number(raw) : "";
    case "date": {
      const day = dayOfIso(raw);
      return day === null ? "" : { day };
    }
    case "note":
      return "";
    default:
      return raw;
  }
}

export function evaluateForm(def: QuestionnaireDefinition, answers: Answers, ctx: EvalContext): FormState {
  return new FormState(def, isRecord(answers) ? answers : {}, ctx);
}

/** What a reference means from one row: the scope expressions are evaluated in. */
class RowScope implements Scope {
  constructor(
    private readonly state: FormState,
    private readonly at: readonly number[],
    private readonly repeats: readonly string[],
    private readonly selfName: string | null,
    private readonly columnOf?: (name: string) => Value,
  ) {}

  value(name: string): Value {
    return this.state.refValue(name, this.at, this.repeats);
  }

  values(name: string): Value[] {
    return this.state.total(name, this.at, this.repeats).values;
  }

  count(name: string): number {
    return this.state.total(name, this.at, this.repeats).count;
  }

  self(): Value {
    return this.selfName === null ? "" : this.state.value(this.selfName, this.at);
  }

  position(): number {
    return this.at.length > 0 ? this.at[this.at.length - 1] + 1 : 0;
  }

  register(field: string): Value {
    return this.state.registerValue(field);
  }

  column(name: string): Value {
    return this.columnOf ? this.columnOf(name) : "";
  }

  today(): string {
    return this.state.today;
  }
}

// ---------------------------------------------------------------------------------------------
// Checking

/** A Date whose local calendar day is China's day of `now`, for validators that read local dates. */
function chinaNoon(now: Date): Date {
  const [y, m, d] = chinaDay(now).split("-").map(Number);
  return new Date(y, m - 1, d, 12);
}

/** Why an answer given as text does not fit its question's type, or null. */
function typeProblem(
  state: FormState,
  q: Question,
  raw: string,
  at: readonly number[],
): { key: string; params?: Record<string, string | number> } | null {
  if (!raw.isWellFormed() || raw.includes("\u0000")) return { key: "validation.text.malformed" };
  if ([...raw].length > MAX_ANSWER_LENGTH)
    return { key: "validation.tooLong", params: { max: MAX_ANSWER_LENGTH } };
  if (hasBidiControl(raw)) return { key: "validation.text.bidiControl" };
  switch (q.type) {
    case "integer":
      return INTEGER.test(raw) ? null : { key: "validation.notInteger" };
    case "decimal":
      return DECIMAL.test(raw) ? null : { key: "questionnaire.answer.number" };
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return { key: "validation.date.format" };
      return dayOfIso(raw) === null ? { key: "validation.date.invalid" } : null;
    case "select_one":
      return state.choices(q.name, at).some((c) => c.name === raw)
        ? null
        : { key: "validation.invalidValue" };
    case "select_multiple": {
      const picked = raw.trim().split(/\s+/);
      const offered = new Set(state.choices(q.name, at).map((c) => c.name));
      const fits = new Set(picked).size === picked.length && picked.every((n) => offered.has(n));
      return fits ? null : { key: "questionnaire.answer.choices" };
    }
    case "acknowledge":
      return raw === "OK" ? null : { key: "questionnaire.answer.acknowledge" };
    case "geopoint": {
      const m = GEOPOINT.exec(raw);
      const fits = m && Math.abs(Number(m[1])) <= 90 && Math.abs(Number(m[2])) <= 180;
      return fits ? null : { key: "questionnaire.answer.geopoint" };
    }
    case "image":
      // A photo is named by the SHA-256 it is uploaded under (the visit's photo pipeline).
      return /^[0-9a-f]{64}$/.test(raw) ? null : { key: "validation.visit.photoHash" };
    case "citizen_id": {
      const r = parseCitizenId(raw, chinaNoon(state.context.now));
      return r.ok ? null : { key: r.error };
    }
    case "phone": {
      const r = parsePhone(raw);
      return r.ok ? null : { key: r.error };
    }
    default:
      return null;
  }
}

/**
 * Every reason the answers cannot be saved, in form order: answers of questions the form does not
 * have, then per applicable question a missing required answer, an answer that does not fit its
 * type, or one that breaks its constraint (checked only on a non-blank answer that fits, as ODK
 * does). Questions that do not apply are never checked.
 */
export function validateAnswers(
  def: QuestionnaireDefinition,
  answers: Answers,
  ctx: EvalContext,
): FieldError[] {
  const state = evaluateForm(def, answers, ctx);
  const c = compile(def);
  const errors: FieldError[] = [];
  const fail = (
    name: string,
    at: readonly number[],
    kind: FieldErrorKind,
    why: { key: string; params?: Record<string, string | number>; message?: Text },
  ) => {
    errors.push({
      name,
      // A copy: the state's row positions are shared.
      at: [...at],
      kind,
      key: why.key,
      ...(why.params ? { params: why.params } : {}),
      ...(why.message ? { message: why.message } : {}),
    });
  };
  unknownAnswers(c, state.answers, [], null, errors);

  for (const { item } of walkItems(def.survey)) {
    const { repeats, parent } = c.info.get(item.name) as Info;
    if (item.kind === "repeat") {
      for (const p of state.positions(repeats)) {
        if (parent && !state.relevant(parent.name, p)) continue;
        const value = state.raw(item.name, p);
        if (value === undefined) continue;
        if (!Array.isArray(value) || !value.every(isRecord)) {
          fail(item.name, p, "shape", { key: "questionnaire.answer.shape", params: { name: item.name } });
        } else if (!item.count && value.length > MAX_ROWS) {
          // With repeat_count the rows are the count's, whatever was sent.
          fail(item.name, p, "rows", {
            key: "questionnaire.answer.tooManyRows",
            params: { name: item.name, max: MAX_ROWS },
          });
        }
      }
      continue;
    }
    if (item.kind !== "question" || item.type === "note" || item.type === "calculate") continue;
    for (const at of state.positions(repeats)) {
      if (!state.relevant(item.name, at)) continue;
      const raw = state.raw(item.name, at);
      if (raw !== undefined && typeof raw !== "string") {
        fail(item.name, at, "shape", { key: "questionnaire.answer.shape", params: { name: item.name } });
        continue;
      }
      const text = raw ?? "";
      if (text === "") {
        if (state.required(item.name, at)) {
          fail(item.name, at, "required", { key: "validation.required", message: item.requiredMessage });
        }
        continue;
      }
      const problem = typeProblem(state, item, text, at);
      if (problem) fail(item.name, at, "type", problem);
      else if (item.constraint && !state.satisfies(item.name, at)) {
        fail(item.name, at, "constraint", {
          key: "questionnaire.answer.constraint",
          message: item.constraintMessage,
        });
      }
    }
  }
  return errors;
}

/**
 * Answers to names the form does not have at that level (or to groups, which hold no answer): a
 * phone on another version of the form, or not this app. Refused, never silently dropped.
 */
function unknownAnswers(
  c: Compiled,
  answers: Answers,
  at: readonly number[],
  repeat: string | null,
  errors: FieldError[],
): void {
  for (const [name, value] of Object.entries(answers)) {
    const info = c.info.get(name);
    const here = info && (info.repeats.length > 0 ? info.repeats[info.repeats.length - 1] : null) === repeat;
    if (!info || !here || info.item.kind === "group") {
      errors.push({
        name,
        at: [...at],
        kind: "unknown",
        key: "questionnaire.answer.unknown",
        params: { name },
      });
    } else if (info.item.kind === "repeat" && Array.isArray(value)) {
      value.slice(0, MAX_ROWS).forEach((row, i) => {
        if (isRecord(row)) unknownAnswers(c, row, [...at, i], name, errors);
      });
    }
  }
}

/**
 * The answers worth keeping: those of questions that apply, calculations as their text, rows of
 * each repeat (a row that does not apply kept as {} so row numbers stay), nothing the form does not
 * have. What the server stores and exports, and what a draft moved to a new version starts from.
 */
export function cleanAnswers(def: QuestionnaireDefinition, answers: Answers, ctx: EvalContext): Answers {
  const state = evaluateForm(def, answers, ctx);
  const build = (items: readonly Item[], at: readonly number[], out: Record<string, AnswerValue>) => {
    for (const item of items) {
      if (item.kind === "group") {
        build(item.children, at, out);
      } else if (item.kind === "repeat") {
        const rows: Answers[] = [];
        let any = false;
        for (let i = 0; i < state.rows(item.name, at); i++) {
          const row: Record<string, AnswerValue> = {};
          if (state.relevant(item.name, [...at, i])) {
            any = true;
            build(item.children, [...at, i], row);
          }
          rows.push(row);
        }
        if (any) out[item.name] = rows;
      } else if (item.type !== "note" && state.relevant(item.name, at)) {
        const raw = state.raw(item.name, at);
        const text = item.calculation ? state.text(item.name, at) : typeof raw === "string" ? raw : "";
        if (text !== "") out[item.name] = text;
      }
    }
    return out;
  };
  return build(def.survey, [], {});
}
