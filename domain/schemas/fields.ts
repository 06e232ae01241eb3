// Building blocks shared by the register schemas. Every issue they raise
// carries a message key (see ../i18n/validation.ts), never prose.

import { z } from "zod";
import { type Code, type CodeTable, codeValues } from "../codes";
import type { ValidationKey } from "../i18n/validation";
// The limits live in a zod-free module so that screens showing them need not load zod.
import { MAX } from "../text-limits";
import { isIsoDate, toIsoDate } from "../validators/date";
import { parseMobile, parsePhone } from "../validators/mobile";
import { hasBidiControl, toHalfWidth } from "../validators/text";
import { parseUscc } from "../validators/uscc";
import { keyError } from "./issues";

export { MAX };

/** Schema params that make every issue a message key. */
export const withKeys = { error: keyError } as const;

function fail(ctx: z.core.$RefinementCtx, key: ValidationKey, input: unknown): never {
  ctx.addIssue({ code: "custom", message: key, input });
  return z.NEVER;
}

/** Text with no bidirectional control in it (see hasBidiControl). */
const noBidiControl = (v: string) => !hasBidiControl(v);
const BIDI_CONTROL_ERROR = { error: "validation.text.bidiControl" } as const;

/** Trimmed text that must not be empty. */
export function requiredText(max: number) {
  return z
    .string(withKeys)
    .trim()
    .min(1, { error: "validation.required" })
    .max(max)
    .refine(noBidiControl, BIDI_CONTROL_ERROR);
}

/**
 * Wraps a string schema for an optional form field: "" and null mean "no
 * value" and come out as null; a missing key stays undefined, so a caller can
 * tell "cleared" from "not sent".
 */
export function optional<S extends z.ZodType<unknown, string>>(schema: S) {
  return z
    .string(withKeys)
    .nullable()
    .transform((v) => (v == null || v.trim() === "" ? null : v))
    .pipe(schema.nullable())
    .optional();
}

export function optionalText(max: number) {
  return optional(z.string(withKeys).trim().max(max).refine(noBidiControl, BIDI_CONTROL_ERROR));
}

export function requiredCode<T extends CodeTable>(table: T) {
  return z.enum(codeValues(table), withKeys);
}

/** A select left on its empty option sends "", which means no value. */
export function optionalCode<T extends CodeTable>(table: T) {
  return z
    .enum([...codeValues(table), ""] as (Code<T> | "")[], withKeys)
    .nullable()
    .transform((v): Code<T> | null => (v === "" || v === null ? null : v))
    .optional();
}

/** Why a trimmed date text fails dateField, or null when it passes (the import's fast path asks too). */
export function dateProblem(v: string, notFuture: boolean): ValidationKey | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return "validation.date.format";
  if (!isIsoDate(v)) return "validation.date.invalid";
  if (notFuture && v > toIsoDate(new Date())) return "validation.date.future";
  return null;
}

/** YYYY-MM-DD, a real calendar date. */
export function dateField(options: { notFuture?: boolean } = {}) {
  return z
    .string(withKeys)
    .trim()
    .superRefine((v, ctx) => {
      const key = dateProblem(v, options.notFuture ?? false);
      if (key) ctx.addIssue({ code: "custom", message: key, input: v });
    });
}

export function mobileField() {
  return z.string(withKeys).transform((v, ctx) => {
    const r = parseMobile(v);
    return r.ok ? r.value : fail(ctx, r.error, v);
  });
}

/** Mobile or landline with area code. */
export function phoneField() {
  return z.string(withKeys).transform((v, ctx) => {
    const r = parsePhone(v);
    return r.ok ? r.value : fail(ctx, r.error, v);
  });
}

/** Unified social credit code; an organisation-code warning is accepted. */
export function usccField() {
  return z.string(withKeys).transform((v, ctx) => {
    const r = parseUscc(v);
    return r.ok ? r.value : fail(ctx, r.error, v);
  });
}

/**
 * Any document number, normalised (no spaces, upper case). Citizen IDs get
 * their full check in the object schema, where the document type is known.
 */
export function docNumberField() {
  return z
    .string(withKeys)
    .overwrite((v) => toHalfWidth(v).replace(/\s+/g, "").toUpperCase())
    .min(1, { error: "validation.required" })
    .max(MAX.docNumber)
    .regex(/^[0-9A-Z()-]+$/, { error: "validation.idNumber.characters" });
}

export function intField(min: number, max: number) {
  return z.number(withKeys).int().min(min).max(max);
}

export function numberField(min: number, max: number) {
  return z.number(withKeys).min(min).max(max);
}

/** Yes/no that defaults to no when the form leaves it out. */
export function flag() {
  return z.boolean(withKeys).default(false);
}

/** Yes/no/unknown: null when the officer could not tell. */
export function optionalFlag() {
  return z.boolean(withKeys).nullable().optional();
}

/**
 * For object-level rules: run only when none of the named fields has an
 * issue, and the input was an object at all. Without this, zod skips the rule
 * whenever any field fails, and the officer meets the cross-field error only
 * after fixing unrelated ones.
 */
export function whenValid(...fields: string[]) {
  return (payload: z.core.ParsePayload): boolean =>
    typeof payload.value === "object" &&
    payload.value !== null &&
    !payload.issues.some((issue) => {
      const head = issue.path?.[0];
      return head === undefined || fields.includes(String(head));
    });
}
