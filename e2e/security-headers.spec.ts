// The Content-Security-Policy and its neighbours, on the production build in Chromium: every screen the
// app has still works under the policy — the officer's list, map (Leaflet on canvas) and room screen
// with a photo preview (blob:), the service worker, the supervisor's map, the resident's check — with
// no violation reported; no other site can frame a page; the answers say where they may be kept (the
// service worker keeps no /api/ answer).

import { type ConsoleMessage, expect, type Page, test } from "@playwright/test";
import { login } from "./support";

const SHOTS = process.env.SHOTS_DIR ?? "test-results/screens";

// This spec records no visit: it may use the officer most specs use.
const OFFICER = "officer1";

/** CSP violations as the page reports them (the event) and as Chromium logs them (the console). */
function watchViolations(page: Page) {
  const console: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame|create)/i.test(message.text()))
      console.push(message.text());
  });
  return {
    console,
    /** Violations the pages' documents saw, gathered by the init script below. */
    events: () =>
      page
        .evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])
        .catch(() => [] as string[]),
  };
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
});

test("the policy and its neighbours are sent with every page", async ({ request }) => {
  const field = await request.get("/field");
  const csp = field.headers()["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'self'",
    "img-src 'self' blob: data:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ]) {
    expect(csp).toContain(directive);
  }
  // A production build never allows eval.
  expect(csp).not.toContain("unsafe-eval");
  expect(field.headers()["x-frame-options"]).toBe("DENY");
  expect(field.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(field.headers()["x-content-type-options"]).toBe("nosniff");
  // The resident's page carries its code in the query: no Referer leaves it at all.
  expect((await request.get("/check")).headers()["referrer-policy"]).toBe("no-referrer");
  const trpc = await request.get(`/api/trpc/auth.me?input=${encodeURIComponent('{"json":null}')}`);
  expect(trpc.headers()["cache-control"]).toBe("no-store");
});

test("the officer's screens run under the policy: list, map, room, photo preview, service worker", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const violations = watchViolations(page);
  await login(page, OFFICER);
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/);
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });

  // The map: Leaflet draws the grid on a canvas.
  await page.getByRole("button", { name: "地图", exact: true }).click();
  const map = page.getByTestId("grid-map");
  await expect(map.locator("canvas").first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/csp-field-map.png` });
  await page.getByRole("button", { name: "列表", exact: true }).click();

  // A room, and a door-plate photo: its preview is a blob: URL.
  await page.locator('a[href^="/field/room?id="]').first().click();
  await expect(page.getByTestId("room-title")).toBeVisible();
  const photo = await page.screenshot();
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "door.png", mimeType: "image/png", buffer: photo });
  const preview = page.getByTestId("photo").getByRole("img");
  await expect(preview).toBeVisible();
  expect(await preview.getAttribute("src")).toMatch(/^blob:/);
  // Drawn, not blocked: a blocked image has no natural size.
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await page.screenshot({ path: `${SHOTS}/csp-field-room.png`, fullPage: true });
  const events = await violations.events();
  // Leave without saving (the photo is not a visit).
  page.on("dialog", (dialog) => void dialog.accept());

  // Nothing under /api/ was kept in Cache Storage by the service worker.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });
  expect(cached.filter((url) => new URL(url).pathname.startsWith("/api/"))).toEqual([]);

  expect(events).toEqual([]);
  expect(violations.console).toEqual([]);
});

test("the supervisor's map and the resident's check run under the policy", async ({ page }) => {
  const violations = watchViolations(page);
  await login(page, "supervisor");
  await expect(page).toHaveURL(/\/supervise$/);
  const map = page.getByTestId("completion-map");
  await expect(map.locator("canvas").first()).toBeAttached();
  await expect(page.getByText("正在加载地图…")).toBeHidden();
  await page.screenshot({ path: `${SHOTS}/csp-supervise.png` });
  expect(await violations.events()).toEqual([]);

  await page.goto("/check");
  await expect(page.getByRole("heading", { name: "核对我家的登记信息" })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/csp-check.png` });
  expect(await violations.events()).toEqual([]);
  expect(violations.console).toEqual([]);
});

test("no other page can frame the app", async ({ page, baseURL }) => {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors|Refused to (display|frame)/i.test(message.text())) refused.push(message.text());
  });
  await page.setContent(`<iframe id="app" src="${baseURL}/check" width="400" height="400"></iframe>`);
  await expect.poll(() => refused.length).toBeGreaterThan(0);
  // The frame shows the browser's refusal, never the page.
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const shown = await frame
    ?.getByText("核对我家的登记信息")
    .count()
    .catch(() => 0);
  expect(shown ?? 0).toBe(0);
});
