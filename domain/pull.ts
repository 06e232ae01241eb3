/**
 * The pull envelope: what `sync.pull` answers and what the phone's store applies, shared by the
 * server, the browser store and tests. No zod here: the work list imports this and has a JS budget;
 * the input and cursor schemas live in `pull-input.ts`.
 */

import type { ConflictField, ValueSetter } from "./push";
import type { QuestionnaireDefinition } from "./questionnaire/definition";
import type { ChangeEntity } from "./visit";

/**
 * The tables of the register itself, shared by every campaign of a grid: a `campaignOnly` pull skips
 * them. The others hold one campaign's rows each.
 */
export const REGISTER_PULL_TABLES: ReadonlySet<PullTableName> = new Set([
  "buildings",
  "rooms",
  "households",
  "persons",
  "units",
  "rentals",
  "rentalTenants",
]);

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
  "householdCodes",
  "residentFeedback",
  // A targeted campaign's targets in the officer's grids (domain/targets.ts); none for every door.
  "campaignTargets",
] as const;
export type PullTableName = (typeof PULL_TABLES)[number];

/**
 * The pulled table (and so the phone's store) holding each kind of register row a change can name:
 * a change says `rental_tenant`, the table is `rentalTenants`. The one mapping between the two names.
 */
export const PULL_TABLE_OF_ENTITY = {
  person: "persons",
  household: "households",
  unit: "units",
  rental: "rentals",
  rental_tenant: "rentalTenants",
  room: "rooms",
} as const satisfies Record<ChangeEntity, PullTableName>;

/** The change entity a pulled register table holds; tables no change names (buildings, visits…) have none. */
export const ENTITY_OF_PULL_TABLE: Partial<Record<PullTableName, ChangeEntity>> = Object.fromEntries(
  Object.entries(PULL_TABLE_OF_ENTITY).map(([entity, table]) => [table, entity]),
);

/**
 * The columns each table sends. Every table starts with id, gridId, version (the phone drops rows by
 * grid and needs the version for field-level merge) and register tables end with endedAt, endReason.
 * Server bookkeeping (change stamp, created/updated, source) stays home.
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
  // Visits are never ended, only reviewed; device and reviewer stay home. The campaign goes with each
  // (one value for a whole page, so nearly free): a phone holding several campaigns tells them apart.
  visits: [
    "id",
    "gridId",
    "version",
    "campaignId",
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
    "reviewFields",
    "reviewedAt",
  ],
  // The visit slip's self-check code of each household, for the campaign pulled.
  householdCodes: ["id", "gridId", "version", "campaignId", "householdId", "code"],
  // What residents said on /check: a dispute sends the officer back to the door until it is handled.
  residentFeedback: [
    "id",
    "gridId",
    "version",
    "campaignId",
    "householdId",
    "kind",
    "fields",
    "comment",
    "phone",
    "createdAt",
    "handledAt",
    "handledNote",
  ],
  campaignTargets: [
    "id",
    "gridId",
    "version",
    "campaignId",
    "subjectKind",
    "subjectId",
    "roomId",
    "claim",
    "state",
    "endedAt",
  ],
} as const satisfies Record<PullTableName, readonly string[]>;

/**
 * The wire format of a page's `rows`: bumped on any change to the encoding, so a phone running an
 * older app refuses a page in words (`PullFormatError`) rather than storing garbage. Format 1 (tuples
 * under `tables`) had no such field; a phone still on it fails on the missing `tables` and its strict
 * transaction writes nothing.
 */
export const PULL_FORMAT = 2;

/** One value in a column, as JSON carries it. */
export type WireScalar = string | number | boolean | null;

/**
 * One column: an array of encoded values (one a row), a scalar when every row holds that same value,
 * or the values as they are when the column's rule did not fit them.
 */
export type WireColumn = WireScalar | WireScalar[] | { raw: WireScalar[] };

export interface WireTable {
  /** 32 hex digits a row; an array of the ids as they are if any is not a canonical UUID. */
  id: string | string[];
  /** Every column of `PULL_COLUMNS[table]` but `id`. */
  columns: Record<string, WireColumn>;
}

/** Only tables with rows on this page; encoded and decoded by `domain/wire.ts`. */
export type PullRows = Partial<Record<PullTableName, WireTable>>;

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

/**
 * One of the officer's own corrections that met someone else's value, as the pull carries it to every
 * phone of the officer, whichever phone recorded it and whenever it arose (at the push, or at approval
 * when the register had moved since the push). `open`: waiting to be settled, shown under 有冲突 with
 * both values and who set the other. `settled`: it leaves that list; `settledValue` is what the register
 * keeps. `notice` is set for the phone that recorded the value when the settlement set it aside and was
 * made elsewhere (the officer's other phone, a colleague, a supervisor): a correction still waiting
 * for review that a conflict settled on the officer's other phone superseded is one.
 */
export interface PulledConflict extends ConflictField {
  visitId: string;
  roomId: string;
  gridId: string;
  state: "open" | "settled";
  settledValue?: unknown;
  settledBy?: ValueSetter | null;
  notice?: boolean;
}

/** The campaign's questionnaire in force, as the phone renders it and the push checks it. */
export interface PullQuestionnaire {
  version: number;
  title: string;
  definition: QuestionnaireDefinition;
}

export interface PullResponse {
  /** `PULL_FORMAT` of the server that answered. */
  format: number;
  /** Send back on the next pull. Opaque; store it in the same transaction as the page. */
  cursor: string;
  /** More of this round waits: pull again at once with `cursor`. */
  hasMore: boolean;
  serverTime: string;
  /** The campaign pulled; when it differs from the one held, the phone drops that campaign's visits. */
  campaignId: string | null;
  /**
   * Whether the campaign pulled visits only its targets (`campaignTargets` rows) rather than every
   * door; absent from servers before targets, which meant every door.
   */
  targeted?: boolean;
  /** The grid areas that start from zero on this page (first page, or grids newly assigned). */
  grids?: PullGrid[];
  /** Grids no longer assigned: the phone deletes every row of them (after keeping unsent work). */
  dropGridIds: string[];
  /**
   * Of a `campaignOnly` page's dropped grids, those whose register came with that campaign's pulls and
   * that the register's own campaign does not hold: the phone erases their register rows too.
   */
  dropRegisterGridIds?: string[];
  /**
   * Present only when the phone's questionnaire must change (the cursor says which version it holds):
   * the campaign's version in force, or null when the campaign pulled has none. Store it with the page.
   */
  questionnaire?: PullQuestionnaire | null;
  /**
   * Only tables with rows on this page, every column of `PULL_COLUMNS` encoded by `domain/wire.ts`;
   * read them with `decodePullRows`. Timestamps are ISO to the second (`2026-11-24T08:30:00Z`), dates
   * `YYYY-MM-DD`. A row with `endedAt` set is a tombstone: the phone drops it. It carries only id,
   * gridId, version, endedAt and endReason; its other columns are null, since an ended person's
   * details are no business of the phone. Rows within a page come in no promised order.
   */
  rows: PullRows;
  /**
   * On the page that ends a round only (absent on the others, and from servers before it): the
   * officer's conflicts whose state changed in the round's range of stamps, per grid like the rows. A
   * grid pulled from zero gets only the open ones, as it gets no tombstones. Values in clear, like the
   * rows of the officer's own grid.
   */
  conflicts?: PulledConflict[];
}

export const PULL_LIMIT_DEFAULT = 5_000;
export const PULL_LIMIT_MAX = 20_000;
/** Room for hundreds of grids (about 55 characters each), low enough that junk is refused undecoded. */
export const PULL_CURSOR_MAX_LENGTH = 65_536;
