// The resident self-check (/check): the household code printed on the visit slip, how what residents
// type is normalised, and the inputs of the lookup, the confirmation and the dispute. Pure: no I/O.

import { z } from "zod";
import { parsePhone, toHalfWidth } from "./validators";
import { hasBidiControl } from "./validators/text";

/** Digits and capitals without the look-alikes 0/O, 1/I/L (31 characters). */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 10;

// The largest multiple of the alphabet's size below 256: bytes at or above it are skipped, so every
// character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % CODE_ALPHABET.length);

/** A random code of CODE_LENGTH characters; `randomBytes` is node:crypto's (or any secure source). */
export function generateCode(randomBytes: (size: number) => Uint8Array): string {
  let code = "";
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return code;
}

const SEPARATORS = /[\s\-_.\u2010-\u2015\u2212\u30fb\uff65·]/g;

/** What a resident typed as the code: half-width, upper-case, without spaces or dashes. */
export function normaliseCode(input: string): string {
  return toHalfWidth(input).replace(SEPARATORS, "").toUpperCase();
}

/** An ID number as typed: half-width, no spaces or dashes, upper-case X. */
export function normaliseIdNumber(input: string): string {
  return toHalfWidth(input)
    .replace(/[\s\-\u2010-\u2015]/g, "")
    .toUpperCase();
}

/** A name as typed or registered: half-width, no spaces, one kind of middle dot (维吾尔族 names). */
export function normaliseName(input: string): string {
  return toHalfWidth(input)
    .normalize("NFC")
    .replace(/\s+/g, "")
    .replace(/[.\u00b7\u2022\u2027\u30fb\uff65]/g, "·");
}

export const isWellFormedCode = (code: string) =>
  code.length === CODE_LENGTH && [...code].every((ch) => CODE_ALPHABET.includes(ch));

/** What a resident sends from /check about their household: it is right, or some fields are wrong. */
export const FEEDBACK_KINDS = ["confirm", "dispute"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** Fields a resident may dispute: the household's address and members, or a member's particulars. */
export const DISPUTE_FIELDS = [
  "address",
  "members",
  "name",
  "idNumber",
  "sex",
  "birthDate",
  "relation",
  "phone",
  "other",
] as const;
export type DisputeField = (typeof DISPUTE_FIELDS)[number];

/** What a resident may dispute about the household as a whole, and about each member: shown before and in the form. */
export const HOUSEHOLD_DISPUTE_FIELDS = ["address", "members"] as const satisfies readonly DisputeField[];
export const MEMBER_DISPUTE_FIELDS = [
  "name",
  "idNumber",
  "sex",
  "birthDate",
  "relation",
  "phone",
  "other",
] as const satisfies readonly DisputeField[];

// Shape checks only: any well-shaped miss must look like every other miss, so nothing here consults
// the register. A malformed code is left for the service to miss on, like a wrong one.
/** A direction control would let a dispute show a supervisor other words than it holds (see hasBidiControl). */
const noBidiControl = [
  (v: string) => !hasBidiControl(v),
  { message: "validation.text.bidiControl" },
] as const;

export const checkLookupInput = z.object({
  name: z
    .string()
    .transform(normaliseName)
    .pipe(
      z
        .string()
        .min(1)
        .max(50)
        .refine(...noBidiControl),
    ),
  idNumber: z
    .string()
    .transform(normaliseIdNumber)
    .pipe(
      z
        .string()
        .min(6)
        .max(30)
        .regex(/^[0-9A-Z]+$/),
    ),
  code: z.string().transform(normaliseCode).pipe(z.string().min(1).max(30)),
});
export type CheckLookupInput = z.output<typeof checkLookupInput>;

const optionalPhone = z
  .string()
  .trim()
  .max(30)
  .nullish()
  .transform((value, ctx) => {
    if (!value) return null;
    const parsed = parsePhone(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed.value;
  });

export const disputedField = z.object({
  /** The member the field belongs to, or null for the household (address, members). */
  personId: z.uuid().nullable(),
  field: z.enum(DISPUTE_FIELDS),
  comment: z
    .string()
    .trim()
    .max(200)
    .refine(...noBidiControl)
    .default(""),
});
export type DisputedField = z.output<typeof disputedField>;

export const checkDisputeInput = checkLookupInput.extend({
  fields: z.array(disputedField).min(1).max(30),
  comment: z
    .string()
    .trim()
    .max(500)
    .refine(...noBidiControl)
    .default(""),
  phone: optionalPhone,
});
export type CheckDisputeInput = z.output<typeof checkDisputeInput>;
