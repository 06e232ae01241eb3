import { openDB } from "idb";
import {
  afterWrongPin,
  BUNDLED_STORES,
  clampLockMinutes,
  type DeviceWrap,
  isBundleOf,
  PIN_ITERATIONS,
  type PinWrap,
  parseVaultRecord,
  type VaultRecord,
} from "@/domain/vault";
import { bundling, isSealed, isStoredSealed, SealedDatabase, type SealedStore } from "./sealed";
import { type FieldDatabase, forgetDataKeys, holdDataKey, openRawFieldDb, REGISTER_STORES } from "./store";

/**
 * The officer's data key on this phone and its two wraps (domain/vault.ts VaultRecord, kept in clear
 * in the meta store): by a key derived from the officer's PIN, for offline unlock, and by the device's
 * wrapping secret the server hands out after a login (server/services/vault.ts). The key itself is
 * never stored unwrapped; once unlocked it is held in memory, non-extractable (store.ts holdDataKey).
 */

const VAULT_META = "vault";
const DATA_KEY: AesKeyGenParams = { name: "AES-GCM", length: 256 };
const WRAP_CONTEXT = (kind: "pin" | "device") => new TextEncoder().encode(`doorstep-vault/1|wrap|${kind}`);
const IV_BYTES = 12;

export async function readVault(db: FieldDatabase): Promise<VaultRecord | null> {
  return parseVaultRecord(await db.get("meta", VAULT_META));
}

async function writeVault(db: FieldDatabase, record: VaultRecord): Promise<void> {
  await db.put("meta", record, VAULT_META);
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function deviceWrappingKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", fromBase64Url(secret), "AES-GCM", false, ["wrapKey", "unwrapKey"]);
}

async function pinWrappingKey(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    DATA_KEY,
    false,
    ["wrapKey", "unwrapKey"],
  );
}

async function wrap(dataKey: CryptoKey, by: CryptoKey, kind: "pin" | "device") {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const wrapped = await crypto.subtle.wrapKey("raw", dataKey, by, {
    name: "AES-GCM",
    iv,
    additionalData: WRAP_CONTEXT(kind),
  });
  return { iv, wrapped: new Uint8Array(wrapped) };
}

function unwrap(w: DeviceWrap | PinWrap, by: CryptoKey, kind: "pin" | "device", extractable: boolean) {
  return crypto.subtle.unwrapKey(
    "raw",
    new Uint8Array(w.wrapped),
    by,
    { name: "AES-GCM", iv: new Uint8Array(w.iv), additionalData: WRAP_CONTEXT(kind) },
    DATA_KEY,
    extractable,
    ["encrypt", "decrypt"],
  );
}

export async function wrapWithPin(
  dataKey: CryptoKey,
  pin: string,
  iterations = PIN_ITERATIONS,
): Promise<PinWrap> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt, iterations, ...(await wrap(dataKey, await pinWrappingKey(pin, salt, iterations), "pin")) };
}

export type OnlineUnlock =
  /** Unlocked; `setPin` is there when the phone has no PIN wrap yet (first login, or erased). */
  { state: "unlocked"; setPin: ((pin: string) => Promise<void>) | null } | { state: "withheld" };

/**
 * Unlocks with the device's secret from the server: the first time, makes the data key and wraps it.
 * Then encrypts in place whatever the phone stored before the vault.
 */
export async function unlockOnline(
  userId: string,
  key: { secret: string | null; lockMinutes: number },
): Promise<OnlineUnlock> {
  if (!key.secret) return { state: "withheld" };
  const db = await openRawFieldDb(userId);
  try {
    const byDevice = await deviceWrappingKey(key.secret);
    let record = await readVault(db);
    let forPin: CryptoKey | null = null;
    if (!record) {
      const fresh = await crypto.subtle.generateKey(DATA_KEY, true, ["encrypt", "decrypt"]);
      record = {
        version: 1,
        pin: null,
        device: await wrap(fresh, byDevice, "device"),
        failedPins: 0,
        lockMinutes: clampLockMinutes(key.lockMinutes),
      };
      await writeVault(db, record);
      forPin = fresh;
    } else {
      record = { ...record, lockMinutes: clampLockMinutes(key.lockMinutes) };
      await writeVault(db, record);
      // Extractable only for the moment the PIN wrap is made, and only when one is missing.
      if (!record.pin) forPin = await unwrap(record.device, byDevice, "device", true);
    }
    const held = await unwrap(record.device, byDevice, "device", false);
    holdDataKey(userId, held);
    await keepSession(userId, held, record.lockMinutes);
    await sealInPlace(db, held);
    const setPin = forPin
      ? async (pin: string) => {
          const raw = await openRawFieldDb(userId);
          try {
            const current = (await readVault(raw)) ?? record;
            await writeVault(raw, { ...current, pin: await wrapWithPin(forPin, pin), failedPins: 0 });
          } finally {
            raw.close();
          }
        }
      : null;
    return { state: "unlocked", setPin };
  } finally {
    db.close();
  }
}

export type PinUnlock = { ok: true } | { ok: false; attemptsLeft: number };

/** Unlocks with the PIN, offline. A wrong one counts; the fifth erases the PIN wrap (data kept). */
export async function unlockWithPin(userId: string, pin: string): Promise<PinUnlock> {
  const db = await openRawFieldDb(userId);
  try {
    const record = await readVault(db);
    if (!record?.pin) return { ok: false, attemptsLeft: 0 };
    const byPin = await pinWrappingKey(pin, new Uint8Array(record.pin.salt), record.pin.iterations);
    let dataKey: CryptoKey;
    try {
      dataKey = await unwrap(record.pin, byPin, "pin", false);
    } catch {
      const next = afterWrongPin(record);
      await writeVault(db, next);
      return { ok: false, attemptsLeft: next.pin ? 5 - next.failedPins : 0 };
    }
    if (record.failedPins > 0) await writeVault(db, { ...record, failedPins: 0 });
    holdDataKey(userId, dataKey);
    await keepSession(userId, dataKey, record.lockMinutes);
    // What the phone held in clear was sealed at the online unlock that set this PIN; only a write that
    // raced an unlock can have left a row in clear since. The sweep reads every row of every store, so
    // it runs after the grid is shown rather than in the officer's way.
    sealSoon(userId, dataKey);
    return { ok: true };
  } finally {
    db.close();
  }
}

function sealSoon(userId: string, dataKey: CryptoKey) {
  setTimeout(async () => {
    const db = await openRawFieldDb(userId);
    try {
      await sealInPlace(db, dataKey);
    } catch (error) {
      // Nothing is lost: a row left in clear is sealed at the next unlock's sweep.
      console.warn("vault: sealing in place failed", error);
    } finally {
      db.close();
    }
  }, SEAL_SWEEP_DELAY_MS);
}
/** Time for the grid to be read and drawn after a PIN unlock before the sweep competes with it. */
const SEAL_SWEEP_DELAY_MS = 3_000;

/**
 * The unlocked key across the page loads of one session. An offline navigation between field screens
 * is a full page load (the page's payload cannot be fetched), and a PIN at every room would be no
 * use: so while unlocked, the non-extractable key is also kept in a database of its own with the time
 * of the officer's last activity, and a page load within the idle limit resumes it. A lock, a logout
 * or the idle limit deletes it. (While unlocked it is thus in the browser's profile, as a key no
 * script can export; see the README's vault section.)
 */
const SESSION_DB = "doorstep-vault-session";
const SESSION_STORE = "keys";

type SessionRow = { userId: string; key: CryptoKey; lastActive: number; lockMinutes: number };

function sessionDb() {
  return openDB(SESSION_DB, 1, {
    upgrade(db) {
      db.createObjectStore(SESSION_STORE, { keyPath: "userId" });
    },
  });
}

async function keepSession(userId: string, key: CryptoKey, lockMinutes: number) {
  const db = await sessionDb();
  try {
    await db.put(SESSION_STORE, { userId, key, lastActive: Date.now(), lockMinutes } satisfies SessionRow);
  } finally {
    db.close();
  }
}

/** Marks the officer active now, so a page load within the idle limit resumes the session. */
export async function touchSession(userId: string): Promise<void> {
  const db = await sessionDb();
  try {
    const tx = db.transaction(SESSION_STORE, "readwrite");
    const row = (await tx.store.get(userId)) as SessionRow | undefined;
    if (row) await tx.store.put({ ...row, lastActive: Date.now() });
    await tx.done;
  } finally {
    db.close();
  }
}

/** Resumes an unlocked session of this page's tab's officer, if still within the idle limit. */
export async function resumeSession(userId: string): Promise<boolean> {
  const db = await sessionDb();
  try {
    const row = (await db.get(SESSION_STORE, userId)) as SessionRow | undefined;
    if (!row) return false;
    if (Date.now() - row.lastActive >= row.lockMinutes * 60_000 || Date.now() < row.lastActive) {
      await db.delete(SESSION_STORE, userId);
      return false;
    }
    holdDataKey(userId, row.key);
    await db.put(SESSION_STORE, { ...row, lastActive: Date.now() });
    return true;
  } finally {
    db.close();
  }
}

/** Locks: the data keys are forgotten, here and in the session's keeping; what is stored stays sealed. */
export async function lockVault(): Promise<void> {
  forgetDataKeys();
  const db = await sessionDb();
  try {
    await db.clear(SESSION_STORE);
  } finally {
    db.close();
  }
}

/** What the lock screen may show: whether a PIN can open the phone, and the unsent work's count. */
export async function lockedState(
  userId: string,
): Promise<{ pin: boolean; pending: number; lockMinutes: number }> {
  const db = await openRawFieldDb(userId);
  try {
    const record = await readVault(db);
    // The outbox's state is kept in clear (domain/vault.ts) for this count.
    const outbox = await db.getAll("outbox");
    return {
      pin: !!record?.pin,
      pending: outbox.filter((entry) => entry.state === "pending").length,
      lockMinutes: record?.lockMinutes ?? clampLockMinutes(undefined),
    };
  } finally {
    db.close();
  }
}

const SEALED_STORES = [
  ...REGISTER_STORES,
  "outbox",
  "changes",
  "drafts",
  "photos",
  "conflicts",
  "notices",
] as const;

/**
 * Encrypts in place what a phone stored before the vault (or a write that raced the unlock): each
 * store's clear rows are rewritten sealed in one transaction, so a pending visit is never lost nor
 * left half-sealed.
 */
export async function sealInPlace(db: FieldDatabase, dataKey: CryptoKey): Promise<number> {
  const sealed = new SealedDatabase(db as never, () => dataKey) as unknown as FieldDatabase;
  let count = 0;
  // The bundles as stored (key and row count), to tell which stores the sweep has to rebundle.
  const held = (await db.getAll("bundles")).map(({ id, rows }) => ({ id, rows }));
  for (const name of SEALED_STORES) {
    const rows = await db.getAll(name);
    const clear = rows.filter((row) => !isStoredSealed(row));
    if (clear.length > 0) {
      const tx = sealed.transaction(name, "readwrite", { durability: "strict" });
      await Promise.all(clear.map((row) => tx.objectStore(name).put(row as never)));
      await tx.done;
      count += clear.length;
    }
    // Register rows sealed one by one, or bundles holding rows since rewritten: sealed together
    // afresh (looked at again in the sweep's own transaction).
    if (!BUNDLED_STORES.includes(name)) continue;
    const { stale, gathered } = bundling(
      rows,
      held.filter((b) => isBundleOf(b.id, name)),
    );
    if (clear.length === 0 && stale.size === 0 && gathered.size === 0) continue;
    const tx = sealed.transaction(name, "readwrite", { durability: "strict" });
    count += await (tx.objectStore(name) as unknown as SealedStore).rebundle();
    await tx.done;
  }
  const metaKeys = (await db.getAllKeys("meta")).map(String);
  const clearMeta: [string, unknown][] = [];
  for (const key of metaKeys) {
    if (key === VAULT_META || key === "deviceId") continue;
    const value = await db.get("meta", key);
    if (!isSealed(value)) clearMeta.push([key, value]);
  }
  if (clearMeta.length > 0) {
    const tx = sealed.transaction("meta", "readwrite", { durability: "strict" });
    await Promise.all(clearMeta.map(([key, value]) => tx.objectStore("meta").put(value, key)));
    await tx.done;
    count += clearMeta.length;
  }
  return count;
}
