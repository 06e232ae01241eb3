// A household's 户别/低保/五保 and a room's use, corrected at the door offline, reach the supervisor
// in words and, approved, the register.

import { expect, test } from "@playwright/test";
import { login, officerPhone, readStore, SCREENS, syncUntilEmpty, unlock } from "./support";

// No other spec works in officer4's grid.
const OFFICER = "officer4";

type Row = Record<string, string | boolean | null> & { id: string };

/** One CSV line's cells (quoted cells may hold commas and doubled quotes). */
function cells(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
    .filter((m, i, all) => i < all.length - 1 || m[0] !== "")
    .map((m) => (m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1]));
}

test("household facts and a room's use corrected offline are reviewed and approved into the register", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { phone, page } = await officerPhone(browser, OFFICER);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );

  const [households, rooms, rentals, units, visits] = await Promise.all(
    ["households", "rooms", "rentals", "units", "visits"].map((name) => readStore<Row>(page, name)),
  );
  // A room no one has called on: its review item is this spec's visit alone.
  const busy = new Set([...rentals, ...units, ...visits].map((r) => r.roomId));
  const household = households.find(
    (h) =>
      !busy.has(h.roomId) &&
      h.lowIncome === false &&
      households.filter((o) => o.roomId === h.roomId).length === 1 &&
      rooms.find((r) => r.id === h.roomId)?.use === "1",
  );
  if (!household) throw new Error("no plain residential household");
  const roomId = String(household.roomId);

  // Offline at the door.
  await phone.setOffline(true);
  await page.goto(`/field/room?id=${roomId}`).catch(() => page.reload());
  await unlock(page);
  await expect(page.getByTestId("room-title")).toBeVisible();
  const facts = page.getByTestId("household-facts");
  await expect(facts).toContainText("低保户 否");
  await facts.locator("summary").click();
  await facts.getByRole("group", { name: "低保户" }).getByLabel("是").check();
  await expect(facts).toContainText("登记为：否");
  const roomFacts = page.getByTestId("room-facts");
  await roomFacts.locator("summary").click();
  await roomFacts.getByLabel("房屋用途").selectOption({ label: "商业" });
  await expect(roomFacts).toContainText("已改");
  await page.screenshot({ path: `${SCREENS}/room-facts.png` });
  await facts.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/household-facts.png` });
  await page.getByRole("button", { name: "全户核实无误" }).click();
  await page.getByRole("button", { name: /^信息变更/ }).click();
  await expect(page.getByRole("button", { name: /^保存（2 处更正）|^保存/ })).toBeVisible();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await phone.setOffline(false);
  await syncUntilEmpty(page);
  const [visit] = (await readStore<{ id: string; roomId: string; visitedAt: string }>(page, "visits"))
    .filter((v) => v.roomId === roomId)
    .sort((a, b) => b.visitedAt.localeCompare(a.visitedAt));

  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const supervisor = await desk.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.goto("/supervise/review");
  await supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visit.id}"]`).click();
  const changes = supervisor.getByTestId("visit-review").getByTestId("review-changes");
  await expect(changes).toContainText("低保户");
  await expect(changes).toContainText("房屋用途");
  await expect(changes).toContainText("商业");
  await supervisor.screenshot({ path: `${SCREENS}/review-facts.png` });
  // The register's rooms as the administrator downloads them: the room's use changes only on approval.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  const commercialRooms = async () => {
    const response = await admin.request.get("/api/export/register?format=csv&kind=rooms");
    expect(response.status()).toBe(200);
    const [header, ...lines] = (await response.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/)
      .map(cells);
    const use = header.indexOf("房屋用途");
    expect(use).toBeGreaterThanOrEqual(0);
    return lines.filter((line) => line[use] === "商业" || line[use] === "2").length;
  };
  const before = await commercialRooms();
  await supervisor.getByTestId("visit-review").getByRole("button", { name: "通过" }).click();
  await expect(supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visit.id}"]`)).toHaveCount(0);
  expect(await commercialRooms()).toBe(before + 1);
  await adminContext.close();

  await Promise.all([phone.close(), desk.close()]);
});
