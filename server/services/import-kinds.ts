import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { areas, buildings, households, persons, rentals, rentalTenants, rooms, units } from "@/db/schema";
import type { PlaceRef, RowProblem } from "@/domain/import/columns";
import type { PersonImportRecord } from "@/domain/import/persons";
import type { BuildingImportRecord, RoomImportRecord } from "@/domain/import/places";
import type { RentalImportRecord } from "@/domain/import/rentals";
import type { UnitImportRecord } from "@/domain/import/units";
import { type CopyWrite, prepareInsertViaCopy, prepareUpdateViaCopy, runCopyWrite } from "./bulk";
import { ensureCodesForNewHouseholds } from "./codes";

// The write step of each import kind, in two halves. Judging: given a batch of parsed rows, find what
// each names in the register, judge it inserted / updated / unchanged / rejected, and prepare the
// batch's writes (its finished rows as COPY text). Writing: those writes, which the engine (./import.ts)
// runs in the batch's one transaction (never in a dry run). The engine judges batch N+1 while batch N is
// written, so judging reads the register outside that transaction: it sees the batches before N, and
// what it remembers of batch N (households, places, tenants it made) covers the rest, since a natural
// key is in a file once. The lookups are set-based (one array parameter each); the writes load new rows
// by COPY straight into their table and changed rows into a staging table merged by UPDATE … FROM
// (./bulk.ts), so a failure anywhere rolls the whole batch back.

export type Outcome = "inserted" | "updated" | "unchanged" | "rejected";

export interface Pending<R> {
  row: number;
  cells: string[];
  record: R | null;
  problems: RowProblem[];
  /** Reported only when the row is not rejected. */
  warnings: RowProblem[];
}

export interface BatchContext<R> {
  /** Where lookups go: the database, not the transaction of the batch being written. */
  db: Db;
  places: Places;
  batch: Pending<R>[];
  /** The column a field came from in this file (its header as written). */
  columnOf: (field: string) => string;
  /** A row's cell for a field, as written. */
  cellOf: (cells: readonly string[], field: string) => string;
  now: Date;
}

export interface BatchResult {
  outcomes: Outcome[];
  householdsCreated: number;
  personsCreated: number;
}

/** A judged batch: its outcomes, and its writes, to run in the batch's transaction (`tx`). */
export interface JudgedBatch extends BatchResult {
  write: (tx: Db) => Promise<void>;
}

/** One kind's write step; made once per import, so it may remember what earlier batches judged. */
export type KindWriter<R> = (ctx: BatchContext<R>) => Promise<JudgedBatch>;

/** A prepared COPY, or a step that needs the transaction's own answers (the visit-slip codes). */
type BatchWrite = CopyWrite | ((tx: Db) => Promise<unknown>) | null;

/** The batch's outcomes with its writes, run in order. */
function judged(result: BatchResult, writes: BatchWrite[]): JudgedBatch {
  return {
    ...result,
    write: async (tx) => {
      for (const write of writes) {
        if (typeof write === "function") await write(tx);
        else await runCopyWrite(tx, write);
      }
    },
  };
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

function rejecter<R>(ctx: BatchContext<R>, outcomes: Outcome[]) {
  return (i: number, field: string, value: string, key: string, params?: Record<string, string>): void => {
    ctx.batch[i].problems.push({ column: ctx.columnOf(field), value, key, params });
    outcomes[i] = "rejected";
  };
}

const startOutcomes = <R>(batch: Pending<R>[]): Outcome[] =>
  batch.map((p) => (p.problems.length > 0 || !p.record ? "rejected" : "unchanged"));

/**
 * The fields of `wanted` that differ from `current`, and a revival when the row had ended: a register
 * returned by a department is the newer word, so a record it names is current again.
 */
function diff(current: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  const changed = Object.keys(wanted).filter((field) => !same(current[field], wanted[field]));
  if (current.endedAt) {
    changed.push("endedAt", "endReason");
    wanted.endedAt = null;
    wanted.endReason = null;
  }
  return changed.sort();
}

/** Updates grouped by the set of fields they change, so each group is one statement. */
class Updates {
  private groups = new Map<string, { fields: string[]; rows: Record<string, unknown>[] }>();
  add(fields: string[], row: Record<string, unknown>): void {
    const key = fields.join(",");
    const group = this.groups.get(key) ?? { fields, rows: [] };
    group.rows.push(row);
    this.groups.set(key, group);
  }
  /**
   * Queues `current` to take the fields of `wanted` that differ, with its version bumped; false when
   * nothing differs (the row is unchanged).
   */
  change(
    current: Record<string, unknown> & { id: string; version: number },
    wanted: Record<string, unknown>,
    now: Date,
  ): boolean {
    const changed = diff(current, wanted);
    if (changed.length === 0) return false;
    this.add(changed, { ...wanted, id: current.id, version: current.version + 1, updatedAt: now });
    return true;
  }
  /** The queued updates as writes, one a group. */
  async prepare(table: PgTable): Promise<BatchWrite[]> {
    const writes: BatchWrite[] = [];
    for (const { fields, rows } of this.groups.values()) {
      writes.push(await prepareUpdateViaCopy(table, [...fields, "version", "updatedAt"], rows));
    }
    return writes;
  }
}

/** New rows as one COPY of every field any of them has. */
async function prepareInserts(table: PgTable, rows: Record<string, unknown>[]): Promise<BatchWrite> {
  if (rows.length === 0) return null;
  const fields = new Set<string>();
  for (const row of rows) for (const field in row) fields.add(field);
  return prepareInsertViaCopy(table, [...fields], rows);
}

// ---------------------------------------------------------------------------------------------
// Places: cached for the whole file (a street has a few thousand buildings and rooms)

export interface Room {
  id: string;
  gridId: string;
  label: string;
}

export interface Building {
  id: string;
  gridId: string;
  gridPath: string;
}

export const roomKey = (buildingId: string, unitNo: string | null, roomNo: string) =>
  `${buildingId}|${unitNo ?? ""}|${roomNo}`;
export const placeLabel = (building: string, unitNo: string | null, roomNo: string) =>
  [building, unitNo ? `${unitNo}单元` : null, roomNo].filter(Boolean).join(" ");

export class Places {
  communities = new Map<string, string | null>(); // code → path
  grids = new Map<string, { id: string; path: string } | null>();
  buildings = new Map<string, Building | null>();
  rooms = new Map<string, Room>(); // buildingId|unit|room
  private roomsLoaded = new Set<string>();

  async load(db: Db, refs: readonly { place: PlaceRef; gridCode?: string | null }[]): Promise<void> {
    const communityCodes = new Set<string>();
    const gridCodes = new Set<string>();
    const buildingCodes = new Set<string>();
    for (const { place, gridCode } of refs) {
      if (!this.communities.has(place.communityCode)) communityCodes.add(place.communityCode);
      if (gridCode && !this.grids.has(gridCode)) gridCodes.add(gridCode);
      if (!this.buildings.has(place.buildingCode)) buildingCodes.add(place.buildingCode);
    }
    if (communityCodes.size > 0) {
      const found = await db
        .select({ code: areas.code, path: areas.path })
        .from(areas)
        .where(and(eq(areas.level, "community"), inArray(areas.code, [...communityCodes])));
      for (const code of communityCodes) this.communities.set(code, null);
      for (const row of found) this.communities.set(row.code, row.path);
    }
    if (gridCodes.size > 0) {
      const found = await db
        .select({ id: areas.id, code: areas.code, path: areas.path })
        .from(areas)
        .where(and(eq(areas.level, "grid"), inArray(areas.code, [...gridCodes])));
      for (const code of gridCodes) this.grids.set(code, null);
      for (const row of found) this.grids.set(row.code, { id: row.id, path: row.path });
    }
    if (buildingCodes.size > 0) {
      const found = await db
        .select({ id: buildings.id, code: buildings.code, gridId: buildings.gridId, gridPath: areas.path })
        .from(buildings)
        .innerJoin(areas, eq(areas.id, buildings.gridId))
        .where(inArray(buildings.code, [...buildingCodes]));
      for (const code of buildingCodes) this.buildings.set(code, null);
      for (const row of found) this.buildings.set(row.code, row);
      const ids = found.map((row) => row.id).filter((id) => !this.roomsLoaded.has(id));
      if (ids.length > 0) {
        const roomRows = await db
          .select({
            id: rooms.id,
            gridId: rooms.gridId,
            buildingId: rooms.buildingId,
            unitNo: rooms.unitNo,
            roomNo: rooms.roomNo,
          })
          .from(rooms)
          .where(inArray(rooms.buildingId, ids));
        const codeOf = new Map(found.map((row) => [row.id, row.code]));
        for (const r of roomRows) {
          this.rooms.set(roomKey(r.buildingId, r.unitNo, r.roomNo), {
            id: r.id,
            gridId: r.gridId,
            label: placeLabel(codeOf.get(r.buildingId) ?? "", r.unitNo, r.roomNo),
          });
        }
        for (const id of ids) this.roomsLoaded.add(id);
      }
    }
  }

  /** The building a row names, inside the community it names; or the problem, as field + key. */
  building(place: PlaceRef): Building | { field: string; value: string; key: string } {
    if (!this.communities.get(place.communityCode)) {
      return { field: "communityCode", value: place.communityCode, key: "import.community.unknown" };
    }
    const building = this.buildings.get(place.buildingCode);
    if (!building)
      return { field: "buildingCode", value: place.buildingCode, key: "import.building.unknown" };
    if (!building.gridPath.startsWith(this.communities.get(place.communityCode) as string)) {
      return { field: "buildingCode", value: place.buildingCode, key: "import.building.outsideCommunity" };
    }
    return building;
  }

  /** The room a row names (building, unit, room number), or the problem. */
  room(
    place: PlaceRef & { roomNo: string },
  ): Room | { field: string; value: string; key: string; params?: Record<string, string> } {
    const building = this.building(place);
    if ("key" in building) return building;
    const room = this.rooms.get(roomKey(building.id, place.unitNo, place.roomNo));
    if (!room) {
      return {
        field: "roomNo",
        value: place.roomNo,
        key: "import.room.unknown",
        params: { unit: place.unitNo ?? "—" },
      };
    }
    return room;
  }
}

// ---------------------------------------------------------------------------------------------
// Persons and their households

interface Household {
  id: string;
  roomId: string;
  gridId: string;
  kind: string;
  version: number;
  where: string;
  created: boolean;
}

type PersonRow = typeof persons.$inferSelect;

const PERSON_DEFAULTS: Record<string, unknown> = {
  personType: "01",
  disability: false,
  lowIncome: false,
  unemployed: false,
};

/** Persons by (证件类型, 证件号码), in one statement. */
async function personsByKey(
  db: Db,
  keys: { idType: string; idNumber: string }[],
): Promise<Map<string, PersonRow>> {
  const existing = new Map<string, PersonRow>();
  if (keys.length === 0) return existing;
  const found = await db
    .select()
    .from(persons)
    .where(
      sql`(${persons.idType}, ${persons.idNumber}) in (select * from unnest(${sql.param(keys.map((k) => k.idType))}::text[], ${sql.param(keys.map((k) => k.idNumber))}::text[]))`,
    );
  for (const row of found) existing.set(`${row.idType}:${row.idNumber}`, row);
  return existing;
}

/**
 * Households created by 户号 when missing (in the room named); persons upserted by (证件类型, 证件号码).
 * An existing household keeps its room: a row naming another room for it is rejected, not moved.
 */
export function personsWriter(): KindWriter<PersonImportRecord> {
  const knownHouseholds = new Map<string, Household>();

  async function loadHouseholds(db: Db, numbers: Set<string>): Promise<void> {
    if (numbers.size === 0) return;
    const found = await db
      .select({
        id: households.id,
        householdNo: households.householdNo,
        roomId: households.roomId,
        gridId: households.gridId,
        kind: households.kind,
        version: households.version,
        buildingCode: buildings.code,
        unitNo: rooms.unitNo,
        roomNo: rooms.roomNo,
      })
      .from(households)
      .innerJoin(rooms, eq(rooms.id, households.roomId))
      .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
      // One array parameter, not an IN list: a list of 2,000 parameters costs more to plan than to run.
      .where(sql`${households.householdNo} = any(${sql.param([...numbers])}::text[])`);
    for (const h of found) {
      knownHouseholds.set(h.householdNo, {
        id: h.id,
        roomId: h.roomId,
        gridId: h.gridId,
        kind: h.kind,
        version: h.version,
        where: placeLabel(h.buildingCode, h.unitNo, h.roomNo),
        created: false,
      });
    }
  }

  return async (ctx) => {
    const { db, places, batch, now } = ctx;
    const records = batch.flatMap((p) => (p.record ? [p.record] : []));
    await places.load(db, records);
    await loadHouseholds(
      db,
      new Set(records.map((r) => r.household.householdNo).filter((no) => !knownHouseholds.has(no))),
    );
    const outcomes = startOutcomes(batch);
    const reject = rejecter(ctx, outcomes);
    const newHouseholds: Record<string, unknown>[] = [];
    const householdKinds: Record<string, unknown>[] = [];
    const placed = new Map<number, { household: Household; room: Room }>();

    batch.forEach((p, i) => {
      if (!p.record || outcomes[i] === "rejected") return;
      const { place, household } = p.record;
      const room = places.room(place);
      if ("key" in room) {
        reject(i, room.field, room.value, room.key, room.params);
        return;
      }

      let hh = knownHouseholds.get(household.householdNo);
      if (!hh) {
        hh = {
          id: randomUUID(),
          roomId: room.id,
          gridId: room.gridId,
          kind: household.kind ?? "1",
          version: 1,
          where: room.label,
          created: true,
        };
        knownHouseholds.set(household.householdNo, hh);
        newHouseholds.push({
          id: hh.id,
          gridId: hh.gridId,
          roomId: hh.roomId,
          householdNo: household.householdNo,
          kind: hh.kind,
          source: "import",
        });
      } else if (hh.roomId !== room.id) {
        reject(i, "householdNo", household.householdNo, "import.household.otherRoom", {
          householdNo: household.householdNo,
          where: hh.where,
        });
        return;
      } else if (household.kind && household.kind !== hh.kind) {
        hh.kind = household.kind;
        if (!hh.created) {
          hh.version += 1;
          householdKinds.push({ id: hh.id, kind: hh.kind, version: hh.version, updatedAt: now });
        } else {
          const pendingRow = newHouseholds.find((row) => row.id === hh?.id);
          if (pendingRow) pendingRow.kind = hh.kind;
        }
      }
      placed.set(i, { household: hh, room });
    });

    const existing = await personsByKey(
      db,
      batch.flatMap((p, i) => (placed.has(i) && p.record ? [p.record.person] : [])),
    );
    const inserts: Record<string, unknown>[] = [];
    const updates = new Updates();
    batch.forEach((p, i) => {
      const at = placed.get(i);
      if (!at || !p.record) return;
      // Object.assign and plain assignments, not object spreads: on this hot path (one per row) V8's
      // spread of these rows cost about 30 µs each, most of the batch's JavaScript time.
      const wanted: Record<string, unknown> = Object.assign({}, p.record.person);
      wanted.householdId = at.household.id;
      wanted.roomId = at.room.id;
      wanted.gridId = at.room.gridId;
      const current = existing.get(`${p.record.person.idType}:${p.record.person.idNumber}`);
      if (!current) {
        const row = Object.assign({}, PERSON_DEFAULTS, wanted);
        row.id = randomUUID();
        row.source = "import";
        inserts.push(row);
        outcomes[i] = "inserted";
        return;
      }
      if (updates.change(current, wanted, now)) outcomes[i] = "updated";
    });

    const created = newHouseholds.map((row) => ({ id: row.id as string, gridId: row.gridId as string }));
    return judged({ outcomes, householdsCreated: newHouseholds.length, personsCreated: 0 }, [
      await prepareInsertViaCopy(
        households,
        ["id", "gridId", "roomId", "householdNo", "kind", "source"],
        newHouseholds,
      ),
      // In the batch's transaction: a household never exists in an open campaign without its code.
      (tx) => ensureCodesForNewHouseholds(tx, created),
      await prepareUpdateViaCopy(households, ["kind", "version", "updatedAt"], householdKinds),
      await prepareInserts(persons, inserts),
      ...(await updates.prepare(persons)),
    ]);
  };
}

// ---------------------------------------------------------------------------------------------
// Buildings

/**
 * Buildings upserted by 建筑物编码. A new one needs 网格编码 (a grid of the community named); an existing
 * one keeps its grid, and a row naming another grid for it is rejected.
 */
export function buildingsWriter(): KindWriter<BuildingImportRecord> {
  return async (ctx) => {
    const { db, places, batch, now } = ctx;
    const records = batch.flatMap((p) => (p.record ? [p.record] : []));
    await places.load(db, records);
    const codes = records.map((r) => r.place.buildingCode);
    const existing = new Map<string, typeof buildings.$inferSelect & { gridPath: string }>();
    if (codes.length > 0) {
      const found = await db
        .select({ b: buildings, gridPath: areas.path })
        .from(buildings)
        .innerJoin(areas, eq(areas.id, buildings.gridId))
        .where(inArray(buildings.code, codes));
      for (const { b, gridPath } of found) existing.set(b.code, { ...b, gridPath });
    }
    const outcomes = startOutcomes(batch);
    const reject = rejecter(ctx, outcomes);
    const inserts: Record<string, unknown>[] = [];
    const updates = new Updates();

    batch.forEach((p, i) => {
      if (!p.record || outcomes[i] === "rejected") return;
      const { place, gridCode, building } = p.record;
      const communityPath = places.communities.get(place.communityCode);
      if (!communityPath) {
        reject(i, "communityCode", place.communityCode, "import.community.unknown");
        return;
      }
      const grid = gridCode ? places.grids.get(gridCode) : null;
      if (gridCode && !grid) {
        reject(i, "gridCode", gridCode, "import.grid.unknown");
        return;
      }
      if (grid && !grid.path.startsWith(communityPath)) {
        reject(i, "gridCode", gridCode as string, "import.grid.outsideCommunity");
        return;
      }
      const current = existing.get(place.buildingCode);
      if (!current) {
        if (!grid) {
          reject(i, "gridCode", "", "import.grid.required");
          return;
        }
        const id = randomUUID();
        inserts.push({ ...building, id, gridId: grid.id, code: place.buildingCode, source: "import" });
        places.buildings.set(place.buildingCode, { id, gridId: grid.id, gridPath: grid.path });
        outcomes[i] = "inserted";
        return;
      }
      if (!current.gridPath.startsWith(communityPath)) {
        reject(i, "buildingCode", place.buildingCode, "import.building.outsideCommunity");
        return;
      }
      if (grid && grid.id !== current.gridId) {
        reject(i, "gridCode", gridCode as string, "import.building.otherGrid");
        return;
      }
      const wanted: Record<string, unknown> = { ...building };
      if (updates.change(current, wanted, now)) outcomes[i] = "updated";
    });

    return judged({ outcomes, householdsCreated: 0, personsCreated: 0 }, [
      await prepareInserts(buildings, inserts),
      ...(await updates.prepare(buildings)),
    ]);
  };
}

// ---------------------------------------------------------------------------------------------
// Rooms

/** Rooms upserted by 建筑物编码 + 单元 + 房号, in their building's grid. */
export function roomsWriter(): KindWriter<RoomImportRecord> {
  return async (ctx) => {
    const { db, places, batch, now } = ctx;
    const records = batch.flatMap((p) => (p.record ? [p.record] : []));
    await places.load(db, records);
    const outcomes = startOutcomes(batch);
    const reject = rejecter(ctx, outcomes);
    const located = new Map<number, Building>();
    batch.forEach((p, i) => {
      if (!p.record || outcomes[i] === "rejected") return;
      const building = places.building(p.record.place);
      if ("key" in building) {
        reject(i, building.field, building.value, building.key);
        return;
      }
      located.set(i, building);
    });
    const buildingIds = [...new Set([...located.values()].map((b) => b.id))];
    const existing = new Map<string, typeof rooms.$inferSelect>();
    if (buildingIds.length > 0) {
      const found = await db.select().from(rooms).where(inArray(rooms.buildingId, buildingIds));
      for (const r of found) existing.set(roomKey(r.buildingId, r.unitNo, r.roomNo), r);
    }
    const inserts: Record<string, unknown>[] = [];
    const updates = new Updates();
    batch.forEach((p, i) => {
      const building = located.get(i);
      if (!building || !p.record) return;
      const { place, room } = p.record;
      const key = roomKey(building.id, place.unitNo, place.roomNo);
      const current = existing.get(key);
      if (!current) {
        const id = randomUUID();
        inserts.push({
          use: "1",
          ...room,
          id,
          gridId: building.gridId,
          buildingId: building.id,
          unitNo: place.unitNo,
          roomNo: place.roomNo,
          source: "import",
        });
        places.rooms.set(key, {
          id,
          gridId: building.gridId,
          label: placeLabel(place.buildingCode, place.unitNo, place.roomNo),
        });
        outcomes[i] = "inserted";
        return;
      }
      const wanted: Record<string, unknown> = { ...room };
      if (updates.change(current, wanted, now)) outcomes[i] = "updated";
    });

    return judged({ outcomes, householdsCreated: 0, personsCreated: 0 }, [
      await prepareInserts(rooms, inserts),
      ...(await updates.prepare(rooms)),
    ]);
  };
}

// ---------------------------------------------------------------------------------------------
// Units

/** Units upserted by 统一社会信用代码, in the building (and room, when given) named. A unit may move. */
export function unitsWriter(): KindWriter<UnitImportRecord> {
  return async (ctx) => {
    const { db, places, batch, now } = ctx;
    const records = batch.flatMap((p) => (p.record ? [p.record] : []));
    await places.load(db, records);
    const existing = new Map<string, typeof units.$inferSelect>();
    const codes = records.map((r) => r.unit.uscc);
    if (codes.length > 0) {
      for (const u of await db.select().from(units).where(inArray(units.uscc, codes))) {
        existing.set(u.uscc as string, u);
      }
    }
    const outcomes = startOutcomes(batch);
    const reject = rejecter(ctx, outcomes);
    const inserts: Record<string, unknown>[] = [];
    const updates = new Updates();
    batch.forEach((p, i) => {
      if (!p.record || outcomes[i] === "rejected") return;
      const { place, unit } = p.record;
      const building = places.building(place);
      if ("key" in building) {
        reject(i, building.field, building.value, building.key);
        return;
      }
      const wanted: Record<string, unknown> = { ...unit, buildingId: building.id, gridId: building.gridId };
      if (place.roomNo) {
        const room = places.room({ ...place, roomNo: place.roomNo });
        if ("key" in room) {
          reject(i, room.field, room.value, room.key, room.params);
          return;
        }
        wanted.roomId = room.id;
        wanted.gridId = room.gridId;
      }
      const current = existing.get(unit.uscc);
      if (!current) {
        inserts.push({ status: "1", kind: "1", ...wanted, id: randomUUID(), source: "import" });
        outcomes[i] = "inserted";
        return;
      }
      if (updates.change(current, wanted, now)) outcomes[i] = "updated";
    });
    return judged({ outcomes, householdsCreated: 0, personsCreated: 0 }, [
      await prepareInserts(units, inserts),
      ...(await updates.prepare(units)),
    ]);
  };
}

// ---------------------------------------------------------------------------------------------
// Rentals and tenants

interface FileRental {
  id: string;
  /** The first row of the file naming this room, and the rental columns it gave. */
  row: number;
  given: Record<string, unknown>;
}

/**
 * Rentals upserted by room (one current rental per room), tenants linked by 证件号码; a tenant not yet
 * in the register is created as a migrant living in that room. Later rows of a room must agree with its
 * first row on every rental column both give.
 */
export function rentalsWriter(): KindWriter<RentalImportRecord> {
  const fileRentals = new Map<string, FileRental>(); // roomId → rental as the file first gave it
  const knownPersons = new Map<string, string>(); // idType:idNumber → person id, for tenants made earlier

  return async (ctx) => {
    const { db, places, batch, now } = ctx;
    const records = batch.flatMap((p) => (p.record ? [p.record] : []));
    await places.load(db, records);
    const outcomes = startOutcomes(batch);
    const reject = rejecter(ctx, outcomes);

    const located = new Map<number, Room>();
    batch.forEach((p, i) => {
      if (!p.record || outcomes[i] === "rejected") return;
      const room = places.room(p.record.place);
      if ("key" in room) {
        reject(i, room.field, room.value, room.key, room.params);
        return;
      }
      located.set(i, room);
    });

    const roomIds = [...new Set([...located.values()].map((r) => r.id))];
    const current = new Map<string, typeof rentals.$inferSelect>(); // roomId → current rental
    if (roomIds.length > 0) {
      const found = await db
        .select()
        .from(rentals)
        .where(and(inArray(rentals.roomId, roomIds), isNull(rentals.endedAt)))
        .orderBy(rentals.createdAt);
      for (const r of found) current.set(r.roomId, r);
    }
    const rentalIds = [...current.values()].map((r) => r.id);
    const links = new Map<string, typeof rentalTenants.$inferSelect>(); // rentalId|personId
    if (rentalIds.length > 0) {
      const found = await db
        .select()
        .from(rentalTenants)
        .where(and(inArray(rentalTenants.rentalId, rentalIds), isNull(rentalTenants.endedAt)));
      for (const l of found) links.set(`${l.rentalId}|${l.personId}`, l);
    }
    const people = await personsByKey(
      db,
      batch.flatMap((p, i) =>
        located.has(i) &&
        p.record?.tenant &&
        !knownPersons.has(`${p.record.tenant.idType}:${p.record.tenant.idNumber}`)
          ? [p.record.tenant]
          : [],
      ),
    );
    for (const [key, row] of people) knownPersons.set(key, row.id);

    const rentalInserts: Record<string, unknown>[] = [];
    const rentalUpdates = new Updates();
    const personInserts: Record<string, unknown>[] = [];
    const linkInserts: Record<string, unknown>[] = [];
    const linkUpdates = new Updates();
    const rank: Record<Outcome, number> = { rejected: 3, inserted: 2, updated: 1, unchanged: 0 };
    const mark = (i: number, outcome: Outcome) => {
      if (rank[outcome] > rank[outcomes[i]]) outcomes[i] = outcome;
    };

    batch.forEach((p, i) => {
      const room = located.get(i);
      if (!room || !p.record) return;
      const { rental, tenant } = p.record;
      let mine = fileRentals.get(room.id);
      if (mine) {
        const clash = Object.keys(rental).find(
          (field) =>
            field in (mine as FileRental).given &&
            !same((mine as FileRental).given[field], rental[field as keyof typeof rental]),
        );
        if (clash) {
          reject(i, clash, ctx.cellOf(p.cells, clash), "import.rental.conflict", {
            row: String(mine.row),
          });
          return;
        }
      } else {
        const existing = current.get(room.id);
        if (!existing) {
          mine = { id: randomUUID(), row: p.row, given: rental };
          rentalInserts.push({
            use: "1",
            hazardLevel: "0",
            ...rental,
            id: mine.id,
            gridId: room.gridId,
            roomId: room.id,
            source: "import",
          });
          mark(i, "inserted");
        } else {
          mine = { id: existing.id, row: p.row, given: rental };
          if (rentalUpdates.change(existing, { ...rental }, now)) mark(i, "updated");
        }
        fileRentals.set(room.id, mine);
      }
      if (!tenant) return;
      const personKey = `${tenant.idType}:${tenant.idNumber}`;
      let personId = knownPersons.get(personKey);
      if (!personId) {
        personId = randomUUID();
        knownPersons.set(personKey, personId);
        const { moveInDate: _, ...fields } = tenant;
        personInserts.push({
          ...PERSON_DEFAULTS,
          ...fields,
          personType: "02",
          id: personId,
          gridId: room.gridId,
          roomId: room.id,
          source: "import",
        });
      }
      const linkKey = `${mine.id}|${personId}`;
      const link = links.get(linkKey);
      if (!link) {
        const id = randomUUID();
        linkInserts.push({
          id,
          gridId: room.gridId,
          rentalId: mine.id,
          personId,
          moveInDate: tenant.moveInDate ?? null,
          source: "import",
        });
        links.set(linkKey, {
          id,
          moveInDate: tenant.moveInDate ?? null,
          version: 1,
        } as typeof rentalTenants.$inferSelect);
        mark(i, "inserted");
      } else if (tenant.moveInDate && tenant.moveInDate !== link.moveInDate) {
        link.version += 1;
        link.moveInDate = tenant.moveInDate;
        linkUpdates.add(["moveInDate"], {
          id: link.id,
          moveInDate: tenant.moveInDate,
          version: link.version,
          updatedAt: now,
        });
        mark(i, "updated");
      }
    });

    return judged({ outcomes, householdsCreated: 0, personsCreated: personInserts.length }, [
      await prepareInserts(persons, personInserts),
      await prepareInserts(rentals, rentalInserts),
      ...(await rentalUpdates.prepare(rentals)),
      await prepareInserts(rentalTenants, linkInserts),
      ...(await linkUpdates.prepare(rentalTenants)),
    ]);
  };
}
