import { expect, test } from "@playwright/test";
import { login, SCREENS, unlock } from "./support";

test("an officer downloads the grid, goes offline, reloads and still has the grid", async ({
  page,
  context,
}) => {
  await login(page, "officer1");
  await expect(page).toHaveURL(/\/field$/);
  await expect(page.getByTestId("campaign")).toHaveText("核查任务：2026年第四季度入户核查");
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/);
  // The list is drawn in slices (work-list.tsx): all of it before the rooms are counted.
  await expect(page.getByTestId("work-buildings")).toHaveAttribute("data-complete", "true");
  const rooms = await page.getByTestId("work-room").count();
  expect(rooms).toBeGreaterThan(10);
  await page.screenshot({ path: `${SCREENS}/field-list.png` });

  // The service worker must have precached the shell and be in control before the signal goes.
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });

  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/);
  await expect(page.getByTestId("work-room")).toHaveCount(rooms);

  // Offline search by the last digits of an ID number and by a room number.
  const search = page.getByPlaceholder("搜索地址、姓名或身份证号后几位");
  await search.fill("101");
  await expect(page.getByTestId("search-hits").getByRole("listitem").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/field-search-offline.png` });
  await search.fill("zzzz-none");
  await expect(page.getByText("没有找到")).toBeVisible();
  await context.setOffline(false);
});
