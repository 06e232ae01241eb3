// The phone's sync against the real server: a phone store on fake-indexeddb, the real tRPC procedures
// on PGlite behind a transport that fails in the ways a stairwell does.
import "fake-indexeddb/auto";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullAll } from "@/app/field/_lib/download";
import { discardRejected, readNeedsAction, resolveConflict } from "@/app/field/_lib/needs-action";
import { saveVisit } from "@/app/field/_lib/outbox";
import { countPending } from "@/app/field/_lib/pending";
import { type FieldDatabase, openFieldDb, type Row } from "@/app/field/_lib/store";
import { backoffDelay, HttpError, type SyncTransport, syncOutbox } from "@/app/field/_lib/sync";
import type { Database } from "@/db/client";
import { mutationLedger, persons, visits } from "@/db/schema";
import { zhCN } from "@/domain/i18n/messages";
import type { PushInput } from "@/domain/push";
import { type Change, fieldChanges, type Visit } from "@/domain/visit";
import { openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];

const OPTIONS = { appVersion: "test", lockName: "sync-test" };

/** The server as the phone meets it: tRPC errors become HTTP statuses, like the real client sees. */
function transportFor(caller: Caller): SyncTransport & { calls: number } {
  const transport = {
    calls: 0,
    async push(input: PushInput) {
      transport.calls += 1;
      try {
        return await caller.sync.push(input);
      } catch (error) {
        if (error instanceof TRPCError) throw new HttpError(getHTTPStatusCodeFromError(error), error.message);
        throw error;
      }
    },
    async uploadPhoto() {},
  };
  return transport;
}

let database: Database;
let officer1: Caller;
let otherGridId: string;
let n = 0;

beforeAll(async () => {
  database = await openTestDatabase("pglite");
  await seedSmallStreet(database);
  officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
  otherGridId = (await objectsOfOfficer(database, "officer2")).gridId;
});
afterAll(() => database?.close());

/** A phone that has downloaded officer1's grid. */
async function downloadedPhone(): Promise<FieldDatabase> {
  const db = await openFieldDb(`sync-${++n}-${Date.now()}`);
  await pullAll(db, (input) => officer1.sync.pull(input), null);
  return db;
}

async function members(db: FieldDatabase): Promise<Row[]> {
  return (await db.getAll("persons")).filter((p) => p.householdId).sort((a, b) => a.id.localeCompare(b.id));
}

function visitAt(person: Row, over: Partial<Visit> = {}): Visit {
  return {
    id: crypto.randomUUID(),
    campaignId: null,
    gridId: person.gridId as string,
    roomId: person.roomId as string,
    subjectType: "household",
    subjectId: person.householdId as string,
    outcome: "changed",
    attempt: 1,
    revisitDue: null,
    visitedAt: new Date().toISOString(),
    lat: null,
    lng: null,
    accuracyM: null,
    note: null,
    photoSha256: null,
    ...over,
  };
}

/** Saves a visit correcting one member's phone, as the room screen does. */
async function correctPhone(db: FieldDatabase, person: Row, phone: string): Promise<Visit> {
  const visit = visitAt(person);
  const changes: Change[] = fieldChanges(visit.id, "person", person as { id: string; version: number }, [
    { field: "phone", registerValue: person.phone ?? null, observedValue: phone },
  ]);
  await saveVisit(db, {
    visit,
    changes,
    localUpdates: [{ op: "patch", store: "persons", id: person.id, values: { phone } }],
  });
  return visit;
}

const serverPerson = async (id: string) =>
  (await database.db.select().from(persons).where(eq(persons.id, id)))[0];
const visitCount = async (ids: string[]) => {
  const rows = await database.db.select({ id: visits.id }).from(visits);
  return rows.filter((row) => ids.includes(row.id)).length;
};

describe("the phone's sync", () => {
  it("survives a lost request and a lost answer: each visit lands once and the outbox empties", async () => {
    const db = await downloadedPhone();
    const [a, b, c] = (await members(db)).slice(0, 3);
    const saved = [
      await correctPhone(db, a, "13810000001"),
      await correctPhone(db, b, "13810000002"),
      await correctPhone(db, c, "13810000003"),
    ];
    const real = transportFor(officer1);
    let call = 0;
    const flaky: SyncTransport = {
      uploadPhoto: real.uploadPhoto,
      async push(input) {
        call += 1;
        // 1: the request never reaches the server.
        if (call === 1) throw new TypeError("Failed to fetch");
        // 2: the server commits, the answer is lost on the way back.
        if (call === 2) {
          await real.push(input);
          throw new TypeError("network connection was lost");
        }
        return real.push(input);
      },
    };
    expect(await syncOutbox(db, flaky, OPTIONS)).toMatchObject({ state: "failed" });
    expect(await countPending(db)).toBe(3);
    expect(await syncOutbox(db, flaky, OPTIONS)).toMatchObject({ state: "failed" });
    expect(await countPending(db)).toBe(3);
    expect(await syncOutbox(db, flaky, OPTIONS)).toEqual({
      state: "done",
      sent: 3,
      rejected: 0,
      conflicts: 0,
    });

    expect(await countPending(db)).toBe(0);
    expect(await db.count("outbox")).toBe(0);
    expect(await visitCount(saved.map((v) => v.id))).toBe(3);
    for (const [person, phone] of [
      [a, "13810000001"],
      [b, "13810000002"],
      [c, "13810000003"],
    ] as const) {
      const row = await serverPerson(person.id);
      expect(row.phone).toBe(phone);
      // Applied exactly once, though sent three times.
      expect(row.version).toBe(Number(person.version) + 1);
      // The phone's copy took the server's version and is no longer pending.
      expect(await db.get("persons", person.id)).toMatchObject({
        phone,
        version: row.version,
        pending: false,
      });
    }
    const ledger = await database.db.select({ n: count() }).from(mutationLedger);
    expect(ledger[0].n).toBeGreaterThanOrEqual(3);
  });

  it("a refused visit moves aside with the server's words and leaves the others to land", async () => {
    const db = await downloadedPhone();
    const [a] = (await members(db)).slice(10, 11);
    const good = await correctPhone(db, a, "13820000001");
    // A visit naming a room of another grid (as a phone whose grid was taken away might hold).
    const [foreign] = await database.db
      .select()
      .from(persons)
      .where(eq(persons.gridId, otherGridId))
      .limit(1);
    const refused = visitAt({ ...a, roomId: foreign.roomId } as Row, {
      subjectType: "room",
      subjectId: null,
    });
    await saveVisit(db, { visit: refused, changes: [] });

    const run = await syncOutbox(db, transportFor(officer1), OPTIONS);
    expect(run).toEqual({ state: "done", sent: 1, rejected: 1, conflicts: 0 });
    expect(await countPending(db)).toBe(0);
    const needs = await readNeedsAction(db);
    expect(needs.rejected.map((e) => [e.id, e.errorKey, e.lastError])).toEqual([
      [refused.id, "errors.notFound", zhCN["errors.notFound"]],
    ]);
    expect(await visitCount([good.id, refused.id])).toBe(1);
    // Nothing more goes out for it, until the officer acts.
    expect(await syncOutbox(db, transportFor(officer1), OPTIONS)).toEqual({
      state: "done",
      sent: 0,
      rejected: 0,
      conflicts: 0,
    });
    await discardRejected(db, needs.rejected[0]);
    expect(await db.count("outbox")).toBe(0);
    expect(await db.get("visits", refused.id)).toBeUndefined();
  });

  it("a malformed entry is found by halving the batch and set aside alone", async () => {
    const db = await downloadedPhone();
    const [a, b] = (await members(db)).slice(20, 22);
    const first = await correctPhone(db, a, "13830000001");
    // An entry an older app version wrote wrongly: the server refuses the whole envelope.
    await db.put("outbox", {
      id: "not-a-uuid",
      kind: "visit",
      createdAt: new Date(Date.now() + 1).toISOString(),
      state: "pending",
      attempts: 0,
      payload: { visit: visitAt(b), changes: [] },
    });
    const last = await correctPhone(db, b, "13830000002");
    const transport = transportFor(officer1);
    const run = await syncOutbox(db, transport, OPTIONS);
    expect(run).toEqual({ state: "done", sent: 2, rejected: 1, conflicts: 0 });
    expect(await visitCount([first.id, last.id])).toBe(2);
    expect((await db.get("outbox", "not-a-uuid"))?.state).toBe("rejected");
    expect(transport.calls).toBeLessThanOrEqual(6);
  });

  it("a conflict is kept with both values, and settling it is pushed like any mutation", async () => {
    const db = await downloadedPhone();
    const [a] = (await members(db)).slice(30, 31);
    // Someone else changes the number on the server while this phone is offline.
    await database.db.update(persons).set({ phone: "13940000000" }).where(eq(persons.id, a.id));
    await correctPhone(db, a, "13840000001");
    expect(await syncOutbox(db, transportFor(officer1), OPTIONS)).toEqual({
      state: "done",
      sent: 1,
      rejected: 0,
      conflicts: 1,
    });
    const { conflicts } = await readNeedsAction(db);
    expect(conflicts).toEqual([
      expect.objectContaining({
        entityId: a.id,
        field: "phone",
        registerValue: a.phone ?? null,
        serverValue: "13940000000",
        observedValue: "13840000001",
      }),
    ]);
    expect((await serverPerson(a.id)).phone).toBe("13940000000");

    await resolveConflict(db, conflicts[0], conflicts[0].observedValue);
    expect((await readNeedsAction(db)).conflicts).toEqual([]);
    expect(await countPending(db)).toBe(1);
    expect(await syncOutbox(db, transportFor(officer1), OPTIONS)).toMatchObject({
      state: "done",
      sent: 1,
      conflicts: 0,
    });
    expect((await serverPerson(a.id)).phone).toBe("13840000001");
    expect(await db.count("outbox")).toBe(0);
  });

  it("an expired session asks for the password and keeps everything", async () => {
    const db = await downloadedPhone();
    const [a] = (await members(db)).slice(40, 41);
    await correctPhone(db, a, "13850000001");
    const anonymous = (await callerFor(database)).caller;
    expect(await syncOutbox(db, transportFor(anonymous), OPTIONS)).toEqual({ state: "unauthorized" });
    expect(await countPending(db)).toBe(1);
    expect(await syncOutbox(db, transportFor(officer1), OPTIONS)).toMatchObject({ state: "done", sent: 1 });
  });

  it("reports the device's health with each push: what stays unsent once the batch lands", async () => {
    const db = await downloadedPhone();
    const [a, b] = (await members(db)).slice(50, 52);
    await correctPhone(db, a, "13860000001");
    await correctPhone(db, b, "13860000002");
    const pushes: PushInput[] = [];
    const real = transportFor(officer1);
    const recording: SyncTransport = {
      ...real,
      push: (input) => {
        pushes.push(input);
        return real.push(input);
      },
    };
    await syncOutbox(db, recording, { ...OPTIONS, maxBatch: 1 });
    // Two batches of one, each reporting the backlog after it; no extra request at the end.
    expect(pushes.map((p) => [p.mutations.length, p.device?.unsentCount])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(pushes[0].device?.oldestUnsentAt).not.toBeNull();
    expect(pushes[1].device).toMatchObject({ appVersion: "test", oldestUnsentAt: null });
    // With nothing to send, one request carries the health report alone.
    await syncOutbox(db, recording, OPTIONS);
    expect(pushes.slice(2).map((p) => p.mutations.length)).toEqual([0]);
  });

  it("waits longer after each failure, with jitter, up to five minutes", () => {
    expect(backoffDelay(1, () => 0)).toBe(2_500);
    expect(backoffDelay(1, () => 1)).toBe(5_000);
    expect(backoffDelay(3, () => 1)).toBe(20_000);
    expect(backoffDelay(30, () => 1)).toBe(300_000);
    expect(backoffDelay(30, () => 0)).toBe(150_000);
  });
});
