/**
 * The officer's work list, built from the rows of a downloaded grid: buildings → floors → rooms,
 * each room with its status, and an offline search. Pure, so it runs the same in tests and phones.
 */

import type { FeedbackKind } from "./check";
import { countRooms, countTargets, latestVisit, type RoomCounts, roomCountState } from "./counts";
import type { TargetSubject } from "./targets";
import type { ReviewState } from "./visit";

export type RoomStatus = "todo" | "done" | "revisit" | "returned" | "conflict" | "approved";

/** One set of status names and their order of urgency, used by chips, map markers and legends. */
export const ROOM_STATUSES: readonly RoomStatus[] = [
  "returned",
  "conflict",
  "revisit",
  "todo",
  "done",
  "approved",
];

export interface WorkBuilding {
  id: string;
  address: string;
  lat: number | null;
  lng: number | null;
}
export interface WorkRoom {
  id: string;
  buildingId: string;
  unitNo: string | null;
  floor: number;
  roomNo: string;
}
export interface WorkHousehold {
  id: string;
  roomId: string;
  householdNo?: string;
}

/** A targeted campaign's target as pulled (`campaignTargets`): whom to visit, at which door. */
export interface WorkTarget {
  id: string;
  roomId: string;
  subjectKind: TargetSubject;
  subjectId: string;
  state: string;
  /** A returned file's claim (domain/claims.ts): names a newcomer the register does not hold yet. */
  claim?: { name?: string | null } | null;
}

/** Rentals and units, for naming the targets that are one (a landlord, a business). */
export interface WorkNamed {
  id: string;
  name?: string;
  landlordName?: string;
}
export interface WorkPerson {
  id: string;
  householdId: string | null;
  roomId: string | null;
  name: string;
  idNumber: string;
}
export interface WorkVisit {
  id: string;
  roomId: string;
  outcome: string;
  reviewState: ReviewState;
  visitedAt: string | Date;
  revisitDue?: string | null;
  conflict?: boolean;
}

/** What a resident said on /check about a household (the pulled `residentFeedback` row). */
export interface WorkFeedback {
  householdId: string;
  kind: FeedbackKind;
  createdAt: string | Date;
  handledAt?: string | Date | null;
}

const timeOf = (value: string | Date) => new Date(value).getTime();

/**
 * The latest dispute per room that a supervisor has not marked handled: the officer goes back to
 * that door, whatever the visits say, until a visit after the dispute or the supervisor settles it.
 */
export function openDisputesByRoom(
  households: readonly WorkHousehold[],
  feedback: readonly WorkFeedback[],
): Map<string, string | Date> {
  const roomOf = new Map(households.map((h) => [h.id, h.roomId]));
  const open = new Map<string, string | Date>();
  for (const row of feedback) {
    if (row.kind !== "dispute" || row.handledAt) continue;
    const roomId = roomOf.get(row.householdId);
    if (!roomId) continue;
    const held = open.get(roomId);
    if (!held || timeOf(row.createdAt) > timeOf(held)) open.set(roomId, row.createdAt);
  }
  return open;
}

/**
 * A room's status is its state as counted (domain/counts.ts: returned, then revisit — a refusal, no
 * answer, or a resident's open dispute newer than the latest visit — then checked, todo), a checked
 * room shown as approved once a supervisor approved its latest visit; a conflict still open on any of
 * its visits shows first, as on the supervisor's map (server/services/completion.ts): a later visit
 * does not settle it.
 */
export function roomStatus(visits: readonly WorkVisit[], disputedAt?: string | Date | null): RoomStatus {
  if (visits.some((visit) => visit.conflict)) return "conflict";
  const latest = latestVisit(visits);
  const state = roomCountState(latest, disputedAt);
  if (state === "checked") return latest?.reviewState === "approved" ? "approved" : "done";
  return state;
}

/**
 * The grid's counts as every screen defines them (domain/counts.ts), from the rows the phone holds:
 * its rooms, the campaign's visits and the residents' open disputes.
 */
export function gridCounts(input: {
  rooms: readonly WorkRoom[];
  households: readonly WorkHousehold[];
  visits: readonly WorkVisit[];
  residentFeedback?: readonly WorkFeedback[];
  /** Set for a targeted campaign: its open targets are counted instead of the doors. */
  targets?: readonly WorkTarget[] | null;
}): RoomCounts {
  const disputes = openDisputesByRoom(input.households, input.residentFeedback ?? []);
  if (input.targets)
    return countTargets({ targets: openTargets(input.targets), visits: input.visits, disputes });
  return countRooms({ roomIds: input.rooms.map((room) => room.id), visits: input.visits, disputes });
}

/** The targets still to be visited: a withdrawn one has left the list. */
export function openTargets<T extends Pick<WorkTarget, "state">>(targets: readonly T[]): T[] {
  return targets.filter((target) => target.state === "open");
}

/** What the officer reads for each target: the person's name, the household's number, the landlord, the unit. */
function targetNames(input: {
  households: readonly WorkHousehold[];
  persons: readonly WorkPerson[];
  rentals?: readonly WorkNamed[];
  units?: readonly WorkNamed[];
}): (target: WorkTarget) => string {
  const persons = new Map(input.persons.map((p) => [p.id, p.name]));
  const households = new Map(input.households.map((h) => [h.id, h.householdNo ?? ""]));
  const rentals = new Map((input.rentals ?? []).map((r) => [r.id, r.landlordName ?? ""]));
  const units = new Map((input.units ?? []).map((u) => [u.id, u.name ?? ""]));
  const of = { person: persons, household: households, rental: rentals, unit: units };
  return (target) => of[target.subjectKind]?.get(target.subjectId) ?? target.claim?.name ?? "";
}

export interface WorkListRoom extends WorkRoom {
  status: RoomStatus;
  names: string[];
  /** In a targeted campaign each target is an entry of its own, at its room. */
  target?: { id: string; subjectKind: TargetSubject; subjectId: string; name: string };
}
export interface WorkListFloor {
  key: string;
  unitNo: string | null;
  floor: number;
  rooms: WorkListRoom[];
}
export interface WorkListBuilding extends WorkBuilding {
  floors: WorkListFloor[];
  counts: Record<RoomStatus, number>;
}

function emptyCounts(): Record<RoomStatus, number> {
  return { todo: 0, done: 0, revisit: 0, returned: 0, conflict: 0, approved: 0 };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k == null) continue;
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

const collator = new Intl.Collator("zh-CN", { numeric: true });

/**
 * Every door of the grid by building and floor; in a targeted campaign (`targets` set) only the doors
 * with open targets, one entry a target, named, and the building's counts counting targets.
 */
export function buildWorkList(input: {
  buildings: readonly WorkBuilding[];
  rooms: readonly WorkRoom[];
  households: readonly WorkHousehold[];
  persons: readonly WorkPerson[];
  visits: readonly WorkVisit[];
  residentFeedback?: readonly WorkFeedback[];
  targets?: readonly WorkTarget[] | null;
  rentals?: readonly WorkNamed[];
  units?: readonly WorkNamed[];
}): WorkListBuilding[] {
  const targetsByRoom = input.targets ? groupBy(openTargets(input.targets), (t) => t.roomId) : null;
  const nameOf = targetNames(input);
  const roomsByBuilding = groupBy(input.rooms, (r) => r.buildingId);
  const visitsByRoom = groupBy(input.visits, (v) => v.roomId);
  const disputes = openDisputesByRoom(input.households, input.residentFeedback ?? []);
  const roomOfHousehold = new Map(input.households.map((h) => [h.id, h.roomId]));
  const namesByRoom = groupBy(
    input.persons,
    (p) => p.roomId ?? (p.householdId ? roomOfHousehold.get(p.householdId) : null),
  );

  return [...input.buildings]
    .sort((a, b) => collator.compare(a.address, b.address))
    .map((building) => {
      const counts = emptyCounts();
      const floors = new Map<string, WorkListFloor>();
      const rooms = [...(roomsByBuilding.get(building.id) ?? [])]
        .filter((room) => !targetsByRoom || targetsByRoom.has(room.id))
        .sort(
          (a, b) =>
            collator.compare(a.unitNo ?? "", b.unitNo ?? "") ||
            a.floor - b.floor ||
            collator.compare(a.roomNo, b.roomNo),
        );
      for (const room of rooms) {
        const status = roomStatus(visitsByRoom.get(room.id) ?? [], disputes.get(room.id));
        const key = `${room.unitNo ?? ""}|${room.floor}`;
        let floor = floors.get(key);
        if (!floor) {
          floor = { key, unitNo: room.unitNo, floor: room.floor, rooms: [] };
          floors.set(key, floor);
        }
        const names = (namesByRoom.get(room.id) ?? []).map((p) => p.name);
        const targets = targetsByRoom?.get(room.id);
        if (!targets) {
          counts[status] += 1;
          floor.rooms.push({ ...room, status, names });
          continue;
        }
        for (const target of targets) {
          counts[status] += 1;
          floor.rooms.push({
            ...room,
            status,
            names,
            target: {
              id: target.id,
              subjectKind: target.subjectKind,
              subjectId: target.subjectId,
              name: nameOf(target),
            },
          });
        }
      }
      return { ...building, floors: [...floors.values()], counts };
    })
    .filter((building) => !targetsByRoom || building.floors.length > 0);
}

/** The room screen's address; with a person, the screen opens scrolled to them. */
export function roomHref(roomId: string, personId?: string | null): string {
  const params = new URLSearchParams({ id: roomId });
  if (personId) params.set("person", personId);
  return `/field/room?${params}`;
}

/**
 * A room found by its address, or one person in it found by name or ID ending (`personId` and
 * `name` set): each person found is a hit of their own, so two matching members are two links.
 */
export interface SearchHit {
  roomId: string;
  buildingId: string;
  /** The searchable text of the room (Chinese unit word included); screens show the parts below. */
  label: string;
  address: string;
  unitNo: string | null;
  roomNo: string;
  match: string;
  personId?: string;
  name?: string;
  /** Set when the match is the end of an ID number, so the screen can mask it. */
  byIdNumber?: boolean;
}

interface IndexedPerson {
  id: string;
  name: string;
  idNumber: string;
}

export interface SearchIndex {
  entries: {
    roomId: string;
    buildingId: string;
    label: string;
    address: string;
    unitNo: string | null;
    roomNo: string;
    text: string;
    people: IndexedPerson[];
  }[];
}

/** Built once after a download, so each keystroke scans plain strings only. */
export function buildSearchIndex(input: {
  buildings: readonly WorkBuilding[];
  rooms: readonly WorkRoom[];
  households: readonly WorkHousehold[];
  persons: readonly WorkPerson[];
  /** A targeted campaign's: only their doors are searched, a person found only when a target. */
  targets?: readonly WorkTarget[] | null;
  rentals?: readonly WorkNamed[];
  units?: readonly WorkNamed[];
}): SearchIndex {
  const address = new Map(input.buildings.map((b) => [b.id, b.address]));
  const roomOfHousehold = new Map(input.households.map((h) => [h.id, h.roomId]));
  const targets = input.targets ? openTargets(input.targets) : null;
  const targetPersons = targets
    ? new Set(targets.filter((t) => t.subjectKind === "person").map((t) => t.subjectId))
    : null;
  const personsByRoom = groupBy(
    targetPersons ? input.persons.filter((p) => targetPersons.has(p.id)) : input.persons,
    (p) => p.roomId ?? (p.householdId ? roomOfHousehold.get(p.householdId) : null),
  );
  // A target that is no person (a household, a rental, a unit) is found by its name with its door.
  const nameOf = targetNames(input);
  const otherNames = new Map<string, string[]>();
  for (const target of targets ?? []) {
    if (target.subjectKind === "person") continue;
    otherNames.set(target.roomId, [...(otherNames.get(target.roomId) ?? []), nameOf(target)]);
  }
  const targetRooms = targets ? new Set(targets.map((t) => t.roomId)) : null;
  return {
    entries: input.rooms
      .filter((room) => !targetRooms || targetRooms.has(room.id))
      .map((room) => {
        const people = personsByRoom.get(room.id) ?? [];
        const where = address.get(room.buildingId) ?? "";
        const label = `${where} ${room.unitNo ? `${room.unitNo}单元` : ""}${room.roomNo}`;
        return {
          roomId: room.id,
          buildingId: room.buildingId,
          label,
          address: where,
          unitNo: room.unitNo,
          roomNo: room.roomNo,
          text: [label, ...(otherNames.get(room.id) ?? [])].join(" ").toLowerCase(),
          people: people.map((p) => ({ id: p.id, name: p.name, idNumber: p.idNumber.toUpperCase() })),
        };
      }),
  };
}

/**
 * Digits (4 or more, an X allowed last) match the end of an ID number; anything else matches an
 * address or a name. A room matched by its address is one hit; otherwise each person matched is one.
 * At most `limit` hits, in list order.
 */
export function searchGrid(index: SearchIndex, query: string, limit = 50): SearchHit[] {
  const q = query.trim();
  if (!q) return [];
  const hits: SearchHit[] = [];
  const idTail = /^\d{3,17}[\dXx]?$/.test(q) && q.length >= 4 ? q.toUpperCase() : null;
  const lower = q.toLowerCase();
  for (const entry of index.entries) {
    const { text: _, people, ...room } = entry;
    let found: SearchHit[] = [];
    if (idTail) {
      found = people
        .filter((p) => p.idNumber.endsWith(idTail))
        .map((p) => ({ ...room, match: p.idNumber, personId: p.id, name: p.name, byIdNumber: true }));
    }
    if (found.length === 0 && entry.text.includes(lower)) found = [{ ...room, match: entry.label }];
    if (found.length === 0) {
      found = people
        .filter((p) => p.name.includes(q))
        .map((p) => ({ ...room, match: p.name, personId: p.id, name: p.name }));
    }
    for (const hit of found) {
      hits.push(hit);
      if (hits.length >= limit) return hits;
    }
  }
  return hits;
}
