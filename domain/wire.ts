/**
 * How a pulled page's rows cross the wire (`PULL_FORMAT` 2), shared by the server, which encodes, and the
 * phone, which decodes before it stores. Pure and framework-free: the field page imports the decoder.
 *
 * A full grid is mostly random UUIDs and text that gzip sees once, so the format leaves out what the
 * phone can rebuild exactly, and lays out the rest so gzip finds it:
 *
 * - Tables are columnar (one array per column), rows grouped by what they hang off (rooms by building,
 *   households by room, persons by household...), so like values sit side by side.
 * - A table's own ids go as one string of 32 hex digits per row (the UUID without its hyphens).
 * - A reference to a row on the same page (a person's household, a room's building) is that row's
 *   index in its table, sent as the difference from the previous reference in the column (mostly 0
 *   or 1); a reference to a row not on this page goes whole, as a string.
 * - In a text column, 0 stands for "the same as the row before" and 1 for the value the phone can
 *   derive from the row (a birth date from an 18-digit citizen ID, a current address equal to the
 *   hukou address), but only where it is exactly that value.
 * - A column with one value in every row (the grid id, version 1, endedAt null) goes as that value.
 *
 * Anything that does not fit a column's rule goes as is (`{ raw: [...] }`), so every value comes back
 * exactly as the server read it. Decoded rows carry every column of `PULL_COLUMNS`, in order.
 */

import {
  PULL_COLUMNS,
  PULL_FORMAT,
  PULL_TABLES,
  type PullRows,
  type PullTableName,
  type WireColumn,
  type WireScalar,
  type WireTable,
} from "./pull";

export type PullRecord = Record<string, unknown>;

/** A page's rows decoded: one object a row, every column of `PULL_COLUMNS`. */
export type PullTables = Partial<Record<PullTableName, PullRecord[]>>;

// ---------------------------------------------------------------------------------------------
// What each column is

/** Columns holding the id of a row of another table, which is often on the same page. */
const REFS: Partial<Record<PullTableName, Record<string, PullTableName>>> = {
  rooms: { buildingId: "buildings" },
  households: { roomId: "rooms" },
  persons: { householdId: "households", roomId: "rooms" },
  units: { buildingId: "buildings", roomId: "rooms" },
  rentals: { roomId: "rooms" },
  rentalTenants: { rentalId: "rentals", personId: "persons" },
  visits: { roomId: "rooms" },
  householdCodes: { householdId: "households" },
  residentFeedback: { householdId: "households" },
  campaignTargets: { roomId: "rooms" },
};

/** Columns that are never text (numbers, booleans): sent as they are. */
const PLAIN = new Set([
  "version",
  "floors",
  "lat",
  "lng",
  "floor",
  "areaM2",
  "lowIncome",
  "fiveGuarantee",
  "disability",
  "unemployed",
  "employees",
  "roomsLet",
  "monthlyRent",
  "maxOccupants",
  "actualOccupants",
  "fireExtinguisher",
  "escapeRoute",
  "attempt",
  "accuracyM",
]);

/** Columns holding JSON arrays or objects: always sent raw, since a lone array would read as a column. */
const JSON_COLUMNS = new Set(["fields", "claim"]);

const CITIZEN_ID = /^\d{17}[\dX]$/;

/** The value a text column's `1` stands for; derived only from columns that are not derived. */
const DERIVED: Partial<Record<PullTableName, Record<string, (row: PullRecord) => unknown>>> = {
  persons: {
    birthDate: (row) =>
      typeof row.idNumber === "string" && CITIZEN_ID.test(row.idNumber)
        ? `${row.idNumber.slice(6, 10)}-${row.idNumber.slice(10, 12)}-${row.idNumber.slice(12, 14)}`
        : undefined,
    sex: (row) =>
      typeof row.idNumber === "string" && CITIZEN_ID.test(row.idNumber)
        ? Number(row.idNumber[16]) % 2 === 1
          ? "1"
          : "2"
        : undefined,
    currentAddress: (row) => row.hukouAddress,
  },
};

/**
 * The order rows go out in: by what they hang off (references by page index), then by what reads
 * alike. The phone applies a page as a whole, so order is the encoder's choice alone.
 */
const LOCALITY: Record<PullTableName, readonly string[]> = {
  buildings: ["code"],
  rooms: ["buildingId", "unitNo", "floor", "roomNo"],
  households: ["roomId", "householdNo"],
  persons: ["householdId", "roomId", "relation"],
  units: ["buildingId", "roomId"],
  rentals: ["roomId"],
  rentalTenants: ["rentalId", "personId"],
  visits: ["roomId", "visitedAt"],
  householdCodes: ["householdId"],
  residentFeedback: ["householdId", "createdAt"],
  campaignTargets: ["roomId", "subjectKind"],
};

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;
const SAME_AS_BEFORE = 0;
const AS_DERIVED = 1;

// ---------------------------------------------------------------------------------------------
// Encoding (server)

function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}

function encodeColumn(
  table: PullTableName,
  column: string,
  rows: PullRecord[],
  indexes: Partial<Record<PullTableName, Map<string, number>>>,
): WireColumn {
  const values = rows.map((row) => (row[column] === undefined ? null : (row[column] as WireScalar)));
  if (JSON_COLUMNS.has(column)) return { raw: values };
  if (values.every((value) => value === values[0])) return values[0];
  const target = REFS[table]?.[column];
  if (target) {
    const index = indexes[target];
    let previous = 0;
    const out: WireScalar[] = [];
    for (const value of values) {
      if (value === null) out.push(null);
      else if (typeof value !== "string") return { raw: values };
      else {
        const at = index?.get(value);
        if (at === undefined) out.push(value);
        else {
          out.push(at - previous);
          previous = at;
        }
      }
    }
    return out;
  }
  if (PLAIN.has(column)) return values;
  if (values.some((value) => typeof value === "number")) return { raw: values };
  const derive = DERIVED[table]?.[column];
  return values.map((value, i) => {
    if (value !== null && derive && derive(rows[i]) === value) return AS_DERIVED;
    if (value !== null && i > 0 && values[i - 1] === value) return SAME_AS_BEFORE;
    return value;
  });
}

/**
 * Rows of a page (every column of `PULL_COLUMNS`, values as JSON scalars) to the wire. Tables must
 * come parents first, as `PULL_TABLES` orders them: a reference is resolved against tables already
 * encoded.
 */
export function encodePullRows(tables: PullTables): PullRows {
  const out: PullRows = {};
  const indexes: Partial<Record<PullTableName, Map<string, number>>> = {};
  for (const name of PULL_TABLES) {
    const rows = tables[name];
    if (!rows || rows.length === 0) continue;
    const refs = REFS[name] ?? {};
    // Sort keys: a reference by its target's index on the page, else the value itself.
    const keyOf = (row: PullRecord, column: string) => {
      const target = refs[column];
      const value = row[column];
      if (!target || typeof value !== "string") return value;
      return indexes[target]?.get(value) ?? value;
    };
    const sorted = rows
      .map((row) => ({ row, keys: LOCALITY[name].map((column) => keyOf(row, column)) }))
      .sort((a, b) => {
        for (let i = 0; i < a.keys.length; i++) {
          const order = compareKeys(a.keys[i], b.keys[i]);
          if (order !== 0) return order;
        }
        return 0;
      })
      .map(({ row }) => row);
    const ids = sorted.map((row) => row.id as string);
    indexes[name] = new Map(ids.map((id, i) => [id, i]));
    const columns: Record<string, WireColumn> = {};
    for (const column of PULL_COLUMNS[name]) {
      if (column !== "id") columns[column] = encodeColumn(name, column, sorted, indexes);
    }
    out[name] = {
      id: ids.every((id) => typeof id === "string" && UUID.test(id)) ? ids.join("").replaceAll("-", "") : ids,
      columns,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding (phone)

export class PullFormatError extends Error {
  constructor(detail: string) {
    super(`pull format: ${detail}`);
    this.name = "PullFormatError";
  }
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function decodeIds(id: WireTable["id"]): string[] {
  if (Array.isArray(id)) return id;
  if (typeof id !== "string" || id.length % 32 !== 0) throw new PullFormatError("bad id column");
  const ids: string[] = [];
  for (let at = 0; at < id.length; at += 32) ids.push(uuidOf(id.slice(at, at + 32)));
  return ids;
}

/**
 * A page's rows as the phone stores them: one object per row with every column of `PULL_COLUMNS`,
 * tables parents first. Throws `PullFormatError` on a page of another format.
 */
export function decodePullRows(format: unknown, rows: PullRows | undefined): PullTables {
  if (format !== PULL_FORMAT || typeof rows !== "object" || rows === null) {
    throw new PullFormatError(`this app reads format ${PULL_FORMAT}, the server sent ${String(format)}`);
  }
  const out: PullTables = {};
  for (const name of PULL_TABLES) {
    const table = rows[name];
    if (!table) continue;
    const ids = decodeIds(table.id);
    const records: PullRecord[] = ids.map((id) => ({ id }));
    const derived: [string, WireScalar[]][] = [];
    for (const column of PULL_COLUMNS[name]) {
      if (column === "id") continue;
      const wire = table.columns?.[column];
      if (wire === undefined) throw new PullFormatError(`${name}.${column} missing`);
      if (!Array.isArray(wire)) {
        if (wire === null || typeof wire !== "object") {
          for (const record of records) record[column] = wire;
          continue;
        }
        if (!Array.isArray(wire.raw) || wire.raw.length !== ids.length) {
          throw new PullFormatError(`${name}.${column} is malformed`);
        }
        records.forEach((record, i) => {
          record[column] = wire.raw[i];
        });
        continue;
      }
      if (wire.length !== ids.length) throw new PullFormatError(`${name}.${column} length`);
      const target = REFS[name]?.[column];
      if (target) {
        const targetIds = out[target]?.map((record) => record.id as string) ?? [];
        let previous = 0;
        records.forEach((record, i) => {
          const value = wire[i];
          if (typeof value === "number") {
            previous += value;
            if (previous < 0 || previous >= targetIds.length) {
              throw new PullFormatError(`${name}.${column} points past ${target}`);
            }
            record[column] = targetIds[previous];
          } else record[column] = value;
        });
      } else if (PLAIN.has(column)) {
        records.forEach((record, i) => {
          record[column] = wire[i];
        });
      } else if (DERIVED[name]?.[column]) {
        // After every other column: a derivation reads them.
        derived.push([column, wire]);
        records.forEach((record) => {
          record[column] = null;
        });
      } else decodeText(records, column, wire, () => undefined);
    }
    for (const [column, wire] of derived) {
      const derive = DERIVED[name]?.[column] as (row: PullRecord) => unknown;
      decodeText(records, column, wire, derive);
    }
    out[name] = records;
  }
  return out;
}

function decodeText(
  records: PullRecord[],
  column: string,
  wire: WireScalar[],
  derive: (row: PullRecord) => unknown,
) {
  records.forEach((record, i) => {
    const value = wire[i];
    if (value === SAME_AS_BEFORE && i > 0) record[column] = records[i - 1][column];
    else if (value === AS_DERIVED && derive(record) !== undefined) record[column] = derive(record);
    else if (typeof value === "number") throw new PullFormatError(`${column} holds ${value}`);
    else record[column] = value;
  });
}
