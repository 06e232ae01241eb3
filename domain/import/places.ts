// Import of buildings and of rooms, the pure part. Two kinds, not one "places" kind: departments return
// them at two grains (one row per building with its address and coordinates; one row per room with its
// floor, use and area), and a rooms file would otherwise repeat every building's columns on every room.
// Import buildings first: a room names its building by code and the building must exist.
//
// - A building is upserted by 建筑物编码. It lies in a grid: 网格编码 names it (a grid of the community
//   given); a new building without one is rejected, an existing one keeps its grid (moving a building
//   to another grid would move everyone in it, which is not an import's call).
// - A room is upserted by 建筑物编码 + 单元 + 房号 and lies in its building's grid.

import { PROPERTY_TYPE, ROOM_USE } from "../codes";
import { type BuildingOutput, buildingSchema, type RoomOutput, roomSchema } from "../schemas/place";
import {
  type ColumnSpec,
  given,
  type HeaderMap,
  PLACE_COLUMNS,
  type PlaceRef,
  RowReader,
  type RowResult,
  readPlace,
} from "./columns";

export type BuildingField =
  | "address"
  | "name"
  | "floors"
  | "use"
  | "propertyType"
  | "lat"
  | "lng"
  | "gridCode"
  | "communityCode"
  | "buildingCode";

/** 中文表头 → field. Documented in README ("导入楼栋与房屋"). */
export const BUILDING_COLUMNS: readonly ColumnSpec<BuildingField>[] = [
  PLACE_COLUMNS.buildingCode,
  { field: "address", header: "标准地址", aliases: ["地址", "楼栋地址", "门牌地址"], required: true },
  { field: "name", header: "建筑物名称", aliases: ["楼栋名称", "楼名"] },
  { field: "floors", header: "层数", aliases: ["总层数", "地上层数"], kind: "int" },
  { field: "use", header: "房屋用途", aliases: ["用途", "建筑用途"], codes: ROOM_USE },
  { field: "propertyType", header: "产权类型", aliases: ["产权性质"], codes: PROPERTY_TYPE },
  { field: "lng", header: "经度", aliases: [], kind: "number" },
  { field: "lat", header: "纬度", aliases: [], kind: "number" },
  PLACE_COLUMNS.communityCode,
  { field: "gridCode", header: "网格编码", aliases: ["网格代码", "网格号"] },
];

const BUILDING_FIELDS: BuildingField[] = ["address", "name", "floors", "use", "propertyType", "lat", "lng"];

export interface BuildingImportRecord {
  building: Partial<BuildingOutput> & { address: string };
  place: PlaceRef;
  gridCode: string | null;
}

export function parseBuildingRow(
  map: HeaderMap<BuildingField>,
  cells: readonly string[],
): RowResult<BuildingImportRecord> {
  const reader = new RowReader(BUILDING_COLUMNS, map, cells);
  const input = reader.input(BUILDING_FIELDS);
  const parsed = buildingSchema.safeParse(input);
  if (!parsed.success)
    reader.zodProblems(parsed.error.issues, (head) => (head || "address") as BuildingField);
  const place = readPlace(reader, { room: "none" });
  const gridCode = reader.cell("gridCode") || null;
  if (gridCode !== null && !/^\d{15}$/.test(gridCode)) reader.problem("gridCode", "import.grid.format");
  if (reader.problems.length > 0 || !parsed.success) return { ok: false, problems: reader.problems };
  return {
    ok: true,
    record: { building: given(parsed.data, input) as BuildingImportRecord["building"], place, gridCode },
    warnings: reader.warnings,
  };
}

export const buildingKey = (record: BuildingImportRecord) => record.place.buildingCode;

export type RoomField = "floor" | "use" | "areaM2" | "ownerName" | keyof typeof PLACE_COLUMNS;

export const ROOM_COLUMNS: readonly ColumnSpec<RoomField>[] = [
  PLACE_COLUMNS.communityCode,
  PLACE_COLUMNS.buildingCode,
  PLACE_COLUMNS.unitNo,
  PLACE_COLUMNS.roomNo,
  { field: "floor", header: "楼层", aliases: ["所在层", "层"], required: true, kind: "int" },
  { field: "use", header: "房屋用途", aliases: ["用途"], codes: ROOM_USE },
  {
    field: "areaM2",
    header: "面积",
    aliases: ["建筑面积", "面积(平方米)", "面积（平方米）"],
    kind: "number",
  },
  { field: "ownerName", header: "产权人", aliases: ["业主", "房主"] },
];

const ROOM_FIELDS: RoomField[] = ["floor", "use", "areaM2", "ownerName"];

export interface RoomImportRecord {
  room: Partial<RoomOutput> & { floor: number };
  place: PlaceRef & { roomNo: string };
}

export function parseRoomRow(
  map: HeaderMap<RoomField>,
  cells: readonly string[],
): RowResult<RoomImportRecord> {
  const reader = new RowReader(ROOM_COLUMNS, map, cells);
  const input = reader.input(ROOM_FIELDS);
  // A new room is residential unless the file says otherwise; an existing one keeps its use.
  const parsed = roomSchema.safeParse({ use: "1", ...input });
  if (!parsed.success) reader.zodProblems(parsed.error.issues, (head) => (head || "floor") as RoomField);
  const place = readPlace(reader, { room: "required" });
  if (reader.problems.length > 0 || !parsed.success) return { ok: false, problems: reader.problems };
  return {
    ok: true,
    record: {
      room: given(parsed.data, input) as RoomImportRecord["room"],
      place: { ...place, roomNo: place.roomNo as string },
    },
    warnings: reader.warnings,
  };
}

export const roomKeyOf = (place: { buildingCode: string; unitNo: string | null; roomNo: string | null }) =>
  `${place.buildingCode}|${place.unitNo ?? ""}|${place.roomNo ?? ""}`;
export const roomImportKey = (record: RoomImportRecord) => roomKeyOf(record.place);
