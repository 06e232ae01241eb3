// What the officer records reaches the supervisor, counted one way everywhere: a visit with a member
// moved out (and where to), a death (and its date), a new member and a note, shown in words in the
// review pane; the phone's counts beside progress and the map; two phones of one officer told apart on
// the devices screen; an officer with no grid told whom to ask; a resident shown what they may dispute.
// Screenshots go to $SHOTS (default test-results/screens/reach).

import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import type { PullResponse } from "../domain/pull";
import { endChanges, newPersonChange } from "../domain/visit";
import { decodePullRows } from "../domain/wire";
import { answerDialogs, demoGrids, login, readStore, SCREENS, trpcMutate, trpcQuery } from "./support";

// Officers no other spec works as.
const OFFICER = "officer12";
const IDLE_OFFICER = "officer10";
const SHOTS = process.env.SHOTS ?? `${SCREENS}/reach`;
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

type Row = Record<string, unknown> & { id: string };

test.beforeAll(() => fs.mkdirSync(SHOTS, { recursive: true }));

async function supervisorDesk(browser: Browser, locale?: "en"): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 1280, height: 800 },
  });
  if (locale) {
    await context.addCookies([
      { name: "doorstep_locale", value: locale, url: test.info().project.use.baseURL as string },
    ]);
  }
  const page = await context.newPage();
  await login(page, "supervisor");
  await expect(page).toHaveURL(/\/supervise/);
  return [context, page];
}

async function phoneOf(
  browser: Browser,
  username: string,
  userAgent?: string,
): Promise<[BrowserContext, Page]> {
  const use = test.info().project.use;
  const context = await browser.newContext({
    baseURL: use.baseURL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: use.deviceScaleFactor,
    userAgent: userAgent ?? use.userAgent,
  });
  const page = await context.newPage();
  answerDialogs(page);
  await login(page, username);
  await expect(page).toHaveURL(/\/field$/);
  return [context, page];
}

/** The phone's own device id, as the field app keeps it in IndexedDB. */
async function deviceIdOf(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const user = JSON.parse(localStorage.getItem("doorstep.user") ?? "{}");
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open(`doorstep-${user.id}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      return await new Promise<string>((resolve, reject) => {
        const request = db.transaction("meta").objectStore("meta").get("deviceId");
        request.onsuccess = () => resolve(String(request.result ?? ""));
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  });
}

let householdVisitId = "";
let movedName = "";

test("the officer's visit reaches the review pane in words; phone, progress and map count alike", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const [phoneContext, phone] = await phoneOf(browser, OFFICER);
  await phone.getByRole("button", { name: "下载网格数据" }).click();
  await expect(phone.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  await expect(phone.getByTestId("grid-counts")).toHaveText("已走访 0 间 · 待复访 0 间");

  // A household of two or more: one moves out, one has died, a child is found; a no-answer elsewhere.
  const [households, persons, rooms] = await Promise.all(
    ["households", "persons", "rooms"].map((name) => readStore<Row>(phone, name)),
  );
  const family = households
    .map((h) => ({ h, members: persons.filter((p) => p.householdId === h.id && !p.endedAt) }))
    .find(
      (x) => x.members.length >= 2 && x.members.every((m) => /^\p{Script=Han}{2,3}$/u.test(String(m.name))),
    );
  expect(family, "a household of two").toBeTruthy();
  const { h, members } = family as { h: Row; members: Row[] };
  const [moved, deceased] = members;
  movedName = String(moved.name);
  const gridId = String(h.gridId);
  const roomId = String(h.roomId);
  householdVisitId = randomUUID();
  const child = newPersonChange(
    householdVisitId,
    {
      name: "欧阳小明",
      idType: "1",
      idNumber: "440104201503070013",
      sex: "1",
      birthDate: "2015-03-07",
      relation: "20",
      personType: "01",
    },
    { householdId: h.id, roomId },
  );
  const now = new Date();
  const visitedAt = now.toISOString();
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const visit = (id: string, room: string, outcome: string, changes: unknown[], note: string | null) => ({
    id,
    kind: "visit",
    payload: {
      visit: {
        id,
        campaignId: null,
        gridId,
        roomId: room,
        subjectType: "room",
        subjectId: null,
        outcome,
        attempt: 1,
        revisitDue: outcome === "no_answer" ? today : null,
        visitedAt,
        lat: null,
        lng: null,
        accuracyM: null,
        note,
        photoSha256: null,
      },
      changes,
    },
  });
  const otherRoom = rooms.find((r) => r.id !== roomId) as Row;
  const { results } = await trpcMutate<{ results: { status: string }[] }>(phone.request, "sync.push", {
    // Sent as this phone: its own device id, so the devices screen shows one row for it.
    deviceId: await deviceIdOf(phone),
    mutations: [
      visit(
        householdVisitId,
        roomId,
        "changed",
        [
          ...endChanges(
            householdVisitId,
            "person",
            moved as Row & { version: number },
            { code: "moved_out", destination: "广州市天河区天河路385号" },
            today,
          ),
          ...endChanges(
            householdVisitId,
            "person",
            deceased as Row & { version: number },
            { code: "deceased", deathDate: today },
            today,
          ),
          child.change,
        ],
        `${movedName}去年就搬去天河了，家属电话 13812345678`,
      ),
      visit(randomUUID(), String(otherRoom.id), "no_answer", [], null),
    ],
  });
  expect(results.map((r) => r.status)).toEqual(["applied", "applied"]);

  // The phone, after pulling again, counts the two rooms.
  await phone.getByRole("button", { name: "更新数据" }).click();
  await expect(phone.getByTestId("grid-counts")).toHaveText("已走访 2 间 · 待复访 1 间", { timeout: 30_000 });
  await expect(phone.getByTestId("grid-progress")).toContainText(/已核查 1 \/ \d+ 间/);
  await phone.screenshot({ path: `${SHOTS}/phone-counts.png` });

  // A second phone of the same officer: an iPhone.
  const [otherContext, other] = await phoneOf(browser, OFFICER, IPHONE);
  // Its first sync makes it a device of the officer's.
  await expect(other.getByTestId("sync-chip")).toContainText("已同步", { timeout: 30_000 });
  await expect.poll(() => deviceIdOf(other)).toMatch(/^[0-9a-f-]{36}$/);
  await otherContext.close();

  const [deskContext, desk] = await supervisorDesk(browser);
  await desk.goto("/supervise/review");
  await desk.locator(`[data-visit-id="${householdVisitId}"]`).click();
  const pane = desk.getByTestId("visit-review");
  await expect(pane.getByTestId("review-changes")).toBeVisible();
  const observed = await pane.getByTestId("change-observed").allTextContents();
  expect(observed).toContain("迁出/搬离；迁往：广州市天河区****");
  expect(observed).toContain(`死亡；死亡日期：${today}`);
  expect(observed.some((text) => text.startsWith("姓名：欧阳*；证件类型：居民身份证"))).toBe(true);
  await expect(pane.getByTestId("change-record").first()).toContainText("*");
  await expect(pane).toContainText("去年就搬去天河了，家属电话 138****5678");
  expect(await pane.textContent()).not.toContain("{");
  await desk.screenshot({ path: `${SHOTS}/review-pane.png`, fullPage: true });

  // Devices: two phones of the officer, told apart.
  await desk.goto("/supervise/devices");
  const rows = desk.getByTestId("device-row").filter({ hasText: OFFICER });
  await expect(rows).toHaveCount(2);
  const names = await rows.getByTestId("device-name").allTextContents();
  expect(names.some((n) => n.startsWith("Safari 17 · iOS 17"))).toBe(true);
  expect(names.some((n) => n.includes("Android"))).toBe(true);
  await desk.screenshot({ path: `${SHOTS}/devices.png`, fullPage: true });

  // Progress and the map, for the officer's grid: the same two rooms visited, one checked, one owed.
  await desk.goto("/supervise/progress");
  await expect(desk.getByTestId("progress-totals")).toBeVisible();
  await desk.screenshot({ path: `${SHOTS}/progress.png`, fullPage: true });
  const summary = await trpcQuery<{
    grids: { gridId: string; visited: number; checked: number; revisitsDue: number }[];
  }>(desk.request, "progress.summary", {});
  expect(summary.grids.find((g) => g.gridId === gridId)).toMatchObject({
    visited: 2,
    checked: 1,
    revisitsDue: 1,
  });
  await desk.goto("/supervise");
  await expect(desk.getByTestId("map-progress")).toBeVisible({ timeout: 30_000 });
  await desk.screenshot({ path: `${SHOTS}/map.png` });
  await deskContext.close();

  // The same pane in English.
  const [enContext, en] = await supervisorDesk(browser, "en");
  await en.goto("/supervise/review");
  await en.locator(`[data-visit-id="${householdVisitId}"]`).click();
  const enPane = en.getByTestId("visit-review");
  await expect(enPane.getByTestId("change-observed").first()).toBeVisible();
  expect(await enPane.getByTestId("change-observed").allTextContents()).toContain(
    "Moved out; Moved to: 广州市天河区****",
  );
  await en.screenshot({ path: `${SHOTS}/review-pane-en.png`, fullPage: true });
  await enContext.close();
  await phoneContext.close();
});

test("an officer with no grid is told whom to ask, with no download button", async ({ browser }) => {
  const [deskContext, desk] = await supervisorDesk(browser);
  // Take the officer's grid away in the demo campaign; given back however the spec ends, for the
  // specs that follow.
  const { campaignId, grids } = await demoGrids(desk);
  const theirs = grids.find((g) => g.officer?.username === IDLE_OFFICER);
  if (!theirs?.officer) throw new Error(`${IDLE_OFFICER} holds no grid`);
  const officerId = theirs.officer.id;
  await trpcMutate(desk.request, "campaign.unassign", { campaignId, gridId: theirs.id });
  try {
    const [context, phone] = await phoneOf(browser, IDLE_OFFICER);
    const notice = phone.getByTestId("no-assignment");
    await expect(notice).toContainText("您还没有被分配进行中的核查网格");
    await expect(notice).toContainText(/请联系.+（.+）/);
    await expect(phone.getByRole("button", { name: "下载网格数据" })).toBeHidden();
    await phone.screenshot({ path: `${SHOTS}/phone-no-assignment.png` });
    await context.close();
  } finally {
    await trpcMutate(desk.request, "campaign.assign", { campaignId, gridId: theirs.id, officerId });
  }
  await deskContext.close();
});

test("a resident sees what they may dispute before choosing", async ({ browser, playwright }) => {
  const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  await trpcMutate(api, "auth.login", { username: OFFICER, password: "doorstep" });
  const codes = new Map<string, string>();
  const people = new Map<string, { name: string; idNumber: string }[]>();
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const pulled: PullResponse = await trpcMutate(api, "sync.pull", { cursor });
    const tables = decodePullRows(pulled.format, pulled.rows);
    for (const row of tables.householdCodes ?? []) codes.set(String(row.householdId), String(row.code));
    for (const row of tables.persons ?? []) {
      if (!row.name || !row.idNumber || row.endedAt || !row.householdId) continue;
      people.set(String(row.householdId), [
        ...(people.get(String(row.householdId)) ?? []),
        { name: String(row.name), idNumber: String(row.idNumber) },
      ]);
    }
    cursor = pulled.cursor;
    if (!pulled.hasMore) break;
  }
  await api.dispose();
  const found = [...codes].find(([householdId]) =>
    (people.get(householdId) ?? []).some(
      (p) =>
        /^\d{17}[\dX]$/.test(p.idNumber) && /^\p{Script=Han}{2,3}$/u.test(p.name) && p.name !== movedName,
    ),
  );
  expect(found, "a household with a code").toBeTruthy();
  const [householdId, code] = found as [string, string];
  const person = (people.get(householdId) ?? []).find((p) => /^\d{17}[\dX]$/.test(p.idNumber)) as {
    name: string;
    idNumber: string;
  };

  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    extraHTTPHeaders: { "x-forwarded-for": "10.9.7.1" },
  });
  const page = await context.newPage();
  await page.goto("/check");
  await page.getByLabel(/^(姓名|Full name)$/).fill(person.name);
  await page.getByLabel(/^(身份证号码|ID number)$/).fill(person.idNumber);
  await page.getByLabel(/^(核查码|Check code)$/).fill(code);
  await page.getByRole("button", { name: /查询|Look up/ }).click();
  const disputable = page.getByTestId("check-disputable");
  await expect(disputable).toContainText("整户：地址有误、成员有缺漏或多余");
  await expect(disputable).toContainText(
    "每位成员的：姓名、身份证号码、性别、出生日期、与户主关系、联系电话、其他",
  );
  await disputable.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/check-disputable.png`, fullPage: true });
  await context.close();
});
