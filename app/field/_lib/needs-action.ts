import "client-only";
import { useEffect, useState } from "react";
import { PULL_TABLE_OF_ENTITY } from "@/domain/pull";
import { onOutboxChanged } from "./pending";
import type { ConflictRow, FieldDatabase, NoticeRow, OutboxEntry } from "./store";

/**
 * What the server gave back for the officer to settle: visits it refused, fields where someone else's
 * value got there first, and corrections from this phone a settlement elsewhere set aside. Reads
 * only, kept apart from the outbox writer (outbox.ts, which settles them) so the work list stays
 * small: the writer validates with zod.
 */

export interface NeedsAction {
  rejected: OutboxEntry[];
  conflicts: (ConflictRow & { where: string })[];
  notices: (NoticeRow & { where: string })[];
}

/** True when there is anything to show. */
export const needsAnything = (needs: NeedsAction) =>
  needs.rejected.length > 0 || needs.conflicts.length > 0 || needs.notices.length > 0;

/** "3栋 502 · 张三": which door and whose record, so the officer knows where to check. */
async function whereOf(db: FieldDatabase, conflict: ConflictRow): Promise<string> {
  const store = PULL_TABLE_OF_ENTITY[conflict.entity as keyof typeof PULL_TABLE_OF_ENTITY];
  const [room, row] = await Promise.all([
    db.get("rooms", conflict.roomId),
    store ? db.get(store, conflict.entityId) : undefined,
  ]);
  const building = room?.buildingId ? await db.get("buildings", room.buildingId as string) : undefined;
  const who = (row?.name ?? row?.landlordName ?? "") as string;
  const door = [building?.name ?? building?.address, room?.roomNo].filter(Boolean).join(" ");
  return [door, who].filter(Boolean).join(" · ");
}

export async function readNeedsAction(db: FieldDatabase): Promise<NeedsAction> {
  const [entries, conflicts, notices] = await Promise.all([
    db.getAll("outbox"),
    db.getAll("conflicts"),
    db.getAll("notices"),
  ]);
  conflicts.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  notices.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return {
    rejected: entries
      .filter((entry) => entry.state === "rejected")
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    conflicts: await Promise.all(
      conflicts.map(async (conflict) => ({ ...conflict, where: await whereOf(db, conflict) })),
    ),
    notices: await Promise.all(
      notices.map(async (notice) => ({ ...notice, where: await whereOf(db, notice) })),
    ),
  };
}

export function useNeedsAction(db: FieldDatabase | null): NeedsAction | null {
  const [state, setState] = useState<NeedsAction | null>(null);
  useEffect(() => {
    if (!db) return;
    let live = true;
    const read = () =>
      readNeedsAction(db)
        .then((next) => {
          if (live) setState(next);
        })
        .catch((error) => console.warn("reading rejected work failed", error));
    void read();
    const off = onOutboxChanged(() => void read());
    return () => {
      live = false;
      off();
    };
  }, [db]);
  return state;
}
