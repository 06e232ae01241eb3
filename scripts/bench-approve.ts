/**
 * Bulk approval: 200 and then 2,000 visits, each correcting one person's phone, pushed and then
 * approved 200 at a time by a supervisor (the review screen's bulk size), on a fresh PostgreSQL
 * database. Reported per visit for both sizes (the growth should be linear: per-visit time about the
 * same), beside a plain baseline in the same run: one UPDATE … FROM json_to_recordset of the same
 * phones and one UPDATE of the visits' review state, per 200.
 *   npm run bench:approve [-- --small 200 --large 2000 --scale 0.4]
 *                         [-- --pg postgres://postgres@127.0.0.1:5432/postgres]
 * Makes a database `doorstep_bench_<random>` and drops it at the end, even on failure.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { and, asc, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { persons, visits } from "../db/schema";
import { seedDemo } from "../db/seed";
import { createTranslator } from "../domain/i18n";
import type { Mutation } from "../domain/push";
import { PUSH_MAX_MUTATIONS } from "../domain/push";
import { pushMutations } from "../server/services/push";
import { decideVisits } from "../server/services/review";
import { emitFigures } from "./support/figures";
import { createScratchDatabase } from "./support/scratch-db";
import { sessionUserOf } from "./support/session-user";

const { values } = parseArgs({
  options: {
    small: { type: "string", default: "200" },
    large: { type: "string", default: "2000" },
    scale: { type: "string", default: "0.4" },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const SMALL = Number(values.small);
const LARGE = Number(values.large);
const DECIDE_MAX = 200;

async function main() {
  const scratch = await createScratchDatabase(values.pg as string, "doorstep_bench");
  const database = await openDatabase({ kind: "postgresql", url: scratch.url, poolSize: 4 });
  try {
    const { hashPassword } = await import("../server/auth/password");
    const seeded = await seedDemo(database.db, {
      scale: Number(values.scale),
      passwordHash: await hashPassword("doorstep"),
    });
    console.log(`seeded ${seeded.counts.persons} persons in ${seeded.counts.grids} grids`);
    const { db } = database;
    const supervisor = await sessionUserOf(db, "supervisor");
    const people = await db
      .select()
      .from(persons)
      .where(and(isNotNull(persons.householdId), isNull(persons.endedAt)))
      .orderBy(asc(persons.id))
      .limit(SMALL + LARGE);
    if (people.length < SMALL + LARGE) throw new Error(`only ${people.length} persons; raise --scale`);
    const meta = { now: new Date(), ip: "127.0.0.1", userAgent: null, translate: createTranslator("zh-CN") };
    const deviceId = randomUUID();

    /** Push one visit per person (a phone correction), then approve them; time both parts. */
    async function round(who: typeof people) {
      const mutations: Mutation[] = who.map((p, i) => {
        const id = randomUUID();
        return {
          id,
          kind: "visit",
          payload: {
            visit: {
              id,
              campaignId: null,
              gridId: p.gridId,
              roomId: p.roomId as string,
              subjectType: "room",
              subjectId: null,
              outcome: "changed",
              attempt: 1,
              revisitDue: null,
              visitedAt: new Date().toISOString(),
              lat: null,
              lng: null,
              accuracyM: null,
              note: null,
              photoSha256: null,
            },
            changes: [
              {
                id: randomUUID(),
                visitId: id,
                entity: "person",
                entityId: p.id,
                field: "phone",
                registerValue: p.phone,
                observedValue: `139${String(10_000_000 + i).slice(-8)}`,
                baseVersion: p.version,
              },
            ],
          },
        };
      });
      for (let i = 0; i < mutations.length; i += PUSH_MAX_MUTATIONS) {
        const { results } = await pushMutations(
          db,
          supervisor,
          { deviceId, mutations: mutations.slice(i, i + PUSH_MAX_MUTATIONS) },
          meta,
        );
        const bad = results.find((r) => r.status !== "applied");
        if (bad) throw new Error(`push answered ${JSON.stringify(bad)}`);
      }
      const ids = mutations.map((m) => m.id);
      const started = performance.now();
      for (let i = 0; i < ids.length; i += DECIDE_MAX) {
        const chunk = ids.slice(i, i + DECIDE_MAX).map((id) => ({ id, version: 1 }));
        const { decided } = await decideVisits(db, supervisor, { visits: chunk, decision: "approve" }, meta);
        if (decided !== chunk.length) throw new Error(`decided ${decided} of ${chunk.length}`);
      }
      const approveMs = performance.now() - started;
      const applied = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(persons)
        .where(
          inArray(
            persons.id,
            who.map((p) => p.id),
          ),
        );
      if (applied[0].n !== who.length) throw new Error("persons went missing");
      return { approveMs, ids };
    }

    /** The plain means: the same phones written with one statement per 200, and the visits marked. */
    async function baseline(who: typeof people, ids: string[]) {
      const started = performance.now();
      for (let i = 0; i < who.length; i += DECIDE_MAX) {
        const part = who.slice(i, i + DECIDE_MAX);
        const json = JSON.stringify(
          part.map((p, k) => ({ id: p.id, phone: `138${String(20_000_000 + i + k).slice(-8)}` })),
        );
        await db.transaction(async (tx) => {
          await tx.execute(sql`update persons p set phone = d.phone, version = p.version + 1
            from json_to_recordset(${json}::json) as d(id uuid, phone text) where p.id = d.id`);
          await tx
            .update(visits)
            .set({ reviewState: "submitted", version: sql`${visits.version} + 1` })
            .where(inArray(visits.id, ids.slice(i, i + DECIDE_MAX)));
        });
      }
      return performance.now() - started;
    }

    const small = people.slice(0, SMALL);
    const large = people.slice(SMALL, SMALL + LARGE);
    const a = await round(small);
    const aBase = await baseline(small, a.ids);
    const b = await round(large);
    const bBase = await baseline(large, b.ids);
    const perSmall = a.approveMs / SMALL;
    const perLarge = b.approveMs / LARGE;
    console.log(
      `approve ${SMALL}: ${a.approveMs.toFixed(0)} ms (${perSmall.toFixed(2)} ms/visit); plain ${aBase.toFixed(0)} ms`,
    );
    console.log(
      `approve ${LARGE}: ${b.approveMs.toFixed(0)} ms (${perLarge.toFixed(2)} ms/visit); plain ${bBase.toFixed(0)} ms`,
    );
    const growth = perLarge / perSmall;
    console.log(`per-visit time at ${LARGE} ÷ at ${SMALL}: ${growth.toFixed(2)} (linear ≈ 1)`);
    emitFigures("approve", [
      {
        figure: `approve ${SMALL} visits with corrections (PostgreSQL), per visit`,
        unit: "ms",
        measured: perSmall,
        baseline: aBase / SMALL,
        aim: null,
      },
      {
        figure: `approve ${LARGE} visits with corrections (PostgreSQL), per visit`,
        unit: "ms",
        measured: perLarge,
        baseline: bBase / LARGE,
        aim: null,
      },
      {
        figure: `approval growth: per-visit time at ${LARGE} ÷ at ${SMALL}`,
        unit: "×",
        measured: growth,
        ratio: growth,
        aim: "≈ 1 (linear), ≤ 1.5",
        met: growth <= 1.5,
      },
    ]);
  } finally {
    await database.close();
    await scratch.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
