/**
 * The pull envelope: what `sync.pull` answers and what the phone's store applies, shared by the
 * server, the browser store and tests. No zod here: the work list imports this and has a JS budget;
 * the input and cursor schemas live in `sync-input.ts`.
 */

/** Parents before children, so a phone applying a page from top to bottom never meets an orphan. */
export const PULL_TABLES = [
  "buildings",
  "rooms",
  "households",
  "persons",
  "units",
  "rentals",
  "rentalTenants",
  "visits",
] as const;
export type PullTableName = (typeof PULL_TABLES)[number];

/**
 * The columns each table sends, in tuple order. Every table starts with id, gridId, version (the
 * phone drops rows by grid and needs the version for field-level merge) and register tables end
 * with endedAt, endReason. Server bookkeeping (change stamp, created/updated, source) stays home.
 */
export const PULL_COLUMNS = {
  buildings: [
    "id",
    "gridId",
    "version",
    "code",
    "address",
    "name",
    "floors",
    "use",
    "propertyType",
    "lat",
    "lng",
    "endedAt",
    "endReason",
  ],
  rooms: [
    "id",
    "gridId",
    "version",
    "buildingId",
    "unitNo",
    "floor",
    "roomNo",
    "use",
    "areaM2",
    "ownerName",
    "endedAt",
    "endReason",
  ],
  households: [
    "id",
    "gridId",
    "version",
    "roomId",
    "householdNo",
    "kind",
    "lowIncome",
    "fiveGuarantee",
    "endedAt",
    "endReason",
  ],
  persons: [
    "id",
    "gridId",
    "version",
    "householdId",
    "roomId",
    "name",
    "idType",
    "idNumber",
    "sex",
    "birthDate",
    "ethnicity",
    "relation",
    "marital",
    "education",
    "politics",
    "hukouCategory",
    "hukouAddress",
    "currentAddress",
    "residenceMatch",
    "personType",
    "phone",
    "employment",
    "disability",
    "lowIncome",
    "unemployed",
    "leftBehind",
    "arrivalDate",
    "origin",
    "residencePermitNo",
    "endedAt",
    "endReason",
  ],
  units: [
    "id",
    "gridId",
    "version",
    "buildingId",
    "roomId",
    "name",
    "uscc",
    "legalRep",
    "legalRepPhone",
    "industry",
    "employees",
    "status",
    "kind",
    "registeredAddress",
    "actualAddress",
    "phone",
    "safetyContact",
    "endedAt",
    "endReason",
  ],
  rentals: [
    "id",
    "gridId",
    "version",
    "roomId",
    "landlordName",
    "landlordIdNumber",
    "landlordPhone",
    "use",
    "areaM2",
    "roomsLet",
    "monthlyRent",
    "leaseStart",
    "leaseEnd",
    "filingNo",
    "maxOccupants",
    "actualOccupants",
    "fireExtinguisher",
    "escapeRoute",
    "hazardLevel",
    "hazardNote",
    "endedAt",
    "endReason",
  ],
  rentalTenants: ["id", "gridId", "version", "rentalId", "personId", "moveInDate", "endedAt", "endReason"],
  // Visits are never ended, only reviewed; campaign is the envelope's, device and reviewer stay home.
  visits: [
    "id",
    "gridId",
    "version",
    "roomId",
    "subjectType",
    "subjectId",
    "officerId",
    "outcome",
    "attempt",
    "revisitDue",
    "visitedAt",
    "lat",
    "lng",
    "accuracyM",
    "note",
    "reviewState",
    "reviewComment",
    "reviewedAt",
  ],
} as const satisfies Record<PullTableName, readonly string[]>;

/**
 * Rows as tuples in the order of `columns`: a grid goes to a phone over a weak signal, and repeating
 * every key in every row would double it. Timestamps are ISO to the second (`2026-11-24T08:30:00Z`),
 * dates `YYYY-MM-DD`. A row with `endedAt` set is a tombstone: the phone drops it. It carries only
 * id, gridId, version, endedAt and endReason; its other columns are null, since an ended person's
 * details are no business of the phone. Rows within a page come in no promised order.
 */
export interface PullTable {
  columns: string[];
  rows: unknown[][];
}

// A type alias, not an interface, so a store may treat it as Record<string, unknown>.
export type PullGrid = {
  id: string;
  code: string;
  name: string;
  /** GeoJSON polygon, [lng, lat] pairs, to 6 decimals. */
  boundary: { type: "Polygon"; coordinates: number[][][] } | null;
  /** [lat, lng] */
  center: [number, number] | null;
};

export interface PullResponse {
  /** Send back on the next pull. Opaque; store it in the same transaction as the page. */
  cursor: string;
  /** More of this round waits: pull again at once with `cursor`. */
  hasMore: boolean;
  serverTime: string;
  /** The campaign pulled; when it differs from the one held, the phone drops that campaign's visits. */
  campaignId: string | null;
  /** The grid areas that start from zero on this page (first page, or grids newly assigned). */
  grids?: PullGrid[];
  /** Grids no longer assigned: the phone deletes every row of them (after keeping unsent work). */
  dropGridIds: string[];
  /** Only tables with rows on this page. */
  tables: Partial<Record<PullTableName, PullTable>>;
}

export const PULL_LIMIT_DEFAULT = 5_000;
export const PULL_LIMIT_MAX = 20_000;
/** Room for hundreds of grids (about 55 characters each), low enough that junk is refused undecoded. */
export const PULL_CURSOR_MAX_LENGTH = 65_536;

/** Tuples back into objects keyed by column, for a store that indexes by field. */
export function pullRecords(table: PullTable | undefined): Record<string, unknown>[] {
  if (!table) return [];
  return table.rows.map((tuple) => {
    const record: Record<string, unknown> = {};
    table.columns.forEach((column, i) => {
      record[column] = tuple[i];
    });
    return record;
  });
}
