import type { IDBPDatabase, IDBPTransaction } from "idb";
import {
  CLEAR_FIELDS,
  CLEAR_META_KEYS,
  decodeValue,
  encodeValue,
  SEALED,
  sealContext,
  splitRow,
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

  constructor(
    readonly raw: IDBPTransaction<Any, Any, Any>,
    readonly keyOf: KeySource,
  ) {
    raw.done.catch((error: unknown) => this.fail(error ?? new DOMException("aborted", "AbortError")));
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

function cursorOf(pump: Pump, store: string, raw: RawCursor | null) {
  if (!raw) return null;
  if (!isSealed(raw.value)) return new SealedCursor(pump, store, raw, raw.value);
  return openValue(pump.keyOf(), store, raw.primaryKey, raw.value).then(
    (value) => new SealedCursor(pump, store, raw, value),
  );
}

function openRows(pump: Pump, store: string, rows: unknown[]) {
  if (!rows.some(isSealed)) return rows;
  const keyPath = keyPathOf(store);
  const dataKey = pump.keyOf();
  return Promise.all(
    rows.map((row) =>
      isSealed(row) ? openValue(dataKey, store, keyPath ? row[keyPath] : undefined, row) : row,
    ),
  );
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

class SealedStore {
  private readonly keyPath: string | null;
  constructor(
    private readonly pump: Pump,
    readonly name: string,
    private readonly raw: Any,
  ) {
    this.keyPath = keyPathOf(name);
  }
  private keyFor(value: Any, key?: IDBValidKey) {
    return this.keyPath ? value?.[this.keyPath] : key;
  }
  get(key: Any) {
    return this.pump.request(
      () => this.raw.get(key),
      (row) =>
        isSealed(row)
          ? openValue(this.pump.keyOf(), this.name, this.keyPath ? row[this.keyPath] : key, row)
          : row,
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
    return this.objectStore(this.raw.objectStoreNames[0]);
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
    return new SealedTransaction(this.raw.transaction(stores, mode, options), this.keyOf);
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
