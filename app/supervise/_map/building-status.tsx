"use client";

import type { CSSProperties } from "react";
import type { BuildingStatus } from "@/domain/completion";
import { useI18n } from "../../_components/i18n";
import { STATUS_CLASSES, StatusChip } from "../../_components/status";

/** A partial building: the light green of the map with the dark green share, as on the canvas. */
const partialSwatch = (share: number): CSSProperties => ({
  background: `conic-gradient(var(--color-status-done) 0 ${Math.round(share * 100)}%, color-mix(in srgb, var(--color-status-done) 38%, white) 0)`,
});

export function buildingStatusLabel(t: ReturnType<typeof useI18n>["t"], status: BuildingStatus) {
  return status === "partial" ? t("map.status.partial") : t(`status.${status}`);
}

/** The dot the map draws for a state, for legends and lists. */
export function StatusSwatch({ status, share = 0.5 }: { status: BuildingStatus; share?: number }) {
  const base = "inline-block size-4 shrink-0 rounded-full border-2 border-white shadow-[0_0_0_1px_#9ca3af]";
  if (status === "partial") return <span className={base} style={partialSwatch(share)} aria-hidden />;
  return <span className={`${base} ${STATUS_CLASSES[status]}`} aria-hidden />;
}

/** A building's state as a chip with its words (and, when partly done, the share). */
export function BuildingChip({ status, share }: { status: BuildingStatus; share: number }) {
  const { t } = useI18n();
  if (status !== "partial") return <StatusChip status={status} label={buildingStatusLabel(t, status)} />;
  return (
    <span
      className="inline-flex min-h-7 items-center gap-1.5 rounded-full bg-green-50 px-2.5 text-sm font-semibold whitespace-nowrap text-green-900 ring-1 ring-status-done"
      data-status="partial"
    >
      <StatusSwatch status="partial" share={share} />
      {t("map.status.partial")} {Math.round(share * 100)}%
    </span>
  );
}
