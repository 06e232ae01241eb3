/**
 * The visit: what the phone records at a door and will push to the server, and its rules. Pure, so the
 * phone's outbox, the server's push handler and tests share one definition; its schemas (zod) are in
 * ./schemas/visit, apart, so that a screen needing only the rules loads no zod.
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

import { END_REASON, VISIT_OUTCOME } from "./codes";
import { normaliseValue, sameValue } from "./merge";
import { toIsoDate } from "./validators/date";

export type {
  Change,
  MemberFormInput,
  MemberFormOutput,
  TenantFormInput,
  TenantFormOutput,
  Visit,
  VisitInput,
} from "./schemas/visit";

import type { Change } from "./schemas/visit";

export const SUBJECT_TYPES = ["room", "household", "unit", "rental"] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const CHANGE_ENTITIES = ["person", "household", "unit", "rental", "rental_tenant", "room"] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];

/** A visit's review: submitted by the officer, then approved or returned by a supervisor. */
export const REVIEW_STATES = ["submitted", "approved", "returned"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

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

/**
 * Outcomes in which the officer spoke with the household at the door (confirmed, changed, new): only
 * these carry the campaign questionnaire's answers. Nobody answers for a closed door, a vacant or
 * demolished room, someone gone, or a registered person who does not live here.
 */
const ANSWERING_GROUPS: readonly string[] = ["confirmed", "changed", "new"];
export function outcomeAnswersQuestionnaire(outcome: string | null): boolean {
  return VISIT_OUTCOME.some((o) => o.code === outcome && ANSWERING_GROUPS.includes(o.group));
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

/** Household columns an officer may correct at the door: what statistics count of a household. */
export const HOUSEHOLD_FIELDS = ["kind", "lowIncome", "fiveGuarantee"] as const;

/** Room columns an officer may correct at the door. */
export const ROOM_FIELDS = ["use"] as const;

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
