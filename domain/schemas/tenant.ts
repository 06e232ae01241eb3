import type { z } from "zod";
import { dateField, optional, whenValid } from "./fields";
import { checkCitizenIdentity, normaliseCitizenId, personObject } from "./person";

/** 承租人: a person living in a rental room, with the date they moved in. */
export const tenantObject = personObject.extend({
  moveInDate: optional(dateField()),
});

export const tenantSchema = tenantObject
  .superRefine(checkCitizenIdentity, { when: whenValid("idType", "idNumber") })
  .transform(normaliseCitizenId);

export type TenantInput = z.input<typeof tenantSchema>;
export type TenantOutput = z.output<typeof tenantSchema>;
