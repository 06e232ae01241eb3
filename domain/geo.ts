/** Distances on the ground, for checking where a visit was recorded. Pure. */

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres between two WGS-84 points (haversine). */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A visit recorded farther than this from its building is flagged for the reviewer. */
export const FAR_FROM_BUILDING_M = 100;
