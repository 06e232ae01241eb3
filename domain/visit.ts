/**
 * The visit envelope: what the phone records at a door and will push to the server. Pure (zod only),
 * so the phone's outbox, the server's push handler and tests share one definition.
 *
 * A visit is one call at one room. Each correction the officer makes is a change row carrying, per
 * field, the value they saw (registerValue) and the value they set (observedValue), with the register
 * row's version they saw (baseVersion). The server applies a change when it still holds the value the
 * officer saw, does nothing when it already holds the new one, and records a conflict otherwise.
 *
 * Conventions for the change rows:
 * - a new row (a member added, a tenant, a household): `field: "*"`, `registerValue: null`,
 *   `observedValue` the whole validated row, `entityId` a fresh UUID made on the phone, baseVersion 0.
 *   A new person carries its place: `householdId` (a member) or `roomId` (a tenant); a new tenancy
 *   is a second change on `rental_tenant` naming `rentalId` and `personId`.
 * - an ended row (moved out, deceased, tenancy or rental ended, unit deregistered): two changes,
 *   `endedAt` (observed: the date it ended, YYYY-MM-DD — the death date, else the visit date) and
 *   `endReason` (observed: `{ code, destination?, deathDate? }`, code from END_REASON; the register
 *   column takes `code`, the change row keeps the details).
 * - a corrected field: `field` the register column, the two values as the officer saw and set them.
 */

import { z } from "zod";
import { END_REASON, VISIT_OUTCOME } from "./codes";
import { jsonValueProblem } from "./json-value";
import { normaliseValue, sameValue } from "./merge";
import { dateField, MAX, optionalText, requiredCode, whenValid, withKeys } from "./schemas/fields";
import { checkCitizenIdentity, normaliseCitizenId, personObject } from "./schemas/person";
import { tenantObject } from "./schemas/tenant";
import { isIsoDate, toIsoDate } from "./validators/date";

export const SUBJECT_TYPES = ["room", "household", "unit", "rental"] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const CHANGE_ENTITIES = ["person", "household", "unit", "rental", "rental_tenant", "room"] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];

/** A visit's review: submitted by the officer, then approved or returned by a supervisor. */
export const REVIEW_STATES = ["submitted", "approved", "returned"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

const isoDate = z
  .string(withKeys)
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), { error: "validation.date.format" })
  .refine(isIsoDate, { error: "validation.date.invalid" });

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
      photoSha256: z
        .string(withKeys)
        .regex(/^[0-9a-f]{64}$/, { error: "validation.visit.photoHash" })
        .nullable(),
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

export const END_CODES = END_REASON.map((e) => e.code);
export type EndCode = (typeof END_REASON)[number]["code"];

export interface EndReasonValue {
  code: EndCode;
  destination?: string | null;
  deathDate?: string;
}

// -- helpers ----------------------------------------------------------------------------------------

export function needsRevisit(outcome: string): boolean {
  return VISIT_OUTCOME.some((o) => o.code === outcome && o.needsRevisit);
}

export interface FieldDiff {
  field: string;
  registerValue: unknown;
  observedValue: unknown;
}

/**
 * The fields whose observed value differs from the register's, in the order of `fields`. "" and null
 * (and a missing key) are the same "no value"; values come back normalised to null.
 */
export function diffFields(
  registerRow: Readonly<Record<string, unknown>>,
  observedValues: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const field of fields) {
    if (!(field in observedValues)) continue;
    const registerValue = registerRow[field];
    const observedValue = observedValues[field];
    if (!sameValue(registerValue, observedValue)) {
      out.push({
        field,
        registerValue: normaliseValue(registerValue),
        observedValue: normaliseValue(observedValue),
      });
    }
  }
  return out;
}

export type NewId = () => string;
const randomId: NewId = () => crypto.randomUUID();

/** One change row per differing field of an existing register row. */
export function fieldChanges(
  visitId: string,
  entity: ChangeEntity,
  row: { id: string; version?: unknown },
  diffs: readonly FieldDiff[],
  newId: NewId = randomId,
): Change[] {
  return diffs.map((d) => ({
    id: newId(),
    visitId,
    entity,
    entityId: row.id,
    field: d.field,
    registerValue: d.registerValue,
    observedValue: d.observedValue,
    baseVersion: Number(row.version ?? 0),
  }));
}

/** A whole new row: field "*", registerValue null, the validated object as observed value. */
export function newRowChange(
  visitId: string,
  entity: ChangeEntity,
  entityId: string,
  observedValue: Record<string, unknown>,
  newId: NewId = randomId,
): Change {
  return {
    id: newId(),
    visitId,
    entity,
    entityId,
    field: "*",
    registerValue: null,
    observedValue,
    baseVersion: 0,
  };
}

/**
 * Adding a person (a household member or a tenant): a fresh entity id and the full validated person,
 * with where they live. Returns the change and the person's new id.
 */
export function newPersonChange(
  visitId: string,
  person: Record<string, unknown>,
  place: { householdId: string | null; roomId: string | null },
  newId: NewId = randomId,
  personId: string = newId(),
): { change: Change; personId: string } {
  return {
    personId,
    change: newRowChange(visitId, "person", personId, { ...person, ...place }, newId),
  };
}

/**
 * Ending a register row (moved out, deceased, tenancy ended…): `endedAt` and `endReason`. The death
 * date, when known, is the end date; otherwise the day of the visit.
 */
export function endChanges(
  visitId: string,
  entity: ChangeEntity,
  row: { id: string; version?: unknown; endedAt?: unknown; endReason?: unknown },
  reason: EndReasonValue,
  visitDate: string,
  newId: NewId = randomId,
): Change[] {
  const endedAt = reason.deathDate ?? visitDate;
  const detail: EndReasonValue = { code: reason.code };
  if (reason.destination !== undefined) detail.destination = reason.destination || null;
  if (reason.deathDate !== undefined) detail.deathDate = reason.deathDate;
  const base = { visitId, entity, entityId: row.id, baseVersion: Number(row.version ?? 0) };
  return [
    {
      id: newId(),
      ...base,
      field: "endedAt",
      registerValue: normaliseValue(row.endedAt),
      observedValue: endedAt,
    },
    {
      id: newId(),
      ...base,
      field: "endReason",
      registerValue: normaliseValue(row.endReason),
      observedValue: detail,
    },
  ];
}

/** The calendar day after `date`, in the officer's local time. */
export function nextDay(date: Date): string {
  const next = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1);
  return toIsoDate(next);
}

/** A no-answer or refusal is visited again tomorrow; other outcomes need no revisit. */
export function revisitDueFor(outcome: string, visitedAt: Date): string | null {
  return needsRevisit(outcome) ? nextDay(visitedAt) : null;
}

// -- the forms of the visit screen ------------------------------------------------------------------

/** The person fields an officer checks at the door, in screen order. */
export const MEMBER_FIELDS = [
  "name",
  "idType",
  "idNumber",
  "sex",
  "birthDate",
  "ethnicity",
  "relation",
  "phone",
  "personType",
  // Behind "more" on the screen: every field statistics count, so each can be corrected at the door.
  ...([
    "marital",
    "education",
    "politics",
    "employment",
    "unemployed",
    "disability",
    "lowIncome",
    "leftBehind",
    "hukouCategory",
    "hukouAddress",
    "currentAddress",
    "residenceMatch",
    "arrivalDate",
    "origin",
    "residencePermitNo",
  ] as const),
] as const;

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

export const TENANT_FIELDS = [
  "name",
  "idType",
  "idNumber",
  "sex",
  "birthDate",
  "ethnicity",
  "phone",
  "personType",
  "arrivalDate",
  "origin",
] as const;

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

/** Rental columns an officer may correct; 实住人数 follows the tenants and has its own counter. */
export const RENTAL_FIELDS = [
  "landlordName",
  "landlordIdNumber",
  "landlordPhone",
  "use",
  "areaM2",
  "roomsLet",
  "monthlyRent",
  "leaseStart",
  "leaseEnd",
  "filingNo",
  "maxOccupants",
  "fireExtinguisher",
  "escapeRoute",
  "hazardLevel",
  "hazardNote",
] as const;

export const UNIT_FIELDS = [
  "name",
  "uscc",
  "legalRep",
  "legalRepPhone",
  "industry",
  "employees",
  "status",
  "kind",
  "actualAddress",
  "phone",
  "safetyContact",
] as const;

/** Moved out: where to, if the neighbours or family know. */
export const movedOutSchema = z.object({ destination: optionalText(MAX.address) }, withKeys);
/** Deceased: the date of death, required. */
export const deceasedSchema = z.object({ date: dateField({ notFuture: true }) }, withKeys);
/** A tenancy ended: the day the tenant left. */
export const tenancyEndSchema = z.object({ date: dateField({ notFuture: true }) }, withKeys);
