import { describe, expect, it } from "vitest";
import { wgs84ToGcj02 } from "@/app/_components/gcj";
import {
  BUILDINGS_MARGIN_M,
  estimateTileBytes,
  formatMegabytes,
  gridBoxes,
  type LngLatBox,
  lngLatToTile,
  OFFLINE_TILE_BUFFER,
  TILE_BYTES_ESTIMATE,
  tileBox,
  tilesForBoxes,
  tilesPerZoom,
  tileToLngLat,
  tileUrl,
  tileUrls,
} from "@/domain/tiles";

/**
 * The tile number from the spherical Web Mercator projection in metres (EPSG:3857), a different
 * route to the same numbers than the OSM-wiki formula the code uses.
 */
function mercatorTile(lng: number, lat: number, z: number) {
  const R = 6378137;
  const half = Math.PI * R;
  const mx = (lng * Math.PI * R) / 180;
  const my = R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  const size = (2 * half) / 2 ** z;
  return { x: Math.floor((mx + half) / size), y: Math.floor((half - my) / size) };
}

describe("tile numbers", () => {
  it("puts Guangzhou (23.12N 113.26E) in tile 15/26693/14220", () => {
    // Worked by hand: x = ⌊(113.26 + 180) / 360 · 2^15⌋ = ⌊26693.2⌋; y = ⌊(1 − asinh(tan 23.12°)/π) / 2 · 2^15⌋ = ⌊14220.5⌋.
    expect(lngLatToTile(113.26, 23.12, 15)).toEqual({ x: 26693, y: 14220 });
    expect(mercatorTile(113.26, 23.12, 15)).toEqual({ x: 26693, y: 14220 });
  });

  it("agrees with the metric Web Mercator route at every offline zoom and for places around the world", () => {
    const places: [number, number][] = [
      [113.26, 23.12], // Guangzhou
      [116.397, 39.909], // Beijing
      [121.4737, 31.2304], // Shanghai
      [-0.1276, 51.5072], // London
      [-74.006, 40.7128], // New York
      [151.2093, -33.8688], // Sydney
    ];
    for (const [lng, lat] of places)
      for (let z = 0; z <= 19; z++)
        expect(lngLatToTile(lng, lat, z), `${lng},${lat}@${z}`).toEqual(mercatorTile(lng, lat, z));
  });

  it("knows the published corner cases", () => {
    expect(lngLatToTile(0, 0, 0)).toEqual({ x: 0, y: 0 });
    expect(lngLatToTile(0.0001, -0.0001, 1)).toEqual({ x: 1, y: 1 });
    expect(lngLatToTile(-180, 85.05, 3)).toEqual({ x: 0, y: 0 });
    // Clamped to the world: no tile 2^z.
    expect(lngLatToTile(180, -89, 2)).toEqual({ x: 3, y: 3 });
  });

  it("turns tiles back into their corners", () => {
    const { x, y } = lngLatToTile(113.26, 23.12, 17);
    const box = tileBox({ z: 17, x, y });
    expect(box.west).toBeLessThanOrEqual(113.26);
    expect(box.east).toBeGreaterThan(113.26);
    expect(box.south).toBeLessThanOrEqual(23.12);
    expect(box.north).toBeGreaterThan(23.12);
    expect(tileToLngLat(0, 0, 0)).toEqual({ lng: -180, lat: expect.closeTo(85.0511, 4) });
  });
});

describe("tiles covering boxes", () => {
  // About 300 m × 300 m in Guangzhou's old town, the size of a 300–400 household grid.
  const grid: LngLatBox = { west: 113.259, south: 23.119, east: 113.262, north: 23.122 };

  it("covers each box at zooms 15–19 with the full range of tiles between its corners", () => {
    const tiles = tilesForBoxes([grid]);
    const perZoom = tilesPerZoom(tiles);
    expect(Object.keys(perZoom).map(Number)).toEqual([15, 16, 17, 18, 19]);
    for (let z = 15; z <= 19; z++) {
      const nw = mercatorTile(grid.west, grid.north, z);
      const se = mercatorTile(grid.east, grid.south, z);
      expect(perZoom[z], `z${z}`).toBe((se.x - nw.x + 1) * (se.y - nw.y + 1));
      // Every corner of the box lies in some listed tile.
      for (const [lng, lat] of [
        [grid.west, grid.north],
        [grid.east, grid.south],
        [grid.west, grid.south],
        [grid.east, grid.north],
      ]) {
        const t = mercatorTile(lng, lat, z);
        expect(tiles).toContainEqual({ z, ...t });
      }
    }
    // The tile count of a typical grid is small: tens of tiles, not thousands.
    expect(tiles.length).toBeGreaterThan(20);
    expect(tiles.length).toBeLessThan(120);
  });

  it("lists each tile once when boxes overlap, and orders by zoom, x, y", () => {
    const half: LngLatBox = { ...grid, east: (grid.west + grid.east) / 2 };
    const once = tilesForBoxes([grid]);
    const twice = tilesForBoxes([grid, half, grid]);
    expect(twice).toEqual(once);
    const keys = twice.map((t) => `${t.z}/${t.x}/${t.y}`);
    expect(new Set(keys).size).toBe(keys.length);
    const sorted = [...twice].sort((a, b) => a.z - b.z || a.x - b.x || a.y - b.y);
    expect(twice).toEqual(sorted);
  });

  it("adds the tiles of distant boxes together", () => {
    const far: LngLatBox = { west: 113.3, south: 23.15, east: 113.303, north: 23.153 };
    const a = tilesForBoxes([grid]).length;
    const b = tilesForBoxes([far]).length;
    expect(tilesForBoxes([grid, far])).toHaveLength(a + b);
  });

  it("adds rings of tiles around each box with a buffer, staying inside the world", () => {
    const bare = tilesPerZoom(tilesForBoxes([grid]));
    const buffered = tilesPerZoom(tilesForBoxes([grid], { buffer: OFFLINE_TILE_BUFFER }));
    for (let z = 15; z <= 19; z++) {
      const nw = mercatorTile(grid.west, grid.north, z);
      const se = mercatorTile(grid.east, grid.south, z);
      expect(bare[z]).toBe((se.x - nw.x + 1) * (se.y - nw.y + 1));
      expect(buffered[z], `z${z}`).toBe((se.x - nw.x + 3) * (se.y - nw.y + 3));
    }
    // At the world's corner there is nothing beyond it.
    const corner = tilesForBoxes([{ west: -180, south: 84, east: -179.9, north: 85 }], {
      minZoom: 3,
      maxZoom: 3,
      buffer: 1,
    });
    expect(corner).toEqual([
      { z: 3, x: 0, y: 0 },
      { z: 3, x: 0, y: 1 },
      { z: 3, x: 1, y: 0 },
      { z: 3, x: 1, y: 1 },
    ]);
  });

  it("honours a narrower zoom range", () => {
    const all = tilesPerZoom(tilesForBoxes([grid]));
    const fewer = tilesPerZoom(tilesForBoxes([grid], { minZoom: 15, maxZoom: 18 }));
    expect(Object.keys(fewer).map(Number)).toEqual([15, 16, 17, 18]);
    for (let z = 15; z <= 18; z++) expect(fewer[z]).toBe(all[z]);
  });

  it("moves the boxes by the GCJ-02 offset when the basemap is GCJ-02", () => {
    const [gLat, gLng] = wgs84ToGcj02(grid.south, grid.west);
    // In Guangzhou GCJ-02 lies a few hundred metres off WGS-84 (south-east of it on the map).
    expect(gLng - grid.west).toBeGreaterThan(0.003);
    expect(grid.south - gLat).toBeGreaterThan(0.002);
    const wgs = tilesForBoxes([grid], { minZoom: 19, maxZoom: 19 });
    const gcj = tilesForBoxes([grid], { minZoom: 19, maxZoom: 19, toDisplay: wgs84ToGcj02 });
    const moved = {
      west: gLng,
      south: gLat,
      ...(() => {
        const [nLat, eLng] = wgs84ToGcj02(grid.north, grid.east);
        return { north: nLat, east: eLng };
      })(),
    };
    expect(gcj).toEqual(tilesForBoxes([moved], { minZoom: 19, maxZoom: 19 }));
    expect(gcj).not.toEqual(wgs);
  });
});

describe("grid boxes from what the phone holds", () => {
  const boundary = {
    type: "Polygon",
    coordinates: [
      [
        [113.259, 23.119],
        [113.262, 23.119],
        [113.262, 23.122],
        [113.259, 23.122],
        [113.259, 23.119],
      ],
    ],
  };

  it("uses the boundary when there is one", () => {
    const boxes = gridBoxes(
      [{ id: "g1", boundary, center: [23.12, 113.26] }],
      [{ gridId: "g1", lat: 23.5, lng: 113.5 }],
    );
    expect(boxes).toEqual([{ west: 113.259, south: 23.119, east: 113.262, north: 23.122 }]);
  });

  it("falls back to the buildings' extent with a margin, reading numbers stored as text", () => {
    const [box] = gridBoxes(
      [{ id: "g2", boundary: null, center: null }],
      [
        { gridId: "g2", lat: 23.12, lng: 113.26 },
        { gridId: "g2", lat: "23.121", lng: "113.261" },
        { gridId: "g2", lat: null, lng: null },
        { gridId: "other", lat: 40, lng: 116 },
      ],
    );
    const dLat = BUILDINGS_MARGIN_M / 111_320;
    expect(box.south).toBeCloseTo(23.12 - dLat, 6);
    expect(box.north).toBeCloseTo(23.121 + dLat, 6);
    expect(box.west).toBeLessThan(113.26 - dLat); // a degree of longitude is shorter than one of latitude
    expect(box.east).toBeGreaterThan(113.261 + dLat);
  });

  it("falls back to a square around the centre, and skips a grid with no position at all", () => {
    const boxes = gridBoxes(
      [
        { id: "g3", boundary: null, center: [23.12, 113.26] },
        { id: "g4", boundary: null, center: null },
      ],
      [],
    );
    expect(boxes).toHaveLength(1);
    expect(boxes[0].south).toBeLessThan(23.12);
    expect(boxes[0].north).toBeGreaterThan(23.12);
  });
});

describe("estimate and URLs", () => {
  it("estimates with the documented per-tile size", () => {
    expect(TILE_BYTES_ESTIMATE).toBe(20 * 1024);
    expect(estimateTileBytes(100)).toBe(2_048_000);
    expect(formatMegabytes(estimateTileBytes(100))).toBe("2.0");
    expect(formatMegabytes(estimateTileBytes(4000))).toBe("78");
    expect(formatMegabytes(estimateTileBytes(1))).toBe("0.1");
    expect(formatMegabytes(0)).toBe("0.0");
  });

  it("fills a template the way Leaflet does, {s} by (x + y) % 3", () => {
    const template = "https://{s}.tiles.example.com/{z}/{x}/{y}.png?key=k";
    expect(tileUrl(template, { z: 15, x: 26693, y: 14220 })).toBe(
      `https://${"abc"[(26693 + 14220) % 3]}.tiles.example.com/15/26693/14220.png?key=k`,
    );
    expect(tileUrl(template, { z: 1, x: 0, y: 0 })).toBe("https://a.tiles.example.com/1/0/0.png?key=k");
    expect(tileUrl(template, { z: 1, x: 1, y: 0 })).toBe("https://b.tiles.example.com/1/1/0.png?key=k");
    expect(tileUrl(template, { z: 1, x: 1, y: 1 })).toBe("https://c.tiles.example.com/1/1/1.png?key=k");
    expect(tileUrl("https://webrd0{s}.is.autonavi.com/x={x}&y={y}&z={z}", { z: 3, x: 2, y: 3 }, "1234")).toBe(
      "https://webrd02.is.autonavi.com/x=2&y=3&z=3",
    );
    expect(tileUrl("https://t/{z}/{x}/{-y}{r}.png", { z: 2, x: 1, y: 0 })).toBe("https://t/2/1/3.png");
  });

  it("lists each URL once", () => {
    const tiles = tilesForBoxes([{ west: 113.259, south: 23.119, east: 113.262, north: 23.122 }]);
    const urls = tileUrls("https://t.example.com/{z}/{x}/{y}.png", tiles);
    expect(urls).toHaveLength(tiles.length);
    expect(tileUrls("https://t.example.com/static.png", tiles)).toEqual(["https://t.example.com/static.png"]);
  });
});
