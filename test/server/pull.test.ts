// sync.pull on every database kind: an officer gets exactly their grid, page by page, then only what
// changed; on PostgreSQL a write that commits after a later one is never skipped.

import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { TRPCError } from "@trpc/server";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { Client } from "pg";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { applyPullPage } from "@/app/field/_lib/pull";
import { readAll } from "@/app/field/_lib/store";
import type { Db } from "@/db/client";
import {
  areas,
  assignments,
  auditLog,
  buildings,
  campaigns,
  campaignTargets,
  householdCodes,
  households,
  persons,
  rentals,
  rentalTenants,
  residentFeedback,
  rooms,
  units,
  users,
  visits,
} from "@/db/schema";
import { type SeedResult, seedDemo } from "@/db/seed";
import { zhCN } from "@/domain/i18n/messages";
import { PULL_COLUMNS, PULL_FORMAT, PULL_TABLES, type PullResponse, type PullTableName } from "@/domain/pull";
import { decodePullRows, encodePullRows, type PullRecord, type PullTables } from "@/domain/wire";
import { hashPassword } from "@/server/auth/password";
import { AppError } from "@/server/errors";
import { ensureCodes } from "@/server/services/codes";
import { decodeCursor, encodeCursor } from "@/server/services/pull";
import { databaseKinds, openTestDatabase, settle, type TestDatabase } from "../support/db";
import { callerFor, codeOf, DEMO_PASSWORD, loginAs, objectsOfOfficer } from "../support/fixture";
import { openUnlockedDb } from "../support/unlocked";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type Objects = Awaited<ReturnType<typeof objectsOfOfficer>>;

const TABLES: Record<
  PullTableName,
  PgTable & { id: PgColumn; gridId: PgColumn; endedAt?: PgColumn; campaignId?: PgColumn }
> = {
  buildings,
  rooms,
  households,
  persons,
  units,
  rentals,
  rentalTenants,
  visits,
  householdCodes,
  residentFeedback,
  campaignTargets,
};

/** Pages until the round is done. */
async function drain(caller: Caller, cursor: string | null, limit?: number) {
  const pages: PullResponse[] = [];
  for (;;) {
    const page = await caller.sync.pull({ cursor, limit });
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) return { pages, cursor };
    if (pages.length > 10_000) throw new Error("pull never ended");
  }
}

function recordsOf(pages: PullResponse[], table: PullTableName) {
  return pages.flatMap((page) => decodePullRows(page.format, page.rows)[table] ?? []);
}

const rowCount = (page: PullResponse) =>
  Object.values(decodePullRows(page.format, page.rows)).reduce((sum, rows) => sum + rows.length, 0);

/**
 * A database row as format 1 sent it and the phone has stored it since: every pulled column, times ISO
 * to the second, a tombstone with only id, gridId, version, endedAt and endReason. Written out here
 * rather than taken from the server, so the test holds the server to it.
 */
function formatOne(table: PullTableName, row: Record<string, unknown>): PullRecord {
  const kept = new Set(["id", "gridId", "version", "endedAt", "endReason"]);
  const record: PullRecord = {};
  for (const column of PULL_COLUMNS[table]) {
    const value = row.endedAt && !kept.has(column) ? null : (row[column] ?? null);
    record[column] = value instanceof Date ? `${value.toISOString().slice(0, 19)}Z` : value;
  }
  return record;
}

const byId = (rows: PullRecord[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

/** Live rows of one grid, straight from the database: what a fresh pull must deliver. */
async function liveIds(db: Db, table: PullTableName, gridId: string, campaignId: string) {
  const source = TABLES[table];
  const rows = await db
    .select({ id: source.id })
    .from(source)
    .where(
      and(
        eq(source.gridId, gridId),
        source.campaignId ? eq(source.campaignId, campaignId) : isNull(source.endedAt as PgColumn),
      ),
    );
  return rows.map((row) => row.id as string).sort();
}

describe.each(databaseKinds)("sync.pull on %s", (kind) => {
  let database: TestDatabase;
  let seed: SeedResult;
  let own: Objects;
  let other: Objects;
  let officer1Id: string;
  let officer1: Caller;
  let cookie1: string;
  let supervisor: Caller;
  let anonymous: Caller;
  let endedRentalId: string;
  /** The cursor after the latest complete round, handed from test to test. */
  let latest: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    // Scale 0.1: 16 grids of about 250 persons, enough for paging and quick to seed.
    seed = await seedDemo(database.db, { scale: 0.1, passwordHash: await hashPassword(DEMO_PASSWORD) });
    await ensureCodes(database.db, seed.campaignId);
    own = await objectsOfOfficer(database, "officer1");
    other = await objectsOfOfficer(database, "officer2");
    [{ id: officer1Id }] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, "officer1"));

    // Visits: one in the officer's grid, one in another grid, one of another campaign in theirs.
    const [ownRoom] = await database.db
      .select({ id: rooms.id })
      .from(rooms)
      .where(eq(rooms.gridId, own.gridId));
    const [otherRoom] = await database.db
      .select({ id: rooms.id })
      .from(rooms)
      .where(eq(rooms.gridId, other.gridId));
    const [oldCampaign] = await database.db
      .insert(campaigns)
      .values({ name: "2025年核查", status: "closed", startsOn: "2025-11-01" })
      .returning({ id: campaigns.id });
    const visit = (campaignId: string, gridId: string, roomId: string) => ({
      id: randomUUID(),
      campaignId,
      gridId,
      roomId,
      subjectType: "room" as const,
      officerId: officer1Id,
      outcome: "no_answer",
      visitedAt: new Date("2026-11-20T09:15:30.250Z"),
    });
    await database.db
      .insert(visits)
      .values([
        visit(seed.campaignId, own.gridId, ownRoom.id),
        visit(seed.campaignId, other.gridId, otherRoom.id),
        visit(oldCampaign.id, own.gridId, ownRoom.id),
      ]);
    // A resident's dispute in each grid: only the officer's own comes down, its fields intact.
    const [ownHousehold] = await database.db
      .select({ id: households.id })
      .from(households)
      .where(eq(households.gridId, own.gridId))
      .limit(1);
    const [otherHousehold] = await database.db
      .select({ id: households.id })
      .from(households)
      .where(eq(households.gridId, other.gridId))
      .limit(1);
    await database.db.insert(residentFeedback).values(
      [
        [ownHousehold.id, own.gridId],
        [otherHousehold.id, other.gridId],
      ].map(([householdId, gridId]) => ({
        campaignId: seed.campaignId,
        householdId,
        gridId,
        kind: "dispute" as const,
        fields: [{ personId: null, field: "address" as const, comment: "门牌是 12 号" }],
        comment: "请核实",
        createdAt: new Date("2026-11-21T10:00:00Z"),
      })),
    );
    // Ended before the officer ever pulled: a first download has no reason to carry it.
    [{ id: endedRentalId }] = await database.db
      .update(rentals)
      .set({ endedAt: new Date(), endReason: "rental_ended", version: sql`${rentals.version} + 1` })
      .where(eq(rentals.id, sql`(select id from ${rentals} where grid_id = ${own.gridId} limit 1)`))
      .returning({ id: rentals.id });

    cookie1 = await loginAs(database, "officer1");
    officer1 = (await callerFor(database, { cookie: cookie1 })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    anonymous = (await callerFor(database)).caller;
    await settle(database.db);
  });
  afterAll(() => database?.close());

  it("gives an officer exactly their grid, unmasked, and nothing of any other", async () => {
    const { pages, cursor } = await drain(officer1, null);
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page.campaignId).toBe(seed.campaignId);
    expect(page.dropGridIds).toEqual([]);
    expect(page.grids?.map((grid) => grid.id)).toEqual([own.gridId]);
    expect(page.grids?.[0].boundary?.type).toBe("Polygon");
    for (const table of PULL_TABLES) {
      const records = recordsOf(pages, table);
      expect(records.map((row) => row.id).sort(), table).toEqual(
        await liveIds(database.db, table, own.gridId, seed.campaignId),
      );
      for (const row of records) expect(row.gridId).toBe(own.gridId);
    }
    expect(recordsOf(pages, "persons").length).toBeGreaterThan(100);
    expect(recordsOf(pages, "visits")).toHaveLength(1);
    expect(recordsOf(pages, "visits")[0].visitedAt).toBe("2026-11-20T09:15:30Z");
    expect(recordsOf(pages, "residentFeedback")).toMatchObject([
      { kind: "dispute", fields: [{ personId: null, field: "address", comment: "门牌是 12 号" }] },
    ]);
    // Every household of the grid has its visit-slip code.
    expect(recordsOf(pages, "householdCodes")).toHaveLength(recordsOf(pages, "households").length);
    expect(recordsOf(pages, "rentals").map((row) => row.id)).not.toContain(endedRentalId);
    // The officer compares ID numbers at the door: these are whole.
    for (const person of recordsOf(pages, "persons")) {
      expect(person.idNumber).toMatch(/^[\dA-Z]{6,}$/);
      expect(String(person.name)).not.toContain("*");
    }
    // Nothing server-only crosses the wire.
    expect(page.format).toBe(PULL_FORMAT);
    for (const [name, table] of Object.entries(page.rows)) {
      expect(Object.keys(table.columns), name).not.toContain("changeXid");
      // A resident's feedback is dated by when they gave it; elsewhere createdAt is bookkeeping.
      if (name !== "residentFeedback") expect(Object.keys(table.columns), name).not.toContain("createdAt");
      expect(Object.keys(table.columns), name).not.toContain("source");
      expect(Object.keys(table.columns), name).toContain("version");
    }
    latest = cursor;
  });

  it("rebuilds on the phone exactly the rows format 1 sent, and stores exactly those", async () => {
    const { pages } = await drain(officer1, null);
    // Through JSON as the HTTP response carries it.
    const wired = pages.map((page) => superjson.parse<PullResponse>(superjson.stringify(page)));
    const expected: Record<string, PullRecord[]> = {};
    for (const table of PULL_TABLES) {
      const source = TABLES[table];
      const rows = await database.db
        .select()
        .from(source)
        .where(
          and(
            eq(source.gridId, own.gridId),
            source.campaignId ? eq(source.campaignId, seed.campaignId) : isNull(source.endedAt as PgColumn),
          ),
        );
      expected[table] = byId(rows.map((row) => formatOne(table, row)));
      expect(byId(recordsOf(wired, table)), table).toStrictEqual(expected[table]);
    }

    const phone = await openUnlockedDb(`pull-test-${kind}-${Date.now()}`);
    for (const page of wired) await applyPullPage(phone, page);
    const stored = await readAll(phone);
    for (const table of PULL_TABLES) expect(byId(stored[table]), table).toStrictEqual(expected[table]);
    phone.close();
  });

  it("encodes and decodes every row of the street exactly, tombstones and references off the page too", async () => {
    const street: PullTables = {};
    for (const table of PULL_TABLES) {
      const rows = await database.db.select().from(TABLES[table]);
      street[table] = rows.map((row) => formatOne(table, row));
    }
    const roundTrip = (tables: PullTables) =>
      decodePullRows(PULL_FORMAT, JSON.parse(JSON.stringify(encodePullRows(tables))));
    const check = (tables: PullTables) => {
      const decoded = roundTrip(tables);
      expect(Object.keys(decoded)).toEqual(
        Object.keys(tables).filter((name) => tables[name as PullTableName]?.length),
      );
      for (const [name, rows] of Object.entries(tables)) {
        expect(byId(decoded[name as PullTableName] ?? []), name).toStrictEqual(byId(rows));
      }
    };
    expect(street.persons?.length).toBeGreaterThan(1_000);
    check(street);
    // A page that holds children without their parents sends those references whole; every fifth row
    // a tombstone.
    const ragged = Object.fromEntries(
      Object.entries(street).map(([name, rows]) => [
        name,
        rows
          .filter((_, i) => i % 3 !== 1)
          .map((row, i) =>
            i % 5 === 0
              ? formatOne(name as PullTableName, {
                  ...row,
                  endedAt: new Date("2026-11-24T08:00:00Z"),
                  endReason: "x",
                })
              : row,
          ),
      ]),
    );
    check(ragged);
  });

  it("pages with a small limit deliver every row exactly once, one audit row per page", async () => {
    const auditBefore = await auditCount();
    const { pages, cursor } = await drain(officer1, null, 37);
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) expect(rowCount(page)).toBeLessThanOrEqual(37);
    expect(pages[0].grids).toHaveLength(1);
    expect(pages.slice(1).every((page) => page.grids === undefined)).toBe(true);
    for (const table of PULL_TABLES) {
      const ids = recordsOf(pages, table).map((row) => row.id as string);
      expect(new Set(ids).size, `${table} repeats a row`).toBe(ids.length);
      expect(ids.sort(), table).toEqual(await liveIds(database.db, table, own.gridId, seed.campaignId));
    }
    const withRows = pages.filter((page) => rowCount(page) > 0 || page.grids).length;
    expect((await auditCount()) - auditBefore).toBe(withRows);

    const again = await officer1.sync.pull({ cursor });
    expect(again.rows).toEqual({});
    expect(again.hasMore).toBe(false);
    expect(again.grids).toBeUndefined();
  });

  const auditCount = async () =>
    (
      await database.db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.userId, officer1Id), eq(auditLog.action, "pull")))
    )[0].n;

  it("writes the pull to the audit log with its counts", async () => {
    const [row] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, officer1Id), eq(auditLog.action, "pull")))
      .orderBy(desc(auditLog.id))
      .limit(1);
    const detail = row.detail as { campaignId: string; gridIds: string[]; rows: Record<string, number> };
    expect(detail.campaignId).toBe(seed.campaignId);
    expect(detail.gridIds).toEqual([own.gridId]);
    expect(Object.values(detail.rows).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("after the final cursor, returns only what changed: an update and a tombstone", async () => {
    const [changed, ended] = await database.db
      .select({ id: persons.id, version: persons.version })
      .from(persons)
      .where(and(eq(persons.gridId, own.gridId), isNull(persons.endedAt)))
      .limit(2);
    await database.db
      .update(persons)
      .set({ phone: "13800138000", version: sql`${persons.version} + 1` })
      .where(eq(persons.id, changed.id));
    await database.db
      .update(persons)
      .set({
        endedAt: new Date("2026-11-24T08:00:00Z"),
        endReason: "moved_out",
        version: sql`${persons.version} + 1`,
      })
      .where(eq(persons.id, ended.id));
    // Noise elsewhere: another grid's change must not reach this officer.
    await database.db
      .update(persons)
      .set({ version: sql`${persons.version} + 1` })
      .where(eq(persons.id, other.personId));
    await settle(database.db);

    const { pages, cursor } = await drain(officer1, latest);
    expect(pages.map((page) => Object.keys(page.rows))).toEqual([["persons"]]);
    const records = recordsOf(pages, "persons");
    expect(records.map((row) => row.id).sort()).toEqual([changed.id, ended.id].sort());
    const updated = records.find((row) => row.id === changed.id);
    expect(updated).toMatchObject({ phone: "13800138000", version: changed.version + 1, endedAt: null });
    const tombstone = records.find((row) => row.id === ended.id);
    expect(tombstone).toMatchObject({
      gridId: own.gridId,
      version: ended.version + 1,
      endedAt: "2026-11-24T08:00:00Z",
      endReason: "moved_out",
      // A tombstone says which row to drop, not who the person was.
      name: null,
      idNumber: null,
    });
    expect(pages[0].grids).toBeUndefined();
    expect((await officer1.sync.pull({ cursor })).rows).toEqual({});
    latest = cursor;
  });

  it("refuses a malformed cursor with BAD_REQUEST, and a caller without a session", async () => {
    const forged = [
      "not a cursor!",
      "e30", // {}
      Buffer.from("[1,2,3]").toString("base64url"),
      Buffer.from('{"v":2,"campaignId":null,"floors":[]}').toString("base64url"),
      encodeCursor({ ...decodeCursor(latest), floors: [["-1", [own.gridId]]] } as never),
    ];
    for (const cursor of forged) {
      const error = await officer1.sync.pull({ cursor }).catch((e: unknown) => e);
      expect(error, cursor).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("BAD_REQUEST");
      expect((error as TRPCError).cause).toBeInstanceOf(AppError);
      expect(((error as TRPCError).cause as AppError).key).toBe("sync.badCursor");
    }
    expect(await codeOf(officer1.sync.pull({ limit: 0 }))).toBe("BAD_REQUEST");
    expect(await codeOf(officer1.sync.pull({ limit: 20_001 }))).toBe("BAD_REQUEST");
    expect(await codeOf(anonymous.sync.pull({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.sync.pull())).toBe("UNAUTHORIZED");
  });

  it("answers a malformed cursor over HTTP as 400 in the caller's language", async () => {
    globalThis.__doorstepDatabase = Promise.resolve(database);
    try {
      const response = await POST(
        new Request("http://localhost:3000/api/trpc/sync.pull", {
          method: "POST",
          body: JSON.stringify({ json: { cursor: "bm9wZQ" } }),
          headers: {
            host: "localhost:3000",
            origin: "http://localhost:3000",
            "sec-fetch-site": "same-origin",
            "content-type": "application/json",
            cookie: cookie1,
          },
        }),
      );
      expect(response.status).toBe(400);
      expect((await response.json()).error.json.message).toBe(zhCN["sync.badCursor"]);
      // A mutation: it writes the audit log, so it is never a cacheable GET.
      const viaGet = await GET(
        new Request("http://localhost:3000/api/trpc/sync.pull", {
          headers: { host: "localhost:3000", cookie: cookie1 },
        }),
      );
      expect(viaGet.status).toBe(405);
    } finally {
      globalThis.__doorstepDatabase = undefined;
    }
  });

  it("gives a caller without assignments nothing, and an officer the grids they are assigned, beyond their own area too", async () => {
    const empty = await supervisor.sync.pull({});
    expect(empty).toMatchObject({ campaignId: null, hasMore: false, dropGridIds: [], rows: {} });
    expect(empty.grids).toBeUndefined();

    // officer1's area is their own grid; an assignment to officer2's grid (given by a supervisor over
    // both: campaigns.test.ts) is what brings that grid to the phone, and only while it holds.
    const [second] = await database.db
      .insert(assignments)
      .values({ campaignId: seed.campaignId, gridId: other.gridId, officerId: officer1Id })
      .returning({ id: assignments.id });
    try {
      await settle(database.db);
      const both = await drain(officer1, null);
      expect(both.pages[0].grids?.map((grid) => grid.id).sort()).toEqual([own.gridId, other.gridId].sort());
      const gridsOfRows = new Set(
        PULL_TABLES.flatMap((table) => recordsOf(both.pages, table).map((r) => r.gridId)),
      );
      expect([...gridsOfRows].sort()).toEqual([own.gridId, other.gridId].sort());

      await database.db.update(assignments).set({ endedAt: new Date() }).where(eq(assignments.id, second.id));
      await settle(database.db);
      const { pages } = await drain(officer1, null);
      expect(pages[0].grids?.map((grid) => grid.id)).toEqual([own.gridId]);
      for (const table of PULL_TABLES) {
        for (const row of recordsOf(pages, table)) expect(row.gridId).toBe(own.gridId);
      }
    } finally {
      await database.db.delete(assignments).where(eq(assignments.id, second.id));
    }
  });

  it.skipIf(kind !== "postgresql")(
    "never skips a write that commits after a later one (out-of-order commits)",
    async () => {
      const [x, y] = await database.db
        .select({ id: persons.id })
        .from(persons)
        .where(and(eq(persons.gridId, own.gridId), isNull(persons.endedAt)))
        .orderBy(desc(persons.id))
        .limit(2);
      const a = new Client({ connectionString: database.url as string });
      const b = new Client({ connectionString: database.url as string });
      await a.connect();
      await b.connect();
      try {
        const bump =
          "update persons set version = version + 1 where id = $1 returning change_xid::text as xid";
        await a.query("begin");
        const xa = BigInt((await a.query(bump, [x.id])).rows[0].xid);
        await b.query("begin");
        const xb = BigInt((await b.query(bump, [y.id])).rows[0].xid);
        await b.query("commit");
        expect(xb).toBeGreaterThan(xa);

        // A still runs: Y committed, but with a larger stamp than X, which could still arrive.
        const early = await drain(officer1, latest);
        const earlyIds = recordsOf(early.pages, "persons").map((row) => row.id);
        expect(earlyIds).not.toContain(x.id);
        expect(earlyIds).not.toContain(y.id);
        for (const [floor] of decodeCursor(early.cursor).floors)
          expect(BigInt(floor)).toBeLessThanOrEqual(xa);

        await a.query("commit");
        await settle(database.db);
        const late = await drain(officer1, early.cursor);
        const all = new Set([...earlyIds, ...recordsOf(late.pages, "persons").map((row) => row.id)]);
        expect(all).toContain(x.id);
        expect(all).toContain(y.id);
        latest = late.cursor;
      } finally {
        await a.query("rollback").catch(() => {});
        await Promise.all([a.end(), b.end()]);
      }
    },
  );

  it("after a reassignment, drops the old grid and pulls the new one from zero", async () => {
    // officer1 moves to officer2's grid; their area widens to the street so the new grid is in scope.
    await database.db
      .update(assignments)
      .set({ endedAt: new Date() })
      .where(and(eq(assignments.officerId, officer1Id), isNull(assignments.endedAt)));
    await database.db
      .insert(assignments)
      .values({ campaignId: seed.campaignId, gridId: other.gridId, officerId: officer1Id });
    const [community] = await database.db
      .select({ parentId: areas.parentId })
      .from(areas)
      .where(eq(areas.id, own.communityId));
    await database.db
      .update(users)
      .set({ areaId: community.parentId as string })
      .where(eq(users.id, officer1Id));
    // A caller's context holds the user as read at its request; the next request reads the new area.
    officer1 = (await callerFor(database, { cookie: cookie1 })).caller;
    await settle(database.db);

    const { pages } = await drain(officer1, latest, 500);
    expect(pages[0].dropGridIds).toEqual([own.gridId]);
    expect(pages[0].grids?.map((grid) => grid.id)).toEqual([other.gridId]);
    for (const table of PULL_TABLES) {
      const records = recordsOf(pages, table);
      for (const row of records) expect(row.gridId).toBe(other.gridId);
      expect(records.map((row) => row.id).sort(), table).toEqual(
        await liveIds(database.db, table, other.gridId, seed.campaignId),
      );
    }
    expect(decodeCursor(pages.at(-1)?.cursor as string).floors.flatMap(([, ids]) => ids)).toEqual([
      other.gridId,
    ]);
  });

  it("prints the size of one full grid pull", async () => {
    const [area] = await database.db
      .select({ households: count() })
      .from(households)
      .where(and(eq(households.gridId, other.gridId), isNull(households.endedAt)));
    const { pages } = await drain(officer1, null, 20_000);
    const json = superjson.stringify(pages[0]);
    const gzipped = gzipSync(json).length;
    console.log(
      `[${kind}] one grid at scale 0.1: ${area.households} households, ${Buffer.byteLength(json)} B JSON, ` +
        `${gzipped} B gzip, ${Math.round(gzipped / area.households)} B gzip per household`,
    );
    expect(pages).toHaveLength(1);
  });
});
