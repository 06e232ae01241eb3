"use client";

import { BUILDING_STATUSES, type DecodedCompletion } from "@/domain/completion";
import { useI18n } from "../../_components/i18n";
import { buildingStatusLabel, StatusSwatch } from "./building-status";

/** Every state with its words and how many buildings are in it; the rule in one sentence below. */
export function Legend({ data }: { data: DecodedCompletion | null }) {
  const { t } = useI18n();
  return (
    <div className="mt-2 px-1" data-testid="map-legend">
      <h2 className="text-sm font-semibold text-gray-700">
        {t(data?.view === "areas" ? "map.legendAreas" : "map.legend")}
      </h2>
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-2">
        {BUILDING_STATUSES.map((status) => (
          <li key={status} className="flex items-center gap-1.5 text-sm font-medium" data-status={status}>
            <StatusSwatch status={status} />
            <span>{buildingStatusLabel(t, status)}</span>
            {data && <span className="text-gray-600 tabular-nums">{data.totals.buildings[status]}</span>}
          </li>
        ))}
      </ul>
      <p className="mt-2 text-sm text-gray-600">{t("map.legendRule")}</p>
    </div>
  );
}
