import "fake-indexeddb/auto";
import { randomBytes } from "node:crypto";
import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import { applyPullPage } from "@/app/field/_lib/pull";
import { sealValue } from "@/app/field/_lib/sealed";
import { holdDataKey, openFieldDb, openRawFieldDb, readAll } from "@/app/field/_lib/store";
import { sealInPlace, unlockOnline } from "@/app/field/_lib/vault";
import { PULL_COLUMNS, PULL_FORMAT, type PullResponse } from "@/domain/pull";
import { encodePullRows, type PullTables } from "@/domain/wire";
import { openUnlockedDb } from "../support/unlocked";

// Register rows sealed together (domain/vault.ts BUNDLE): how they are stored, opened, swept and
// dropped, and the store upgrade (version 7) from a phone whose rows were sealed one by one.

let n = 0;
const officer = () => `bundles-${++n}-${Date.now()}`;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

const person = (i: number, gridId: string) => ({
  id: uuid(i),
  gridId,
  householdId: `h${i % 7}`,
  name: `欧阳春花${i}`,
  idNumber: `4401041990030${String(i).padStart(5, "0")}`,
  phone: `139${String(i).padStart(8, "0")}`,
  movedInAt: new Date(Date.UTC(2020, 0, 1 + i)),
});

/** Every value of every store, as stored, as text a search for a name or number would hit. */
async function rawText(userId: string): Promise<string> {
  const db = await openRawFieldDb(userId);
  const parts: string[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const dump = (value: unknown): void => {
    if (value instanceof Uint8Array) parts.push(decoder.decode(value));
    else if (value && typeof value === "object") for (const v of Object.values(value)) dump(v);
    else parts.push(String(value));
  };
  for (const name of db.objectStoreNames) {
    const tx = db.transaction(name);
    for (const key of await tx.store.getAllKeys()) dump([key, await tx.store.get(key)]);
  }
  db.close();
  return parts.join("\n");
}

/** The stored (raw) rows of a store: the bundle each points at, or "alone" when sealed by itself. */
async function layout(userId: string, store: "persons") {
  const raw = await openRawFieldDb(userId);
  const rows = (await raw.getAll(store)) as Record<string, unknown>[];
  const bundles = (await raw.getAll("bundles")) as unknown as { id: string; rows: number }[];
  raw.close();
  return {
    where: new Map(rows.map((row) => [row.id as string, (row.bundle as string | undefined) ?? "alone"])),
    bundles: new Map(bundles.map((b) => [b.id, b.rows])),
  };
}

describe("register rows sealed together", () => {
  it("bundles rows put at once by grid, up to 256 a bundle; a few of a grid are sealed alone", async () => {
    const userId = officer();
    const db = await openUnlockedDb(userId);
    const rows = [
      ...Array.from({ length: 300 }, (_, i) => person(i, "g1")),
      ...Array.from({ length: 10 }, (_, i) => person(1000 + i, "g2")),
      ...Array.from({ length: 3 }, (_, i) => person(2000 + i, "g3")),
    ];
    const tx = db.transaction("persons", "readwrite");
    await Promise.all(rows.map((row) => tx.store.put(row as never)));
    await tx.done;

    const { where, bundles } = await layout(userId, "persons");
    expect([...bundles.values()].sort((a, b) => a - b)).toEqual([10, 44, 256]);
    expect(new Set(rows.slice(0, 300).map((r) => where.get(r.id))).size).toBe(2);
    expect(rows.slice(300, 310).every((r) => where.get(r.id)?.startsWith("persons|g2|"))).toBe(true);
    expect(rows.slice(310).map((r) => where.get(r.id))).toEqual(["alone", "alone", "alone"]);
    const text = await rawText(userId);
    for (const row of rows) {
      expect(text).not.toContain(row.name);
      expect(text).not.toContain(row.idNumber);
    }

    // Read back every way the phone reads: all at once, by key, by index, by cursor.
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...(await readAll(db)).persons].sort(byId)).toEqual([...rows].sort(byId));
    expect(await db.get("persons", uuid(299))).toEqual(person(299, "g1"));
    expect(await db.get("persons", uuid(1003))).toEqual(person(1003, "g2"));
    expect(await db.get("persons", uuid(2001))).toEqual(person(2001, "g3"));
    const household = (await db.getAllFromIndex("persons", "householdId", "h3")).sort(byId);
    expect(household).toEqual(rows.filter((r) => r.householdId === "h3").sort(byId));
    const read = db.transaction("persons");
    const seen: unknown[] = [];
    for (let cursor = await read.store.openCursor(); cursor; cursor = await cursor.continue())
      seen.push(cursor.value);
    expect(seen).toEqual([...rows].sort(byId));
    db.close();
  });

  it("the sweep puts again the live rows of a bundle some of whose rows changed, and drops it", async () => {
    const userId = officer();
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
      "encrypt",
      "decrypt",
    ]);
    holdDataKey(userId, key);
    const db = await openFieldDb(userId);
    const rows = Array.from({ length: 20 }, (_, i) => person(i, "g1"));
    const tx = db.transaction("persons", "readwrite");
    await Promise.all(rows.map((row) => tx.store.put(row as never)));
    await tx.done;
    const [first] = (await layout(userId, "persons")).bundles.keys();

    // One row saved alone (a visit's correction), one ended: the bundle still holds their old values.
    await db.put("persons", { ...rows[0], phone: "13800000000" } as never);
    await db.delete("persons", rows[1].id);
    const raw = await openRawFieldDb(userId);
    await sealInPlace(raw, key);
    raw.close();

    const after = await layout(userId, "persons");
    expect(after.bundles.has(first)).toBe(false);
    // Every bundle left is pointed at by as many rows as it holds.
    for (const [key, count] of after.bundles)
      expect([...after.where.values()].filter((b) => b === key).length).toBe(count);
    expect(after.where.size).toBe(19);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect((await db.getAll("persons")).sort(byId)).toEqual(
      [{ ...rows[0], phone: "13800000000" }, ...rows.slice(2)].sort(byId),
    );
    db.close();
  });

  it("a dropped grid takes its bundles with its rows", async () => {
    const userId = officer();
    const db = await openUnlockedDb(userId);
    const persons = (gridId: string, from: number) =>
      Array.from({ length: 12 }, (_, i) =>
        Object.fromEntries(
          PULL_COLUMNS.persons.map((c) => [
            c,
            (person(from + i, gridId) as Record<string, unknown>)[c] ?? null,
          ]),
        ),
      );
    const page = (over: Partial<PullResponse> & { tables?: PullTables }): PullResponse => {
      const { tables = {}, ...rest } = over;
      return {
        format: PULL_FORMAT,
        cursor: "c1",
        hasMore: false,
        serverTime: "2026-12-06T08:00:00Z",
        campaignId: null,
        dropGridIds: [],
        rows: JSON.parse(JSON.stringify(encodePullRows(tables))),
        ...rest,
      };
    };
    await applyPullPage(db, page({ tables: { persons: [...persons("g1", 0), ...persons("g2", 100)] } }));
    expect([...(await layout(userId, "persons")).bundles.keys()].map((k) => k.split("|")[1]).sort()).toEqual([
      "g1",
      "g2",
    ]);
    await applyPullPage(db, page({ cursor: "c2", dropGridIds: ["g2"] }));
    const after = await layout(userId, "persons");
    expect([...after.bundles.keys()].map((k) => k.split("|")[1])).toEqual(["g1"]);
    expect(after.where.size).toBe(12);
    db.close();
  });

  it("upgrades a phone whose rows were sealed one by one (version 6), losing no pending work", async () => {
    const userId = officer();
    const secret = randomBytes(32).toString("base64url");
    // The phone as the release before bundles left it: the version 6 stores, each row sealed alone
    // (sealValue's per-row format is unchanged), the vault record's device wrap made here by hand.
    const dataKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, [
      "encrypt",
      "decrypt",
    ]);
    const byDevice = await crypto.subtle.importKey(
      "raw",
      Buffer.from(secret, "base64url"),
      "AES-GCM",
      false,
      ["wrapKey"],
    );
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const wrapped = new Uint8Array(
      await crypto.subtle.wrapKey("raw", dataKey, byDevice, {
        name: "AES-GCM",
        iv,
        additionalData: new TextEncoder().encode("doorstep-vault/1|wrap|device"),
      }),
    );
    const v6 = await openDB(`doorstep-${userId}`, 6, {
      upgrade(db) {
        db.createObjectStore("meta");
        db.createObjectStore("grids", { keyPath: "id" });
        for (const [name, indexes] of Object.entries(V6_REGISTER)) {
          const store = db.createObjectStore(name, { keyPath: "id" });
          for (const index of indexes) store.createIndex(index, index);
        }
        db.createObjectStore("outbox", { keyPath: "id" }).createIndex("createdAt", "createdAt");
        db.createObjectStore("changes", { keyPath: "id" }).createIndex("visitId", "visitId");
        db.createObjectStore("drafts", { keyPath: "roomId" });
        db.createObjectStore("photos", { keyPath: "sha256" });
        db.createObjectStore("conflicts", { keyPath: "changeId" }).createIndex("visitId", "visitId");
        db.createObjectStore("notices", { keyPath: "changeId" });
      },
    });
    const persons = Array.from({ length: 30 }, (_, i) => person(i, "g1"));
    const visit = { id: uuid(500), gridId: "g1", roomId: "r1", note: "欧阳春花0 不在家", pending: true };
    const change = { id: uuid(501), visitId: visit.id, field: "phone", value: "13700000000" };
    const entry = {
      id: visit.id,
      createdAt: "2026-12-06T07:00:00Z",
      state: "pending",
      attempts: 0,
      kind: "visit",
      payload: { visit, changes: [change] },
    };
    const draft = { roomId: "r2", savedAt: "2026-12-06T07:05:00Z", values: { phone: "13600000000" } };
    const put = async (store: string, value: Record<string, unknown>, key: unknown) =>
      v6.put(store as never, (await sealValue(dataKey, store, key, value)) as never);
    for (const p of persons) await put("persons", p, p.id);
    await put("visits", visit, visit.id);
    await put("changes", change, change.id);
    await put("outbox", entry, entry.id);
    await put("drafts", draft, draft.roomId);
    await v6.put(
      "meta",
      { version: 1, pin: null, device: { iv, wrapped }, failedPins: 0, lockMinutes: 15 },
      "vault",
    );
    v6.close();

    // The first unlock of the new release: the upgrade, then the sweep bundles the grid's rows.
    await unlockOnline(userId, { secret, lockMinutes: 15 });
    const where = (await layout(userId, "persons")).where;
    expect([...where.values()].every((b) => b.startsWith("persons|g1|"))).toBe(true);
    const db = await openFieldDb(userId);
    expect(db.version).toBe(7);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect((await db.getAll("persons")).sort(byId)).toEqual(persons);
    expect(await db.getAll("outbox")).toEqual([entry]);
    expect(await db.getAll("visits")).toEqual([visit]);
    expect(await db.getAll("changes")).toEqual([change]);
    expect(await db.getAll("drafts")).toEqual([draft]);
    db.close();
    const text = await rawText(userId);
    for (const p of persons) expect(text).not.toContain(p.idNumber);
  });
});

const V6_REGISTER: Record<string, string[]> = {
  buildings: ["gridId"],
  rooms: ["gridId", "buildingId"],
  households: ["gridId", "roomId"],
  persons: ["gridId", "householdId"],
  units: ["gridId", "buildingId"],
  rentals: ["gridId", "roomId"],
  rentalTenants: ["gridId", "rentalId"],
  visits: ["gridId", "roomId"],
  householdCodes: ["gridId", "householdId"],
  residentFeedback: ["gridId", "householdId"],
  campaignTargets: ["gridId", "roomId"],
};
