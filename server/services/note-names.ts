import "server-only";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { changes, households, persons, rentals, units, visits } from "@/db/schema";

// An officer's note is free text: domain/mask.ts maskText masks what looks like an ID number or a
// phone, and the names given here, wherever the note names them.

/**
 * The names in play at visit `v` — the room's residents (ended ones too), landlords and unit contacts,
 * and the names its own changes carry — as a JSON array: each is masked wherever the note names it.
 * Read only for visits with a note.
 */
export const noteNames = sql`case when v.note is null then '[]'::json else to_json(array(
    select p.name from ${persons} p where p.room_id = v.room_id
    union select p.name from ${persons} p join ${households} h on h.id = p.household_id
      where h.room_id = v.room_id
    union select rt.landlord_name from ${rentals} rt where rt.room_id = v.room_id
    union select u.legal_rep from ${units} u where u.room_id = v.room_id
    union select u.safety_contact from ${units} u where u.room_id = v.room_id
    union select x.observed_value ->> 'name' from ${changes} x
      where x.visit_id = v.id and x.field = '*' and jsonb_typeof(x.observed_value) = 'object'
    union select y.value #>> '{}' from ${changes} x
      cross join lateral (values (x.observed_value), (x.register_value)) y(value)
      where x.visit_id = v.id and x.field in ('name', 'landlordName', 'legalRep', 'safetyContact')
        and jsonb_typeof(y.value) = 'string'
  )) end`;

/** Drivers hand back JSON columns parsed; a name list that is not a list names nobody. */
export const nameList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : []).filter((name): name is string => typeof name === "string");

/** The names in play at one visit, for masking its note on a screen. */
export async function namesAtVisit(db: Db, visitId: string): Promise<string[]> {
  const [row] = rowsOf<{ names: unknown }>(
    await db.execute(sql`select ${noteNames} as names from ${visits} v where v.id = ${visitId}`),
  );
  return nameList(row?.names);
}
