/// <reference lib="webworker" />
import { defaultCache } from "@serwist/turbopack/worker";
import {
  CacheFirst,
  NetworkOnly,
  type PrecacheEntry,
  type RuntimeCaching,
  Serwist,
  type SerwistGlobalConfig,
} from "serwist";
import { OFFLINE_TILE_CACHE } from "../domain/tiles";

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

/**
 * Basemap tiles: cross-origin image requests (the configured tile server; the app's own images are
 * same-origin) are answered from the offline-map cache that "下载离线地图" fills
 * (app/field/_lib/offline-map.ts), else from the network WITHOUT storing the answer: only the explicit
 * download fills that cache, so its size limit holds, and browsing the map never eats the phone's
 * storage. Cross-origin fetch() calls (destination "") take the same route: the app's only ones are
 * the download's own tile requests, which defaultCache's cross-origin route would otherwise store a
 * second time. Placed ahead of defaultCache so it wins. `ignoreVary`: tiles were stored from a CORS
 * fetch and are asked for by <img> without an Origin header.
 */
const offlineTiles: RuntimeCaching = {
  matcher: ({ request, sameOrigin }) =>
    !sameOrigin &&
    request.method === "GET" &&
    (request.destination === "image" || request.destination === ""),
  handler: new CacheFirst({
    cacheName: OFFLINE_TILE_CACHE,
    matchOptions: { ignoreVary: true },
    plugins: [{ cacheWillUpdate: async () => null }],
  }),
};

/**
 * The resident self-check is online only, and the visit slip's QR link carries the household's code in
 * its URL (`/check?code=…`): never store it. defaultCache would keep the page under that URL in its
 * "others" cache; this route, ahead of it, goes to the network only (offline: the /offline fallback).
 */
const residentCheck: RuntimeCaching = {
  matcher: ({ url, sameOrigin }) =>
    sameOrigin && (url.pathname === "/check" || url.pathname.startsWith("/check/")),
  handler: new NetworkOnly(),
};

/**
 * The app's API answers (tRPC, exports, photos, rejected rows) are one user's data at one moment, sent
 * with Cache-Control: no-store; defaultCache would still keep the last 16 GET answers under /api/ for a
 * day in its "apis" cache — register rows and export files in clear beside the phone's encrypted store,
 * and a stale `auth.me` after a logout. They go to the network only; the phone keeps what it needs
 * offline in its own (encrypted) IndexedDB.
 */
const api: RuntimeCaching = {
  matcher: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith("/api/"),
  handler: new NetworkOnly(),
};

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  // A new version waits until the officer chooses to reload: never swap code under a half-filled form.
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: true,
  precacheOptions: { ignoreURLParametersMatching: [/.*/] },
  runtimeCaching: [residentCheck, api, offlineTiles, ...defaultCache],
  fallbacks: {
    entries: [{ url: "/offline", matcher: ({ request }) => request.destination === "document" }],
  },
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") void self.skipWaiting();
});

serwist.addEventListeners();
