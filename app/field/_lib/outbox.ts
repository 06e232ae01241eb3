import "client-only";
import type { PULL_TABLE_OF_ENTITY } from "@/domain/pull";
import { changeSchema, visitSchema } from "@/domain/schemas/visit";
import type { Change, ChangeEntity, Visit } from "@/domain/visit";
import { notifyOutboxChanged } from "./pending";
import {
  abandon,
  type ConflictRow,
  entryPhotos,
  type FieldDatabase,
  type FieldStoreName,
  type OutboxEntry,
  type Row,
  writeTransaction,
} from "./store";

/**
 * The officer's unsent work, and all the officer does to it. A save writes the visit, its changes, the
 * corrected register rows and one outbox entry in a single strict transaction, and says "saved" only
 * once that transaction has committed: after a crash the phone holds all of it or none of it. A
 * conflict settled is queued the same way; a refused entry is sent again or discarded here. The
 * outbox's one other writer is the push (push.ts), which takes entries out on the server's answer.
 */

/** Register stores a visit may correct on the phone, so lists show what the officer observed. */
export type LocalStore = (typeof PULL_TABLE_OF_ENTITY)[ChangeEntity];

export type LocalUpdate =
  /** A new row (a member, a tenant, a tenancy, a household). */
  | { op: "put"; store: LocalStore; row: Row }
  /** Corrected fields of an existing row; the row must exist, or the whole save is undone. */
  | { op: "patch"; store: LocalStore; id: string; values: Record<string, unknown> }
  /** An ended row (moved out, deceased, tenancy ended): dropped, as a pulled tombstone would be. */
  | { op: "delete"; store: LocalStore; id: string };

export interface SaveVisitInput {
  visit: Visit;
  changes: Change[];
  localUpdates?: LocalUpdate[];
  /** Shown on the phone's copy of the visit; the server takes the officer from the session. */
  officerId?: string | null;
  /** The photos its image questions name (domain/questionnaire answerPhotos). */
  photos?: string[];
}

/** The phone's copy of a visit: the pull's columns, so the work list treats it like a pulled one. */
function visitRow(visit: Visit, officerId: string | null): Row {
  return {
    ...visit,
    version: 0,
    officerId,
    reviewState: "submitted",
    reviewComment: null,
    reviewedAt: null,
    /** Not yet accepted by the server. */
    pending: true,
  };
}

export async function saveVisit(db: FieldDatabase, input: SaveVisitInput): Promise<OutboxEntry> {
  // Validate before anything is written: an invalid envelope would be refused by the server anyway.
  const visit = visitSchema.parse(input.visit);
  const changes = input.changes.map((change) => {
    const parsed = changeSchema.parse(change);
    if (parsed.visitId !== visit.id) throw new Error(`change ${parsed.id} belongs to another visit`);
    return parsed;
  });
  const entry: OutboxEntry = {
    id: visit.id,
    kind: "visit",
    createdAt: new Date().toISOString(),
    payload: { visit, changes },
    ...(input.photos && input.photos.length > 0 ? { photos: [...new Set(input.photos)] } : {}),
    state: "pending",
    attempts: 0,
  };
  const photos = entryPhotos(entry);
  const updates = input.localUpdates ?? [];
  const stores = [
    "visits",
    "changes",
    "outbox",
    "drafts",
    ...(photos.length > 0 ? ["photos" as const] : []),
    ...new Set(updates.map((update) => update.store)),
  ] as const;
  const tx = writeTransaction(db, stores);
  const store = <Name extends FieldStoreName>(name: Name) => tx.objectStore(name);
  try {
    // add, not put: the same mutation id twice (a double tap) fails and writes nothing.
    await store("outbox").add(entry);
    await store("visits").add(visitRow(visit, input.officerId ?? null));
    for (const change of changes) await store("changes").add(change);
    for (const update of updates) {
      if (update.op === "put") await store(update.store).add(update.row);
      else if (update.op === "delete") await store(update.store).delete(update.id);
      else {
        const row = (await store(update.store).get(update.id)) as Row | undefined;
        if (!row) throw new Error(`${update.store}/${update.id} is not on this phone`);
        await store(update.store).put({ ...row, ...update.values, id: row.id });
      }
    }
    // The photos the visit names must be on the phone, or their upload could never happen.
    for (const sha256 of photos)
      if (!(await store("photos").get(sha256))) throw new Error(`photo ${sha256} is not on this phone`);
    await store("drafts").delete(visit.roomId);
    await tx.done;
  } catch (error) {
    abandon(tx);
    throw error;
  }
  notifyOutboxChanged();
  return entry;
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

export async function changesOfVisit(db: FieldDatabase, visitId: string): Promise<Change[]> {
  return db.getAllFromIndex("changes", "visitId", visitId);
}
