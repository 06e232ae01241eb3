import type { MapTiles } from "./render";

export type TileCrs = "wgs84" | "gcj02";

/**
 * The optional basemap, from the build's environment (Next inlines NEXT_PUBLIC_* variables):
 * NEXT_PUBLIC_TILE_URL (an XYZ template such as https://{s}.tile.example.org/{z}/{x}/{y}.png),
 * NEXT_PUBLIC_TILE_CRS (wgs84, the default, or gcj02), NEXT_PUBLIC_TILE_ATTRIBUTION and
 * NEXT_PUBLIC_TILE_SUBDOMAINS. Without a URL the map draws our own boundaries and buildings only.
 */
export function basemap(): { tiles: MapTiles; crs: TileCrs } | null {
  const url = process.env.NEXT_PUBLIC_TILE_URL?.trim();
  if (!url) return null;
  return {
    tiles: {
      url,
      attribution: process.env.NEXT_PUBLIC_TILE_ATTRIBUTION?.trim() ?? "",
      subdomains: process.env.NEXT_PUBLIC_TILE_SUBDOMAINS?.trim() || undefined,
    },
    crs: process.env.NEXT_PUBLIC_TILE_CRS?.trim().toLowerCase() === "gcj02" ? "gcj02" : "wgs84",
  };
}
