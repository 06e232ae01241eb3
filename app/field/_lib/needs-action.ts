import "client-only";
import { useEffect, useState } from "react";
import { PULL_TABLE_OF_ENTITY } from "@/domain/pull";
import { notifyOutboxChanged, onOutboxChanged } from "./pending";
import type { ConflictRow, FieldDatabase, OutboxEntry } from "./store";

/**
 * What the server gave back for the officer to settle: visits it refused, and fields where someone
 * else's value got there first. Kept apart from the outbox writer so the work list stays small.
 */

export interface NeedsAction {
  rejected: OutboxEntry[];
  conflicts: (ConflictRow & { where: string })[];
}

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
  const [entries, conflicts] = await Promise.all([db.getAll("outbox"), db.getAll("conflicts")]);
  conflicts.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return {
    rejected: entries
      .filter((entry) => entry.state === "rejected")
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    conflicts: await Promise.all(
      conflicts.map(async (conflict) => ({ ...conflict, where: await whereOf(db, conflict) })),
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

/**
 * Settles a conflict with the value chosen: the resolution is itself a mutation, queued in the
 * outbox like a visit, and the conflict leaves the list in the same transaction. If the server has
 * moved on again by the time it arrives, the answer brings the conflict back with the new value.
 */
export async function resolveConflict(
  db: FieldDatabase,
  { where: _where, ...conflict }: ConflictRow & { where?: string },
  value: unknown,
): Promise<void> {
  const entry: OutboxEntry = {
    id: crypto.randomUUID(),
    kind: "resolve",
    createdAt: new Date().toISOString(),
    state: "pending",
    attempts: 0,
    payload: { changeId: conflict.changeId, value, serverValue: conflict.serverValue },
    conflict,
  };
  const tx = db.transaction(["outbox", "conflicts"], "readwrite", { durability: "strict" });
  await Promise.all([
    tx.objectStore("outbox").add(entry),
    tx.objectStore("conflicts").delete(conflict.changeId),
    tx.done,
  ]);
  notifyOutboxChanged();
}

/**
 * Puts an entry the officer has been shown back in line to be sent: its cause may be cleared (the
 * server fixed, a campaign reopened). It keeps its place (the time it was saved) and starts its
 * count of server failures afresh, so a parked entry gets its chances again.
 */
export async function retryRejected(db: FieldDatabase, entry: OutboxEntry): Promise<void> {
  const tx = db.transaction("outbox", "readwrite", { durability: "strict" });
  const current = await tx.store.get(entry.id);
  if (current?.state === "rejected") {
    const { lastError: _lastError, errorKey: _errorKey, ...rest } = current;
    await tx.store.put({ ...rest, state: "pending", serverErrors: 0, suspect: false });
  }
  await tx.done;
  notifyOutboxChanged();
}

/** Drops a visit the server refused, after the officer confirmed it: the entry, and the phone's copy. */
export async function discardRejected(db: FieldDatabase, entry: OutboxEntry): Promise<void> {
  const tx = db.transaction(["outbox", "visits", "changes", "conflicts"], "readwrite", {
    durability: "strict",
  });
  const work: Promise<unknown>[] = [tx.objectStore("outbox").delete(entry.id)];
  if (entry.kind === "visit") {
    work.push(tx.objectStore("visits").delete(entry.payload.visit.id));
    for (const change of entry.payload.changes) work.push(tx.objectStore("changes").delete(change.id));
  } else {
    // A refused resolution: the conflict goes back on the list, unsettled.
    work.push(tx.objectStore("conflicts").put(entry.conflict));
  }
  await Promise.all([...work, tx.done]);
  notifyOutboxChanged();
}
