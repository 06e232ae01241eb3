// Questions bound to the register (`bind::register` in the survey sheet): the register fields a
// question may name, what type of question fits each, and the two conversions between a register
// value and an answer. The list lives here, in domain/, so the reader of an uploaded workbook and the
// push that judges the resulting change rows agree on it: it is the fields an officer may correct at
// the door (domain/visit.ts's field lists, each of which the push's FIELD_RULES validates; a test
// checks that), less the ones a single answer cannot change on its own.

import type { CodeTable } from "../codes";
import {
  EDUCATION,
  EMPLOYMENT,
  ETHNICITY,
  HAZARD_LEVEL,
  HOUSEHOLD_KIND,
  HUKOU_CATEGORY,
  INDUSTRY,
  LEFT_BEHIND,
  MARITAL,
  PERSON_TYPE,
  POLITICS,
  RELATION,
  RENTAL_USE,
  RESIDENCE_MATCH,
  ROOM_USE,
  UNIT_KIND,
} from "../codes";
import { normaliseValue } from "../merge";
import type { Choice, QuestionType } from "./definition";
import type { RegisterValue } from "./evaluate";

/** The register row kinds a question can bind to. */
export const BIND_ENTITIES = ["person", "household", "room", "rental", "unit"] as const;
export type BindEntity = (typeof BIND_ENTITIES)[number];

/** What a bound field holds, which decides the question type that may ask it. */
export type BindKind =
  | { kind: "code"; table: CodeTable }
  | { kind: "flag" }
  | { kind: "text" }
  | { kind: "phone" }
  | { kind: "integer" }
  | { kind: "decimal" }
  | { kind: "date" };

const code = (table: CodeTable): BindKind => ({ kind: "code", table });
const FLAG: BindKind = { kind: "flag" };
const TEXT: BindKind = { kind: "text" };
const PHONE: BindKind = { kind: "phone" };
const INTEGER: BindKind = { kind: "integer" };
const DECIMAL: BindKind = { kind: "decimal" };
const DATE: BindKind = { kind: "date" };

/**
 * The bindable fields. Left out on purpose: a person's name and identity (type, number, sex, birth
 * date: the push checks them together, so one answer alone would get the visit refused — the member
 * form corrects them), a unit's status (closing a unit is an action with its own end rows), and a
 * household's number (not correctable at all).
 */
export const BINDABLE_FIELDS: Readonly<Record<BindEntity, Readonly<Record<string, BindKind>>>> = {
  person: {
    ethnicity: code(ETHNICITY),
    relation: code(RELATION),
    phone: PHONE,
    personType: code(PERSON_TYPE),
    marital: code(MARITAL),
    education: code(EDUCATION),
    politics: code(POLITICS),
    employment: code(EMPLOYMENT),
    unemployed: FLAG,
    disability: FLAG,
    lowIncome: FLAG,
    leftBehind: code(LEFT_BEHIND),
    hukouCategory: code(HUKOU_CATEGORY),
    hukouAddress: TEXT,
    currentAddress: TEXT,
    residenceMatch: code(RESIDENCE_MATCH),
    arrivalDate: DATE,
    origin: TEXT,
    residencePermitNo: TEXT,
  },
  household: { kind: code(HOUSEHOLD_KIND), lowIncome: FLAG, fiveGuarantee: FLAG },
  room: { use: code(ROOM_USE) },
  rental: {
    landlordName: TEXT,
    landlordIdNumber: TEXT,
    landlordPhone: PHONE,
    use: code(RENTAL_USE),
    areaM2: DECIMAL,
    roomsLet: INTEGER,
    monthlyRent: DECIMAL,
    leaseStart: DATE,
    leaseEnd: DATE,
    filingNo: TEXT,
    maxOccupants: INTEGER,
    actualOccupants: INTEGER,
    fireExtinguisher: FLAG,
    escapeRoute: FLAG,
    hazardLevel: code(HAZARD_LEVEL),
    hazardNote: TEXT,
  },
  unit: {
    name: TEXT,
    uscc: TEXT,
    legalRep: TEXT,
    legalRepPhone: PHONE,
    industry: code(INDUSTRY),
    employees: INTEGER,
    kind: code(UNIT_KIND),
    actualAddress: TEXT,
    phone: PHONE,
    safetyContact: TEXT,
  },
};

/** Where a bound question's answer goes: a register row kind and one of its columns. */
export interface Binding {
  readonly entity: BindEntity;
  readonly field: string;
}

/** `person.phone` read into a binding, or null when it names no bindable field. */
export function parseBinding(text: string): Binding | null {
  const match = /^\s*([a-z_]+)\.([A-Za-z0-9_]+)\s*$/.exec(text);
  if (!match) return null;
  const [, entity, field] = match;
  if (!(BIND_ENTITIES as readonly string[]).includes(entity)) return null;
  const fields = BINDABLE_FIELDS[entity as BindEntity];
  return Object.hasOwn(fields, field) ? { entity: entity as BindEntity, field } : null;
}

export const bindingText = (b: Binding) => `${b.entity}.${b.field}`;

export function bindKind(b: Binding): BindKind {
  return BINDABLE_FIELDS[b.entity][b.field];
}

const TRUE_NAMES = ["yes", "1", "true"];
const FALSE_NAMES = ["no", "0", "false"];

/** A flag's select list: exactly one yes-like and one no-like choice (yes/no, 1/0, true/false). */
function flagChoices(choices: readonly Choice[]): { yes: string; no: string } | null {
  if (choices.length !== 2) return null;
  const yes = choices.find((c) => TRUE_NAMES.includes(c.name.toLowerCase()));
  const no = choices.find((c) => FALSE_NAMES.includes(c.name.toLowerCase()));
  return yes && no ? { yes: yes.name, no: no.name } : null;
}

/**
 * Why a question cannot ask this field, or null when it fits. A code field takes a select_one
 * whose every choice is one of the field's codes (so any answer is a value the register accepts);
 * a flag a yes/no select_one or an acknowledge; the others the matching input type. `or_other`
 * never fits: 其他 with free text is no register value.
 */
export function bindMismatch(
  b: Binding,
  type: QuestionType,
  choices: readonly Choice[] | undefined,
  orOther: boolean,
): { reason: "type"; expected: string } | { reason: "codes"; choices: string } | null {
  const kind = bindKind(b);
  const want = (expected: string, ok: boolean) => (ok ? null : { reason: "type" as const, expected });
  switch (kind.kind) {
    case "code": {
      if (type !== "select_one" || orOther) return { reason: "type", expected: "select_one" };
      const codes = new Set(kind.table.map((e) => e.code));
      const strangers = (choices ?? []).filter((c) => !codes.has(c.name)).map((c) => c.name);
      return strangers.length > 0 ? { reason: "codes", choices: strangers.join(", ") } : null;
    }
    case "flag":
      if (type === "acknowledge") return null;
      return want(
        "select_one (yes/no), acknowledge",
        type === "select_one" && !orOther && !!flagChoices(choices ?? []),
      );
    case "text":
      return want("text", type === "text");
    case "phone":
      return want("phone, text", type === "phone" || type === "text");
    case "integer":
      return want("integer", type === "integer");
    case "decimal":
      return want("decimal, integer", type === "decimal" || type === "integer");
    case "date":
      return want("date", type === "date");
  }
}

/**
 * The register value as the question's first answer (the prefill), or undefined when there is none
 * to offer (no value, a flag that is not set for an acknowledge, a code the list does not offer).
 */
export function answerOfRegister(
  b: Binding,
  type: QuestionType,
  choices: readonly Choice[] | undefined,
  value: unknown,
): string | undefined {
  const v = normaliseValue(value);
  if (v === null || v === undefined) return undefined;
  const kind = bindKind(b);
  if (kind.kind === "flag") {
    if (type === "acknowledge") return v === true ? "OK" : undefined;
    const names = flagChoices(choices ?? []);
    return names ? (v === true ? names.yes : names.no) : undefined;
  }
  const text = String(v);
  if (kind.kind === "code") return (choices ?? []).some((c) => c.name === text) ? text : undefined;
  return text;
}

/**
 * The answer as the register value it observes, or undefined when it says nothing about the register:
 * a blank answer (not asked, skipped, or a question not applying) never clears a register value —
 * clearing is the room forms' — and an unticked acknowledge does not unset a flag.
 */
export function registerOfAnswer(
  b: Binding,
  type: QuestionType,
  answer: string | undefined,
): RegisterValue | undefined {
  if (answer === undefined || answer.trim() === "") return undefined;
  const kind = bindKind(b);
  switch (kind.kind) {
    case "flag":
      if (type === "acknowledge") return answer === "OK" ? true : undefined;
      if (TRUE_NAMES.includes(answer.toLowerCase())) return true;
      if (FALSE_NAMES.includes(answer.toLowerCase())) return false;
      return undefined;
    case "integer":
    case "decimal": {
      const n = Number(answer);
      return Number.isFinite(n) ? n : undefined;
    }
    default:
      return answer.trim();
  }
}
