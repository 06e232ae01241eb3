// A phone marked lost or retired, against the real server: its whole outbox (pending and set-aside
// entries) goes to the quarantine, then its register data is erased, read raw below the vault; if the
// server does not take everything, nothing is erased.
import "fake-indexeddb/auto";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveVisit } from "@/app/field/_lib/outbox";
import { storePhoto } from "@/app/field/_lib/photo";
import { pullAll } from "@/app/field/_lib/pull";
import { HttpError, type PushTransport, pushOutbox } from "@/app/field/_lib/push";
import { deviceIdOf, type FieldDatabase, openRawFieldDb, type Row } from "@/app/field/_lib/store";
import type { Database } from "@/db/client";
import { quarantinedMutations, visits } from "@/db/schema";
import type { PushInput } from "@/domain/push";
import type { Visit } from "@/domain/visit";
import { openTestDatabase } from "../support/db";
import { callerFor, loginAs, seedSmallStreet } from "../support/fixture";
import { openUnlockedDb } from "../support/unlocked";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
const OPTIONS = { appVersion: "test", lockName: "wipe-test" };

let database: Database;
let officer1: Caller;
let admin: Caller;
let n = 0;

beforeAll(async () => {
  database = await openTestDatabase("pglite");
  await seedSmallStreet(database);
  officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
  admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
});
afterAll(() => database?.close());

/**
 * The server as the phone meets it; `drop` may change an answer on its way back; `upload` stands for
 * the photo route (by default it takes every photo).
 */
function transportFor(
  drop?: (input: PushInput, answer: Awaited<ReturnType<Caller["sync"]["push"]>>) => void,
  upload: PushTransport["uploadPhoto"] = async () => {},
) {
  const transport: PushTransport = {
    async push(input) {
      try {
        const answer = await officer1.sync.push(input);
        drop?.(input, answer);
        return answer;
      } catch (error) {
        if (error instanceof TRPCError) throw new HttpError(getHTTPStatusCodeFromError(error), error.message);
        throw error;
      }
    },
    uploadPhoto: upload,
  };
  return transport;
}

/**
 * A phone with officer1's grid, known to the server, with two saved visits: one set aside, with a
 * photo when `photo` is given.
 */
async function markedPhone(
  photo?: Uint8Array<ArrayBuffer>,
): Promise<{ userId: string; db: FieldDatabase; ids: string[] }> {
  const userId = `wipe-${++n}-${Date.now()}`;
  const db = await openUnlockedDb(userId);
  await pullAll(db, (input) => officer1.sync.pull(input), null);
  const deviceId = await deviceIdOf(db);
  await officer1.vault.deviceKey({ deviceId });
  const persons = (await db.getAll("persons")).filter((p) => p.householdId) as Row[];
  const ids: string[] = [];
  const photoSha256 = photo ? (await storePhoto(db, new Blob([photo], { type: "image/jpeg" }))).sha256 : null;
  for (const [at, person] of persons.slice(0, 2).entries()) {
    const visit: Visit = {
      id: crypto.randomUUID(),
      campaignId: null,
      gridId: person.gridId as string,
      roomId: person.roomId as string,
      subjectType: "household",
      subjectId: person.householdId as string,
      outcome: "verified",
      attempt: 1,
      revisitDue: null,
      visitedAt: new Date().toISOString(),
      lat: null,
      lng: null,
      accuracyM: null,
      note: null,
      photoSha256: at === 1 ? photoSha256 : null,
    };
    await saveVisit(db, { visit, changes: [], localUpdates: [] });
    ids.push(visit.id);
  }
  await db.put("drafts", {
    roomId: persons[2].roomId as string,
    savedAt: "2026-12-01T00:00:00Z",
    values: {},
  });
  // The second was refused earlier and set aside for the officer: unsent all the same.
  const aside = await db.get("outbox", ids[1]);
  if (!aside) throw new Error("the visit was saved");
  await db.put("outbox", { ...aside, state: "rejected", errorKey: "errors.badRequest", lastError: "x" });
  await admin.device.mark({ deviceId, mark: "lost" });
  return { userId, db, ids };
}

describe("a phone marked lost", () => {
  it("hands over its whole outbox to the quarantine, then erases its register data", async () => {
    const { userId, db, ids } = await markedPhone();
    expect(await pushOutbox(db, transportFor(), OPTIONS)).toEqual({ state: "wiped" });
    const held = await database.db
      .select({ id: quarantinedMutations.id, state: quarantinedMutations.state })
      .from(quarantinedMutations)
      .where(inArray(quarantinedMutations.id, ids));
    expect(held.map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(await database.db.select().from(visits).where(inArray(visits.id, ids))).toEqual([]);
    const raw = await openRawFieldDb(userId);
    for (const store of [
      "grids",
      "buildings",
      "rooms",
      "households",
      "persons",
      "visits",
      "outbox",
      "drafts",
    ] as const)
      expect(await raw.count(store), store).toBe(0);
    // What stays: the device's id (the server still knows the phone), the vault record, the mark.
    const meta = (await raw.getAllKeys("meta")).map(String);
    expect(meta).toContain("deviceId");
    expect(meta).toContain("wiped");
    expect(meta.filter((key) => !["deviceId", "vault", "wiped"].includes(key))).toEqual([]);
    raw.close();
  });

  it("erases nothing while the server has not taken every entry", async () => {
    const { userId, db, ids } = await markedPhone();
    // The set-aside entry's hand-over comes back without the server's word to erase.
    const transport = transportFor((input, answer) => {
      if (input.mutations.some((m) => m.id === ids[1])) delete answer.wipe;
    });
    const run = await pushOutbox(db, transport, OPTIONS);
    expect(run.state).toBe("done");
    const raw = await openRawFieldDb(userId);
    expect(await raw.count("persons")).toBeGreaterThan(0);
    expect(await raw.count("drafts")).toBe(1);
    expect((await raw.getAllKeys("outbox")).map(String)).toEqual([ids[1]]);
    raw.close();
    const [first] = await database.db
      .select({ state: quarantinedMutations.state })
      .from(quarantinedMutations)
      .where(eq(quarantinedMutations.id, ids[0]));
    expect(first.state).toBe("held");
  });

  it("hands over the photos of what it hands over; a photo the line fails on keeps everything", async () => {
    const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
    // The line fails on the photo: nothing is handed over past it, and nothing is erased.
    const failing = await markedPhone(photo);
    const broken = transportFor(undefined, async () => {
      throw new TypeError("Failed to fetch");
    });
    expect((await pushOutbox(failing.db, broken, OPTIONS)).state).not.toBe("wiped");
    const kept = await openRawFieldDb(failing.userId);
    expect(await kept.count("persons")).toBeGreaterThan(0);
    expect(await kept.count("photos")).toBe(1);
    expect((await kept.getAllKeys("outbox")).map(String)).toEqual([failing.ids[1]]);
    kept.close();

    // The line back: the photo goes up before its visit is handed over, then the phone erases.
    const uploaded: string[] = [];
    const line = transportFor(undefined, async (row) => {
      uploaded.push(row.sha256);
    });
    expect(await pushOutbox(failing.db, line, OPTIONS)).toEqual({ state: "wiped" });
    const [{ photoSha256 }] = (await database.db
      .select({ payload: quarantinedMutations.payload })
      .from(quarantinedMutations)
      .where(eq(quarantinedMutations.id, failing.ids[1]))
      .then((rows) => rows.map((row) => (row.payload as { visit: Visit }).visit))) as Visit[];
    expect(photoSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(uploaded).toEqual([photoSha256]);
    const raw = await openRawFieldDb(failing.userId);
    expect(await raw.count("photos")).toBe(0);
    raw.close();
  });
});
