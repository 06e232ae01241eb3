import { expect, type Page, test } from "@playwright/test";
import { login, SCREENS, unlock } from "./support";

async function openMap(page: Page) {
  await page.getByRole("button", { name: "地图", exact: true }).click();
  await expect(page.getByRole("button", { name: "地图", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  const map = page.getByTestId("grid-map");
  await expect(map).toBeVisible();
  await expect(page.getByTestId("map-legend")).toBeVisible();
  for (const label of ["未核查", "已核查", "待复访", "被退回", "有冲突", "已审核"]) {
    await expect(page.getByTestId("map-legend").getByText(label, { exact: true })).toBeVisible();
  }
  // Canvas renderer, no tiles: the boundary and the buildings are drawn on a canvas in the map.
  await expect(map.locator("canvas").first()).toBeVisible();
  expect(await map.locator("canvas").count()).toBeGreaterThanOrEqual(1);
  expect(await map.locator("img.leaflet-tile").count()).toBe(0);
}

test("the officer's grid map: boundary and buildings by status, a legend, and it works offline", async ({
  page,
  context,
}) => {
  await login(page, "officer1");
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/);

  await openMap(page);
  await expect(page.getByTestId("work-building").first()).toBeHidden();

  // Tapping a building opens its popup; "查看房间" goes back to the list at that building.
  const dot = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="grid-map"] canvas');
    if (!canvas) return null;
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    const { width, height } = canvas;
    const data = ctx.getImageData(0, 0, width, height).data;
    const rect = canvas.getBoundingClientRect();
    // The canvas overhangs the map a little; only a dot the officer can see, clear of the zoom buttons.
    const visible = canvas.closest('[data-testid="grid-map"]')!.getBoundingClientRect();
    // A pixel in the "not visited" grey (#6b7280) is inside a building's dot.
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        const i = (y * width + x) * 4;
        if (data[i] !== 0x6b || data[i + 1] !== 0x72 || data[i + 2] !== 0x80) continue;
        const point = { x: rect.left + (x / width) * rect.width, y: rect.top + (y / height) * rect.height };
        const inside =
          point.x > visible.left + 20 &&
          point.x < visible.right - 70 &&
          point.y > visible.top + 20 &&
          point.y < visible.bottom - 20;
        if (inside) return point;
      }
    }
    return null;
  });
  expect(dot).not.toBeNull();
  if (dot) {
    await page.mouse.click(dot.x + 3, dot.y + 3);
    const popup = page.getByTestId("map-popup");
    await expect(popup).toBeVisible();
    await expect(popup).toContainText(/已核查 0 \/ \d+ 间/);
    await expect(popup).toContainText("未核查");
    await expect(page.locator(".leaflet-popup")).toHaveCSS("opacity", "1");
    await page.screenshot({ path: `${SCREENS}/field-map-popup.png` });
    const address = await popup.locator("p").first().textContent();
    await popup.getByRole("button", { name: "查看房间" }).click();
    await expect(page.getByRole("button", { name: "列表", exact: true })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    const building = page
      .getByTestId("work-building")
      .filter({ hasText: address ?? "" })
      .first();
    await expect(building).toBeInViewport();
  }

  // The service worker must have precached the build (Leaflet's chunk with it) before the signal goes.
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });

  // Visits as the phone's store holds them after a pull, so each building shows a different state.
  const colored = await page.evaluate(async () => {
    const user = JSON.parse(localStorage.getItem("doorstep.user") ?? "{}");
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`doorstep-${user.id}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    type Row = Record<string, string> & { id: string };
    const rooms: Row[] = await new Promise((resolve, reject) => {
      const request = db.transaction("rooms").objectStore("rooms").getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const byBuilding = new Map<string, Row[]>();
    for (const room of rooms)
      byBuilding.set(room.buildingId, [...(byBuilding.get(room.buildingId) ?? []), room]);
    const buildings = [...byBuilding.values()];
    const visit = (room: Row, outcome: string, reviewState: string, conflict = false) => ({
      id: crypto.randomUUID(),
      gridId: room.gridId,
      roomId: room.id,
      outcome,
      reviewState,
      conflict,
      visitedAt: new Date().toISOString(),
    });
    // One room is enough to colour a building red, purple or amber; green and blue need every room.
    const visits = [
      visit(buildings[0][0], "confirmed", "returned"),
      visit(buildings[1][0], "confirmed", "submitted", true),
      visit(buildings[2][0], "no_answer", "submitted"),
      ...buildings[3].map((room) => visit(room, "confirmed", "submitted")),
      ...buildings[4].map((room) => visit(room, "confirmed", "approved")),
    ];
    const tx = db.transaction("visits", "readwrite");
    for (const row of visits) tx.objectStore("visits").put(row);
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    db.close();
    return buildings.length;
  });
  expect(colored).toBeGreaterThanOrEqual(5);

  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/);
  await openMap(page);
  // Each building's dot in the colour of its most urgent status: red, purple, amber, green, blue.
  const colours = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="grid-map"] canvas')!;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<string>();
    for (let i = 0; i < data.length; i += 4) {
      seen.add(
        `#${[data[i], data[i + 1], data[i + 2]].map((v) => v.toString(16).padStart(2, "0")).join("")}`,
      );
    }
    return ["#b91c1c", "#7e22ce", "#b45309", "#15803d", "#1d4ed8"].filter((c) => seen.has(c));
  });
  expect(colours).toEqual(["#b91c1c", "#7e22ce", "#b45309", "#15803d", "#1d4ed8"]);
  // The map and its legend on one screen, as the officer sees them after a short scroll.
  await page
    .getByTestId("map-legend")
    .evaluate((el) => el.closest("section")?.scrollIntoView({ block: "end" }));
  await page.screenshot({ path: `${SCREENS}/field-map.png` });

  // The smallest phone the app supports.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.reload();
  await expect(page.getByTestId("grid-progress")).toBeVisible();
  await openMap(page);
  await page
    .getByTestId("map-legend")
    .evaluate((el) => el.closest("section")?.scrollIntoView({ block: "end" }));
  await page.screenshot({ path: `${SCREENS}/field-map-320.png` });
  await context.setOffline(false);
});
