import { randomUUID } from "node:crypto";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import ExcelJS from "exceljs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as trpcGet, POST as trpcPost } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import * as schema from "@/db/schema";
import { appRouter } from "@/server/routers";
import { ensureOpenCampaignCodes } from "@/server/services/codes";
import { databaseKinds, openTestDatabase } from "../support/db";
import { fromAddress, loginAs, seedSmallStreet } from "../support/fixture";
import { visitMutation } from "../support/push";
import { type RouteHandler, routeHandlers } from "../support/routes";
import { JPEG, type Side, sideOf } from "../support/sides";

/**
 * Every tRPC procedure and every route handler fed random and malformed input through the real HTTP
 * handlers (fast-check, seeded). Whatever comes in: never a 5xx, an error is JSON with a message in
 * the user's language (never the bare catalogue key), and a refused call writes nothing.
 * FUZZ_RUNS=1000 (and FUZZ_SEED) for a long run; CI runs the default.
 */
// 12 runs per procedure and route keeps this file and the matrix near a minute on both databases.
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261120);
const BASE = "http://localhost:3000";

/** A valid input per procedure, inside officer1's grid: the starting point of the mutations. */
const VALID: Record<string, (side: Side) => unknown> = {
  "auth.login": () => ({ username: "officer2", password: "doorstep" }),
  "auth.logout": () => undefined,
  "auth.me": () => undefined,
  "area.get": (s) => ({ id: s.gridId }),
  "building.get": (s) => ({ id: s.buildingId }),
  "household.get": (s) => ({ id: s.householdId }),
  "person.reveal": (s) => ({ id: s.personId }),
  "sync.campaigns": () => undefined,
  "sync.supervisors": () => undefined,
  "sync.pull": (s) => ({ campaignId: s.campaignId, cursor: null, limit: 50 }),
  "sync.push": (s) => ({
    deviceId: randomUUID(),
    mutations: [
      visitMutation({
        gridId: s.gridId,
        roomId: s.roomId,
        subjectType: "household",
        subjectId: s.householdId,
        campaignId: s.campaignId,
        changes: [
          {
            entity: "household",
            entityId: s.householdId,
            field: "kind",
            registerValue: "2",
            observedValue: "1",
            baseVersion: 2,
          },
        ],
      }),
    ],
  }),
  "review.queue": (s) => ({ state: "submitted", campaignId: s.campaignId, gridId: s.gridId, limit: 10 }),
  "review.visit": (s) => ({ id: s.visitId }),
  "review.reveal": (s) => ({ id: s.visitId }),
  "review.decide": (s) => ({
    visits: [{ id: s.visitId, version: 1 }],
    decision: "return",
    comment: "请补拍门牌",
    fields: ["kind"],
  }),
  "conflict.list": () => undefined,
  "conflict.resolve": (s) => ({
    mutationId: randomUUID(),
    deviceId: randomUUID(),
    changeId: s.changeId,
    choice: "other",
    value: "3",
  }),
  "conflict.reveal": (s) => ({ changeId: s.changeId }),
  "device.list": () => undefined,
  "device.quarantine": () => undefined,
  "device.lock": () => undefined,
  "device.setLock": () => ({ minutes: 15 }),
  "device.mark": () => ({ deviceId: "7d3f4a5e-1b2c-4d3e-8f90-123456789abc", mark: "lost" }),
  "device.decide": () => ({ id: "7d3f4a5e-1b2c-4d3e-8f90-123456789abc", decision: "discard", reason: "x" }),
  "progress.summary": (s) => ({ campaignId: s.campaignId, areaId: s.communityId }),
  "map.completion": (s) => ({ campaignId: s.campaignId, areaId: s.communityId, from: "2026-01-01" }),
  "map.building": (s) => ({ buildingId: s.buildingId, outcome: "verified" }),
  "map.filters": () => undefined,
  "check.lookup": (s) => s.proof,
  "check.confirm": (s) => s.proof,
  "check.dispute": (s) => ({
    ...s.proof,
    fields: [{ personId: s.personId, field: "name", comment: "名字写错了" }],
    comment: "",
    phone: "13912345678",
  }),
  "check.disputes": (s) => ({ campaignId: s.campaignId, includeHandled: true, limit: 20, offset: 0 }),
  "check.handle": (s) => ({ id: s.disputeId, note: "已上门核实" }),
  "campaign.list": () => undefined,
  "campaign.get": (s) => ({ id: s.campaignId }),
  "campaign.questionnaire": (s) => ({ id: s.campaignId }),
  "campaign.questionnaireVersions": (s) => ({ id: s.campaignId }),
  "campaign.questionnaireDraft": (s) => ({ id: s.campaignId }),
  "campaign.publishQuestionnaire": (s) => ({ campaignId: s.ownCampaignId, version: 1 }),
  "campaign.discardQuestionnaireDraft": (s) => ({ campaignId: s.ownCampaignId, version: 1 }),
  "campaign.create": (s) => ({
    name: "模糊测试",
    startsOn: "2027-01-01",
    endsOn: "2027-02-01",
    areaIds: [s.communityId],
  }),
  "campaign.assign": (s) => ({ campaignId: s.ownCampaignId, gridId: s.gridId, officerId: s.officerId }),
  "campaign.unassign": (s) => ({ campaignId: s.ownCampaignId, gridId: s.gridId }),
  "campaign.close": (s) => ({ id: s.ownCampaignId }),
  "campaign.setAutoApprove": (s) => ({ id: s.ownCampaignId, autoApprove: true }),
  "vault.deviceKey": () => ({ deviceId: "7d3f4a5e-1b2c-4d3e-8f90-123456789abc" }),
  "vault.contact": () => ({ deviceId: "7d3f4a5e-1b2c-4d3e-8f90-123456789abc", token: "x", mutations: [] }),
  "campaign.previewTargets": (s) => ({ areaIds: [s.communityId], query: { subject: "person", ageMin: 60 } }),
  // An every-door campaign: a re-run is refused (a 4xx), which is what a fuzzed call may meet too.
  "campaign.previewRerun": (s) => ({ campaignId: s.ownCampaignId }),
  "campaign.rerunTargets": (s) => ({ campaignId: s.ownCampaignId }),
  // Moving the targets of an every-door campaign is refused (a 4xx) too.
  "campaign.targetHolders": (s) => ({ campaignId: s.ownCampaignId }),
  "campaign.moveTargets": (s) => ({
    campaignId: s.ownCampaignId,
    toOfficerId: s.officerId,
    fromOfficerId: s.officerId,
  }),
  "user.list": (s) => ({
    search: "officer",
    role: "officer",
    areaId: s.communityId,
    state: "active",
    limit: 20,
  }),
  "user.areas": (s) => ({ parentId: s.communityId }),
  "user.create": (s) => ({
    username: "fuzz.new",
    displayName: "模糊",
    role: "officer",
    areaId: s.gridId,
    phone: "13912345678",
  }),
  "user.bulkCreate": () => ({ fileName: "fuzz.xlsx", data: accounts.xlsx }),
  "user.setDisabled": () => ({ userId: accounts.userId, disabled: true }),
  "user.resetPassword": () => ({ userId: accounts.userId }),
  "user.update": (s) => ({ userId: accounts.userId, role: "officer", areaId: s.communityId }),
};

/** The user screen's objects, made in beforeAll: an account to act on (not a caller's) and a sheet. */
const accounts = { userId: "", xlsx: "" };

/**
 * Tables a refused call may still write, and why: a failed login counts against the username and
 * address (and a lock-out is audited); a missed self-check is counted by address and by the ID
 * number's hash in the same table.
 */
const REFUSED_MAY_WRITE: Record<string, string[]> = {
  "auth.login": ["login_throttle", "audit_log"],
  "check.lookup": ["login_throttle", "audit_log"],
  "check.confirm": ["login_throttle", "audit_log"],
  "check.dispute": ["login_throttle", "audit_log"],
};
/** Sessions are touched (last seen) by every call, so only their number counts. */
const COUNT_ONLY = new Set(["sessions"]);

// ---- what goes in ----

const UUIDISH = fc.oneof(
  fc.uuid(),
  fc.constant("00000000-0000-0000-0000-000000000000"),
  fc.constant("ffffffff-ffff-ffff-ffff-ffffffffffff"),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => u.slice(0, 35)),
  fc.uuid().map((u) => `${u}'; drop table persons; --`),
  fc.stringMatching(/^[0-9a-g-]{36}$/),
);
/** Values a field should not have: wrong types, edges, huge and hostile strings, near-UUIDs. */
const NASTY: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, "", " ", "null", "__proto__"),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constant("屋".repeat(100_000)),
  fc.constant("\u0000\ud800'\"\\"),
  UUIDISH,
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** Every path to a value inside a JSON value (the value itself included, as []). */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value && typeof value === "object"
      ? Object.entries(value)
      : [];
  for (const [k, v] of entries) out.push(...pathsOf(v, [...at, k]));
  return out;
}
function replaceAt(value: unknown, at: (string | number)[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[at[0]] = replaceAt(copy[at[0]], at.slice(1), replacement);
  return copy;
}

/** A valid input with one field (or the whole) replaced, or a key dropped or added. */
function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), NASTY).map(([at, v]) => replaceAt(valid, at, v)),
    fc.constantFrom(...paths).map((at) => replaceAt(valid, at, undefined)),
    fc
      .tuple(fc.string({ maxLength: 12 }), NASTY)
      .map(([k, v]) => (valid && typeof valid === "object" ? { ...valid, [k]: v } : { [k]: v })),
  );
}

const nested = (depth: number) => `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;

const MB = 1024 * 1024;

/**
 * How a body is sent: whole (a string or bytes, as a browser's fetch sends it with Content-Length), or
 * chunked (a stream, no Content-Length) cut at random sizes, as a client that streams sends it.
 */
const chunking = fc.option(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 6 }), {
  freq: 2,
});

/** `bytes` as a chunked stream, cut by `sizes` in turn. */
function chunkedBody(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let at = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const size = sizes[turn++ % sizes.length];
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

/** A chunked body of `total` bytes of `byte`, made as it is read (so a route that stops early makes little). */
function lazyBody(total: number, byte: number): ReadableStream<Uint8Array> {
  let made = 0;
  return new ReadableStream(
    {
      pull(controller) {
        if (made >= total) return controller.close();
        const size = Math.min(64 * 1024, total - made);
        made += size;
        controller.enqueue(new Uint8Array(size).fill(byte));
      },
    },
    { highWaterMark: 0 },
  );
}

/** Raw request bodies: superjson envelopes right and broken, plain JSON, and text that is not JSON. */
function bodies(valid: unknown): fc.Arbitrary<string> {
  const envelope = (json: unknown) => JSON.stringify({ json });
  return fc.oneof(
    { weight: 6, arbitrary: mutated(valid).map(envelope) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(envelope) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    // superjson's meta asks the server to revive values: wrong kinds, paths that are not there.
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(fc.constantFrom(...pathsOf(valid).map((p) => p.join("."))), fc.string({ maxLength: 20 })),
          fc.oneof(
            fc.constantFrom(
              ["Date"],
              ["bigint"],
              ["map"],
              ["set"],
              ["regexp"],
              ["undefined"],
              ["number"],
              [["class", "X"]],
              [["custom", "nope"]],
              [["symbol", "s"]],
              ["Error"],
              "Date",
              null,
              42,
            ),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        )
        .map(([at, type]) =>
          JSON.stringify({
            json: valid ?? null,
            meta: { values: at ? { [at]: type } : type, referentialEqualities: { [at]: [at] } },
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom("", "{", "{not json", "null", "[]", '{"json":', "\u0000", nested(5_000), nested(200)),
        fc.constant(envelope("x".repeat(900_000))),
        // Over the 1 MB bound: refused by the bytes read, whole or chunked.
        fc.constant(envelope("x".repeat(1_100_000))),
      ),
    },
  );
}

// ---- what comes out ----

/** Row counts and a checksum of every row's version (xmin changes on every insert and update). */
async function fingerprint(database: Database): Promise<Record<string, string>> {
  const names = (Object.values(schema) as unknown[])
    .filter((t): t is PgTable => is(t, PgTable))
    .map((t) => getTableName(t));
  const query = names
    .map((name) =>
      COUNT_ONLY.has(name)
        ? `select '${name}' as t, count(*)::text as n from "${name}"`
        : `select '${name}' as t, count(*)::text || ':' || coalesce(sum(xmin::text::bigint), 0)::text as n from "${name}"`,
    )
    .join(" union all ");
  const result = await database.db.execute(sql.raw(query));
  const rows = (Array.isArray(result) ? result : (result as { rows: { t: string; n: string }[] }).rows) as {
    t: string;
    n: string;
  }[];
  return Object.fromEntries(rows.map((row) => [row.t, row.n]));
}

function without(print: Record<string, string>, tables: string[] = []) {
  return Object.fromEntries(Object.entries(print).filter(([t]) => !tables.includes(t)));
}

/** The tRPC error of one answer (batch or not), or null if it succeeded. */
function errorsOf(body: unknown): { message: string; data?: { key?: string } }[] {
  const answers = Array.isArray(body) ? body : [body];
  return answers.flatMap((answer) => {
    const error = (answer as { error?: { json?: unknown } })?.error;
    return error ? [(error.json ?? error) as { message: string; data?: { key?: string } }] : [];
  });
}

function expectTranslated(message: unknown, context: string) {
  expect(typeof message, context).toBe("string");
  expect((message as string).length, context).toBeGreaterThan(0);
  // A message that is its own catalogue key ("errors.badRequest") was never translated.
  expect(message, context).not.toMatch(/^[a-z]+(\.[A-Za-z]+)+$/);
  expect(message, context).not.toMatch(/internal|stack|at .*\.ts/i);
}

describe.each(databaseKinds)("fuzzing every procedure and route on %s", (kind) => {
  let database: Database;
  let side: Side;
  const cookies: Record<"officer" | "supervisor" | "admin" | "logout", string> = {
    officer: "",
    supervisor: "",
    admin: "",
    logout: "",
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    await ensureOpenCampaignCodes(database.db);
    side = await sideOf(database, "officer1");
    cookies.officer = await loginAs(database, "officer1");
    cookies.supervisor = await loginAs(database, "supervisor");
    cookies.admin = await loginAs(database, "admin");
    cookies.logout = await loginAs(database, "officer3");
    const [target] = await database.db
      .insert(schema.users)
      .values({
        username: "fuzz.target",
        displayName: "模糊",
        passwordHash: "scrypt$unusable",
        role: "officer",
        areaId: side.gridId,
      })
      .returning({ id: schema.users.id });
    accounts.userId = target.id;
    const [grid] = await database.db
      .select({ code: schema.areas.code })
      .from(schema.areas)
      .where(sql`${schema.areas.id} = ${side.gridId}`);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("用户");
    sheet.addRow(["用户名", "姓名", "角色", "区域代码", "手机"]);
    sheet.addRow(["fuzz.bulk", "模糊", "信息员", grid.code, "13812345678"]);
    accounts.xlsx = Buffer.from(await book.xlsx.writeBuffer()).toString("base64");
    globalThis.__doorstepDatabase = Promise.resolve(database);
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  /** The role that gets furthest into each procedure: the administrator, but the caller's own for self-service. */
  const cookieFor = (path: string) =>
    path === "auth.logout"
      ? cookies.logout
      : path.startsWith("sync.") || path === "person.reveal"
        ? cookies.officer
        : cookies.admin;

  it("every procedure of the router has a valid input to start from", () => {
    expect(Object.keys(VALID).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  });

  // Found by this fuzzer: a NUL in a text field reached PostgreSQL, which refuses it, and came back a 500.
  it("a NUL or a lone surrogate in a text field is a 400 in the user's language, and writes nothing", async () => {
    const nul = "\u0000\ud800'\"\\";
    const cases: [string, unknown][] = [
      ["auth.login", { username: nul, password: "doorstep" }],
      ["check.dispute", { ...(VALID["check.dispute"](side) as object), comment: nul }],
      // Half a surrogate pair alone: jsonb refuses its escape (the login's audit row failed with a 500).
      ["auth.login", { username: "admin\ud800", password: "doorstep" }],
      ["auth.login", { username: "\udc00", password: "doorstep" }],
      ["check.dispute", { ...(VALID["check.dispute"](side) as object), comment: "门牌\udbff" }],
    ];
    for (const [path, input] of cases) {
      const before = await fingerprint(database);
      const response = await trpcPost(
        new Request(`${BASE}/api/trpc/${path}`, {
          method: "POST",
          body: JSON.stringify({ json: input }),
          headers: {
            host: "localhost:3000",
            "content-type": "application/json",
            ...fromAddress("198.18.255.1"),
          },
        }),
      );
      expect(response.status, path).toBe(400);
      expect((await response.json()).error.json.message).toBe("请求格式不正确");
      expect(await fingerprint(database)).toEqual(before);
    }
  });

  let ip = 0;
  for (const path of Object.keys(appRouter._def.procedures)) {
    it(`${path}: random and malformed input`, async () => {
      const procedure = (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[
        path
      ];
      const isQuery = procedure._def.type === "query";
      const valid = VALID[path](side);
      await fc.assert(
        fc.asyncProperty(bodies(valid), chunking, async (body, cuts) => {
          ip += 1;
          const headers = {
            host: "localhost:3000",
            "content-type": "application/json",
            cookie: cookieFor(path),
            // Its own address each time, so the login and self-check limits do not answer every call.
            ...fromAddress(`198.18.${(ip >> 8) & 255}.${ip & 255}`),
          };
          const before = await fingerprint(database);
          const response = isQuery
            ? await trpcGet(
                new Request(`${BASE}/api/trpc/${path}?input=${encodeURIComponent(body)}`, { headers }),
              )
            : await trpcPost(
                new Request(`${BASE}/api/trpc/${path}`, {
                  method: "POST",
                  body: cuts ? chunkedBody(new TextEncoder().encode(body), cuts) : body,
                  headers,
                  duplex: "half",
                } as RequestInit),
              );
          const text = await response.text();
          const sent = `${cuts ? `chunked ${cuts.join("/")} ` : ""}${body.length} chars`;
          const context = `${path} ${response.status} ← ${sent} ${body.slice(0, 300)}\n→ ${text.slice(0, 300)}`;
          if (!isQuery && body.length > MB) expect(response.status, context).toBe(413);
          expect(response.status, context).toBeLessThan(500);
          const parsed = JSON.parse(text);
          const errors = errorsOf(parsed);
          for (const error of errors) expectTranslated(error.message, context);
          if (response.status >= 400 || errors.length > 0) {
            const allowed = REFUSED_MAY_WRITE[path];
            expect(without(await fingerprint(database), allowed), context).toEqual(without(before, allowed));
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    });
  }
  const handlers = routeHandlers();
  const QUERY_KEYS = [
    "format",
    "campaignId",
    "areaId",
    "table",
    "kind",
    "dryRun",
    "name",
    "id",
    "grid",
    "input",
  ];
  const queryValue = fc.oneof(
    fc.constantFrom("csv", "xlsx", "pdf", "persons", "buildings", "1", "0", "grids", "communities", ""),
    UUIDISH,
    NASTY.map((v) => (typeof v === "string" ? v.slice(0, 2000) : (JSON.stringify(v) ?? ""))),
  );
  const requestParts = fc.record({
    query: fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 6 })), queryValue, {
      maxKeys: 5,
    }),
    body: fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }) },
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 64 }).map((tail) => new Uint8Array([...JPEG, ...tail])),
      fc.constantFrom("建筑物编码,标准地址,社区代码\n", "姓名,公民身份号码\n张三,1\n", ""),
      // Past the tRPC (1 MB) and photo (2 MB) bounds, always chunked: made only as far as it is read.
      fc.constantFrom(1.5 * MB, 2.5 * MB).map((total) => ({ total })),
    ),
    chunks: chunking,
    contentType: fc.constantFrom("image/jpeg", "image/png", "text/csv", "application/json", "", "x/y;;;"),
    sha256: fc.oneof(
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.string({ maxLength: 80 }),
      // The stored photo, read when generating (the side exists by then).
      fc.constant(null).map(() => side.photoSha256),
    ),
    who: fc.constantFrom("admin", "supervisor", "officer", "none"),
    site: fc.constantFrom(undefined, "same-origin", "cross-site", "none"),
    origin: fc.constantFrom(undefined, BASE, "https://evil.example", "not a url"),
    contentLength: fc.constantFrom(undefined, "0", "-1", "99999999999", "abc"),
  });

  for (const route of handlers.keys()) {
    it(`${route}: random query strings, bodies and headers`, async () => {
      const [method, dir] = route.split(" ");
      const handler = await (handlers.get(route) as () => Promise<RouteHandler>)();
      await fc.assert(
        fc.asyncProperty(requestParts, async (parts) => {
          ip += 1;
          const headers = new Headers({
            host: "localhost:3000",
            ...fromAddress(`198.19.${(ip >> 8) & 255}.${ip & 255}`),
          });
          if (parts.who !== "none") headers.set("cookie", cookies[parts.who as "admin"]);
          if (parts.contentType) headers.set("content-type", parts.contentType);
          if (parts.site) headers.set("sec-fetch-site", parts.site);
          if (parts.origin) headers.set("origin", parts.origin);
          if (parts.contentLength) headers.set("content-length", parts.contentLength);
          const url = `${BASE}/api/${dir.replace("[sha256]", encodeURIComponent(parts.sha256)).replace("[trpc]", "area.get")}?${new URLSearchParams(parts.query)}`;
          const hasBody = method !== "GET" && method !== "HEAD";
          const before = await fingerprint(database);
          const bytes =
            typeof parts.body === "string"
              ? new TextEncoder().encode(parts.body)
              : parts.body instanceof Uint8Array
                ? parts.body
                : null;
          const body = !hasBody
            ? undefined
            : bytes === null
              ? lazyBody((parts.body as { total: number }).total, 0x20)
              : parts.chunks
                ? chunkedBody(bytes, parts.chunks)
                : parts.body;
          const response = await handler(
            new Request(url, {
              method,
              headers,
              body: body as BodyInit | undefined,
              duplex: "half",
            } as RequestInit),
            { params: Promise.resolve({ sha256: parts.sha256, trpc: "area.get" }) },
          );
          const text = await response.text();
          const context = `${route} ${response.status} ← ${url.slice(0, 300)} ${JSON.stringify(parts).slice(0, 300)}\n→ ${text.slice(0, 300)}`;
          expect(response.status, context).toBeLessThan(500);
          const refused = response.status >= 400;
          const type = response.headers.get("content-type") ?? "";
          if (refused && method !== "HEAD") {
            expect(type, context).toMatch(/json/);
            const body = JSON.parse(text);
            for (const error of errorsOf(body)) expectTranslated(error.message, context);
          }
          // The import answers 200 and streams; a failure is its last line.
          const failedImport = type.includes("ndjson") && text.includes('"type":"error"');
          if (failedImport) expect(text, context).not.toContain("errors.internal");
          if (refused || failedImport) expect(await fingerprint(database), context).toEqual(before);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    });
  }
});
