// What the screens say about a questionnaire as a whole, and the bound on the file it is read from.

import { type QuestionnaireDefinition, walkItems } from "./definition";

/**
 * The questions an officer answers: calculations compute and notes only inform, and the text an
 * `or_other` adds belongs to its select, so none of them counts.
 */
export function questionCount(def: QuestionnaireDefinition): number {
  let n = 0;
  for (const { item } of walkItems(def.survey)) {
    if (item.kind === "question" && item.type !== "calculate" && item.type !== "note" && !item.otherOf) n++;
  }
  return n;
}

/** A questionnaire workbook is a few sheets of text: far below this, which keeps reading it in memory cheap. */
export const QUESTIONNAIRE_MAX_BYTES = 2 * 1024 * 1024;
