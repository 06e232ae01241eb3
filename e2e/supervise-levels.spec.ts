import { expect, test } from "@playwright/test";
import { login, SCREENS } from "./support";

// An administrator's map is the whole city: it lists the city's districts, not its buildings, and
// drills down district → street, where the buildings appear, then back up by the breadcrumbs.

test("an administrator drills from the city to a building on the completion map, and back", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await login(page, "admin");
  await expect(page).toHaveURL(/\/supervise/);
  await page.goto("/supervise");
  await expect(page.getByRole("heading", { level: 1, name: "入户核查完成情况" })).toBeVisible();

  // The city: one item per district, named, with its rooms' counts; no building is listed.
  const areaRows = page.getByTestId("area-row");
  await expect(areaRows.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("building-row")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "下级区域" })).toBeVisible();
  await expect(page.getByTestId("map-legend")).toContainText("图例（区域数）");
  const district = areaRows.filter({ hasText: "越秀区" });
  await expect(district).toHaveCount(1);
  await expect(district).toContainText(/\d+ \/ \d+/);
  await expect(page.getByTestId("area-trail")).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/map-city-1280.png` });

  // The district: its street, and the way back up.
  await district.getByRole("button").click();
  const trail = page.getByTestId("area-trail");
  await expect(trail).toBeVisible();
  await expect(trail.locator('[aria-current="page"]')).toHaveText("越秀区");
  const street = areaRows.filter({ hasText: "光塔街" });
  await expect(street).toHaveCount(1);
  await page.screenshot({ path: `${SCREENS}/map-district-1280.png` });

  // The street: its buildings, each opening its rooms.
  await street.getByRole("button").click();
  await expect(trail.locator('[aria-current="page"]')).toHaveText("光塔街");
  const buildingRows = page.getByTestId("building-row");
  await expect(buildingRows.first()).toBeVisible({ timeout: 30_000 });
  await expect(areaRows).toHaveCount(0);
  await buildingRows.first().getByRole("button").click();
  await expect(page.getByTestId("building-panel")).toBeVisible();
  await expect(page.getByTestId("room-row").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/map-street-building-1280.png` });

  // Back to the city in one step.
  await trail.getByRole("button", { name: "返回 广州市" }).click();
  await expect(page.getByTestId("building-panel")).toBeHidden();
  await expect(areaRows.filter({ hasText: "越秀区" })).toHaveCount(1);
  await expect(page.getByTestId("area-trail")).toHaveCount(0);

  // The same in English.
  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByRole("heading", { name: "Areas within" })).toBeVisible();
});

test("an administrator drills from the city to a grid in progress, and back", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await login(page, "admin");
  await expect(page).toHaveURL(/\/supervise/);
  await page.goto("/supervise/progress");
  const areas = page.getByTestId("progress-areas");
  await expect(areas).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("area-trail")).toHaveCount(0);

  await areas.getByRole("button", { name: "越秀区" }).click();
  const trail = page.getByTestId("area-trail");
  await expect(trail.locator('[aria-current="page"]')).toHaveText("越秀区");
  await areas.getByRole("button", { name: "光塔街" }).click();
  await expect(trail.locator('[aria-current="page"]')).toHaveText("光塔街");
  // The street's communities, each a row that goes down to its grids.
  const community = areas.locator("tbody").getByRole("button").first();
  const name = (await community.textContent()) ?? "";
  expect(name).toMatch(/社区$/);
  await page.screenshot({ path: `${SCREENS}/progress-street-1280.png`, fullPage: true });
  await community.click();
  await expect(trail.locator('[aria-current="page"]')).toHaveText(name);
  await expect(page.getByTestId("progress-grids")).toBeVisible();

  await trail.getByRole("button", { name: "返回 广州市" }).click();
  await expect(page.getByTestId("area-trail")).toHaveCount(0);
  await expect(areas.getByRole("button", { name: "越秀区" })).toBeVisible();
});
