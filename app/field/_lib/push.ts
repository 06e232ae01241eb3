import "client-only";
import { PULL_TABLE_OF_ENTITY } from "@/domain/pull";
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
import { CLEAR_META_KEYS } from "@/domain/vault";
import type { ChangeEntity } from "@/domain/visit";
import { countPending, notifyOutboxChanged } from "./pending";
import {
  abandon,
  type ConflictRow,
  deviceIdOf,
  entryPhotos,
  type FieldDatabase,
  type FieldStoreName,
  type OutboxEntry,
  type PhotoRow,
  REGISTER_STORES,
  type Row,
  WIPED_META,
  writeTransaction,
} from "./store";

/**
 * The phone's push, the first half of a sync (the pull, in pull.ts, is the second): the outbox in
 * order, in batches, and the server's answer taken for each entry. An entry leaves the outbox only on that answer. Whatever fails on the way (no
 * signal, a dropped connection, a server restart) leaves everything as it was, to be sent again;
 * the server's ledger makes the second send harmless.
 *
 * One bad entry must never block the others. A batch the server fails on as a whole (a 5xx, or no
 * answer at all) is split in halves, in order, down to the single entry, so every good entry goes
 * through; the one at fault waits for the next run, and what comes after it on the same record waits
 * with it. An entry the server keeps failing on alone is parked in the officer's list; one that only
 * gets no answer is never parked (that is just no signal).
 */

/**
 * After this many runs in which the server failed (5xx) on an entry sent alone while it took other
 * mutations, the entry is parked for the officer: a passing fault gets a few chances, a poisoned
 * entry stops being resent for ever.
 */
export const SERVER_FAILURES_TO_PARK = 3;
/**
 * Lone 5xx in a row, with no mutation taken between, after which a run stops: the server is failing
 * on everything, not on one entry, and halving the whole outbox down to single entries would only
 * load it. Those entries go last next time, so the ones behind them still get their turn.
 */
const LONE_FAILURES_TO_STOP = 3;
/** The reason of a parked entry: the phone's words, since the server gave none it could stand by. */
export const SERVER_FAILED_KEY = "sync.serverFailed";

export interface PushTransport {
  push(input: PushInput): Promise<PushResponse>;
  /** PUT the photo; resolves once the server holds it (201 or 200), rejects otherwise. */
  uploadPhoto(photo: PhotoRow, gridId: string): Promise<void>;
}

export type PushRun =
  | {
      state: "done";
      sent: number;
      /** Set aside for the officer: refused by the server, or parked after failing too often. */
      rejected: number;
      conflicts: number;
      /**
       * Still pending and not sent again in this run: the server failed on them or did not answer,
       * or they wait behind such an entry on the same record. The caller retries, backing off.
       */
      held: number;
    }
  /**
   * The device was marked lost or retired: its whole outbox went to the server's quarantine and its
   * register data is erased (see eraseRegister).
   */
  | { state: "wiped" }
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

/**
 * The next batch: pending entries in the order they were saved, within the count and byte limits,
 * leaving out those held back in this run and those waiting behind them, and setting aside for the
 * end of the run the entries the server failed on before, with those behind them on their records.
 */
async function nextBatch(db: FieldDatabase, maxCount: number, run: Run): Promise<OutboxEntry[]> {
  const batch: OutboxEntry[] = [];
  let bytes = 0;
  const tx = db.transaction("outbox");
  for (
    let cursor = await tx.store.index("createdAt").openCursor();
    cursor;
    cursor = await cursor.continue()
  ) {
    const entry = cursor.value;
    if (entry.state !== "pending" || run.heldIds.has(entry.id) || run.deferred.has(entry.id)) continue;
    if (defers(run, entry) || waitsBehind(run, entry)) continue;
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

/**
 * Uploads one photo of a visit entry unless the server holds it already (or the phone no longer has
 * it), and marks it uploaded. True when it was sent; the upload's error is thrown for the caller to
 * judge, since a push and a hand-over judge failures differently.
 */
async function uploadEntryPhoto(run: Run, entry: OutboxEntry, sha256: string): Promise<boolean> {
  const photo = await run.db.get("photos", sha256);
  if (entry.kind !== "visit" || !photo || photo.uploadedAt) return false;
  await run.transport.uploadPhoto(photo, entry.payload.visit.gridId);
  await run.db.put("photos", { ...photo, uploadedAt: new Date().toISOString() });
  return true;
}

/**
 * Uploads the photos the batch names that the server does not hold yet, and returns the entries
 * ready to go. A photo the server fails on or refuses is its entry's trouble alone: that entry is
 * settled as if sent alone, and the others go on.
 */
async function uploadPhotos(run: Run, batch: OutboxEntry[]): Promise<OutboxEntry[]> {
  const ready: OutboxEntry[] = [];
  entries: for (const entry of batch) {
    if (run.heldIds.has(entry.id) || waitsBehind(run, entry)) continue;
    for (const sha256 of entryPhotos(entry)) {
      try {
        if (await uploadEntryPhoto(run, entry, sha256)) run.answered += 1;
      } catch (error) {
        const status = statusOf(error);
        if (status !== undefined) run.answered += 1;
        // About the caller (log in again, a foreign origin, too many requests): the same for all.
        if (status === 401 || status === 403 || status === 429) throw error;
        await settleAlone(run, entry, error, status);
        continue entries;
      }
    }
    ready.push(entry);
  }
  return ready;
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
    ...new Set(Object.values(PULL_TABLE_OF_ENTITY)),
  ] as const;
  const tx = writeTransaction(db, stores);
  const store = <Name extends FieldStoreName>(name: Name) => tx.objectStore(name);
  const tally = { sent: 0, rejected: 0, conflicts: 0, stillPending: [] as OutboxEntry[] };
  try {
    for (const entry of batch) {
      const result = byId.get(entry.id);
      // No answer for it (should not happen): it stays, and goes again next run.
      if (!result) {
        tally.stillPending.push(entry);
        continue;
      }
      if (result.status === "rejected") {
        if (RETRYABLE_REJECTIONS.has(result.key)) {
          tally.stillPending.push(entry);
          await store("outbox").put({
            ...entry,
            attempts: entry.attempts + 1,
            lastError: result.message,
            errorKey: result.key,
            // The server judged it: whatever failed on it before was not this entry's doing.
            serverErrors: 0,
            suspect: false,
          });
          // The server lacks a photo though the phone thought it sent it: send them again.
          for (const sha256 of entryPhotos(entry)) {
            const photo = (await store("photos").get(sha256)) as PhotoRow | undefined;
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
      // Held by the server for a supervisor's decision; the phone erases its copies next (wipe).
      if (result.status === "quarantined") continue;
      const visitId = entry.kind === "visit" ? entry.payload.visit.id : entry.conflict.visitId;
      const roomId = entry.kind === "visit" ? entry.payload.visit.roomId : entry.conflict.roomId;
      const gridId = entry.kind === "visit" ? entry.payload.visit.gridId : entry.conflict.gridId;
      // The phone's copies now match the server: its versions, and no longer "pending".
      const entities = new Map<string, ChangeEntity>();
      if (entry.kind === "visit")
        for (const change of entry.payload.changes) entities.set(change.entityId, change.entity);
      else entities.set(entry.conflict.entityId, entry.conflict.entity as ChangeEntity);
      for (const [id, version] of Object.entries(result.versions)) {
        const name = id === visitId ? "visits" : PULL_TABLE_OF_ENTITY[entities.get(id) as ChangeEntity];
        if (!name) continue;
        const row = (await store(name).get(id)) as Row | undefined;
        if (row) await store(name).put({ ...row, version, pending: false });
      }
      // A visit's corrections wait for review on the server: the rows keep their register version,
      // and are no longer unsent.
      for (const [id, entity] of entities) {
        if (id in result.versions) continue;
        const name = PULL_TABLE_OF_ENTITY[entity];
        const row = (await store(name).get(id)) as Row | undefined;
        if (row?.pending) await store(name).put({ ...row, pending: false });
      }
      if (result.status === "conflict") {
        for (const conflict of result.conflicts) {
          const row: ConflictRow = {
            ...conflict,
            visitId,
            roomId,
            ...(gridId ? { gridId } : {}),
            receivedAt: new Date().toISOString(),
          };
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

export interface PushOptions {
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

/** What one run has learnt so far. */
interface Run {
  db: FieldDatabase;
  transport: PushTransport;
  appVersion: string;
  deviceId: string;
  tally: { sent: number; rejected: number; conflicts: number };
  /** Pending entries not offered again in this run, and the records they hold back. */
  heldIds: Set<string>;
  heldRecords: Set<string>;
  /** Sent at the end of the run, one by one, in order: suspects and what waits behind them. */
  deferred: Map<string, OutboxEntry>;
  deferredRecords: Set<string>;
  /** Lone entries that got no answer at all in this run. */
  silences: number;
  /** Requests that got an HTTP answer of any kind. */
  answered: number;
  /** Pushes carrying mutations that the server answered: it can judge mutations. */
  judged: number;
  /** Lone 5xx since the last push the server judged. */
  loneFailuresInARow: number;
  /** Lone 5xx before any push was judged in this run: blamed at the end if one is by then. */
  undecided: { entry: OutboxEntry; error: unknown }[];
  /** `answered` when a lone entry last got no answer at all; null before the first. */
  answeredAtSilence: number | null;
  /** A request went out and was answered, carrying the device's health report. */
  reported: boolean;
  /** The server said the device is marked lost or retired: hand everything over, then erase. */
  wipe: boolean;
}

/**
 * The records an entry writes or judges against: a later entry naming one of them must not overtake
 * it, or it would be judged against a server that has not seen the earlier one (a conflict for
 * nothing, a new household not there yet). The room covers every visit at the same door.
 */
function recordsOf(entry: OutboxEntry): string[] {
  if (entry.kind === "resolve") {
    return [`room:${entry.conflict.roomId}`, `${entry.conflict.entity}:${entry.conflict.entityId}`];
  }
  const { visit, changes } = entry.payload;
  const records = [`room:${visit.roomId}`];
  if (visit.subjectId) records.push(`${visit.subjectType}:${visit.subjectId}`);
  for (const change of changes) records.push(`${change.entity}:${change.entityId}`);
  return records;
}

const sharesRecord = (entry: OutboxEntry, records: Set<string>) =>
  recordsOf(entry).some((record) => records.has(record));

/** Not sent again in this run; later entries on its records wait with it. */
function hold(run: Run, entry: OutboxEntry): void {
  run.heldIds.add(entry.id);
  for (const record of recordsOf(entry)) run.heldRecords.add(record);
}

/**
 * True (and held) when the entry names a record an entry held back in this run names. Held entries
 * come before anything still to send (batches are taken in order, halves are sent left first, and
 * whatever follows a deferred entry on its records is deferred with it), so sharing a record means
 * coming after one of them. A parked entry holds nothing back: it is the officer's now, and if it is
 * sent again after later ones, the server's per-field check turns a stale value into a conflict,
 * never a silent overwrite.
 */
function waitsBehind(run: Run, entry: OutboxEntry): boolean {
  if (!sharesRecord(entry, run.heldRecords)) return false;
  hold(run, entry);
  return true;
}

/**
 * True (and deferred to the end of the run) for an entry the server failed on before, and for one
 * that follows a deferred entry on the same record. The rest goes first: a poisoned entry at the
 * head of the outbox costs the others nothing, not even a failed batch.
 */
function defers(run: Run, entry: OutboxEntry): boolean {
  if (!entry.suspect && !sharesRecord(entry, run.deferredRecords)) return false;
  run.deferred.set(entry.id, entry);
  for (const record of recordsOf(entry)) run.deferredRecords.add(record);
  return true;
}

/** A request with nothing to judge: the device's health report, and proof that the server answers. */
async function probe(run: Run): Promise<void> {
  const device = await deviceHealth(run.db, run.appVersion);
  try {
    const answer = await run.transport.push({ deviceId: run.deviceId, mutations: [], device });
    if (answer.wipe) run.wipe = true;
  } catch (error) {
    if (statusOf(error) !== undefined) run.answered += 1;
    throw error;
  }
  run.answered += 1;
  run.reported = true;
}

/**
 * Marks an entry the server failed on alone (it goes last from now on) and, with `strike`, counts
 * the failure against it, in the outbox itself so a reload keeps the count; at the threshold it is
 * parked for the officer. True when it was parked.
 */
async function blame(
  db: FieldDatabase,
  entry: OutboxEntry,
  error: unknown,
  strike: boolean,
): Promise<boolean> {
  const tx = db.transaction("outbox", "readwrite", { durability: "strict" });
  try {
    const current = await tx.store.get(entry.id);
    let parked = false;
    if (current?.state === "pending") {
      const serverErrors = (current.serverErrors ?? 0) + (strike ? 1 : 0);
      parked = serverErrors >= SERVER_FAILURES_TO_PARK;
      await tx.store.put({
        ...current,
        state: parked ? "rejected" : "pending",
        attempts: current.attempts + 1,
        serverErrors,
        suspect: true,
        errorKey: SERVER_FAILED_KEY,
        // The server's own words, for whoever looks into it; the officer is shown the key's.
        lastError: error instanceof Error ? error.message : String(error),
      });
    }
    await tx.done;
    return parked;
  } catch (failure) {
    abandon(tx);
    throw failure;
  }
}

/** Sends a batch; if the server fails on it as a whole, sends its halves, down to the entry at fault. */
async function pushSplitting(run: Run, entries: OutboxEntry[]): Promise<void> {
  // An entry held back a moment ago (its half failed) holds back what follows it on the same record.
  const batch = entries.filter((entry) => !run.heldIds.has(entry.id) && !waitsBehind(run, entry));
  if (batch.length === 0) return;
  const device = await deviceHealth(run.db, run.appVersion, new Set(batch.map((entry) => entry.id)));
  let answer: PushResponse;
  try {
    answer = await run.transport.push({ deviceId: run.deviceId, mutations: batch.map(toMutation), device });
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined) run.answered += 1;
    // 401 (log in again), 403, 429…: about the caller or the device, the same for every entry.
    // Stop, keep everything, let the caller retry.
    if (status !== undefined && status < 500 && status !== 400 && status !== 413) throw error;
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await pushSplitting(run, batch.slice(0, half));
      await pushSplitting(run, batch.slice(half));
      return;
    }
    await settleAlone(run, batch[0], error, status);
    return;
  }
  run.answered += 1;
  run.judged += 1;
  run.loneFailuresInARow = 0;
  run.reported = true;
  if (answer.wipe) run.wipe = true;
  const done = await applyAnswers(run.db, batch, answer.results);
  run.tally.sent += done.sent;
  run.tally.rejected += done.rejected;
  run.tally.conflicts += done.conflicts;
  // Still pending (a photo the server lacks, no answer for it): next run, and its record waits too.
  for (const entry of done.stillPending) hold(run, entry);
  notifyOutboxChanged();
}

/** One entry on its own, and the request (its push, or its photo's upload) failed. */
async function settleAlone(run: Run, entry: OutboxEntry, error: unknown, status: number | undefined) {
  // Refused for what it holds (an entry from an older app, a body or photo too big, a photo of the
  // wrong type): the server has said why, and sending it again as it is would not change that.
  if (status !== undefined && status < 500) {
    await applyAnswers(
      run.db,
      [entry],
      [
        {
          id: entry.id,
          duplicate: false,
          status: "rejected",
          key: "errors.badRequest",
          message: error instanceof Error ? error.message : String(error),
        },
      ],
    );
    run.tally.rejected += 1;
    notifyOutboxChanged();
    return;
  }
  if (status === undefined) {
    // No answer at all. Once is a dropped connection, or an entry that drops it: hold it back and go
    // on. Twice with no answer between is no signal: stop, keep everything, let backoff retry. Never
    // parked: an officer in a basement must not find their work set aside.
    if (run.answeredAtSilence === run.answered) throw error;
    run.answeredAtSilence = run.answered;
    run.silences += 1;
    hold(run, entry);
    return;
  }
  // A 5xx for this entry alone. It is to blame only if the server takes other mutations: one it
  // judged earlier in this run, or later (decided at the end). A server failing on every mutation
  // blames nobody; after a few lone failures in a row the run stops rather than try each entry.
  run.loneFailuresInARow += 1;
  if (run.judged > 0) {
    if (await blame(run.db, entry, error, true)) run.tally.rejected += 1;
    else hold(run, entry);
  } else {
    await blame(run.db, entry, error, false);
    hold(run, entry);
    run.undecided.push({ entry, error });
  }
  notifyOutboxChanged();
  if (run.loneFailuresInARow >= LONE_FAILURES_TO_STOP) throw new StopRun(error);
}

/** Lone failures in a row: the run ends here, with what it has learnt. */
class StopRun extends Error {
  constructor(readonly failure: unknown) {
    super("sync stopped after lone failures in a row");
  }
}

/**
 * The lone failures that came before the server took any mutation in this run: blamed if it has
 * taken one since. If not, a push with nothing in it is the only comparison left, and it is asked
 * only for entries with a case against them already: one that failed before while others went
 * through (several bad entries are then all that is left to send), or the only entry that failed
 * in the run (it is alone in the outbox, or all else tried waits behind it). A server that fails on
 * that push too is down, and nobody is blamed. (A server that answers an empty push but fails on
 * every mutation thus parks a lone entry: the officer sends it again once the server is fixed.)
 */
async function decideUndecided(run: Run): Promise<void> {
  if (run.undecided.length === 0) return;
  const undecided = run.undecided;
  run.undecided = [];
  // The only entry that failed in this run: what else was tried waits behind it on its records.
  const alone = undecided.length === 1 && run.silences === 0;
  const failedBefore = (entry: OutboxEntry) => (entry.serverErrors ?? 0) > 0;
  const blamed = run.judged > 0 ? undecided : undecided.filter(({ entry }) => alone || failedBefore(entry));
  if (blamed.length === 0) return;
  if (run.judged === 0) {
    try {
      await probe(run);
    } catch (error) {
      if (statusOf(error) === 401) throw error;
      return;
    }
  }
  for (const { entry, error } of blamed) {
    if (!(await blame(run.db, entry, error, true))) continue;
    run.heldIds.delete(entry.id);
    run.tally.rejected += 1;
  }
  notifyOutboxChanged();
}

/**
 * The photos of the visits handed over, uploaded first so that the quarantine's visits keep them. One
 * refused for what it is (too big, not a photo) does not hold the rest back; a failure of the line or
 * the server does (false: everything waits for the next contact, photos and register data with it).
 */
async function handOverPhotos(run: Run, entries: OutboxEntry[]): Promise<boolean> {
  for (const entry of entries) {
    for (const sha256 of entryPhotos(entry)) {
      try {
        await uploadEntryPhoto(run, entry, sha256);
      } catch (error) {
        const status = statusOf(error);
        if (status === undefined || status >= 500 || status === 401 || status === 403 || status === 429)
          return false;
      }
    }
  }
  return true;
}

/**
 * A device marked lost or retired hands over what is still in its outbox (entries held back in this
 * run, and those set aside as rejected: the supervisor decides on them too), all into the server's
 * quarantine. True once the outbox is empty; anything unanswered stays for the next contact, and the
 * register data with it, so nothing unsent is erased.
 */
async function handOverRest(run: Run): Promise<boolean> {
  for (;;) {
    const rest: OutboxEntry[] = [];
    let bytes = 0;
    for (const entry of await run.db.getAll("outbox")) {
      const size = JSON.stringify(entry.payload).length;
      if (rest.length > 0 && (rest.length >= PUSH_MAX_MUTATIONS || bytes + size > PUSH_BATCH_BYTES)) break;
      rest.push(entry);
      bytes += size;
    }
    if (rest.length === 0) return true;
    if (!(await handOverPhotos(run, rest))) return false;
    const answer = await run.transport.push({ deviceId: run.deviceId, mutations: rest.map(toMutation) });
    const taken = answer.results.filter((result) => result.status === "quarantined");
    // Not taken (the mark was lifted meanwhile, or an answer is missing): keep everything.
    if (!answer.wipe || taken.length < rest.length) return false;
    await applyAnswers(run.db, rest, answer.results);
    notifyOutboxChanged();
  }
}

/**
 * Erases the register data the phone holds, and whatever the officer recorded from it: every store
 * but the (now empty) outbox, and every meta entry but the device's id and the vault record, so the
 * server still knows the phone and the vault still names its owner. A "wiped" mark stays for the
 * screen. Deleted, not hidden: nothing of the grid is left to unlock.
 */
export async function eraseRegister(db: FieldDatabase): Promise<void> {
  const stores = [...ERASED_STORES, "meta"] as const;
  const tx = writeTransaction(db, stores);
  try {
    await Promise.all(ERASED_STORES.map((name) => tx.objectStore(name).clear()));
    const meta = tx.objectStore("meta");
    for (const key of await meta.getAllKeys()) {
      if (!CLEAR_META_KEYS.includes(String(key))) await meta.delete(key);
    }
    await meta.put(new Date().toISOString(), WIPED_META);
    await tx.done;
  } catch (error) {
    abandon(tx);
    throw error;
  }
}

const ERASED_STORES = [
  ...REGISTER_STORES,
  "bundles",
  "changes",
  "drafts",
  "photos",
  "conflicts",
  "notices",
] as const satisfies readonly FieldStoreName[];

/** Pushes the whole outbox, batch after batch, until it is empty or something stops it. */
export async function pushOutbox(
  db: FieldDatabase,
  transport: PushTransport,
  options: PushOptions,
): Promise<PushRun> {
  const outcome = await withLock(options.lockName, async (): Promise<PushRun> => {
    const maxCount = Math.min(options.maxBatch ?? PUSH_MAX_MUTATIONS, PUSH_MAX_MUTATIONS);
    const run: Run = {
      db,
      transport,
      appVersion: options.appVersion,
      deviceId: "",
      tally: { sent: 0, rejected: 0, conflicts: 0 },
      heldIds: new Set(),
      heldRecords: new Set(),
      deferred: new Map(),
      deferredRecords: new Set(),
      silences: 0,
      answered: 0,
      judged: 0,
      loneFailuresInARow: 0,
      undecided: [],
      answeredAtSilence: null,
      reported: false,
      wipe: false,
    };
    try {
      run.deviceId = await deviceIdOf(db);
      for (;;) {
        const batch = await nextBatch(db, maxCount, run);
        if (batch.length === 0) break;
        await pushSplitting(run, await uploadPhotos(run, batch));
      }
      // Last, one by one and in order: the entries the server failed on before, and what follows
      // them on their records (which goes once the one before it has gone or been parked).
      for (const entry of run.deferred.values()) await pushSplitting(run, await uploadPhotos(run, [entry]));
      await decideUndecided(run);
      // Nothing went through this time: still report the device's health (the caller decides how
      // often). After a batch the report went with it, so the last batch needs no request of its own.
      if (!run.reported) await probe(run);
      if (run.wipe && (await handOverRest(run))) {
        await eraseRegister(db);
        return { state: "wiped" };
      }
      return { state: "done", ...run.tally, held: run.heldIds.size };
    } catch (error) {
      // Stopped (no signal, lone failures in a row, a session gone): what was learnt stands.
      await decideUndecided(run).catch(() => {});
      if (run.tally.sent + run.tally.rejected > 0) notifyOutboxChanged();
      // Lone failures in a row after the server took mutations: the good ones went in, the rest
      // waits for the next run. Before it took any, the server is failing on everything.
      if (error instanceof StopRun && run.judged > 0) {
        return { state: "done", ...run.tally, held: await countPending(db) };
      }
      const cause = error instanceof StopRun ? error.failure : error;
      if (statusOf(cause) === 401) return { state: "unauthorized" };
      return { state: "failed", error: cause };
    }
  });
  return outcome === "busy" ? { state: "busy" } : outcome;
}
