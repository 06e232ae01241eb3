import "server-only";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  areas,
  buildings,
  households,
  persons,
  rentals,
  rentalTenants,
  rollupAreaRegister,
  rooms,
  units,
} from "@/db/schema";
import { maskIdNumber, maskName, maskPhone } from "@/domain/mask";
import { chinaDay } from "@/domain/progress";
import { ageOn } from "@/domain/validators/date";
import { notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { refreshRollups } from "./rollup";
import { inScope } from "./scope";

const underPath = (column: typeof areas.path, prefix: string) => sql`starts_with(${column}, ${prefix})`;

async function breadcrumbsOf(db: Db, user: SessionUser, path: string) {
  return db
    .select({ id: areas.id, name: areas.name, level: areas.level })
    .from(areas)
    .where(and(sql`starts_with(${path}, ${areas.path})`, underPath(areas.path, user.areaPath)))
    .orderBy(sql`length(${areas.path})`);
}

export async function getAreaView(db: Db, user: SessionUser, areaId?: string) {
  const [area] = await db
    .select({
      id: areas.id,
      code: areas.code,
      name: areas.name,
      level: areas.level,
      path: areas.path,
      centerLat: areas.centerLat,
      centerLng: areas.centerLng,
    })
    .from(areas)
    .where(eq(areas.id, areaId ?? user.areaId));
  if (!area || !inScope(user, area.path)) throw notFound();
  await refreshRollups(db);

  // Off the area roll-ups (rollup.ts rollup_area_register, refreshed above): each child's grids' active
  // households and active persons, summed when those grids were counted, so the view reads one row per
  // child area whatever lies under it. An area with no row has no grid counted yet: none of either.
  const children = await db
    .select({
      id: areas.id,
      code: areas.code,
      name: areas.name,
      level: areas.level,
      households: sql<number>`coalesce(${rollupAreaRegister.households}, 0)::int`,
      persons: sql<number>`coalesce(${rollupAreaRegister.persons}, 0)::int`,
    })
    .from(areas)
    .leftJoin(rollupAreaRegister, eq(rollupAreaRegister.areaId, areas.id))
    .where(eq(areas.parentId, area.id))
    .orderBy(asc(areas.code));

  const gridBuildings =
    area.level === "grid"
      ? await db
          .select({
            id: buildings.id,
            code: buildings.code,
            address: buildings.address,
            name: buildings.name,
            floors: buildings.floors,
            rooms: sql<number>`(select count(*)::int from ${rooms} r where r.building_id = "buildings"."id" and r.ended_at is null)`,
            households: sql<number>`(select count(*)::int from ${households} h join ${rooms} r on r.id = h.room_id where r.building_id = "buildings"."id" and h.ended_at is null)`,
          })
          .from(buildings)
          .where(and(eq(buildings.gridId, area.id), isNull(buildings.endedAt)))
          .orderBy(asc(buildings.address))
      : [];

  const { path, ...visible } = area;
  return {
    area: visible,
    breadcrumbs: await breadcrumbsOf(db, user, path),
    children,
    buildings: gridBuildings,
  };
}

/** A building and its grid's path, or not found when it lies outside the user's area. */
async function buildingInScope(db: Db, user: SessionUser, buildingId: string) {
  const [row] = await db
    .select({ building: buildings, gridPath: areas.path, gridName: areas.name })
    .from(buildings)
    .innerJoin(areas, eq(areas.id, buildings.gridId))
    .where(eq(buildings.id, buildingId));
  if (!row || !inScope(user, row.gridPath)) throw notFound();
  return row;
}

export async function getBuildingView(db: Db, user: SessionUser, buildingId: string) {
  const { building, gridPath } = await buildingInScope(db, user, buildingId);
  const roomRows = await db
    .select({ id: rooms.id, unitNo: rooms.unitNo, floor: rooms.floor, roomNo: rooms.roomNo, use: rooms.use })
    .from(rooms)
    .where(and(eq(rooms.buildingId, building.id), isNull(rooms.endedAt)))
    .orderBy(asc(rooms.unitNo), asc(rooms.floor), asc(rooms.roomNo));
  const roomIds = roomRows.map((room) => room.id);

  const householdRows = roomIds.length
    ? await db
        .select({
          id: households.id,
          roomId: households.roomId,
          householdNo: households.householdNo,
          members: count(persons.id),
          headName: sql<string | null>`max(case when ${persons.relation} = '02' then ${persons.name} end)`,
        })
        .from(households)
        .leftJoin(persons, and(eq(persons.householdId, households.id), isNull(persons.endedAt)))
        .where(and(inArray(households.roomId, roomIds), isNull(households.endedAt)))
        .groupBy(households.id)
        .orderBy(asc(households.householdNo))
    : [];
  const rentalRows = roomIds.length
    ? await db
        .select({
          id: rentals.id,
          roomId: rentals.roomId,
          landlordName: rentals.landlordName,
          use: rentals.use,
          maxOccupants: rentals.maxOccupants,
          actualOccupants: rentals.actualOccupants,
          tenants: sql<number>`(select count(*)::int from ${rentalTenants} t where t.rental_id = "rentals"."id" and t.ended_at is null)`,
        })
        .from(rentals)
        .where(and(inArray(rentals.roomId, roomIds), isNull(rentals.endedAt)))
    : [];
  const unitRows = await db
    .select({
      id: units.id,
      roomId: units.roomId,
      name: units.name,
      kind: units.kind,
      status: units.status,
      industry: units.industry,
    })
    .from(units)
    .where(and(eq(units.buildingId, building.id), isNull(units.endedAt)));

  return {
    building: {
      id: building.id,
      code: building.code,
      address: building.address,
      name: building.name,
      floors: building.floors,
      lat: building.lat,
      lng: building.lng,
    },
    breadcrumbs: await breadcrumbsOf(db, user, gridPath),
    rooms: roomRows.map((room) => ({
      ...room,
      households: householdRows
        .filter((h) => h.roomId === room.id)
        .map(({ headName, ...h }) => ({ ...h, headName: maskName(headName ?? "") })),
      rentals: rentalRows
        .filter((r) => r.roomId === room.id)
        .map(({ landlordName, ...r }) => ({ ...r, landlordName: maskName(landlordName) })),
      units: unitRows.filter((u) => u.roomId === room.id),
    })),
    // Units registered to the building as a whole rather than to one room.
    units: unitRows.filter((u) => !u.roomId),
  };
}

export async function getHouseholdView(db: Db, user: SessionUser, householdId: string, now: Date) {
  const [row] = await db
    .select({ household: households, room: rooms, gridPath: areas.path, address: buildings.address })
    .from(households)
    .innerJoin(rooms, eq(rooms.id, households.roomId))
    .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
    .innerJoin(areas, eq(areas.id, households.gridId))
    .where(eq(households.id, householdId));
  if (!row || !inScope(user, row.gridPath)) throw notFound();

  const members = await db
    .select()
    .from(persons)
    .where(and(eq(persons.householdId, householdId), isNull(persons.endedAt)))
    .orderBy(asc(persons.relation), asc(persons.birthDate));

  const { household, room } = row;
  return {
    household: {
      id: household.id,
      householdNo: household.householdNo,
      kind: household.kind,
      lowIncome: household.lowIncome,
      fiveGuarantee: household.fiveGuarantee,
      source: household.source,
      version: household.version,
    },
    room: {
      id: room.id,
      buildingId: room.buildingId,
      unitNo: room.unitNo,
      floor: room.floor,
      roomNo: room.roomNo,
    },
    address: row.address,
    breadcrumbs: await breadcrumbsOf(db, user, row.gridPath),
    members: members.map((person) => ({
      id: person.id,
      name: maskName(person.name),
      idNumber: maskIdNumber(person.idNumber),
      phone: person.phone ? maskPhone(person.phone) : null,
      sex: person.sex,
      age: ageOn(person.birthDate, chinaDay(now)),
      relation: person.relation,
      personType: person.personType,
    })),
  };
}

/** The one way to see a person unmasked; every call is written to the audit log. */
export async function revealPerson(db: Db, user: SessionUser, personId: string, ip: string) {
  const [row] = await db
    .select({ person: persons, gridPath: areas.path })
    .from(persons)
    .innerJoin(areas, eq(areas.id, persons.gridId))
    .where(eq(persons.id, personId));
  if (!row || !inScope(user, row.gridPath)) throw notFound();
  await writeAudit(db, {
    userId: user.id,
    action: "reveal_person",
    entity: "person",
    entityId: personId,
    areaPath: row.gridPath,
    ip,
  });
  const { person } = row;
  return {
    id: person.id,
    name: person.name,
    idNumber: person.idNumber,
    phone: person.phone,
    birthDate: person.birthDate,
  };
}
