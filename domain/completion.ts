/**
 * Completion on the supervisor's map: a building's state from the counts of its rooms, the compact
 * payload the map is sent, and its decoding. Pure: no framework, no DOM.
 *
 * A ROOM's state is its state as counted (domain/counts.ts: returned, revisit — including a resident's
 * open dispute newer than the latest visit — checked, todo), over the visits the map's filters count;
 * a checked room whose latest visit is approved shows as approved, and an unsettled conflict on any
 * counted visit of the room shows on top of all:
 *
 *   unsettled conflict → conflict · returned → returned · revisit → revisit · checked and approved →
 *   approved · checked → done · none → todo
 *
 * A BUILDING's state, from its room counts, first rule that holds:
 *
 * | rule                                                     | state    | colour              |
 * |----------------------------------------------------------|----------|---------------------|
 * | a room in conflict                                       | conflict | purple              |
 * | a room returned by review                                | returned | red                 |
 * | no rooms at all                                          | todo     | grey                |
 * | every room approved                                      | approved | blue                |
 * | every room checked                                       | done     | green               |
 * | every room checked or owed a revisit, some owed          | revisit  | amber               |
 * | some rooms checked, others not                           | partial  | light green + share |
 * | only revisits owed so far                                | revisit  | amber               |
 * | nothing counted                                          | todo     | grey                |
 *
 * "Done share" = rooms checked ÷ rooms: the map's 已核查 is the count every screen means by it.
 */

import type { AreaLevel } from "./areas";
import { type RoomCountState, type RoomCounts, roomCountState } from "./counts";
import type { RoomStatus } from "./worklist";

/** A building's state: the one room palette plus `partial`, drawn as a lighter green with its share. */
export type BuildingStatus = RoomStatus | "partial";

/** Legend order: what needs a supervisor first, then progress. Also the drawing order reversed (urgent on top). */
export const BUILDING_STATUSES: readonly BuildingStatus[] = [
  "conflict",
  "returned",
  "revisit",
  "todo",
  "partial",
  "done",
  "approved",
];

/**
 * Room counts of one building, as domain/counts.ts defines them: `visited`, `checked` (of which
 * `approved`), `revisit` (owed a revisit) and `returned`; `conflicts` counts rooms with an unsettled
 * conflict, whatever their state.
 */
export interface CompletionCounts {
  rooms: number;
  visited: number;
  checked: number;
  approved: number;
  returned: number;
  revisit: number;
  conflicts: number;
}

/** Rooms checked: called on, no revisit owed, not sent back. */
export function doneRooms(c: CompletionCounts): number {
  return c.checked;
}

/** Share of rooms checked, 0…1 (0 for a building without rooms). */
export function doneShare(c: CompletionCounts): number {
  return c.rooms > 0 ? Math.min(1, doneRooms(c) / c.rooms) : 0;
}

/** The building's state; the table at the top of this file is the rule. */
export function buildingStatus(c: CompletionCounts): BuildingStatus {
  if (c.conflicts > 0) return "conflict";
  if (c.returned > 0) return "returned";
  if (c.rooms <= 0) return "todo";
  if (c.approved >= c.rooms) return "approved";
  const done = doneRooms(c);
  if (done >= c.rooms) return "done";
  if (c.revisit > 0 && done + c.revisit >= c.rooms) return "revisit";
  if (done > 0) return "partial";
  if (c.revisit > 0) return "revisit";
  return "todo";
}

/** A room's colour: its counted state (approved when checked and approved), a conflict on top. */
export function roomCompletionStatus(
  state: RoomCountState,
  approved: boolean,
  conflict: boolean,
): RoomStatus {
  if (conflict && state !== "todo") return "conflict";
  if (state === "checked") return approved ? "approved" : "done";
  return state;
}

export { roomCountState };

// ---------------------------------------------------------------------------------------------
// The payload of map.completion: areas as objects (a street has tens of them), buildings as columns
// of small numbers, so 10,000 buildings stay a small response.

/** Coordinates travel as integer micro-degrees from `origin` (about 0.1 m): short numbers, no float noise. */
export const MICRODEGREES = 1_000_000;

/**
 * Levels whose map shows their child areas as the map's items instead of buildings: a district or a
 * city holds hundreds of thousands of buildings, more than a map answer should carry or a supervisor
 * can read; a street (up to about 10,000 buildings) is what the building map is built for. An area item
 * is counted, coloured and listed exactly like a building (its rooms' counts summed); choosing one
 * drills down to it.
 */
export const AREA_VIEW_LEVELS: readonly AreaLevel[] = ["city", "district"];

export function isAreaView(level: AreaLevel): boolean {
  return AREA_VIEW_LEVELS.includes(level);
}

/** One step of the way from the caller's area down to the area in view, for breadcrumbs. */
export interface CompletionTrailStep {
  id: string;
  level: AreaLevel;
  name: string;
}

export interface CompletionArea {
  id: string;
  parentId: string | null;
  level: AreaLevel;
  code: string;
  name: string;
  /** GeoJSON polygon rings, [lng, lat] pairs (WGS-84); null when the area has no boundary. */
  boundary: number[][][] | null;
  /** [lat, lng] (WGS-84) or null. */
  center: [number, number] | null;
  /**
   * Grids: the start every building address of the grid shares; each building sends the rest. In an
   * area view (the items are areas), the area's own name, its item's address being empty.
   */
  addressPrefix: string;
}

export interface CompletionColumns {
  id: string[];
  /** Index into `areas` of the building's grid. */
  grid: number[];
  /** Micro-degrees from `origin`; null when the building has no coordinates. */
  lat: (number | null)[];
  lng: (number | null)[];
  /** The address after its grid's `addressPrefix`. */
  address: string[];
  rooms: number[];
  visited: number[];
  checked: number[];
  approved: number[];
  returned: number[];
  revisit: number[];
  conflicts: number[];
}

export interface CompletionPayload {
  /** What the items (`buildings` columns) are: buildings, or the child areas of a district or city. */
  view: "buildings" | "areas";
  /** From the caller's area down to the one in view. */
  trail: CompletionTrailStep[];
  /** [lat, lng] the building coordinates are offsets from. */
  origin: [number, number];
  areas: CompletionArea[];
  buildings: CompletionColumns;
}

/** Decoded for drawing: typed arrays, one status and share per building, and totals for the legend. */
export interface DecodedCompletion {
  view: CompletionPayload["view"];
  trail: CompletionTrailStep[];
  areas: CompletionArea[];
  count: number;
  ids: string[];
  grid: Int32Array;
  /** WGS-84 degrees; NaN when unknown. */
  lat: Float64Array;
  lng: Float64Array;
  rooms: Uint32Array;
  visited: Uint32Array;
  checked: Uint32Array;
  approved: Uint32Array;
  returned: Uint32Array;
  revisit: Uint32Array;
  conflicts: Uint32Array;
  status: BuildingStatus[];
  share: Float32Array;
  /** Full address (grid prefix + rest). */
  address(index: number): string;
  indexOf(id: string): number;
  /** `done` is the rooms checked; `counts` every count of domain/counts.ts summed over the buildings. */
  totals: { buildings: Record<BuildingStatus, number>; rooms: number; done: number; counts: RoomCounts };
}

export function emptyStatusCounts(): Record<BuildingStatus, number> {
  return { conflict: 0, returned: 0, revisit: 0, todo: 0, partial: 0, done: 0, approved: 0 };
}

export function countsAt(d: Pick<DecodedCompletion, keyof CompletionCounts>, i: number): CompletionCounts {
  return {
    rooms: d.rooms[i],
    visited: d.visited[i],
    checked: d.checked[i],
    approved: d.approved[i],
    returned: d.returned[i],
    revisit: d.revisit[i],
    conflicts: d.conflicts[i],
  };
}

export function decodeCompletion(payload: CompletionPayload): DecodedCompletion {
  const b = payload.buildings;
  const n = b.id.length;
  const [lat0, lng0] = payload.origin;
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  const share = new Float32Array(n);
  const status: BuildingStatus[] = new Array(n);
  const byStatus = emptyStatusCounts();
  const cols = {
    rooms: Uint32Array.from(b.rooms),
    visited: Uint32Array.from(b.visited),
    checked: Uint32Array.from(b.checked),
    approved: Uint32Array.from(b.approved),
    returned: Uint32Array.from(b.returned),
    revisit: Uint32Array.from(b.revisit),
    conflicts: Uint32Array.from(b.conflicts),
  };
  let rooms = 0;
  let done = 0;
  const counts: RoomCounts = { rooms: 0, visited: 0, checked: 0, approved: 0, revisitDue: 0, returned: 0 };
  for (let i = 0; i < n; i++) {
    const la = b.lat[i];
    const ln = b.lng[i];
    lat[i] = la == null ? Number.NaN : lat0 + la / MICRODEGREES;
    lng[i] = ln == null ? Number.NaN : lng0 + ln / MICRODEGREES;
    const c = countsAt(cols, i);
    const s = buildingStatus(c);
    status[i] = s;
    share[i] = doneShare(c);
    byStatus[s] += 1;
    rooms += c.rooms;
    done += Math.min(c.rooms, doneRooms(c));
    counts.rooms += c.rooms;
    counts.visited += c.visited;
    counts.checked += c.checked;
    counts.approved += c.approved;
    counts.revisitDue += c.revisit;
    counts.returned += c.returned;
  }
  const grid = Int32Array.from(b.grid);
  let index: Map<string, number> | null = null;
  return {
    view: payload.view,
    trail: payload.trail,
    areas: payload.areas,
    count: n,
    ids: b.id,
    grid,
    lat,
    lng,
    ...cols,
    status,
    share,
    address: (i) => (payload.areas[grid[i]]?.addressPrefix ?? "") + b.address[i],
    indexOf(id) {
      index ??= new Map(b.id.map((value, i) => [value, i]));
      return index.get(id) ?? -1;
    },
    totals: { buildings: byStatus, rooms, done, counts },
  };
}

/** The longest start all strings share (for a grid's addresses). */
export function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return "";
  let prefix = values[0];
  for (const value of values) {
    let i = 0;
    while (i < prefix.length && i < value.length && prefix.charCodeAt(i) === value.charCodeAt(i)) i++;
    prefix = prefix.slice(0, i);
    if (!prefix) break;
  }
  // Never split a surrogate pair.
  const last = prefix.charCodeAt(prefix.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix;
}

/** Encodes a degree value as micro-degrees from an origin. */
export function toMicro(value: number | null, origin: number): number | null {
  return value == null || !Number.isFinite(value) ? null : Math.round((value - origin) * MICRODEGREES);
}

/** An area as the database holds it. */
export interface CompletionAreaRow {
  id: string;
  parentId: string | null;
  level: CompletionArea["level"];
  code: string;
  name: string;
  boundary: { type: string; coordinates: number[][][] } | null;
  centerLat: number | null;
  centerLng: number | null;
}

/** A building with its room counts, in the order the map lists them (grid by grid). */
export interface CompletionBuildingRow extends CompletionCounts {
  id: string;
  gridId: string;
  lat: number | null;
  lng: number | null;
  address: string;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** An area row as the map draws it (without its address prefix). */
function areaOf(a: CompletionAreaRow): Omit<CompletionArea, "addressPrefix"> {
  return {
    id: a.id,
    parentId: a.parentId,
    level: a.level,
    code: a.code,
    name: a.name,
    boundary:
      a.boundary?.type === "Polygon" && Array.isArray(a.boundary.coordinates) ? a.boundary.coordinates : null,
    center: a.centerLat != null && a.centerLng != null ? [a.centerLat, a.centerLng] : null,
  };
}

/** Rows to the compact payload: addresses after their grid's shared start, coordinates as micro-degree offsets. */
export function encodeCompletion(
  areaRows: readonly CompletionAreaRow[],
  buildingRows: readonly CompletionBuildingRow[],
  trail: CompletionTrailStep[] = [],
): CompletionPayload {
  const areaIndex = new Map(areaRows.map((a, i) => [a.id, i]));
  const addressesByGrid = new Map<string, string[]>();
  for (const b of buildingRows) {
    const list = addressesByGrid.get(b.gridId);
    if (list) list.push(b.address);
    else addressesByGrid.set(b.gridId, [b.address]);
  }
  const areas: CompletionArea[] = areaRows.map((a) => ({
    ...areaOf(a),
    addressPrefix: a.level === "grid" ? commonPrefix(addressesByGrid.get(a.id) ?? []) : "",
  }));

  const located = buildingRows.find((b) => b.lat != null && b.lng != null);
  const center = areas.find((a) => a.center)?.center;
  const origin: [number, number] = center
    ? [round3(center[0]), round3(center[1])]
    : located
      ? [round3(located.lat as number), round3(located.lng as number)]
      : [0, 0];

  const columns: CompletionColumns = {
    id: [],
    grid: [],
    lat: [],
    lng: [],
    address: [],
    rooms: [],
    visited: [],
    checked: [],
    approved: [],
    returned: [],
    revisit: [],
    conflicts: [],
  };
  for (const b of buildingRows) {
    const grid = areaIndex.get(b.gridId) ?? -1;
    columns.id.push(b.id);
    columns.grid.push(grid);
    columns.lat.push(toMicro(b.lat, origin[0]));
    columns.lng.push(toMicro(b.lng, origin[1]));
    columns.address.push(b.address.slice(areas[grid]?.addressPrefix.length ?? 0));
    columns.rooms.push(b.rooms);
    columns.visited.push(b.visited);
    columns.checked.push(b.checked);
    columns.approved.push(b.approved);
    columns.returned.push(b.returned);
    columns.revisit.push(b.revisit);
    columns.conflicts.push(b.conflicts);
  }
  return { view: "buildings", trail, origin, areas, buildings: columns };
}

/**
 * A district's or city's map: each child area is an item at its centre (no centre: not placed), its
 * name as the address, with the counts of its rooms.
 */
export function encodeAreaCompletion(
  rows: readonly (CompletionAreaRow & CompletionCounts)[],
  trail: CompletionTrailStep[],
): CompletionPayload {
  const areas: CompletionArea[] = rows.map((a) => ({
    ...areaOf(a),
    addressPrefix: a.name,
  }));
  const center = areas.find((a) => a.center)?.center;
  const origin: [number, number] = center ? [round3(center[0]), round3(center[1])] : [0, 0];
  return {
    view: "areas",
    trail,
    origin,
    areas,
    buildings: {
      id: rows.map((a) => a.id),
      grid: rows.map((_, i) => i),
      lat: areas.map((a) => toMicro(a.center?.[0] ?? null, origin[0])),
      lng: areas.map((a) => toMicro(a.center?.[1] ?? null, origin[1])),
      address: rows.map(() => ""),
      rooms: rows.map((a) => a.rooms),
      visited: rows.map((a) => a.visited),
      checked: rows.map((a) => a.checked),
      approved: rows.map((a) => a.approved),
      returned: rows.map((a) => a.returned),
      revisit: rows.map((a) => a.revisit),
      conflicts: rows.map((a) => a.conflicts),
    },
  };
}
