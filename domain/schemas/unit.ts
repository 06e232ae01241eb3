import { z } from "zod";
import { INDUSTRY, UNIT_KIND, UNIT_STATUS } from "../codes";
import {
  intField,
  MAX,
  mobileField,
  optional,
  optionalCode,
  optionalText,
  phoneField,
  requiredCode,
  requiredText,
  usccField,
  withKeys,
} from "./fields";

/** 实有单位: organisations and shops. Small stalls may have no credit code. */
export const unitSchema = z.object(
  {
    name: requiredText(MAX.unitName),
    uscc: optional(usccField()),
    legalRep: optionalText(MAX.name),
    legalRepPhone: optional(mobileField()),
    industry: optionalCode(INDUSTRY),
    employees: intField(0, 1_000_000).nullable().optional(),
    status: requiredCode(UNIT_STATUS),
    kind: requiredCode(UNIT_KIND),
    registeredAddress: optionalText(MAX.address),
    actualAddress: optionalText(MAX.address),
    // Shops and offices are usually reached on a landline.
    phone: optional(phoneField()),
    /** 消防/治安负责人 */
    safetyContact: optionalText(MAX.name),
    safetyContactPhone: optional(mobileField()),
  },
  withKeys,
);

export type UnitInput = z.input<typeof unitSchema>;
export type UnitOutput = z.output<typeof unitSchema>;
