"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import {
  estimateTileBytes,
  formatMegabytes,
  gridBoxes,
  MAX_OFFLINE_TILES,
  OFFLINE_MAX_ZOOM,
  OFFLINE_MIN_ZOOM,
  OFFLINE_REDUCED_MAX_ZOOM,
  OFFLINE_TILE_BUFFER,
  type TileBuilding,
  type TileGrid,
  tilesForBoxes,
  tileUrls,
} from "@/domain/tiles";
import { basemap } from "../../_components/basemap";
import { useI18n } from "../../_components/i18n";
import type { TileDownloadProgress, TileDownloadResult } from "../_lib/offline-map";

type Range = "full" | "reduced";
type Plan = Record<Range, string[]>;

type Phase =
  | { state: "idle" }
  | { state: "running"; progress: TileDownloadProgress | null }
  | { state: "finished"; result: TileDownloadResult }
  | { state: "refused"; reason: "tooMany" | "storage"; tiles: number; neededBytes: number }
  | { state: "cleared" }
  | { state: "error"; message: string };

/**
 * "离线地图" on the work list: the basemap tiles of the officer's grids, zooms 15–19 (or 15–18 when
 * that is too much), downloaded into the cache the service worker serves the map from. The estimate
 * comes first, then the download with a progress bar; the limits in ../_lib/offline-map.ts refuse
 * what the phone's storage cannot hold. With no basemap configured it says so in one line: the map is
 * our own vector data and needs no download.
 */
export function OfflineMapPanel({
  grids,
  buildings,
}: {
  grids: readonly Record<string, unknown>[];
  buildings: readonly Record<string, unknown>[];
}) {
  const { t } = useI18n();
  const [base] = useState(basemap);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [range, setRange] = useState<Range>("full");
  const [stats, setStats] = useState<{ cached: number; covered: number } | null>(null);
  const [phase, setPhase] = useState<Phase>({ state: "idle" });
  const controller = useRef<AbortController | null>(null);
  // Known after mount only, so the server's render and the first client render agree.
  const [cacheApi, setCacheApi] = useState<boolean | null>(null);
  useEffect(() => setCacheApi("caches" in window), []);

  // The tile lists for both zoom ranges, in the basemap's coordinates (GCJ-02 loaded only when used).
  useEffect(() => {
    if (!base) return;
    let cancelled = false;
    const transform =
      base.crs === "gcj02" ? import("../../_components/gcj").then((m) => m.wgs84ToGcj02) : null;
    Promise.resolve(transform)
      .then((toDisplay) => {
        if (cancelled) return;
        const boxes = gridBoxes(grids as unknown as TileGrid[], buildings as unknown as TileBuilding[]);
        const urls = (maxZoom: number) =>
          tileUrls(
            base.tiles.url,
            tilesForBoxes(boxes, {
              minZoom: OFFLINE_MIN_ZOOM,
              maxZoom,
              toDisplay,
              buffer: OFFLINE_TILE_BUFFER,
            }),
            base.tiles.subdomains ?? "abc",
          );
        const next = { full: urls(OFFLINE_MAX_ZOOM), reduced: urls(OFFLINE_REDUCED_MAX_ZOOM) };
        setPlan(next);
        // Too many for one download at 15–19: offer 15–18 first.
        if (next.full.length > MAX_OFFLINE_TILES) setRange("reduced");
      })
      .catch((error) => {
        console.warn("offline map plan failed", error);
        if (!cancelled) setPhase({ state: "error", message: String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [base, grids, buildings]);

  const urls = plan?.[range] ?? null;

  const refreshStats = useCallback(async () => {
    if (!urls || !cacheApi) return;
    const { offlineTileStats } = await import("../_lib/offline-map");
    const now = await offlineTileStats(urls);
    setStats({ cached: now.cached, covered: now.covered ?? 0 });
  }, [urls, cacheApi]);

  useEffect(() => {
    refreshStats().catch((error) => console.warn("offline map stats failed", error));
  }, [refreshStats]);

  // Leaving the page stops a download; what arrived stays cached.
  useEffect(() => () => controller.current?.abort(), []);

  const download = async () => {
    if (!urls) return;
    const abort = new AbortController();
    controller.current = abort;
    setPhase({ state: "running", progress: null });
    try {
      const { downloadTiles, TileLimitError } = await import("../_lib/offline-map");
      try {
        const result = await downloadTiles(urls, {
          signal: abort.signal,
          onProgress: (progress) => setPhase({ state: "running", progress }),
        });
        setPhase({ state: "finished", result });
      } catch (error) {
        if (error instanceof TileLimitError) {
          setPhase({
            state: "refused",
            reason: error.reason,
            tiles: error.tiles,
            neededBytes: error.neededBytes,
          });
        } else throw error;
      }
    } catch (error) {
      console.warn("offline map download failed", error);
      setPhase({ state: "error", message: error instanceof Error ? error.message : String(error) });
    } finally {
      controller.current = null;
      await refreshStats().catch(() => {});
    }
  };

  const clear = async () => {
    const { clearOfflineTiles } = await import("../_lib/offline-map");
    await clearOfflineTiles();
    setPhase({ state: "cleared" });
    await refreshStats();
  };

  if (!base) {
    return (
      <p className="mb-3 rounded-xl bg-white p-3 text-sm text-gray-700 shadow-sm" data-testid="offline-map">
        <span className="font-semibold text-gray-900">{t("offlineMap.title")}</span>
        {" · "}
        {t("offlineMap.notConfigured")}
      </p>
    );
  }

  const running = phase.state === "running";
  const total = urls?.length ?? 0;
  const covered = stats?.covered ?? 0;
  const missing = Math.max(0, total - covered);
  const complete = total > 0 && missing === 0;
  const summary =
    cacheApi === false
      ? t("offlineMap.unsupportedShort")
      : running
        ? t("offlineMap.summaryRunning")
        : t("offlineMap.cached", { count: stats?.cached ?? 0 });
  const overLimit = total > MAX_OFFLINE_TILES;

  return (
    <details className="group mb-3 rounded-xl bg-white shadow-sm" data-testid="offline-map">
      <summary className="flex min-h-12 cursor-pointer list-none items-center gap-2 px-4 text-base [&::-webkit-details-marker]:hidden">
        <span className="font-semibold">{t("offlineMap.title")}</span>
        <span className="min-w-0 flex-1 truncate text-sm text-gray-700">{summary}</span>
        <span aria-hidden className="text-gray-500 transition-transform group-open:rotate-180">
          ▾
        </span>
      </summary>
      <div className="px-4 pb-4">
        {cacheApi === false ? (
          <p className="rounded-lg bg-amber-50 p-3 text-amber-950">{t("offlineMap.unsupported")}</p>
        ) : !plan || cacheApi === null ? (
          <p className="text-gray-700">{t("offlineMap.preparing")}</p>
        ) : plan.full.length === 0 ? (
          <p className="rounded-lg bg-amber-50 p-3 text-amber-950">{t("offlineMap.noPosition")}</p>
        ) : (
          <>
            <p className="mb-2 text-sm text-gray-700">{t("offlineMap.intro")}</p>
            <fieldset className="mb-2" disabled={running}>
              <legend className="mb-1 text-sm font-semibold">{t("offlineMap.range")}</legend>
              {(["full", "reduced"] as const).map((r) => (
                <label key={r} className="flex min-h-11 items-center gap-3 text-base">
                  <input
                    type="radio"
                    name="offline-map-range"
                    className="h-5 w-5"
                    checked={range === r}
                    onChange={() => setRange(r)}
                  />
                  {t(r === "full" ? "offlineMap.rangeFull" : "offlineMap.rangeReduced", {
                    tiles: plan[r].length,
                  })}
                </label>
              ))}
            </fieldset>
            <p className="mb-1 text-lg font-semibold" data-testid="offline-map-estimate">
              {t("offlineMap.estimate", {
                tiles: total,
                mb: formatMegabytes(estimateTileBytes(total)),
              })}
            </p>
            {stats && !running && (
              <p className="mb-3 text-base text-gray-800" data-testid="offline-map-cached">
                {complete
                  ? t("offlineMap.complete", { count: covered })
                  : t("offlineMap.coveredOf", { covered, total })}
              </p>
            )}
            {overLimit && phase.state !== "refused" && (
              <p role="alert" className="mb-3 rounded-lg bg-amber-50 p-3 text-amber-950">
                {t(range === "full" ? "offlineMap.tooMany" : "offlineMap.tooManyReduced", {
                  tiles: total,
                  max: MAX_OFFLINE_TILES,
                })}
              </p>
            )}

            {phase.state === "running" && (
              <div className="mb-3" aria-live="polite">
                <p className="mb-1 text-base">
                  {t("offlineMap.downloading", {
                    done: phase.progress?.done ?? 0,
                    total: phase.progress?.total ?? total,
                  })}
                </p>
                <progress
                  className="h-3 w-full accent-brand"
                  aria-label={t("offlineMap.progressLabel")}
                  value={phase.progress?.done ?? 0}
                  max={phase.progress?.total || total || 1}
                />
              </div>
            )}
            <PhaseMessage phase={phase} range={range} />

            <div className="flex flex-wrap items-center gap-3">
              {running ? (
                <button
                  type="button"
                  onClick={() => controller.current?.abort()}
                  className="min-h-12 rounded-lg border border-gray-400 px-5 text-lg font-bold text-gray-900"
                >
                  {t("offlineMap.cancel")}
                </button>
              ) : (
                !complete && (
                  <button
                    type="button"
                    onClick={() => void download()}
                    disabled={!stats || overLimit}
                    className="min-h-12 rounded-lg bg-brand px-5 text-lg font-bold text-white disabled:opacity-60"
                  >
                    {covered > 0 ? t("offlineMap.resume", { count: missing }) : t("offlineMap.download")}
                  </button>
                )
              )}
              {!running && (stats?.cached ?? 0) > 0 && (
                <button
                  type="button"
                  onClick={() => void clear()}
                  className="min-h-11 rounded-lg px-3 text-base text-gray-700 underline"
                >
                  {t("offlineMap.clear")}
                </button>
              )}
            </div>
          </>
        )}
      </div>
    </details>
  );
}

function PhaseMessage({ phase, range }: { phase: Phase; range: Range }) {
  const { t } = useI18n();
  const box = (tone: "ok" | "warn" | "error", text: string) => (
    <p
      role={tone === "ok" ? "status" : "alert"}
      data-testid="offline-map-message"
      className={`mb-3 rounded-lg p-3 ${
        tone === "ok"
          ? "bg-green-50 text-green-950"
          : tone === "warn"
            ? "bg-amber-50 text-amber-950"
            : "bg-red-50 text-red-900"
      }`}
    >
      {text}
    </p>
  );
  switch (phase.state) {
    case "finished": {
      const { result } = phase;
      if (result.stoppedForStorage)
        return box("error", t("offlineMap.storageStopped", { count: result.fetched }));
      if (result.aborted) return box("warn", t("offlineMap.cancelled", { count: result.fetched }));
      if (result.failed > 0 && result.fetched === 0) return box("error", t("offlineMap.noNetwork"));
      if (result.failed > 0) return box("warn", t("offlineMap.failed", { count: result.failed }));
      return box(
        "ok",
        result.opaque > 0 || result.fetched === 0
          ? t("offlineMap.done", { count: result.fetched })
          : t("offlineMap.doneBytes", { count: result.fetched, mb: formatMegabytes(result.bytes) }),
      );
    }
    case "refused": {
      const reduced = range === "reduced";
      if (phase.reason === "tooMany")
        return box(
          "error",
          t(reduced ? "offlineMap.tooManyReduced" : "offlineMap.tooMany", {
            tiles: phase.tiles,
            max: MAX_OFFLINE_TILES,
          }),
        );
      return box(
        "error",
        t(reduced ? "offlineMap.storageReduced" : "offlineMap.storage", {
          mb: formatMegabytes(phase.neededBytes),
        }),
      );
    }
    case "cleared":
      return box("ok", t("offlineMap.cleared"));
    case "error":
      return box("error", t("offlineMap.error"));
    default:
      return null;
  }
}
