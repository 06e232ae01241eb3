import { z } from "zod";
import { HAZARD_LEVEL, RENTAL_USE } from "../codes";
import type { ValidationKey } from "../i18n/validation";
import { parseCitizenId } from "../validators/citizen-id";
import { toHalfWidth } from "../validators/text";
import { parseUscc } from "../validators/uscc";
import {
  dateField,
  intField,
  MAX,
  mobileField,
  numberField,
  optional,
  optionalCode,
  optionalFlag,
  optionalText,
  requiredCode,
  requiredText,
  whenValid,
  withKeys,
} from "./fields";

export type LandlordIdResult =
  | { ok: true; value: string; warnings: ValidationKey[] }
  | { ok: false; error: ValidationKey };

/**
 * 出租人证件号码: a citizen ID, or a credit code when the landlord is a
 * company. Letters other than a final X mean a credit code was meant, so its
 * error is the helpful one; otherwise the citizen-ID error is. `knownArea` is
 * the citizen ID's county check, which only an import passes (see parseCitizenId).
 */
export function parseLandlordId(v: string, knownArea?: (areaCode: string) => boolean): LandlordIdResult {
  const person = parseCitizenId(v, undefined, knownArea);
  if (person.ok) return person;
  const company = parseUscc(v);
  if (company.ok) return company;
  const compact = toHalfWidth(v).replace(/\s+/g, "").toUpperCase();
  const looksLikeUscc = /[A-WYZ]/.test(compact) || /X./.test(compact);
  return { ok: false, error: looksLikeUscc ? company.error : person.error };
}

function landlordIdField() {
  return z.string(withKeys).transform((v, ctx) => {
    const id = parseLandlordId(v);
    if (id.ok) return id.value;
    ctx.addIssue({ code: "custom", message: id.error, input: v });
    return z.NEVER;
  });
}

/** 出租屋 */
export const rentalSchema = z
  .object(
    {
      landlordName: requiredText(MAX.name),
      landlordIdNumber: optional(landlordIdField()),
      landlordPhone: optional(mobileField()),
      use: requiredCode(RENTAL_USE),
      areaM2: numberField(0, 100_000).nullable().optional(),
      roomsLet: intField(0, 1_000).nullable().optional(),
      /** 元 per month */
      monthlyRent: numberField(0, 10_000_000).nullable().optional(),
      leaseStart: optional(dateField()),
      leaseEnd: optional(dateField()),
      /** 租赁备案证号, due within 30 days of signing */
      filingNo: optionalText(MAX.shortText),
      /** 限住人数 and 实住人数: more occupants than allowed is recorded, not refused. */
      maxOccupants: intField(0, 10_000).nullable().optional(),
      actualOccupants: intField(0, 10_000).nullable().optional(),
      fireExtinguisher: optionalFlag(),
      escapeRoute: optionalFlag(),
      hazardLevel: optionalCode(HAZARD_LEVEL),
      hazardNote: optionalText(MAX.note),
    },
    withKeys,
  )
  .superRefine(
    (v, ctx) => {
      if (v.leaseStart && v.leaseEnd && v.leaseEnd < v.leaseStart) {
        ctx.addIssue({
          code: "custom",
          message: "validation.rental.leaseEndBeforeStart",
          path: ["leaseEnd"],
          input: v.leaseEnd,
        });
      }
    },
    { when: whenValid("leaseStart", "leaseEnd") },
  )
  .superRefine(
    (v, ctx) => {
      // A hazard nobody described cannot be followed up.
      if (v.hazardLevel && v.hazardLevel !== "0" && !v.hazardNote) {
        ctx.addIssue({
          code: "custom",
          message: "validation.rental.hazardNoteRequired",
          path: ["hazardNote"],
          input: v.hazardNote,
        });
      }
    },
    { when: whenValid("hazardLevel", "hazardNote") },
  );

export type RentalInput = z.input<typeof rentalSchema>;
export type RentalOutput = z.output<typeof rentalSchema>;
