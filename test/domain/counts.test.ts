// The counts' rules one by one (domain/counts.ts); test/server/counts.test.ts holds every screen and
// file to them on one fixture.

import { describe, expect, it } from "vitest";
import { attemptNumbers, countRooms, latestVisit, roomCountState } from "@/domain/counts";

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
});
