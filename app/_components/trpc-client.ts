"use client";

import type { TrpcClient } from "./trpc-client-eager";

// The officer's screens call procedures directly (pull, push, the grid, the vault's device key) and
// keep their own state in IndexedDB: they never load TanStack Query, and they load the tRPC client
// itself (about 11 KB gzip with superjson) at the first call, not with the page — nothing on their
// first render calls the server, and /field and /field/room have a JavaScript budget. The service
// worker precaches the chunk like every other, so a call made offline still finds it (and fails
// as a network error, as the eager client would).

let loading: Promise<TrpcClient> | null = null;
const load = () => {
  loading ??= import("./trpc-client-eager").then((m) => m.trpcClient);
  return loading;
};

/**
 * A stand-in with the client's shape: `client.sync.push.mutate(input)` walks the path lazily and,
 * when called, loads the real client and makes the same call on it.
 */
function lazyPath(path: readonly string[]): unknown {
  return new Proxy(() => {}, {
    get(_target, key) {
      // Not a thenable: awaiting the client (or a part of it) must not call it.
      if (key === "then" || typeof key === "symbol") return undefined;
      return lazyPath([...path, key]);
    },
    async apply(_target, _this, args: unknown[]) {
      let target: unknown = await load();
      for (const key of path.slice(0, -1)) target = (target as Record<string, unknown>)[key];
      const method = (target as Record<string, (...a: unknown[]) => unknown>)[path[path.length - 1]];
      return method.apply(target, args);
    },
  });
}

const lazyClient = lazyPath([]) as TrpcClient;

export function useTRPCClient(): TrpcClient {
  return lazyClient;
}
