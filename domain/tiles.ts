/**
 * Slippy-map (XYZ, Web Mercator, 256 px) tile arithmetic for offline basemaps. Pure: no DOM, no
 * framework. The officer's phone uses it to list the tiles covering its grids, to estimate their
 * size before downloading, and to build each tile's URL exactly as Leaflet's TileLayer would, so
 * the service worker finds a downloaded tile under the URL the map asks for.
 */

/** The Cache API cache that only the explicit download fills; the service worker reads it. */
export const OFFLINE_TILE_CACHE = "doorstep-tiles";

/** Zooms cached for offline use: 15 shows the community, 19 single buildings. */
export const OFFLINE_MIN_ZOOM = 15;
export const OFFLINE_MAX_ZOOM = 19;
/** The smaller choice offered when the full range is too big: over a large area about a quarter of the tiles. */
export const OFFLINE_REDUCED_MAX_ZOOM = 18;

/**
 * Assumed bytes per tile for the estimate shown before a download. 256 px raster tiles of built-up
 * Chinese city areas at zoom 15–19 typically weigh 15–25 KB (PNG street maps; JPEG imagery is in
 * the same range), with empty or water tiles far smaller; 20 KiB is the middle of that range. This
 * is an assumption, not a measurement of the configured provider: the download counts the real bytes
 * of every tile it can read (CORS responses) as it goes.
 */
export const TILE_BYTES_ESTIMATE = 20 * 1024;

/** At most this many tiles in one download (about 80 MB at the estimate above). */
export const MAX_OFFLINE_TILES = 4_000;

/** Refuse a download when the estimate would take the origin's storage above this share of its quota. */
export const STORAGE_SHARE_LIMIT = 0.8;

/**
 * Tiles of margin around each grid at every zoom: the map shows the grid with its surroundings (a
 * phone screen is wider than a grid fitted into it), and one ring of tiles covers about a screen's
 * edge at any zoom, for about twice the tiles of the bare grid at zoom 19.
 */
export const OFFLINE_TILE_BUFFER = 1;

/** Margin around a grid located only by its buildings (points) or its centre, in metres. */
export const BUILDINGS_MARGIN_M = 100;
export const CENTER_MARGIN_M = 300;

/** Web Mercator's limit: beyond it there are no tiles. */
const MAX_LAT = 85.0511287798066;
const METERS_PER_DEGREE_LAT = 111_320;

export type TileCrs = "wgs84" | "gcj02";

/** WGS-84 (our data) → what the basemap draws in; the same shape as the maps' DisplayTransform. */
export type PointTransform = (lat: number, lng: number) => [number, number];

export interface LngLatBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface Tile {
  z: number;
  x: number;
  y: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The tile containing a point at zoom z (clamped to the world's tiles). */
export function lngLatToTile(lng: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const phi = (clamp(lat, -MAX_LAT, MAX_LAT) * Math.PI) / 180;
  const x = Math.floor(((lng + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n);
  return { x: clamp(x, 0, n - 1), y: clamp(y, 0, n - 1) };
}

/** The north-west corner of a tile (x, y may be n for the east or south edge of the last tile). */
export function tileToLngLat(x: number, y: number, z: number): { lng: number; lat: number } {
  const n = 2 ** z;
  const lng = (x / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return { lng, lat };
}

/** A tile's extent in degrees. */
export function tileBox(tile: Tile): LngLatBox {
  const nw = tileToLngLat(tile.x, tile.y, tile.z);
  const se = tileToLngLat(tile.x + 1, tile.y + 1, tile.z);
  return { west: nw.lng, north: nw.lat, east: se.lng, south: se.lat };
}

/** A box grown by `meters` on every side. */
export function expandBox(box: LngLatBox, meters: number): LngLatBox {
  const dLat = meters / METERS_PER_DEGREE_LAT;
  const midLat = (box.south + box.north) / 2;
  const dLng = meters / (METERS_PER_DEGREE_LAT * Math.max(0.01, Math.cos((midLat * Math.PI) / 180)));
  return {
    west: box.west - dLng,
    south: box.south - dLat,
    east: box.east + dLng,
    north: box.north + dLat,
  };
}

/** The extent of some [lng, lat] points, or null when there are none. */
export function boxOfPoints(points: Iterable<readonly [number, number]>): LngLatBox | null {
  let box: LngLatBox | null = null;
  for (const [lng, lat] of points) {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    if (!box) box = { west: lng, south: lat, east: lng, north: lat };
    else {
      box.west = Math.min(box.west, lng);
      box.east = Math.max(box.east, lng);
      box.south = Math.min(box.south, lat);
      box.north = Math.max(box.north, lat);
    }
  }
  return box;
}

/**
 * A WGS-84 box in the basemap's coordinates: its four corners transformed, and the extent of those.
 * The GCJ-02 offset is smooth (a few hundred metres, varying slowly), so corners suffice.
 */
export function transformBox(box: LngLatBox, toDisplay: PointTransform | null | undefined): LngLatBox {
  if (!toDisplay) return box;
  const corners = [
    toDisplay(box.south, box.west),
    toDisplay(box.south, box.east),
    toDisplay(box.north, box.west),
    toDisplay(box.north, box.east),
  ].map(([lat, lng]) => [lng, lat] as const);
  return boxOfPoints(corners) ?? box;
}

/** What the phone holds of a grid (see PullGrid in domain/pull.ts). */
export interface TileGrid {
  id: string;
  /** GeoJSON polygon, [lng, lat] pairs. */
  boundary?: { type: string; coordinates: unknown } | null;
  /** [lat, lng] */
  center?: unknown;
}

/** What the phone holds of a building: its grid and WGS-84 position, when known. */
export interface TileBuilding {
  gridId?: unknown;
  lat?: unknown;
  lng?: unknown;
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function* boundaryPoints(boundary: TileGrid["boundary"]): Generator<[number, number]> {
  if (boundary?.type !== "Polygon" || !Array.isArray(boundary.coordinates)) return;
  for (const ring of boundary.coordinates) {
    if (!Array.isArray(ring)) continue;
    for (const point of ring) {
      if (!Array.isArray(point)) continue;
      const lng = toNumber(point[0]);
      const lat = toNumber(point[1]);
      if (lng !== null && lat !== null) yield [lng, lat];
    }
  }
}

/**
 * One WGS-84 box per grid: its boundary's extent; without a boundary, its buildings' extent grown by
 * BUILDINGS_MARGIN_M; without either, a square of CENTER_MARGIN_M around its centre. A grid with none
 * of these gives no box.
 */
export function gridBoxes(grids: readonly TileGrid[], buildings: readonly TileBuilding[]): LngLatBox[] {
  const boxes: LngLatBox[] = [];
  for (const grid of grids) {
    const outline = boxOfPoints(boundaryPoints(grid.boundary));
    if (outline) {
      boxes.push(outline);
      continue;
    }
    const located: [number, number][] = [];
    for (const building of buildings) {
      if (String(building.gridId) !== grid.id) continue;
      const lat = toNumber(building.lat);
      const lng = toNumber(building.lng);
      if (lat !== null && lng !== null) located.push([lng, lat]);
    }
    const spread = boxOfPoints(located);
    if (spread) {
      boxes.push(expandBox(spread, BUILDINGS_MARGIN_M));
      continue;
    }
    const center = Array.isArray(grid.center) ? grid.center : null;
    const lat = toNumber(center?.[0]);
    const lng = toNumber(center?.[1]);
    if (lat !== null && lng !== null)
      boxes.push(expandBox({ west: lng, south: lat, east: lng, north: lat }, CENTER_MARGIN_M));
  }
  return boxes;
}

/**
 * Every tile covering any of the boxes at zooms minZoom…maxZoom inclusive, each once, ordered by zoom,
 * then x, then y (coarse zooms first: a cancelled download still leaves a usable overview). Boxes are
 * WGS-84; `toDisplay` moves them into the basemap's coordinates first (GCJ-02 for Chinese providers).
 * `buffer` adds that many rings of tiles around each box's tiles (none by default).
 */
export function tilesForBoxes(
  boxes: readonly LngLatBox[],
  options: { minZoom?: number; maxZoom?: number; toDisplay?: PointTransform | null; buffer?: number } = {},
): Tile[] {
  const minZoom = options.minZoom ?? OFFLINE_MIN_ZOOM;
  const maxZoom = options.maxZoom ?? OFFLINE_MAX_ZOOM;
  const buffer = Math.max(0, Math.floor(options.buffer ?? 0));
  const shown = boxes.map((box) => transformBox(box, options.toDisplay));
  const tiles: Tile[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const seen = new Set<number>();
    const n = 2 ** z;
    const atZoom: Tile[] = [];
    for (const box of shown) {
      const nw = lngLatToTile(Math.min(box.west, box.east), Math.max(box.north, box.south), z);
      const se = lngLatToTile(Math.max(box.west, box.east), Math.min(box.north, box.south), z);
      for (let x = Math.max(0, nw.x - buffer); x <= Math.min(n - 1, se.x + buffer); x++)
        for (let y = Math.max(0, nw.y - buffer); y <= Math.min(n - 1, se.y + buffer); y++) {
          const key = x * n + y;
          if (seen.has(key)) continue;
          seen.add(key);
          atZoom.push({ z, x, y });
        }
    }
    atZoom.sort((a, b) => a.x - b.x || a.y - b.y);
    tiles.push(...atZoom);
  }
  return tiles;
}

/** How many tiles at each zoom. */
export function tilesPerZoom(tiles: readonly Tile[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const tile of tiles) counts[tile.z] = (counts[tile.z] ?? 0) + 1;
  return counts;
}

/** The size estimate in bytes for `count` tiles. */
export function estimateTileBytes(count: number, bytesPerTile: number = TILE_BYTES_ESTIMATE): number {
  return count * bytesPerTile;
}

/** Bytes → megabytes for display, one decimal below 10 MB, whole above; never "0" for a non-empty set. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (bytes > 0 && mb < 0.1) return "0.1";
  return mb < 10 ? mb.toFixed(1) : String(Math.round(mb));
}

/**
 * A tile's URL from an XYZ template, as Leaflet's TileLayer builds it: {z} {x} {y}, {-y} (TMS rows),
 * {r} (empty: no retina tiles), and {s} as subdomains[(x + y) % subdomains.length] ("abc" by default).
 */
export function tileUrl(
  template: string,
  tile: Tile,
  subdomains: string | readonly string[] = "abc",
): string {
  const subs = typeof subdomains === "string" ? subdomains.split("") : subdomains;
  const s = subs.length > 0 ? subs[Math.abs(tile.x + tile.y) % subs.length] : "";
  const values: Record<string, string> = {
    s,
    z: String(tile.z),
    x: String(tile.x),
    y: String(tile.y),
    "-y": String(2 ** tile.z - 1 - tile.y),
    r: "",
  };
  return template.replace(/\{ *([\w-]+) *\}/g, (match, key: string) => values[key] ?? match);
}

/** The URLs of the tiles, in order, with duplicates (should a template ignore x, y or z) removed. */
export function tileUrls(template: string, tiles: readonly Tile[], subdomains?: string | readonly string[]) {
  return [...new Set(tiles.map((tile) => tileUrl(template, tile, subdomains)))];
}
