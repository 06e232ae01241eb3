import "client-only";
import { type Change, changeSchema, type Visit, visitSchema } from "@/domain/visit";
import { notifyOutboxChanged } from "./pending";
import { abandon, type FieldDatabase, type OutboxEntry, type Row } from "./store";

/**
 * The officer's unsent work. A save writes the visit, its changes, the corrected register rows and
 * one outbox entry in a single strict transaction, and says "saved" only once that transaction has
 * committed: after a crash the phone holds all of it or none of it.
 */

/** Register stores a visit may correct on the phone, so lists show what the officer observed. */
export type LocalStore = "persons" | "households" | "units" | "rentals" | "rentalTenants" | "rooms";

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
    state: "pending",
    attempts: 0,
  };
  const updates = input.localUpdates ?? [];
  const stores = [
    "visits",
    "changes",
    "outbox",
    "drafts",
    ...(visit.photoSha256 ? ["photos" as const] : []),
    ...new Set(updates.map((update) => update.store)),
  ] as const;
  const tx = db.transaction(stores as unknown as ["visits"], "readwrite", { durability: "strict" });
  // biome-ignore lint/suspicious/noExplicitAny: the transaction spans a dynamic set of stores
  const store = (name: string) => tx.objectStore(name as any) as any;
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
    // The photo the visit names must be on the phone, or its upload could never happen.
    if (visit.photoSha256 && !(await store("photos").get(visit.photoSha256))) {
      throw new Error(`photo ${visit.photoSha256} is not on this phone`);
    }
    await store("drafts").delete(visit.roomId);
    await tx.done;
  } catch (error) {
    abandon(tx);
    throw error;
  }
  notifyOutboxChanged();
  return entry;
}

export async function changesOfVisit(db: FieldDatabase, visitId: string): Promise<Change[]> {
  return db.getAllFromIndex("changes", "visitId", visitId);
}
