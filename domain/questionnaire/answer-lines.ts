// A visit's answers as a reader reads them: each question's label beside its answer in words
// (choices by their label, a multiple choice as its labels, a confirmation as such), in form order,
// repeats row by row. In both languages, so the server builds it once and the screen picks its own.

import { questionnaireMessages } from "../i18n/questionnaire";
import { maskFieldValue, maskText } from "../mask";
import {
  type Choice,
  type Item,
  offeredChoices,
  type QuestionnaireDefinition,
  type QuestionType,
  type Text,
} from "./definition";
import { type Answers, type EvalContext, evaluateForm, type FormState } from "./evaluate";

export interface AnswerLine {
  name: string;
  /** The question's, group's or repeat's label. */
  label: Text;
  /** The answer in words; absent on a heading (a group, or a repeat's row). */
  value?: Text;
  type?: QuestionType;
  /** Enclosing groups and repeat rows: how far the line is indented. */
  depth: number;
  /** A repeat row's heading: its number, from 1. */
  row?: number;
}

const BOTH = ["zh-CN", "en"] as const;
const LIST_SEPARATOR = { "zh-CN": "、", en: ", " } as const;

const same = (text: string): Text => ({ "zh-CN": text, en: text });

function choiceWords(picked: readonly string[], choices: readonly Choice[]): Text {
  const out: Text = {};
  for (const locale of BOTH) {
    out[locale] = picked
      .map((name) => {
        const choice = choices.find((c) => c.name === name);
        return (choice && (choice.label[locale] ?? choice.label[locale === "en" ? "zh-CN" : "en"])) || name;
      })
      .join(LIST_SEPARATOR[locale]);
  }
  return out;
}

/** A label with the answers it names filled in (`第 ${med_row} 种药`), in each language. */
function filled(state: FormState, label: Text, name: string, at: readonly number[]): Text {
  const out: Text = {};
  for (const locale of BOTH)
    if (label[locale] !== undefined) out[locale] = state.fill(label[locale] as string, name, at);
  return out;
}

/** A line with what a file needs beside the words: the answer as stored, and the repeat rows it lies in. */
export interface AnsweredLine extends AnswerLine {
  /** The answer as stored (a select's choice names); absent on a heading. */
  raw?: string;
  /** The repeat rows the line lies in, outermost first (row from 1); empty outside any repeat. */
  within: readonly { repeat: string; row: number }[];
}

/**
 * An answer in words as a reader who has not revealed the visit sees it: a phone and an ID number as
 * those fields are masked, free text with ID numbers, phone numbers and `names` masked.
 */
export function maskAnswer(type: QuestionType | undefined, value: string, names: readonly string[]): string {
  if (type === "phone") return String(maskFieldValue("phone", value));
  if (type === "citizen_id") return String(maskFieldValue("idNumber", value));
  if (type === "text") return maskText(value, names) ?? "";
  return value;
}

/** `ctx`: the visit's clock and register, which labels that name them are filled with. */
export function answerLines(def: QuestionnaireDefinition, answers: Answers, ctx: EvalContext): AnswerLine[] {
  return answeredLines(def, answers, ctx).map(({ raw: _raw, within: _within, ...line }) => line);
}

/** answerLines with each answer as stored and the repeat rows it lies in (the answers export). */
export function answeredLines(
  def: QuestionnaireDefinition,
  answers: Answers,
  ctx: EvalContext,
): AnsweredLine[] {
  const lists = new Map(def.lists.map((l) => [l.name, l.choices]));
  const state = evaluateForm(def, answers, ctx);
  const lines: AnsweredLine[] = [];
  const walk = (
    items: readonly Item[],
    row: Answers,
    depth: number,
    at: readonly number[],
    within: AnsweredLine["within"] = [],
  ) => {
    for (const item of items) {
      if (item.kind === "group") {
        const before = lines.length;
        lines.push({ name: item.name, label: filled(state, item.label, item.name, at), depth, within });
        walk(item.children, row, depth + 1, at, within);
        // A group none of whose questions was answered says nothing.
        if (lines.length === before + 1) lines.pop();
      } else if (item.kind === "repeat") {
        const rows = row[item.name];
        if (!Array.isArray(rows)) continue;
        rows.forEach((inner, i) => {
          const before = lines.length;
          lines.push({ name: item.name, label: item.label, depth, row: i + 1, within });
          walk(item.children, inner, depth + 1, [...at, i], [...within, { repeat: item.name, row: i + 1 }]);
          if (lines.length === before + 1) lines.pop();
        });
      } else {
        const raw = row[item.name];
        if (typeof raw !== "string" || raw === "" || item.type === "note" || item.type === "calculate")
          continue;
        let value: Text;
        if (item.type === "select_one" || item.type === "select_multiple") {
          const choices = offeredChoices(item, lists.get(item.list ?? "") ?? []);
          value = choiceWords(item.type === "select_one" ? [raw] : raw.split(" ").filter(Boolean), choices);
        } else if (item.type === "acknowledge" || item.type === "image") {
          // A photo is shown as one of the visit's photos; its name (a SHA-256) says nothing to a reader.
          const key = item.type === "image" ? "questionnaire.image.taken" : "questionnaire.acknowledged";
          value = { "zh-CN": questionnaireMessages["zh-CN"][key], en: questionnaireMessages.en[key] };
        } else {
          value = same(raw);
        }
        lines.push({
          name: item.name,
          label: filled(state, item.label, item.name, at),
          value,
          type: item.type,
          depth,
          raw,
          within,
        });
      }
    }
  };
  walk(def.survey, answers, 0, []);
  return lines;
}
