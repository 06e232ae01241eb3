// The counts' rules one by one (domain/counts.ts); test/server/counts.test.ts holds every screen and
// file to them on one fixture.

import { describe, expect, it } from "vitest";
import {
  attemptNumbers,
  callEscalates,
  callNumbers,
  countRooms,
  latestVisit,
  nextCall,
  roomCountState,
  roomsToEscalate,
} from "@/domain/counts";

const v = (id: string, roomId: string, outcome: string, visitedAt: string, reviewState = "submitted") => ({
  id,
  roomId,
  outcome,
  visitedAt,
  reviewState: reviewState as "submitted" | "approved" | "returned",
});

describe("counts", () => {
  it("takes the latest visit to the second, then by the greater id", () => {
    const a = v("00000000-0000-4000-8000-000000000001", "r", "no_answer", "2026-11-20T02:00:00.900Z");
    const b = v("ffffffff-0000-4000-8000-000000000001", "r", "verified", "2026-11-20T02:00:00.100Z");
    const later = v("11111111-0000-4000-8000-000000000001", "r", "refused", "2026-11-20T02:00:01Z");
    expect(latestVisit([a, b])?.id).toBe(b.id);
    expect(latestVisit([b, a])?.id).toBe(b.id);
    expect(latestVisit([a, later, b])?.id).toBe(later.id);
  });

  it("puts a room in one state: returned, then revisit (outcome or newer dispute), then checked", () => {
    const at = "2026-11-20T10:00:00+08:00";
    expect(roomCountState(null)).toBe("todo");
    expect(roomCountState(null, at)).toBe("revisit");
    expect(roomCountState(v("1", "r", "verified", at))).toBe("checked");
    expect(roomCountState(v("1", "r", "verified", at, "approved"))).toBe("checked");
    expect(roomCountState(v("1", "r", "no_answer", at, "approved"))).toBe("revisit");
    expect(roomCountState(v("1", "r", "refused", at, "returned"))).toBe("returned");
    expect(roomCountState(v("1", "r", "verified", at), "2026-11-21T00:00:00Z")).toBe("revisit");
    // A dispute in the same second as the visit is not after it.
    expect(roomCountState(v("1", "r", "verified", at), "2026-11-20T02:00:00.999Z")).toBe("checked");
    expect(roomCountState(v("1", "r", "verified", at, "returned"), "2026-11-21T00:00:00Z")).toBe("returned");
  });

  it("counts rooms; visits to rooms not listed do not count", () => {
    const at = (h: number) => `2026-11-20T${String(h).padStart(2, "0")}:00:00Z`;
    const counts = countRooms({
      roomIds: ["r1", "r2", "r3", "r4", "r5"],
      visits: [
        v("a", "r1", "verified", at(1), "approved"),
        v("b", "r2", "no_answer", at(1)),
        v("c", "r2", "vacant", at(2)),
        v("d", "r3", "verified", at(1), "returned"),
        v("e", "elsewhere", "verified", at(1)),
      ],
      disputes: new Map([["r4", at(3)]]),
    });
    expect(counts).toEqual({ rooms: 5, visited: 3, checked: 2, approved: 1, revisitDue: 1, returned: 1 });
  });

  it("numbers a room's calls oldest first, whatever order they come in", () => {
    const calls = [
      v("c", "r1", "verified", "2026-11-22T10:00:00Z"),
      v("a", "r1", "no_answer", "2026-11-20T10:00:00Z"),
      v("b", "r1", "refused", "2026-11-21T10:00:00Z"),
      v("z", "r2", "verified", "2026-11-20T10:00:00Z"),
    ];
    expect(Object.fromEntries(attemptNumbers(calls))).toEqual({ a: 1, b: 2, c: 3, z: 1 });
  });

  const t = (time: string, day = 20) => `2026-11-${day}T${time}+08:00`;

  it("makes no answers less than two hours after the call's first knock one call", () => {
    const calls = callNumbers([
      v("a", "r", "no_answer", t("09:00:00")),
      v("b", "r", "no_answer", t("09:30:00")),
      v("c", "r", "no_answer", t("10:59:59")),
      // Two hours after 09:00, though 61 seconds after the last knock: a new call.
      v("d", "r", "no_answer", t("11:00:00")),
      v("e", "r", "no_answer", t("12:30:00")),
      v("f", "r", "no_answer", t("14:00:00")),
    ]);
    expect([...calls.values()].map((c) => c.attempt)).toEqual([1, 1, 1, 2, 2, 3]);
    expect(Object.fromEntries([...calls].map(([id, c]) => [id, c.withoutContact]))).toEqual({
      a: 1,
      b: 1,
      c: 1,
      d: 2,
      e: 2,
      f: 3,
    });
  });

  it("makes every refusal and every contact a call of its own, and contact ends the run without it", () => {
    const calls = callNumbers([
      v("a", "r", "no_answer", t("09:00:00")),
      v("b", "r", "refused", t("09:10:00")),
      v("c", "r", "no_answer", t("09:20:00")),
      v("d", "r", "refused", t("09:30:00")),
      v("e", "r", "verified", t("09:40:00")),
      v("f", "r", "no_answer", t("09:50:00")),
      v("g", "r", "no_answer", t("10:00:00")),
    ]);
    expect([...calls.values()]).toEqual([
      { attempt: 1, withoutContact: 1 },
      { attempt: 2, withoutContact: 2 },
      { attempt: 3, withoutContact: 3 },
      { attempt: 4, withoutContact: 4 },
      { attempt: 5, withoutContact: 0 },
      { attempt: 6, withoutContact: 1 },
      { attempt: 6, withoutContact: 1 },
    ]);
  });

  it("numbers a new visit on the phone as the screens will", () => {
    const held = [v("a", "r", "no_answer", t("09:00:00")), v("b", "r", "no_answer", t("09:40:00", 21))];
    expect(nextCall(held, "no_answer", t("10:30:00", 21))).toEqual({ attempt: 2, withoutContact: 2 });
    expect(nextCall(held, "no_answer", t("11:40:00", 21))).toEqual({ attempt: 3, withoutContact: 3 });
    expect(nextCall(held, "refused", t("10:30:00", 21))).toEqual({ attempt: 3, withoutContact: 3 });
    expect(nextCall(held, "verified", t("10:30:00", 21))).toEqual({ attempt: 3, withoutContact: 0 });
    // No outcome chosen yet: a call of its own.
    expect(nextCall(held, null, t("10:30:00", 21)).attempt).toBe(3);
    expect(nextCall([], "no_answer", t("10:30:00"))).toEqual({ attempt: 1, withoutContact: 1 });
  });

  it("escalates from the third call without contact; a room whose latest visit does, unless returned", () => {
    expect(callEscalates({ withoutContact: 2 })).toBe(false);
    expect(callEscalates({ withoutContact: 3 })).toBe(true);
    const three = (room: string, last = "submitted") => [
      v(`${room}1`, room, "no_answer", t("09:00:00", 20)),
      v(`${room}2`, room, "refused", t("09:00:00", 21)),
      v(`${room}3`, room, "no_answer", t("09:00:00", 22), last),
    ];
    const rooms = roomsToEscalate([
      ...three("a"),
      ...three("b", "returned"),
      ...three("c"),
      v("c4", "c", "verified", t("09:00:00", 23)),
      // Three knocks in one round: one call.
      v("d1", "d", "no_answer", t("09:00:00")),
      v("d2", "d", "no_answer", t("09:20:00")),
      v("d3", "d", "no_answer", t("09:40:00")),
    ]);
    expect(Object.fromEntries(rooms)).toEqual({ a: "a3" });
  });
});
