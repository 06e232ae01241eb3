// A campaign's targets (走访对象): every door of its areas, or the register rows a query picks. The
// query is a plain structure filled in by a form and checked here, so the page and the server validate
// alike; server/services/targets.ts turns it into SQL. No query language: each field is one condition.
// Pure: no I/O.

import { z } from "zod";
import {
  HAZARD_LEVEL,
  HOUSEHOLD_KIND,
  HUKOU_CATEGORY,
  INDUSTRY,
  LEFT_BEHIND,
  PERSON_TYPE,
  RENTAL_USE,
  SEX,
  UNIT_KIND,
  UNIT_STATUS,
} from "./codes";
import { dateField, requiredCode, whenValid, withKeys } from "./schemas/fields";

/** What a target names: a person, a household, a rental room or a unit (the register's tables). */
export const TARGET_SUBJECTS = ["person", "household", "rental", "unit"] as const;
export type TargetSubject = (typeof TARGET_SUBJECTS)[number];

/** A target is open until a re-run finds it no longer matches and it has no visit: then withdrawn. */
export const TARGET_STATES = ["open", "withdrawn"] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/**
 * How a campaign picks whom to visit: every door (the default), a register query, or a department's
 * returned file (domain/target-file.ts), uploaded once the campaign is open.
 */
export const TARGET_KINDS = ["every_door", "query", "file"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const AGE_MAX = 150;
export const HOUSEHOLD_SIZE_MAX = 99;
/** Masked rows a preview shows: enough to see the query picked the right people, no more. */
export const TARGET_SAMPLE_SIZE = 10;

const codes = <T extends Parameters<typeof requiredCode>[0]>(table: T) =>
  z.array(requiredCode(table), withKeys).max(50).default([]);
/** Yes / no / either (null or absent). */
const yesNo = () => z.boolean(withKeys).nullable().default(null);
const count = (max: number) => z.number(withKeys).int().min(0).max(max).nullable().default(null);
const optionalDate = () =>
  z
    .string(withKeys)
    .nullable()
    .default(null)
    .transform((v) => (v == null || v.trim() === "" ? null : v.trim()))
    .pipe(dateField().nullable());

function minNotAboveMax(min: string, max: string, message: string) {
  return [
    (value: Record<string, unknown>, ctx: z.core.$RefinementCtx) => {
      const lo = value[min];
      const hi = value[max];
      if (lo != null && hi != null && lo > hi) {
        ctx.addIssue({ code: "custom", message, path: [max], input: hi });
      }
    },
    { when: whenValid(min, max) },
  ] as const;
}

export const personQuery = z
  .object({
    subject: z.literal("person"),
    /** Age in whole years at `ageAt` (the day of each run when empty, so a re-run finds who turned 60). */
    ageMin: count(AGE_MAX),
    ageMax: count(AGE_MAX),
    ageAt: optionalDate(),
    sex: codes(SEX),
    personType: codes(PERSON_TYPE),
    hukouCategory: codes(HUKOU_CATEGORY),
    disability: yesNo(),
    lowIncome: yesNo(),
    unemployed: yesNo(),
    leftBehind: codes(LEFT_BEHIND),
    /** Migrants who arrived in this span (either end open). */
    arrivalFrom: optionalDate(),
    arrivalTo: optionalDate(),
  })
  .superRefine(...minNotAboveMax("ageMin", "ageMax", "targets.error.ageRange"))
  .superRefine(...minNotAboveMax("arrivalFrom", "arrivalTo", "targets.error.dateRange"));

export const householdQuery = z
  .object({
    subject: z.literal("household"),
    kind: codes(HOUSEHOLD_KIND),
    lowIncome: yesNo(),
    fiveGuarantee: yesNo(),
    /** Members living in it now (register persons not ended). */
    sizeMin: count(HOUSEHOLD_SIZE_MAX),
    sizeMax: count(HOUSEHOLD_SIZE_MAX),
  })
  .superRefine(...minNotAboveMax("sizeMin", "sizeMax", "targets.error.sizeRange"));

export const rentalQuery = z.object({
  subject: z.literal("rental"),
  use: codes(RENTAL_USE),
  /** More occupants than the limit allows (both recorded). */
  overOccupied: yesNo(),
  hazardLevel: codes(HAZARD_LEVEL),
});

export const unitQuery = z.object({
  subject: z.literal("unit"),
  industry: codes(INDUSTRY),
  status: codes(UNIT_STATUS),
  kind: codes(UNIT_KIND),
});

export const targetQuery = z.discriminatedUnion("subject", [
  personQuery,
  householdQuery,
  rentalQuery,
  unitQuery,
]);
export type TargetQuery = z.output<typeof targetQuery>;
export type TargetQueryValues = z.input<typeof targetQuery>;
export type PersonQuery = z.output<typeof personQuery>;

/** The campaign form's target: every door, or a query. */
export const campaignTarget = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("every_door") }),
    z.object({ kind: z.literal("query"), query: targetQuery }),
    z.object({ kind: z.literal("file") }),
  ])
  .default({ kind: "every_door" });
export type CampaignTarget = z.output<typeof campaignTarget>;

/** An empty query of a subject: every field "any". */
export function emptyQuery(subject: TargetSubject): TargetQuery {
  return targetQuery.parse({ subject });
}

/** YYYY-MM-DD minus whole years, 29 February landing on 28 February in a common year. */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const year = y - years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * Birth dates that make someone aged at least `min` and at most `max` whole years on `at`:
 * born on or before `at` minus min years, and after `at` minus (max + 1) years.
 */
export function birthDateBounds(
  at: string,
  min: number | null,
  max: number | null,
): { bornOnOrBefore: string | null; bornAfter: string | null } {
  return {
    bornOnOrBefore: min === null ? null : yearsBefore(at, min),
    bornAfter: max === null ? null : yearsBefore(at, max + 1),
  };
}

/** One grid's share of a preview. */
export interface TargetPreviewGrid {
  gridId: string;
  gridName: string;
  communityId: string;
  communityName: string;
  count: number;
}

/** A masked row of a preview's sample: who or what, where. */
export interface TargetSampleRow {
  subject: TargetSubject;
  /** Masked name (a person, a landlord, a legal representative's unit name stays as registered). */
  label: string;
  /** Masked ID number for a person, the household number for a household, else "". */
  detail: string;
  address: string;
  roomNo: string;
  gridName: string;
}

export interface TargetPreview {
  total: number;
  grids: TargetPreviewGrid[];
  communities: { communityId: string; communityName: string; count: number }[];
  sample: TargetSampleRow[];
}

/** A re-run's preview: what it would add, and what it would withdraw (open, unvisited, no longer matching). */
export interface TargetRerunPreview extends TargetPreview {
  /** Open targets now. */
  held: number;
  withdrawn: number;
}

export const targetRerunInput = z.object({ campaignId: z.uuid(withKeys) });

/** The most targets one move names by id: a screen's selection, never a whole register. */
export const TARGET_MOVE_MAX = 5000;

/**
 * Moves targets of a campaign to an officer (a colleague covering another's list), in one action:
 * either the targets named, or every open target that is `fromOfficerId`'s now. Moving them back is
 * the same action.
 */
export const targetMoveInput = z
  .object({
    campaignId: z.uuid(withKeys),
    toOfficerId: z.uuid(withKeys),
    targetIds: z.array(z.uuid(withKeys)).min(1).max(TARGET_MOVE_MAX).optional(),
    fromOfficerId: z.uuid(withKeys).optional(),
  })
  .refine((input) => (input.targetIds === undefined) !== (input.fromOfficerId === undefined), {
    message: "targets.error.moveWhich",
  });
export type TargetMoveInput = z.infer<typeof targetMoveInput>;

/** A target as the move screen lists it: where, and who, masked. */
export interface MovableTarget {
  id: string;
  subjectKind: TargetSubject;
  gridId: string;
  gridName: string;
  address: string;
  roomNo: string;
  label: string;
}

/** The officers holding open targets of a campaign in the caller's area, and the chosen one's targets. */
export interface TargetHolders {
  officers: { id: string; displayName: string; username: string; open: number }[];
  targets: MovableTarget[];
  /** More targets than the list shows (the move of "all of them" still takes every one). */
  more: boolean;
}
