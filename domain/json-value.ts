/**
 * What a free-form JSON value from a phone may be before the server will store or compare it: not
 * nested deeper than a register value ever is, no bigger than a register value ever is, and made
 * of well-formed text. A value outside these bounds is one mutation's fault; judged here, it is
 * refused with a reason instead of tripping a stack, a JSON column or a size limit later on (which
 * used to refuse the whole batch with it, and so block every mutation behind it in the outbox).
 */

/** Deeper than any value a form makes (a new row is an object of scalars; an end reason, one more). */
export const JSON_VALUE_MAX_DEPTH = 8;
/** Bigger than any register value (a note is 500 characters); every supervisor downloads them. */
export const JSON_VALUE_MAX_CHARS = 16_000;

export type JsonValueProblem =
  | "validation.json.tooDeep"
  | "validation.json.tooLarge"
  | "validation.text.malformed";

/** The first problem found, or null. Iterative, so a value nested 100,000 deep cannot overflow the stack. */
export function jsonValueProblem(
  value: unknown,
  maxDepth = JSON_VALUE_MAX_DEPTH,
  maxChars = JSON_VALUE_MAX_CHARS,
): JsonValueProblem | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let chars = 0;
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof item === "string") {
      chars += item.length;
      if (!item.isWellFormed()) return "validation.text.malformed";
    } else if (item !== null && typeof item === "object") {
      if (depth >= maxDepth) return "validation.json.tooDeep";
      for (const [key, child] of Object.entries(item)) {
        chars += key.length + 2;
        if (!key.isWellFormed()) return "validation.text.malformed";
        stack.push({ value: child, depth: depth + 1 });
      }
    } else {
      chars += 8;
    }
    if (chars > maxChars) return "validation.json.tooLarge";
  }
  return null;
}
