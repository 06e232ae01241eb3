import type { z } from "zod";
import type { ValidationKey, ValidationParams } from "../i18n/validation";

type AnyIssue = z.core.$ZodIssue | z.core.$ZodRawIssue;

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return undefined;
}

function isMissing(issue: AnyIssue): boolean {
  // A cleared form field arrives as null: to the user that is "missing" too.
  if ("input" in issue) return issue.input === undefined || issue.input === null;
  // Finalised issues drop `input` unless parsed with reportInput, so fall back
  // to zod's own wording for a missing value.
  return /received (?:undefined|null)/.test(issue.message ?? "");
}

function genericKey(issue: AnyIssue): { key: ValidationKey; params: ValidationParams } {
  // A value that is absent is "required" whatever check noticed it first
  // (an enum, for instance, reports invalid_value for undefined).
  if (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union") {
    if (isMissing(issue)) return { key: "validation.required", params: {} };
  }
  switch (issue.code) {
    case "invalid_type":
      return {
        key: issue.expected === "int" ? "validation.notInteger" : "validation.invalidType",
        params: {},
      };
    case "too_small": {
      const min = toNumber(issue.minimum) ?? 0;
      const isLength = issue.origin === "string" || issue.origin === "array" || issue.origin === "set";
      return { key: isLength ? "validation.tooShort" : "validation.tooSmall", params: { min } };
    }
    case "too_big": {
      const max = toNumber(issue.maximum) ?? 0;
      const isLength = issue.origin === "string" || issue.origin === "array" || issue.origin === "set";
      return { key: isLength ? "validation.tooLong" : "validation.tooBig", params: { max } };
    }
    case "invalid_value":
      return { key: "validation.invalidValue", params: {} };
    case "invalid_format":
      return { key: "validation.invalidFormat", params: {} };
    default:
      return { key: "validation.invalid", params: {} };
  }
}

function extraParams(issue: AnyIssue): ValidationParams {
  const out: ValidationParams = {};
  const params = issue.code === "custom" ? issue.params : undefined;
  if (params && typeof params === "object") {
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === "string" || typeof v === "number") out[k] = v;
    }
  }
  return out;
}

/**
 * The message key and interpolation parameters for a zod issue. Our own
 * schemas already put a key in `message`; issues from other schemas get a
 * generic key from their code. Parameters (min, max) are read from the issue
 * either way, so "validation.tooLong" can say how long is allowed.
 */
export function zodIssueKey(issue: z.core.$ZodIssue): { key: string; params: ValidationParams } {
  const generic = genericKey(issue);
  const params = { ...generic.params, ...extraParams(issue) };
  if (typeof issue.message === "string" && issue.message.startsWith("validation.")) {
    return { key: issue.message, params };
  }
  return { key: generic.key, params };
}

/**
 * Error map that turns every zod issue into a message key. Passed as `error`
 * to the schemas in this folder; other code may pass it as the parse-time
 * `error` option to get keys from schemas of its own.
 */
export const keyError = (issue: z.core.$ZodRawIssue): ValidationKey => genericKey(issue).key;

/** Keys and params of a failed parse, by dotted path ("" for the root). */
export function issuesByPath(error: {
  issues: readonly z.core.$ZodIssue[];
}): Record<string, { key: string; params: ValidationParams }[]> {
  const out: Record<string, { key: string; params: ValidationParams }[]> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    out[path] ??= [];
    out[path].push(zodIssueKey(issue));
  }
  return out;
}
