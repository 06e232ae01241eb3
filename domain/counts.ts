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
 * - 上门次数 attempt: a visit's number among its room's CALLS, oldest first in the same order as
 *   "latest" (1 for the first call). A call is one or more visits: a no-answer less than two hours
 *   (SAME_CALL_SECONDS, to the second) after the no-answer that opened the current call, with nothing
 *   but no-answers between them, is part of that call — knocking again on the same round is not
 *   another chance to find the household in. Anything else opens a call: a refusal, even minutes after
 *   a no-answer, is a door that opened and a resident who said no, each one a fact of its own (and a
 *   no-answer after it is a new call); so is any contact. The window runs from the call's first
 *   visit, not from the previous one, so no-answers every hour make a call every two hours, not one
 *   all day. What a phone claimed when it saved the visit may differ (two phones offline at one door);
 *   files and screens show this number.
 * - 未接触次数 calls without contact: for a visit with no contact (no answer, refused), the calls
 *   without contact in a row ending at its call (since the room's last contact, or its first visit);
 *   0 for any other visit.
 * - 待上报 to escalate: a visit escalates when its calls without contact reach ESCALATE_AFTER_ATTEMPTS
 *   (3); a room is to escalate when its latest visit escalates and was not returned (a returned call
 *   is the supervisor's to settle first).
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
  /** The doors counted; in a targeted campaign its open targets (countTargets). */
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
  return tally(new Set(input.roomIds), input.visits, input.disputes);
}

/**
 * A TARGETED campaign (one whose query picked persons, households, rentals or units) counts its open
 * targets instead of its doors: each target once, in the state of its room by the rules above (the
 * officer visits a target at its door, and a visit of the campaign to the room is a visit to every
 * target there). `rooms` is then the number of targets, and so is every count: two elderly persons
 * behind one door checked are 2 checked.
 */
export function countTargets(input: {
  targets: readonly { roomId: string }[];
  visits: readonly CountedVisit[];
  disputes?: ReadonlyMap<string, string | Date>;
}): RoomCounts {
  return tally(
    input.targets.map((target) => target.roomId),
    input.visits,
    input.disputes,
  );
}

/** Each entry of `roomIds` counted once in its room's state (a room listed twice counts twice). */
function tally(
  roomIds: Iterable<string>,
  visits: readonly CountedVisit[],
  disputes: ReadonlyMap<string, string | Date> | undefined,
): RoomCounts {
  const latest = new Map<string, CountedVisit>();
  for (const visit of visits) {
    const held = latest.get(visit.roomId);
    if (!held || latestFirst(visit, held) < 0) latest.set(visit.roomId, visit);
  }
  const counts = emptyRoomCounts();
  for (const roomId of roomIds) {
    const visit = latest.get(roomId) ?? null;
    const state = roomCountState(visit, disputes?.get(roomId));
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

/** Calls without contact that make a room a case for the community (DOMAIN.md: escalate after 3). */
export const ESCALATE_AFTER_ATTEMPTS = 3;

/** A no-answer less than this many seconds after the no-answer that opened its call is that call. */
export const SAME_CALL_SECONDS = 2 * 60 * 60;

/** The outcome whose repeats within SAME_CALL_SECONDS are one call: no answer (not a refusal). */
export const SAME_CALL_OUTCOME = "no_answer";

/** A visit's place among its room's calls: 上门次数, and 未接触次数 (0 when the visit had contact). */
export interface CallNumber {
  attempt: number;
  withoutContact: number;
}

type CallState = CallNumber & { openedAt: number; outcome: string };

/** The call a visit makes after `previous` (the room's call so far, null before its first visit). */
function nextCallState(previous: CallState | null, outcome: string, at: number): CallState {
  if (
    previous &&
    outcome === SAME_CALL_OUTCOME &&
    previous.outcome === SAME_CALL_OUTCOME &&
    at - previous.openedAt < SAME_CALL_SECONDS
  ) {
    return { ...previous };
  }
  return {
    attempt: (previous?.attempt ?? 0) + 1,
    withoutContact: outcomeNeedsRevisit(outcome) ? (previous?.withoutContact ?? 0) + 1 : 0,
    openedAt: at,
    outcome,
  };
}

type CallVisit = Pick<CountedVisit, "id" | "roomId" | "outcome" | "visitedAt">;

/**
 * Each visit's call numbers among its room's visits (pass one campaign's), oldest first in the order
 * of `latestFirst` (the header: 上门次数 and 未接触次数).
 */
export function callNumbers(visits: readonly CallVisit[]): Map<string, CallNumber> {
  const byRoom = new Map<string, CallVisit[]>();
  for (const visit of visits) {
    const list = byRoom.get(visit.roomId);
    if (list) list.push(visit);
    else byRoom.set(visit.roomId, [visit]);
  }
  const out = new Map<string, CallNumber>();
  for (const list of byRoom.values()) {
    list.sort((a, b) => latestFirst(b, a));
    let state: CallState | null = null;
    for (const visit of list) {
      state = nextCallState(state, visit.outcome, toSecond(visit.visitedAt));
      out.set(visit.id, { attempt: state.attempt, withoutContact: state.withoutContact });
    }
  }
  return out;
}

/** Each visit's 上门次数 (callNumbers' attempt). */
export function attemptNumbers(visits: readonly CallVisit[]): Map<string, number> {
  return new Map([...callNumbers(visits)].map(([id, call]) => [id, call.attempt]));
}

/**
 * The call numbers a new visit to a room would have, after the room's visits held (`previous`, one
 * campaign's), recorded `at` with `outcome` (null before one is chosen: counted as a call of its own).
 * The phone shows and stores this; screens and files recount with callNumbers.
 */
export function nextCall(
  previous: readonly Pick<CountedVisit, "id" | "outcome" | "visitedAt">[],
  outcome: string | null,
  at: string | Date,
): CallNumber {
  const candidate = { id: "\uffff", roomId: "", outcome: outcome ?? "", visitedAt: at };
  const calls = callNumbers([...previous.map((v) => ({ ...v, roomId: "" })), candidate]);
  return calls.get(candidate.id) as CallNumber;
}

/** True when a visit's calls without contact make it a case for the community. */
export function callEscalates(call: Pick<CallNumber, "withoutContact"> | undefined): boolean {
  return (call?.withoutContact ?? 0) >= ESCALATE_AFTER_ATTEMPTS;
}

/**
 * The rooms to escalate (待上报) among the rooms of `visits` (one campaign's), by the header's rule: room
 * id → its latest visit, the one that escalates it.
 */
export function roomsToEscalate(visits: readonly CountedVisit[]): Map<string, string> {
  const calls = callNumbers(visits);
  const latest = new Map<string, CountedVisit>();
  for (const visit of visits) {
    const held = latest.get(visit.roomId);
    if (!held || latestFirst(visit, held) < 0) latest.set(visit.roomId, visit);
  }
  const out = new Map<string, string>();
  for (const [roomId, visit] of latest)
    if (visit.reviewState !== "returned" && callEscalates(calls.get(visit.id))) out.set(roomId, visit.id);
  return out;
}
