"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { ROOM_STATUSES, type RoomStatus } from "@/domain/worklist";
import { basemap } from "../../_components/basemap";
import { useI18n } from "../../_components/i18n";
import { STATUS_CLASSES } from "../../_components/status";
import type { GridMapView, MapBuilding, MapGrid } from "./grid-map-view";

function asMapGrid(row: Record<string, unknown>): MapGrid {
  const boundary = row.boundary as MapGrid["boundary"] | undefined;
  const center = row.center as MapGrid["center"] | undefined;
  return {
    id: String(row.id),
    boundary: boundary?.type === "Polygon" && Array.isArray(boundary.coordinates) ? boundary : null,
    center: Array.isArray(center) && center.length === 2 ? center : null,
  };
}

/**
 * The officer's grid on a map: the boundary, and each building as a dot in the colour of its most
 * urgent status. Leaflet (and its CSS) load on first use, from the precached build, so the map works
 * offline and costs the list view nothing.
 */
export function GridMap({
  grids,
  buildings,
  onPickBuilding,
}: {
  grids: readonly Record<string, unknown>[];
  buildings: readonly MapBuilding[];
  onPickBuilding(buildingId: string): void;
}) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<GridMapView | null>(null);
  const [failed, setFailed] = useState(false);
  const pick = useRef(onPickBuilding);
  useEffect(() => {
    pick.current = onPickBuilding;
  });

  const mapGrids = useMemo(() => grids.map(asMapGrid), [grids]);
  const hasGeometry =
    mapGrids.some((g) => g.boundary || g.center) || buildings.some((b) => b.lat != null && b.lng != null);

  useEffect(() => {
    const el = container.current;
    if (!el || !hasGeometry) return;
    let cancelled = false;
    let created: GridMapView | null = null;
    // The same basemap and GCJ-02 handling as the supervisor's map; gcoord loads only when needed.
    const base = basemap();
    Promise.all([
      import("leaflet"),
      import("./grid-map-view"),
      base?.crs === "gcj02" ? import("../../_components/gcj") : null,
    ])
      .then(([leaflet, module, gcj]) => {
        if (cancelled) return;
        created = module.createGridMap(module.leafletApi(leaflet), el, {
          tiles: base?.tiles ?? null,
          toDisplay: gcj?.wgs84ToGcj02 ?? null,
        });
        setView(created);
      })
      .catch((error) => {
        console.warn("map failed to load", error);
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      created?.remove();
      setView(null);
    };
  }, [hasGeometry]);

  useEffect(() => {
    view?.draw({
      grids: mapGrids,
      buildings,
      labels: {
        progress: (done, total) => t("field.progress", { done, total }),
        status: (status: RoomStatus) => t(`status.${status}`),
        showRooms: t("field.mapShowRooms"),
      },
      onPickBuilding: (id) => pick.current(id),
    });
  }, [view, mapGrids, buildings, t]);

  return (
    <section className="mb-3 rounded-xl bg-white p-2 shadow-sm" aria-label={t("field.mapLabel")}>
      {hasGeometry && !failed ? (
        <div className="relative">
          <div
            ref={container}
            data-testid="grid-map"
            className="z-0 h-[60vh] min-h-72 w-full overflow-hidden rounded-lg bg-slate-100! font-sans! [&_.leaflet-bar_a]:size-11! [&_.leaflet-bar_a]:text-2xl! [&_.leaflet-bar_a]:leading-[44px]! [&_.leaflet-popup-close-button]:size-11! [&_.leaflet-popup-close-button]:text-2xl! [&_.leaflet-popup-close-button]:leading-[44px]! [&_.leaflet-popup-content]:my-3! [&_.leaflet-popup-content]:mr-10!"
          />
          {!view && (
            <p
              className="absolute inset-0 flex items-center justify-center text-base text-gray-700"
              aria-live="polite"
            >
              {t("field.mapLoading")}
            </p>
          )}
        </div>
      ) : (
        <p
          role={failed ? "alert" : undefined}
          className="rounded-lg bg-amber-50 p-4 text-base text-amber-950"
        >
          {failed ? t("field.mapFailed") : t("field.mapNoCoordinates")}
        </p>
      )}
      <p className="mt-2 px-1 text-sm text-gray-700">{t("field.mapHint")}</p>
      <div className="mt-2 px-1" data-testid="map-legend">
        <h2 className="sr-only">{t("field.mapLegend")}</h2>
        <ul className="flex flex-wrap gap-x-4 gap-y-2" aria-label={t("field.mapLegend")}>
          {ROOM_STATUSES.map((status) => (
            <li key={status} className="flex items-center gap-1.5 text-sm font-medium">
              <span
                className={`inline-block size-4 rounded-full border-2 border-white shadow-[0_0_0_1px_#9ca3af] ${STATUS_CLASSES[status]}`}
                aria-hidden
              />
              {t(`status.${status}`)}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
