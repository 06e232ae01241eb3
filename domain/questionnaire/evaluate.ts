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

import type { Locale, Translate } from "../i18n";
import { isPhotoHash } from "../photo";
import { chinaDay } from "../progress";
import { parseCitizenId } from "../validators/citizen-id";
import { parsePhone } from "../validators/mobile";
import { hasBidiControl } from "../validators/text";
import * as compiling from "./compile";
import { compileExpr, dayValue, type Fn, type Leaves } from "./compile";
import {
  type Choice,
  dependencyOrder,
  type Formula,
  type Group,
  type Item,
  offeredChoices,
  type Question,
  type QuestionnaireDefinition,
  type QuestionType,
  type Repeat,
  type Text,
  textIn,
  walkItems,
} from "./definition";
import { referencedNames } from "./expr";
import type { Value } from "./values";
import * as values from "./values";

// The hot helpers as this module's own constants: a bundler's (and tsx's) named import is a getter
// on the other module's exports, called at every use — a sixth of a pushed visit's check.
const { dayOfIso, toBoolean, toNumber, toText } = values;
const { isBlankUnit } = compiling;

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
// The definition, compiled once per definition object
//
// Every item gets a slot in its scope: the form itself, or the innermost repeat around it. A state
// holds one Row per scope instance (the form, each row of each repeat) with the relevance and value
// of every slot, so a reference is compiled to "this row's slot" or "the slot of the row k levels
// up", and settling an item is one pass over the rows of its scope, in the dependency order the
// upload checked (no fixed point: each item is worked out once, after everything it reads).

type EvalFn = Fn<FormState, Row>;

interface Scope {
  index: number;
  /** The repeat this scope is the rows of; null for the form itself. */
  repeat: ItemInfo | null;
  /** The enclosing repeats' names, outermost first, this one's included. */
  chain: readonly string[];
  /** The slot of each repeat of `chain` in its own enclosing scope, to walk down from the form. */
  path: readonly number[];
  /** Items whose innermost repeat this is (groups, questions, and repeats nested directly). */
  names: Map<string, ItemInfo>;
  size: number;
  /**
   * A new row's slots before anything is settled, copied by each Row (a packed array's copy, where
   * filling a fresh array costs a pass and leaves it holey): relevance 1 for the items that always
   * apply (`fixed`), blank values, no answers.
   */
  blankRel: number[];
  blankVal: Value[];
  blankRaw: unknown[];
  /** Whether a repeat sits directly in this scope (its rows have rows under them). */
  nested: boolean;
}

interface ItemInfo {
  item: Item;
  /**
   * The item's kind, name and question type, copied here for the checks every row runs: the items
   * of a definition read from JSON come in many shapes, and reading a field of one is a slow lookup
   * where every ItemInfo has one shape.
   */
  kind: Item["kind"];
  name: string;
  /** A question's type; null for a group or a repeat. */
  type: QuestionType | null;
  /** Enclosing repeats, outermost first (not the repeat itself). */
  repeats: readonly string[];
  parent: Group | Repeat | null;
  /** 0: no parent; 1: the enclosing repeat's row; 2: a group of the same scope (at parentSlot). */
  parentKind: 0 | 1 | 2;
  parentSlot: number;
  /** The scope the item's slot is in. */
  scope: Scope;
  slot: number;
  /** A repeat's own scope (its rows). */
  inner: Scope | null;
  relevant: EvalFn | null;
  calculation: EvalFn | null;
  count: EvalFn | null;
  constraint: EvalFn | null;
  required: EvalFn | null;
  readOnly: EvalFn | null;
  choiceFilter: EvalFn | null;
  defaultFormula: EvalFn | null;
  /** A select's offered choice names, when no choice_filter narrows them. */
  choiceNames: ReadonlySet<string> | null;
  /** Those of them that pass every text check (short, well formed, no direction mark). */
  plainChoices: ReadonlySet<string> | null;
  /**
   * A select_multiple's answers already found to fit `choiceNames` (a few hundred at most): visits
   * pick the same few combinations, and one look-up is cheaper than reading the answer again.
   */
  fitting: Set<string> | null;
  /** Checked by validateAnswers: a repeat, or a question that takes an answer. */
  checked: boolean;
  /**
   * Applies in every row of its scope: no relevant of its own nor on any container. Such an item's
   * relevance is in the scope's blank row already; nothing to settle for it unless it has a value to
   * work out.
   */
  fixed: boolean;
  /**
   * A fixed question whose value is its typed answer (no calculation): worked out as the answer is
   * read into its slot (loadRow), since it reads nothing else, rather than in a pass of its own.
   */
  valueOnLoad: boolean;
  /** Its place in the dependency order: an update settles what it must in this order. */
  rank: number;
  /**
   * Items settled again when this one's relevance or value changes: those whose relevant,
   * calculation or repeat_count reads it, and the items it contains (their relevance is under its).
   */
  settleReaders: ItemInfo[];
  /**
   * Items whose checks or display read it: constraint, required, read_only, choice_filter, a default
   * expression, ${…} in a label or hint.
   */
  checkReaders: ItemInfo[];
}

interface Compiled {
  info: ReadonlyMap<string, ItemInfo>;
  /** Items in dependency order. */
  order: readonly ItemInfo[];
  /** Those of them a new state settles: the rest are fixed groups and valueOnLoad questions. */
  settled: readonly ItemInfo[];
  /** Items in form order. */
  items: readonly ItemInfo[];
  scopes: readonly Scope[];
  /** Per select question: its list, with 其他 added for or_other. */
  choices: ReadonlyMap<string, readonly Choice[]>;
  /** Compiled ${name} of labels and hints, per scope index and name. */
  labelRefs: Map<string, EvalFn>;
  leaves: (scope: readonly string[], self: number) => Leaves<FormState, Row>;
}

interface Total {
  count: number;
  values: Value[];
}

const NO_TOTAL: Total = { count: 0, values: [] };

/** One instance of a scope: the form, or one row of a repeat (under one row of each enclosing repeat). */
class Row {
  readonly rel: number[];
  readonly val: Value[];
  /** The answer (a repeat's rows) as given per slot, undefined when absent: read once, when the row is made. */
  readonly raw: unknown[];
  /** Per repeat slot of this scope: that repeat's rows under this row. */
  readonly sub: (Row[] | undefined)[];
  /** A repeat row's own relevance (the repeat's relevant, under its parent's). */
  self = true;
  totals: Map<ItemInfo, Total> | null = null;
  constructor(
    readonly parent: Row | null,
    readonly at: readonly number[],
    /** This row's answers object, or null when the answers lack it. */
    readonly answers: Answers | null,
    scope: Scope,
  ) {
    this.rel = scope.blankRel.slice();
    this.val = scope.blankVal.slice();
    this.raw = scope.blankRaw.slice();
    // Shared and never written where the scope holds no repeat: one array fewer per row.
    this.sub = scope.nested ? [] : NO_SUB;
  }
}

const NO_SUB: (Row[] | undefined)[] = [];

const compiled = new WeakMap<QuestionnaireDefinition, Compiled>();

const commonPrefix = (a: readonly string[], b: readonly string[]) => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};

const isRecord = (v: unknown): v is Answers => typeof v === "object" && v !== null && !Array.isArray(v);

const rowUp = (row: Row, up: number): Row => {
  let r = row;
  for (let i = 0; i < up; i++) r = r.parent as Row;
  return r;
};

function compile(def: QuestionnaireDefinition): Compiled {
  const cached = compiled.get(def);
  if (cached) return cached;
  const ordered = dependencyOrder(def.survey);
  // A stored definition passed the upload's checks; a cycle here means it was edited by hand.
  if (!ordered.ok) throw new Error(`questionnaire definition has a cycle: ${ordered.cycle.join(" → ")}`);

  const root: Scope = {
    index: 0,
    repeat: null,
    chain: [],
    path: [],
    names: new Map(),
    size: 0,
    blankRel: [],
    blankVal: [],
    blankRaw: [],
    nested: false,
  };
  const scopes: Scope[] = [root];
  const scopeOfRepeat = new Map<string, Scope>();
  const info = new Map<string, ItemInfo>();
  const items: ItemInfo[] = [];
  for (const { item, parents } of walkItems(def.survey)) {
    const repeats = parents.filter((p) => p.kind === "repeat").map((p) => p.name);
    const scope = repeats.length > 0 ? (scopeOfRepeat.get(repeats[repeats.length - 1]) as Scope) : root;
    const parent = parents.length > 0 ? parents[parents.length - 1] : null;
    const fixed = !item.relevant && (parent === null || (info.get(parent.name) as ItemInfo).fixed);
    const entry: ItemInfo = {
      item,
      kind: item.kind,
      name: item.name,
      type: item.kind === "question" ? item.type : null,
      repeats,
      parent,
      parentKind: parent === null ? 0 : parent.kind === "repeat" ? 1 : 2,
      parentSlot: parent && parent.kind === "group" ? (info.get(parent.name) as ItemInfo).slot : -1,
      scope,
      slot: scope.size++,
      inner: null,
      relevant: null,
      calculation: null,
      count: null,
      constraint: null,
      required: null,
      readOnly: null,
      choiceFilter: null,
      defaultFormula: null,
      choiceNames: null,
      plainChoices: null,
      fitting: null,
      checked:
        item.kind === "repeat" ||
        (item.kind === "question" && item.type !== "note" && item.type !== "calculate"),
      fixed,
      valueOnLoad: fixed && item.kind === "question" && !item.calculation,
      rank: 0,
      settleReaders: [],
      checkReaders: [],
    };
    if (item.kind === "repeat") {
      const inner: Scope = {
        index: scopes.length,
        repeat: entry,
        chain: [...repeats, item.name],
        path: [...scope.path, entry.slot],
        names: new Map(),
        size: 0,
        blankRel: [],
        blankVal: [],
        blankRaw: [],
        nested: false,
      };
      scope.nested = true;
      scopes.push(inner);
      scopeOfRepeat.set(item.name, inner);
      entry.inner = inner;
    }
    scope.names.set(item.name, entry);
    info.set(item.name, entry);
    items.push(entry);
  }
  for (const entry of items) {
    // Pushed one by one, so the arrays are packed (their copies too).
    entry.scope.blankRel.push(entry.fixed && !entry.inner ? 1 : 0);
    entry.scope.blankVal.push("");
    entry.scope.blankRaw.push(undefined);
  }

  const language = def.settings.defaultLanguage;
  const leaves = (chain: readonly string[], self: number): Leaves<FormState, Row> => {
    const totalOf = (name: string): ((state: FormState, row: Row) => Total) => {
      const target = info.get(name);
      if (!target || target.item.kind === "group") return () => NO_TOTAL;
      const k = commonPrefix(target.repeats, chain);
      const up = chain.length - k;
      // The repeats to walk down through from the common row to the rows the target lives in.
      const down = target.repeats.slice(k).map((r) => (info.get(r) as ItemInfo).slot);
      return (_state, row) => rowTotal(rowUp(row, up), target, down);
    };
    return {
      ref(name) {
        const target = info.get(name);
        if (target?.item.kind !== "question") return () => "";
        const k = commonPrefix(target.repeats, chain);
        if (k === target.repeats.length) {
          const up = chain.length - k;
          const slot = target.slot;
          if (up === 0) return (_s, row) => row.val[slot];
          if (up === 1) return (_s, row) => (row.parent as Row).val[slot];
          return (_s, row) => rowUp(row, up).val[slot];
        }
        // Several rows, no single answer: the upload refuses this outside count() and sum(); a
        // definition edited by hand still gets an answer (XPath's: the first row's).
        const total = totalOf(name);
        return (s, row) => total(s, row).values[0] ?? "";
      },
      count(name) {
        const total = totalOf(name);
        return (s, row) => total(s, row).count;
      },
      values(name) {
        const total = totalOf(name);
        return (s, row) => total(s, row).values;
      },
      register: (field) => (s) => s.registerValue(field),
      self: () => (self < 0 ? () => "" : (_s, row) => row.val[self]),
      position: () => (chain.length === 0 ? () => 0 : (_s, row) => row.at[row.at.length - 1] + 1),
      column: (name) => (_s, _row, choice) =>
        choice === null
          ? ""
          : name === "name"
            ? choice.name
            : name === "label"
              ? textIn(choice.label, language)
              : (choice.columns?.[name] ?? ""),
      today: () => (s) => s.todayValue,
    };
  };

  const lists = new Map(def.lists.map((l) => [l.name, l.choices]));
  const choices = new Map<string, readonly Choice[]>();
  for (const entry of items) {
    const { item, repeats } = entry;
    const inside = entry.inner ? entry.inner.chain : repeats;
    const plain = leaves(repeats, -1);
    if (item.relevant) entry.relevant = compileExpr(item.relevant.ast, leaves(inside, -1));
    if (item.kind === "repeat" && item.count) entry.count = compileExpr(item.count.ast, plain);
    if (item.kind !== "question") continue;
    const withSelf = leaves(repeats, entry.slot);
    if (item.calculation) entry.calculation = compileExpr(item.calculation.ast, plain);
    if (item.constraint) entry.constraint = compileExpr(item.constraint.ast, withSelf);
    if (item.required) entry.required = compileExpr(item.required.ast, withSelf);
    if (item.readOnly) entry.readOnly = compileExpr(item.readOnly.ast, withSelf);
    if (item.defaultFormula) entry.defaultFormula = compileExpr(item.defaultFormula.ast, plain);
    if (item.choiceFilter) entry.choiceFilter = compileExpr(item.choiceFilter.ast, plain);
    if (item.list) {
      const offered = offeredChoices(item, lists.get(item.list) ?? []);
      choices.set(item.name, offered);
      if (!item.choiceFilter) {
        entry.choiceNames = new Set(offered.map((c) => c.name));
        entry.plainChoices = new Set(
          offered
            .map((c) => c.name)
            .filter((n) => n.length <= MAX_ANSWER_LENGTH && !SUSPECT.test(n) && n !== ""),
        );
      }
    }
  }

  const order = ordered.order.map((name) => info.get(name) as ItemInfo);
  order.forEach((entry, rank) => {
    entry.rank = rank;
  });
  readersOf(items, info);

  const result: Compiled = {
    info,
    order,
    settled: order.filter((entry) => entry.inner !== null || !entry.fixed || entry.calculation !== null),
    items,
    scopes,
    choices,
    labelRefs: new Map(),
    leaves,
  };
  compiled.set(def, result);
  return result;
}

/**
 * Who reads whom, worked out once per definition from the expressions' references (the same edges
 * dependencyOrder sorts by, plus the checks' and labels'): what FormState.update settles again after
 * an answer changes, and which questions it tells the phone to draw again.
 */
function readersOf(items: readonly ItemInfo[], info: ReadonlyMap<string, ItemInfo>): void {
  const add = (list: ItemInfo[], reader: ItemInfo) => {
    if (!list.includes(reader)) list.push(reader);
  };
  const refs = (f: Formula | undefined, into: Set<string>) => {
    if (f) for (const name of referencedNames(f.ast)) into.add(name);
  };
  for (const entry of items) {
    const { item } = entry;
    const settle = new Set<string>();
    const check = new Set<string>();
    if (entry.parent) settle.add(entry.parent.name);
    refs(item.relevant, settle);
    if (item.kind === "repeat") refs(item.count, settle);
    if (item.kind === "question") {
      refs(item.calculation, settle);
      refs(item.constraint, check);
      refs(item.required, check);
      refs(item.readOnly, check);
      refs(item.choiceFilter, check);
      refs(item.defaultFormula, check);
    }
    for (const text of [item.label, item.hint]) {
      for (const shown of Object.values(text ?? {})) {
        if (typeof shown !== "string" || !shown.includes("${")) continue;
        for (const m of shown.matchAll(LABEL_REF)) check.add(m[1]);
      }
    }
    for (const name of settle) {
      const read = info.get(name);
      if (read) add(read.settleReaders, entry);
    }
    for (const name of check) {
      const read = info.get(name);
      // Also when it decides the reader's relevance too: the reader may settle the same and check otherwise.
      if (read) add(read.checkReaders, entry);
    }
  }
}

/**
 * count() and sum() of an item from one row: the relevant rows it designates under that row and
 * their values. Remembered on the row, since every row of a repeat may ask for the same total; safe
 * because a total is only asked for once its item is settled (it is a dependency of whatever asks).
 */
function rowTotal(from: Row, target: ItemInfo, down: readonly number[]): Total {
  const known = from.totals?.get(target);
  if (known) return known;
  const values: Value[] = [];
  let count = 0;
  const visit = (row: Row, depth: number) => {
    if (depth < down.length) {
      for (const r of row.sub[down[depth]] ?? []) visit(r, depth + 1);
    } else if (target.kind === "repeat") {
      for (const r of row.sub[target.slot] ?? []) if (r.self) count++;
    } else if (row.rel[target.slot] === 1) {
      count++;
      values.push(row.val[target.slot]);
    }
  };
  visit(from, 0);
  const total = { count, values };
  from.totals ??= new Map();
  from.totals.set(target, total);
  return total;
}

const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;
const GEOPOINT = /^(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)(?: -?\d+(?:\.\d+)?){0,2}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/**
 * Any character that could make an answer malformed (a lone surrogate, NUL) or hide its direction
 * (hasBidiControl's): an answer without one needs neither closer check.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what is looked for.
const SUSPECT = /[\u0000\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;
const LABEL_REF = /\$\{\s*([^}]*?)\s*\}/g;

/**
 * A new row's answers into its slots, by the answers' own names (one pass over them, rather than a
 * look-up per question). True when a name is not a question or repeat of this scope: unknownAnswers
 * then says which.
 */
function loadRow(row: Row, scope: Scope): boolean {
  const answers = row.answers;
  if (answers === null) return false;
  let unknown = false;
  for (const name of Object.keys(answers)) {
    const info = scope.names.get(name);
    if (info === undefined || info.kind === "group") unknown = true;
    else {
      const raw = answers[name];
      row.raw[info.slot] = raw;
      if (info.valueOnLoad) {
        const value = typedAnswer(info.type as QuestionType, raw);
        if (value !== "") row.val[info.slot] = value;
      }
    }
  }
  return unknown;
}

// ---------------------------------------------------------------------------------------------
/**
 * What FormState.update may have changed, for the phone to draw again only that: `cells`, places
 * (`name@row.row`, cellKey) whose relevance or value changed, the answer set among them, and a
 * repeat under a parent row whose rows' relevance changed; `readers`, questions whose checks,
 * choices, labels or hints read something that changed, at every row. `all`: the rows were made
 * again, anything may differ.
 */
export interface FormChange {
  all: boolean;
  cells: ReadonlySet<string>;
  readers: ReadonlySet<string>;
}

/** A place in a form: a question (or a repeat, under its parent row) at its row positions. */
export const cellKey = (name: string, at: readonly number[]) => `${name}@${at.join(".")}`;

const sameValue = (a: Value, b: Value) =>
  a === b || (typeof a === "object" && typeof b === "object" && a.day === b.day);

/** The answers with one value set at a row position, rows made as needed (never holes: JSON has no undefined). */
export function setAnswer(
  answers: Answers,
  chain: readonly string[],
  at: readonly number[],
  name: string,
  value: AnswerValue,
): Answers {
  if (chain.length === 0) return { ...answers, [name]: value };
  const held = answers[chain[0]];
  const rows: Answers[] = Array.isArray(held) ? [...held] : [];
  while (rows.length <= at[0]) rows.push({});
  rows[at[0]] = setAnswer(rows[at[0]] ?? {}, chain.slice(1), at.slice(1), name, value);
  return { ...answers, [chain[0]]: rows };
}

// ---------------------------------------------------------------------------------------------
// The state

export class FormState {
  /** @internal */
  readonly c: Compiled;
  /** @internal Every row of each scope (by scope index), in form order. */
  readonly rowsOf: Row[][];
  /** @internal today(), China's calendar day of the clock. */
  readonly today: string;
  /** @internal today() as a value. */
  readonly todayValue: Value;
  private noon: Date | null = null;
  /**
   * @internal Some answers need unknownAnswers' walk: a name the form lacks at its level, or rows
   * past a repeat_count (which make no Row, so loadRow never read them).
   */
  unscanned = false;

  /** The answers the state is of: replaced (never changed in place) by update. */
  get answers(): Answers {
    return this.given;
  }

  constructor(
    readonly definition: QuestionnaireDefinition,
    private given: Answers,
    readonly context: EvalContext,
  ) {
    this.c = compile(definition);
    const day = dayOf(context.now);
    this.today = day.text;
    this.todayValue = day.value;
    this.rowsOf = this.c.scopes.map(() => []);
    this.evaluateAll();
  }

  private evaluateAll(): void {
    for (const rows of this.rowsOf) rows.length = 0;
    const root = new Row(null, [], this.given, this.c.scopes[0]);
    this.unscanned = loadRow(root, this.c.scopes[0]);
    this.rowsOf[0].push(root);
    for (const info of this.c.settled) this.settle(info);
  }

  /**
   * One answer set (a question's text, or a repeat's rows) and the state worked out again as
   * evaluateForm would of the new answers, settling only the items that read the answer, directly
   * or through others (the readers worked out once per definition). A repeat's rows changing, in
   * number or by a new rows answer, makes the rows again: the whole form is settled. Says what may
   * look different now, for the phone to draw again only that.
   */
  update(name: string, at: readonly number[], value: AnswerValue): FormChange {
    const info = this.c.info.get(name);
    const chain = info ? info.repeats : [];
    this.given = setAnswer(this.given, chain, at, name, value);
    const row = info && info.item.kind === "question" ? this.rowAt(info.scope, at) : null;
    if (!info || !row || this.unscanned) return this.rebuilt();
    const cells = new Set<string>([cellKey(name, at)]);
    // The rows on the way down hold their repeat's new rows array (checked as given: shape, length).
    let node: Answers = this.given;
    let up: Row = this.rowsOf[0][0];
    for (let j = 0; j < chain.length; j++) {
      const repeat = this.c.info.get(chain[j]) as ItemInfo;
      const rows = node[chain[j]] as Answers[];
      // Rows of a repeat_count given as no list (or none): now a list, whose shape check may differ.
      if (!Array.isArray(up.raw[repeat.slot])) cells.add(cellKey(chain[j], up.at));
      up.raw[repeat.slot] = rows;
      node = rows[at[j]];
      up = (up.sub[repeat.slot] as Row[])[at[j]];
    }
    row.raw[info.slot] = value;

    // Everything that reads the answer, however indirectly, in the order a full evaluation takes.
    const dirty = new Set<ItemInfo>([info]);
    const queue = [info];
    while (queue.length > 0) {
      for (const reader of (queue.pop() as ItemInfo).settleReaders) {
        if (!dirty.has(reader)) {
          dirty.add(reader);
          queue.push(reader);
        }
      }
    }
    const order = [...dirty].sort((a, b) => a.rank - b.rank);
    // Totals remembered on rows may count an answer that changed.
    for (const rows of this.rowsOf) for (const r of rows) r.totals = null;

    const changed = new Set<ItemInfo>([info]);
    for (const item of order) {
      if (item.inner) {
        const moved = this.resettleRepeat(item, cells);
        if (moved === null) return this.rebuilt();
        if (moved) changed.add(item);
        continue;
      }
      const { slot } = item;
      for (const r of this.rowsOf[item.scope.index]) {
        const rel = r.rel[slot];
        const val = r.val[slot];
        r.rel[slot] = 0;
        r.val[slot] = "";
        this.settleRow(item, r);
        if (r.rel[slot] !== rel || !sameValue(r.val[slot], val)) {
          cells.add(cellKey(item.item.name, r.at));
          changed.add(item);
        }
      }
    }
    const readers = new Set<string>();
    for (const item of changed) for (const reader of item.checkReaders) readers.add(reader.item.name);
    return { all: false, cells, readers };
  }

  /** Every answer replaced (a draft's strays dropped): the whole form worked out again. */
  replace(answers: Answers): FormChange {
    this.given = isRecord(answers) ? answers : {};
    return this.rebuilt();
  }

  private rebuilt(): FormChange {
    this.evaluateAll();
    return { all: true, cells: new Set(), readers: new Set() };
  }

  /**
   * A repeat's rows' relevance again, the rows kept: null when a row count differs (the rows must
   * be made again); otherwise whether any row's relevance changed. Its cell under a parent row
   * (repeat@parent) is marked when a row there changed, or when it has none (whether its first row
   * is offered may have changed).
   */
  private resettleRepeat(info: ItemInfo, cells: Set<string>): boolean | null {
    const { slot, relevant } = info;
    let moved = false;
    for (const p of this.rowsOf[info.scope.index]) {
      const rows = p.sub[slot] as Row[];
      if (this.rowCount(info, p) !== rows.length) return null;
      const parentApplies = this.parentApplies(info, p);
      let here = rows.length === 0;
      for (const row of rows) {
        const self = parentApplies && (relevant === null || toBoolean(relevant(this, row, null)));
        if (self !== row.self) {
          row.self = self;
          here = true;
        }
      }
      if (here) {
        cells.add(cellKey(info.item.name, p.at));
        moved = true;
      }
    }
    return moved;
  }

  /** The first reason the answer at this place cannot be saved, as validateForm finds it; unknown names aside. */
  errorAt(name: string, at: readonly number[] = []): FieldError | undefined {
    const info = this.c.info.get(name);
    if (!info?.checked) return undefined;
    const errors: FieldError[] = [];
    if (info.inner) {
      const p = this.rowAt(info.scope, at);
      if (p) checkRepeat(this, info, p, errors);
    } else {
      const row = this.rowAt(info.scope, at);
      if (row) checkQuestion(this, info, row, errors);
    }
    return errors[0];
  }

  /** Answers to names the form lacks (validateForm's `unknown` errors), found without checking the rest. */
  strays(): FieldError[] {
    const errors: FieldError[] = [];
    if (this.unscanned) unknownAnswers(this.c.scopes[0], this.given, [], errors);
    return errors;
  }

  /** Does the question (group, repeat row) apply? Unknown names and rows do not. */
  relevant(name: string, at: readonly number[] = []): boolean {
    const info = this.c.info.get(name);
    if (!info) return false;
    if (info.inner) return this.rowAt(info.inner, at)?.self ?? false;
    return this.rowAt(info.scope, at)?.rel[info.slot] === 1;
  }

  /** The value expressions see: the typed answer or calculation, "" when irrelevant or unanswered. */
  value(name: string, at: readonly number[] = []): Value {
    const info = this.c.info.get(name);
    if (!info) return "";
    return this.rowAt(info.scope, at)?.val[info.slot] ?? "";
  }

  /** The value as text: what a calculation shows and what is stored. */
  text(name: string, at: readonly number[] = []): string {
    return toText(this.value(name, at));
  }

  /** How many rows the repeat has under the enclosing rows `at` (repeat_count, or the rows answered). */
  rows(repeat: string, at: readonly number[] = []): number {
    const info = this.c.info.get(repeat);
    if (!info?.inner) return 0;
    return this.rowAt(info.scope, at)?.sub[info.slot]?.length ?? 0;
  }

  /** Must the question be answered here (when it applies)? */
  required(name: string, at: readonly number[] = []): boolean {
    const info = this.c.info.get(name);
    const row = info?.required ? this.rowAt(info.scope, at) : null;
    return !!info && !!row && row.rel[info.slot] === 1 && this.isRequired(info, row);
  }

  readOnly(name: string, at: readonly number[] = []): boolean {
    const info = this.c.info.get(name);
    const row = info?.readOnly ? this.rowAt(info.scope, at) : null;
    return !!info?.readOnly && !!row && toBoolean(info.readOnly(this, row, null));
  }

  /** The choices offered for a select here: its list (with 其他 for or_other), through choice_filter. */
  choices(name: string, at: readonly number[] = []): readonly Choice[] {
    const info = this.c.info.get(name);
    const all = this.c.choices.get(name) ?? [];
    if (!info?.choiceFilter) return all;
    const row = this.rowAt(info.scope, at);
    return row ? this.choicesIn(info, row) : [];
  }

  /** A question's initial answer in a new row or form: its literal default, or its default expression's text. */
  defaultFor(name: string, at: readonly number[] = []): string | undefined {
    const info = this.c.info.get(name);
    if (info?.item.kind !== "question") return undefined;
    const q = info.item;
    if (q.bind) return this.context.bound?.[name];
    if (info.defaultFormula) {
      const row = this.rowAt(info.scope, at);
      return row ? toText(info.defaultFormula(this, row, null)) : "";
    }
    return q.defaultValue;
  }

  /** A label or hint with the answers it names (`您好，${name}`) filled in. */
  fill(text: string, name: string, at: readonly number[] = []): string {
    if (!text.includes("${")) return text;
    const info = this.c.info.get(name);
    // A repeat's label reads from inside its row.
    const scope = info ? (info.inner ?? info.scope) : this.c.scopes[0];
    const row = this.rowAt(scope, at);
    return text.replace(LABEL_REF, (whole, ref: string) => {
      if (ref.startsWith("register.")) return toText(this.registerValue(ref.slice("register.".length)));
      if (!this.c.info.has(ref)) return whole;
      if (!row) return "";
      const key = `${scope.index}|${ref}`;
      let read = this.c.labelRefs.get(key);
      if (!read) {
        read = compileExpr({ k: "ref", name: ref, at: 0 }, this.c.leaves(scope.chain, -1));
        this.c.labelRefs.set(key, read);
      }
      return toText(read(this, row, null));
    });
  }

  /** Does the answer meet the question's constraint (true without one)? `.` is the answer. */
  satisfies(name: string, at: readonly number[] = []): boolean {
    const info = this.c.info.get(name);
    if (!info?.constraint) return true;
    const row = this.rowAt(info.scope, at);
    return !row || toBoolean(info.constraint(this, row, null));
  }

  /** Every row position of a chain of repeats (outermost first), the first `prefix.length` rows fixed. */
  positions(repeats: readonly string[], prefix: readonly number[] = []): readonly (readonly number[])[] {
    // The usual question, every row of one repeat's scope (or the form): the rows are at hand.
    if (prefix.length === 0) {
      const last =
        repeats.length > 0 ? this.c.info.get(repeats[repeats.length - 1])?.inner : this.c.scopes[0];
      if (last && sameChain(last.chain, repeats)) return this.rowsOf[last.index].map((row) => row.at);
    }
    let acc: (readonly number[])[] = [[...prefix]];
    for (let j = prefix.length; j < repeats.length; j++) {
      const next: number[][] = [];
      for (const p of acc) {
        const n = this.rows(repeats[j], p);
        for (let i = 0; i < n; i++) next.push([...p, i]);
      }
      acc = next;
    }
    return acc;
  }

  /** The answer (a repeat's rows) as given, unchecked; undefined when absent. */
  raw(name: string, at: readonly number[] = []): unknown {
    const info = this.c.info.get(name);
    if (!info) return undefined;
    let node: Answers = this.answers;
    for (let j = 0; j < info.repeats.length; j++) {
      const rows = Object.hasOwn(node, info.repeats[j]) ? node[info.repeats[j]] : undefined;
      if (!Array.isArray(rows)) return undefined;
      const row = rows[at[j]];
      if (!isRecord(row)) return undefined;
      node = row;
    }
    return Object.hasOwn(node, name) ? node[name] : undefined;
  }

  /** @internal */
  registerValue(field: string): Value {
    const v = this.context.register?.[field];
    return v === null || v === undefined ? "" : v;
  }

  /** @internal The row of a scope at a position (one index per repeat of the scope), or null. */
  rowAt(scope: Scope, at: readonly number[]): Row | null {
    if (at.length !== scope.path.length) return null;
    let row: Row | undefined = this.rowsOf[0][0];
    for (let j = 0; j < scope.path.length && row; j++) row = row.sub[scope.path[j]]?.[at[j]];
    return row ?? null;
  }

  /** @internal */
  isRequired(info: ItemInfo, row: Row): boolean {
    return info.required !== null && toBoolean(info.required(this, row, null));
  }

  /** @internal */
  choicesIn(info: ItemInfo, row: Row): readonly Choice[] {
    const all = this.c.choices.get(info.item.name) ?? [];
    const filter = info.choiceFilter;
    return filter ? all.filter((choice) => toBoolean(filter(this, row, choice))) : all;
  }

  /** @internal A Date whose local calendar day is China's day of the clock, for validators that read local dates. */
  chinaNoon(): Date {
    if (!this.noon) {
      const [y, m, d] = this.today.split("-").map(Number);
      this.noon = new Date(y, m - 1, d, 12);
    }
    return this.noon;
  }

  /** Relevance and value of one item in every row of its scope; its dependencies are settled already. */
  private settle(info: ItemInfo): void {
    const { slot, relevant } = info;
    const rows = this.rowsOf[info.scope.index];
    if (info.inner) {
      // Every row count first, so the rows are known before any row's relevance is worked out.
      const inner = info.inner;
      for (const p of rows) {
        const n = this.rowCount(info, p);
        const held = p.raw[slot];
        const list: Row[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const answers = Array.isArray(held) && isRecord(held[i]) ? (held[i] as Answers) : null;
          const row = new Row(p, p.at.length === 0 ? [i] : [...p.at, i], answers, inner);
          if (loadRow(row, inner)) this.unscanned = true;
          list[i] = row;
        }
        if (Array.isArray(held) && held.length > n) this.unscanned = true;
        p.sub[slot] = list;
      }
      const all = this.rowsOf[inner.index];
      for (const p of rows) {
        const parentApplies = this.parentApplies(info, p);
        for (const row of p.sub[slot] as Row[]) {
          row.self = parentApplies && (relevant === null || toBoolean(relevant(this, row, null)));
          all.push(row);
        }
      }
      return;
    }
    for (const row of rows) this.settleRow(info, row);
  }

  /** A question's or group's relevance and value in one row, whose slot is still blank. */
  private settleRow(info: ItemInfo, row: Row): void {
    const { slot, relevant } = info;
    const applies =
      this.parentApplies(info, row) && (relevant === null || toBoolean(relevant(this, row, null)));
    if (!applies) return;
    row.rel[slot] = 1;
    if (info.type === null) return;
    const value = info.calculation
      ? info.calculation(this, row, null)
      : typedAnswer(info.type, row.raw[slot]);
    if (value !== "") row.val[slot] = value;
  }

  /** @internal Does the item's container apply in this row? */
  parentApplies(info: ItemInfo, row: Row): boolean {
    return info.parentKind === 0 ? true : info.parentKind === 1 ? row.self : row.rel[info.parentSlot] === 1;
  }

  private rowCount(info: ItemInfo, p: Row): number {
    if (info.count) {
      const n = toNumber(info.count(this, p, null));
      return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), MAX_ROWS) : 0;
    }
    const rows = p.raw[info.slot];
    return Array.isArray(rows) ? Math.min(rows.length, MAX_ROWS) : 0;
  }
}

// The last clock's day: a push judges its visits one after another, many at the same minute.
let lastDay: { ms: number; text: string; value: Value } = { ms: Number.NaN, text: "", value: "" };
function dayOf(now: Date): { text: string; value: Value } {
  const ms = now.getTime();
  if (ms !== lastDay.ms) {
    const text = chinaDay(now);
    lastDay = { ms, text, value: dayValue(text) };
  }
  return lastDay;
}

const sameChain = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && commonPrefix(a, b) === a.length;

/** An answer as expressions see it: numbers and dates typed; anything unreadable blank. */
function typedAnswer(type: QuestionType, raw: unknown): Value {
  if (typeof raw !== "string" || raw === "") return "";
  switch (type) {
    case "integer":
      return integerOf(raw) ?? "";
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

/** INTEGER's answers (-?, 1 to 15 digits) as their number, read by hand: the commonest answer pushed. */
function integerOf(raw: string): number | null {
  const negative = raw.charCodeAt(0) === 45;
  const from = negative ? 1 : 0;
  const digits = raw.length - from;
  if (digits < 1 || digits > 15) return null;
  let n = 0;
  for (let i = from; i < raw.length; i++) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

export function evaluateForm(def: QuestionnaireDefinition, answers: Answers, ctx: EvalContext): FormState {
  return new FormState(def, isRecord(answers) ? answers : {}, ctx);
}

// ---------------------------------------------------------------------------------------------
// Checking

type Problem = { key: string; params?: Record<string, string | number> };

/** Why an answer given as text does not fit its question's type, or null. */
function typeProblem(
  state: FormState,
  info: ItemInfo,
  type: QuestionType,
  raw: string,
  row: Row,
  typed: boolean,
): Problem | null {
  // One scan decides the usual answer, with no surrogate, NUL or direction mark to look at closer.
  // A number or a date that settling already read as one fits its type (the same patterns), and
  // is short ASCII: nothing else to check.
  if (typed && (type === "integer" || type === "decimal" || type === "date")) return null;
  // Likewise one of the offered choices, when the choice's name is itself plain text.
  if (type === "select_one" && info.plainChoices?.has(raw)) return null;
  const suspect = SUSPECT.test(raw);
  if (suspect && (!raw.isWellFormed() || raw.includes("\u0000"))) return { key: "validation.text.malformed" };
  // A string's characters are never more than its UTF-16 units: count them only when it could be too long.
  if (raw.length > MAX_ANSWER_LENGTH && [...raw].length > MAX_ANSWER_LENGTH)
    return { key: "validation.tooLong", params: { max: MAX_ANSWER_LENGTH } };
  if (suspect && hasBidiControl(raw)) return { key: "validation.text.bidiControl" };
  switch (type) {
    case "integer":
      return INTEGER.test(raw) ? null : { key: "validation.notInteger" };
    case "decimal":
      return DECIMAL.test(raw) ? null : { key: "questionnaire.answer.number" };
    case "date":
      if (!ISO_DAY.test(raw)) return { key: "validation.date.format" };
      return dayOfIso(raw) === null ? { key: "validation.date.invalid" } : null;
    case "select_one": {
      const fits = info.choiceNames
        ? info.choiceNames.has(raw)
        : state.choicesIn(info, row).some((c) => c.name === raw);
      return fits ? null : { key: "validation.invalidValue" };
    }
    case "select_multiple": {
      const fixed = info.choiceNames;
      if (fixed) {
        if (info.fitting?.has(raw)) return null;
        if (!choicesFit(raw, fixed)) return { key: "questionnaire.answer.choices" };
        info.fitting ??= new Set();
        if (info.fitting.size < FITTING_KEPT) info.fitting.add(raw);
        return null;
      }
      const offered = new Set(state.choicesIn(info, row).map((c) => c.name));
      return choicesFit(raw, offered) ? null : { key: "questionnaire.answer.choices" };
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
      return isPhotoHash(raw) ? null : { key: "validation.visit.photoHash" };
    case "citizen_id": {
      const r = parseCitizenId(raw, state.chinaNoon());
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
 * Whether every piece of raw.trim().split(/\s+/) is offered and none comes twice, read by hand
 * (isBlankUnit's reason): the pieces are the runs of non-blank units, or one empty piece when there
 * are none.
 */
const FITTING_KEPT = 256;

function choicesFit(raw: string, offered: ReadonlySet<string>): boolean {
  const seen: string[] = [];
  let from = -1;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && !isBlankUnit(raw.charCodeAt(i))) {
      if (from < 0) from = i;
      continue;
    }
    if (from < 0) continue;
    const piece = raw.slice(from, i);
    from = -1;
    if (!offered.has(piece) || seen.includes(piece)) return false;
    seen.push(piece);
  }
  return seen.length > 0 || offered.has("");
}

function fieldError(
  name: string,
  at: readonly number[],
  kind: FieldErrorKind,
  why: { key: string; params?: Record<string, string | number>; message?: Text },
): FieldError {
  return {
    name,
    // A copy: the state's row positions are shared.
    at: [...at],
    kind,
    key: why.key,
    ...(why.params ? { params: why.params } : {}),
    ...(why.message ? { message: why.message } : {}),
  };
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
  return validateForm(evaluateForm(def, answers, ctx));
}

/** validateAnswers of a state already worked out (the phone draws the same state it checks). */
export function validateForm(state: FormState): FieldError[] {
  const c = state.c;
  const errors: FieldError[] = [];
  // Only when making the rows met a name the form lacks, or rows they did not read: otherwise every
  // answer was read into a slot, and there is nothing unknown to name.
  if (state.unscanned) unknownAnswers(c.scopes[0], state.answers, [], errors);

  for (const info of c.items) {
    if (!info.checked) continue;
    if (info.inner) for (const p of state.rowsOf[info.scope.index]) checkRepeat(state, info, p, errors);
    else for (const row of state.rowsOf[info.scope.index]) checkQuestion(state, info, row, errors);
  }
  return errors;
}

/** validateForm's checks of a repeat's rows as given under one parent row. */
function checkRepeat(state: FormState, info: ItemInfo, p: Row, errors: FieldError[]): void {
  const item = info.item as Repeat;
  const name = item.name;
  const value = p.raw[info.slot];
  if (!state.parentApplies(info, p) || value === undefined) return;
  if (!Array.isArray(value) || !value.every(isRecord)) {
    errors.push(fieldError(name, p.at, "shape", { key: "questionnaire.answer.shape", params: { name } }));
  } else if (!item.count && value.length > MAX_ROWS) {
    // With repeat_count the rows are the count's, whatever was sent.
    errors.push(
      fieldError(name, p.at, "rows", {
        key: "questionnaire.answer.tooManyRows",
        params: { name, max: MAX_ROWS },
      }),
    );
  }
}

/** validateForm's checks of a question's answer in one row. */
function checkQuestion(state: FormState, info: ItemInfo, row: Row, errors: FieldError[]): void {
  const { slot } = info;
  if (row.rel[slot] !== 1) return;
  const q = info.item as Question;
  const name = info.name;
  const raw = row.raw[slot];
  if (raw !== undefined && typeof raw !== "string") {
    errors.push(fieldError(name, row.at, "shape", { key: "questionnaire.answer.shape", params: { name } }));
    return;
  }
  if (raw === undefined || raw === "") {
    if (state.isRequired(info, row)) {
      errors.push(
        fieldError(name, row.at, "required", { key: "validation.required", message: q.requiredMessage }),
      );
    }
    return;
  }
  const problem = typeProblem(
    state,
    info,
    info.type as QuestionType,
    raw,
    row,
    !info.calculation && row.val[slot] !== "",
  );
  if (problem) errors.push(fieldError(name, row.at, "type", problem));
  else if (info.constraint && !toBoolean(info.constraint(state, row, null))) {
    errors.push(
      fieldError(name, row.at, "constraint", {
        key: "questionnaire.answer.constraint",
        message: q.constraintMessage,
      }),
    );
  }
}

/**
 * Answers to names the form does not have at that level (or to groups, which hold no answer): a
 * phone on another version of the form, or not this app. Refused, never silently dropped.
 */
function unknownAnswers(scope: Scope, answers: Answers, at: readonly number[], errors: FieldError[]): void {
  for (const name of Object.keys(answers)) {
    const info = scope.names.get(name);
    if (!info || info.item.kind === "group") {
      errors.push({
        name,
        at: [...at],
        kind: "unknown",
        key: "questionnaire.answer.unknown",
        params: { name },
      });
      continue;
    }
    const value = answers[name];
    if (info.inner && Array.isArray(value)) {
      const n = Math.min(value.length, MAX_ROWS);
      for (let i = 0; i < n; i++) {
        const row = value[i];
        if (isRecord(row)) unknownAnswers(info.inner, row, [...at, i], errors);
      }
    }
  }
}

/**
 * The answers worth keeping: those of questions that apply, calculations as their text, rows of
 * each repeat (a row that does not apply kept as {} so row numbers stay), nothing the form does not
 * have. What the server stores and exports, and what a draft moved to a new version starts from.
 */
export function cleanAnswers(def: QuestionnaireDefinition, answers: Answers, ctx: EvalContext): Answers {
  return cleanForm(evaluateForm(def, answers, ctx));
}

/** cleanAnswers of a state already worked out (the push checks and keeps from one state). */
export function cleanForm(state: FormState): Answers {
  const c = state.c;
  const build = (items: readonly Item[], row: Row, out: Record<string, AnswerValue>) => {
    for (const item of items) {
      const info = c.info.get(item.name) as ItemInfo;
      if (item.kind === "group") {
        build(item.children, row, out);
      } else if (item.kind === "repeat") {
        const rows: Answers[] = [];
        let any = false;
        for (const r of row.sub[info.slot] ?? []) {
          const kept: Record<string, AnswerValue> = {};
          if (r.self) {
            any = true;
            build(item.children, r, kept);
          }
          rows.push(kept);
        }
        if (any) out[item.name] = rows;
      } else if (item.type !== "note" && row.rel[info.slot] === 1) {
        const raw = row.raw[info.slot];
        const text = item.calculation ? toText(row.val[info.slot]) : typeof raw === "string" ? raw : "";
        if (text !== "") out[item.name] = text;
      }
    }
    return out;
  };
  return build(state.definition.survey, state.rowsOf[0][0], {});
}
