// A phone from before the vault (issue 18): its store held the grid and an unsent visit in clear. At
// the first login of the app with the vault, the store is encrypted in place: read raw, no name, ID
// number or phone is left in clear, and the pending visit is intact and then syncs.
// (test/field/vault.test.ts shows the same on fake-indexeddb; this is Chromium's IndexedDB.)

import { expect, type Page, test } from "@playwright/test";
import { login, rawStoreText, readStore, syncUntilEmpty } from "./support";

const OFFICER = "officer3";

type Person = { name: string | null; idNumber: string | null; phone: string | null };
type Entry = { id: string; state: string; payload: { visit: { roomId: string; outcome: string } } };

/**
 * The stores of the officer's database as the app before the vault made them (version 6), with their
 * key paths and indexes: written here, apart from app/field/_lib/store.ts, as the old phone holds them.
 */
const SCHEMA: [string, string | null, string[]][] = [
  ["meta", null, []],
  ["grids", "id", []],
  ["buildings", "id", ["gridId"]],
  ["rooms", "id", ["gridId", "buildingId"]],
  ["households", "id", ["gridId", "roomId"]],
  ["persons", "id", ["gridId", "householdId"]],
  ["units", "id", ["gridId", "buildingId"]],
  ["rentals", "id", ["gridId", "roomId"]],
  ["rentalTenants", "id", ["gridId", "rentalId"]],
  ["visits", "id", ["gridId", "roomId"]],
  ["householdCodes", "id", ["gridId", "householdId"]],
  ["residentFeedback", "id", ["gridId", "householdId"]],
  ["campaignTargets", "id", ["gridId", "roomId"]],
  ["outbox", "id", ["createdAt"]],
  ["changes", "id", ["visitId"]],
  ["drafts", "roomId", []],
  ["photos", "sha256", []],
  ["conflicts", "changeId", ["visitId"]],
  ["notices", "changeId", []],
];
const RECORD_STORES = SCHEMA.map(([name]) => name).filter((name) => name !== "meta");

/**
 * What an old phone of the officer held: the grid as downloaded and one visit left unsent. The rows
 * come from another browser running today's app (the pull and the visit form wrote the same values
 * before the vault; the vault added no store and no field to them), opened with the PIN; that
 * browser's own copy of the visit is never sent.
 */
async function oldPhoneRows(page: Page) {
  await page.route(
    (url) => url.pathname.includes("sync.push"),
    (route) => route.abort("internetdisconnected"),
  );
  await login(page, OFFICER);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/, { timeout: 30_000 });
  const roomId = (await readStore<{ id: string }>(page, "rooms"))[0].id;
  await page.locator(`a[href="/field/room?id=${roomId}"]`).click();
  await expect(page.getByTestId("room-title")).toBeVisible();
  await page.getByRole("button", { name: "无人应答" }).first().click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await expect(page.getByTestId("pending")).toHaveText("待同步 1");
  const rows: Record<string, unknown[]> = {};
  for (const name of RECORD_STORES) rows[name] = await readStore(page, name);
  const metaKeys = await page.evaluate(async () => {
    const id = JSON.parse(localStorage.getItem("doorstep.user") ?? "{}").id;
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`doorstep-${id}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const keys: IDBValidKey[] = await new Promise((resolve, reject) => {
      const request = db.transaction("meta").objectStore("meta").getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return keys.map(String);
  });
  // The vault's own record and this browser's device id were never on the old phone.
  const meta: [string, unknown][] = [];
  for (const key of metaKeys.filter((k) => k !== "vault" && k !== "deviceId"))
    meta.push([key, (await readStore(page, "meta", undefined, key))[0]]);
  const userId = await page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.user") ?? "{}").id);
  // The list is drawn in slices (work-list.tsx): all of it before the rooms are counted.
  await expect(page.getByTestId("work-buildings")).toHaveAttribute("data-complete", "true");
  return { userId: userId as string, roomId, rows, meta, rooms: await page.getByTestId("work-room").count() };
}

test("a store from before the vault is sealed in place at the first login; its pending visit survives and syncs", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const other = await browser.newContext();
  const old = await oldPhoneRows(await other.newPage());
  await other.close();
  const persons = old.rows.persons as Person[];
  const secrets = persons
    .filter((p) => p.name && p.idNumber && p.phone)
    .slice(0, 15)
    .flatMap((p) => [String(p.name), String(p.idNumber), String(p.phone)]);
  expect(secrets.length).toBeGreaterThan(15);
  const [entry] = old.rows.outbox as Entry[];
  expect([entry.state, entry.payload.visit.roomId]).toEqual(["pending", old.roomId]);

  // This browser has never run the app with the vault: the old store is written as it was, in clear.
  await page.goto("/login");
  await page.evaluate(
    async ({ userId, schema, rows, meta }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open(`doorstep-${userId}`, 6);
        request.onupgradeneeded = () => {
          for (const [name, keyPath, indexes] of schema) {
            const store = request.result.createObjectStore(name, keyPath ? { keyPath } : undefined);
            for (const index of indexes) store.createIndex(index, index);
          }
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction(
        schema.map(([name]) => name),
        "readwrite",
      );
      for (const [name, list] of Object.entries(rows)) for (const row of list) tx.objectStore(name).put(row);
      for (const [key, value] of meta) tx.objectStore("meta").put(value, key);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      // The old app remembered who used the phone here.
      localStorage.setItem("doorstep.user", JSON.stringify({ id: userId }));
    },
    { userId: old.userId, schema: SCHEMA, rows: old.rows, meta: old.meta },
  );
  const before = await rawStoreText(page, old.userId);
  expect(secrets.filter((s) => before.includes(s))).toEqual(secrets);

  // The first login with the vault: held from syncing until the store has been looked at.
  const isPush = (url: URL) => url.pathname.includes("sync.push");
  await page.route(isPush, (route) => route.abort("internetdisconnected"));
  await login(page, OFFICER);
  await expect(page.getByTestId("work-room")).toHaveCount(old.rooms);
  await expect(page.getByTestId("pending")).toHaveText("待同步 1");
  const after = await rawStoreText(page, old.userId);
  expect(secrets.filter((s) => after.includes(s))).toEqual([]);
  // Every row of every store now carries a sealed part (the meta store's vault record and device id
  // aside, which hold nothing personal).
  const clearRows = await page.evaluate(
    async ({ userId, stores }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open(`doorstep-${userId}`);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const clear: string[] = [];
      for (const name of [...stores, "meta"]) {
        const [keys, values] = await new Promise<[IDBValidKey[], unknown[]]>((resolve, reject) => {
          const store = db.transaction(name).objectStore(name);
          const k = store.getAllKeys();
          const v = store.getAll();
          v.onsuccess = () => resolve([k.result, v.result]);
          v.onerror = () => reject(v.error);
        });
        values.forEach((value, i) => {
          if (name === "meta" && ["vault", "deviceId"].includes(String(keys[i]))) return;
          // Sealed alone, or a register row whose sealed part is in a bundle (itself sealed).
          if (
            !(
              value &&
              typeof value === "object" &&
              ((value as { sealed?: unknown }).sealed instanceof Uint8Array ||
                typeof (value as { bundle?: unknown }).bundle === "string")
            )
          )
            clear.push(`${name}/${String(keys[i])}`);
        });
      }
      db.close();
      return clear;
    },
    { userId: old.userId, stores: RECORD_STORES },
  );
  expect(clearRows).toEqual([]);

  // Opened with the PIN, the pending visit is the one the old phone held, unchanged.
  // (A failed send may have counted an attempt: the visit itself is what must not change.)
  const held = await readStore<Entry & { kind: string; createdAt: string }>(page, "outbox");
  const { attempts: _a, lastError: _l, ...sent } = entry as Entry & { attempts?: number; lastError?: string };
  expect(held.map(({ attempts: _x, lastError: _y, ...rest }: Record<string, unknown>) => rest)).toEqual([
    sent,
  ]);
  expect((await readStore(page, "persons")).length).toBe(persons.length);

  // And it syncs: the server takes it, nothing is left nor set aside.
  await page.unroute(isPush);
  await syncUntilEmpty(page);
  expect(await readStore(page, "outbox")).toEqual([]);
  const visits = await readStore<{ roomId: string; outcome: string }>(page, "visits");
  expect(visits.filter((v) => v.roomId === old.roomId).map((v) => v.outcome)).toContain("no_answer");
});
