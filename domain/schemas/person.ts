import { z } from "zod";
import {
  EDUCATION,
  EMPLOYMENT,
  ETHNICITY,
  HUKOU_CATEGORY,
  ID_TYPE,
  LEFT_BEHIND,
  MARITAL,
  PERSON_TYPE,
  POLITICS,
  RELATION,
  RESIDENCE_MATCH,
  SEX,
} from "../codes";
import { parseCitizenId } from "../validators/citizen-id";
import {
  dateField,
  docNumberField,
  flag,
  MAX,
  optional,
  optionalCode,
  optionalText,
  phoneField,
  requiredCode,
  requiredText,
  whenValid,
  withKeys,
} from "./fields";

/** 实有人口. Shared with tenants, which add a move-in date. */
export const personShape = {
  name: requiredText(MAX.name),
  idType: requiredCode(ID_TYPE),
  idNumber: docNumberField(),
  sex: requiredCode(SEX),
  birthDate: dateField({ notFuture: true }),
  ethnicity: optionalCode(ETHNICITY),
  relation: optionalCode(RELATION),
  marital: optionalCode(MARITAL),
  education: optionalCode(EDUCATION),
  politics: optionalCode(POLITICS),
  hukouCategory: optionalCode(HUKOU_CATEGORY),
  hukouAddress: optionalText(MAX.address),
  currentAddress: optionalText(MAX.address),
  residenceMatch: optionalCode(RESIDENCE_MATCH),
  personType: optionalCode(PERSON_TYPE),
  // Elderly residents often have only a home landline.
  phone: optional(phoneField()),
  employment: optionalCode(EMPLOYMENT),
  disability: flag(),
  lowIncome: flag(),
  unemployed: flag(),
  leftBehind: optionalCode(LEFT_BEHIND),
  /** 来穗日期 */
  arrivalDate: optional(dateField({ notFuture: true })),
  /** 来源地 */
  origin: optionalText(MAX.address),
  /** 居住登记/居住证号 */
  residencePermitNo: optionalText(MAX.shortText),
};

/** The plain object, for .pick/.extend; it lacks the ID cross-checks of personSchema. */
export const personObject = z.object(personShape, withKeys);

type Identity = { idType: string; idNumber: string; sex: string; birthDate: string };

/**
 * A citizen ID carries the birth date and sex, so the form must agree with
 * it. The disagreeing form field gets the issue: the ID is the authority.
 */
export function checkCitizenIdentity(value: Identity, ctx: z.core.$RefinementCtx<Identity>): void {
  if (value.idType !== "1") return;
  const id = parseCitizenId(value.idNumber);
  if (!id.ok) {
    ctx.addIssue({ code: "custom", message: id.error, path: ["idNumber"], input: value.idNumber });
    return;
  }
  const failed = (field: string) => ctx.issues.some((issue) => issue.path?.[0] === field);
  if (!failed("birthDate") && id.birthDate !== value.birthDate) {
    ctx.addIssue({
      code: "custom",
      message: "validation.person.birthDateMismatch",
      path: ["birthDate"],
      input: value.birthDate,
      params: { expected: id.birthDate },
    });
  }
  if (!failed("sex") && id.sex !== value.sex) {
    ctx.addIssue({
      code: "custom",
      message: "validation.person.sexMismatch",
      path: ["sex"],
      input: value.sex,
      params: { expected: id.sex },
    });
  }
}

/** Stores citizen IDs in one form: 18 characters, upper-case X, 15-digit ones upgraded. */
export function normaliseCitizenId<T extends { idType: string; idNumber: string }>(value: T): T {
  if (value.idType !== "1") return value;
  const id = parseCitizenId(value.idNumber);
  return id.ok ? { ...value, idNumber: id.value } : value;
}

export const personSchema = personObject
  .superRefine(checkCitizenIdentity, { when: whenValid("idType", "idNumber") })
  .transform(normaliseCitizenId);

export type PersonInput = z.input<typeof personSchema>;
export type PersonOutput = z.output<typeof personSchema>;
