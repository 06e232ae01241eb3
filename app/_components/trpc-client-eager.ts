"use client";

import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/routers";

/**
 * The page's one tRPC client (httpBatchLink, superjson). The supervisor, register, check and login
 * screens import it with TanStack Query's providers (./trpc); the officer's screens reach it through
 * ./trpc-client, which loads this module at the first call.
 */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })],
});

export type TrpcClient = typeof trpcClient;
