/**
 * Browser side of test/field/offline-map.test.ts: bundled with esbuild into a plain page, it puts the
 * real app/field/_lib/offline-map.ts (Cache API, fetch) and a few probes on `window.harness`, for the
 * test to drive through Playwright. Arguments and results are plain data, so they cross
 * `page.evaluate` unchanged.
 */
import {
  clearOfflineTiles,
  downloadTiles,
  offlineTileStats,
  type TileDownloadProgress,
  type TileDownloadResult,
  TileLimitError,
} from "@/app/field/_lib/offline-map";

export interface RunOptions {
  concurrency?: number;
  /** Abort once this many tiles have been fetched. */
  abortAfter?: number;
  maxTiles?: number;
  /** Stands in for navigator.storage.estimate(): one answer, or one per call (the last repeats). */
  fakeEstimate?: { usage: number; quota: number } | { usage: number; quota: number }[];
  storageCheckEvery?: number;
}

export type RunOutcome =
  | { ok: true; result: TileDownloadResult; events: TileDownloadProgress[] }
  | { ok: false; reason: "tooMany" | "storage"; tiles: number; missing: number; neededBytes: number }
  | { ok: false; error: string };

async function run(urls: string[], options: RunOptions = {}): Promise<RunOutcome> {
  const events: TileDownloadProgress[] = [];
  const controller = new AbortController();
  const answers = options.fakeEstimate === undefined ? null : [options.fakeEstimate].flat();
  let calls = 0;
  try {
    const result = await downloadTiles(urls, {
      concurrency: options.concurrency,
      maxTiles: options.maxTiles,
      storageCheckEvery: options.storageCheckEvery,
      signal: controller.signal,
      estimate: answers ? async () => answers[Math.min(calls++, answers.length - 1)] : undefined,
      onProgress: (progress) => {
        events.push(progress);
        if (options.abortAfter !== undefined && progress.fetched >= options.abortAfter) controller.abort();
      },
    });
    return { ok: true, result, events };
  } catch (error) {
    if (error instanceof TileLimitError) {
      return {
        ok: false,
        reason: error.reason,
        tiles: error.tiles,
        missing: error.missing,
        neededBytes: error.neededBytes,
      };
    }
    return { ok: false, error: String(error) };
  }
}

/** Loads a URL as an <img> (destination "image", no-cors, as Leaflet's tiles load). */
function loadImage(url: string): Promise<{ ok: boolean; width: number }> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ ok: true, width: img.naturalWidth });
    img.onerror = () => resolve({ ok: false, width: 0 });
    img.src = url;
  });
}

/** A CORS fetch of a URL, as a page script would make one: its status (0 when it failed). */
async function fetchStatus(url: string): Promise<number> {
  try {
    return (await fetch(url, { mode: "cors" })).status;
  } catch {
    return 0;
  }
}

/** Registers a service worker and waits until it controls this page. */
async function registerServiceWorker(url: string): Promise<boolean> {
  const controlled = new Promise<void>((resolve) => {
    if (navigator.serviceWorker.controller) resolve();
    else navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true });
  });
  await navigator.serviceWorker.register(url, { scope: "/" });
  await navigator.serviceWorker.ready;
  await controlled;
  return !!navigator.serviceWorker.controller;
}

/** Every cache of the origin and the URLs it holds. */
async function cacheContents(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((request) => request.url);
  }
  return out;
}

const harness = {
  run,
  stats: (urls?: string[]) => offlineTileStats(urls),
  clear: () => clearOfflineTiles(),
  loadImage,
  fetchStatus,
  registerServiceWorker,
  cacheContents,
};

export type Harness = typeof harness;

(window as unknown as { harness: Harness }).harness = harness;
