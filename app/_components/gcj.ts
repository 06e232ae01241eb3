/**
 * WGS-84 → GCJ-02 for basemaps from Chinese providers (AutoNavi, Tencent…), which draw in GCJ-02:
 * our coordinates are WGS-84 and would sit a few hundred metres off without it. Loaded only when
 * NEXT_PUBLIC_TILE_CRS=gcj02.
 */
import gcoord from "gcoord";
import type { DisplayTransform } from "./basemap";

export const wgs84ToGcj02: DisplayTransform = (lat, lng) => {
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02);
  return [y, x];
};
