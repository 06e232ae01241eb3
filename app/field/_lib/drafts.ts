import "client-only";
import type { DraftRow, FieldDatabase } from "./store";

/**
 * A room's visit form as typed and not yet saved, kept per room so a reload or a dead battery loses
 * nothing. Not part of the outbox: nothing here is sent. A save clears its room's draft in the same
 * transaction as the visit (saveVisit, outbox.ts).
 */

export async function saveDraft(db: FieldDatabase, roomId: string, values: unknown): Promise<void> {
  const row: DraftRow = { roomId, savedAt: new Date().toISOString(), values };
  await db.put("drafts", row);
}

export async function readDraft<T = unknown>(db: FieldDatabase, roomId: string): Promise<T | undefined> {
  const row = await db.get("drafts", roomId);
  return row?.values as T | undefined;
}

export async function clearDraft(db: FieldDatabase, roomId: string): Promise<void> {
  await db.delete("drafts", roomId);
}
