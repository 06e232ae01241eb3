import { activeCampaignId, type HeldCampaign } from "@/domain/held-campaigns";
import "client-only";
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from "idb";
import { PULL_TABLES, type PullQuestionnaire } from "@/domain/pull";
import type { ConflictField, ResolveMutation, ValueSetter } from "@/domain/push";
import type { Change, Visit } from "@/domain/visit";
import { type BundleRecord, SealedDatabase, VaultLockedError } from "./sealed";

/**
 * The phone's copy of the officer's grids: one IndexedDB database per user, so two officers sharing
 * a phone never see each other's work, and logging out never deletes unsent work.
 */

export const REGISTER_STORES = ["grids", ...PULL_TABLES] as const;
export type RegisterStore = (typeof REGISTER_STORES)[number];

export type Row = { id: string; gridId?: string; endedAt?: string | Date | null } & Record<string, unknown>;

interface FieldDb extends DBSchema {
  meta: { key: string; value: unknown };
  grids: { key: string; value: Row };
  buildings: { key: string; value: Row; indexes: { gridId: string } };
  rooms: { key: string; value: Row; indexes: { gridId: string; buildingId: string } };
  households: { key: string; value: Row; indexes: { gridId: string; roomId: string } };
  persons: { key: string; value: Row; indexes: { gridId: string; householdId: string } };
  units: { key: string; value: Row; indexes: { gridId: string; buildingId: string } };
  rentals: { key: string; value: Row; indexes: { gridId: string; roomId: string } };
  rentalTenants: { key: string; value: Row; indexes: { gridId: string; rentalId: string } };
  visits: { key: string; value: Row; indexes: { gridId: string; roomId: string } };
  // Version 4: the visit slip's codes and what residents said on /check.
  householdCodes: { key: string; value: Row; indexes: { gridId: string; householdId: string } };
  residentFeedback: { key: string; value: Row; indexes: { gridId: string; householdId: string } };
  // Version 6: a targeted campaign's targets.
  campaignTargets: { key: string; value: Row; indexes: { gridId: string; roomId: string } };
  // Version 2: the officer's own work, kept until the server has answered for it.
  outbox: { key: string; value: OutboxEntry; indexes: { createdAt: string } };
  changes: { key: string; value: Change; indexes: { visitId: string } };
  drafts: { key: string; value: DraftRow };
  photos: { key: string; value: PhotoRow };
  // Version 3: fields the server did not take because someone else changed them first.
  conflicts: { key: string; value: ConflictRow; indexes: { visitId: string } };
  // Version 5: corrections recorded on this phone that a settlement elsewhere set aside.
  notices: { key: string; value: NoticeRow };
  // Version 7: register rows sealed together (domain/vault.ts BUNDLE; app/field/_lib/sealed.ts).
  bundles: { key: string; value: BundleRecord };
}

/**
 * One mutation waiting for the server; its id is the mutation id the server's ledger keys on. It
 * leaves the outbox only on the server's answer: accepted, or moved aside as `rejected` for the
 * officer to act on.
 */
export type OutboxEntry = {
  id: string;
  createdAt: string;
  state: "pending" | "rejected";
  attempts: number;
  /** The server's refusal, in the words it sent, and its catalogue key. */
  lastError?: string;
  errorKey?: string;
  /**
   * Runs in a row in which the server failed (5xx) on this entry sent alone while it served others:
   * kept here, not in memory, so a reload does not give a poisoned entry a fresh start.
   */
  serverErrors?: number;
  /** The server failed on it sent alone (5xx): later runs send it last, so it holds nothing else back. */
  suspect?: boolean;
} & (
  | {
      kind: "visit";
      payload: { visit: Visit; changes: Change[] };
      /** The photos its image questions name (answerPhotos): uploaded before it, as its door-plate photo. */
      photos?: string[];
    }
  | { kind: "resolve"; payload: ResolveMutation["payload"]; conflict: ConflictRow }
);

/** The photos an outbox entry names, each once: its visit's door-plate photo and its image answers'. */
export function entryPhotos(entry: OutboxEntry): string[] {
  if (entry.kind !== "visit") return [];
  const plate = entry.payload.visit.photoSha256;
  return [...new Set([...(plate ? [plate] : []), ...(entry.photos ?? [])])];
}

/**
 * A field the server kept someone else's value for, shown with both values until it is settled: from
 * this phone's push answer, or from a pull (a conflict of the officer's that arose at approval, or on
 * their other phone). `setBy` says whose value it met, when the server said.
 */
export interface ConflictRow extends ConflictField {
  visitId: string;
  roomId: string;
  /** Absent on rows kept before the pull carried conflicts. */
  gridId?: string;
  receivedAt: string;
}

/**
 * A correction recorded on this phone that a settlement made elsewhere (the officer's other phone, a
 * colleague, a supervisor) set aside: shown until the officer has read it.
 */
export interface NoticeRow extends ConflictRow {
  settledValue: unknown;
  settledBy: ValueSetter | null;
}

/** Typed-but-unsaved input of a room's visit form, so nothing is lost to a reload or a dead battery. */
export interface DraftRow {
  roomId: string;
  savedAt: string;
  values: unknown;
}

/** A compressed photo, stored by the SHA-256 of its bytes so an upload can be retried idempotently. */
export interface PhotoRow {
  sha256: string;
  blob: Blob;
  mime: string;
  bytes: number;
  createdAt: string;
  /** Set once the server holds it; a visit naming it is pushed only after. */
  uploadedAt?: string;
}

export type FieldDatabase = IDBPDatabase<FieldDb>;
export type FieldStoreName = StoreNames<FieldDb>;
export type FieldWriteTransaction = IDBPTransaction<FieldDb, readonly FieldStoreName[], "readwrite">;

/**
 * A strict read-write transaction over stores chosen at run time (a save's corrected tables, a push
 * answer's, a pulled page's). idb types a transaction by the list it was opened with; typed by a list
 * of any stores, its objectStore(name) takes any store's name and keeps that store's row type, so no
 * caller needs a cast.
 */
export function writeTransaction(
  db: FieldDatabase,
  stores: readonly FieldStoreName[],
): FieldWriteTransaction {
  return db.transaction(stores, "readwrite", { durability: "strict" });
}

const INDEXES: Record<Exclude<RegisterStore, "grids">, string[]> = {
  buildings: ["gridId"],
  rooms: ["gridId", "buildingId"],
  households: ["gridId", "roomId"],
  persons: ["gridId", "householdId"],
  units: ["gridId", "buildingId"],
  rentals: ["gridId", "roomId"],
  rentalTenants: ["gridId", "rentalId"],
  visits: ["gridId", "roomId"],
  householdCodes: ["gridId", "householdId"],
  residentFeedback: ["gridId", "householdId"],
  campaignTargets: ["gridId", "roomId"],
};

/** Register stores of the first version; later versions add theirs in their own step. */
const VERSION_1_STORES = [
  "buildings",
  "rooms",
  "households",
  "persons",
  "units",
  "rentals",
  "rentalTenants",
  "visits",
] as const;

function createRegisterStores(db: IDBPDatabase<FieldDb>, names: readonly Exclude<RegisterStore, "grids">[]) {
  for (const name of names) {
    const store = db.createObjectStore(name, { keyPath: "id" });
    for (const index of INDEXES[name]) store.createIndex(index as never, index);
  }
}

/** The officer's unlocked data keys, in memory only: a reload, a lock or a logout forgets them. */
const dataKeys = new Map<string, CryptoKey>();

/** Unlocks the officer's store on this page (app/field/_lib/vault.ts gets the key). */
export function holdDataKey(userId: string, key: CryptoKey): void {
  dataKeys.set(userId, key);
}

/** Forgets every data key: every open handle refuses its next request. */
export function forgetDataKeys(): void {
  dataKeys.clear();
}

export function isUnlocked(userId: string): boolean {
  return dataKeys.has(userId);
}

/**
 * The officer's database, sealed: values are encrypted on the way in and opened on the way out
 * (./sealed.ts), under the officer's data key for this phone. Refuses while locked.
 */
export async function openFieldDb(userId: string): Promise<FieldDatabase> {
  if (!dataKeys.has(userId)) throw new VaultLockedError();
  const raw = await openRawFieldDb(userId);
  const keyOf = () => {
    const key = dataKeys.get(userId);
    if (!key) throw new VaultLockedError();
    return key;
  };
  return new SealedDatabase(raw, keyOf, () => {
    pageWrites += 1;
  }) as unknown as FieldDatabase;
}

/** Read-write transactions this page has begun on the officers' sealed stores. */
let pageWrites = 0;
/** The grid's first read, begun at the unlock (readAllSoon), for the work list to take. */
let early: { userId: string; writes: number; stores: Promise<GridStores> } | null = null;

/**
 * Begins reading the grid at once, as soon as the unlock holds the key: the store's reading and
 * opening (thousands of rows) then overlaps the rest of the unlock and the field screen's mounting
 * instead of following them. The screen's first read takes it (readAllFirst).
 */
export function readAllSoon(userId: string): Promise<void> {
  const writes = pageWrites;
  const stores = openFieldDb(userId).then(async (db) => {
    try {
      return await readAll(db);
    } finally {
      db.close();
    }
  });
  early = { userId, writes, stores };
  // Taken or not, a failure here only sends the screen to read for itself. (Settles when the read has.)
  return stores.then(
    () => {},
    () => {},
  );
}

/**
 * The grid as readAll gives it: the read begun at the unlock when there is one for this officer and
 * this page has written nothing since (what it read is then what a read now would find), else a read
 * now. The early read is taken once: a later read is always a fresh one.
 */
export async function readAllFirst(db: FieldDatabase, userId: string): Promise<GridStores> {
  const held = early;
  early = null;
  if (held && held.userId === userId && held.writes === pageWrites) {
    try {
      return await held.stores;
    } catch {
      // Read again below.
    }
  }
  return readAll(db);
}

/**
 * The database as stored, sealed values and all: for the vault's own record (kept in clear), the
 * locked phone's pending count and the encryption in place of a store from before the vault.
 */
export function openRawFieldDb(userId: string): Promise<FieldDatabase> {
  return openDB<FieldDb>(`doorstep-${userId}`, 7, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore("meta");
        db.createObjectStore("grids", { keyPath: "id" });
        createRegisterStores(db, VERSION_1_STORES);
      }
      if (oldVersion < 2) {
        db.createObjectStore("outbox", { keyPath: "id" }).createIndex("createdAt", "createdAt");
        db.createObjectStore("changes", { keyPath: "id" }).createIndex("visitId", "visitId");
        db.createObjectStore("drafts", { keyPath: "roomId" });
        db.createObjectStore("photos", { keyPath: "sha256" });
      }
      if (oldVersion < 3) {
        db.createObjectStore("conflicts", { keyPath: "changeId" }).createIndex("visitId", "visitId");
      }
      if (oldVersion < 4) {
        createRegisterStores(db, ["householdCodes", "residentFeedback"]);
        // The grid held was pulled without them: the next pull starts over and brings them, its
        // upserts absorbing the rows already here.
        if (oldVersion >= 1) void transaction.objectStore("meta").delete("cursor");
      }
      if (oldVersion < 5) {
        db.createObjectStore("notices", { keyPath: "changeId" });
      }
      if (oldVersion < 6) {
        createRegisterStores(db, ["campaignTargets"]);
        // As in version 4: the next pull starts over and brings the targets.
        if (oldVersion >= 1) void transaction.objectStore("meta").delete("cursor");
      }
      if (oldVersion < 7) {
        // Rows sealed one by one before stay as they are, and open as before; the sweep after the
        // next unlock bundles them (vault.ts sealInPlace).
        db.createObjectStore("bundles", { keyPath: "id" });
      }
    },
    // Another tab (a newer version of the app) wants to upgrade the database: let it, rather than stall it.
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
    },
  });
}

/**
 * Gives up on a transaction after a failed request. A failed request does not undo the requests
 * before it: without the abort, half of the transaction commits.
 */
export function abandon(tx: { abort(): void; done: Promise<unknown> }): void {
  tx.done.catch(() => {});
  try {
    tx.abort();
  } catch {
    // already finished
  }
}

/** The meta key of the campaign questionnaire the phone holds (the version in force when last pulled). */
export const QUESTIONNAIRE_META = "questionnaire";
/**
 * The phone holds every open campaign of its officer (domain/held-campaigns.ts). The register and
 * the first campaign's rows come with the keys of old ("cursor", QUESTIONNAIRE_META, "targeted";
 * "campaignId" names that campaign); each other campaign has its own cursor, questionnaire and
 * targeted flag under these keys.
 */
export const laneMeta = (kind: "cursor" | "questionnaire" | "targeted", campaignId: string) =>
  `${kind}@${campaignId}`;
/** The campaigns held, `{ id, name }[]` in the switcher's order, as the last pull found them. */
export const CAMPAIGNS_META = "campaigns";
/** The campaign the officer chose on the switcher. */
export const ACTIVE_CAMPAIGN_META = "activeCampaignId";
export type HeldQuestionnaire = PullQuestionnaire & { campaignId: string };
/**
 * The meta key of older versions (HeldQuestionnaire[]) the phone keeps after a newer one came down,
 * each only while a draft begun in it or an unsent visit answered in it needs it (pull.ts), so a
 * draft never dies with its version.
 */
export const OLDER_QUESTIONNAIRES_META = "olderQuestionnaires";

/**
 * The meta key of the device's contact token (server/services/devices.ts contactTokenOf), handed out
 * with the device's key at an online unlock: the phone's proof of its device when it has no session.
 */
export const CONTACT_TOKEN_META = "contactToken";

/** The meta key set when the phone erased its register data on the server's word (ISO time). */
export const WIPED_META = "wiped";

export async function readMeta<T>(db: FieldDatabase, key: string): Promise<T | undefined> {
  return (await db.get("meta", key)) as T | undefined;
}

/**
 * The campaigns the phone holds, the one the register came with (`primaryId`) and the one the officer
 * works on. A phone that pulled before it held several has its one campaign, unnamed.
 */
export async function readHeldCampaigns(
  db: FieldDatabase,
): Promise<{ held: HeldCampaign[]; primaryId: string | null; activeId: string | null }> {
  const tx = db.transaction("meta", "readonly");
  const meta = tx.objectStore("meta");
  const primaryId = ((await meta.get("campaignId")) as string | undefined) ?? null;
  const listed = ((await meta.get(CAMPAIGNS_META)) as { id: string; name: string }[] | undefined) ?? [];
  const named = listed.length > 0 ? listed : primaryId ? [{ id: primaryId, name: "" }] : [];
  const held: HeldCampaign[] = [];
  for (const { id, name } of named) {
    const targeted = (await meta.get(id === primaryId ? "targeted" : laneMeta("targeted", id))) === true;
    held.push({ id, name, targeted });
  }
  const chosen = (await meta.get(ACTIVE_CAMPAIGN_META)) as string | undefined;
  await tx.done;
  return { held, primaryId, activeId: activeCampaignId(held, chosen, primaryId) };
}

/**
 * Every register store, read at once. A visit with a conflict still open carries `conflict: true`, so
 * its room shows 有冲突 in the work list (domain/worklist.ts roomStatus) until the conflict is settled.
 */
export type GridStores = Record<RegisterStore, Row[]>;

export async function readAll(db: FieldDatabase): Promise<GridStores> {
  const started = performance.now();
  const tx = db.transaction([...REGISTER_STORES, "conflicts"], "readonly");
  const [all, conflicts] = await Promise.all([
    Promise.all(REGISTER_STORES.map((name) => tx.objectStore(name).getAll())),
    tx.objectStore("conflicts").getAll(),
  ]);
  await tx.done;
  const stores = Object.fromEntries(REGISTER_STORES.map((name, i) => [name, all[i]])) as GridStores;
  if (conflicts.length > 0) {
    const open = new Set(conflicts.map((conflict) => conflict.visitId));
    stores.visits = stores.visits.map((visit) => (open.has(visit.id) ? { ...visit, conflict: true } : visit));
  }
  // For the bench (scripts/bench-field.ts): the store's share of an unlock.
  performance.measure("doorstep:read-all", { start: started, end: performance.now() });
  return stores;
}

/** This phone's id for the server (devices, late visits): made once, kept in the store. */
export async function deviceIdOf(db: Pick<FieldDatabase, "get" | "add">): Promise<string> {
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
