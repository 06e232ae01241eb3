import type { IDBPDatabase, IDBPTransaction } from "idb";
import {
  BUNDLE,
  BUNDLE_MIN,
  BUNDLE_ROWS,
  BUNDLE_STORE,
  BUNDLED_STORES,
  bundleKey,
  bundleRange,
  CLEAR_FIELDS,
  CLEAR_META_KEYS,
  decodeValue,
  encodeValue,
  isBundleOf,
  SEALED,
  sealContext,
  splitRow,
  VaultFormatError,
} from "@/domain/vault";

/**
 * The store's encryption layer: every value is sealed with AES-GCM on its way into IndexedDB and
 * opened on its way out, behind the same interface idb gives, so the screens and the sync code read
 * and write rows as before. What stays in clear is domain/vault.ts CLEAR_FIELDS.
 *
 * WebCrypto answers asynchronously, and an IndexedDB transaction commits as soon as it has no request
 * pending when control returns to the event loop: a put awaiting its encryption would find the
 * transaction gone. So each transaction keeps itself alive with a cheap probe request while crypto is
 * in flight, and issues the real requests (in the order they were asked for) and hands back opened
 * values from inside a request's success callback, when the transaction is active. The caller's
 * continuation then runs in that callback's microtasks and may issue its next request, as with idb.
 */

export class VaultLockedError extends Error {
  constructor() {
    super("the phone's store is locked");
    this.name = "VaultLockedError";
  }
}

type KeySource = () => CryptoKey;

const IV_BYTES = 12;
/** A key no row has: the probe counts nothing, it only keeps the transaction alive. */
const PROBE_KEY = "\u{10FFFF}vault-probe";

const bytesOf = (value: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(value);

function keyPathOf(store: string): string | null {
  return store === "meta" ? null : (CLEAR_FIELDS[store]?.[0] ?? null);
}

/** Seals one value for `store` under primary key `key`. */
export async function sealValue(dataKey: CryptoKey, store: string, key: unknown, value: unknown) {
  if (store === "meta") {
    if (CLEAR_META_KEYS.includes(String(key))) return value;
    return { [SEALED]: await encrypt(dataKey, store, key, encodeValue(value)) };
  }
  const { clear, secret } = splitRow(store, value as Record<string, unknown>);
  let attachment: Uint8Array | undefined;
  if (secret.blob instanceof Blob) {
    attachment = new Uint8Array(await secret.blob.arrayBuffer());
    secret.blobType = secret.blob.type;
    secret.blob = null;
  }
  return { ...clear, [SEALED]: await encrypt(dataKey, store, key, encodeValue(secret, attachment)) };
}

/** Opens one stored value; a value stored before the vault (no sealed part) comes back as it is. */
export async function openValue(dataKey: CryptoKey, store: string, key: unknown, stored: unknown) {
  if (!isSealed(stored)) return stored;
  const plain = await decrypt(dataKey, store, key, stored[SEALED]);
  const { value, attachment } = decodeValue(plain);
  if (store === "meta") return value;
  // The clear fields over the opened ones, into the freshly parsed object: no rest and spread
  // copies per row (an unlock opens every row of the grid).
  const row = value as Record<string, unknown>;
  for (const name in stored) if (name !== SEALED) row[name] = stored[name];
  if (attachment) {
    row.blob = new Blob([bytesOf(attachment)], { type: String(row.blobType ?? "") });
    delete row.blobType;
  }
  return row;
}

export function isSealed(stored: unknown): stored is Record<string, unknown> & { [SEALED]: Uint8Array } {
  return (
    !!stored &&
    typeof stored === "object" &&
    (stored as Record<string, unknown>)[SEALED] instanceof Uint8Array
  );
}

/** A row whose sealed part is in a bundle (domain/vault.ts BUNDLE): the bundle's key. */
export function bundleOf(stored: unknown): string | null {
  if (!stored || typeof stored !== "object") return null;
  const key = (stored as Record<string, unknown>)[BUNDLE];
  return typeof key === "string" ? key : null;
}

/** Whether a stored value holds nothing in clear but its clear fields: sealed alone or in a bundle. */
export function isStoredSealed(stored: unknown): boolean {
  return isSealed(stored) || bundleOf(stored) !== null;
}

/** A bundle as stored: its key, its row count (for the sweep) and the sealed rows. */
export interface BundleRecord {
  id: string;
  rows: number;
  [SEALED]: Uint8Array;
}

/** One bundle sealed: its rows' secret parts, with the store they belong to, under its key. */
async function sealBundle(dataKey: CryptoKey, store: string, key: string, rows: [string, unknown][]) {
  return {
    id: key,
    rows: rows.length,
    [SEALED]: await encrypt(dataKey, BUNDLE_STORE, key, encodeValue({ store, rows })),
  } satisfies BundleRecord;
}

/** A bundle opened: each row's secret part by the row's key. Refuses a bundle of another store. */
async function openBundle(dataKey: CryptoKey, store: string, record: BundleRecord | undefined, key: string) {
  if (!record || !isBundleOf(key, store) || !(record[SEALED] instanceof Uint8Array))
    throw new VaultFormatError(`bundle ${key} of ${store} missing`);
  const { value } = decodeValue(await decrypt(dataKey, BUNDLE_STORE, key, record[SEALED]));
  const opened = value as { store: string; rows: [string, Record<string, unknown>][] };
  if (opened.store !== store) throw new VaultFormatError(`bundle ${key} is not of ${store}`);
  return new Map(opened.rows);
}

async function encrypt(dataKey: CryptoKey, store: string, key: unknown, plain: Uint8Array) {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: sealContext(store, key) as Uint8Array<ArrayBuffer> },
    dataKey,
    plain as Uint8Array<ArrayBuffer>,
  );
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return out;
}

async function decrypt(dataKey: CryptoKey, store: string, key: unknown, sealed: Uint8Array) {
  // Views, not copies: WebCrypto copies its inputs itself, and an unlock opens thousands of rows.
  // (IndexedDB gives back plain ArrayBuffer-backed arrays; the cast only narrows the type.)
  const view = sealed as Uint8Array<ArrayBuffer>;
  const plain = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: view.subarray(0, IV_BYTES),
      additionalData: sealContext(store, key) as Uint8Array<ArrayBuffer>,
    },
    dataKey,
    view.subarray(IV_BYTES),
  );
  return new Uint8Array(plain);
}

// biome-ignore lint/suspicious/noExplicitAny: the wrapper stands in for idb's generic types, cast back at the edge.
type Any = any;
/** idb's cursor with its value, typed loosely: the wrapper serves every store. */
type RawCursor = Any;

interface Op {
  ready: boolean;
  issue: () => Promise<Any>;
  /** Opens what the request gave back; a promise when there is something to decrypt. */
  finish?: (result: Any) => Any;
  resolve: (value: Any) => void;
  reject: (error: unknown) => void;
}

/** One transaction's queue of requests, kept alive while crypto is in flight. */
class Pump {
  private ops: Op[] = [];
  private deliveries: (() => void)[] = [];
  private working = 0;
  private probing = false;
  private failed: unknown = null;
  /** Bundles opened in this transaction, by key: each is read and decrypted once per transaction. */
  private readonly bundles = new Map<string, Promise<Map<string, Record<string, unknown>>>>();

  constructor(
    readonly raw: IDBPTransaction<Any, Any, Any>,
    readonly keyOf: KeySource,
  ) {
    raw.done.catch((error: unknown) => this.fail(error ?? new DOMException("aborted", "AbortError")));
  }

  /**
   * A bundle's rows, read and opened once in this transaction. Called when the transaction is active
   * (from a request's result): the bundle's read is issued at once.
   */
  bundle(store: string, key: string) {
    let opened = this.bundles.get(key);
    if (!opened) {
      const read: Promise<BundleRecord | undefined> = this.raw.objectStore(BUNDLE_STORE).get(key);
      opened = read.then((record) => openBundle(this.keyOf(), store, record, key));
      this.bundles.set(key, opened);
    }
    return opened;
  }

  /** A request needing no preparation (reads, deletes). */
  request<T>(issue: () => Promise<Any>, finish?: (result: Any) => Any): Promise<T> {
    return this.enqueue(issue, finish, null);
  }

  /** A request whose value must first be sealed. */
  write<T>(prepare: Promise<unknown>, issue: (sealed: Any) => Promise<Any>): Promise<T> {
    let sealed: unknown;
    return this.enqueue(
      () => issue(sealed),
      undefined,
      prepare.then((value) => {
        sealed = value;
      }),
    );
  }

  private enqueue<T>(
    issue: () => Promise<Any>,
    finish: Op["finish"],
    prepare: Promise<void> | null,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      const op: Op = { ready: prepare === null, issue, finish, resolve, reject };
      this.ops.push(op);
      if (prepare) {
        this.working += 1;
        prepare.then(
          () => {
            this.working -= 1;
            op.ready = true;
          },
          (error) => {
            this.working -= 1;
            // Nothing half-written: a value that cannot be sealed aborts the whole transaction.
            this.fail(error);
            try {
              this.raw.abort();
            } catch {
              // already finished
            }
          },
        );
      }
      this.drain();
      this.probe();
    });
  }

  private fail(error: unknown) {
    if (this.failed) return;
    this.failed = error;
    for (const op of this.ops.splice(0)) op.reject(error);
  }

  /** Issues the ready requests at the head of the queue, in order. */
  private drain() {
    while (this.ops.length > 0 && this.ops[0].ready && !this.failed) {
      const op = this.ops[0];
      let request: Promise<Any>;
      try {
        request = op.issue();
      } catch (error) {
        // Called outside an active moment while a probe is out: the probe's callback issues it.
        if (error instanceof DOMException && error.name === "TransactionInactiveError" && this.probing)
          return;
        this.ops.shift();
        op.reject(error);
        continue;
      }
      this.ops.shift();
      request.then(
        (result) => {
          const opened = op.finish ? op.finish(result) : result;
          if (!(opened instanceof Promise)) return op.resolve(opened);
          this.working += 1;
          opened.then(
            (value) => {
              this.working -= 1;
              this.deliveries.push(() => op.resolve(value));
            },
            (error) => {
              this.working -= 1;
              this.deliveries.push(() => op.reject(error));
            },
          );
          this.probe();
        },
        (error) => op.reject(error),
      );
    }
  }

  private probe() {
    if (this.probing || this.failed) return;
    if (this.working === 0 && this.deliveries.length === 0 && !this.ops.some((op) => op.ready)) return;
    this.probing = true;
    let request: Promise<unknown>;
    try {
      const first = this.raw.objectStoreNames[0];
      request = this.raw.objectStore(first).count(PROBE_KEY);
    } catch (error) {
      this.probing = false;
      this.fail(error);
      return;
    }
    request.then(
      () => {
        this.probing = false;
        // The transaction is active here: issue what is ready, hand back what is opened.
        this.drain();
        for (const deliver of this.deliveries.splice(0)) deliver();
        this.probe();
      },
      (error) => {
        this.probing = false;
        this.fail(error);
      },
    );
  }
}

class SealedCursor {
  constructor(
    private readonly pump: Pump,
    private readonly store: string,
    private readonly raw: RawCursor,
    readonly value: unknown,
  ) {}
  get key() {
    return this.raw.key;
  }
  get primaryKey() {
    return this.raw.primaryKey;
  }
  continue(key?: IDBValidKey): Promise<SealedCursor | null> {
    return this.pump.request(
      () => this.raw.continue(key),
      (next) => cursorOf(this.pump, this.store, next),
    );
  }
  delete(): Promise<void> {
    return this.pump.request(() => this.raw.delete());
  }
  update(value: unknown): Promise<IDBValidKey> {
    const prepare = sealValue(this.pump.keyOf(), this.store, this.raw.primaryKey, value);
    return this.pump.write(prepare, (sealed) => this.raw.update(sealed));
  }
}

/** A row whose sealed part is in a bundle, opened: its part from the bundle, its clear fields over it. */
function fromBundle(
  parts: Map<string, Record<string, unknown>>,
  key: unknown,
  stored: Record<string, unknown>,
) {
  const part = parts.get(String(key));
  if (!part) throw new VaultFormatError(`row ${String(key)} not in bundle ${String(stored[BUNDLE])}`);
  // A copy: the bundle's parts are shared by every read of the row in this transaction.
  const row: Record<string, unknown> = { ...part };
  for (const name in stored) if (name !== BUNDLE) row[name] = stored[name];
  return row;
}

async function openBundled(pump: Pump, store: string, key: unknown, stored: Record<string, unknown>) {
  return fromBundle(await pump.bundle(store, bundleOf(stored) as string), key, stored);
}

/** One stored value opened, however it is sealed; in clear (from before the vault) as it is. */
function openStored(pump: Pump, store: string, key: unknown, stored: unknown) {
  if (isSealed(stored)) return openValue(pump.keyOf(), store, key, stored);
  if (bundleOf(stored) !== null) return openBundled(pump, store, key, stored as Record<string, unknown>);
  return stored;
}

function cursorOf(pump: Pump, store: string, raw: RawCursor | null) {
  if (!raw) return null;
  if (!isStoredSealed(raw.value)) return new SealedCursor(pump, store, raw, raw.value);
  return Promise.resolve(openStored(pump, store, raw.primaryKey, raw.value)).then(
    (value) => new SealedCursor(pump, store, raw, value),
  );
}

function openRows(pump: Pump, store: string, rows: unknown[]) {
  if (!rows.some(isStoredSealed)) return rows;
  const keyPath = keyPathOf(store);
  const keyOf = (row: unknown) => (keyPath ? (row as Record<string, unknown>)[keyPath] : undefined);
  // The bundles first, each read once (issued now, while the transaction is active); then the rows
  // put together without a promise each (an unlock reads thousands).
  const keys = [...new Set(rows.map(bundleOf).filter((key) => key !== null))];
  const bundles = Promise.all(keys.map((key) => pump.bundle(store, key)));
  const alone = Promise.all(
    rows.map((row) => (bundleOf(row) === null ? openStored(pump, store, keyOf(row), row) : null)),
  );
  return Promise.all([bundles, alone]).then(([opened, single]) => {
    const byKey = new Map(keys.map((key, i) => [key, opened[i]]));
    return rows.map((row, i) => {
      const bundle = bundleOf(row);
      if (bundle === null) return single[i];
      return fromBundle(
        byKey.get(bundle) as Map<string, Record<string, unknown>>,
        keyOf(row),
        row as Record<string, unknown>,
      );
    });
  });
}

/**
 * What a store's sweep has to do (SealedStore.rebundle), from its rows and its bundles as stored: the
 * bundles fewer rows point at than they hold (stale: they still hold old values), and the grids with
 * enough rows sealed alone to bundle.
 */
export function bundling(stored: unknown[], held: Pick<BundleRecord, "id" | "rows">[]) {
  const pointing = new Map<string, number>();
  const aloneByGrid = new Map<string, number>();
  for (const row of stored) {
    const bundle = bundleOf(row);
    if (bundle) pointing.set(bundle, (pointing.get(bundle) ?? 0) + 1);
    else if (isSealed(row) && typeof row.gridId === "string")
      aloneByGrid.set(row.gridId, (aloneByGrid.get(row.gridId) ?? 0) + 1);
  }
  return {
    stale: new Set(held.filter((r) => (pointing.get(r.id) ?? 0) < r.rows).map((r) => r.id)),
    gathered: new Set([...aloneByGrid].filter(([, n]) => n >= BUNDLE_MIN).map(([gridId]) => gridId)),
  };
}

/**
 * Rows put into one store in one go (the same task, before any of them is awaited): sealed together
 * at the end of it, by grid, in bundles of up to BUNDLE_ROWS; too few of a grid are sealed alone.
 */
class Burst {
  readonly rows: Record<string, unknown>[] = [];
  private close!: () => void;
  /** Each row's stored value (in the order put) and the bundle records to write before them. */
  readonly sealed: Promise<{ stored: unknown[]; bundles: BundleRecord[] }>;

  constructor(
    private readonly store: string,
    keyOf: KeySource,
  ) {
    this.sealed = new Promise<void>((resolve) => {
      this.close = resolve;
    }).then(() => this.seal(keyOf()));
  }

  end() {
    this.close();
  }

  private async seal(dataKey: CryptoKey) {
    const stored: unknown[] = new Array(this.rows.length);
    const byGrid = new Map<string, number[]>();
    this.rows.forEach((row, i) => {
      const gridId = row.gridId as string;
      const list = byGrid.get(gridId);
      if (list) list.push(i);
      else byGrid.set(gridId, [i]);
    });
    const work: Promise<unknown>[] = [];
    const bundles: BundleRecord[] = [];
    for (const [gridId, indexes] of byGrid) {
      if (indexes.length < BUNDLE_MIN) {
        for (const i of indexes)
          work.push(
            sealValue(dataKey, this.store, this.rows[i].id, this.rows[i]).then((value) => {
              stored[i] = value;
            }),
          );
        continue;
      }
      for (let from = 0; from < indexes.length; from += BUNDLE_ROWS) {
        const key = bundleKey(this.store, gridId, crypto.randomUUID());
        const parts: [string, unknown][] = [];
        for (const i of indexes.slice(from, from + BUNDLE_ROWS)) {
          const { clear, secret } = splitRow(this.store, this.rows[i]);
          parts.push([String(this.rows[i].id), secret]);
          stored[i] = { ...clear, [BUNDLE]: key };
        }
        work.push(
          sealBundle(dataKey, this.store, key, parts).then((record) => {
            bundles.push(record);
          }),
        );
      }
    }
    await Promise.all(work);
    return { stored, bundles };
  }
}

class SealedIndex {
  constructor(
    private readonly pump: Pump,
    private readonly store: string,
    private readonly raw: Any,
  ) {}
  get(query: Any) {
    return this.pump
      .request(
        () => this.raw.get(query),
        (row) => openRows(this.pump, this.store, row === undefined ? [] : [row]),
      )
      .then((rows: Any) => rows[0]);
  }
  getAll(query?: Any, count?: number) {
    return this.pump.request(
      () => this.raw.getAll(query, count),
      (rows) => openRows(this.pump, this.store, rows),
    );
  }
  getAllKeys(query?: Any, count?: number) {
    return this.pump.request(() => this.raw.getAllKeys(query, count));
  }
  count(query?: Any) {
    return this.pump.request(() => this.raw.count(query));
  }
  openCursor(query?: Any, direction?: IDBCursorDirection) {
    return this.pump.request(
      () => this.raw.openCursor(query, direction),
      (cursor) => cursorOf(this.pump, this.store, cursor),
    );
  }
}

export class SealedStore {
  private readonly keyPath: string | null;
  private readonly bundled: boolean;
  private burst: Burst | null = null;
  constructor(
    private readonly pump: Pump,
    readonly name: string,
    private readonly raw: Any,
  ) {
    this.keyPath = keyPathOf(name);
    this.bundled = BUNDLED_STORES.includes(name);
  }
  /**
   * A put joining this task's burst of puts (sealed together when the task's synchronous part ends).
   * The burst's bundle records are written first, then its rows, each in the order it was asked for.
   */
  private putInBurst(value: Record<string, unknown>) {
    let burst = this.burst;
    if (!burst) {
      const started = new Burst(this.name, this.pump.keyOf);
      burst = started;
      this.burst = started;
      queueMicrotask(() => {
        this.burst = null;
        started.end();
      });
      const bundles: Any = this.pump.raw.objectStore(BUNDLE_STORE);
      void this.pump
        .write(started.sealed, (plan: Awaited<Burst["sealed"]>) =>
          Promise.all(plan.bundles.map((record) => bundles.put(record))),
        )
        // A failure aborts the transaction and rejects every put of the burst: told there.
        .catch(() => {});
    }
    const index = burst.rows.push(value) - 1;
    return this.pump.write(
      burst.sealed.then((plan) => plan.stored[index]),
      (sealed) => this.raw.put(sealed),
    );
  }
  private keyFor(value: Any, key?: IDBValidKey) {
    return this.keyPath ? value?.[this.keyPath] : key;
  }
  /**
   * The sweep's part (vault.ts sealInPlace): a grid's rows sealed alone (before bundles, or saved one
   * by one) are put again together, and a bundle some of whose rows were since rewritten, ended or
   * dropped (it still holds their old values, sealed) is replaced by one of its live rows; a bundle no
   * row points at is deleted. All in this one transaction: nothing half-done. Returns the rows put.
   */
  async rebundle(): Promise<number> {
    const bundles: Any = this.pump.raw.objectStore(BUNDLE_STORE);
    const range = IDBKeyRange.bound(...bundleRange(this.name));
    const stored: Record<string, unknown>[] = await this.pump.request(() => this.raw.getAll());
    const held: BundleRecord[] = await this.pump.request(() => bundles.getAll(range));
    const { stale, gathered } = bundling(stored, held);
    if (stale.size === 0 && gathered.size === 0) return 0;
    const chosen = (row: Record<string, unknown>) => {
      const bundle = bundleOf(row);
      return bundle ? stale.has(bundle) : isSealed(row) && gathered.has(row.gridId as string);
    };
    const rows: Record<string, unknown>[] = await this.pump.request(
      () => this.raw.getAll(),
      (all: Record<string, unknown>[]) => openRows(this.pump, this.name, all.filter(chosen)),
    );
    // Put at once (one burst: sealed together); the stale bundles deleted after the rows left them.
    await Promise.all([
      ...rows.map((row) => this.put(row)),
      ...[...stale].map((key) => this.pump.request(() => bundles.delete(key))),
    ]);
    return rows.length;
  }
  get(key: Any) {
    return this.pump.request(
      () => this.raw.get(key),
      (row) => openStored(this.pump, this.name, this.keyPath && row ? row[this.keyPath] : key, row),
    );
  }
  getAll(query?: Any, count?: number) {
    if (this.name === "meta") throw new Error("meta rows are read one by one (their keys are out of line)");
    return this.pump.request(
      () => this.raw.getAll(query, count),
      (rows) => openRows(this.pump, this.name, rows),
    );
  }
  getAllKeys(query?: Any, count?: number) {
    return this.pump.request(() => this.raw.getAllKeys(query, count));
  }
  count(query?: Any) {
    return this.pump.request(() => this.raw.count(query));
  }
  put(value: Any, key?: IDBValidKey) {
    if (this.bundled && typeof value?.gridId === "string" && typeof value?.id === "string")
      return this.putInBurst(value);
    const prepare = sealValue(this.pump.keyOf(), this.name, this.keyFor(value, key), value);
    return this.pump.write(prepare, (sealed) =>
      this.keyPath ? this.raw.put(sealed) : this.raw.put(sealed, key),
    );
  }
  add(value: Any, key?: IDBValidKey) {
    const prepare = sealValue(this.pump.keyOf(), this.name, this.keyFor(value, key), value);
    return this.pump.write(prepare, (sealed) =>
      this.keyPath ? this.raw.add(sealed) : this.raw.add(sealed, key),
    );
  }
  delete(key: Any) {
    return this.pump.request(() => this.raw.delete(key));
  }
  clear() {
    return this.pump.request(() => this.raw.clear());
  }
  index(name: string) {
    return new SealedIndex(this.pump, this.name, this.raw.index(name));
  }
  openCursor(query?: Any, direction?: IDBCursorDirection) {
    return this.pump.request(
      () => this.raw.openCursor(query, direction),
      (cursor) => cursorOf(this.pump, this.name, cursor),
    );
  }
}

class SealedTransaction {
  private readonly pump: Pump;
  private readonly stores = new Map<string, SealedStore>();
  constructor(
    private readonly raw: IDBPTransaction<Any, Any, Any>,
    keyOf: KeySource,
    /** The first store asked for (the bundles store, added to the scope, sorts before most). */
    private readonly first: string,
  ) {
    this.pump = new Pump(raw, keyOf);
  }
  get done() {
    return this.raw.done;
  }
  get mode() {
    return this.raw.mode;
  }
  get objectStoreNames() {
    return this.raw.objectStoreNames;
  }
  get store() {
    return this.objectStore(this.first);
  }
  objectStore(name: string) {
    let store = this.stores.get(name);
    if (!store) {
      store = new SealedStore(this.pump, name, this.raw.objectStore(name));
      this.stores.set(name, store);
    }
    return store;
  }
  abort() {
    this.raw.abort();
  }
  commit() {
    this.raw.commit();
  }
}

/**
 * The database, sealed: the same calls as idb's IDBPDatabase for what the phone uses, each store
 * request through a SealedTransaction. `keyOf` is asked at every request, so a lock takes effect at
 * once on every handle a screen still holds.
 */
export class SealedDatabase {
  constructor(
    readonly raw: IDBPDatabase<Any>,
    private readonly keyOf: KeySource,
    /** Told of every read-write transaction, before it starts. */
    private readonly onWrite?: () => void,
  ) {}
  get name() {
    return this.raw.name;
  }
  get version() {
    return this.raw.version;
  }
  get objectStoreNames() {
    return this.raw.objectStoreNames;
  }
  close() {
    this.raw.close();
  }
  transaction(stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
    // Before any request: a locked phone opens no transaction at all.
    this.keyOf();
    if (mode === "readwrite") this.onWrite?.();
    // A bundled store's rows are opened from, and put into, the bundles store: always in scope with it.
    const names = typeof stores === "string" ? [stores] : stores;
    const scope =
      names.some((name) => BUNDLED_STORES.includes(name)) && !names.includes(BUNDLE_STORE)
        ? [...names, BUNDLE_STORE]
        : stores;
    return new SealedTransaction(this.raw.transaction(scope, mode, options), this.keyOf, names[0]);
  }
  private one(store: string, mode: IDBTransactionMode) {
    return this.transaction(store, mode).objectStore(store);
  }
  async get(store: string, key: Any) {
    return this.one(store, "readonly").get(key);
  }
  async getAll(store: string, query?: Any, count?: number) {
    return this.one(store, "readonly").getAll(query, count);
  }
  async getAllKeys(store: string, query?: Any, count?: number) {
    return this.one(store, "readonly").getAllKeys(query, count);
  }
  async getFromIndex(store: string, index: string, query: Any) {
    return this.one(store, "readonly").index(index).get(query);
  }
  async getAllFromIndex(store: string, index: string, query?: Any, count?: number) {
    return this.one(store, "readonly").index(index).getAll(query, count);
  }
  async count(store: string, query?: Any) {
    return this.one(store, "readonly").count(query);
  }
  async countFromIndex(store: string, index: string, query?: Any) {
    return this.one(store, "readonly").index(index).count(query);
  }
  async put(store: string, value: Any, key?: IDBValidKey) {
    const tx = this.transaction(store, "readwrite");
    const result = await tx.objectStore(store).put(value, key);
    await tx.done;
    return result;
  }
  async add(store: string, value: Any, key?: IDBValidKey) {
    const tx = this.transaction(store, "readwrite");
    const result = await tx.objectStore(store).add(value, key);
    await tx.done;
    return result;
  }
  async delete(store: string, key: Any) {
    const tx = this.transaction(store, "readwrite");
    await tx.objectStore(store).delete(key);
    await tx.done;
  }
  async clear(store: string) {
    const tx = this.transaction(store, "readwrite");
    await tx.objectStore(store).clear();
    await tx.done;
  }
}
