// The photos a visit's answers name: an image question is answered with a photo taken through the
// visit's photo pipeline (domain/photo.ts), so the phone uploads these before the visit and the server
// refuses the visit until it holds every one, and keeps each as one of the visit's attachments.

import { isPhotoHash } from "../photo";
import type { Item, QuestionnaireDefinition } from "./definition";
import type { Answers } from "./evaluate";

/** The photos the image questions of `answers` name, each once, in form order (repeats row by row). */
export function answerPhotos(def: QuestionnaireDefinition, answers: Answers): string[] {
  const found = new Set<string>();
  const walk = (items: readonly Item[], row: Answers) => {
    for (const item of items) {
      if (item.kind === "group") walk(item.children, row);
      else if (item.kind === "repeat") {
        const rows = row[item.name];
        if (Array.isArray(rows))
          for (const inner of rows) if (inner && typeof inner === "object") walk(item.children, inner);
      } else if (item.type === "image" && isPhotoHash(row[item.name])) found.add(row[item.name] as string);
    }
  };
  walk(def.survey, answers);
  return [...found];
}
