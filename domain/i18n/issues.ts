import type { z } from "zod";
import { zodIssueKey } from "../schemas/issues";
import { hasMessage, type MessageKey, type MessageParams } from "./index";

/** The catalogue key and parameters for one zod issue, whether the schema named a key or zod made the issue. */
export function issueMessage(issue: z.core.$ZodIssue): { key: MessageKey; params: MessageParams } {
  const bounds: MessageParams = {};
  if ("maximum" in issue) bounds.max = Number(issue.maximum);
  if ("minimum" in issue) bounds.min = Number(issue.minimum);
  // A refinement's own parameters (`params: { max }` on a custom issue) fill its message too.
  if (issue.code === "custom" && issue.params) {
    for (const [name, value] of Object.entries(issue.params)) {
      if (typeof value === "string" || typeof value === "number") bounds[name] = value;
    }
  }
  if (hasMessage(issue.message)) return { key: issue.message, params: bounds };
  const mapped = zodIssueKey(issue);
  return {
    key: hasMessage(mapped.key) ? mapped.key : "errors.badRequest",
    params: { ...bounds, ...mapped.params },
  };
}
