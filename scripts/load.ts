/**
 * Load: N simulated officers (plain HTTP clients, no browser) against TWO `next start` instances that
 * share one fresh PostgreSQL database. Each officer logs in, pulls their grid page by page, pushes
 * visits to rooms of their own grid in batches, then sends its last batch again (a response lost on the
 * way back) to the other instance; its requests alternate between the two instances. Printed: latency
 * p50/p95/p99 per procedure beside the same procedure for one officer alone earlier in the run, errors
 * by status, throughput, and a consistency check in the database: every pushed visit stored once.
 *   npm run load -- [--officers 200] [--visits 5] [--batch 2] [--duration SECONDS]
 *                   [--streets N] [--scale 1] [--ports 3510,3511] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 * Every officer has a grid of their own: the demo generator makes one officer per grid, so the script
 * seeds enough streets (`--streets`, default ceil(officers / 40); 5 streets at scale 1 make 203 grids).
 * With --duration each officer repeats pull-then-push rounds until the time is up. Builds first unless
 * `.next` is current; makes `doorstep_load_<random>` and drops it, and stops the servers, even on failure.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import superjson from "superjson";
import { openDatabase } from "../db/client";
import { seedDemo } from "../db/seed";
import type { PullResponse } from "../domain/pull";
import type { PushResponse, VisitMutation } from "../domain/push";
import { decodePullRows } from "../domain/wire";
import { hashPassword, PREVIOUS_SCRYPT_PARAMS, SCRYPT_PARAMS } from "../server/auth/password";
import { ensureOpenCampaignCodes } from "../server/services/codes";
import { visitMutation } from "../test/support/push";
import { emitFigures, type Figure } from "./support/figures";
import { ensureBuild, type NextServer, startNext, stopNext, waitHealthy } from "./support/next-server";
import { createScratchDatabase, type ScratchDatabase } from "./support/scratch-db";

const { values } = parseArgs({
  options: {
    officers: { type: "string", default: "200" },
    visits: { type: "string", default: "5" },
    batch: { type: "string", default: "2" },
    duration: { type: "string" },
    streets: { type: "string" },
    scale: { type: "string", default: "1" },
    ports: { type: "string", default: "3510,3511" },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const OFFICERS = Number(values.officers);
const VISITS = Number(values.visits);
const BATCH = Number(values.batch);
const DURATION_MS = values.duration ? Number(values.duration) * 1000 : 0;
const SCALE = Number(values.scale);
const STREETS = values.streets ? Number(values.streets) : Math.max(1, Math.ceil(OFFICERS / 40));
const PORTS = (values.ports as string).split(",").map(Number);
const PASSWORD = "doorstep";
// Officers arrive over a few seconds, as a morning does, rather than in one instant.
const RAMP_MS = Math.min(5_000, OFFICERS * 25);

// ---------------------------------------------------------------------------------------------
// One officer's HTTP client: a cookie jar, requests alternating between the instances, each timed.

interface Sample {
  procedure: string;
  ms: number;
  status: number | "network";
}

class TrpcError extends Error {
  constructor(
    readonly status: number | "network",
    message: string,
  ) {
    super(message);
  }
}

class Officer {
  private cookie = "";
  private turn: number;
  responseBytes = 0;

  /** The phone's own address, as the balancer in front of the instances would append it. */
  private readonly address: string;

  constructor(
    readonly username: string,
    private readonly servers: NextServer[],
    private readonly samples: Sample[],
    first: number,
  ) {
    this.turn = first;
    const n = Number(/\d+$/.exec(username)?.[0] ?? 0);
    this.address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  /** The instance the next request goes to, and the one after (for the replay). */
  nextServer(): NextServer {
    return this.servers[this.turn++ % this.servers.length];
  }

  async call<T>(
    procedure: string,
    input: unknown,
    label = procedure,
    server = this.nextServer(),
  ): Promise<T> {
    const started = performance.now();
    let status: number | "network" = "network";
    try {
      const response = await fetch(`${server.origin}/api/trpc/${procedure}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": this.address,
          origin: server.origin,
          "sec-fetch-site": "same-origin",
          ...(this.cookie ? { cookie: this.cookie } : {}),
        },
        body: JSON.stringify(superjson.serialize(input)),
      });
      status = response.status;
      const text = await response.text();
      this.responseBytes += Buffer.byteLength(text);
      for (const set of response.headers.getSetCookie()) {
        const pair = set.split(";")[0];
        if (pair.startsWith("doorstep_session=")) this.cookie = pair;
      }
      if (!response.ok) throw new TrpcError(status, `${procedure} answered ${status}: ${text.slice(0, 200)}`);
      return superjson.deserialize<T>(JSON.parse(text).result.data);
    } catch (error) {
      if (error instanceof TrpcError) throw error;
      throw new TrpcError(status, `${procedure}: ${(error as Error).message}`);
    } finally {
      this.samples.push({ procedure: label, ms: performance.now() - started, status });
    }
  }
}

interface Pulled {
  roomIds: string[];
  gridIds: Set<string>;
  campaignId: string | null;
  cursor: string;
}

/** sync.pull until hasMore is false, decoded as the phone decodes it; keeps what a visit needs. */
async function pullAll(officer: Officer, cursor: string | null): Promise<Pulled> {
  const roomIds: string[] = [];
  const gridIds = new Set<string>();
  let campaignId: string | null = null;
  let next = cursor;
  for (;;) {
    const page = await officer.call<PullResponse>("sync.pull", { cursor: next });
    campaignId = page.campaignId;
    for (const room of decodePullRows(page.format, page.rows).rooms ?? []) {
      roomIds.push(room.id as string);
      gridIds.add(room.gridId as string);
    }
    next = page.cursor;
    if (!page.hasMore) return { roomIds, gridIds, campaignId, cursor: next };
  }
}

interface OfficerOutcome {
  username: string;
  pushed: string[];
  /** Results that were not "applied" (first push) or not "duplicate" (replay): what went wrong, by key. */
  problems: string[];
  pullBytes: number;
  rooms: number;
  /** First pulls that came back empty and were tried again. */
  emptyPulls: number;
}

/** One officer's day in small: log in, pull, push in batches, replay the last batch to the other instance. */
async function runOfficer(
  username: string,
  servers: NextServer[],
  samples: Sample[],
  first: number,
  deadline: number,
): Promise<OfficerOutcome> {
  const officer = new Officer(username, servers, samples, first);
  const outcome: OfficerOutcome = {
    username,
    pushed: [],
    problems: [],
    pullBytes: 0,
    rooms: 0,
    emptyPulls: 0,
  };
  try {
    await officer.call("auth.login", { username, password: PASSWORD });
    const loginBytes = officer.responseBytes;
    const deviceId = randomUUID();
    let pulled = await pullAll(officer, null);
    // A pull hands out only rows below the oldest transaction still running on the server (xids are
    // cluster-wide, so another database's long transaction counts): an empty grid means "not yet",
    // and the phone pulls again, as here.
    for (let wait = 250; pulled.roomIds.length === 0 && wait <= 8_000; wait *= 2) {
      outcome.emptyPulls += 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
      pulled = await pullAll(officer, null);
    }
    outcome.pullBytes = officer.responseBytes - loginBytes;
    const roomIds = pulled.roomIds;
    outcome.rooms = roomIds.length;
    if (pulled.gridIds.size !== 1 || !pulled.campaignId || roomIds.length === 0) {
      outcome.problems.push(`pulled ${pulled.gridIds.size} grids, ${roomIds.length} rooms`);
      return outcome;
    }
    const [gridId] = pulled.gridIds;
    const campaignId = pulled.campaignId;
    let visitNo = 0;
    do {
      const queue: VisitMutation[] = [];
      for (let i = 0; i < VISITS; i++, visitNo++) {
        queue.push(
          visitMutation({
            gridId,
            campaignId,
            roomId: roomIds[visitNo % roomIds.length],
            visitedAt: new Date().toISOString(),
          }),
        );
      }
      let last: VisitMutation[] = [];
      for (let at = 0; at < queue.length; at += BATCH) {
        last = queue.slice(at, at + BATCH);
        const { results } = await officer.call<PushResponse>("sync.push", { deviceId, mutations: last });
        outcome.pushed.push(...last.map((m) => m.id));
        for (const r of results)
          if (r.status !== "applied") outcome.problems.push(`push ${r.status}: ${"key" in r ? r.key : ""}`);
      }
      // The answer to the last batch "got lost": the phone sends it again, here to the other instance.
      const replay = await officer.call<PushResponse>(
        "sync.push",
        { deviceId, mutations: last },
        "sync.push (replay)",
      );
      for (const r of replay.results)
        if (!r.duplicate) outcome.problems.push(`replay not a duplicate: ${r.status}`);
      if (Date.now() < deadline) pulled = await pullAll(officer, pulled.cursor);
    } while (Date.now() < deadline);
  } catch (error) {
    outcome.problems.push((error as Error).message);
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Figures

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

function latencies(samples: Sample[]) {
  const by = new Map<string, number[]>();
  for (const s of samples) {
    if (s.status !== 200) continue;
    const list = by.get(s.procedure) ?? [];
    list.push(s.ms);
    by.set(s.procedure, list);
  }
  const out = new Map<string, { n: number; p50: number; p95: number; p99: number }>();
  for (const [procedure, list] of by) {
    list.sort((a, b) => a - b);
    out.set(procedure, {
      n: list.length,
      p50: quantile(list, 0.5),
      p95: quantile(list, 0.95),
      p99: quantile(list, 0.99),
    });
  }
  return out;
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : "—");

/**
 * What one login's password hash costs, at today's scrypt level and at the previous one (N = 2^15),
 * in this process on this machine, just before the crowd: the same-run baseline for the login figures
 * (a login is one hash plus a few statements). The median of `runs` hashes at each level, alternated so
 * the machine's other work falls on both alike.
 */
async function hashCost(runs = 7): Promise<{ now: number; before: number }> {
  const times = { now: [] as number[], before: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const [level, params] of [
      ["before", PREVIOUS_SCRYPT_PARAMS],
      ["now", SCRYPT_PARAMS],
    ] as const) {
      const started = performance.now();
      await hashPassword(PASSWORD, params);
      times[level].push(performance.now() - started);
    }
  }
  const median = (list: number[]) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { now: median(times.now), before: median(times.before) };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let scratch: ScratchDatabase | undefined;

  const servers: NextServer[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      await Promise.all(servers.map(stopNext));
      if (scratch) {
        await scratch.drop();
        console.log(`dropped database ${scratch.name}`);
      }
    })();
    return cleaning;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }

  let failed = false;
  try {
    ensureBuild();
    scratch = await createScratchDatabase(values.pg as string, "doorstep_load");
    const dbName = scratch.name;
    const url = scratch.url;
    const seeding = await openDatabase({ kind: "postgresql", url: url.toString(), poolSize: 4 });
    try {
      const seeded = await seedDemo(seeding.db, {
        streets: STREETS,
        scale: SCALE,
        passwordHash: await hashPassword(PASSWORD),
      });
      // Made here, once: two instances starting together would otherwise both make the visit-slip codes.
      await ensureOpenCampaignCodes(seeding.db);
      console.log(
        `database ${dbName}: ${STREETS} street(s) at scale ${SCALE}, ${seeded.counts.grids} grids, ${seeded.counts.households} households, seeded in ${(seeded.elapsedMs / 1000).toFixed(1)} s`,
      );
      if (seeded.counts.grids < OFFICERS) {
        throw new Error(`${OFFICERS} officers need ${OFFICERS} grids; raise --streets or --scale`);
      }
    } finally {
      await seeding.close();
    }

    // The instances trust one proxy, and each officer's requests carry the address a balancer would
    // append for that phone: otherwise every phone is 127.0.0.1 to the login limits, and a crowd of
    // logins in flight at once from one address waits as a password spray would (README, "Security").
    const env = {
      DATABASE_URL: url.toString(),
      DOORSTEP_DEMO: "1",
      DOORSTEP_DEMO_SCALE: String(SCALE),
      DOORSTEP_TRUST_PROXY: "1",
    };
    for (const port of PORTS) servers.push(startNext(port, env));
    await Promise.all(servers.map((s) => waitHealthy(s)));
    console.log(`instances: ${servers.map((s) => s.origin).join(", ")} (next start, one PostgreSQL)`);

    // Baseline: one officer alone on the same instances, before the crowd; after a first round that
    // only warms them up (each route's code is loaded and compiled on its first request).
    const warmUp = await runOfficer("officer1", servers, [], 0, 0);
    const soloSamples: Sample[] = [];
    const solo = await runOfficer("officer1", servers, soloSamples, 0, 0);
    for (const [label, round] of [
      ["warm-up", warmUp],
      ["alone", solo],
    ] as const) {
      if (round.problems.length > 0) throw new Error(`officer1 ${label}: ${round.problems.join("; ")}`);
    }

    const hash = await hashCost();
    console.log(
      `password hash (scrypt, median of 7, this process): N=2^${Math.log2(SCRYPT_PARAMS.N)} ${ms(hash.now)}, N=2^${Math.log2(PREVIOUS_SCRYPT_PARAMS.N)} (the previous level) ${ms(hash.before)}: ${(hash.now / hash.before).toFixed(1)}×`,
    );

    const samples: Sample[] = [];
    const started = performance.now();
    const deadline = Date.now() + DURATION_MS;
    const outcomes = await Promise.all(
      Array.from({ length: OFFICERS }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * RAMP_MS) / OFFICERS));
        return runOfficer(`officer${i + 1}`, servers, samples, i, deadline);
      }),
    );
    const wallMs = performance.now() - started;

    // Consistency, read straight from the database.
    const pushed = [...warmUp.pushed, ...solo.pushed, ...outcomes.flatMap((o) => o.pushed)];
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const counted = async (table: string) =>
      (
        await check.query<{ rows: number; ids: number; ours: number }>(
          `select count(*)::int as rows, count(distinct id)::int as ids,
                  count(*) filter (where id = any($1::uuid[]))::int as ours from ${table}`,
          [pushed],
        )
      ).rows[0];
    const visitRows = await counted("visits");
    const ledgerRows = await counted("mutation_ledger");
    await check.end();

    // Figures.
    const soloLatency = latencies(soloSamples);
    const crowd = latencies(samples);
    const byStatus = new Map<string, number>();
    for (const s of samples)
      if (s.status !== 200) byStatus.set(String(s.status), (byStatus.get(String(s.status)) ?? 0) + 1);
    const problems = outcomes.flatMap((o) => o.problems.map((p) => `${o.username}: ${p}`));
    const pullBytes = outcomes.map((o) => o.pullBytes).sort((a, b) => a - b);

    console.log("");
    console.log(
      `${OFFICERS} officers, ${VISITS} visits each a round in batches of ${BATCH}${DURATION_MS ? `, rounds for ${DURATION_MS / 1000} s` : ""}, arriving over ${(RAMP_MS / 1000).toFixed(1)} s, requests alternating over ${PORTS.length} instances (${PORTS.join(", ")})`,
    );
    console.log(
      `${"procedure".padEnd(20)}${"n".padStart(6)}${"p50".padStart(9)}${"p95".padStart(9)}${"p99".padStart(9)}   alone (p50, baseline)   p50 ratio`,
    );
    for (const [procedure, l] of crowd) {
      const alone = soloLatency.get(procedure);
      console.log(
        `${procedure.padEnd(20)}${String(l.n).padStart(6)}${ms(l.p50).padStart(9)}${ms(l.p95).padStart(9)}${ms(l.p99).padStart(9)}   ${ms(alone?.p50 ?? Number.NaN).padStart(10)}              ${alone ? `${(l.p50 / alone.p50).toFixed(1)}×` : ""}`,
      );
    }
    const requests = samples.length;
    console.log(
      `throughput: ${requests} requests in ${(wallMs / 1000).toFixed(1)} s = ${(requests / (wallMs / 1000)).toFixed(1)} requests/s (${(requests / (wallMs / 1000) / PORTS.length).toFixed(1)} per instance); ${pushed.length - warmUp.pushed.length - solo.pushed.length} visits pushed = ${((pushed.length - warmUp.pushed.length - solo.pushed.length) / (wallMs / 1000)).toFixed(1)} visits/s`,
    );
    console.log(
      `pull per officer (JSON as received, before gzip on the wire): median ${(quantile(pullBytes, 0.5) / 1024).toFixed(0)} KB, largest ${((pullBytes.at(-1) ?? 0) / 1024).toFixed(0)} KB; rooms per grid median ${quantile(
        outcomes.map((o) => o.rooms).sort((a, b) => a - b),
        0.5,
      )}; empty first pulls tried again: ${outcomes.reduce((n, o) => n + o.emptyPulls, 0)}`,
    );
    const errorCount = [...byStatus.values()].reduce((a, b) => a + b, 0);
    console.log(
      `errors: ${errorCount === 0 ? "none" : [...byStatus].map(([s, n]) => `${n} × ${s}`).join(", ")}; problems in results: ${problems.length}`,
    );
    for (const p of problems.slice(0, 10)) console.log(`  ${p}`);

    const consistent =
      visitRows.ours === pushed.length &&
      visitRows.rows === visitRows.ids &&
      visitRows.rows === pushed.length &&
      ledgerRows.ours === pushed.length &&
      ledgerRows.rows === ledgerRows.ids &&
      ledgerRows.rows === pushed.length;
    console.log(
      `consistency: ${pushed.length} visits pushed (each batch's last one sent twice); visits table ${visitRows.rows} rows, ${visitRows.ids} distinct, ${visitRows.ours} of ours; mutation_ledger ${ledgerRows.rows} rows, ${ledgerRows.ids} distinct, ${ledgerRows.ours} of ours: ${consistent ? "every visit stored exactly once" : "NOT CONSISTENT"}`,
    );

    const figures: Figure[] = [
      {
        figure: `password hash, scrypt N=2^${Math.log2(SCRYPT_PARAMS.N)} (baseline: N=2^${Math.log2(PREVIOUS_SCRYPT_PARAMS.N)}, before)`,
        unit: "ms",
        measured: hash.now,
        baseline: hash.before,
      },
    ];
    const login = crowd.get("auth.login");
    if (login) {
      figures.push({
        figure: `auth.login p50 (${OFFICERS} officers)`,
        unit: "ms",
        measured: login.p50,
        baseline: soloLatency.get("auth.login")?.p50 ?? null,
      });
    }
    for (const [procedure, l] of crowd) {
      const alone = soloLatency.get(procedure);
      figures.push({
        figure: `${procedure} p95 (${OFFICERS} officers)`,
        unit: "ms",
        measured: l.p95,
        baseline: alone?.p50 ?? null,
      });
    }
    figures.push(
      {
        figure: "requests/s per instance",
        unit: "req/s",
        measured: requests / (wallMs / 1000) / PORTS.length,
      },
      {
        figure: "errors",
        unit: "",
        measured: errorCount + problems.length,
        aim: "0",
        met: errorCount + problems.length === 0,
      },
      {
        figure: "visits stored exactly once",
        unit: "",
        measured: consistent ? 1 : 0,
        aim: "1 (yes)",
        met: consistent,
      },
    );
    emitFigures("load", figures);
    failed = !consistent || errorCount > 0 || problems.length > 0;
  } catch (error) {
    console.error(error);
    for (const s of servers)
      if (s.log.length)
        console.error(`--- next start on ${s.port}, last lines:\n${s.log.slice(-20).join("\n")}`);
    failed = true;
  } finally {
    await cleanup();
  }
  process.exit(failed ? 1 : 0);
}

void main();
