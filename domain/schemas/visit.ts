/**
 * The visit's schemas (zod): the envelope a phone pushes, its change rows, and the forms of the visit
 * screen. Apart from the rules in ../visit.ts so that a screen that only needs the rules (the room's
 * first paint on the officer's phone) does not load zod: the phone loads this module when a form opens
 * or a visit is saved.
 */

import { z } from "zod";
import { VISIT_OUTCOME } from "../codes";
import { jsonValueProblem } from "../json-value";
import { PHOTO_HASH } from "../photo";
import { isIsoDate } from "../validators/date";
import { CHANGE_ENTITIES, needsRevisit, outcomeAnswersQuestionnaire, SUBJECT_TYPES } from "../visit";
import { dateField, MAX, optionalText, requiredCode, whenValid, withKeys } from "./fields";
import { checkCitizenIdentity, normaliseCitizenId, personObject } from "./person";
import { tenantObject } from "./tenant";

const isoDate = z
  .string(withKeys)
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), { error: "validation.date.format" })
  .refine(isIsoDate, { error: "validation.date.invalid" });

/**
 * The most a visit's questionnaire answers may weigh as UTF-8 JSON: a long form with a 30-row repeat
 * and notes is well under it, and a push batch (600 KB, domain/push.ts) still holds several visits.
 */
export const ANSWERS_MAX_BYTES = 64 * 1024;

export const visitSchema = z
  .object(
    {
      /** Made on the phone (crypto.randomUUID): also the outbox's mutation id. */
      id: z.uuid(withKeys),
      campaignId: z.uuid(withKeys).nullable().optional(),
      gridId: z.uuid(withKeys),
      roomId: z.uuid(withKeys),
      subjectType: z.enum(SUBJECT_TYPES, withKeys),
      subjectId: z.uuid(withKeys).nullable(),
      outcome: requiredCode(VISIT_OUTCOME),
      attempt: z.number(withKeys).int().min(1).max(999),
      revisitDue: isoDate.nullable(),
      /** The phone's clock, ISO with offset. */
      visitedAt: z.iso.datetime({ offset: true, ...withKeys }),
      lat: z.number(withKeys).min(-90).max(90).nullable(),
      lng: z.number(withKeys).min(-180).max(180).nullable(),
      accuracyM: z.number(withKeys).min(0).max(1_000_000).nullable(),
      note: z.string(withKeys).trim().max(MAX.note).nullable(),
      photoSha256: z.string(withKeys).regex(PHOTO_HASH, { error: "validation.visit.photoHash" }).nullable(),
      /**
       * The campaign questionnaire's answers (question name → text, repeat name → rows), checked
       * against the definition of `questionnaireVersion` by the push (domain/questionnaire): here only
       * their shape and weight. Absent or null when the campaign has none or nobody answered the door.
       */
      answers: jsonUpTo(ANSWERS_MAX_BYTES)
        .pipe(z.record(z.string(), z.unknown(), withKeys))
        .nullable()
        .optional(),
      questionnaireVersion: z.number(withKeys).int().min(1).nullable().optional(),
      /**
       * The officer's answers to the department's claims of this door's targets (a returned-file
       * campaign, domain/target-file.ts): confirmed, or "it is not so" with what was found.
       */
      claims: z
        .array(
          z.object(
            {
              targetId: z.uuid(withKeys),
              answer: z.enum(["confirmed", "refuted"], withKeys),
              found: z.string(withKeys).trim().max(MAX.note).nullable(),
            },
            withKeys,
          ),
          withKeys,
        )
        .max(50)
        .nullable()
        .optional(),
    },
    withKeys,
  )
  .superRefine((v, ctx) => {
    // Runs even when a field failed (zod's refinements do not abort): judge only fields that passed.
    const failed = (field: string) => ctx.issues.some((issue) => issue.path?.[0] === field);
    if (v.subjectType !== "room" && v.subjectId === null) {
      ctx.addIssue({ code: "custom", message: "validation.visit.subjectMissing", path: ["subjectId"] });
    }
    if (needsRevisit(v.outcome) && v.revisitDue === null) {
      ctx.addIssue({ code: "custom", message: "validation.visit.revisitDueMissing", path: ["revisitDue"] });
    }
    if (
      !failed("revisitDue") &&
      !failed("visitedAt") &&
      typeof v.revisitDue === "string" &&
      typeof v.visitedAt === "string" &&
      v.revisitDue < v.visitedAt.slice(0, 10)
    ) {
      ctx.addIssue({ code: "custom", message: "validation.visit.revisitDuePast", path: ["revisitDue"] });
    }
    const answered = v.answers !== null && v.answers !== undefined;
    if (answered !== (v.questionnaireVersion !== null && v.questionnaireVersion !== undefined)) {
      ctx.addIssue({ code: "custom", message: "questionnaire.visit.answersVersion", path: ["answers"] });
    } else if (answered && !outcomeAnswersQuestionnaire(v.outcome)) {
      ctx.addIssue({
        code: "custom",
        message: "questionnaire.visit.answersWithoutContact",
        path: ["answers"],
      });
    }
    if ((v.lat === null) !== (v.lng === null) || (v.accuracyM !== null && v.lat === null)) {
      ctx.addIssue({ code: "custom", message: "validation.visit.positionIncomplete", path: ["lat"] });
    }
  });

export type VisitInput = z.input<typeof visitSchema>;
export type Visit = z.output<typeof visitSchema>;

/**
 * The most one value of a change may weigh, as UTF-8 JSON. The largest honest value is a whole new row
 * (a person: about 2 KB with every text field full); this leaves room eight times over and keeps a
 * change row, its conflict and its export line small whatever a phone sends.
 */
export const CHANGE_VALUE_MAX_BYTES = 16 * 1024;

/** UTF-8 length of a string that has no lone surrogates (JSON.stringify escapes those). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Any JSON value of at most `maxBytes` as UTF-8 JSON; a value JSON cannot write is invalid. */
export function jsonUpTo(maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "validation.invalidType" });
      return;
    }
    // A UTF-16 unit is at least one UTF-8 byte: a long text is too big before it is measured.
    if (text !== undefined && (text.length > maxBytes || utf8Length(text) > maxBytes)) {
      ctx.addIssue({
        code: "custom",
        message: "validation.visit.valueTooLarge",
        params: { max: Math.floor(maxBytes / 1024) },
      });
    }
  });
}

/** A change's values are stored and shown to supervisors as they came: shallow, well-formed JSON. */
function plainJson(value: unknown, ctx: z.RefinementCtx) {
  const problem = jsonValueProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}

export const changeSchema = z.object(
  {
    id: z.uuid(withKeys),
    visitId: z.uuid(withKeys),
    entity: z.enum(CHANGE_ENTITIES, withKeys),
    entityId: z.uuid(withKeys),
    /** A register column in camelCase, or "*" for a whole new row. */
    field: z.string(withKeys).regex(/^(\*|[a-z][A-Za-z0-9]{0,63})$/, { error: "validation.visit.field" }),
    /** What the officer saw (null for a new row). */
    registerValue: jsonUpTo(CHANGE_VALUE_MAX_BYTES).superRefine(plainJson),
    /** What the officer set. */
    observedValue: jsonUpTo(CHANGE_VALUE_MAX_BYTES).superRefine(plainJson),
    /** The register row's version the officer saw; 0 for a new row. */
    baseVersion: z.number(withKeys).int().min(0),
  },
  withKeys,
);

export type Change = z.output<typeof changeSchema>;

/** A household member: the person schema's fields checked at the door, with the ID cross-checks. */
export const memberFormSchema = personObject
  .pick({
    name: true,
    idType: true,
    idNumber: true,
    sex: true,
    birthDate: true,
    ethnicity: true,
    relation: true,
    phone: true,
    personType: true,
    marital: true,
    education: true,
    politics: true,
    employment: true,
    unemployed: true,
    disability: true,
    lowIncome: true,
    leftBehind: true,
    hukouCategory: true,
    hukouAddress: true,
    currentAddress: true,
    residenceMatch: true,
    arrivalDate: true,
    origin: true,
    residencePermitNo: true,
  })
  .superRefine(checkCitizenIdentity, { when: whenValid("idType", "idNumber") })
  .transform(normaliseCitizenId);
export type MemberFormInput = z.input<typeof memberFormSchema>;
export type MemberFormOutput = z.output<typeof memberFormSchema>;

/** A tenant: the tenant schema's person fields checked at the door, and the move-in date. */
export const tenantFormSchema = tenantObject
  .pick({
    name: true,
    idType: true,
    idNumber: true,
    sex: true,
    birthDate: true,
    ethnicity: true,
    phone: true,
    personType: true,
    arrivalDate: true,
    origin: true,
    moveInDate: true,
  })
  .superRefine(checkCitizenIdentity, { when: whenValid("idType", "idNumber") })
  .transform(normaliseCitizenId);
export type TenantFormInput = z.input<typeof tenantFormSchema>;
export type TenantFormOutput = z.output<typeof tenantFormSchema>;

/** Moved out: where to, if the neighbours or family know. */
export const movedOutSchema = z.object({ destination: optionalText(MAX.address) }, withKeys);
/** Deceased: the date of death, required. */
export const deceasedSchema = z.object({ date: dateField({ notFuture: true }) }, withKeys);
/** A tenancy ended: the day the tenant left. */
export const tenancyEndSchema = z.object({ date: dateField({ notFuture: true }) }, withKeys);
