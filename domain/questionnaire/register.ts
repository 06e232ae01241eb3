// What ${register.…} reads: the visit subject's register row, the same columns on the phone and the
// server (the pulled ones, PULL_COLUMNS), so an expression over the register reaches the same verdict
// on both sides.

import { PULL_COLUMNS, PULL_TABLE_OF_ENTITY } from "../pull";
import type { SubjectType } from "../visit";
import type { RegisterValue } from "./evaluate";

/** The pulled table of each visit subject that is a register row. */
const TABLE_OF_SUBJECT = {
  room: PULL_TABLE_OF_ENTITY.room,
  household: PULL_TABLE_OF_ENTITY.household,
  unit: PULL_TABLE_OF_ENTITY.unit,
  rental: PULL_TABLE_OF_ENTITY.rental,
} as const satisfies Record<SubjectType, keyof typeof PULL_COLUMNS>;

/** The subject row's pulled columns that hold a plain value; anything else reads as blank. */
export function registerOfSubject(
  subject: SubjectType,
  row: Readonly<Record<string, unknown>> | undefined,
): Record<string, RegisterValue> {
  const out: Record<string, RegisterValue> = {};
  if (!row) return out;
  for (const column of PULL_COLUMNS[TABLE_OF_SUBJECT[subject]]) {
    const value = row[column];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      out[column] = value;
  }
  return out;
}
