// The import kinds: each a header table, a row parser and a natural key. The engine that reads files and
// writes batches (server/services/import.ts) is one for all of them.

import type { ColumnSpec, HeaderMap, RowResult } from "./columns";
import type { ImportKind } from "./kinds";
import {
  type ImportField,
  PERSON_COLUMNS,
  type PersonImportRecord,
  personKey,
  personRowParser,
} from "./persons";
import {
  BUILDING_COLUMNS,
  type BuildingField,
  type BuildingImportRecord,
  buildingKey,
  parseBuildingRow,
  parseRoomRow,
  ROOM_COLUMNS,
  type RoomField,
  type RoomImportRecord,
  roomImportKey,
} from "./places";
import {
  parseRentalRow,
  RENTAL_COLUMNS,
  type RentalField,
  type RentalImportRecord,
  rentalKey,
} from "./rentals";
import { parseUnitRow, UNIT_COLUMNS, type UnitField, type UnitImportRecord, unitKey } from "./units";

export { IMPORT_KINDS, type ImportKind, isImportKind } from "./kinds";

export interface KindSpec<F extends string, R> {
  columns: readonly ColumnSpec<F>[];
  /** The row parser for one file, made once its headers are mapped (so per-file lookups happen once). */
  parser(map: HeaderMap<F>): (cells: readonly string[]) => RowResult<R>;
  /** Natural key: two rows with one key in a file are a duplicate. */
  key(record: R): string;
  /** The field a duplicate is reported against. */
  keyField(record: R): F;
}

export const personsSpec: KindSpec<ImportField, PersonImportRecord> = {
  columns: PERSON_COLUMNS,
  parser: personRowParser,
  key: (r) => personKey(r.person),
  keyField: () => "idNumber",
};

export const buildingsSpec: KindSpec<BuildingField, BuildingImportRecord> = {
  columns: BUILDING_COLUMNS,
  parser: (map) => (cells) => parseBuildingRow(map, cells),
  key: buildingKey,
  keyField: () => "buildingCode",
};

export const roomsSpec: KindSpec<RoomField, RoomImportRecord> = {
  columns: ROOM_COLUMNS,
  parser: (map) => (cells) => parseRoomRow(map, cells),
  key: roomImportKey,
  keyField: () => "roomNo",
};

export const unitsSpec: KindSpec<UnitField, UnitImportRecord> = {
  columns: UNIT_COLUMNS,
  parser: (map) => (cells) => parseUnitRow(map, cells),
  key: unitKey,
  keyField: () => "uscc",
};

export const rentalsSpec: KindSpec<RentalField, RentalImportRecord> = {
  columns: RENTAL_COLUMNS,
  parser: (map) => (cells) => parseRentalRow(map, cells),
  key: rentalKey,
  keyField: (r) => (r.tenant ? "tenantIdNumber" : "roomNo"),
};

/** Each kind's header table, for mapping files and templates. */
export const IMPORT_COLUMNS: Record<ImportKind, readonly ColumnSpec[]> = {
  persons: PERSON_COLUMNS,
  buildings: BUILDING_COLUMNS,
  rooms: ROOM_COLUMNS,
  units: UNIT_COLUMNS,
  rentals: RENTAL_COLUMNS,
};
