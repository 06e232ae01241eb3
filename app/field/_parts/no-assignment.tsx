"use client";

import { useEffect, useState } from "react";
import { useI18n } from "../../_components/i18n";
import { useTRPCClient } from "../../_components/trpc-client";

/**
 * An officer with no grid in an open campaign has nothing to download: say so, and whom to ask (the
 * supervisors over their area), instead of offering a button that would fetch nothing.
 */
export function NoAssignment() {
  const { t } = useI18n();
  const client = useTRPCClient();
  const [who, setWho] = useState<{ name: string; area: string }[] | null>(null);
  useEffect(() => {
    client.sync.supervisors
      .query()
      .then(setWho)
      .catch(() => setWho([]));
  }, [client]);
  const names = (who ?? []).map((person) => t("field.contact", person)).join(t("field.contactOr"));
  return (
    <div className="rounded-lg bg-amber-50 p-3 text-amber-950" data-testid="no-assignment">
      <p className="text-base font-semibold">{t("field.noAssignment")}</p>
      {who !== null && (
        <p className="mt-1 text-base">
          {names ? t("field.askToAssign", { names }) : t("field.askSupervisor")}
        </p>
      )}
    </div>
  );
}
