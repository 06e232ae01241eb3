// Two officers on one phone (issue 18): officer A leaves an unsent visit and logs out; officer B logs
// in on the same browser and downloads B's own grid. B's screens and search never show A's grid, B's
// store is a database of its own, B's key opens none of A's rows, and B's PIN does not open A's store
// offline. When A logs in again, A's unsent visit is still there and syncs.

import { expect, type Page, test } from "@playwright/test";
import { E2E_PIN, login, rawStoreText, readStore, syncUntilEmpty, unlock } from "./support";

const A = "officer1";
const B = "officer2";
/** B's own PIN, not A's: a PIN shared between officers would be one secret, not two. */
const B_PIN = "975318";
const SHOTS = "/tmp/shots-twoofficers";

type Person = { id: string; name: string | null; idNumber: string | null };
type Building = { id: string; address: string | null };

/** Logs in and, at the first login on this browser, sets `pin` (support.ts login always sets E2E_PIN). */
async function loginWithPin(page: Page, username: string, pin: string) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("doorstep");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/field$/);
  const setup = page.getByTestId("pin-setup");
  await expect(setup).toBeVisible({ timeout: 20_000 });
  await setup.getByLabel("PIN 码（6 位数字）").fill(pin);
  await setup.getByLabel("再输入一次").fill(pin);
  await setup.getByRole("button", { name: "保存 PIN 码" }).click();
  await expect(page.getByTestId("sync-chip").first()).toBeVisible({ timeout: 20_000 });
}

async function download(page: Page) {
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/, { timeout: 30_000 });
}

const userIdOf = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.user") ?? "{}").id as string);

/**
 * Tries to open the sealed rows of `store` in database `rowsDb` with the data key that `pin` unwraps
 * from the vault record of database `keyDb`, written apart from the app's code (like support.ts
 * readStore). `key` says whether the PIN unwrapped that key at all; `opened`/`refused` count the rows.
 */
async function openWith(page: Page, keyDb: string, pin: string, rowsDb: string, store: string) {
  return page.evaluate(
    async ({ keyDb, pin, rowsDb, store }) => {
      const get = async (dbName: string, name: string, key?: string): Promise<unknown[]> => {
        const db: IDBDatabase = await new Promise((resolve, reject) => {
          const request = indexedDB.open(dbName);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        try {
          return await new Promise((resolve, reject) => {
            const objects = db.transaction(name).objectStore(name);
            const request = key === undefined ? objects.getAll() : objects.get(key);
            request.onsuccess = () => resolve(key === undefined ? request.result : [request.result]);
            request.onerror = () => reject(request.error);
          });
        } finally {
          db.close();
        }
      };
      type Wrap = {
        salt: Uint8Array<ArrayBuffer>;
        iterations: number;
        iv: Uint8Array<ArrayBuffer>;
        wrapped: Uint8Array<ArrayBuffer>;
      };
      const [vault] = (await get(keyDb, "meta", "vault")) as [{ pin: Wrap | null }];
      if (!vault?.pin) throw new Error(`${keyDb} has no PIN wrap`);
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, [
        "deriveKey",
      ]);
      const byPin = await crypto.subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: vault.pin.salt, iterations: vault.pin.iterations },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["unwrapKey"],
      );
      let dataKey: CryptoKey;
      try {
        dataKey = await crypto.subtle.unwrapKey(
          "raw",
          vault.pin.wrapped,
          byPin,
          {
            name: "AES-GCM",
            iv: vault.pin.iv,
            additionalData: new TextEncoder().encode("doorstep-vault/1|wrap|pin"),
          },
          { name: "AES-GCM", length: 256 },
          false,
          ["decrypt"],
        );
      } catch {
        return { key: false, opened: 0, refused: 0 };
      }
      const decrypt = (sealed: Uint8Array<ArrayBuffer>, name: string, key: string) =>
        crypto.subtle.decrypt(
          {
            name: "AES-GCM",
            iv: sealed.slice(0, 12),
            additionalData: new TextEncoder().encode(`doorstep-vault/1|${name}|${JSON.stringify(key)}`),
          },
          dataKey,
          sealed.slice(12),
        );
      // A row sealed together with others (its `bundle`) opens when its bundle does and holds it.
      const bundles = new Map<string, Promise<string[] | null>>();
      const bundled = (key: string) => {
        let ids = bundles.get(key);
        if (!ids) {
          ids = get(rowsDb, "bundles", key).then(async ([record]) => {
            try {
              const plain = new Uint8Array(
                await decrypt((record as { sealed: Uint8Array<ArrayBuffer> }).sealed, "bundles", key),
              );
              const length = new DataView(plain.buffer).getUint32(0);
              const content = JSON.parse(new TextDecoder().decode(plain.slice(4, 4 + length)));
              return content.store === store ? content.rows.map(([id]: [string]) => id) : [];
            } catch {
              return null;
            }
          });
          bundles.set(key, ids);
        }
        return ids;
      };
      let opened = 0;
      let refused = 0;
      type Stored = { id: string; sealed?: Uint8Array<ArrayBuffer>; bundle?: string };
      for (const row of (await get(rowsDb, store)) as Stored[]) {
        if (row.bundle) {
          const ids = await bundled(row.bundle);
          if (ids === null) refused += 1;
          else if (ids.includes(row.id)) opened += 1;
          else throw new Error(`a row of ${rowsDb}/${store} is not in its bundle`);
          continue;
        }
        if (!row.sealed) throw new Error(`a row of ${rowsDb}/${store} is in clear`);
        try {
          await decrypt(row.sealed, store, row.id);
          opened += 1;
        } catch {
          refused += 1;
        }
      }
      return { key: true, opened, refused };
    },
    { keyDb, pin, rowsDb, store },
  );
}

test("two officers share a phone: B never sees nor opens A's grid; A's unsent visit survives B", async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  // The phone would sync A's visit as soon as the network is back: held off until A logs in again, so
  // the visit is still unsent while B uses the phone.
  const isPush = (url: URL) => url.pathname.includes("sync.push");
  await page.route(isPush, (route) => route.abort("internetdisconnected"));

  // Officer A: downloads A's grid, records a visit offline, logs out with it unsent.
  await loginWithPin(page, A, E2E_PIN);
  await download(page);
  const aId = await userIdOf(page);
  const aPersons = await readStore<Person>(page, "persons");
  const aBuildings = await readStore<Building>(page, "buildings");
  const aRooms = await readStore<{ id: string }>(page, "rooms");
  expect(aPersons.length).toBeGreaterThan(20);
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });
  await context.setOffline(true);
  const roomId = aRooms[0].id;
  await page.locator(`a[href="/field/room?id=${roomId}"]`).click();
  await expect(page.getByTestId("room-title")).toBeVisible();
  await page.getByRole("button", { name: "无人应答" }).first().click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await expect(page.getByTestId("pending")).toHaveText("待同步 1");
  const [entry] = await readStore<{ id: string; state: string; payload: { visit: { roomId: string } } }>(
    page,
    "outbox",
  );
  expect([entry.state, entry.payload.visit.roomId]).toEqual(["pending", roomId]);
  await context.setOffline(false);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  // B's phone syncs as usual: B's sync must not carry A's visit (A's store is not B's).
  await page.unroute(isPush);

  // Officer B, on the same browser: a PIN of B's own, B's own grid.
  await loginWithPin(page, B, B_PIN);
  await download(page);
  const bId = await userIdOf(page);
  expect(bId).not.toBe(aId);
  const bPersons = await readStore<Person>(page, "persons", B_PIN);
  const bBuildings = await readStore<Building>(page, "buildings", B_PIN);
  const bRooms = await readStore<{ id: string }>(page, "rooms", B_PIN);
  expect(bPersons.length).toBeGreaterThan(20);

  // What is A's alone: names, ID numbers and addresses B's grid does not also hold.
  const bNames = new Set(bPersons.map((p) => p.name));
  const aOnlyNames = [...new Set(aPersons.map((p) => p.name))].filter(
    (n): n is string => !!n && !bNames.has(n),
  );
  const bAddresses = new Set(bBuildings.map((b) => b.address));
  const aOnlyAddresses = aBuildings
    .map((b) => b.address)
    .filter((a): a is string => !!a && !bAddresses.has(a));
  const aIdNumbers = aPersons.map((p) => p.idNumber).filter((n): n is string => !!n);
  expect(aOnlyNames.length).toBeGreaterThan(10);
  expect(aOnlyAddresses.length).toBeGreaterThan(0);
  const aSecrets = [...aOnlyNames, ...aIdNumbers, ...aOnlyAddresses];

  // B's work list: B's rooms, none of A's, and nothing of A's in the page's text.
  await expect(page.getByTestId("work-room")).toHaveCount(bRooms.length);
  const hrefs = await page
    .locator('a[href^="/field/room?id="]')
    .evaluateAll((links) =>
      links.map((link) => new URL((link as HTMLAnchorElement).href).searchParams.get("id")),
    );
  const aRoomIds = new Set(aRooms.map((r) => r.id));
  expect(hrefs.length).toBeGreaterThan(0);
  expect(hrefs.filter((id) => id && aRoomIds.has(id))).toEqual([]);
  const shown = (await page.locator("body").textContent()) ?? "";
  expect(aSecrets.filter((s) => shown.includes(s))).toEqual([]);
  await page.getByTestId("work-room").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/b-work-list.png` });

  // B's search finds B's people and none of A's.
  const search = page.getByPlaceholder("搜索地址、姓名或身份证号后几位");
  const bName = bPersons.find((p) => p.name)?.name ?? "";
  await search.fill(bName);
  await expect(page.getByTestId("search-hits").getByRole("listitem").first()).toBeVisible();
  for (const name of aOnlyNames.slice(0, 3)) {
    await search.fill(name);
    await expect(page.getByTestId("search-count")).toHaveText(
      "没有找到。试试门牌号、姓名或身份证号后 4 位。",
    );
  }
  for (const idNumber of aIdNumbers.slice(0, 2)) {
    await search.fill(idNumber);
    await expect(page.getByTestId("search-count")).toHaveText(
      "没有找到。试试门牌号、姓名或身份证号后 4 位。",
    );
  }
  await search.fill("");

  // Two databases, two keys: B's PIN unwraps B's key, which opens B's rows and none of A's; B's PIN
  // does not unwrap A's key; A's PIN still does, and opens A's rows (so the refusals are the keys').
  const databases = (await page.evaluate(() => indexedDB.databases())).map((d) => d.name);
  expect(databases).toEqual(expect.arrayContaining([`doorstep-${aId}`, `doorstep-${bId}`]));
  const own = await openWith(page, `doorstep-${bId}`, B_PIN, `doorstep-${bId}`, "persons");
  expect(own).toEqual({ key: true, opened: bPersons.length, refused: 0 });
  const across = await openWith(page, `doorstep-${bId}`, B_PIN, `doorstep-${aId}`, "persons");
  expect(across).toEqual({ key: true, opened: 0, refused: aPersons.length });
  expect((await openWith(page, `doorstep-${aId}`, B_PIN, `doorstep-${aId}`, "persons")).key).toBe(false);
  expect(await openWith(page, `doorstep-${aId}`, E2E_PIN, `doorstep-${aId}`, "persons")).toEqual({
    key: true,
    opened: aPersons.length,
    refused: 0,
  });
  // With B unlocked, A's store as stored holds nothing of A's grid in clear.
  const aRaw = await rawStoreText(page, aId);
  expect(aSecrets.filter((s) => aRaw.includes(s))).toEqual([]);

  // Offline, the phone pointed at A's store (as after A's last use): the app shows A's lock screen,
  // not A's grid, though B is unlocked; B's PIN is refused there.
  await context.setOffline(true);
  await page.evaluate((id) => localStorage.setItem("doorstep.user", JSON.stringify({ id })), aId);
  await page.goto("/field");
  const lock = page.getByTestId("lock-screen");
  await expect(lock).toBeVisible({ timeout: 20_000 });
  await expect(lock.getByTestId("locked-pending")).toHaveText("待同步 1 条");
  await lock.getByLabel("PIN 码（6 位数字）").fill(B_PIN);
  await lock.getByRole("button", { name: "解锁" }).click();
  await expect(lock.getByRole("alert")).toHaveText("PIN 码不正确，还可尝试 4 次");
  await expect(page.getByTestId("work-room")).toHaveCount(0);
  const locked = (await page.locator("body").textContent()) ?? "";
  expect(aSecrets.filter((s) => locked.includes(s))).toEqual([]);

  // Back to B, who logs out; the phone goes back online.
  await page.evaluate((id) => localStorage.setItem("doorstep.user", JSON.stringify({ id })), bId);
  await page.goto("/field");
  await unlock(page, B_PIN);
  await expect(page.getByTestId("work-room")).toHaveCount(bRooms.length);
  await context.setOffline(false);
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);

  // Officer A again: the unsent visit is there, sealed all along (held from syncing until looked at),
  // and then syncs; nothing of B's shows.
  await page.route(isPush, (route) => route.abort("internetdisconnected"));
  await login(page, A);
  await expect(page.getByTestId("work-room")).toHaveCount(aRooms.length);
  await expect(page.getByTestId("pending")).toHaveText("待同步 1");
  const pending = await readStore<{ id: string; state: string }>(page, "outbox");
  expect(pending.map((e) => [e.id, e.state])).toEqual([[entry.id, "pending"]]);
  await page.unroute(isPush);
  await syncUntilEmpty(page);
  // Taken by the server: nothing left in the outbox, not even set aside as refused.
  expect(await readStore(page, "outbox")).toEqual([]);
  const visits = await readStore<{ roomId: string; outcome: string }>(page, "visits");
  expect(visits.filter((v) => v.roomId === roomId).map((v) => v.outcome)).toContain("no_answer");
  const aNames = new Set(aPersons.map((p) => p.name));
  const bOnlyNames = [...bNames].filter((n): n is string => !!n && !aNames.has(n));
  const shownToA = (await page.locator("body").textContent()) ?? "";
  expect(bOnlyNames.filter((s) => shownToA.includes(s))).toEqual([]);
});
