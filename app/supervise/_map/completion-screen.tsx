"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState, useTransition } from "react";
import { decodeCompletion } from "@/domain/completion";
import { ErrorPanel } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";
import { AreaTrail } from "../_parts/area-trail";
import { BuildingList } from "./building-list";
import { BuildingPanel } from "./building-panel";
import { FiltersForm, type MapFilters } from "./filters";
import { Legend } from "./legend";
import { MapView } from "./map-view";
import type { CompletionMapView } from "./render";

/** A supervisor watching progress sees new visits without reloading. */
const REFRESH_MS = 60_000;

/**
 * The supervisor's home: filters, the completion map with its legend, the building list beside it
 * and, for a chosen building, its rooms. Everything is cut to the caller's area by the server.
 */
export function CompletionScreen() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  // `filters` is declared below; the choices follow the area the map is cut to.
  const [filters, setFilters] = useState<Omit<MapFilters, "campaignId">>({});
  const choices = useQuery({
    ...trpc.map.filters.queryOptions({ areaId: filters.areaId }),
    placeholderData: keepPreviousData,
  });

  // `campaign`: undefined until chosen (then the newest open campaign counts), "" for every campaign.
  const [campaign, setCampaign] = useState<string | undefined>(undefined);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [inView, setInView] = useState<number[] | null>(null);
  const [mapFailed, setMapFailed] = useState(false);
  const [, startTransition] = useTransition();
  const viewRef = useRef<CompletionMapView | null>(null);
  const panelRef = useRef<HTMLElement>(null);

  const defaultCampaign = choices.data?.campaigns.find((c) => c.status === "open")?.id ?? "";
  const campaignChoice = campaign ?? defaultCampaign;
  const dateError = !!(filters.from && filters.to && filters.from > filters.to);
  const input: MapFilters = useMemo(
    () => ({ ...filters, campaignId: campaignChoice || undefined }),
    [filters, campaignChoice],
  );

  const completion = useQuery({
    ...trpc.map.completion.queryOptions(input),
    // The campaign to count is known once the choices are (or failed to come: then every campaign).
    enabled: !choices.isPending && !dateError,
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const data = useMemo(() => (completion.data ? decodeCompletion(completion.data) : null), [completion.data]);
  const selectedIndex = data && selectedId ? data.indexOf(selectedId) : -1;
  const located = useMemo(() => {
    if (!data) return false;
    for (let i = 0; i < data.count; i++) if (!Number.isNaN(data.lat[i])) return true;
    return data.areas.some((a) => a.boundary);
  }, [data]);

  const onView = useCallback((indices: number[]) => {
    // The list follows the map at low priority: a pan never waits for the table.
    startTransition(() => setInView(indices));
  }, []);
  /** Cuts the map to an area (undefined: the caller's own). */
  const drill = useCallback((areaId: string | undefined) => {
    setSelectedId(null);
    setInView(null);
    setFilters((current) => ({ ...current, areaId }));
  }, []);
  const pick = useCallback(
    (index: number, from: "map" | "list") => {
      if (!data) return;
      if (data.view === "areas") {
        // A district's or city's item is an area: go down to it.
        drill(data.ids[index]);
        return;
      }
      setSelectedId(data.ids[index]);
      if (from === "list") viewRef.current?.reveal(index);
      // The panel is beside the map on a wide screen and under it on a phone: bring it into view
      // (no scroll when it already is) and give it focus, so its rooms are read next.
      requestAnimationFrame(() => {
        panelRef.current?.focus({ preventScroll: true });
        panelRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
      });
    },
    [data, drill],
  );
  const onPick = useCallback((index: number) => pick(index, "map"), [pick]);

  const onFailed = useCallback(() => setMapFailed(true), []);

  if (choices.isPending || (completion.isPending && !dateError)) {
    return (
      <p className="p-6 text-center text-gray-600" aria-live="polite">
        {t("map.loading")}
      </p>
    );
  }
  if (completion.error && !completion.data) {
    return <ErrorPanel message={completion.error.message} onRetry={() => completion.refetch()} />;
  }

  const totals = data?.totals;
  const percent = totals?.rooms ? Math.round((100 * totals.done) / totals.rooms) : 0;
  const updatedAt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", {
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(completion.dataUpdatedAt || Date.now()));
  const showMap = !mapFailed && located;

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-end gap-x-3 gap-y-1">
        <div className="min-w-[12rem] flex-1">
          <h1 className="text-2xl font-bold">{t("map.heading")}</h1>
          <p className="text-sm text-gray-600">
            {t("map.asOf", { area: me.data?.areaName ?? "", time: updatedAt })}
            <span aria-live="polite" className="ml-2">
              {completion.isFetching ? t("map.updating") : ""}
            </span>
          </p>
        </div>
        <button
          type="button"
          onClick={() => completion.refetch()}
          className="min-h-11 rounded-lg border border-gray-300 bg-white px-4 text-sm font-medium hover:bg-gray-50"
        >
          {t("map.refresh")}
        </button>
      </div>

      {data && <AreaTrail trail={data.trail} onPick={drill} />}

      <FiltersForm
        value={input}
        choices={choices.data}
        areaName={me.data?.areaName ?? ""}
        campaignChoice={campaignChoice}
        dateError={dateError}
        drilledTo={data && data.trail.length > 1 ? data.trail[data.trail.length - 1] : null}
        onChange={({ campaign: next, ...rest }) => {
          if (next !== undefined) setCampaign(next);
          if (Object.keys(rest).length) setFilters((current) => ({ ...current, ...rest }));
        }}
        onClear={() => {
          setCampaign(undefined);
          setFilters({});
        }}
      />
      {completion.error && (
        <ErrorPanel message={completion.error.message} onRetry={() => completion.refetch()} />
      )}

      {totals && (
        <div className="rounded-xl bg-white p-3 shadow-sm" data-testid="map-progress">
          <p className="flex flex-wrap justify-between gap-x-3 text-base font-semibold">
            <span>{t("map.progress", { done: totals.done, total: totals.rooms, percent })}</span>
            <span className="font-normal text-gray-600">
              {t(data.view === "areas" ? "map.areas" : "map.buildings", { count: data.count })}
            </span>
          </p>
          <div
            className="mt-2 h-3 overflow-hidden rounded-full bg-gray-200"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-label={t("map.progress", { done: totals.done, total: totals.rooms, percent })}
          >
            <div className="h-full bg-status-done" style={{ width: `${percent}%` }} />
          </div>
        </div>
      )}

      {data && data.count === 0 ? (
        <p className="rounded-xl bg-white p-6 text-center text-base text-gray-700 shadow-sm">
          {t("map.empty")}
        </p>
      ) : (
        data && (
          <div className="grid min-w-0 gap-3 lg:grid-cols-[minmax(0,1fr)_24rem]">
            <section className="min-w-0 rounded-xl bg-white p-2 shadow-sm" aria-label={t("map.mapLabel")}>
              {showMap ? (
                <MapView
                  data={data}
                  selected={selectedIndex >= 0 ? selectedIndex : null}
                  viewRef={viewRef}
                  onPick={onPick}
                  onView={onView}
                  onFailed={onFailed}
                />
              ) : (
                <p
                  role={mapFailed ? "alert" : undefined}
                  className="rounded-lg bg-amber-50 p-4 text-base text-amber-950"
                >
                  {mapFailed ? t("map.mapFailed") : t("map.noCoordinates")}
                </p>
              )}
              <p className="mt-2 px-1 text-sm text-gray-700">
                {t(data.view === "areas" ? "map.mapHintAreas" : "map.mapHint")}
              </p>
              <Legend data={data} />
            </section>
            <div className="flex min-w-0 flex-col gap-3">
              {selectedId && (
                <BuildingPanel
                  ref={panelRef}
                  key={selectedId}
                  buildingId={selectedId}
                  filters={input}
                  onClose={() => setSelectedId(null)}
                  onShow={showMap && selectedIndex >= 0 ? () => viewRef.current?.reveal(selectedIndex) : null}
                />
              )}
              <BuildingList
                data={data}
                inView={showMap ? inView : null}
                selectedId={selectedId}
                onSelect={(index) => pick(index, "list")}
              />
            </div>
          </div>
        )
      )}
    </div>
  );
}
