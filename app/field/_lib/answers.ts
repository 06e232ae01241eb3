/**
 * The questionnaire half of saving a visit: the answers as typed are checked against the definition
 * the phone holds, with the same code and inputs the server's push uses (the subject's register row,
 * the visit's own time), and cleaned to what applies. Loaded with the questionnaire's chunk, at save,
 * never with the room's first paint. Pure, so it is tested without a browser.
 */

import {
  type Answers,
  answerPhotos,
  cleanForm,
  type EvalContext,
  evaluateForm,
  type FieldError,
  registerOfSubject,
  validateForm,
} from "@/domain/questionnaire";
import type { VisitInput } from "@/domain/schemas/visit";
import { type RoomData, subjectRow } from "./record";

/** What ${register.…} reads for this visit, and its clock: the server judges with the same. */
export function answerContext(
  data: RoomData,
  visit: Pick<VisitInput, "subjectType" | "subjectId" | "visitedAt">,
): EvalContext {
  const row = subjectRow(data, { type: visit.subjectType, id: visit.subjectId ?? null });
  return { now: new Date(visit.visitedAt), register: registerOfSubject(visit.subjectType, row) };
}

/**
 * The visit with its answers checked: `errors` (nothing saved while any) or the visit carrying the
 * cleaned answers and the photos its image questions name. A visit without answers (no
 * questionnaire, nobody met) passes as it is.
 */
export function checkVisitAnswers(
  data: RoomData,
  visit: VisitInput,
): { errors: FieldError[]; visit: VisitInput; photos: string[] } {
  const held = data.questionnaire;
  if (!visit.answers || !held) return { errors: [], visit, photos: [] };
  const answers = visit.answers as Answers;
  const ctx = answerContext(data, visit);
  const state = evaluateForm(held.definition, answers, ctx);
  const errors = validateForm(state);
  if (errors.length > 0) return { errors, visit, photos: [] };
  const cleaned = cleanForm(state);
  return { errors, visit: { ...visit, answers: cleaned }, photos: answerPhotos(held.definition, cleaned) };
}
