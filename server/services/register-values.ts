import "server-only";

import { sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { households, persons, rentals, rentalTenants, rooms, units } from "@/db/schema";
import { normaliseValue } from "@/domain/merge";
import { checkCitizenIdentity, personObject } from "@/domain/schemas/person";
import type { ChangeEntity } from "@/domain/visit";

/**
 * Register rows as the officers' corrections name them: which table each change entity lives in,
 * the order parents come before children, and how a value travels between the wire (what the
 * phone saw and sent) and the column. Shared by the push, which judges a correction, and the
 * approval, which writes it into the register.
 */

export type Row = Record<string, unknown> & { id: string; gridId: string; version: number };

export const TABLES = {
  room: rooms,
  household: households,
  person: persons,
  unit: units,
  rental: rentals,
  rental_tenant: rentalTenants,
} as const satisfies Record<ChangeEntity, PgTable>;

/** Parents first: rows are locked and inserted in this order. */
export const ENTITY_ORDER: ChangeEntity[] = [
  "room",
  "household",
  "person",
  "unit",
  "rental",
  "rental_tenant",
];

export const keyOf = (entity: ChangeEntity, id: string) => `${entity}:${id}`;

export const IDENTITY_FIELDS = new Set(["idType", "idNumber", "sex", "birthDate"]);

/** A corrected ID number, birth date or sex must still agree with the others. */
export const identitySchema = personObject
  .pick({ idType: true, idNumber: true, sex: true, birthDate: true })
  .superRefine(checkCitizenIdentity);

/** End dates are calendar days in China; the column is a timestamp. */
const CHINA_OFFSET = "+08:00";

function dayOf(value: Date): string {
  return new Date(value.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** A row's value in the form the phone sees and sends. */
export function wireValue(row: Record<string, unknown>, field: string): unknown {
  const value = row[field];
  if (value instanceof Date) return dayOf(value);
  return normaliseValue(value);
}

/** The officer's value as the column keeps it: an end reason's code, an end date's day. */
export function columnForm(field: string, value: unknown): unknown {
  if (field === "endReason" && value && typeof value === "object" && "code" in value) {
    return (value as { code: unknown }).code;
  }
  return normaliseValue(value);
}

export function toColumn(field: string, value: unknown): unknown {
  const plain = columnForm(field, value);
  if (field === "endedAt" && typeof plain === "string") return new Date(`${plain}T00:00:00${CHINA_OFFSET}`);
  return plain;
}

/**
 * Reads and locks (`for update`) the register rows named, by `entity:id`. One fixed order of tables
 * and ids for every caller (push and approval alike), so two transactions lock what they share in the
 * same order and cannot deadlock.
 */
export async function lockRegisterRows(tx: Db, ids: ReadonlyMap<ChangeEntity, ReadonlySet<string>>) {
  const rows = new Map<string, Row>();
  for (const entity of ENTITY_ORDER) {
    const wanted = [...(ids.get(entity) ?? [])].sort();
    if (wanted.length === 0) continue;
    const table = TABLES[entity];
    const found = (await tx
      .select()
      .from(table)
      .where(sql`${table.id} = any(${sql.param(wanted)}::uuid[])`)
      .orderBy(table.id)
      .for("update")) as Row[];
    for (const row of found) rows.set(keyOf(entity, row.id), row);
  }
  return rows;
}
