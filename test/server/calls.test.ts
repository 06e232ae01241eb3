// domain/counts.ts numbers a room's calls; progress counts whole areas in SQL (server/services/calls.ts).
// On both databases, random runs of visits — no answers, refusals and contacts, minutes or days apart,
// some in one second — get the same 上门次数, 未接触次数 and rooms to escalate from both.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { type CountedVisit, callNumbers, roomsToEscalate } from "@/domain/counts";
import { callCtes } from "@/server/services/calls";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";

const OUTCOMES = ["no_answer", "no_answer", "refused", "verified", "vacant"] as const;
/** Gaps between a room's visits, in seconds: the same second, around two hours, days. */
const GAPS = [0, 1, 600, 1800, 5400, 7199, 7200, 7201, 10_800, 86_400];

const visitArb = fc.record({
  room: fc.integer({ min: 0, max: 3 }),
  outcome: fc.constantFrom(...OUTCOMES),
  gap: fc.constantFrom(...GAPS),
  ms: fc.integer({ min: 0, max: 999 }),
  returned: fc.boolean(),
});

type Spec = typeof visitArb extends fc.Arbitrary<infer T> ? T : never;

function fixture(specs: Spec[]) {
  const clock = new Map<number, number>();
  const start = Date.parse("2026-11-20T01:00:00Z");
  return specs.map((s): CountedVisit => {
    const at = (clock.get(s.room) ?? start) + s.gap * 1000;
    clock.set(s.room, at);
    return {
      id: randomUUID(),
      roomId: `00000000-0000-4000-8000-00000000000${s.room}`,
      outcome: s.outcome,
      reviewState: s.returned ? "returned" : "submitted",
      visitedAt: new Date(at + s.ms),
    };
  });
}

describe.each(databaseKinds)("calls in SQL and in domain/counts.ts, on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function inSql(visits: CountedVisit[]) {
    const values = sql.join(
      visits.map(
        (v) =>
          sql`(${v.id}::uuid, ${v.roomId}::uuid, 'grid', 'officer', ${v.outcome}, ${v.reviewState},
            ${(v.visitedAt as Date).toISOString()}::timestamptz)`,
      ),
      sql`, `,
    );
    const ctes = callCtes(sql`sv_source`);
    const calls = rowsOf<{ id: string; attempt: number; withoutContact: number }>(
      await database.db.execute(sql`
        with recursive sv_source (id, room_id, grid_id, officer_id, outcome, review_state, visited_at) as (
          values ${values}
        ), ${ctes}
        select c.id, c.attempt, c.without_contact as "withoutContact" from calls c`),
    );
    const escalations = rowsOf<{ roomId: string }>(
      await database.db.execute(sql`
        with recursive sv_source (id, room_id, grid_id, officer_id, outcome, review_state, visited_at) as (
          values ${values}
        ), ${ctes}
        select e.room_id as "roomId" from escalations e`),
    );
    return {
      calls: Object.fromEntries(
        calls.map((c) => [c.id, { attempt: Number(c.attempt), withoutContact: Number(c.withoutContact) }]),
      ),
      escalate: escalations.map((e) => e.roomId).sort(),
    };
  }

  it("numbers the fixture of the header the same", async () => {
    const at = (time: string) => new Date(`2026-11-24T${time}+08:00`);
    const room = "00000000-0000-4000-8000-000000000009";
    const visits = ["09:00:00", "10:30:00", "12:00:00", "13:30:00", "15:00:00"].map(
      (time): CountedVisit => ({
        id: randomUUID(),
        roomId: room,
        outcome: "no_answer",
        reviewState: "submitted",
        visitedAt: at(time),
      }),
    );
    // Every 90 minutes all day: a call every two hours from its first knock, not one call.
    const { calls, escalate } = await inSql(visits);
    expect(visits.map((v) => calls[v.id].attempt)).toEqual([1, 1, 2, 2, 3]);
    expect(escalate).toEqual([room]);
  });

  it("agrees with callNumbers and roomsToEscalate on random runs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(visitArb, { minLength: 1, maxLength: 24 }), async (specs) => {
        const visits = fixture(specs);
        const expected = callNumbers(visits);
        const got = await inSql(visits);
        expect(got.calls).toEqual(Object.fromEntries(expected));
        expect(got.escalate).toEqual([...roomsToEscalate(visits).keys()].sort());
      }),
      { numRuns: 60, seed: 20 },
    );
  });
});
