// Moving a draft's answers from the questionnaire version it was begun in to a newer one, question by
// question name, at the officer's choice (the phone offers it when a newer version arrives while a
// draft waits). An answer the new version cannot take as it is — its question is gone, its choice is
// gone, the question's type changed, or it moved into or out of a repeat — is not carried over but
// returned as a misfit, for the phone to show the officer: never dropped without a word.

import {
  type Item,
  offeredChoices,
  type Question,
  type QuestionnaireDefinition,
  type Text,
  walkItems,
} from "./definition";
import type { Answers, AnswerValue } from "./evaluate";

export type MisfitReason = "gone" | "choiceGone" | "typeChanged";

export interface Misfit {
  /** The question's name in the old version. */
  name: string;
  /** The row in each enclosing repeat (counted from 0), outermost first; [] outside repeats. */
  at: number[];
  /** Its label in the old version, as the officer saw it when answering. */
  label: Text;
  /** The answer that did not fit, in words (choice labels of the old version), in each language. */
  value: Text;
  reason: MisfitReason;
}

interface Placed {
  item: Item;
  /** The names of the enclosing repeats, outermost first. */
  repeats: string;
}

function placesOf(def: QuestionnaireDefinition): Map<string, Placed> {
  const out = new Map<string, Placed>();
  for (const { item, parents } of walkItems(def.survey)) {
    out.set(item.name, {
      item,
      repeats: parents
        .filter((p) => p.kind === "repeat")
        .map((p) => p.name)
        .join("/"),
    });
  }
  return out;
}

const SELECTS = new Set(["select_one", "select_multiple"]);

/** Answers a phone never needs to carry: worked out again by the new version from the rest. */
const DERIVED = new Set(["calculate", "note"]);

function choiceLabels(def: QuestionnaireDefinition, q: Question): Map<string, Text> {
  const list = def.lists.find((l) => l.name === q.list)?.choices ?? [];
  return new Map(offeredChoices(q, list).map((c) => [c.name, c.label]));
}

/** An answer in words in each language: a choice by its label in `def`, anything else as written. */
function inWords(def: QuestionnaireDefinition, q: Question, value: string): Text {
  if (!SELECTS.has(q.type)) return { "zh-CN": value, en: value };
  const labels = choiceLabels(def, q);
  const names = value.split(" ").filter(Boolean);
  const join = (locale: "zh-CN" | "en", sep: string) =>
    names.map((name) => labels.get(name)?.[locale] ?? labels.get(name)?.["zh-CN"] ?? name).join(sep);
  return { "zh-CN": join("zh-CN", "、"), en: join("en", ", ") };
}

/**
 * The answers of `from` as `to` takes them, and every answer it could not take. Pure: the same input
 * gives the same output, and nothing in `answers` is changed.
 */
export function moveAnswers(
  from: QuestionnaireDefinition,
  to: QuestionnaireDefinition,
  answers: Answers,
): { answers: Answers; misfits: Misfit[] } {
  const oldPlaces = placesOf(from);
  const newPlaces = placesOf(to);
  const misfits: Misfit[] = [];

  const misfit = (q: Question, at: number[], value: string, reason: MisfitReason, words?: string) =>
    misfits.push({
      name: q.name,
      at,
      label: q.label,
      value: inWords(from, q, words ?? value),
      reason,
    });

  /** Every answered question inside a repeat row that cannot go anywhere, listed one by one. */
  const allMisfit = (rows: readonly Answers[], at: number[], reason: MisfitReason) => {
    rows.forEach((row, i) => {
      for (const [name, value] of Object.entries(row)) {
        const placed = oldPlaces.get(name);
        if (!placed) continue;
        if (placed.item.kind === "repeat" && Array.isArray(value)) allMisfit(value, [...at, i], reason);
        else if (placed.item.kind === "question" && typeof value === "string" && value !== "")
          if (!DERIVED.has(placed.item.type)) misfit(placed.item, [...at, i], value, reason);
      }
    });
  };

  const move = (held: Answers, at: number[]): Answers => {
    const out: Record<string, AnswerValue> = {};
    for (const [name, value] of Object.entries(held) as [string, AnswerValue][]) {
      const old = oldPlaces.get(name);
      const next = newPlaces.get(name);
      // An answer the old version itself does not know (it was never a question of it) is kept as it
      // is: the form shows it among the answers no question takes, for the officer to delete.
      if (!old) {
        out[name] = value;
        continue;
      }
      if (old.item.kind === "repeat") {
        if (!Array.isArray(value)) continue;
        if (next?.item.kind === "repeat" && next.repeats === old.repeats) {
          out[name] = value.map((row, i) => move(row, [...at, i]));
        } else {
          allMisfit(value, at, next ? "typeChanged" : "gone");
        }
        continue;
      }
      if (old.item.kind !== "question" || typeof value !== "string") continue;
      const q = old.item;
      if (value === "" || DERIVED.has(q.type)) continue;
      if (!next) {
        misfit(q, at, value, "gone");
        continue;
      }
      if (next.item.kind !== "question" || next.item.type !== q.type || next.repeats !== old.repeats) {
        misfit(q, at, value, "typeChanged");
        continue;
      }
      if (SELECTS.has(q.type)) {
        const offered = choiceLabels(to, next.item);
        const names = value.split(" ").filter(Boolean);
        const kept = names.filter((c) => offered.has(c));
        const lost = names.filter((c) => !offered.has(c));
        if (lost.length > 0) misfit(q, at, value, "choiceGone", lost.join(" "));
        if (kept.length > 0) out[name] = kept.join(" ");
        continue;
      }
      out[name] = value;
    }
    return out;
  };

  return { answers: move(answers, []), misfits };
}
