// The phone's vault: what of each stored row stays in clear, how the rest is laid out before AES-GCM
// seals it, and the record of the data key's two wraps (PIN and device). Pure and framework-free: the
// WebCrypto calls are in app/field/_lib/sealed.ts and vault.ts.

/** The property of a stored row that holds its sealed part: IV (12 bytes) then AES-GCM ciphertext. */
export const SEALED = "sealed";

/** OWASP Password Storage Cheat Sheet (2023–): PBKDF2-HMAC-SHA-256 at 600,000 iterations. */
export const PIN_ITERATIONS = 600_000;
export const PIN_LENGTH = 6;
/** Wrong PINs in a row after which the PIN wrap is erased: the next unlock needs an online login. */
export const MAX_PIN_ATTEMPTS = 5;
/** Idle minutes before the phone locks, unless the administrator set another figure. */
export const DEFAULT_LOCK_MINUTES = 15;
export const MIN_LOCK_MINUTES = 1;
export const MAX_LOCK_MINUTES = 240;
/** Hidden (another app, screen off) this long, the phone locks on return, idle limit permitting. */
export const HIDDEN_LOCK_MINUTES = 5;

/**
 * The fields of each store's rows kept in clear: the key path and the indexed fields the phone looks
 * rows up by (all of them server-minted UUIDs, or the photo's SHA-256), and the outbox's state, so a
 * locked phone can still say how much work is unsent. Everything else is sealed. A store not named
 * here keeps nothing but its key (meta: out-of-line keys).
 */
export const CLEAR_FIELDS: Record<string, readonly string[]> = {
  grids: ["id"],
  buildings: ["id", "gridId"],
  rooms: ["id", "gridId", "buildingId"],
  households: ["id", "gridId", "roomId"],
  persons: ["id", "gridId", "householdId"],
  units: ["id", "gridId", "buildingId"],
  rentals: ["id", "gridId", "roomId"],
  rentalTenants: ["id", "gridId", "rentalId"],
  visits: ["id", "gridId", "roomId"],
  householdCodes: ["id", "gridId", "householdId"],
  residentFeedback: ["id", "gridId", "householdId"],
  outbox: ["id", "createdAt", "state"],
  changes: ["id", "visitId"],
  drafts: ["roomId"],
  photos: ["sha256"],
  conflicts: ["changeId", "visitId"],
  notices: ["changeId"],
  campaignTargets: ["id", "gridId", "roomId"],
};

/**
 * Register rows are sealed together, a bundle of up to BUNDLE_ROWS rows of one store and one grid in
 * one AES-GCM record of the `bundles` store, when a write puts many at once (a pulled page, the sweep):
 * an unlock then opens a few dozen records, not one per row (thousands: each a WebCrypto call and its
 * reply task). The row keeps its clear fields and, under BUNDLE, the key of the bundle holding the rest.
 * A row written alone (a visit saved, a cursor's update) is sealed alone, as before.
 */
export const BUNDLE = "bundle";
export const BUNDLE_STORE = "bundles";
export const BUNDLE_ROWS = 256;
/** Fewer rows than this put at once are sealed one by one: a bundle of two saves nothing. */
export const BUNDLE_MIN = 8;
/** The stores whose rows may be bundled: those looked up by grid (a dropped grid takes its bundles). */
export const BUNDLED_STORES: readonly string[] = Object.keys(CLEAR_FIELDS).filter((store) =>
  CLEAR_FIELDS[store].includes("gridId"),
);

/**
 * A bundle's key: the store, the grid (ids carry nothing personal) and its own id, so the bundles of a
 * store, or of a store's grid, are one key range (bundleRange).
 */
export function bundleKey(store: string, gridId: string, id: string): string {
  return `${store}|${gridId}|${id}`;
}

/** The lower and upper key of a store's bundles, or of one grid's in it. */
export function bundleRange(store: string, gridId?: string): [string, string] {
  const prefix = gridId === undefined ? `${store}|` : `${store}|${gridId}|`;
  return [prefix, `${prefix}\uffff`];
}

/** Whether a bundle key is one of `store`'s. */
export function isBundleOf(key: string, store: string): boolean {
  return key.startsWith(`${store}|`);
}

/**
 * Meta entries left in clear: the phone's device id and the vault record are needed before unlock
 * (the record holds only wrapped keys), the lock limit to lock. The rest (cursor, campaign,
 * questionnaire, the officer's profile) is sealed.
 */
export const CLEAR_META_KEYS: readonly string[] = ["deviceId", "vault"];

/** Splits a row into what stays in clear and what is sealed. */
export function splitRow(store: string, row: Record<string, unknown>) {
  const clearNames = CLEAR_FIELDS[store] ?? [];
  const clear: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (clearNames.includes(name)) clear[name] = value;
    else secret[name] = value;
  }
  return { clear, secret };
}

/**
 * Binds a sealed value to its store and key (AES-GCM's additional data), so a ciphertext copied to
 * another row, store or officer's database fails to open rather than showing up there.
 */
export function sealContext(store: string, key: IDBValidKey | unknown): Uint8Array {
  return utf8.encode(`doorstep-vault/1|${store}|${JSON.stringify(key)}`);
}

// One coder each for the module, not one per row: an unlock opens every row of the grid.
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

const DATE_TAG = "$date";
const BYTES_TAG = "$bytes";

/**
 * A value as bytes: JSON, with Dates and an optional binary attachment (a photo's bytes) kept whole.
 * Layout: 4-byte big-endian length of the JSON, the JSON (UTF-8), then the attachment.
 */
export function encodeValue(value: unknown, attachment?: Uint8Array): Uint8Array {
  // A replacer makes JSON.stringify several times slower, and most rows hold no Date nor bytes: a
  // grid's download seals thousands of rows.
  const json =
    (holdsTagged(value)
      ? JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
          const raw = this[key];
          if (raw instanceof Date)
            return { [DATE_TAG]: Number.isNaN(raw.getTime()) ? null : raw.toISOString() };
          if (raw instanceof Uint8Array) return { [BYTES_TAG]: Array.from(raw) };
          return v;
        })
      : JSON.stringify(value)) ?? "null";
  // UTF-8 takes at most 3 bytes per UTF-16 unit: encoded straight into place, no second copy.
  const out = new Uint8Array(4 + json.length * 3 + (attachment?.length ?? 0));
  const { written } = utf8.encodeInto(json, out.subarray(4));
  new DataView(out.buffer).setUint32(0, written);
  if (!attachment) return out.subarray(0, 4 + written);
  out.set(attachment, 4 + written);
  return out.subarray(0, 4 + written + attachment.length);
}

/** Whether a value holds a Date or bytes anywhere (they need the tagged JSON). */
function holdsTagged(value: unknown): boolean {
  if (value instanceof Date || value instanceof Uint8Array) return true;
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(holdsTagged);
  for (const key in value) if (holdsTagged((value as Record<string, unknown>)[key])) return true;
  return false;
}

export class VaultFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VaultFormatError";
  }
}

export function decodeValue(bytes: Uint8Array): { value: unknown; attachment: Uint8Array | null } {
  if (bytes.length < 4) throw new VaultFormatError("sealed value too short");
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (4 + length > bytes.length) throw new VaultFormatError("sealed value truncated");
  const json = fromUtf8.decode(bytes.subarray(4, 4 + length));
  // A reviver makes JSON.parse several times slower, and most rows hold no Date nor bytes: the tags
  // are looked for first (an unlock opens every row of the grid).
  if (!json.includes(DATE_TAG) && !json.includes(BYTES_TAG))
    return { value: JSON.parse(json), attachment: attachmentOf(bytes, length) };
  const value = JSON.parse(json, (_key, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === DATE_TAG)
        return v[DATE_TAG] === null ? new Date(Number.NaN) : new Date(v[DATE_TAG]);
      if (keys.length === 1 && keys[0] === BYTES_TAG) return Uint8Array.from(v[BYTES_TAG]);
    }
    return v;
  });
  return { value, attachment: attachmentOf(bytes, length) };
}

function attachmentOf(bytes: Uint8Array, length: number): Uint8Array | null {
  return bytes.length > 4 + length ? bytes.slice(4 + length) : null;
}

/** The data key wrapped by a PIN-derived key: PBKDF2-SHA-256 over the PIN and salt, then AES-GCM. */
export interface PinWrap {
  salt: Uint8Array;
  iterations: number;
  iv: Uint8Array;
  wrapped: Uint8Array;
}

/** The data key wrapped by the device's wrapping secret (held by the server, handed out at login). */
export interface DeviceWrap {
  iv: Uint8Array;
  wrapped: Uint8Array;
}

/** Kept in clear in the meta store under "vault": nothing in it opens without the PIN or the server. */
export interface VaultRecord {
  version: 1;
  pin: PinWrap | null;
  device: DeviceWrap;
  failedPins: number;
  lockMinutes: number;
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** A stored vault record, checked: anything else is no vault (the phone then needs an online login). */
export function parseVaultRecord(value: unknown): VaultRecord | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return null;
  const device = v.device as Record<string, unknown> | undefined;
  if (!device || !isBytes(device.iv) || !isBytes(device.wrapped)) return null;
  const pin = v.pin as Record<string, unknown> | null | undefined;
  const pinOk =
    pin &&
    isBytes(pin.salt) &&
    isBytes(pin.iv) &&
    isBytes(pin.wrapped) &&
    Number.isInteger(pin.iterations) &&
    (pin.iterations as number) > 0;
  return {
    version: 1,
    pin: pinOk ? (pin as unknown as PinWrap) : null,
    device: device as unknown as DeviceWrap,
    failedPins: Number.isInteger(v.failedPins) ? (v.failedPins as number) : 0,
    lockMinutes: clampLockMinutes(v.lockMinutes),
  };
}

/** The record after a wrong PIN: one more failure; at the limit the PIN wrap is gone. */
export function afterWrongPin(record: VaultRecord): VaultRecord {
  const failedPins = record.failedPins + 1;
  return failedPins >= MAX_PIN_ATTEMPTS ? { ...record, pin: null, failedPins: 0 } : { ...record, failedPins };
}

/** Attempts left before the PIN wrap is erased. */
export function pinAttemptsLeft(record: VaultRecord): number {
  return record.pin ? MAX_PIN_ATTEMPTS - record.failedPins : 0;
}

export type PinProblem = "vault.pinLength" | "vault.pinWeak" | "vault.pinMismatch";

/**
 * Why a new PIN is refused: six digits, not one digit repeated nor a straight run (123456, 987654),
 * the first guesses of anyone holding the phone.
 */
export function pinProblem(pin: string, repeat?: string): PinProblem | null {
  if (!new RegExp(`^\\d{${PIN_LENGTH}}$`).test(pin)) return "vault.pinLength";
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => d - digits[i]));
  if (steps.size === 1 && [0, 1, -1].includes([...steps][0])) return "vault.pinWeak";
  if (repeat !== undefined && repeat !== pin) return "vault.pinMismatch";
  return null;
}

export function clampLockMinutes(value: unknown): number {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) return DEFAULT_LOCK_MINUTES;
  return Math.min(MAX_LOCK_MINUTES, Math.max(MIN_LOCK_MINUTES, Math.round(n)));
}

/** Whether the phone should lock now: idle past the limit, or back from being hidden too long. */
export function shouldLock(input: {
  now: number;
  lastActivity: number;
  hiddenSince: number | null;
  lockMinutes: number;
}): boolean {
  const idle = input.lockMinutes * 60_000;
  if (input.now - input.lastActivity >= idle) return true;
  const hiddenLimit = Math.min(idle, HIDDEN_LOCK_MINUTES * 60_000);
  return input.hiddenSince !== null && input.now - input.hiddenSince >= hiddenLimit;
}
