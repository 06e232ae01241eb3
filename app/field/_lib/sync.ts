import "client-only";
import {
  type DeviceHealth,
  type Mutation,
  PUSH_BATCH_BYTES,
  PUSH_MAX_MUTATIONS,
  type PushInput,
  type PushResponse,
  type PushResult,
  RETRYABLE_REJECTIONS,
} from "@/domain/push";
import type { ChangeEntity } from "@/domain/visit";
import { notifyOutboxChanged } from "./pending";
import {
  abandon,
  type ConflictRow,
  type FieldDatabase,
  type OutboxEntry,
  type PhotoRow,
  type Row,
  STORE_OF_ENTITY,
} from "./store";

/**
 * The phone's side of the sync: push the outbox in order, in batches, and take the server's answer
 * for each entry. An entry leaves the outbox only on that answer. Whatever fails on the way (no
 * signal, a dropped connection, a server restart) leaves everything as it was, to be sent again;
 * the server's ledger makes the second send harmless.
 */

export interface SyncTransport {
  push(input: PushInput): Promise<PushResponse>;
  /** PUT the photo; resolves once the server holds it (201 or 200), rejects otherwise. */
  uploadPhoto(photo: PhotoRow, gridId: string): Promise<void>;
}

export type SyncRun =
  | { state: "done"; sent: number; rejected: number; conflicts: number }
  /** Another tab holds the sync lock and is doing it. */
  | { state: "busy" }
  /** The session is gone: ask for the password again; nothing was dropped. */
  | { state: "unauthorized" }
  | { state: "failed"; error: unknown };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status of a failed call, from a tRPC client error or our own fetch wrapper. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpError) return error.status;
  const data = (error as { data?: { httpStatus?: unknown } } | null)?.data;
  return typeof data?.httpStatus === "number" ? data.httpStatus : undefined;
}

export async function deviceIdOf(db: FieldDatabase): Promise<string> {
  const held = (await db.get("meta", "deviceId")) as string | undefined;
  if (held) return held;
  const id = crypto.randomUUID();
  // add, not put: two tabs racing here keep the first id.
  try {
    await db.add("meta", id, "deviceId");
    return id;
  } catch {
    return (await db.get("meta", "deviceId")) as string;
  }
}

/** What the server keeps per device for the supervisor: version, backlog, storage. */
export async function deviceHealth(
  db: FieldDatabase,
  appVersion: string,
  sending: ReadonlySet<string> = new Set(),
): Promise<DeviceHealth> {
  // What stays unsent once the batch this report travels with has landed.
  const entries = (await db.getAll("outbox")).filter((entry) => !sending.has(entry.id));
  const pending = entries.filter((entry) => entry.state === "pending");
  const oldest = entries.reduce<string | null>(
    (min, e) => (min === null || e.createdAt < min ? e.createdAt : min),
    null,
  );
  let storagePersisted: boolean | null = null;
  let storageUsage: number | null = null;
  let storageQuota: number | null = null;
  try {
    storagePersisted = (await navigator.storage?.persisted?.()) ?? null;
    const estimate = await navigator.storage?.estimate?.();
    storageUsage = estimate?.usage != null ? Math.round(estimate.usage) : null;
    storageQuota = estimate?.quota != null ? Math.round(estimate.quota) : null;
  } catch {
    // storage manager unavailable (old browser, private mode): report unknown
  }
  return {
    appVersion,
    unsentCount: pending.length,
    oldestUnsentAt: oldest,
    storagePersisted,
    storageUsage,
    storageQuota,
  };
}

/** The next batch: pending entries in the order they were saved, within the count and byte limits. */
async function nextBatch(db: FieldDatabase, maxCount: number): Promise<OutboxEntry[]> {
  const batch: OutboxEntry[] = [];
  let bytes = 0;
  const tx = db.transaction("outbox");
  for (
    let cursor = await tx.store.index("createdAt").openCursor();
    cursor;
    cursor = await cursor.continue()
  ) {
    const entry = cursor.value;
    if (entry.state !== "pending") continue;
    const size = JSON.stringify(entry.payload).length;
    if (batch.length > 0 && (batch.length >= maxCount || bytes + size > PUSH_BATCH_BYTES)) break;
    batch.push(entry);
    bytes += size;
  }
  await tx.done;
  return batch;
}

function toMutation(entry: OutboxEntry): Mutation {
  return entry.kind === "visit"
    ? { id: entry.id, kind: "visit", payload: entry.payload }
    : { id: entry.id, kind: "resolve", payload: entry.payload };
}

/** Uploads the photos the batch names that the server does not hold yet. */
async function uploadPhotos(
  db: FieldDatabase,
  batch: OutboxEntry[],
  transport: SyncTransport,
): Promise<void> {
  for (const entry of batch) {
    if (entry.kind !== "visit" || !entry.payload.visit.photoSha256) continue;
    const photo = await db.get("photos", entry.payload.visit.photoSha256);
    if (!photo || photo.uploadedAt) continue;
    await transport.uploadPhoto(photo, entry.payload.visit.gridId);
    await db.put("photos", { ...photo, uploadedAt: new Date().toISOString() });
  }
}

/**
 * Takes the server's answers in one strict transaction: accepted entries leave the outbox, the phone's
 * copies get the server's versions, conflicts are kept to be shown, rejected entries move aside.
 */
async function applyAnswers(db: FieldDatabase, batch: OutboxEntry[], results: PushResult[]) {
  const byId = new Map(results.map((result) => [result.id, result]));
  const stores = [
    "outbox",
    "visits",
    "conflicts",
    "photos",
    ...new Set(Object.values(STORE_OF_ENTITY)),
  ] as const;
  const tx = db.transaction(stores as unknown as ["outbox"], "readwrite", { durability: "strict" });
  // biome-ignore lint/suspicious/noExplicitAny: the transaction spans a dynamic set of stores
  const store = (name: string) => tx.objectStore(name as any) as any;
  const tally = { sent: 0, rejected: 0, conflicts: 0 };
  try {
    for (const entry of batch) {
      const result = byId.get(entry.id);
      // No answer for it (should not happen): it stays, and goes again next time.
      if (!result) continue;
      if (result.status === "rejected") {
        if (RETRYABLE_REJECTIONS.has(result.key)) {
          await store("outbox").put({
            ...entry,
            attempts: entry.attempts + 1,
            lastError: result.message,
            errorKey: result.key,
          });
          // The server lacks the photo though the phone thought it sent it: send it again.
          if (entry.kind === "visit" && entry.payload.visit.photoSha256) {
            const photo = (await store("photos").get(entry.payload.visit.photoSha256)) as
              | PhotoRow
              | undefined;
            if (photo) await store("photos").put({ ...photo, uploadedAt: undefined });
          }
        } else {
          await store("outbox").put({
            ...entry,
            state: "rejected",
            lastError: result.message,
            errorKey: result.key,
          });
          tally.rejected += 1;
        }
        continue;
      }
      await store("outbox").delete(entry.id);
      tally.sent += 1;
      const visitId = entry.kind === "visit" ? entry.payload.visit.id : entry.conflict.visitId;
      const roomId = entry.kind === "visit" ? entry.payload.visit.roomId : entry.conflict.roomId;
      // The phone's copies now match the server: its versions, and no longer "pending".
      const entities = new Map<string, ChangeEntity>();
      if (entry.kind === "visit")
        for (const change of entry.payload.changes) entities.set(change.entityId, change.entity);
      else entities.set(entry.conflict.entityId, entry.conflict.entity as ChangeEntity);
      for (const [id, version] of Object.entries(result.versions)) {
        const name = id === visitId ? "visits" : STORE_OF_ENTITY[entities.get(id) as ChangeEntity];
        if (!name) continue;
        const row = (await store(name).get(id)) as Row | undefined;
        if (row) await store(name).put({ ...row, version, pending: false });
      }
      // A visit's corrections wait for review on the server: the rows keep their register version,
      // and are no longer unsent.
      for (const [id, entity] of entities) {
        if (id in result.versions) continue;
        const name = STORE_OF_ENTITY[entity];
        const row = (await store(name).get(id)) as Row | undefined;
        if (row?.pending) await store(name).put({ ...row, pending: false });
      }
      if (result.status === "conflict") {
        for (const conflict of result.conflicts) {
          const row: ConflictRow = { ...conflict, visitId, roomId, receivedAt: new Date().toISOString() };
          await store("conflicts").put(row);
          tally.conflicts += 1;
        }
      }
    }
    await tx.done;
  } catch (error) {
    abandon(tx);
    throw error;
  }
  return tally;
}

export interface SyncOptions {
  appVersion: string;
  /** Name of the Web Lock: one tab per user database syncs at a time. */
  lockName: string;
  /** Lets tests and the chaos run shrink batches. */
  maxBatch?: number;
}

async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T | "busy"> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  // Without Web Locks (very old browsers) two tabs may both push: harmless, the ledger answers the second.
  if (!locks) return fn();
  return locks.request(name, { ifAvailable: true }, async (lock) => (lock ? fn() : ("busy" as const)));
}

/** Pushes the whole outbox, batch after batch, until it is empty or something stops it. */
export async function syncOutbox(
  db: FieldDatabase,
  transport: SyncTransport,
  options: SyncOptions,
): Promise<SyncRun> {
  const run = await withLock(options.lockName, async (): Promise<SyncRun> => {
    const tally = { sent: 0, rejected: 0, conflicts: 0 };
    let maxCount = Math.min(options.maxBatch ?? PUSH_MAX_MUTATIONS, PUSH_MAX_MUTATIONS);
    let pushed = false;
    try {
      const deviceId = await deviceIdOf(db);
      for (;;) {
        const batch = await nextBatch(db, maxCount);
        if (batch.length === 0) {
          // Nothing was sent this time: still report the device's health (the caller decides how
          // often). After a batch the report went with it, so the last batch needs no request of its own.
          if (!pushed) {
            await transport.push({
              deviceId,
              mutations: [],
              device: await deviceHealth(db, options.appVersion),
            });
          }
          break;
        }
        await uploadPhotos(db, batch, transport);
        let answer: PushResponse;
        try {
          answer = await transport.push({
            deviceId,
            mutations: batch.map(toMutation),
            device: await deviceHealth(db, options.appVersion, new Set(batch.map((entry) => entry.id))),
          });
          pushed = true;
        } catch (error) {
          const status = statusOf(error);
          // The envelope was refused (an entry from an older app, a body too big): halve the batch
          // until the one entry at fault is alone, then set it aside with the server's words.
          if ((status === 400 || status === 413) && batch.length > 1) {
            maxCount = Math.max(1, Math.floor(batch.length / 2));
            continue;
          }
          if ((status === 400 || status === 413) && batch.length === 1) {
            await applyAnswers(db, batch, [
              {
                id: batch[0].id,
                duplicate: false,
                status: "rejected",
                key: "errors.badRequest",
                message: error instanceof Error ? error.message : String(error),
              },
            ]);
            tally.rejected += 1;
            notifyOutboxChanged();
            continue;
          }
          throw error;
        }
        const done = await applyAnswers(db, batch, answer.results);
        tally.sent += done.sent;
        tally.rejected += done.rejected;
        tally.conflicts += done.conflicts;
        notifyOutboxChanged();
        // Only retryable refusals came back (a photo still on its way): stop, and let backoff retry.
        if (done.sent === 0 && done.rejected === 0) break;
      }
      return { state: "done", ...tally };
    } catch (error) {
      if (tally.sent + tally.rejected > 0) notifyOutboxChanged();
      if (statusOf(error) === 401) return { state: "unauthorized" };
      return { state: "failed", error };
    }
  });
  return run === "busy" ? { state: "busy" } : run;
}

/** Waits after the n-th failure in a row: exponential from 5 s up to 5 min, with full jitter. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5 * 60_000, 5_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
