/**
 * The counts every screen and file shows, defined once. The phone counts with these functions on the
 * rows it holds after a pull; progress, the map and the exports count the same way in SQL, and a test
 * (test/server/counts.test.ts) holds one fixture to all of them on both databases. README "Counts"
 * says the same in words.
 *
 * Over the rooms (doors) of a grid and ONE campaign's visits to them:
 *
 * - The LATEST visit of a room: the one with the latest time of the visit (`visitedAt`, to the whole
 *   second, as visits travel to phones), then the greatest id. Every reader agrees on it, whatever
 *   order visits arrived in.
 * - An OPEN DISPUTE of a room: a resident's dispute on /check about one of the room's households, in
 *   the campaign, that no supervisor has marked handled. It sends the officer back when it is newer
 *   (to the second) than the latest visit, or the room has none.
 * - Each room is in exactly one of four states, first rule that holds:
 *
 *   | state    | rule                                                              |
 *   |----------|-------------------------------------------------------------------|
 *   | returned | the latest visit was returned by a supervisor                     |
 *   | revisit  | the latest visit needs a revisit (no answer, refused), or an open |
 *   |          | dispute is newer than it (or the room has no visit)               |
 *   | checked  | the room has a visit                                              |
 *   | todo     | no visit                                                          |
 *
 * The counts:
 *
 * - 已走访 visited: rooms with at least one visit (whatever its outcome or review).
 * - 已核查 checked: rooms in state checked — called on, no revisit owed, not sent back.
 * - 待复访 revisit due: rooms in state revisit — the officer owes the door another call. Owed from
 *   the moment the call failed: the visit's own revisit date (the next day) is advice to the officer,
 *   not a condition of the count, so the phone's amber rooms and the supervisor's number agree.
 * - 被退回 returned: rooms in state returned.
 * - 已审核 approved: the checked rooms whose latest visit a supervisor approved.
 * - 上门次数 attempt: a visit's number among its room's visits, oldest first in the same order as
 *   "latest" (1 for the first call). What a phone claimed when it saved the visit may differ (two
 *   phones offline at one door); files and screens show this number.
 *
 * Conflicts are no count: the map colours a room with an unsettled conflict on top of its state.
 */

import { VISIT_OUTCOME } from "./codes";

/** Outcomes after which the door must be called on again (no answer, refused). */
export const REVISIT_OUTCOMES: readonly string[] = VISIT_OUTCOME.filter((o) => o.needsRevisit).map(
  (o) => o.code,
);

export function outcomeNeedsRevisit(outcome: string): boolean {
  return REVISIT_OUTCOMES.includes(outcome);
}

export interface CountedVisit {
  id: string;
  roomId: string;
  outcome: string;
  reviewState: "submitted" | "approved" | "returned";
  visitedAt: string | Date;
}

/** An instant to the whole second, as the wire carries it (so ms on the server cannot reorder). */
export const toSecond = (value: string | Date): number => Math.floor(new Date(value).getTime() / 1000);

/** Latest first: the later visit (to the second), then the greater id. */
export function latestFirst(
  a: Pick<CountedVisit, "id" | "visitedAt">,
  b: Pick<CountedVisit, "id" | "visitedAt">,
) {
  return toSecond(b.visitedAt) - toSecond(a.visitedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function latestVisit<V extends Pick<CountedVisit, "id" | "visitedAt">>(
  visits: readonly V[],
): V | null {
  let latest: V | null = null;
  for (const visit of visits) if (!latest || latestFirst(visit, latest) < 0) latest = visit;
  return latest;
}

export type RoomCountState = "todo" | "checked" | "revisit" | "returned";

/** The room's state from its latest visit and its newest open dispute (the table above). */
export function roomCountState(
  latest: { outcome: string; reviewState: string; visitedAt: string | Date } | null,
  disputedAt?: string | Date | null,
): RoomCountState {
  if (latest?.reviewState === "returned") return "returned";
  if (disputedAt && (!latest || toSecond(disputedAt) > toSecond(latest.visitedAt))) return "revisit";
  if (!latest) return "todo";
  if (outcomeNeedsRevisit(latest.outcome)) return "revisit";
  return "checked";
}

export interface RoomCounts {
  rooms: number;
  visited: number;
  checked: number;
  approved: number;
  revisitDue: number;
  returned: number;
}

export function emptyRoomCounts(): RoomCounts {
  return { rooms: 0, visited: 0, checked: 0, approved: 0, revisitDue: 0, returned: 0 };
}

/**
 * The counts over `roomIds`, from the campaign's visits and the open disputes' times by room
 * (worklist.ts openDisputesByRoom makes that map from pulled rows). Visits to other rooms are not counted.
 */
export function countRooms(input: {
  roomIds: readonly string[];
  visits: readonly CountedVisit[];
  disputes?: ReadonlyMap<string, string | Date>;
}): RoomCounts {
  const latest = new Map<string, CountedVisit>();
  for (const visit of input.visits) {
    const held = latest.get(visit.roomId);
    if (!held || latestFirst(visit, held) < 0) latest.set(visit.roomId, visit);
  }
  const counts = emptyRoomCounts();
  for (const roomId of new Set(input.roomIds)) {
    const visit = latest.get(roomId) ?? null;
    const state = roomCountState(visit, input.disputes?.get(roomId));
    counts.rooms += 1;
    if (visit) counts.visited += 1;
    if (state === "checked") {
      counts.checked += 1;
      if (visit?.reviewState === "approved") counts.approved += 1;
    }
    if (state === "revisit") counts.revisitDue += 1;
    if (state === "returned") counts.returned += 1;
  }
  return counts;
}

/** Each visit's 上门次数: its number among its room's visits, oldest first (1 for the first call). */
export function attemptNumbers(visits: readonly Pick<CountedVisit, "id" | "roomId" | "visitedAt">[]) {
  const byRoom = new Map<string, Pick<CountedVisit, "id" | "roomId" | "visitedAt">[]>();
  for (const visit of visits) byRoom.set(visit.roomId, [...(byRoom.get(visit.roomId) ?? []), visit]);
  const out = new Map<string, number>();
  for (const list of byRoom.values()) {
    list.sort((a, b) => latestFirst(b, a));
    list.forEach((visit, i) => {
      out.set(visit.id, i + 1);
    });
  }
  return out;
}
