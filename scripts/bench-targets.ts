/**
 * Target lists (issue 17), two figures:
 * - creating the targets of "persons aged ≥ 60 on 2026-12-31" over a city of N streets (default 25,
 *   about a million residents) on PostgreSQL, as a campaign's creation makes them (insertTargets in a
 *   transaction), beside a plain `INSERT … SELECT` of the same finished rows into the same table (its
 *   indexes, foreign keys and trigger) for another campaign, in the same run (aim < 5 s);
 * - the bytes a phone pulls for a targeted campaign beyond its grid: an officer's whole pull for a
 *   campaign targeting the grid's persons aged ≥ 60, minus the same officer's pull for an every-door
 *   campaign, both gzipped as the server sends them, scaled to 300 targets (aim ≤ 40 KB).
 *   npm run bench:targets [-- --streets 25 --runs 3 --pg postgres://postgres@127.0.0.1:5432/postgres]
 */

import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { eq, sql } from "drizzle-orm";
import superjson from "superjson";
import { type Db, openDatabase, rowsOf } from "../db/client";
import { assignments, campaigns, users } from "../db/schema";
import { seedDemo } from "../db/seed";
import type { PullResponse } from "../domain/pull";
import { PULL_LIMIT_MAX } from "../domain/pull";
import { type TargetQuery, targetQuery } from "../domain/targets";
import { hashPassword } from "../server/auth/password";
import { createContextFor } from "../server/context";
import { readEnv } from "../server/env";
import { createCaller } from "../server/routers";
import { loginUser, SESSION_COOKIE } from "../server/services/auth";
import { insertTargets } from "../server/services/targets";
import { emitFigures } from "./support/figures";
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
const REFERENCE_DATE = "2026-12-31";
const elderly: TargetQuery = targetQuery.parse({ subject: "person", ageMin: 60, ageAt: REFERENCE_DATE });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A campaign row of the query's kind, made directly: the bench times its targets, not its codes. */
async function targetedCampaign(db: Db, createdBy: string, name: string, query: TargetQuery | null) {
  const [campaign] = await db
    .insert(campaigns)
    .values({
      name,
      status: "open",
      startsOn: "2026-12-01",
      createdBy,
      targetKind: query ? "query" : "every_door",
      targetQuery: query,
    })
    .returning({ id: campaigns.id });
  return campaign.id;
}

async function creation(passwordHash: string) {
  const scratch = await createScratchDatabase(values.pg as string, "doorstep_targets");
  const database = await openDatabase({ kind: "postgresql", url: scratch.url, poolSize: 4 });
  try {
    const seeded = await seedDemo(database.db, { streets: STREETS, scale: 1, passwordHash });
    const { db } = database;
    await db.execute(sql`analyze`);
    const admin = await sessionUserOf(db, "admin");
    console.log(
      `${STREETS} street(s): ${seeded.counts.persons.toLocaleString("en")} persons, seeded in ${(seeded.elapsedMs / 1000).toFixed(0)} s`,
    );
    const campaignId = await targetedCampaign(db, admin.id, "60岁以上老人健康档案", elderly);
    const other = await targetedCampaign(db, admin.id, "基准", elderly);
    const measured: number[] = [];
    const baseline: number[] = [];
    let added = 0;
    for (let run = 0; run < RUNS; run++) {
      await db.execute(sql`delete from campaign_targets where campaign_id = ${campaignId}`);
      await db.execute(sql`vacuum analyze campaign_targets`);
      let started = performance.now();
      added = await db.transaction((tx) =>
        insertTargets(tx as unknown as Db, admin, campaignId, elderly, [admin.areaPath], new Date()),
      );
      measured.push(performance.now() - started);
      // Baseline: the same finished rows (already picked) inserted plainly into the same table (its
      // indexes, foreign keys and trigger), for another campaign, then taken out again.
      await db.execute(sql`drop table if exists bench_picked`);
      await db.execute(sql`create table bench_picked as
        select subject_kind, subject_id, room_id, grid_id from campaign_targets where campaign_id = ${campaignId}`);
      await db.execute(sql`vacuum analyze bench_picked`);
      started = performance.now();
      await db.execute(sql`insert into campaign_targets (campaign_id, subject_kind, subject_id, room_id, grid_id)
        select ${other}::uuid, subject_kind, subject_id, room_id, grid_id from bench_picked`);
      baseline.push(performance.now() - started);
      await db.execute(sql`delete from campaign_targets where campaign_id = ${other}`);
    }
    const [{ direct }] = rowsOf<{ direct: number }>(
      await db.execute(sql`select count(*)::int as direct from persons p
        where p.ended_at is null and p.birth_date <= ${REFERENCE_DATE}::date - interval '60 years'`),
    );
    console.log(
      `targets of persons ≥ 60: ${added.toLocaleString("en")} (a direct count of living register persons born by then: ${direct.toLocaleString("en")})`,
    );
    return { added, measured: median(measured), baseline: median(baseline) };
  } finally {
    await database.close();
    await scratch.drop();
  }
}

/** Gzipped bytes of one officer's whole pull of a campaign, as the server's pages serialise. */
async function pullBytes(
  database: Awaited<ReturnType<typeof openDatabase>>,
  token: string,
  campaignId: string,
) {
  const caller = createCaller(
    await createContextFor(database, new Headers({ cookie: `${SESSION_COOKIE}=${token}` })),
  );
  let bytes = 0;
  let cursor: string | null = null;
  let page: PullResponse;
  do {
    page = await caller.sync.pull({ cursor, campaignId, limit: PULL_LIMIT_MAX });
    bytes += gzipSync(superjson.stringify(page)).length;
    cursor = page.cursor;
  } while (page.hasMore);
  return bytes;
}

async function pullBeyondGrid(passwordHash: string) {
  process.env.DOORSTEP_DEMO = "1";
  const database = await openDatabase({ kind: "pglite" });
  try {
    const { db } = database;
    await seedDemo(db, { scale: 1, passwordHash });
    const officer = await sessionUserOf(db, "officer1");
    const admin = await sessionUserOf(db, "admin");
    const everyDoor = await targetedCampaign(db, admin.id, "每户核查（基准）", null);
    const targeted = await targetedCampaign(db, admin.id, "60岁以上老人健康档案", elderly);
    const targets = await db.transaction((tx) =>
      insertTargets(tx as unknown as Db, admin, targeted, elderly, [officer.areaPath], new Date()),
    );
    await db.insert(assignments).values([
      { campaignId: everyDoor, gridId: officer.areaId, officerId: officer.id },
      { campaignId: targeted, gridId: officer.areaId, officerId: officer.id },
    ]);
    const [{ username }] = await db
      .select({ username: users.username })
      .from(users)
      .where(eq(users.id, officer.id));
    const login = () =>
      loginUser(db, readEnv(), {
        username,
        password: "doorstep",
        ip: "127.0.0.1",
        userAgent: null,
        now: new Date(),
      });
    // A fresh login (a fresh phone) for each, so neither pull is the other's delta.
    const plain = await pullBytes(database, (await login()).token, everyDoor);
    const withTargets = await pullBytes(database, (await login()).token, targeted);
    return { targets, plain, withTargets };
  } finally {
    await database.close();
  }
}

async function main() {
  const passwordHash = await hashPassword("doorstep");
  const pull = await pullBeyondGrid(passwordHash);
  const beyond = pull.withTargets - pull.plain;
  const per300 = (beyond / Math.max(1, pull.targets)) * 300;
  console.log(
    `officer1's grid: ${pull.targets} targets; pull ${(pull.plain / 1024).toFixed(1)} KB every door, ${(pull.withTargets / 1024).toFixed(1)} KB targeted: ${(beyond / 1024).toFixed(1)} KB beyond the grid, ${(per300 / 1024).toFixed(1)} KB per 300 targets`,
  );
  const made = await creation(passwordHash);
  console.log(
    `creating ${made.added.toLocaleString("en")} targets: ${made.measured.toFixed(0)} ms; plain INSERT … SELECT of the same rows ${made.baseline.toFixed(0)} ms (${(made.measured / made.baseline).toFixed(2)}×)`,
  );
  emitFigures("targets", [
    {
      figure: `creating the targets of persons ≥ 60 over ${STREETS} streets (${made.added} rows; baseline plain INSERT … SELECT of them)`,
      unit: "ms",
      measured: made.measured,
      baseline: made.baseline,
      aim: "< 5000 ms",
      met: made.measured < 5000,
    },
    {
      figure: `pull of a targeted campaign beyond the grid, gzip, per 300 targets (${pull.targets} in the grid)`,
      unit: "KB",
      measured: per300 / 1024,
      aim: "≤ 40 KB",
      met: per300 / 1024 <= 40,
    },
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
