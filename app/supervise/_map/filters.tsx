"use client";

import { useState } from "react";
import type { AreaLevel } from "@/domain/areas";
import type { CampaignStatus } from "@/domain/campaign";
import { codeLabel, VISIT_OUTCOME } from "@/domain/codes";
import { useI18n } from "../../_components/i18n";

/** What the map counts: map.completion's input (absent: no filter). */
export interface MapFilters {
  campaignId?: string;
  areaId?: string;
  officerId?: string;
  outcome?: (typeof VISIT_OUTCOME)[number]["code"];
  from?: string;
  to?: string;
}

export interface FilterChoices {
  campaigns: { id: string; name: string; status: CampaignStatus }[];
  officers: { id: string; displayName: string; areaId: string; areaName: string }[];
  areas: {
    id: string;
    parentId: string | null;
    level: AreaLevel;
    name: string;
  }[];
}

const fieldClass = "flex min-w-0 flex-col gap-1 text-sm font-medium text-gray-700";
const inputClass =
  "min-h-11 w-full min-w-0 rounded-lg border border-gray-300 bg-white px-2 text-base text-gray-900";

/**
 * The filters above the map: campaign, area (community or grid), officer, outcome and a date range.
 * Each change applies at once; "clear" returns to the open campaign over the whole area.
 */
export function FiltersForm({
  value,
  choices,
  areaName,
  campaignChoice,
  dateError,
  drilledTo,
  onChange,
  onClear,
}: {
  value: MapFilters;
  choices: FilterChoices | undefined;
  areaName: string;
  /** The select's value: a campaign id, or "" for every campaign. */
  campaignChoice: string;
  dateError: boolean;
  /** An area reached by drilling down the map that the list below does not offer (a district, a street). */
  drilledTo?: { id: string; name: string } | null;
  onChange(next: Partial<MapFilters> & { campaign?: string }): void;
  onClear(): void;
}) {
  const { t, locale } = useI18n();
  const communities = (choices?.areas ?? []).filter((a) => a.level === "community");
  const grids = (choices?.areas ?? []).filter((a) => a.level === "grid");
  const looseGrids = grids.filter((g) => !communities.some((c) => c.id === g.parentId));
  const active = [value.areaId, value.officerId, value.outcome, value.from || value.to].filter(
    Boolean,
  ).length;
  // The notice is about which visits count; cutting the map to an area leaves that unchanged.
  const filtered = [value.officerId, value.outcome, value.from || value.to].some(Boolean);
  // On a phone only the campaign shows until asked: the map should not start below the fold.
  const [more, setMore] = useState(false);

  return (
    <form
      className="rounded-xl bg-white p-3 shadow-sm"
      onSubmit={(event) => event.preventDefault()}
      aria-label={t("map.filters")}
      data-testid="map-filters"
    >
      <fieldset className="grid grid-cols-2 gap-x-3 gap-y-2 sm:grid-cols-3 lg:grid-cols-[minmax(0,1.6fr)_repeat(5,minmax(0,1fr))_auto]">
        <legend className="sr-only">{t("map.filters")}</legend>
        <label className={`${fieldClass} col-span-2 sm:col-span-1`}>
          {t("map.campaign")}
          <select
            value={campaignChoice}
            onChange={(event) => onChange({ campaign: event.target.value })}
            className={inputClass}
          >
            <option value="">{t("map.allCampaigns")}</option>
            {(choices?.campaigns ?? []).map((campaign) => (
              <option key={campaign.id} value={campaign.id}>
                {t("map.campaignOption", {
                  name: campaign.name,
                  status: t(`map.campaignStatus.${campaign.status}`),
                })}
              </option>
            ))}
          </select>
        </label>
        <div id="map-more-filters" className={more ? "contents" : "hidden sm:contents"}>
          <label className={fieldClass}>
            {t("map.area")}
            <select
              value={value.areaId ?? ""}
              onChange={(event) => onChange({ areaId: event.target.value || undefined })}
              className={inputClass}
            >
              <option value="">{t("map.allArea", { name: areaName })}</option>
              {drilledTo &&
                !(choices?.areas ?? []).some((a) => a.id === drilledTo.id && a.level !== "street") && (
                  <option value={drilledTo.id}>{drilledTo.name}</option>
                )}
              {communities.map((community) => (
                <optgroup key={community.id} label={community.name}>
                  <option value={community.id}>{community.name}</option>
                  {grids
                    .filter((g) => g.parentId === community.id)
                    .map((grid) => (
                      <option key={grid.id} value={grid.id}>
                        {grid.name}
                      </option>
                    ))}
                </optgroup>
              ))}
              {looseGrids.map((grid) => (
                <option key={grid.id} value={grid.id}>
                  {grid.name}
                </option>
              ))}
            </select>
          </label>
          <label className={fieldClass}>
            {t("map.officer")}
            <select
              value={value.officerId ?? ""}
              onChange={(event) => onChange({ officerId: event.target.value || undefined })}
              className={inputClass}
            >
              <option value="">{t("map.allOfficers")}</option>
              {(choices?.officers ?? []).map((officer) => (
                <option key={officer.id} value={officer.id}>
                  {t("map.officerOption", { name: officer.displayName, area: officer.areaName })}
                </option>
              ))}
            </select>
          </label>
          <label className={fieldClass}>
            {t("map.outcome")}
            <select
              value={value.outcome ?? ""}
              onChange={(event) =>
                onChange({ outcome: (event.target.value || undefined) as MapFilters["outcome"] })
              }
              className={inputClass}
            >
              <option value="">{t("map.allOutcomes")}</option>
              {VISIT_OUTCOME.map((outcome) => (
                <option key={outcome.code} value={outcome.code}>
                  {codeLabel(VISIT_OUTCOME, outcome.code, locale)}
                </option>
              ))}
            </select>
          </label>
          <label className={fieldClass}>
            {t("map.from")}
            <input
              type="date"
              value={value.from ?? ""}
              max={value.to}
              onChange={(event) => onChange({ from: event.target.value || undefined })}
              aria-invalid={dateError || undefined}
              className={inputClass}
            />
          </label>
          <label className={fieldClass}>
            {t("map.to")}
            <input
              type="date"
              value={value.to ?? ""}
              min={value.from}
              onChange={(event) => onChange({ to: event.target.value || undefined })}
              aria-invalid={dateError || undefined}
              aria-describedby={dateError ? "map-date-error" : undefined}
              className={inputClass}
            />
          </label>
        </div>
        <div className="col-span-2 flex items-end gap-3 sm:col-span-1">
          <button
            type="button"
            onClick={() => setMore((open) => !open)}
            aria-expanded={more}
            aria-controls="map-more-filters"
            className="min-h-11 flex-1 rounded-lg border border-brand px-3 text-sm font-medium whitespace-nowrap text-brand sm:hidden"
          >
            {more
              ? t("map.fewerFilters")
              : active
                ? t("map.moreFiltersActive", { count: active })
                : t("map.moreFilters")}
          </button>
          <button
            type="button"
            onClick={onClear}
            disabled={
              !filtered && campaignChoice === (choices?.campaigns.find((c) => c.status === "open")?.id ?? "")
            }
            className="min-h-11 flex-1 rounded-lg border border-gray-300 px-3 text-sm font-medium whitespace-nowrap hover:bg-gray-50 disabled:opacity-50"
          >
            {t("map.clearFilters")}
          </button>
        </div>
      </fieldset>
      {dateError && (
        <p id="map-date-error" role="alert" className="mt-2 text-sm font-medium text-red-800">
          {t("map.dateOrder")}
        </p>
      )}
      {filtered && !dateError && <p className="mt-2 text-sm text-gray-600">{t("map.filtered")}</p>}
    </form>
  );
}
