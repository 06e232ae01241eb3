import "client-only";
import {
  estimateTileBytes,
  MAX_OFFLINE_TILES,
  OFFLINE_TILE_CACHE,
  STORAGE_SHARE_LIMIT,
  TILE_BYTES_ESTIMATE,
} from "@/domain/tiles";

/**
 * Basemap tiles for offline use, in the Cache API cache the service worker answers tile requests
 * from (app/sw.ts). Only this download fills that cache, so the limit checked here is the whole
 * limit: the service worker never adds to it.
 */

export interface TileDownloadProgress {
  total: number;
  /** Tiles settled so far: already cached, fetched, or failed. */
  done: number;
  /** Already in the cache when the download started. */
  skipped: number;
  fetched: number;
  failed: number;
  /** Bytes of the fetched tiles whose size could be read (CORS responses). */
  bytes: number;
  /** Fetched tiles stored as opaque (no-cors) responses: their size is unknown. */
  opaque: number;
}

export interface TileDownloadResult extends TileDownloadProgress {
  /** The URLs that failed this time, each with what went wrong; the next run tries them again. */
  failures: { url: string; error: string }[];
  /** The caller's signal ended the download. */
  aborted: boolean;
  /** The phone's storage came near its quota during the run, so it stopped (what arrived is kept). */
  stoppedForStorage: boolean;
}

export type TileLimitReason = "tooMany" | "storage";

/** A download refused before any tile was fetched. */
export class TileLimitError extends Error {
  constructor(
    readonly reason: TileLimitReason,
    /** Tiles asked for, tiles still missing, and the most one download may hold. */
    readonly tiles: number,
    readonly missing: number,
    readonly maxTiles: number,
    /** Estimated bytes of the missing tiles, and bytes free below the storage limit (when known). */
    readonly neededBytes: number,
    readonly availableBytes: number | null,
  ) {
    super(
      reason === "tooMany"
        ? `${tiles} tiles asked for; at most ${maxTiles} may be downloaded at once`
        : `about ${neededBytes} bytes needed, ${availableBytes ?? 0} bytes free below ${STORAGE_SHARE_LIMIT * 100}% of the quota`,
    );
    this.name = "TileLimitError";
  }
}

export interface DownloadTilesOptions {
  cacheName?: string;
  /** Tiles fetched at once; browsers allow about 6 connections per host. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TileDownloadProgress) => void;
  /** The limit on tiles per download. */
  maxTiles?: number;
  bytesPerTile?: number;
  /** Share of the storage quota the origin may reach with the download. */
  storageShare?: number;
  /** `navigator.storage.estimate` unless given (tests pass their own). */
  estimate?: () => Promise<StorageEstimate | undefined>;
  /**
   * Tiles settled between two storage checks during the run (at most 20 once opaque tiles are being
   * stored: browsers count those in the quota for more than their bytes).
   */
  storageCheckEvery?: number;
}

const defaultEstimate = async (): Promise<StorageEstimate | undefined> =>
  typeof navigator !== "undefined" && navigator.storage?.estimate
    ? navigator.storage.estimate().catch(() => undefined)
    : undefined;

/** The URLs held in the cache, as the Cache API normalises them. */
async function cachedUrls(cache: Cache): Promise<Set<string>> {
  const keys = await cache.keys();
  return new Set(keys.map((request) => request.url));
}

const normalise = (url: string) => new URL(url, globalThis.location?.href).href;

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "QuotaExceededError" || error.code === 22);
}

/**
 * Checks the limits for a download of `urls` without fetching anything: refuses with TileLimitError
 * when there are more than `maxTiles`, or when the missing tiles' estimate would take the origin's
 * storage above `storageShare` of its quota. Returns how many are missing.
 */
export async function checkTileLimits(
  urls: readonly string[],
  options: Pick<
    DownloadTilesOptions,
    "cacheName" | "maxTiles" | "bytesPerTile" | "storageShare" | "estimate"
  > = {},
): Promise<{ missing: string[]; cachedCount: number; neededBytes: number }> {
  const maxTiles = options.maxTiles ?? MAX_OFFLINE_TILES;
  const unique = [...new Set(urls.map(normalise))];
  if (unique.length > maxTiles) {
    throw new TileLimitError(
      "tooMany",
      unique.length,
      unique.length,
      maxTiles,
      estimateTileBytes(unique.length, options.bytesPerTile),
      null,
    );
  }
  const cache = await caches.open(options.cacheName ?? OFFLINE_TILE_CACHE);
  const held = await cachedUrls(cache);
  const missing = unique.filter((url) => !held.has(url));
  const neededBytes = estimateTileBytes(missing.length, options.bytesPerTile ?? TILE_BYTES_ESTIMATE);
  if (missing.length > 0) {
    const estimate = await (options.estimate ?? defaultEstimate)();
    if (estimate?.quota && estimate.usage !== undefined) {
      const allowed = estimate.quota * (options.storageShare ?? STORAGE_SHARE_LIMIT);
      const available = Math.max(0, allowed - estimate.usage);
      if (neededBytes > available) {
        throw new TileLimitError("storage", unique.length, missing.length, maxTiles, neededBytes, available);
      }
    }
  }
  return { missing, cachedCount: unique.length - missing.length, neededBytes };
}

/**
 * Downloads the tiles into the cache. Tiles already cached are skipped, so a second run fetches only
 * what is missing (and what failed before). Each tile is asked for with CORS first; a server that
 * does not allow CORS is asked with `no-cors` instead and its opaque answer stored as it is (its size
 * unknown). A single failure is reported and the rest go on. The signal stops the run; what arrived
 * is kept. Refuses (TileLimitError) before fetching anything when the limits are exceeded; stops
 * during the run when the storage nears its quota after all (opaque responses count for more in the
 * quota than their bytes).
 */
export async function downloadTiles(
  urls: readonly string[],
  options: DownloadTilesOptions = {},
): Promise<TileDownloadResult> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const cacheName = options.cacheName ?? OFFLINE_TILE_CACHE;
  const storageShare = options.storageShare ?? STORAGE_SHARE_LIMIT;
  const estimate = options.estimate ?? defaultEstimate;
  const checkEvery = options.storageCheckEvery ?? 100;
  const { missing, cachedCount } = await checkTileLimits(urls, { ...options, cacheName, estimate });
  const cache = await caches.open(cacheName);

  const result: TileDownloadResult = {
    total: missing.length + cachedCount,
    done: cachedCount,
    skipped: cachedCount,
    fetched: 0,
    failed: 0,
    bytes: 0,
    opaque: 0,
    failures: [],
    aborted: false,
    stoppedForStorage: false,
  };
  const report = () => {
    const { failures: _f, aborted: _a, stoppedForStorage: _s, ...progress } = result;
    onProgress?.(progress);
  };
  report();

  // Our own controller: the caller's signal, or the storage guard, stops every fetch in flight.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });

  // Whether to ask with CORS: settled true by the first CORS success (the server allows it, so a later
  // failure is the network's), false after a few tiles worked only with no-cors (stop asking twice).
  let corsWorks: boolean | undefined;
  let corsRefused = 0;
  let storedSinceCheck = 0;

  const fetchTile = async (url: string): Promise<Response> => {
    if (corsWorks !== false) {
      try {
        const response = await fetch(url, { mode: "cors", credentials: "omit", signal: stop.signal });
        corsWorks = true;
        return response;
      } catch (error) {
        if (corsWorks === true || stop.signal.aborted) throw error;
      }
    }
    const response = await fetch(url, { mode: "no-cors", credentials: "omit", signal: stop.signal });
    if (corsWorks === undefined && ++corsRefused >= 3) corsWorks = false;
    return response;
  };

  const storeTile = async (url: string) => {
    const response = await fetchTile(url);
    if (response.type === "opaque") {
      await cache.put(url, response);
      result.opaque++;
    } else {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const type = response.headers.get("content-type") ?? "";
      // A captive portal or an error page answers 200 with HTML: never store that as a map tile.
      if (type && !type.startsWith("image/")) throw new Error(`not an image (${type})`);
      const body = await response.blob();
      // The body is stored decoded: its transfer length and encoding no longer apply.
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      headers.delete("content-encoding");
      await cache.put(
        url,
        new Response(body, { status: response.status, statusText: response.statusText, headers }),
      );
      result.bytes += body.size;
    }
    result.fetched++;
  };

  const storageNearlyFull = async () => {
    const now = await estimate();
    return !!now?.quota && now.usage !== undefined && now.usage > now.quota * storageShare;
  };

  let next = 0;
  const worker = async () => {
    while (!stop.signal.aborted && next < missing.length) {
      const url = missing[next++];
      try {
        await storeTile(url);
      } catch (error) {
        // Stopped while in flight: this tile is neither done nor failed; the next run fetches it.
        if (stop.signal.aborted) break;
        if (isQuotaError(error)) {
          result.stoppedForStorage = true;
          stop.abort();
          break;
        }
        result.failed++;
        result.failures.push({ url, error: error instanceof Error ? error.message : String(error) });
      }
      result.done++;
      report();
      if (
        result.fetched > 0 &&
        ++storedSinceCheck >= (result.opaque > 0 ? Math.min(checkEvery, 20) : checkEvery)
      ) {
        storedSinceCheck = 0;
        if (await storageNearlyFull()) {
          result.stoppedForStorage = true;
          stop.abort();
        }
      }
    }
  };

  try {
    const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, missing.length || 1));
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  result.aborted = !!signal?.aborted;
  return result;
}

/** How many tiles the cache holds, and how many of `urls` (when given) are among them. */
export async function offlineTileStats(
  urls?: readonly string[],
  cacheName: string = OFFLINE_TILE_CACHE,
): Promise<{ cached: number; covered: number | null }> {
  if (typeof caches === "undefined" || !(await caches.has(cacheName))) {
    return { cached: 0, covered: urls ? 0 : null };
  }
  const held = await cachedUrls(await caches.open(cacheName));
  if (!urls) return { cached: held.size, covered: null };
  let covered = 0;
  for (const url of new Set(urls.map(normalise))) if (held.has(url)) covered++;
  return { cached: held.size, covered };
}

/** Deletes every offline tile. Returns whether there was anything to delete. */
export async function clearOfflineTiles(cacheName: string = OFFLINE_TILE_CACHE): Promise<boolean> {
  if (typeof caches === "undefined") return false;
  return caches.delete(cacheName);
}
