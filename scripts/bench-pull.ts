/**
 * How big one officer's full grid download is on the wire: the demo street at full size (scale 1,
 * about 40k persons) in an in-memory PGlite, then officer1's first pull as superjson JSON and gzipped
 * (what `next start` sends). For comparison, the same rows as format 1 sent them (a tuple a row).
 *   npx tsx --conditions=react-server scripts/bench-pull.ts [--scale 1] [--user officer1] [--several]
 * `--several`: an officer of 祝寿巷 instead, who holds the grid in the demo's three open campaigns, with
 * a campaign of elderly targets (persons aged 60 or more) added over the community: what each
 * campaign beyond the first costs when pulled on its own (campaignOnly), against the same pulled whole.
 */
import { parseArgs } from "node:util";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { count, eq, sql } from "drizzle-orm";
import superjson from "superjson";
import { rowsOf } from "../db/client";
import { households, users } from "../db/schema";
import { seedDemo } from "../db/seed";
import type { PullResponse } from "../domain/pull";
import { PULL_COLUMNS, PULL_LIMIT_MAX } from "../domain/pull";
import { decodePullRows } from "../domain/wire";
import { hashPassword } from "../server/auth/password";
import { createContextFor } from "../server/context";
import { readEnv } from "../server/env";
import { createCaller } from "../server/routers";
import { loginUser, SESSION_COOKIE } from "../server/services/auth";
import { emitFigures } from "./support/figures";
import { openBenchDatabase } from "./support/scratch-db";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    user: { type: "string", default: "officer1" },
    several: { type: "boolean", default: false },
  },
});

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main() {
  // The bench seeds the demo street, so its demo accounts log in, on PostgreSQL too.
  process.env.DOORSTEP_DEMO = "1";
  const bench = await openBenchDatabase();
  const { database } = bench;
  console.log(`database: ${bench.kind}`);
  try {
    const seeded = await seedDemo(database.db, {
      scale: Number(values.scale),
      passwordHash: await hashPassword("doorstep"),
    });
    console.log(`seeded ${seeded.counts.persons} persons in ${seeded.counts.grids} grids`);
    const login = async (username: string) => {
      const { token } = await loginUser(database.db, readEnv(), {
        username,
        password: "doorstep",
        ip: "127.0.0.1",
        userAgent: null,
        now: new Date(),
      });
      return createCaller(
        await createContextFor(database, new Headers({ cookie: `${SESSION_COOKIE}=${token}` })),
      );
    };
    if (values.several) {
      // The first officer holding a grid in more than one open campaign (the demo's 祝寿巷).
      const [officer] = rowsOf<{ username: string; gridId: string; id: string; community: string }>(
        await database.db.execute(sql`select u.username, u.id::text, a.grid_id::text as "gridId",
            g.parent_id::text as community
          from users u join assignments a on a.officer_id = u.id and a.ended_at is null
          join campaigns c on c.id = a.campaign_id and c.status = 'open'
          join areas g on g.id = a.grid_id
          group by u.username, u.id, a.grid_id, g.parent_id having count(distinct c.id) > 1
          order by u.username limit 1`),
      );
      values.user = officer.username;
      const admin = await login("admin");
      const elderly = await admin.campaign.create({
        name: "高龄老人走访（基准）",
        startsOn: "2026-12-01",
        areaIds: [officer.community],
        target: { kind: "query", query: { subject: "person", ageMin: 60, ageAt: "2026-12-31" } },
      });
      await admin.campaign.assign({ campaignId: elderly.id, gridId: officer.gridId, officerId: officer.id });
    }

    const { token } = await loginUser(database.db, readEnv(), {
      username: values.user as string,
      password: "doorstep",
      ip: "127.0.0.1",
      userAgent: null,
      now: new Date(),
    });
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${token}` });
    const caller = createCaller(await createContextFor(database, headers));

    const started = performance.now();
    const pages: PullResponse[] = [];
    let cursor: string | null = null;
    do {
      const page: PullResponse = await caller.sync.pull({
        cursor,
        // With --several, the register comes with the demo campaign, as the officer would start.
        ...(values.several ? { campaignId: seeded.campaignId } : {}),
        limit: PULL_LIMIT_MAX,
      });
      pages.push(page);
      cursor = page.cursor;
    } while (pages.at(-1)?.hasMore);
    const ms = performance.now() - started;

    const [user] = await database.db
      .select({ gridId: users.areaId })
      .from(users)
      .where(eq(users.username, values.user as string));
    const [{ n: householdCount }] = await database.db
      .select({ n: count() })
      .from(households)
      .where(eq(households.gridId, user.gridId));

    let json = 0;
    let gzip = 0;
    let brotli = 0;
    let tuples = 0;
    for (const page of pages) {
      const text = superjson.stringify(page);
      json += Buffer.byteLength(text);
      gzip += gzipSync(text).length;
      brotli += brotliCompressSync(text).length;
      // Format 1: the same page with each table as { columns, rows: tuples }.
      const { rows, format: _format, ...envelope } = page;
      const decoded = decodePullRows(page.format, rows);
      const tables = Object.fromEntries(
        Object.entries(decoded).map(([name, records]) => {
          const columns = PULL_COLUMNS[name as keyof typeof PULL_COLUMNS];
          return [name, { columns, rows: records.map((record) => columns.map((column) => record[column])) }];
        }),
      );
      tuples += gzipSync(superjson.stringify({ ...envelope, tables })).length;
    }
    const first = pages[0];
    const decoded = decodePullRows(first.format, first.rows);
    console.log(
      `${values.user}: ${pages.length} page(s) in ${ms.toFixed(0)} ms, ${householdCount} households`,
    );
    console.log(
      `encoding: pull format ${first.format} (columnar, ids as hex, in-page references as indexes)`,
    );
    for (const [name, table] of Object.entries(first.rows)) {
      const text = JSON.stringify(table);
      const count = decoded[name as keyof typeof decoded]?.length ?? 0;
      console.log(
        `  ${name.padEnd(14)} ${String(count).padStart(5)} rows  ${kb(Buffer.byteLength(text)).padStart(9)} JSON  ${kb(gzipSync(text).length).padStart(8)} gzip`,
      );
    }
    const gridsText = JSON.stringify(first.grids ?? []);
    console.log(
      `  ${"grids".padEnd(14)} ${String(first.grids?.length ?? 0).padStart(5)} rows  ${kb(Buffer.byteLength(gridsText)).padStart(9)} JSON  ${kb(gzipSync(gridsText).length).padStart(8)} gzip`,
    );
    console.log(
      `total: ${json} B JSON (${kb(json)}), ${gzip} B gzip (${kb(gzip)}), ${brotli} B brotli (${kb(brotli)})`,
    );
    console.log(
      `per household: ${Math.round(json / householdCount)} B JSON, ${Math.round(gzip / householdCount)} B gzip, ${Math.round(brotli / householdCount)} B brotli`,
    );
    console.log(
      `same rows as format 1 (a tuple a row): ${tuples} B gzip (${kb(tuples)}), ${Math.round(tuples / householdCount)} B gzip per household`,
    );
    // The officer's other open campaigns (issue 17 item 3): each pulled as the phone pulls it beside
    // the first (campaignOnly: its own rows, not the register again), against the same campaign
    // pulled whole, which is what holding it would cost without campaignOnly.
    const others = (await caller.sync.campaigns()).filter((c) => c.id !== first.campaignId);
    const extra: { figure: string; unit: string; measured: number; baseline: number }[] = [];
    for (const other of others) {
      const size = async (campaignOnly: boolean) => {
        let bytes = 0;
        let rows = 0;
        let next: string | null = null;
        for (;;) {
          const page: PullResponse = await caller.sync.pull({
            cursor: next,
            campaignId: other.id,
            campaignOnly,
            limit: PULL_LIMIT_MAX,
          });
          bytes += gzipSync(superjson.stringify(page)).length;
          rows += Object.values(decodePullRows(page.format, page.rows)).reduce((n, r) => n + r.length, 0);
          next = page.cursor;
          if (!page.hasMore) return { bytes, rows };
        }
      };
      const own = await size(true);
      const whole = await size(false);
      console.log(
        `other campaign ${other.name}: ${own.rows} rows ${kb(own.bytes)} gzip on its own, ${kb(whole.bytes)} gzip with the register (${whole.rows} rows)`,
      );
      extra.push({
        figure: `${values.user}'s other campaign ${other.name} (gzip, campaignOnly)`,
        unit: "KB",
        measured: own.bytes / 1024,
        baseline: whole.bytes / 1024,
      });
    }
    emitFigures("pull", [
      ...extra,
      {
        figure: `${values.user}'s grid pull (gzip, scale ${values.scale})`,
        unit: "KB",
        measured: gzip / 1024,
        baseline: tuples / 1024,
      },
      { figure: "pull per household (gzip)", unit: "B", measured: gzip / householdCount },
    ]);
  } finally {
    await bench.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
