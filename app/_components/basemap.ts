// The basemap under both maps (the supervisor's completion map and the officer's grid map).
import { tileSettings } from "./public-env";

/** WGS-84 → what the basemap uses (GCJ-02 for most Chinese providers). */
export type DisplayTransform = (lat: number, lng: number) => [number, number];

export interface MapTiles {
  url: string;
  attribution: string;
  subdomains?: string;
}

export type TileCrs = "wgs84" | "gcj02";

/**
 * The optional basemap, from the build's environment (read in app/_components/public-env.ts):
 * NEXT_PUBLIC_TILE_URL (an XYZ template such as https://{s}.tile.example.org/{z}/{x}/{y}.png),
 * NEXT_PUBLIC_TILE_CRS (wgs84, the default, or gcj02), NEXT_PUBLIC_TILE_ATTRIBUTION and
 * NEXT_PUBLIC_TILE_SUBDOMAINS. Without a URL the map draws our own boundaries and buildings only.
 */
export function basemap(): { tiles: MapTiles; crs: TileCrs } | null {
  const settings = tileSettings();
  const url = settings.url?.trim();
  if (!url) return null;
  return {
    tiles: {
      url,
      attribution: settings.attribution?.trim() ?? "",
      subdomains: settings.subdomains?.trim() || undefined,
    },
    crs: settings.crs?.trim().toLowerCase() === "gcj02" ? "gcj02" : "wgs84",
  };
}
