import type { ReactNode } from "react";
import { TrpcProviders } from "../_components/trpc";

// This segment reads through TanStack Query; the officer's /field does not load it (see _components/trpc-client).
export default function RegisterLayout({ children }: { children: ReactNode }) {
  return <TrpcProviders>{children}</TrpcProviders>;
}
