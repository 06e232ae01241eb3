import { z } from "zod";
import { HOUSEHOLD_KIND, RESIDENCE_MATCH } from "../codes";
import { flag, MAX, optionalCode, optionalText, requiredCode, requiredText, withKeys } from "./fields";

/** 户. 户号 is optional: households found in the field have none yet. */
export const householdSchema = z.object(
  {
    householdNo: optionalText(MAX.docNumber),
    kind: requiredCode(HOUSEHOLD_KIND),
    headName: requiredText(MAX.name),
    lowIncome: flag(),
    fiveGuarantee: flag(),
    residenceMatch: optionalCode(RESIDENCE_MATCH),
  },
  withKeys,
);

export type HouseholdInput = z.input<typeof householdSchema>;
export type HouseholdOutput = z.output<typeof householdSchema>;
