import { type APIRequestContext, type Browser, test as base, expect, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { DEMO_CAMPAIGN } from "@/db/seed";
import { chinaDay } from "@/domain/progress";
import type { Workbook } from "@/domain/questionnaire/definition";

export const SCREENS = "test-results/screens";

/** The unlock PIN every e2e officer sets at their first login on a browser. */
export const E2E_PIN = "246810";

/**
 * Logs in. An officer lands on /field behind the vault: at the first login on this browser it asks
 * for a PIN, set here to E2E_PIN, so specs find the field screen as before.
 */
export async function login(page: Page, username: string, password = "doorstep") {
  await page.goto("/login");
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole("button", { name: /^(登录|Log in)$/ }).click();
  const landed = await Promise.race([
    page.waitForURL((url) => url.pathname !== "/login", { timeout: 20_000 }).then(() => true),
    page
      .getByTestId("error")
      .waitFor({ timeout: 20_000 })
      .then(() => false),
  ]).catch(() => false);
  if (!landed || !new URL(page.url()).pathname.startsWith("/field")) return;
  const setup = page.getByTestId("pin-setup");
  await expect(setup.or(page.getByTestId("sync-chip").first())).toBeVisible({ timeout: 20_000 });
  if (await setup.isVisible()) {
    await setup.getByLabel(/PIN 码|PIN \(/).fill(E2E_PIN);
    await setup.getByLabel(/再输入一次|Enter it again/).fill(E2E_PIN);
    await setup.getByRole("button").click();
    await expect(setup).toBeHidden({ timeout: 20_000 });
  }
}

/**
 * After an offline reload: unlocks with the PIN if the phone shows its lock screen. A reload within
 * the idle limit resumes the unlocked session (app/field/_lib/vault.ts), so often it does not.
 */
export async function unlock(page: Page, pin = E2E_PIN) {
  const lock = page.getByTestId("lock-screen");
  await expect(lock.or(page.getByTestId("sync-chip").first())).toBeVisible({ timeout: 20_000 });
  if (!(await lock.isVisible())) return;
  await lock.getByLabel(/PIN 码|PIN \(/).fill(pin);
  await lock.getByRole("button", { name: /^(解锁|Unlock)$/ }).click();
  await expect(lock).toBeHidden({ timeout: 20_000 });
}

/**
 * Answers the page's dialogs: the "leave with unsent work?" prompt is accepted (and counted, so a test
 * can prove it was asked); confirms are accepted only while `acceptConfirms` is set.
 */
export function answerDialogs(page: Page) {
  const state = { leaveWarnings: 0, confirms: [] as string[], acceptConfirms: false };
  page.on("dialog", (dialog) => {
    if (dialog.type() === "beforeunload") {
      state.leaveWarnings += 1;
      void dialog.accept();
      return;
    }
    state.confirms.push(dialog.message());
    void (state.acceptConfirms ? dialog.accept() : dialog.dismiss());
  });
  return state;
}

/**
 * An officer's phone (390 × 844, touch) logged in on the field screen, its dialogs answered: the
 * context (to close it or take its signal away), its page and the dialogs seen.
 */
export async function officerPhone(browser: Browser, username: string, password?: string) {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  const dialogs = answerDialogs(page);
  await login(page, username, password);
  await expect(page).toHaveURL(/\/field$/);
  return { phone, page, dialogs };
}

/** The entries still waiting in the phone's outbox, read from IndexedDB itself. */
export async function outboxPending(page: Page): Promise<number> {
  return (await readStore<{ state: string }>(page, "outbox")).filter((entry) => entry.state === "pending")
    .length;
}

/** Taps "sync now" until the outbox is empty: backoff may be waiting from an offline spell. */
export async function syncUntilEmpty(page: Page, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = await page
      .getByTestId("pending")
      .first()
      .textContent()
      .catch(() => null);
    if (shown?.match(/待同步 0|^0 to sync/) && (await outboxPending(page).catch(() => -1)) === 0) return;
    if (Date.now() > deadline) throw new Error("the outbox did not empty");
    const chip = page.getByTestId("sync-chip").first();
    if ((await chip.getAttribute("data-phase").catch(() => "syncing")) !== "syncing")
      await chip.click().catch(() => {});
    await page.waitForTimeout(500);
  }
}

/**
 * Every row of one store of the phone's IndexedDB (the logged-in user's database), read in the page
 * and opened as someone holding the officer's PIN would: the vault record's PIN wrap (PBKDF2, then
 * AES-GCM) gives the data key, each row's sealed part (IV, then AES-GCM over a length-prefixed JSON)
 * its values. Written apart from the app's code (domain/vault.ts), so it also checks the format.
 */
export async function readStore<T = Record<string, unknown>>(
  page: Page,
  name: string,
  pin = E2E_PIN,
  /** For the meta store (keys out of line): the one entry to read. */
  metaKey?: string,
): Promise<T[]> {
  return page.evaluate(
    async ({ name, pin, metaKey }) => {
      const rows = await readRaw(name, metaKey);
      if (!rows.some((row) => row && typeof row === "object" && ("sealed" in row || "bundle" in row)))
        return rows as T[];
      const w = window as unknown as { __e2eVaultKeys?: Record<string, CryptoKey> };
      const dbName = `doorstep-${JSON.parse(localStorage.getItem("doorstep.user") ?? "{}").id}`;
      w.__e2eVaultKeys ??= {};
      let key = w.__e2eVaultKeys[dbName];
      if (!key) {
        const vault = (await readRaw("meta", "vault"))[0] as {
          pin: {
            salt: Uint8Array<ArrayBuffer>;
            iterations: number;
            iv: Uint8Array<ArrayBuffer>;
            wrapped: Uint8Array<ArrayBuffer>;
          } | null;
        };
        if (!vault?.pin) throw new Error("the phone has no PIN wrap to open its store with");
        const material = await crypto.subtle.importKey(
          "raw",
          new TextEncoder().encode(pin),
          "PBKDF2",
          false,
          ["deriveKey"],
        );
        const byPin = await crypto.subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: vault.pin.salt, iterations: vault.pin.iterations },
          material,
          { name: "AES-GCM", length: 256 },
          false,
          ["unwrapKey"],
        );
        key = await crypto.subtle.unwrapKey(
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
        w.__e2eVaultKeys[dbName] = key;
      }
      const keyPath: Record<string, string> = {
        drafts: "roomId",
        photos: "sha256",
        conflicts: "changeId",
        notices: "changeId",
      };
      // Register rows sealed together: the row names its bundle (bundles store), which holds
      // { store, rows: [[id, values], …] } sealed under the bundle's own key.
      const bundles = new Map<string, Map<string, Record<string, unknown>>>();
      const opened = [];
      for (const row of rows as Record<string, unknown>[]) {
        const sealed = row.sealed as Uint8Array<ArrayBuffer> | undefined;
        const bundle = row.bundle as string | undefined;
        if (bundle) {
          if (!bundles.has(bundle)) {
            const [record] = (await readRaw("bundles", bundle)) as { sealed: Uint8Array<ArrayBuffer> }[];
            const content = await open(record.sealed, "bundles", bundle);
            if (content.store !== name) throw new Error(`bundle ${bundle} is not of ${name}`);
            bundles.set(bundle, new Map(content.rows));
          }
          const { bundle: _bundle, ...clear } = row;
          opened.push({ ...bundles.get(bundle)?.get(String(row.id)), ...clear });
          continue;
        }
        if (!sealed) {
          opened.push(row);
          continue;
        }
        const primary = name === "meta" ? metaKey : row[keyPath[name] ?? "id"];
        const values = await open(sealed, name, primary);
        const { sealed: _sealed, ...clear } = row;
        opened.push(name === "meta" ? values : { ...values, ...clear });
      }
      return opened as T[];

      // One sealed value opened: IV, then AES-GCM over a 4-byte length and JSON, bound to store and key.
      // (Declared after the return, as readRaw: the bench's compiler names a function assigned to a
      // const with a helper the page lacks.)
      async function open(sealed: Uint8Array<ArrayBuffer>, store: string, primary: unknown) {
        const plain = new Uint8Array(
          await crypto.subtle.decrypt(
            {
              name: "AES-GCM",
              iv: sealed.slice(0, 12),
              additionalData: new TextEncoder().encode(
                `doorstep-vault/1|${store}|${JSON.stringify(primary)}`,
              ),
            },
            key as CryptoKey,
            sealed.slice(12),
          ),
        );
        const length = new DataView(plain.buffer).getUint32(0);
        return JSON.parse(new TextDecoder().decode(plain.slice(4, 4 + length)), (_k, v) =>
          v && typeof v === "object" && "$date" in v ? new Date(v.$date) : v,
        );
      }

      async function readRaw(store: string, key?: string): Promise<unknown[]> {
        const user = JSON.parse(localStorage.getItem("doorstep.user") ?? "{}");
        const db: IDBDatabase = await new Promise((resolve, reject) => {
          const request = indexedDB.open(`doorstep-${user.id}`);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        try {
          return await new Promise<unknown[]>((resolve, reject) => {
            const objects = db.transaction(store).objectStore(store);
            const request = key === undefined ? objects.getAll() : objects.get(key);
            request.onsuccess = () => resolve(key === undefined ? request.result : [request.result]);
            request.onerror = () => reject(request.error);
          });
        } finally {
          db.close();
        }
      }
    },
    { name, pin, metaKey },
  );
}

/** Every stored value of every store of the user's database, as stored (sealed or not), as text. */
export async function rawStoreText(page: Page, userId?: string): Promise<string> {
  return page.evaluate(async (userId) => {
    const id = userId ?? JSON.parse(localStorage.getItem("doorstep.user") ?? "{}").id;
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`doorstep-${id}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const parts: string[] = [];
    const decoder = new TextDecoder();
    const dump = (value: unknown): void => {
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) parts.push(decoder.decode(value));
      else if (value instanceof Blob) parts.push("[blob]");
      else if (value && typeof value === "object") for (const v of Object.values(value)) dump(v);
      else parts.push(String(value));
    };
    try {
      for (const name of Array.from(db.objectStoreNames)) {
        const [keys, values] = await new Promise<[IDBValidKey[], unknown[]]>((resolve, reject) => {
          const store = db.transaction(name).objectStore(name);
          const k = store.getAllKeys();
          const v = store.getAll();
          v.onsuccess = () => resolve([k.result, v.result]);
          v.onerror = () => reject(v.error);
        });
        dump(keys);
        dump(values);
      }
    } finally {
      db.close();
    }
    return parts.join("\n");
  }, userId);
}

/** A tRPC query over HTTP with superjson's envelope, as the app's client sends it. */
export async function trpcQuery<T>(api: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await api.get(
    `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return (await response.json()).result.data.json as T;
}

/** A tRPC mutation over HTTP with superjson's envelope. */
export async function trpcMutate<T>(api: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await api.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return (await response.json()).result.data.json as T;
}

type CampaignList = { campaigns: { id: string; status: string }[] };
const openCampaigns = (list: CampaignList) =>
  new Set(list.campaigns.filter((c) => c.status === "open").map((c) => c.id));

/**
 * `test` for the specs that open campaigns of their own: a test that fails before its last step closes
 * them still, so its campaign is not offered on the phones and counted on the screens of every spec
 * after it (one spec failing half-way once failed ten more). A test that passes closes its own.
 */
export const test = base.extend<{ campaignsLeftClosed: undefined }, { adminApi: APIRequestContext }>({
  // One administrator's session per worker: a login hashes a password, and the fixture below runs
  // before every test of these specs.
  adminApi: [
    async ({ playwright }, use, workerInfo) => {
      const api = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL });
      await trpcMutate(api, "auth.login", { username: "admin", password: "doorstep" });
      await use(api);
      await api.dispose();
    },
    { scope: "worker" },
  ],
  campaignsLeftClosed: [
    async ({ adminApi }, use, testInfo) => {
      const before = openCampaigns(await trpcQuery<CampaignList>(adminApi, "campaign.list", undefined));
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus) {
        const after = openCampaigns(await trpcQuery<CampaignList>(adminApi, "campaign.list", undefined));
        for (const id of after) if (!before.has(id)) await trpcMutate(adminApi, "campaign.close", { id });
      }
    },
    { auto: true },
  ],
});

/**
 * On a phone's work list: chooses the campaign, downloads the grid, and waits for the service worker to
 * control the page, so the phone may go offline from here.
 */
export async function downloadCampaign(page: Page, campaign: string) {
  await page.getByRole("radio", { name: campaign }).check();
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
}

/** A questionnaire as an administrator's Excel file. */
export async function xlsx(workbook: Workbook): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(workbook)) {
    const sheet = book.addWorksheet(name);
    for (const { row, cells } of rows) sheet.getRow(row).values = [...cells];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Uploads a questionnaire on the campaign screen open in `page`. */
export async function uploadQuestionnaire(page: Page, name: string, workbook: Workbook) {
  const panel = page.getByTestId("questionnaire-panel");
  await panel.getByTestId("questionnaire-file").setInputFiles({
    name,
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await xlsx(workbook),
  });
  await panel.getByRole("button", { name: "上传问卷" }).click();
}

/**
 * Publishes the draft an upload left on the campaign's screen, after its preview (the phone's renderer
 * in a phone-sized frame) has drawn.
 */
export async function publishQuestionnaire(page: Page) {
  const draft = page.getByTestId("questionnaire-draft");
  await expect(draft.getByTestId("questionnaire-preview").getByTestId("questionnaire")).toBeVisible();
  await draft.getByRole("button", { name: "发布", exact: true }).click();
  await expect(draft).toHaveCount(0);
}

export type AreaOption = { id: string; name: string; level: string };
export type DemoGrid = {
  id: string;
  communityName: string;
  officer: { id: string; username: string } | null;
};

/**
 * As the administrator logged in on `admin`: the demo campaign (found by its name, never as "the first
 * open campaign": a spec that fails before closing its own campaign would hand that one to every spec
 * after it), its grids and the areas a new campaign may cover.
 */
export async function demoGrids(
  admin: Page,
): Promise<{ campaignId: string; grids: DemoGrid[]; areaOptions: AreaOption[] }> {
  const list = await trpcQuery<{
    campaigns: { id: string; name: string; status: string }[];
    areaOptions: AreaOption[];
  }>(admin.request, "campaign.list", undefined);
  const campaign = list.campaigns.find((c) => c.name === DEMO_CAMPAIGN.name && c.status === "open");
  if (!campaign) throw new Error(`the demo campaign ${DEMO_CAMPAIGN.name} is not open`);
  const demo = await trpcQuery<{ gridList: DemoGrid[] }>(admin.request, "campaign.get", { id: campaign.id });
  return { campaignId: campaign.id, grids: demo.gridList, areaOptions: list.areaOptions };
}

/** The demo campaign's grid `officer` holds, and its community. */
export async function demoGridOf(
  admin: Page,
  officer: string,
): Promise<{ grid: DemoGrid & { officer: { id: string; username: string } }; community: AreaOption }> {
  const { grids, areaOptions } = await demoGrids(admin);
  const grid = grids.find((g) => g.officer?.username === officer);
  if (!grid?.officer) throw new Error(`${officer} holds no grid`);
  return { grid: { ...grid, officer: grid.officer }, community: communityOf(areaOptions, grid) };
}

export function communityOf(areaOptions: AreaOption[], grid: DemoGrid): AreaOption {
  const community = areaOptions.find((a) => a.level === "community" && a.name === grid.communityName);
  if (!community) throw new Error("the grid's community is not offered");
  return community;
}

/**
 * As the administrator logged in on `admin`: the demo campaign's grid at `at` (as Array.at counts), its
 * community, and a new officer account in that grid for the spec alone: the demo officers' grids are
 * other specs'.
 */
export async function gridWithNewOfficer(
  admin: Page,
  at: number,
  account: { prefix: string; displayName: string },
): Promise<{
  grid: DemoGrid;
  community: AreaOption;
  officer: { id: string; username: string; temporaryPassword: string };
}> {
  const { grids, areaOptions } = await demoGrids(admin);
  const grid = grids.at(at);
  if (!grid) throw new Error("no grid");
  const community = communityOf(areaOptions, grid);
  const officer = await trpcMutate<{ id: string; username: string; temporaryPassword: string }>(
    admin.request,
    "user.create",
    {
      username: `${account.prefix}${Date.now() % 1_000_000}`,
      displayName: account.displayName,
      role: "officer",
      areaId: grid.id,
    },
  );
  return { grid, community, officer };
}

/**
 * As the administrator logged in on `admin`: a campaign of its own (`name`) over `officer`'s community,
 * with the officer's grid given to them, opened on its screen. The spec closes it at its end
 * (`campaign.close`), so the specs after it count the demo campaign alone.
 */
export async function campaignForOfficer(
  admin: Page,
  officer: string,
  name: string,
): Promise<{ id: string }> {
  const { grid, community } = await demoGridOf(admin, officer);
  const created = await trpcMutate<{ id: string }>(admin.request, "campaign.create", {
    name,
    startsOn: chinaDay(new Date()),
    areaIds: [community.id],
  });
  await trpcMutate(admin.request, "campaign.assign", {
    campaignId: created.id,
    gridId: grid.id,
    officerId: grid.officer.id,
  });
  await admin.goto("/supervise/campaigns");
  await admin
    .getByTestId("campaign-card")
    .filter({ hasText: name })
    .getByRole("button", { name: "分配网格" })
    .click();
  return created;
}
