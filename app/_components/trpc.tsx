"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import type { AppRouter } from "@/server/routers";
import { trpcClient } from "./trpc-client-eager";

// Query providers for the screens that read through TanStack Query (supervisor, register, check,
// login). Each of those segments puts <TrpcProviders> in its layout; the officer's /field does not
// (see ./trpc-client).
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // 4xx answers are final; only a network failure or a 5xx is worth another try.
        retry: (failures, error) => {
          const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
          return failures < 2 && (status === undefined || status >= 500);
        },
      },
    },
  });
}

export function TrpcProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
