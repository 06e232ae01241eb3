import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type APIRequestContext, expect, type Locator, test } from "@playwright/test";
import { login, SCREENS, trpcMutate, trpcQuery } from "./support";

// An officer no other spec works as, so the numbers of their grid are this spec's own.
const OFFICER = "officer7";

/** A calendar day in China (UTC+08:00), `offset` days from today. */
function chinaDay(offset = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Two visits by the officer, recorded the way the phone sends them (sync.push): one verified room
 * yesterday and one no-answer today with its revisit due today.
 */
async function recordVisits(api: APIRequestContext) {
  await trpcMutate(api, "auth.login", { username: OFFICER, password: "doorstep" });
  const grid = await trpcQuery<{ area: { id: string }; buildings: { id: string }[] }>(api, "area.get", {});
  const building = await trpcQuery<{ rooms: { id: string }[] }>(api, "building.get", {
    id: grid.buildings[0].id,
  });
  const [first, second] = building.rooms;
  const visit = (roomId: string, outcome: string, visitedAt: string, revisitDue: string | null) => {
    const id = randomUUID();
    return {
      id,
      kind: "visit",
      payload: {
        visit: {
          id,
          campaignId: null,
          gridId: grid.area.id,
          roomId,
          subjectType: "room",
          subjectId: null,
          outcome,
          attempt: 1,
          revisitDue,
          visitedAt,
          lat: null,
          lng: null,
          accuracyM: null,
          note: null,
          photoSha256: null,
        },
        changes: [],
      },
    };
  };
  const today = chinaDay();
  const { results } = await trpcMutate<{ results: { status: string }[] }>(api, "sync.push", {
    deviceId: randomUUID(),
    mutations: [
      visit(first.id, "verified", `${chinaDay(-1)}T10:00:00+08:00`, null),
      visit(second.id, "no_answer", `${today}T00:05:00+08:00`, today),
    ],
  });
  expect(results.map((r) => r.status)).toEqual(["applied", "applied"]);
}

/** The completion percents of a table's body rows, top to bottom ("—" as -1). */
async function completions(table: Locator): Promise<number[]> {
  const texts = await table.locator("tbody tr td:last-child").allTextContents();
  return texts.map((text) => {
    const match = text.match(/([\d.]+)%/);
    return match ? Number(match[1]) : -1;
  });
}

const number = async (locator: Locator) =>
  Number(((await locator.textContent()) ?? "").replace(/[^\d]/g, ""));

test("a supervisor follows progress by grid, officer and day, sorts, switches language and exports", async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  await recordVisits(api);
  await api.dispose();

  await login(page, "supervisor");
  await expect(page).toHaveURL(/\/supervise$/);
  await page.getByRole("link", { name: "进度", exact: true }).click();
  await expect(page).toHaveURL(/\/supervise\/progress$/);
  await expect(page.getByRole("heading", { level: 1, name: "核查进度" })).toBeVisible();

  // Totals as big numbers: the street's rooms, and at least this spec's two visits.
  const totals = page.getByTestId("progress-totals");
  await expect(totals).toBeVisible();
  expect(await number(page.getByTestId("total-assigned"))).toBeGreaterThan(100);
  expect(await number(page.getByTestId("total-visited"))).toBeGreaterThanOrEqual(2);
  expect(await number(page.getByTestId("total-revisitsDue"))).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("total-completion")).toHaveText(/^\d+\.\d%$/);

  // The daily chart, with its accessible name and a table of the same numbers.
  await expect(page.getByRole("img", { name: /^每日进度/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "每日进度数据" })).toBeAttached();

  // The three tables; the officer's row carries their own numbers.
  const grids = page.getByRole("table", { name: "按网格" });
  const officers = page.getByRole("table", { name: "按信息员" });
  const days = page.getByRole("table", { name: "按日期" });
  await expect(grids).toBeVisible();
  await expect(officers).toBeVisible();
  await expect(days).toBeVisible();
  expect(await grids.locator("tbody tr").count()).toBeGreaterThan(10);
  const officerRow = officers.locator("tbody tr").filter({ hasText: OFFICER });
  await expect(officerRow).toHaveCount(1);
  // officer, grids, assigned, visited, checked, approved, returned, revisits due, to escalate, completion
  await expect(officerRow.getByRole("cell").nth(3)).toHaveText("2");
  await expect(officerRow.getByRole("cell").nth(7)).toHaveText("1");
  await expect(days.locator("tbody tr").filter({ hasText: chinaDay() })).toHaveCount(1);

  // Nothing spills sideways on a phone: wide tables scroll inside their card.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${SCREENS}/progress.png` });

  // Sort by completion: largest first, then the other way round.
  const completionHeader = grids.getByRole("columnheader", { name: "完成率", exact: true });
  await grids.getByRole("button", { name: "完成率", exact: true }).click();
  await expect(completionHeader).toHaveAttribute("aria-sort", "descending");
  const descending = await completions(grids);
  expect(descending).toEqual([...descending].sort((a, b) => b - a));
  expect(descending[0]).toBeGreaterThan(0);
  await grids.getByRole("button", { name: "完成率", exact: true }).click();
  await expect(completionHeader).toHaveAttribute("aria-sort", "ascending");
  const ascending = await completions(grids);
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  await grids.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/progress-sorted.png` });

  // English and back.
  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Verification progress" })).toBeVisible();
  await expect(page.getByRole("table", { name: "By grid" })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "By grid" }).getByRole("button", { name: "Completion", exact: true }),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: "Export CSV", exact: true })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/progress-en.png` });
  await page.getByRole("button", { name: "Switch language" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "核查进度" })).toBeVisible();

  // The CSV: UTF-8 with a byte-order mark, Chinese headers, a Chinese file name.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导出 CSV", exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^入户核查进度_.+_\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = await readFile((await download.path()) as string);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString("utf8").split("\r\n");
  expect(lines[0]).toBe("按网格");
  expect(lines[1]).toBe(
    "社区,网格,网格编码,信息员,应核查,已走访,已核查,已审核,被退回,待复访,待上报,完成率（%）",
  );

  // The same screen on a tablet.
  await page.setViewportSize({ width: 1024, height: 1200 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByRole("heading", { level: 1, name: "核查进度" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/progress-1024.png`, fullPage: true });
});
