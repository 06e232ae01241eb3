import "server-only";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { MOVE_IN_FIELDS } from "@/domain/claims";

/**
 * A person moved by a confirmed move-in (domain/claims.ts movedInChanges) has change rows whose
 * values are a room's and a household's ids. A reviewer or a department reads places, not ids: each
 * such value becomes the room's address (building, unit, room) or the household's number, as the review
 * header and the register name them. Other fields' values pass through as they are.
 */
export type PlaceWord = (field: string, value: unknown) => unknown;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The words of every room and household id that `rows`' place fields name, read at once. */
export async function placeWords(
  db: Db,
  rows: readonly { field: string; values: readonly unknown[] }[],
): Promise<PlaceWord> {
  const ids = new Set<string>();
  for (const row of rows)
    if (MOVE_IN_FIELDS.includes(row.field))
      for (const value of row.values) if (typeof value === "string" && UUID.test(value)) ids.add(value);
  if (ids.size === 0) return (_field, value) => value;
  const list = sql`${sql.param([...ids])}::uuid[]`;
  const words = new Map(
    rowsOf<{ id: string; word: string }>(
      await db.execute(sql`
        select r.id::text as id, concat_ws(' ', coalesce(b.name, b.address), r.unit_no, r.room_no) as word
        from rooms r join buildings b on b.id = r.building_id where r.id = any(${list})
        union all
        select h.id::text, h.household_no from households h where h.id = any(${list})`),
    ).map((row) => [row.id, row.word]),
  );
  return (field, value) =>
    MOVE_IN_FIELDS.includes(field) && typeof value === "string" ? (words.get(value) ?? value) : value;
}

/** A change row's values, as placeWords reads them. */
export function changeValues(
  rows: readonly { field: string; registerValue: unknown; observedValue: unknown; serverValue?: unknown }[],
) {
  return rows.map((row) => ({
    field: row.field,
    values: [row.registerValue, row.observedValue, row.serverValue],
  }));
}
