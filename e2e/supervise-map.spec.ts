import { randomUUID } from "node:crypto";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { login, SCREENS, trpcMutate, trpcQuery } from "./support";

// An officer no other spec works as, so the state of their buildings is this spec's own.
const OFFICER = "officer11";

const LEGEND = ["有冲突", "被退回", "待复访", "未核查", "部分核查", "已核查", "已审核"];

/**
 * One verified room in a building of the officer's grid with at least two rooms, pushed the way the
 * phone sends it (sync.push): the building is then partly done.
 */
async function visitOneRoom(api: APIRequestContext) {
  await trpcMutate(api, "auth.login", { username: OFFICER, password: "doorstep" });
  const grid = await trpcQuery<{ area: { id: string }; buildings: { id: string; rooms: number }[] }>(
    api,
    "area.get",
    {},
  );
  const target = grid.buildings.find((b) => b.rooms >= 2);
  expect(target, "a building with two rooms or more").toBeTruthy();
  const building = await trpcQuery<{ building: { id: string; address: string }; rooms: { id: string }[] }>(
    api,
    "building.get",
    { id: target?.id },
  );
  const id = randomUUID();
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const { results } = await trpcMutate<{ results: { status: string }[] }>(api, "sync.push", {
    deviceId: randomUUID(),
    mutations: [
      {
        id,
        kind: "visit",
        payload: {
          visit: {
            id,
            campaignId: null,
            gridId: grid.area.id,
            roomId: building.rooms[0].id,
            subjectType: "room",
            subjectId: null,
            outcome: "verified",
            attempt: 1,
            revisitDue: null,
            visitedAt: `${today}T09:30:00+08:00`,
            lat: null,
            lng: null,
            accuracyM: null,
            note: null,
            photoSha256: null,
          },
          changes: [],
        },
      },
    ],
  });
  expect(results.map((r) => r.status)).toEqual(["applied"]);
  return {
    buildingId: building.building.id,
    address: building.building.address,
    roomId: building.rooms[0].id,
  };
}

/** The building's row, found through the address search (so it is listed wherever the map looks). */
async function findRow(page: Page, address: string, buildingId: string) {
  await page.getByTestId("building-search").fill(address);
  const row = page.locator(`[data-testid="building-row"][data-building-id="${buildingId}"]`);
  await expect(row).toBeVisible();
  return row;
}

test("the supervisor's completion map: legend, list, a building's rooms, filters, phone and tablet", async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  const visited = await visitOneRoom(api);
  await api.dispose();

  await login(page, "supervisor");
  await expect(page).toHaveURL(/\/supervise$/);
  await expect(page.getByRole("link", { name: "完成情况地图", exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.getByRole("heading", { level: 1, name: "入户核查完成情况" })).toBeVisible();

  // The legend: every state in words, with its count of buildings.
  const legend = page.getByTestId("map-legend");
  await expect(legend).toBeVisible();
  for (const label of LEGEND) await expect(legend.getByText(label, { exact: true })).toBeVisible();

  // Leaflet on canvas, and no tile server: boundaries and buildings are our own drawing.
  const map = page.getByTestId("completion-map");
  await expect(map).toBeVisible();
  await expect(map.locator("canvas").first()).toBeAttached();
  expect(await map.locator("canvas").count()).toBeGreaterThanOrEqual(2);
  expect(await map.locator("img.leaflet-tile").count()).toBe(0);
  await expect(page.getByText("正在加载地图…")).toBeHidden();

  // The list beside the map names buildings with their state in words.
  const rows = page.getByTestId("building-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(5);
  await expect(page.getByTestId("map-progress")).toContainText(/已核查 \d+ \/ \d+ 间/);

  // The building the officer visited is partly done.
  const row = await findRow(page, visited.address, visited.buildingId);
  await expect(row).toHaveAttribute("data-status", "partial");
  await expect(row).toContainText("部分核查");

  // Nothing spills sideways on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${SCREENS}/map.png` });

  // Its rooms: the visited one done, with the outcome and officer; the others not visited.
  await row.getByRole("button").click();
  const panel = page.getByTestId("building-panel");
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute("data-building-id", visited.buildingId);
  await expect(panel).toContainText(visited.address);
  const room = panel.locator(`[data-testid="room-row"][data-room-id="${visited.roomId}"]`);
  await expect(room).toHaveAttribute("data-status", "done");
  await expect(room).toContainText("已核查");
  await expect(room).toContainText("已核实无变化");
  await expect(room).toContainText("待审核");
  await expect(panel.locator('[data-testid="room-row"][data-status="todo"]').first()).toContainText(
    "尚未走访",
  );
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/map-building.png` });

  // Choosing from the list brought the building to the map's centre: a tap there opens it again.
  await panel.getByRole("button", { name: "关闭" }).click();
  await expect(panel).toBeHidden();
  await map.scrollIntoViewIfNeeded();
  await page.waitForTimeout(600); // the pan to the building is animated
  const box = await map.boundingBox();
  expect(box).not.toBeNull();
  if (box) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute("data-building-id", visited.buildingId);
  await page.screenshot({ path: `${SCREENS}/map-tap.png` });

  // Filters narrow what counts: only no-answer visits, and the verified room no longer counts.
  // (On a phone all but the campaign are folded away until asked for.)
  await page.getByRole("button", { name: "更多筛选" }).click();
  await page.getByLabel("走访结果").selectOption("no_answer");
  await expect(page.getByText("已按筛选条件统计：只计入符合条件的走访。")).toBeVisible();
  await expect(row).toHaveAttribute("data-status", "todo");
  await page.getByRole("button", { name: "清除筛选" }).click();
  await expect(row).toHaveAttribute("data-status", "partial");

  // In English.
  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Door-to-door completion" })).toBeVisible();
  await expect(legend.getByText("Partly done", { exact: true })).toBeVisible();
  await expect(row).toContainText("Partly done");
  await page.getByRole("button", { name: "Switch language" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "入户核查完成情况" })).toBeVisible();

  // A tablet or desktop: the map with the list and the building beside it.
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId("building-search").fill("");
  await (await findRow(page, visited.address, visited.buildingId)).getByRole("button").click();
  await expect(panel).toBeVisible();
  await expect(map).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/map-1024.png` });
});
