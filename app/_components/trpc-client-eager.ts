"use client";

import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/routers";

// One plain tRPC client for the whole page. The officer's screens call procedures directly (pull,
// push, grid) and keep their own state in IndexedDB, so they use this client alone and never load
// TanStack Query and its tRPC binding (about 12 KB gzip of /field's JavaScript budget); the
// supervisor, register, check and login screens wrap it in the query providers of ./trpc.
const trpcClient = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })],
});

export type TrpcClient = typeof trpcClient;

export function useTRPCClient(): TrpcClient {
  return trpcClient;
}
