"use client";

import { type RefObject, useEffect, useRef, useState } from "react";
import type { DecodedCompletion } from "@/domain/completion";
import { basemap, type DisplayTransform } from "../../_components/basemap";
import { useI18n } from "../../_components/i18n";
import { leafletApi } from "../../_components/map-kit";
import type { CompletionMapView } from "./render";

/**
 * The Leaflet map, loaded on the client only (Leaflet touches `window` at import) and out of the
 * page's first load. The drawing is app/supervise/_map/render.ts; this component only feeds it.
 */
export function MapView({
  data,
  selected,
  viewRef,
  onPick,
  onView,
  onFailed,
}: {
  data: DecodedCompletion | null;
  selected: number | null;
  /** Set while the map is up, for the page to bring a building into view. */
  viewRef: RefObject<CompletionMapView | null>;
  onPick(index: number): void;
  onView(indices: number[]): void;
  onFailed(): void;
}) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<{ map: CompletionMapView; toDisplay: DisplayTransform | null } | null>(
    null,
  );
  const [failed, setFailed] = useState(false);
  const handlers = useRef({ onPick, onView, onFailed });
  useEffect(() => {
    handlers.current = { onPick, onView, onFailed };
  });

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let cancelled = false;
    let created: CompletionMapView | null = null;
    const base = basemap();
    Promise.all([
      import("leaflet"),
      import("./load"),
      base?.crs === "gcj02" ? import("../../_components/gcj") : null,
    ])
      .then(([leaflet, module, gcj]) => {
        if (cancelled) return;
        created = module.createCompletionMap(leafletApi(leaflet), el, {
          tiles: base?.tiles ?? null,
          onPick: (index) => handlers.current.onPick(index),
          onView: (indices) => handlers.current.onView(indices),
        });
        viewRef.current = created;
        setView({ map: created, toDisplay: gcj?.wgs84ToGcj02 ?? null });
      })
      .catch((error) => {
        console.warn("map failed to load", error);
        if (cancelled) return;
        setFailed(true);
        handlers.current.onFailed();
      });
    return () => {
      cancelled = true;
      created?.remove();
      viewRef.current = null;
      setView(null);
    };
  }, [viewRef]);

  useEffect(() => {
    if (view && data) view.map.setData(data, view.toDisplay);
  }, [view, data]);

  useEffect(() => {
    view?.map.select(selected);
  }, [view, selected]);

  if (failed) {
    return (
      <p role="alert" className="rounded-lg bg-amber-50 p-4 text-base text-amber-950">
        {t("map.mapFailed")}
      </p>
    );
  }
  return (
    <div className="relative">
      <div
        ref={container}
        data-testid="completion-map"
        className="z-0 h-[55vh] min-h-72 w-full overflow-hidden rounded-lg bg-slate-100! font-sans! lg:h-[calc(100dvh-17rem)] lg:min-h-[28rem] [&_.leaflet-bar_a]:size-11! [&_.leaflet-bar_a]:text-2xl! [&_.leaflet-bar_a]:leading-[44px]!"
      />
      {!(view && data) && (
        <p
          className="pointer-events-none absolute inset-0 flex items-center justify-center text-base text-gray-700"
          aria-live="polite"
        >
          {t("map.mapLoading")}
        </p>
      )}
    </div>
  );
}
