// Plane geometry for the demo map. Communities are the Voronoi cells of their centres inside the
// street's rectangle, so they tile the street without gaps or overlaps whatever centres they are
// given; grids are equal-area strips of their community. Every shape stays convex, which keeps
// clipping, area and "inside" tests a few lines each.

import type { GeoJsonPolygon } from "../schema";
import type { Random } from "./random";

/** Metres east (x) and north (y) of a projection origin. */
export interface Pt {
  x: number;
  y: number;
}

/** A convex polygon, counter-clockwise, not closed (the last point is not repeated). */
export type Poly = Pt[];

/** Equirectangular projection: at street scale (a few km) its error is far below a building's size. */
export class LocalProjection {
  private readonly mPerDegLng: number;
  private readonly mPerDegLat = 110_574;

  constructor(
    readonly lng0: number,
    readonly lat0: number,
  ) {
    this.mPerDegLng = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  }

  toLngLat(p: Pt): [number, number] {
    return [round7(this.lng0 + p.x / this.mPerDegLng), round7(this.lat0 + p.y / this.mPerDegLat)];
  }

  toLocal(lng: number, lat: number): Pt {
    return { x: (lng - this.lng0) * this.mPerDegLng, y: (lat - this.lat0) * this.mPerDegLat };
  }
}

/** Seven decimals of a degree are about a centimetre: finer is noise, coarser could move a point across an edge. */
export function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

export function rectangle(minX: number, minY: number, maxX: number, maxY: number): Poly {
  return [
    { x: minX, y: minY },
    { x: maxX, y: minY },
    { x: maxX, y: maxY },
    { x: minX, y: maxY },
  ];
}

/** Sutherland–Hodgman against one half-plane: keeps the part where a·x + b·y ≤ c. */
export function clipHalfPlane(poly: Poly, a: number, b: number, c: number): Poly {
  const out: Poly = [];
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const fp = a * p.x + b * p.y - c;
    const fq = a * q.x + b * q.y - c;
    if (fp <= 0) out.push(p);
    if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      out.push({ x: p.x + t * (q.x - p.x), y: p.y + t * (q.y - p.y) });
    }
  }
  return dedupe(out);
}

// Clipping through a vertex yields the same point twice; a zero-length edge has no direction.
function dedupe(poly: Poly): Poly {
  const out: Poly = [];
  for (const p of poly) {
    const last = out[out.length - 1];
    if (!last || Math.hypot(p.x - last.x, p.y - last.y) > 1e-6) out.push(p);
  }
  while (
    out.length > 1 &&
    Math.hypot(out[0].x - out[out.length - 1].x, out[0].y - out[out.length - 1].y) <= 1e-6
  ) {
    out.pop();
  }
  return out;
}

/** Each site's Voronoi cell within `bounds`: the points nearer to it than to any other site. */
export function voronoiCells(sites: readonly Pt[], bounds: Poly): Poly[] {
  return sites.map((s, i) => {
    let cell = bounds;
    for (let j = 0; j < sites.length && cell.length > 0; j++) {
      if (j === i) continue;
      const o = sites[j];
      // |p − s|² ≤ |p − o|²  ⇔  2(o − s)·p ≤ |o|² − |s|²
      cell = clipHalfPlane(
        cell,
        2 * (o.x - s.x),
        2 * (o.y - s.y),
        o.x * o.x + o.y * o.y - s.x * s.x - s.y * s.y,
      );
    }
    return cell;
  });
}

export function polygonArea(poly: Poly): number {
  let sum = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % poly.length];
    sum += p.x * q.y - q.x * p.y;
  }
  return Math.abs(sum) / 2;
}

export function centroid(poly: Poly): Pt {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % poly.length];
    const cross = p.x * q.y - q.x * p.y;
    a += cross;
    cx += (p.x + q.x) * cross;
    cy += (p.y + q.y) * cross;
  }
  if (Math.abs(a) < 1e-9) return poly[0];
  return { x: cx / (3 * a), y: cy / (3 * a) };
}

function bbox(poly: Poly) {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of poly) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { minX, minY, maxX, maxY };
}

/**
 * Cuts a convex polygon into `count` strips of equal area, across its longer side, in order
 * (west→east or south→north), so grid 1, 2, 3 read across the map like a list.
 */
export function equalAreaStrips(poly: Poly, count: number): Poly[] {
  if (count <= 1) return [poly];
  const box = bbox(poly);
  const alongX = box.maxX - box.minX >= box.maxY - box.minY;
  const lo = alongX ? box.minX : box.minY;
  const hi = alongX ? box.maxX : box.maxY;
  const total = polygonArea(poly);
  // Keeps the part with coordinate ≤ t (or ≥ t).
  const below = (p: Poly, t: number) => (alongX ? clipHalfPlane(p, 1, 0, t) : clipHalfPlane(p, 0, 1, t));
  const above = (p: Poly, t: number) => (alongX ? clipHalfPlane(p, -1, 0, -t) : clipHalfPlane(p, 0, -1, -t));
  const cuts: number[] = [];
  for (let k = 1; k < count; k++) {
    const want = (total * k) / count;
    let a = lo;
    let b = hi;
    for (let iter = 0; iter < 60; iter++) {
      const mid = (a + b) / 2;
      if (polygonArea(below(poly, mid)) < want) a = mid;
      else b = mid;
    }
    cuts.push((a + b) / 2);
  }
  const strips: Poly[] = [];
  for (let k = 0; k < count; k++) {
    let strip = poly;
    if (k > 0) strip = above(strip, cuts[k - 1]);
    if (k < count - 1) strip = below(strip, cuts[k]);
    strips.push(strip);
  }
  return strips;
}

/** Distance from p to the nearest edge, positive inside a counter-clockwise convex polygon. */
export function insideDistance(poly: Poly, p: Pt): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i];
    const b = poly[(i + 1) % poly.length];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const d = ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)) / len;
    if (d < min) min = d;
  }
  return min;
}

/**
 * A point well inside `poly` and away from the points already placed: the best of a few random
 * candidates (Mitchell's best-candidate), so buildings spread over their grid instead of clumping.
 */
export function placePoint(rng: Random, poly: Poly, taken: readonly Pt[], margin: number): Pt {
  const box = bbox(poly);
  const c = centroid(poly);
  // A sliver of a grid may have no room for the margin: shrink it rather than fail.
  const depth = insideDistance(poly, c);
  const inset = Math.max(0.5, Math.min(margin, depth * 0.5));
  let best: Pt | null = null;
  let bestScore = -1;
  for (let tries = 0, found = 0; tries < 200 && found < 8; tries++) {
    const p = { x: rng.float(box.minX, box.maxX), y: rng.float(box.minY, box.maxY) };
    if (insideDistance(poly, p) < inset) continue;
    found++;
    let nearest = Number.POSITIVE_INFINITY;
    for (const t of taken) nearest = Math.min(nearest, Math.hypot(t.x - p.x, t.y - p.y));
    if (nearest > bestScore) {
      best = p;
      bestScore = nearest;
    }
  }
  return best ?? c;
}

/** A GeoJSON Polygon (closed ring, counter-clockwise as RFC 7946 asks) in longitude/latitude. */
export function toGeoJson(poly: Poly, projection: LocalProjection): GeoJsonPolygon {
  const ring = poly.map((p) => projection.toLngLat(p));
  ring.push([ring[0][0], ring[0][1]]);
  return { type: "Polygon", coordinates: [ring] };
}

/** Ray casting on a GeoJSON ring: true when (lng, lat) lies inside. For checks, not for generation. */
export function pointInRing(lng: number, lat: number, ring: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
