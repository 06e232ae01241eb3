import type { ReactNode } from "react";
import { VaultGate } from "./_parts/vault-gate";

/** Every field screen opens behind the vault: the officer's store is shown only once unlocked. */
export default function FieldLayout({ children }: { children: ReactNode }) {
  return <VaultGate>{children}</VaultGate>;
}
