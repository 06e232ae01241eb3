/**
 * How fast a phone's queue syncs: 1,000 queued visits pushed to the real tRPC route handler over
 * loopback HTTP, against a fresh PostgreSQL database, beside a plain multi-row INSERT of the same rows
 * in the same process. Aims (from the issue): under 2 s, at most 5 HTTP requests.
 *   npm run bench:push [-- --mutations 1000 --runs 3 --scale 0.4 --user officer1]
 *                      [-- --pg postgres://postgres@127.0.0.1:5432/postgres]
 * Makes a database `doorstep_bench_<random>` on that server and drops it at the end, even on failure.
 */
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import {
  and,
  asc,
  count,
  eq,
  getTableColumns,
  getTableName,
  inArray,
  isNotNull,
  isNull,
  sql,
} from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import superjson from "superjson";
import type { Database, Db } from "../db/client";
import { openDatabase } from "../db/client";
import {
  assignments,
  campaigns,
  changes,
  households,
  mutationLedger,
  persons,
  users,
  visits,
} from "../db/schema";
import { seedDemo } from "../db/seed";
import { EDUCATION, EMPLOYMENT } from "../domain/codes";
import type { DeviceHealth, Mutation, PushResult, VisitMutation } from "../domain/push";
import { PUSH_BATCH_BYTES, PUSH_MAX_MUTATIONS } from "../domain/push";
import { citizenIdCheckChar } from "../domain/validators/citizen-id";
import type { Change } from "../domain/visit";
import { installPeerStamp } from "../server/http/peer";
import type { AppRouter } from "../server/routers";
import { emitFigures } from "./support/figures";
import { createScratchDatabase, type ScratchDatabase } from "./support/scratch-db";

const { values } = parseArgs({
  options: {
    mutations: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    scale: { type: "string", default: "0.4" },
    user: { type: "string", default: "officer1" },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});

const MUTATIONS = Number(values.mutations);
const RUNS = Number(values.runs);
const SCALE = Number(values.scale);
const USERNAME = values.user as string;
const PASSWORD = "doorstep";
const AIM_MS = 2_000;
const AIM_REQUESTS = 5;

// ---------------------------------------------------------------------------------------------
// Counting SQL: every statement any pg client of this process sends, with its round trip.

interface SqlTally {
  statements: number;
  ms: number;
  kinds: Map<string, { n: number; ms: number }>;
}

const newTally = (): SqlTally => ({ statements: 0, ms: 0, kinds: new Map() });
const tally = newTally();

/** "update persons", "select rooms … for update": found by cheap scans, not by regexes over long statements. */
function kindOf(text: string): string {
  const head = text.slice(0, 80).trim().replace(/\s+/g, " ").toLowerCase();
  const verb = /^(select|insert into|update|delete from|with|begin|commit|rollback|savepoint|release)/.exec(
    head,
  )?.[1];
  if (!verb) return head.slice(0, 24);
  let table: string | undefined;
  if (verb === "select") {
    const from = text.search(/ from /i);
    table = from >= 0 ? /^ from "?(\w+)"?/i.exec(text.slice(from, from + 80))?.[1] : undefined;
  } else if (verb !== "begin" && verb !== "commit" && verb !== "rollback") {
    table = /^(?:insert into|update|delete from) "?(\w+)"?/.exec(head)?.[1];
  }
  const extra = / for update\s*$/i.test(text.slice(-40))
    ? " … for update"
    : text.includes(" on conflict ")
      ? " … on conflict"
      : "";
  return `${verb.split(" ")[0]}${table ? ` ${table}` : ""}${extra}`;
}

function record(text: string, ms: number) {
  const kind = kindOf(text);
  tally.statements += 1;
  tally.ms += ms;
  const entry = tally.kinds.get(kind) ?? { n: 0, ms: 0 };
  entry.n += 1;
  entry.ms += ms;
  tally.kinds.set(kind, entry);
}

type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
const originalQuery = pg.Client.prototype.query as unknown as QueryFn;
(pg.Client.prototype as unknown as { query: QueryFn }).query = function (
  this: pg.Client,
  ...args: unknown[]
) {
  const first = args[0];
  const text = typeof first === "string" ? first : ((first as { text?: string } | undefined)?.text ?? "");
  const started = performance.now();
  const result = originalQuery.apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === "function") {
    const done = () => record(text, performance.now() - started);
    (result as Promise<unknown>).then(done, done);
  }
  return result;
};

function diffTally(before: SqlTally, after: SqlTally): SqlTally {
  const kinds = new Map<string, { n: number; ms: number }>();
  for (const [kind, entry] of after.kinds) {
    const was = before.kinds.get(kind) ?? { n: 0, ms: 0 };
    if (entry.n > was.n) kinds.set(kind, { n: entry.n - was.n, ms: entry.ms - was.ms });
  }
  return { statements: after.statements - before.statements, ms: after.ms - before.ms, kinds };
}

const snapshot = (): SqlTally => ({
  statements: tally.statements,
  ms: tally.ms,
  kinds: new Map([...tally.kinds].map(([k, v]) => [k, { ...v }])),
});

// ---------------------------------------------------------------------------------------------
// The route handler behind a loopback node:http server, as Next would call it.

interface ServerLog {
  path: string;
  status: number;
  ms: number;
  sql: SqlTally;
}

function serve(handler: (req: Request) => Promise<Response>, log: ServerLog[]) {
  // What instrumentation.ts does under `next start`: the socket's address reaches the handlers.
  installPeerStamp();
  const server = http.createServer(async (req, res) => {
    const started = performance.now();
    const before = snapshot();
    let status = 500;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      const method = req.method ?? "GET";
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      const response = await handler(request);
      const body = Buffer.from(await response.arrayBuffer());
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie" && name !== "content-length") out[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) out["set-cookie"] = cookies;
      out["content-length"] = String(body.length);
      status = response.status;
      res.writeHead(status, out);
      res.end(body);
    } catch (error) {
      console.error("[bench] handler threw:", error);
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    } finally {
      log.push({
        path: req.url ?? "",
        status,
        ms: performance.now() - started,
        sql: diffTally(before, snapshot()),
      });
    }
  });
  return new Promise<{ server: http.Server; origin: string }>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The phone's queue: visits at officer1's doors, built as the phone builds them.

interface Member {
  id: string;
  version: number;
  phone: string | null;
  employment: string | null;
  education: string | null;
  householdId: string;
  roomId: string;
}

async function membersOf(db: Db, gridId: string): Promise<Member[]> {
  return (await db
    .select({
      id: persons.id,
      version: persons.version,
      phone: persons.phone,
      employment: persons.employment,
      education: persons.education,
      householdId: persons.householdId,
      roomId: households.roomId,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .where(and(eq(persons.gridId, gridId), isNotNull(persons.householdId), isNull(persons.endedAt)))
    .orderBy(asc(persons.id))) as Member[];
}

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");

function newPhone(current: string | null): string {
  for (;;) {
    const phone = `13${pick(["5", "6", "7", "8", "9"])}${digits(8)}`;
    if (phone !== current) return phone;
  }
}

function otherCode(codes: readonly { code: string }[], current: string | null): string {
  return pick(codes.filter((c) => c.code !== current)).code;
}

const NAMES = ["陈雨桐", "李子涵", "王思远", "张一诺", "刘梓萱", "黄俊熙", "周欣怡", "吴浩然"];

/** A valid, unused citizen ID for a child born 2015–2024 (Beijing area code: the demo street is in 广州). */
function newCitizen(taken: Set<string>): { idNumber: string; birthDate: string; sex: "1" | "2" } {
  for (;;) {
    const year = 2015 + Math.floor(Math.random() * 10);
    const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, "0");
    const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, "0");
    const seq = digits(3);
    const first17 = `110101${year}${month}${day}${seq}`;
    const idNumber = `${first17}${citizenIdCheckChar(first17)}`;
    if (taken.has(idNumber)) continue;
    taken.add(idNumber);
    return { idNumber, birthDate: `${year}-${month}-${day}`, sex: Number(seq[2]) % 2 === 1 ? "1" : "2" };
  }
}

interface Queue {
  mutations: VisitMutation[];
  changeCount: number;
  newPersons: string[];
  /** What each corrected person's phone/employment/education must be once the queue is applied. */
  expected: Map<string, Member>;
  kinds: { phone: number; multi: number; newMember: number };
}

/**
 * `count` visits, most correcting one member's phone, about one in seven correcting 2–3 fields, one in
 * fifty adding a child to the household. Each names the values the phone holds (register = current).
 */
function buildQueue(
  members: Member[],
  count: number,
  ctx: { gridId: string; campaignId: string; takenIds: Set<string> },
): Queue {
  const state = new Map<string, Member>();
  const queue: Queue = {
    mutations: [],
    changeCount: 0,
    newPersons: [],
    expected: state,
    kinds: { phone: 0, multi: 0, newMember: 0 },
  };
  for (let i = 0; i < count; i++) {
    const base = members[i % members.length];
    const member = state.get(base.id) ?? { ...base };
    const id = randomUUID();
    const changeSpecs: Omit<Change, "id" | "visitId">[] = [];
    const correct = (field: "phone" | "employment" | "education", value: string) => {
      changeSpecs.push({
        entity: "person",
        entityId: member.id,
        field,
        registerValue: member[field] ?? null,
        observedValue: value,
        baseVersion: member.version,
      });
    };
    if (i % 50 === 25) {
      const citizen = newCitizen(ctx.takenIds);
      const personId = randomUUID();
      changeSpecs.push({
        entity: "person",
        entityId: personId,
        field: "*",
        registerValue: null,
        observedValue: {
          name: pick(NAMES),
          idType: "1",
          idNumber: citizen.idNumber,
          sex: citizen.sex,
          birthDate: citizen.birthDate,
          relation: "20",
          householdId: member.householdId,
          roomId: member.roomId,
        },
        baseVersion: 0,
      });
      queue.newPersons.push(personId);
      queue.kinds.newMember += 1;
    } else {
      correct("phone", newPhone(member.phone));
      if (i % 7 === 3) {
        correct("employment", otherCode(EMPLOYMENT, member.employment));
        if (i % 14 === 3) correct("education", otherCode(EDUCATION, member.education));
        queue.kinds.multi += 1;
      } else {
        queue.kinds.phone += 1;
      }
      for (const change of changeSpecs)
        (member as unknown as Record<string, unknown>)[change.field] = change.observedValue;
      member.version += 1;
      state.set(member.id, member);
    }
    queue.changeCount += changeSpecs.length;
    queue.mutations.push({
      id,
      kind: "visit",
      payload: {
        visit: {
          id,
          campaignId: ctx.campaignId,
          gridId: ctx.gridId,
          roomId: member.roomId,
          subjectType: "household",
          subjectId: member.householdId,
          outcome: "changed",
          attempt: 1,
          revisitDue: null,
          visitedAt: new Date(Date.now() - (count - i) * 60_000).toISOString(),
          lat: 23.1291 + Math.random() * 0.01,
          lng: 113.2644 + Math.random() * 0.01,
          accuracyM: 12,
          note: null,
          photoSha256: null,
        },
        changes: changeSpecs.map((change) => ({ ...change, id: randomUUID(), visitId: id })) as Change[],
      },
    });
  }
  return queue;
}

/** The phone's batching (app/field/_lib/push.ts nextBatch): in order, by count and payload bytes. */
function batchesOf(mutations: Mutation[]): Mutation[][] {
  const batches: Mutation[][] = [];
  let batch: Mutation[] = [];
  let bytes = 0;
  for (const mutation of mutations) {
    const size = JSON.stringify(mutation.payload).length;
    if (batch.length > 0 && (batch.length >= PUSH_MAX_MUTATIONS || bytes + size > PUSH_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(mutation);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

// ---------------------------------------------------------------------------------------------
// One run: push the queue over HTTP, check it landed, then the INSERT baseline of the same rows.

interface ClientLog {
  mutations: number;
  bytes: number;
  status: number;
  ms: number;
}

interface RunResult {
  pushMs: number;
  requests: number;
  client: ClientLog[];
  server: ServerLog[];
  sql: SqlTally;
  baselineMs: number;
  baselineRows: number;
  baselineSql: SqlTally;
  drizzleMs: number;
  drizzleSql: SqlTally;
  bulkUpdateMs: number;
  queue: Queue;
}

const rowsIn = async (
  db: Db,
  table: typeof visits | typeof changes | typeof mutationLedger | typeof persons,
) => (await db.select({ n: count() }).from(table))[0].n;

class RollBack extends Error {}

/** A plain multi-row INSERT: SQL text and bind parameters made by hand, cut under the 65,535 limit. */
async function plainInsert(client: pg.Client, table: PgTable, rows: readonly Record<string, unknown>[]) {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table));
  const names = columns.map(([, column]) => `"${column.name}"`).join(", ");
  const perStatement = Math.floor(65_535 / columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + perStatement).map((row) => {
      const slots = columns.map(([key, column]) => {
        const value = row[key];
        params.push(value === null || value === undefined ? null : column.mapToDriverValue(value));
        return `$${params.length}`;
      });
      return `(${slots.join(", ")})`;
    });
    await client.query(`insert into "${getTableName(table)}" (${names}) values ${tuples.join(", ")}`, params);
  }
}

function fail(message: string): never {
  throw new Error(`bench:push FAILED: ${message}`);
}

async function runOnce(
  database: Database,
  origin: string,
  cookie: string,
  ctx: { gridId: string; campaignId: string; takenIds: Set<string>; deviceId: string },
  serverLog: ServerLog[],
  rawClient: pg.Client,
): Promise<RunResult> {
  const { db } = database;
  const members = await membersOf(db, ctx.gridId);
  if (members.length === 0) fail(`${USERNAME}'s grid has no household members`);
  const queue = buildQueue(members, MUTATIONS, ctx);
  const batches = batchesOf(queue.mutations);
  const counts = async () => ({
    visits: await rowsIn(db, visits),
    changes: await rowsIn(db, changes),
    ledger: await rowsIn(db, mutationLedger),
    persons: await rowsIn(db, persons),
  });
  const before = await counts();

  const clientLog: ClientLog[] = [];
  const countingFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const started = performance.now();
    const response = await fetch(input, init);
    const body = await response.arrayBuffer();
    clientLog.push({
      mutations: -1,
      bytes: typeof init?.body === "string" ? Buffer.byteLength(init.body) : 0,
      status: response.status,
      ms: performance.now() - started,
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  // The phone's client: tRPC's batch link with superjson, one call per request since pushes are sequential.
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${origin}/api/trpc`,
        transformer: superjson,
        fetch: countingFetch as never,
        headers: () => ({
          cookie,
          origin,
          "sec-fetch-site": "same-origin",
          "user-agent": "doorstep-bench-push",
        }),
      }),
    ],
  });
  const health = (unsent: number): DeviceHealth => ({
    appVersion: "bench",
    unsentCount: unsent,
    oldestUnsentAt: unsent > 0 ? new Date(Date.now() - 3_600_000).toISOString() : null,
    storagePersisted: true,
    storageUsage: 5_000_000,
    storageQuota: 1_000_000_000,
  });

  const serverFrom = serverLog.length;
  const sqlBefore = snapshot();
  const results: PushResult[] = [];
  let unsent = queue.mutations.length;
  const started = performance.now();
  for (const batch of batches) {
    // As pushOutbox does: each batch reports what stays unsent once it has landed.
    const answer = await client.sync.push.mutate({
      deviceId: ctx.deviceId,
      mutations: batch,
      device: health(unsent - batch.length),
    });
    clientLog[clientLog.length - 1].mutations = batch.length;
    results.push(...answer.results);
    unsent -= batch.length;
  }
  const pushMs = performance.now() - started;
  const pushSql = diffTally(sqlBefore, snapshot());
  const server = serverLog.slice(serverFrom);

  // Did it land, exactly once, all of it?
  if (results.length !== queue.mutations.length)
    fail(`${results.length} results for ${queue.mutations.length} mutations`);
  const notApplied = results.filter(
    (r, i) => r.status !== "applied" || r.duplicate || r.id !== queue.mutations[i].id,
  );
  if (notApplied.length > 0)
    fail(`${notApplied.length} mutations not applied, e.g. ${JSON.stringify(notApplied.slice(0, 3))}`);
  const after = await counts();
  const grew = {
    visits: after.visits - before.visits,
    changes: after.changes - before.changes,
    ledger: after.ledger - before.ledger,
    persons: after.persons - before.persons,
  };
  const want = {
    visits: MUTATIONS,
    changes: queue.changeCount,
    ledger: MUTATIONS,
    // None: a push writes corrections, not the register; a new member enters it when the visit is
    // approved (the review gate), so the bench checks the pending changes below instead.
    persons: 0,
  };
  if (JSON.stringify(grew) !== JSON.stringify(want))
    fail(`rows grew by ${JSON.stringify(grew)}, expected ${JSON.stringify(want)}`);
  // Each corrected person's latest pending value per field is what the officer set last; every new
  // member waits as a pending whole-row change.
  const pending = await db
    .select({
      entityId: changes.entityId,
      field: changes.field,
      observedValue: changes.observedValue,
      status: changes.status,
    })
    .from(changes)
    .where(
      inArray(
        changes.visitId,
        queue.mutations.map((m) => m.id),
      ),
    )
    .orderBy(asc(changes.seq));
  if (pending.some((row) => row.status !== "pending"))
    fail(`${pending.filter((row) => row.status !== "pending").length} changes are not pending`);
  const latest = new Map<string, Record<string, unknown>>();
  for (const row of pending)
    latest.set(row.entityId, { ...(latest.get(row.entityId) ?? {}), [row.field]: row.observedValue });
  for (const [id, member] of queue.expected) {
    const held = latest.get(id) ?? {};
    for (const field of ["phone", "employment", "education"] as const)
      if (field in held && held[field] !== member[field])
        fail(
          `person ${id}: pending ${field} ${JSON.stringify(held[field])}, expected ${JSON.stringify(member[field])}`,
        );
    if (!("phone" in held)) fail(`person ${id} has no pending phone correction`);
  }
  const newMembers = queue.newPersons.filter((id) => latest.get(id)?.["*"] !== undefined).length;
  if (newMembers !== queue.newPersons.length)
    fail(`${newMembers} of ${queue.newPersons.length} new members wait as pending changes`);

  // Baselines: the rows the push inserted (visits, changes, ledger; new members wait for approval), read back and written
  // again under fresh ids as multi-row INSERTs in one committed transaction: once as plain SQL text
  // through one pg Client (the issue's baseline), once through drizzle's insert as the push builds it.
  const ids = queue.mutations.map((m) => m.id);
  const written = {
    persons: queue.newPersons.length
      ? await db.select().from(persons).where(inArray(persons.id, queue.newPersons))
      : [],
    visits: await db.select().from(visits).where(inArray(visits.id, ids)),
    changes: await db.select().from(changes).where(inArray(changes.visitId, ids)),
    ledger: await db.select().from(mutationLedger).where(inArray(mutationLedger.id, ids)),
  };
  const copies = () => {
    const fresh = new Map(ids.map((id) => [id, randomUUID()]));
    return {
      persons: written.persons.map((row) => ({
        ...row,
        id: randomUUID(),
        idNumber: `B${randomBytes(8).toString("hex")}`,
      })),
      visits: written.visits.map((row) => ({ ...row, id: fresh.get(row.id) as string })),
      changes: written.changes.map((row) => ({
        ...row,
        id: randomUUID(),
        visitId: fresh.get(row.visitId) as string,
      })),
      ledger: written.ledger.map((row) => ({ ...row, id: fresh.get(row.id) as string })),
    };
  };
  const baselineRows = Object.values(written).reduce((sum, rows) => sum + rows.length, 0);

  const plain = copies();
  const plainSqlBefore = snapshot();
  const plainStarted = performance.now();
  await rawClient.query("begin");
  await plainInsert(rawClient, persons, plain.persons);
  await plainInsert(rawClient, visits, plain.visits);
  await plainInsert(rawClient, changes, plain.changes);
  await plainInsert(rawClient, mutationLedger, plain.ledger);
  await rawClient.query("commit");
  const baselineMs = performance.now() - plainStarted;
  const baselineSql = diffTally(plainSqlBefore, snapshot());

  const viaDrizzle = copies();
  const { insertChunked } = await import("../server/services/push");
  const drizzleSqlBefore = snapshot();
  const drizzleStarted = performance.now();
  await db.transaction(async (tx) => {
    await insertChunked(tx, persons, viaDrizzle.persons);
    await insertChunked(tx, visits, viaDrizzle.visits);
    await insertChunked(tx, changes, viaDrizzle.changes);
    await insertChunked(tx, mutationLedger, viaDrizzle.ledger);
  });
  const drizzleMs = performance.now() - drizzleStarted;
  const drizzleSql = diffTally(drizzleSqlBefore, snapshot());

  // For scale only (not the issue's baseline): the same person corrections as ONE bulk UPDATE, rolled back.
  const touched = [...queue.expected.values()];
  const column = (of: (m: Member) => string | null) => sql.param(touched.map(of));
  const bulkStarted = performance.now();
  await db
    .transaction(async (tx) => {
      await tx.execute(sql`
        update persons p
        set phone = v.phone, employment = v.employment, education = v.education,
            version = p.version + 1, updated_at = now()
        from (
          select unnest(${column((m) => m.id)}::uuid[]) as id,
                 unnest(${column((m) => m.phone)}::text[]) as phone,
                 unnest(${column((m) => m.employment)}::text[]) as employment,
                 unnest(${column((m) => m.education)}::text[]) as education
        ) v
        where p.id = v.id`);
      throw new RollBack();
    })
    .catch((error) => {
      if (!(error instanceof RollBack)) throw error;
    });
  const bulkUpdateMs = performance.now() - bulkStarted;

  // The run's corrections (and the baselines' copies of them) wait for review and would lie over the
  // register the next run reads its members from, making its values conflicts: returned, as a
  // reviewer would, they do not. The bench's database is its own.
  await db.update(changes).set({ status: "returned" }).where(eq(changes.status, "pending"));

  return {
    pushMs,
    requests: clientLog.length,
    client: clientLog,
    server,
    sql: pushSql,
    baselineMs,
    baselineRows,
    baselineSql,
    drizzleMs,
    drizzleSql,
    bulkUpdateMs,
    queue,
  };
}

// ---------------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const met = (ok: boolean) => (ok ? "met" : "NOT met");

async function main() {
  let scratch: ScratchDatabase | undefined;

  let server: http.Server | undefined;
  let appDatabase: Database | undefined;
  let rawClient: pg.Client | undefined;
  // Once only, whether the run ends, fails or is interrupted (the two can overlap).
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
      }
      await rawClient?.end().catch(() => {});
      await appDatabase?.close().catch(() => {});
      if (scratch) {
        await scratch.drop();
        console.log(`dropped database ${scratch.name}`);
      }
    })();
    return cleaning;
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    scratch = await createScratchDatabase(values.pg as string, "doorstep_bench");
    const url = scratch.url;
    console.log(`created database ${scratch.name}`);

    // Seed with a connection of our own, then point the app at it. DOORSTEP_DEMO=1 because demo accounts
    // only log in while the demo is on; the app then finds the database seeded and leaves it alone.
    const seeding = await openDatabase({ kind: "postgresql", url: url.toString(), poolSize: 4 });
    try {
      const { hashPassword } = await import("../server/auth/password");
      const seeded = await seedDemo(seeding.db, { scale: SCALE, passwordHash: await hashPassword(PASSWORD) });
      console.log(
        `seeded scale ${SCALE}: ${seeded.counts.persons} persons, ${seeded.counts.households} households, ${seeded.counts.grids} grids in ${(seeded.elapsedMs / 1000).toFixed(1)} s`,
      );
    } finally {
      await seeding.close();
    }
    process.env.DATABASE_URL = url.toString();
    process.env.DOORSTEP_DEMO = "1";
    process.env.DOORSTEP_DEMO_SCALE = String(SCALE);

    const { POST } = await import("../app/api/trpc/[trpc]/route");
    const { getDatabase } = await import("../server/db");
    appDatabase = await getDatabase();
    const database = appDatabase;

    rawClient = new pg.Client({ connectionString: url.toString() });
    await rawClient.connect();

    const serverLog: ServerLog[] = [];
    const served = await serve(POST, serverLog);
    server = served.server;
    const { origin } = served;

    const login = await fetch(`${origin}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ json: { username: USERNAME, password: PASSWORD } }),
    });
    if (!login.ok) fail(`login as ${USERNAME} answered ${login.status}: ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    if (!cookie.includes("doorstep_session=")) fail("login set no session cookie");

    const [user] = await database.db
      .select({ id: users.id, gridId: users.areaId })
      .from(users)
      .where(eq(users.username, USERNAME));
    const [campaign] = await database.db
      .select({ id: campaigns.id })
      .from(assignments)
      .innerJoin(campaigns, eq(campaigns.id, assignments.campaignId))
      .where(and(eq(assignments.officerId, user.id), eq(campaigns.status, "open")));
    if (!campaign) fail(`${USERNAME} has no open campaign`);
    const taken = await database.db.select({ idNumber: persons.idNumber }).from(persons);
    const members = await membersOf(database.db, user.gridId);
    console.log(
      `${USERNAME}: ${members.length} household members in the grid${members.length < MUTATIONS ? ` (fewer than ${MUTATIONS}: some visits correct a member again, chained)` : ""}`,
    );
    const ctx = {
      gridId: user.gridId,
      campaignId: campaign.id,
      takenIds: new Set(taken.map((t) => t.idNumber)),
      deviceId: randomUUID(),
    };

    const runs: RunResult[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const result = await runOnce(database, origin, cookie, ctx, serverLog, rawClient);
      console.log(
        `${run === 0 ? "warm-up" : `run ${run}  `}: ${MUTATIONS} mutations in ${result.requests} requests, ${ms(result.pushMs)}; plain INSERT ${ms(result.baselineMs)}, drizzle INSERT ${ms(result.drizzleMs)} (${result.baselineRows} rows)`,
      );
      if (run > 0) runs.push(result);
    }

    const pushMs = median(runs.map((r) => r.pushMs));
    const baselineMs = median(runs.map((r) => r.baselineMs));
    const drizzleMs = median(runs.map((r) => r.drizzleMs));
    const requests = Math.max(...runs.map((r) => r.requests));
    const q = runs[0].queue;
    console.log("");
    console.log(
      `queue: ${MUTATIONS} visits (${q.kinds.phone} phone only, ${q.kinds.multi} with 2–3 fields, ${q.kinds.newMember} adding a member), ${q.changeCount} change rows, ${q.expected.size} persons corrected`,
    );
    console.log(`median of ${runs.length} runs (after a warm-up), PostgreSQL on loopback:`);
    console.log(`  mutations              ${MUTATIONS}`);
    console.log(
      `  HTTP requests          ${requests}   (aim ≤ ${AIM_REQUESTS}: ${met(requests <= AIM_REQUESTS)}; one per batch; the health report rides with each)`,
    );
    console.log(`  total                  ${ms(pushMs)}   (aim ≤ ${AIM_MS} ms: ${met(pushMs <= AIM_MS)})`);
    console.log(`  mutations/s            ${Math.round(MUTATIONS / (pushMs / 1000))}`);
    console.log(
      `  plain INSERT baseline  ${ms(baselineMs)}   (${runs[0].baselineRows} rows: visits, changes, ledger; SQL text by hand, one pg Client)`,
    );
    console.log(`  ratio push / INSERT    ${(pushMs / baselineMs).toFixed(1)}×`);
    console.log(
      `  (same rows through drizzle's insert, as the push builds it: ${ms(drizzleMs)}, push / that ${(pushMs / drizzleMs).toFixed(1)}×)`,
    );
    console.log(
      `  (the ${q.expected.size} person corrections as one bulk UPDATE … FROM unnest: ${ms(median(runs.map((r) => r.bulkUpdateMs)))}, rolled back)`,
    );

    emitFigures("push", [
      {
        figure: `push of ${MUTATIONS} queued visits (baseline plain INSERT)`,
        unit: "ms",
        measured: pushMs,
        baseline: baselineMs,
        aim: `≤ ${AIM_MS}`,
        met: pushMs <= AIM_MS,
      },
      {
        figure: "push: HTTP requests",
        unit: "",
        measured: requests,
        aim: `≤ ${AIM_REQUESTS}`,
        met: requests <= AIM_REQUESTS,
      },
    ]);

    // Per-request breakdown of the median run.
    const byPush = [...runs].sort((a, b) => a.pushMs - b.pushMs);
    const mid = byPush[Math.floor((byPush.length - 1) / 2)];
    console.log("");
    console.log(`per request (run at the median, ${ms(mid.pushMs)}):`);
    console.log("   #  mutations      KB  client ms  server ms  SQL stmts  SQL ms  server JS ms");
    mid.client.forEach((c, i) => {
      const s = mid.server[i];
      console.log(
        `  ${String(i + 1).padStart(2)}  ${String(c.mutations).padStart(9)}  ${(c.bytes / 1024).toFixed(0).padStart(6)}  ${c.ms.toFixed(0).padStart(9)}  ${s.ms.toFixed(0).padStart(9)}  ${String(s.sql.statements).padStart(9)}  ${s.sql.ms.toFixed(0).padStart(6)}  ${(s.ms - s.sql.ms).toFixed(0).padStart(12)}`,
      );
    });
    const clientOnly = mid.pushMs - mid.server.reduce((sum, s) => sum + s.ms, 0);
    console.log(
      `  server total ${ms(mid.server.reduce((sum, s) => sum + s.ms, 0))} (SQL round trips ${ms(mid.sql.ms)}), client + HTTP ${ms(clientOnly)}`,
    );
    console.log("");
    console.log(`SQL statements during the push (${mid.sql.statements} in all):`);
    for (const [kind, entry] of [...mid.sql.kinds].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(
        `  ${String(entry.n).padStart(6)} × ${kind.padEnd(40)} ${entry.ms.toFixed(0).padStart(6)} ms`,
      );
    }
    for (const [label, took, tally] of [
      ["plain INSERT baseline", mid.baselineMs, mid.baselineSql],
      ["drizzle INSERT", mid.drizzleMs, mid.drizzleSql],
    ] as const) {
      console.log("");
      console.log(`${label} of that run: ${ms(took)}, of which SQL round trips ${ms(tally.ms)}`);
      for (const [kind, entry] of [...tally.kinds].sort((a, b) => b[1].ms - a[1].ms)) {
        console.log(
          `  ${String(entry.n).padStart(6)} × ${kind.padEnd(40)} ${entry.ms.toFixed(0).padStart(6)} ms`,
        );
      }
    }
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
