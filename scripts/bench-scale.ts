/**
 * City scale: every supervisor and administrator view, timed and weighed on a city of one street and
 * on one of N streets (default 25, about a million residents), each seeded into a scratch database on
 * PostgreSQL with visits to a tenth of its rooms. Prints, per view, the median time and the answer's
 * bytes at both sizes and their ratio (aims, issue 19: time ratio ≤ 1.5 and answer ≤ 200 KB at N;
 * city-wide statistics < 1 s).
 *   npm run bench:scale [-- --streets 25 --runs 3 --pg postgres://postgres@127.0.0.1:5432/postgres]
 * The views are called as their procedures and routes call them (the services, as the administrator
 * over the whole city), so the figures are the database's and the service's, not HTTP's.
 */
import { parseArgs } from "node:util";
import { eq, sql } from "drizzle-orm";
import superjson from "superjson";
import { type Database, openDatabase } from "../db/client";
import { campaigns } from "../db/schema";
import { DEMO_CAMPAIGN, seedDemo } from "../db/seed";
import { createTranslator } from "../domain/i18n";
import type { SessionUser } from "../server/services/auth";
import { getCompletion, getCompletionFilters } from "../server/services/completion";
import { exportStatistics } from "../server/services/export";
import { progressSummary } from "../server/services/progress";
import { getAreaView } from "../server/services/register";
import { refreshRollups } from "../server/services/rollup";
import { emitFigures, type Figure } from "./support/figures";
import { createScratchDatabase } from "./support/scratch-db";
import { sessionUserOf } from "./support/session-user";

const { values } = parseArgs({
  options: {
    streets: { type: "string", default: "25" },
    runs: { type: "string", default: "3" },
    pg: {
      type: "string",
      default: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    },
  },
});
const STREETS = Number(values.streets);
const RUNS = Number(values.runs);

interface Measured {
  ms: number;
  bytes: number;
}

/** `campaignId`: the campaign the visits below were added to, which the map and progress show. */
type View = (db: Database["db"], admin: SessionUser, campaignId: string) => Promise<number>;

/** Bytes of a procedure's answer as tRPC sends it (superjson), or of an export file. */
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(superjson.serialize(value)));

async function fileBytes(body: Uint8Array | ReadableStream<Uint8Array>): Promise<number> {
  if (body instanceof Uint8Array) return body.byteLength;
  let n = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) n += chunk.byteLength;
  return n;
}

const VIEWS: { name: string; run: View }[] = [
  {
    name: "completion map (the admin's city)",
    run: async (db, u, campaignId) => jsonBytes(await getCompletion(db, u, { campaignId })),
  },
  { name: "map filters", run: async (db, u) => jsonBytes(await getCompletionFilters(db, u)) },
  {
    name: "progress (the city)",
    run: async (db, u, campaignId) => jsonBytes(await progressSummary(db, u, { campaignId }, new Date())),
  },
  { name: "register: root area view", run: async (db, u) => jsonBytes(await getAreaView(db, u)) },
  ...(["xlsx", "csv"] as const).map((format) => ({
    // CSV beside XLSX: the same counts without the workbook's writing, which costs most of the XLSX's time.
    name: `statistics export (the city, ${format.toUpperCase()})`,
    run: (async (db, u) => {
      const file = await exportStatistics(
        db,
        u,
        { format },
        { now: new Date(), ip: "127.0.0.1", locale: "zh-CN", translate: createTranslator("zh-CN") },
      );
      return fileBytes(file.body);
    }) satisfies View,
  })),
];

const FIRST_OF_DAY = "statistics export, first of a day (CSV)";

/** Seeds `streets` streets into a fresh database, adds visits to a tenth of the rooms, measures every view. */
async function measureCity(streets: number, passwordHash: string): Promise<Map<string, Measured>> {
  const scratch = await createScratchDatabase(values.pg as string, "doorstep_scale");
  const database = await openDatabase({ kind: "postgresql", url: scratch.url, poolSize: 4 });
  try {
    const seeded = await seedDemo(database.db, { streets, scale: 1, passwordHash });
    const { db } = database;
    // The street's campaign, over every grid (the demo's questionnaire campaigns start earlier but
    // hold one community: visits of theirs left the rest of the city without any).
    const [campaign] = await db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(eq(campaigns.name, DEMO_CAMPAIGN.name));
    // A tenth of the rooms visited once by their grid's officer (chosen by the room id's hash, so
    // both sizes pick the same share), then statistics refreshed as autovacuum would.
    await db.execute(sql`
      insert into visits (id, campaign_id, grid_id, room_id, subject_type, officer_id, outcome, visited_at)
      select gen_random_uuid(), ${campaign.id}, r.grid_id, r.id, 'room', a.officer_id, 'verified',
        now() - interval '1 day'
      from rooms r
      join assignments a on a.grid_id = r.grid_id and a.campaign_id = ${campaign.id} and a.ended_at is null
      where r.ended_at is null and abs(hashtext(r.id::text)) % 10 = 0`);
    await db.execute(sql`analyze`);
    // The roll-ups recount every grid the seed and the visits touched, as the first read after them
    // would (server/services/rollup.ts); timed on its own, so the views below show steady reads.
    const refreshStarted = performance.now();
    const recounted = await refreshRollups(db);
    const refreshMs = performance.now() - refreshStarted;
    console.log(`roll-ups: ${recounted} grids recounted in ${refreshMs.toFixed(0)} ms`);
    await db.execute(sql`analyze`);
    const admin = await sessionUserOf(db, "admin");
    console.log(
      `${streets} street(s): ${seeded.counts.persons.toLocaleString("en")} persons, ${seeded.counts.grids} grids, seeded in ${(seeded.elapsedMs / 1000).toFixed(0)} s`,
    );
    const out = new Map<string, Measured>();
    for (const view of VIEWS) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        bytes = await view.run(db, admin, campaign.id);
        times.push(performance.now() - started);
      }
      // Every run shown: the first read of each view after the refresh above, then the steady ones whose
      // median is the figure (a statistics read recounts nothing here: refreshRollups counted the register
      // on today's date, which is what refreshStatistics checks).
      console.log(`  ${view.name}: ${times.map((t) => `${t.toFixed(0)} ms`).join(", ")}`);
      times.sort((a, b) => a - b);
      out.set(view.name, { ms: times[Math.floor(times.length / 2)], bytes });
    }
    // The first statistics read of a day: every grid's register counted on another day, so its age
    // counts are moved by the persons who crossed an age band since before the file is made (rollup.ts
    // refreshStatistics). Tomorrow stands for that day.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const started = performance.now();
    await exportStatistics(
      db,
      admin,
      { format: "csv" },
      { now: tomorrow, ip: "127.0.0.1", locale: "zh-CN", translate: createTranslator("zh-CN") },
    );
    const firstOfDay = performance.now() - started;
    console.log(
      `  statistics export, first of a day (age counts moved a day on): ${firstOfDay.toFixed(0)} ms`,
    );
    out.set(FIRST_OF_DAY, { ms: firstOfDay, bytes: 0 });
    return out;
  } finally {
    await database.close();
    await scratch.drop();
  }
}

async function main() {
  const { hashPassword } = await import("../server/auth/password");
  const passwordHash = await hashPassword("doorstep");
  const one = await measureCity(1, passwordHash);
  const many = await measureCity(STREETS, passwordHash);
  console.log(
    `\nview                                   1 street           ${STREETS} streets          ratio`,
  );
  const figures: Figure[] = [];
  for (const view of VIEWS) {
    const a = one.get(view.name) as Measured;
    const b = many.get(view.name) as Measured;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      `${view.name.padEnd(38)} ${`${a.ms.toFixed(0)} ms ${kb(a.bytes)}`.padEnd(18)} ${`${b.ms.toFixed(0)} ms ${kb(b.bytes)}`.padEnd(18)} ${(b.ms / a.ms).toFixed(2)}×`,
    );
    const statistics = view.name.startsWith("statistics");
    figures.push({
      figure: `${view.name}: time at ${STREETS} streets vs 1`,
      unit: "ms",
      measured: b.ms,
      baseline: a.ms,
      aim: statistics ? "< 1000 ms" : "ratio ≤ 1.5",
      met: statistics ? b.ms < 1000 : b.ms / a.ms <= 1.5,
    });
    if (!statistics) {
      figures.push({
        figure: `${view.name}: answer at ${STREETS} streets`,
        unit: "KB",
        measured: b.bytes / 1024,
        baseline: a.bytes / 1024,
        aim: "≤ 200 KB",
        met: b.bytes <= 200 * 1024,
      });
    }
  }
  const a = one.get(FIRST_OF_DAY) as Measured;
  const b = many.get(FIRST_OF_DAY) as Measured;
  console.log(
    `${FIRST_OF_DAY.padEnd(38)} ${`${a.ms.toFixed(0)} ms`.padEnd(18)} ${`${b.ms.toFixed(0)} ms`.padEnd(18)} ${(b.ms / a.ms).toFixed(2)}×`,
  );
  // Shown beside the aim's steady reads, not held to it: once a day, the age counts are moved on.
  figures.push({
    figure: `${FIRST_OF_DAY}: time at ${STREETS} streets vs 1`,
    unit: "ms",
    measured: b.ms,
    baseline: a.ms,
  });
  emitFigures("scale", figures);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
