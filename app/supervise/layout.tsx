import type { ReactNode } from "react";
import { TrpcProviders } from "../_components/trpc";
import { SuperviseShell } from "./_parts/shell";

export default function SuperviseLayout({ children }: { children: ReactNode }) {
  return (
    <TrpcProviders>
      <SuperviseShell>{children}</SuperviseShell>
    </TrpcProviders>
  );
}
