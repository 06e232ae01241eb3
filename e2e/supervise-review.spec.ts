// The review loop end to end: an officer's visit syncs, the supervisor sees the building change on
// the map and returns the visit with a comment, the officer's phone shows it returned after the next
// pull, the officer records it again, and the supervisor approves.

import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { answerDialogs, login, readStore, SCREENS, syncUntilEmpty } from "./support";

type Row = Record<string, string | null> & { id: string };

/** A room with one plain household, from the phone's own store, with its building. */
async function pickRoom(page: Page) {
  const [households, rooms, rentals, units] = await Promise.all(
    ["households", "rooms", "rentals", "units"].map((name) => readStore<Row>(page, name)),
  );
  const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
  const household = households.find(
    (h) => !busy.has(h.roomId) && households.filter((o) => o.roomId === h.roomId).length === 1,
  );
  if (!household) throw new Error("no plain household");
  const room = rooms.find((r) => r.id === household.roomId) as Row;
  return { roomId: room.id, buildingId: room.buildingId as string };
}

async function latestVisitId(page: Page, roomId: string): Promise<string> {
  const visits = await readStore<{ id: string; roomId: string; visitedAt: string }>(page, "visits");
  return visits.filter((v) => v.roomId === roomId).sort((a, b) => b.visitedAt.localeCompare(a.visitedAt))[0]
    .id;
}

async function confirmRoom(page: Page, roomId: string) {
  await page.goto(`/field/room?id=${roomId}`);
  await expect(page.getByTestId("room-title")).toBeVisible();
  await page.getByRole("button", { name: "全户核实无误" }).click();
  await page.getByRole("button", { name: /^已核实无变化/ }).click();
  await expect(page.getByTestId("chosen-outcome")).toHaveText("已核实无变化");
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await syncUntilEmpty(page);
}

test("a visit is returned with a comment, reaches the phone, is recorded again and approved", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const officerContext: BrowserContext = await browser.newContext();
  const officer = await officerContext.newPage();
  answerDialogs(officer);
  await login(officer, "officer6");
  await expect(officer).toHaveURL(/\/field$/);
  await officer.getByRole("button", { name: "下载网格数据" }).click();
  await expect(officer.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  const { roomId, buildingId } = await pickRoom(officer);

  const supervisorContext = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  const building = supervisor.locator(`[data-testid="building-row"][data-building-id="${buildingId}"]`);
  await expect(building).toHaveAttribute("data-status", "todo", { timeout: 20_000 });

  // The officer confirms the household and syncs.
  await confirmRoom(officer, roomId);
  const firstVisit = await latestVisitId(officer, roomId);

  // The building changes colour on the supervisor's map.
  await supervisor.reload();
  await expect(building).not.toHaveAttribute("data-status", "todo", { timeout: 20_000 });
  await supervisor.screenshot({ path: `${SCREENS}/review-map-after-visit.png` });

  // Review: return it with a comment.
  await supervisor.getByRole("link", { name: "审核" }).click();
  const item = supervisor.locator(`[data-testid="queue-item"][data-visit-id="${firstVisit}"]`);
  await item.click();
  const review = supervisor.getByTestId("visit-review");
  await expect(review).toContainText("已核实无变化");
  await review.getByRole("button", { name: "退回信息员" }).click();
  await expect(review.getByRole("alert")).toContainText("退回时请写明原因");
  await review.getByLabel("审核意见").fill("请补拍门牌照片");
  await supervisor.screenshot({ path: `${SCREENS}/review-return.png`, fullPage: true });
  await review.getByRole("button", { name: "退回信息员" }).click();
  await expect(item).toHaveCount(0);

  // The officer's next sync pulls the decision: the room is returned, with the comment.
  await officer.getByTestId("sync-now").click();
  await expect(officer.getByRole("button", { name: /^被退回 1/ })).toBeVisible({ timeout: 20_000 });
  await officer.getByRole("button", { name: /^被退回 1/ }).click();
  await expect(officer.locator(`a[href="/field/room?id=${roomId}"]`)).toContainText("被退回");
  await officer.screenshot({ path: `${SCREENS}/field-returned.png` });
  await officer.goto(`/field/room?id=${roomId}`);
  await expect(officer.getByTestId("returned-note")).toContainText("请补拍门牌照片");
  await officer.screenshot({ path: `${SCREENS}/room-returned.png` });

  // Recorded again, it goes back to review; the supervisor approves it.
  await confirmRoom(officer, roomId);
  const secondVisit = await latestVisitId(officer, roomId);
  expect(secondVisit).not.toBe(firstVisit);
  await supervisor.reload();
  const again = supervisor.locator(`[data-testid="queue-item"][data-visit-id="${secondVisit}"]`);
  await again.click();
  await expect(supervisor.getByTestId("review-history")).toContainText("请补拍门牌照片");
  await supervisor.getByTestId("visit-review").getByRole("button", { name: "通过" }).click();
  await expect(again).toHaveCount(0);
  await supervisor.getByRole("tab", { name: "已通过" }).click();
  await expect(
    supervisor.locator(`[data-testid="queue-item"][data-visit-id="${secondVisit}"]`),
  ).toBeVisible();

  // And the phone learns it was approved.
  await officer.goto("/field");
  await officer.getByTestId("sync-now").click();
  await expect(officer.locator(`a[href="/field/room?id=${roomId}"]`)).toContainText("已审核", {
    timeout: 20_000,
  });

  // The other supervisor screens, looked at.
  await supervisor.getByRole("link", { name: "设备" }).click();
  await expect(supervisor.getByTestId("device-row").first()).toBeVisible();
  await supervisor.screenshot({ path: `${SCREENS}/devices.png` });
  await supervisor.getByRole("link", { name: "冲突" }).click();
  await expect(supervisor.getByRole("heading", { name: /冲突/ })).toBeVisible();
  await supervisor.screenshot({ path: `${SCREENS}/conflicts.png` });
  await supervisor.setViewportSize({ width: 390, height: 844 });
  await supervisor.getByRole("link", { name: "审核" }).click();
  await supervisor.screenshot({ path: `${SCREENS}/review-390.png` });

  await Promise.all([officerContext.close(), supervisorContext.close()]);
});
