import type { z } from "zod";
import { zodIssueKey } from "../schemas/issues";
import { hasMessage, type MessageKey, type MessageParams } from "./index";

/** The catalogue key and parameters for one zod issue, whether the schema named a key or zod made the issue. */
export function issueMessage(issue: z.core.$ZodIssue): { key: MessageKey; params: MessageParams } {
  const bounds: MessageParams = {};
  if ("maximum" in issue) bounds.max = Number(issue.maximum);
  if ("minimum" in issue) bounds.min = Number(issue.minimum);
  if (hasMessage(issue.message)) return { key: issue.message, params: bounds };
  const mapped = zodIssueKey(issue);
  return {
    key: hasMessage(mapped.key) ? mapped.key : "errors.badRequest",
    params: { ...bounds, ...mapped.params },
  };
}
