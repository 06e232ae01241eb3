/**
 * The Leaflet side of the grid map. Loaded only with a dynamic import from `grid-map.tsx` (together
 * with Leaflet itself), so neither Leaflet nor its stylesheet is in the /field page's first load.
 * The grid boundary and the buildings are our own vector data, so the map works with no tile server
 * and no signal; a configured basemap (NEXT_PUBLIC_TILE_URL, read by the supervisor map's
 * `basemap()`) is drawn under them, from the offline-map cache when its tiles were downloaded.
 */
import "leaflet/dist/leaflet.css";
import { OFFLINE_MAX_ZOOM } from "@/domain/tiles";
import { ROOM_STATUSES, type RoomStatus } from "@/domain/worklist";
import { type LeafletModule, readStatusColors } from "../../_components/map-kit";

// Re-exported so the page reaches Leaflet through this lazily loaded module only.
export { leafletApi } from "../../_components/map-kit";

import type { DisplayTransform, MapTiles } from "../../_components/basemap";

export interface MapGrid {
  id: string;
  /** GeoJSON, [lng, lat] pairs. */
  boundary: { type: "Polygon"; coordinates: number[][][] } | null;
  /** [lat, lng] */
  center: [number, number] | null;
}

export interface MapBuilding {
  id: string;
  address: string;
  lat: number | null;
  lng: number | null;
  counts: Record<RoomStatus, number>;
}

export interface MapLabels {
  progress(done: number, total: number): string;
  status(status: RoomStatus): string;
  showRooms: string;
}

export interface DrawInput {
  grids: readonly MapGrid[];
  buildings: readonly MapBuilding[];
  labels: MapLabels;
  onPickBuilding(buildingId: string): void;
}

export interface GridMapView {
  draw(input: DrawInput): void;
  remove(): void;
}

/** A building takes the most urgent status any of its rooms has (ROOM_STATUSES is in urgency order). */
export function urgentStatus(counts: Record<RoomStatus, number>): RoomStatus {
  return ROOM_STATUSES.find((status) => counts[status] > 0) ?? "todo";
}

function popupContent(building: MapBuilding, input: DrawInput, colors: Record<RoomStatus, string>) {
  const { labels } = input;
  const total = ROOM_STATUSES.reduce((sum, status) => sum + building.counts[status], 0);
  const done = building.counts.done + building.counts.approved;

  const root = document.createElement("div");
  root.className = "min-w-48 font-sans text-base text-gray-900";
  root.dataset.testid = "map-popup";

  const title = document.createElement("p");
  title.className = "m-0! text-lg font-bold";
  title.textContent = building.address;

  const progress = document.createElement("p");
  progress.className = "m-0! mt-1! text-base";
  progress.textContent = labels.progress(done, total);

  const statuses = document.createElement("ul");
  statuses.className = "mt-2 flex flex-wrap gap-x-3 gap-y-1 text-sm";
  for (const status of ROOM_STATUSES) {
    if (building.counts[status] === 0) continue;
    const item = document.createElement("li");
    item.className = "flex items-center gap-1";
    const swatch = document.createElement("span");
    swatch.className = "inline-block size-3 rounded-full";
    swatch.style.background = colors[status];
    swatch.setAttribute("aria-hidden", "true");
    item.append(swatch, `${labels.status(status)} ${building.counts[status]}`);
    statuses.append(item);
  }

  const button = document.createElement("button");
  button.type = "button";
  button.className = "mt-3 min-h-11 w-full rounded-lg bg-brand px-4 text-base font-bold text-white";
  button.textContent = labels.showRooms;
  button.addEventListener("click", () => input.onPickBuilding(building.id));

  root.append(title, progress, statuses, button);
  return root;
}

export interface GridMapOptions {
  /** The basemap, when one is configured. */
  tiles?: MapTiles | null;
  /** WGS-84 → the basemap's coordinates (GCJ-02 for Chinese providers); none: drawn as they are. */
  toDisplay?: DisplayTransform | null;
}

export function createGridMap(L: LeafletModule, el: HTMLElement, options: GridMapOptions = {}): GridMapView {
  const tiles = options.tiles ?? null;
  const show = (lat: number, lng: number): [number, number] =>
    options.toDisplay ? options.toDisplay(lat, lng) : [lat, lng];
  // A generous hit tolerance: a dot of radius 9 plus 13 px around it is a 44 px touch target.
  const renderer = L.canvas({ tolerance: 13 });
  const map = L.map(el, {
    preferCanvas: true,
    renderer,
    zoomControl: true,
    attributionControl: !!tiles,
    maxZoom: 20,
    // Quarter steps let the grid fill a small screen; whole levels can leave it at half the size.
    zoomSnap: 0.25,
  });
  // Bottom right: under the thumb, and clear of the popups, which open above their dot.
  map.zoomControl.setPosition("bottomright");
  if (tiles) {
    // Native tiles up to the highest zoom the offline download caches, so what is cached is what is shown.
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      subdomains: tiles.subdomains ?? "abc",
      maxNativeZoom: OFFLINE_MAX_ZOOM,
      maxZoom: 20,
    }).addTo(map);
  }
  const boundaries = L.featureGroup().addTo(map);
  const markers = L.featureGroup().addTo(map);
  const colors = readStatusColors(el);
  let fitted = false;

  return {
    draw(input) {
      boundaries.clearLayers();
      markers.clearLayers();

      for (const grid of input.grids) {
        if (!grid.boundary) continue;
        const rings = grid.boundary.coordinates.map((ring) =>
          ring.map(([lng, lat]) => L.latLng(show(lat, lng))),
        );
        L.polygon(rings, {
          renderer,
          interactive: false,
          color: "#1f2937",
          weight: 2,
          fillColor: "#0f5c8c",
          fillOpacity: 0.06,
        }).addTo(boundaries);
      }

      // Most urgent last, so a red dot is never hidden under a green one.
      const located = input.buildings
        .filter((b) => b.lat != null && b.lng != null)
        .map((b) => ({ building: b, status: urgentStatus(b.counts) }))
        .sort((a, b) => ROOM_STATUSES.indexOf(b.status) - ROOM_STATUSES.indexOf(a.status));
      const popupWidth = Math.max(160, Math.min(260, el.clientWidth - 64));
      for (const { building, status } of located) {
        L.circleMarker(show(building.lat!, building.lng!), {
          renderer,
          radius: 9,
          color: "#ffffff",
          weight: 2,
          fillColor: colors[status],
          fillOpacity: 1,
          bubblingMouseEvents: false,
        })
          .bindPopup(() => popupContent(building, input, colors), {
            // Narrow enough to fit whole on a 320 px phone once the map pans it into view.
            minWidth: Math.min(200, popupWidth),
            maxWidth: popupWidth,
            autoPanPadding: [12, 12],
          })
          .addTo(markers);
      }

      // Fit once: redrawing after a visit or a filter change must not undo the officer's pan and zoom.
      if (fitted) return;
      const bounds = L.latLngBounds([]);
      for (const group of [boundaries, markers])
        if (group.getLayers().length > 0) bounds.extend(group.getBounds());
      const center = input.grids.find((g) => g.center)?.center;
      if (bounds.isValid()) {
        // Room for a whole dot at every edge, and no dot under the zoom buttons on the right.
        map.fitBounds(bounds, { paddingTopLeft: [16, 16], paddingBottomRight: [64, 16], maxZoom: 18 });
      } else if (center) map.setView(show(center[0], center[1]), 17);
      else return;
      fitted = true;
    },
    remove() {
      map.remove();
    },
  };
}
