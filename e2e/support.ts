import { type APIRequestContext, expect, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { chinaDay } from "@/domain/progress";
import type { Workbook } from "@/domain/questionnaire/definition";

export const SCREENS = "test-results/screens";

export async function login(page: Page, username: string, password = "doorstep") {
  await page.goto("/login");
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole("button", { name: /^(登录|Log in)$/ }).click();
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

/** Every row of one store of the phone's IndexedDB (the logged-in user's database), read in the page. */
export async function readStore<T = Record<string, unknown>>(page: Page, name: string): Promise<T[]> {
  return page.evaluate(async (name) => {
    const user = JSON.parse(localStorage.getItem("doorstep.user") ?? "{}");
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`doorstep-${user.id}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      return await new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, name);
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
  type List = {
    campaigns: { id: string; status: string }[];
    areaOptions: { id: string; name: string; level: string }[];
  };
  type Detail = {
    gridList: { id: string; communityName: string; officer: { id: string; username: string } | null }[];
  };
  const list = await trpcQuery<List>(admin.request, "campaign.list", undefined);
  // The demo campaign: the one open before the spec opens its own.
  const demo = await trpcQuery<Detail>(admin.request, "campaign.get", {
    id: (list.campaigns.find((c) => c.status === "open") ?? list.campaigns[0]).id,
  });
  const grid = demo.gridList.find((g) => g.officer?.username === officer);
  if (!grid?.officer) throw new Error(`${officer} holds no grid`);
  const community = list.areaOptions.find((a) => a.level === "community" && a.name === grid.communityName);
  if (!community) throw new Error("the grid's community is not offered");
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
