/**
 * The offline-map download in real Chromium (real Cache API, real fetch, real service worker), with no
 * Next build: a small node:http tile server (CORS and non-CORS paths, a request counter, tiles that
 * fail once, a delay, an "offline" switch) on one port, and on another a page with
 * test/browser/offline-map.harness.ts and app/sw.ts, each bundled with esbuild.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type Browser, chromium, type JSHandle, type Page } from "@playwright/test";
import { build } from "esbuild";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OFFLINE_TILE_CACHE } from "@/domain/tiles";
import type { Harness, RunOptions, RunOutcome } from "../browser/offline-map.harness";

const ROOT = path.resolve(__dirname, "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const tileServer = {
  /** Requests per path. */
  hits: new Map<string, number>(),
  /** Paths answered 500 on their next request only. */
  failOnce: new Set<string>(),
  delayMs: 0,
  /** Drop every connection, as a phone with no signal sees it. */
  offline: false,
  /** Requests that arrived while offline (dropped, not counted in `hits`). */
  dropped: 0,
  total() {
    let sum = 0;
    for (const n of this.hits.values()) sum += n;
    return sum;
  },
  reset() {
    this.hits.clear();
    this.failOnce.clear();
    this.delayMs = 0;
    this.offline = false;
    this.dropped = 0;
  },
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const tiles = createServer((req, res) => {
  const pathname = new URL(req.url ?? "/", "http://x").pathname;
  if (tileServer.offline) {
    tileServer.dropped++;
    req.socket.destroy();
    return;
  }
  tileServer.hits.set(pathname, (tileServer.hits.get(pathname) ?? 0) + 1);
  const respond = () => {
    const cors = !pathname.startsWith("/plain/");
    const headers: Record<string, string> = { "Cache-Control": "no-store", Vary: "Origin" };
    if (cors) headers["Access-Control-Allow-Origin"] = "*";
    if (tileServer.failOnce.delete(pathname)) {
      res.writeHead(500, { ...headers, "Content-Type": "text/plain" }).end("boom");
    } else if (pathname.startsWith("/html/")) {
      res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end("<p>Log in to the Wi-Fi</p>");
    } else {
      res.writeHead(200, { ...headers, "Content-Type": "image/png", "Content-Length": PNG.length }).end(PNG);
    }
  };
  if (tileServer.delayMs > 0) setTimeout(respond, tileServer.delayMs);
  else respond();
});

let harnessJs = "";
let swJs = "";
const app = createServer((req, res) => {
  const pathname = new URL(req.url ?? "/", "http://x").pathname;
  if (pathname === "/harness.js") res.writeHead(200, { "Content-Type": "text/javascript" }).end(harnessJs);
  else if (pathname === "/sw.js") res.writeHead(200, { "Content-Type": "text/javascript" }).end(swJs);
  else if (pathname === "/")
    res
      .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
      .end(
        '<!doctype html><meta charset="utf-8"><title>offline map</title><script src="/harness.js"></script>',
      );
  else res.writeHead(404).end();
});

let tileOrigin = "";
let appOrigin = "";
let browser: Browser | undefined;
let page: Page;

async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    // `@/…` through tsconfig's paths; `client-only` is a marker that must not throw here.
    tsconfig: path.join(ROOT, "tsconfig.json"),
    alias: { "client-only": path.join(ROOT, "node_modules/client-only/index.js") },
    define: { "process.env.NODE_ENV": '"production"', ...define },
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

/** Runs `fn(window.harness, arg)` inside the page (Playwright serialises the function and the argument). */
let harnessHandle: JSHandle<Harness>;
const harness = <T, A = undefined>(fn: (h: Harness, arg: A) => Promise<T>, arg?: A): Promise<T> =>
  harnessHandle.evaluate(fn as never, arg) as Promise<T>;

const run = (urls: string[], options: RunOptions = {}) =>
  harness((h, [u, o]: [string[], RunOptions]) => h.run(u, o), [urls, options] as [string[], RunOptions]);
const stats = (urls?: string[]) => harness((h, u: string[] | undefined) => h.stats(u), urls);

function ok(outcome: RunOutcome) {
  if (!outcome.ok) throw new Error(`download refused or failed: ${JSON.stringify(outcome)}`);
  return outcome;
}

const tileUrls = (prefix: string, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `${tileOrigin}/${prefix}/17/${106800 + (i % 10)}/${56900 + Math.floor(i / 10)}.png`,
  );

describe.skipIf(!existsSync(CHROMIUM))("offline map download in Chromium", () => {
  beforeAll(async () => {
    [tileOrigin, appOrigin] = await Promise.all([listen(tiles), listen(app)]);
    [harnessJs, swJs] = await Promise.all([
      bundle("test/browser/offline-map.harness.ts"),
      bundle("app/sw.ts", { "self.__SW_MANIFEST": "[]" }),
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    page.on("pageerror", (error) => console.error("page error:", error));
    await page.goto(`${appOrigin}/`);
    await page.waitForFunction(() => "harness" in window);
    harnessHandle = await page.evaluateHandle(() => (window as unknown as { harness: Harness }).harness);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([
      new Promise((resolve) => tiles.close(resolve)),
      new Promise((resolve) => app.close(resolve)),
    ]);
  });

  beforeEach(async () => {
    tileServer.reset();
    await harness((h) => h.clear());
  });

  it("downloads every tile with progress, and a second run fetches nothing new", async () => {
    const urls = tileUrls("cors", 30);
    const first = ok(await run(urls, { concurrency: 4 }));
    expect(first.result).toMatchObject({
      total: 30,
      done: 30,
      skipped: 0,
      fetched: 30,
      failed: 0,
      opaque: 0,
      bytes: 30 * PNG.length,
      aborted: false,
      stoppedForStorage: false,
      failures: [],
    });
    // A first event before any fetch, then one per tile, counting up to the total.
    expect(first.events[0]).toMatchObject({ done: 0, total: 30 });
    expect(first.events).toHaveLength(31);
    expect(first.events.map((e) => e.done)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(tileServer.total()).toBe(30);
    expect(await stats(urls)).toEqual({ cached: 30, covered: 30 });

    const second = ok(await run(urls, { concurrency: 4 }));
    expect(second.result).toMatchObject({ total: 30, done: 30, skipped: 30, fetched: 0, failed: 0 });
    expect(second.events).toHaveLength(1);
    expect(tileServer.total()).toBe(30);

    // Adding tiles: only the new ones are fetched.
    const more = tileUrls("cors", 40);
    const third = ok(await run(more));
    expect(third.result).toMatchObject({ total: 40, skipped: 30, fetched: 10 });
    expect(tileServer.total()).toBe(40);
  });

  it("reports a failed tile, goes on with the rest, and fetches it on the next run", async () => {
    const urls = tileUrls("cors", 12);
    const broken = new URL(urls[5]).pathname;
    tileServer.failOnce.add(broken);
    const first = ok(await run(urls, { concurrency: 3 }));
    expect(first.result).toMatchObject({ total: 12, done: 12, fetched: 11, failed: 1 });
    expect(first.result.failures).toEqual([{ url: urls[5], error: "HTTP 500" }]);
    expect(await stats(urls)).toEqual({ cached: 11, covered: 11 });

    const second = ok(await run(urls));
    expect(second.result).toMatchObject({ skipped: 11, fetched: 1, failed: 0, failures: [] });
    expect(tileServer.hits.get(broken)).toBe(2);
    expect(await stats(urls)).toEqual({ cached: 12, covered: 12 });
  });

  it("never stores a page that is not an image (a Wi-Fi login page answering 200)", async () => {
    const urls = tileUrls("html", 2);
    const outcome = ok(await run(urls));
    expect(outcome.result.fetched).toBe(0);
    expect(outcome.result.failures.map((f) => f.error)).toEqual([
      "not an image (text/html)",
      "not an image (text/html)",
    ]);
    expect((await stats(urls)).cached).toBe(0);
  });

  it("reports every tile as failed with no network, storing nothing", async () => {
    tileServer.offline = true;
    const urls = tileUrls("cors", 4);
    const outcome = ok(await run(urls, { concurrency: 2 }));
    expect(outcome.result).toMatchObject({ fetched: 0, failed: 4, done: 4 });
    expect((await stats(urls)).cached).toBe(0);
  });

  it("falls back to no-cors for a server without CORS, storing opaque tiles of unknown size", async () => {
    const urls = tileUrls("plain", 6);
    const outcome = ok(await run(urls, { concurrency: 1 }));
    expect(outcome.result).toMatchObject({ fetched: 6, opaque: 6, bytes: 0, failed: 0 });
    // CORS is tried (and refused by the browser) for the first three tiles only, then no-cors straight away.
    expect(tileServer.total()).toBe(3 * 2 + 3);
    expect(await stats(urls)).toEqual({ cached: 6, covered: 6 });
  });

  it("stops when aborted, keeps what arrived, and resumes with the rest", async () => {
    tileServer.delayMs = 80;
    const urls = tileUrls("cors", 40);
    const stopped = ok(await run(urls, { concurrency: 2, abortAfter: 4 }));
    expect(stopped.result.aborted).toBe(true);
    expect(stopped.result.failed).toBe(0);
    expect(stopped.result.fetched).toBeGreaterThanOrEqual(4);
    expect(stopped.result.fetched).toBeLessThan(8);
    // Nothing more is asked for once the run has returned: the requests in flight at the abort (at most
    // the concurrency) may still reach the server on a busy machine, and then no more.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const requested = tileServer.total();
    expect(requested).toBeLessThanOrEqual(stopped.result.fetched + 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tileServer.total()).toBe(requested);
    expect((await stats(urls)).covered).toBe(stopped.result.fetched);

    tileServer.delayMs = 0;
    const resumed = ok(await run(urls, { concurrency: 4 }));
    expect(resumed.result).toMatchObject({
      skipped: stopped.result.fetched,
      fetched: 40 - stopped.result.fetched,
    });
    expect((await stats(urls)).covered).toBe(40);
  });

  it("refuses before any fetch when there are too many tiles or too little storage", async () => {
    const many = Array.from({ length: 4_001 }, (_, i) => `${tileOrigin}/cors/19/${i}/0.png`);
    expect(await run(many)).toMatchObject({ ok: false, reason: "tooMany", tiles: 4_001 });
    expect(await run(tileUrls("cors", 10), { maxTiles: 9 })).toMatchObject({ ok: false, reason: "tooMany" });

    // 100 tiles at 20 KiB ≈ 2 MB, with 800 kB left below 80 % of a 1 MB quota.
    const urls = tileUrls("cors", 100);
    expect(await run(urls, { fakeEstimate: { usage: 0, quota: 1_000_000 } })).toMatchObject({
      ok: false,
      reason: "storage",
      missing: 100,
      neededBytes: 100 * 20 * 1024,
    });
    // Usage already high: even a little is refused.
    expect(
      await run(tileUrls("cors", 5), { fakeEstimate: { usage: 799_950_000, quota: 1_000_000_000 } }),
    ).toMatchObject({ ok: false, reason: "storage" });
    expect(tileServer.total()).toBe(0);
    expect((await stats()).cached).toBe(0);

    // With room, the same download goes ahead.
    const fine = ok(await run(tileUrls("cors", 5), { fakeEstimate: { usage: 0, quota: 1_000_000_000 } }));
    expect(fine.result.fetched).toBe(5);
  });

  it("stops during the run when the storage nears its quota, keeping what arrived", async () => {
    // The check before starting passes; the one after 5 stored tiles finds usage at 90 % of the quota.
    const outcome = ok(
      await run(tileUrls("cors", 20), {
        concurrency: 1,
        storageCheckEvery: 5,
        fakeEstimate: [
          { usage: 0, quota: 1_000_000_000 },
          { usage: 900_000_000, quota: 1_000_000_000 },
        ],
      }),
    );
    expect(outcome.result).toMatchObject({ stoppedForStorage: true, aborted: false, fetched: 5, failed: 0 });
    expect(tileServer.total()).toBe(5);
    expect((await stats()).cached).toBe(5);
  });

  it("clears the cache", async () => {
    const urls = tileUrls("cors", 5);
    ok(await run(urls));
    expect((await stats(urls)).cached).toBe(5);
    expect(await harness((h) => h.clear())).toBe(true);
    expect(await stats(urls)).toEqual({ cached: 0, covered: 0 });
    expect(await harness((h) => h.cacheContents())).not.toHaveProperty(OFFLINE_TILE_CACHE);
  });

  it("the service worker (app/sw.ts) serves downloaded tiles offline and never caches others", async () => {
    expect(await harness((h, url: string) => h.registerServiceWorker(url), `${appOrigin}/sw.js`)).toBe(true);
    // An opaque (no-cors) tile first: once CORS has worked, a CORS failure counts as the network's.
    const urls = [`${tileOrigin}/plain/17/5/5.png`, ...tileUrls("cors", 3)];
    ok(await run(urls, { concurrency: 1 }));
    // The download's own requests pass through the worker too, and are stored once, in the tile cache.
    const stored = await harness((h) => h.cacheContents());
    expect(stored[OFFLINE_TILE_CACHE]).toHaveLength(4);
    for (const [name, held] of Object.entries(stored))
      if (name !== OFFLINE_TILE_CACHE) expect(held, name).toEqual([]);

    // No signal: downloaded tiles (CORS and opaque) still show, from the cache without asking the
    // network; one not downloaded does not.
    tileServer.offline = true;
    expect(await harness((h, url: string) => h.loadImage(url), urls[1])).toEqual({ ok: true, width: 1 });
    expect(await harness((h, url: string) => h.loadImage(url), urls[0])).toEqual({ ok: true, width: 1 });
    expect(tileServer.dropped).toBe(0);
    const missing = `${tileOrigin}/cors/17/1/1.png`;
    expect((await harness((h, url: string) => h.loadImage(url), missing)).ok).toBe(false);
    expect(tileServer.dropped).toBe(1);

    // With a signal, a tile not downloaded comes from the network and is stored nowhere.
    tileServer.offline = false;
    const browsed = `${tileOrigin}/cors/17/2/2.png`;
    expect(await harness((h, url: string) => h.loadImage(url), browsed)).toEqual({ ok: true, width: 1 });
    expect(tileServer.hits.get("/cors/17/2/2.png")).toBe(1);
    const fetched = `${tileOrigin}/cors/17/3/3.png`;
    expect(await harness((h, url: string) => h.fetchStatus(url), fetched)).toBe(200);
    const contents = await harness((h) => h.cacheContents());
    expect(contents[OFFLINE_TILE_CACHE]).toHaveLength(4);
    for (const held of Object.values(contents)) {
      expect(held).not.toContain(browsed);
      expect(held).not.toContain(fetched);
    }
  });
});
