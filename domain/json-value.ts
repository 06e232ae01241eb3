/**
 * What a free-form JSON value from a phone may be before the server will store or compare it: not
 * nested deeper than a register value ever is, and made of well-formed text (its size in bytes is
 * bounded by `jsonUpTo` in visit.ts). A value outside these bounds is one mutation's fault; judged here, it is
 * refused with a reason instead of tripping a stack, a JSON column or a size limit later on (which
 * used to refuse the whole batch with it, and so block every mutation behind it in the outbox).
 */

/** Deeper than any value a form makes (a new row is an object of scalars; an end reason, one more). */
export const JSON_VALUE_MAX_DEPTH = 8;

export type JsonValueProblem = "validation.json.tooDeep" | "validation.text.malformed";

/** Text PostgreSQL can keep: no NUL, and no half of a surrogate pair (jsonb refuses both). */
const storable = (text: string) => text.isWellFormed() && !text.includes("\u0000");

/** The first problem found, or null. Iterative, so a value nested 100,000 deep cannot overflow the stack. */
export function jsonValueProblem(value: unknown, maxDepth = JSON_VALUE_MAX_DEPTH): JsonValueProblem | null {
  // Two parallel stacks, not one of {value, depth} objects, and keys rather than entries: the push
  // walks every payload with it, a questionnaire's answers being hundreds of values.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const item = values.pop();
    const depth = depths.pop() as number;
    if (typeof item === "string") {
      if (!storable(item)) return "validation.text.malformed";
    } else if (item !== null && typeof item === "object") {
      if (depth >= maxDepth) return "validation.json.tooDeep";
      const record = item as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!storable(key)) return "validation.text.malformed";
        values.push(record[key]);
        depths.push(depth + 1);
      }
    }
  }
  return null;
}
