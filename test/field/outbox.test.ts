import "fake-indexeddb/auto";
import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import { clearDraft, readDraft, saveDraft } from "@/app/field/_lib/drafts";
import { changesOfVisit, saveVisit } from "@/app/field/_lib/outbox";
import { countPending, onOutboxChanged } from "@/app/field/_lib/pending";
import { type FieldDatabase, readAll } from "@/app/field/_lib/store";
import type { Change, Visit } from "@/domain/visit";
import { openUnlockedDb } from "../support/unlocked";

let n = 0;
const freshDb = () => openUnlockedDb(`outbox-${++n}-${Date.now()}`);

const gridId = crypto.randomUUID();
const roomId = crypto.randomUUID();
const personId = crypto.randomUUID();

function visit(over: Partial<Visit> = {}): Visit {
  return {
    id: crypto.randomUUID(),
    campaignId: null,
    gridId,
    roomId,
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
    ...over,
  };
}

function phoneChange(visitId: string): Change {
  return {
    id: crypto.randomUUID(),
    visitId,
    entity: "person",
    entityId: personId,
    field: "phone",
    registerValue: "13800001111",
    observedValue: "13900002222",
    baseVersion: 1,
  };
}

async function withPerson(db: FieldDatabase) {
  await db.put("persons", {
    id: personId,
    gridId,
    version: 1,
    householdId: "h1",
    name: "张三",
    phone: "13800001111",
  });
}

async function everything(db: FieldDatabase) {
  const [visits, changes, outbox, persons] = await Promise.all([
    db.getAll("visits"),
    db.getAll("changes"),
    db.getAll("outbox"),
    db.getAll("persons"),
  ]);
  return { visits, changes, outbox, persons };
}

describe("saveVisit", () => {
  it("writes the visit, its changes, the local corrections and one outbox entry together", async () => {
    const db = await freshDb();
    await withPerson(db);
    const v = visit();
    const changes = [phoneChange(v.id)];
    const entry = await saveVisit(db, {
      visit: v,
      changes,
      officerId: "officer-1",
      localUpdates: [
        { op: "patch", store: "persons", id: personId, values: { phone: "13900002222" } },
        { op: "put", store: "persons", row: { id: "p-new", gridId, version: 0, name: "张小明" } },
      ],
    });
    expect(entry).toMatchObject({ id: v.id, kind: "visit", state: "pending", attempts: 0 });
    expect(entry.payload).toEqual({ visit: v, changes });

    const all = await everything(db);
    expect(all.outbox).toHaveLength(1);
    expect(all.visits).toEqual([
      expect.objectContaining({
        id: v.id,
        roomId,
        outcome: "changed",
        reviewState: "submitted",
        pending: true,
      }),
    ]);
    expect(await changesOfVisit(db, v.id)).toEqual(changes);
    expect(all.persons.find((p) => p.id === personId)?.phone).toBe("13900002222");
    expect(all.persons.map((p) => p.id).sort()).toEqual([personId, "p-new"].sort());
    // The work list reads visits through readAll: the new one counts at once.
    expect((await readAll(db)).visits.map((r) => r.id)).toEqual([v.id]);
    expect(await countPending(db)).toBe(1);
  });

  it("writes none of it when any write fails", async () => {
    const db = await freshDb();
    await withPerson(db);
    const v = visit();
    await expect(
      saveVisit(db, {
        visit: v,
        changes: [phoneChange(v.id)],
        localUpdates: [
          { op: "patch", store: "persons", id: personId, values: { phone: "13900002222" } },
          // The last write fails: a row that is not on the phone.
          { op: "patch", store: "rentals", id: "missing", values: { filingNo: "x" } },
        ],
      }),
    ).rejects.toThrow(/not on this phone/);
    const all = await everything(db);
    expect(all.visits).toEqual([]);
    expect(all.changes).toEqual([]);
    expect(all.outbox).toEqual([]);
    expect(all.persons[0].phone).toBe("13800001111");
    expect(await countPending(db)).toBe(0);
  });

  it("refuses the same mutation id twice without duplicating anything", async () => {
    const db = await freshDb();
    const v = visit();
    await saveVisit(db, { visit: v, changes: [phoneChange(v.id)] });
    await expect(saveVisit(db, { visit: v, changes: [phoneChange(v.id)] })).rejects.toThrow();
    const all = await everything(db);
    expect(all.outbox).toHaveLength(1);
    expect(all.changes).toHaveLength(1);
    expect(await countPending(db)).toBe(1);
  });

  it("validates the envelope before writing", async () => {
    const db = await freshDb();
    const v = visit({ outcome: "no_answer" }); // a revisit date is missing
    await expect(saveVisit(db, { visit: v, changes: [] })).rejects.toThrow();
    const other = visit();
    await expect(
      saveVisit(db, { visit: other, changes: [phoneChange(crypto.randomUUID())] }),
    ).rejects.toThrow(/another visit/);
    expect(await everything(db)).toMatchObject({ visits: [], changes: [], outbox: [] });
  });

  it("refuses a visit naming a photo that is not stored", async () => {
    const db = await freshDb();
    const sha = "a".repeat(64);
    await expect(saveVisit(db, { visit: visit({ photoSha256: sha }), changes: [] })).rejects.toThrow(/photo/);
    await db.put("photos", {
      sha256: sha,
      blob: new Blob(["x"]),
      mime: "image/jpeg",
      bytes: 1,
      createdAt: "",
    });
    await saveVisit(db, { visit: visit({ photoSha256: sha }), changes: [] });
    expect(await countPending(db)).toBe(1);
  });

  it("clears the room's draft in the same transaction, and tells listeners", async () => {
    const db = await freshDb();
    await saveDraft(db, roomId, { note: "half typed" });
    let heard = 0;
    const off = onOutboxChanged(() => {
      heard += 1;
    });
    await saveVisit(db, { visit: visit(), changes: [] });
    off();
    expect(await readDraft(db, roomId)).toBeUndefined();
    expect(heard).toBe(1);
  });
});

describe("pending count", () => {
  it("counts pending entries only", async () => {
    const db = await freshDb();
    expect(await countPending(db)).toBe(0);
    await saveVisit(db, { visit: visit(), changes: [] });
    await saveVisit(db, { visit: visit(), changes: [] });
    const rejected = await saveVisit(db, { visit: visit(), changes: [] });
    await db.put("outbox", { ...rejected, state: "rejected" });
    expect(await countPending(db)).toBe(2);
  });
});

describe("drafts", () => {
  it("round-trip per room and clear", async () => {
    const db = await freshDb();
    const values = {
      outcome: "no_answer",
      note: "敲门无人",
      nested: { members: { a: { kind: "confirm" } } },
    };
    await saveDraft(db, "room-a", values);
    await saveDraft(db, "room-b", { note: "other" });
    expect(await readDraft(db, "room-a")).toEqual(values);
    await saveDraft(db, "room-a", { ...values, note: "改了" });
    expect(await readDraft<{ note: string }>(db, "room-a")).toMatchObject({ note: "改了" });
    await clearDraft(db, "room-a");
    expect(await readDraft(db, "room-a")).toBeUndefined();
    expect(await readDraft(db, "room-b")).toEqual({ note: "other" });
  });
});

describe("the store upgrade", () => {
  it("keeps a version 1 database's data, adds the later stores, and pulls again for the new tables", async () => {
    const userId = `upgrade-${Date.now()}`;
    // Version 1 exactly as phones in the field have it.
    const v1 = await openDB(`doorstep-${userId}`, 1, {
      upgrade(db) {
        db.createObjectStore("meta");
        db.createObjectStore("grids", { keyPath: "id" });
        for (const name of [
          "buildings",
          "rooms",
          "households",
          "persons",
          "units",
          "rentals",
          "rentalTenants",
          "visits",
        ]) {
          const store = db.createObjectStore(name, { keyPath: "id" });
          store.createIndex("gridId", "gridId");
          if (name === "rooms") store.createIndex("buildingId", "buildingId");
          if (name === "households" || name === "rentals" || name === "visits")
            store.createIndex("roomId", "roomId");
          if (name === "persons") store.createIndex("householdId", "householdId");
          if (name === "units") store.createIndex("buildingId", "buildingId");
          if (name === "rentalTenants") store.createIndex("rentalId", "rentalId");
        }
      },
    });
    await v1.put("meta", "cursor-7", "cursor");
    await v1.put("rooms", { id: roomId, gridId, version: 1, buildingId: "b1", roomNo: "101" });
    await v1.put("visits", { id: "old-visit", gridId, version: 1, roomId, outcome: "no_answer" });
    v1.close();

    const db = await openUnlockedDb(userId);
    expect(db.version).toBe(7);
    expect([...db.objectStoreNames].sort()).toEqual(
      [
        "buildings",
        "bundles",
        "campaignTargets",
        "changes",
        "conflicts",
        "drafts",
        "grids",
        "householdCodes",
        "households",
        "meta",
        "notices",
        "outbox",
        "persons",
        "photos",
        "rentalTenants",
        "rentals",
        "residentFeedback",
        "rooms",
        "units",
        "visits",
      ].sort(),
    );
    // Version 4's tables were never pulled: the cursor goes, so the next pull brings them; rows stay.
    expect(await db.get("meta", "cursor")).toBeUndefined();
    expect(await db.getAllFromIndex("householdCodes", "householdId", "h1")).toEqual([]);
    expect((await db.get("rooms", roomId))?.roomNo).toBe("101");
    expect(await db.getAllFromIndex("visits", "roomId", roomId)).toHaveLength(1);
    // And the new stores work on the upgraded database.
    await saveVisit(db, { visit: visit(), changes: [] });
    expect(await countPending(db)).toBe(1);
    expect(await db.getAllFromIndex("visits", "roomId", roomId)).toHaveLength(2);
    db.close();
  });
});
