import type { ReactNode } from "react";
import { SuperviseShell } from "./_parts/shell";

export default function SuperviseLayout({ children }: { children: ReactNode }) {
  return <SuperviseShell>{children}</SuperviseShell>;
}
