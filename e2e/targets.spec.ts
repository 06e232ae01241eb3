// A targeted campaign end to end: an administrator builds a register query (persons aged 60 and over on
// 2026-12-31 in one community), previews it per grid with masked rows, creates the campaign and gives
// a grid to its officer; the officer's phone, offline, lists exactly those persons (checked against the
// persons the phone itself holds, counted here without the app's code), searches them and opens a
// room at the person. The spec closes its campaign at the end.

import { mkdirSync } from "node:fs";
import { expect } from "@playwright/test";
import { chinaDay } from "@/domain/progress";
import { gridWithNewOfficer, login, officerPhone, readStore, test, trpcMutate, trpcQuery } from "./support";

const SHOTS = "/tmp/shots-targets";
const AGE_AT = "2026-12-31";

type Row = Record<string, unknown>;

/** Whole years on AGE_AT, from the birth date alone: the test's own yardstick. */
function ageOnAgeAt(birthDate: string): number {
  const [y, m, d] = birthDate.split("-").map(Number);
  const [ay, am, ad] = AGE_AT.split("-").map(Number);
  return ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
}

test("an administrator targets persons aged 60+ of one community; the officer's phone lists only them, offline", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  const name = `60岁以上老人健康档案 ${Date.now()}`;

  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  // The demo street at the e2e scale has 16 grids, every one an existing spec's: this spec's officer is
  // an account of its own, in the last grid, given that grid in this spec's campaign only.
  const { grid, community, officer } = await gridWithNewOfficer(admin, -1, {
    prefix: "tgt",
    displayName: "对象走访员",
  });

  await admin.goto("/supervise/campaigns");
  await admin.getByRole("button", { name: "新建核查任务" }).click();
  const form = admin.getByTestId("campaign-form");
  await form.getByLabel("任务名称").fill(name);
  await form.getByLabel("开始日期").fill(chinaDay(new Date()));
  await form.getByLabel(community.name, { exact: true }).check();
  await form.getByRole("radio", { name: "按登记信息筛选对象" }).check();
  await form.getByLabel("年龄不小于（周岁）").fill("60");
  await form.getByLabel("年龄计算日期").fill(AGE_AT);
  // Creating before a preview is refused in words.
  await form.getByRole("button", { name: "创建并开始" }).click();
  await expect(form.getByText("请先预览筛选结果，确认对象无误后再创建。")).toBeVisible();
  await form.getByRole("button", { name: "预览筛选结果" }).click();
  const preview = form.getByTestId("target-preview");
  await expect(preview.getByTestId("target-total")).toContainText(/共 \d+ 个对象/);
  const gridRow = preview.locator(`[data-grid="${grid.id}"]`);
  await expect(gridRow).toBeVisible();
  const previewedForGrid = Number((await gridRow.locator("td").last().textContent())?.trim());
  // The sample is masked: a surname and stars, an ID number with its middle starred.
  const firstSample = preview.getByTestId("target-sample").locator("tbody tr").first();
  await expect(firstSample.locator("td").nth(0)).toContainText("*");
  await expect(firstSample.locator("td").nth(1)).toHaveText(/^\d{3}\*+\d{3}[\dX]$/);
  await preview.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${SHOTS}/admin-preview.png` });
  await admin.screenshot({ path: `${SHOTS}/admin-preview-full.png`, fullPage: true });
  await form.getByRole("button", { name: "创建并开始" }).click();

  await expect(admin.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(admin.getByTestId("campaign-targets")).toHaveText(/走访对象：\d+ 个（按登记信息筛选）/);
  await admin.locator(`select#grid-${grid.id}`).selectOption(officer.id);
  await expect(admin.getByTestId("campaign-notice")).toContainText("已分配给");
  // A re-run at once would add nobody: its preview says so before anything is done.
  await admin.getByRole("button", { name: "预览重新筛选" }).click();
  await expect(admin.getByTestId("rerun-adds")).toHaveText("将新增 0 个对象");
  await admin.screenshot({ path: `${SHOTS}/admin-created.png` });

  // The officer downloads the campaign: the targets of their grid come with it.
  const { phone, page } = await officerPhone(browser, officer.username, officer.temporaryPassword);
  // Its only campaign: named on the panel, no choice to make.
  await expect(page.getByTestId("campaign")).toContainText(name);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText("个对象", { timeout: 30_000 });
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
  const [persons, targets] = await Promise.all([
    readStore<Row>(page, "persons"),
    readStore<Row>(page, "campaignTargets"),
  ]);
  const elderly = persons.filter((p) => !p.endedAt && ageOnAgeAt(String(p.birthDate)) >= 60);
  expect(elderly.length).toBeGreaterThan(0);
  expect(new Set(targets.map((t) => t.subjectId))).toEqual(new Set(elderly.map((p) => p.id)));
  expect(previewedForGrid).toBe(elderly.length);

  // Offline: the list holds only the targets, each named, and counts them.
  await phone.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("grid-progress")).toHaveText(`已核查 0 / ${elderly.length} 个对象`);
  await expect(page.getByTestId("work-room")).toHaveCount(elderly.length);
  const shownNames = await page.getByTestId("target-name").allTextContents();
  expect(shownNames.sort()).toEqual(elderly.map((p) => String(p.name)).sort());
  await expect(page.getByTestId("grid-counts")).toHaveText("已走访 0 个 · 待复访 0 个");
  await page.screenshot({ path: `${SHOTS}/phone-list.png` });
  await page.getByTestId("work-building").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-list-targets.png` });

  // Search finds a target by name, and not a resident of the grid who is no target.
  const search = page.getByPlaceholder(/搜索/);
  const target = elderly[0];
  await search.fill(String(target.name));
  await expect(page.getByTestId("search-hits").getByText(String(target.name)).first()).toBeVisible();
  const young = persons.find(
    (p) =>
      !p.endedAt &&
      ageOnAgeAt(String(p.birthDate)) < 60 &&
      !elderly.some((e) => String(e.name).includes(String(p.name))),
  );
  if (young) {
    await search.fill(String(young.name));
    await expect(page.getByTestId("search-count")).toContainText("没有找到");
  }
  await search.fill(String(target.name));
  await page.screenshot({ path: `${SHOTS}/phone-search.png` });
  await search.fill("");

  // The room opens at the person.
  const entry = page
    .getByTestId("work-room")
    .filter({ hasText: String(target.name) })
    .first();
  await entry.click();
  await expect(page).toHaveURL(new RegExp(`person=${target.id}`));
  await expect(page.locator(`[data-person-id="${target.id}"]`)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/phone-room.png` });

  // A second campaign of the officer, over every door of the same community: downloaded instead, a door
  // with an elderly person says the targeted campaign has someone to visit there too; one without, not.
  await phone.setOffline(false);
  const everyDoorName = `入户核查（同网格） ${Date.now()}`;
  const everyDoor = await trpcMutate<{ id: string }>(admin.request, "campaign.create", {
    name: everyDoorName,
    startsOn: "2026-12-01",
    areaIds: [community.id],
  });
  await trpcMutate(admin.request, "campaign.assign", {
    campaignId: everyDoor.id,
    gridId: grid.id,
    officerId: officer.id,
  });
  await page.goto("/field");
  await page.getByRole("radio", { name: everyDoorName }).check();
  await page.getByRole("button", { name: /下载网格数据|更新数据/ }).click();
  await expect(page.getByTestId("grid-progress")).toContainText("间", { timeout: 30_000 });
  await page.goto(`/field/room?id=${String(targets.find((t) => t.subjectId === target.id)?.roomId)}`);
  await expect(page.getByTestId("other-campaigns")).toContainText(name);
  await page.screenshot({ path: `${SHOTS}/phone-room-other-campaign.png` });
  const targetRooms = new Set(targets.map((t) => String(t.roomId)));
  const rooms = await readStore<Row>(page, "rooms");
  const quiet = rooms.find((r) => !r.endedAt && !targetRooms.has(String(r.id)));
  if (quiet) {
    await page.goto(`/field/room?id=${quiet.id}`);
    await expect(page.getByTestId("room-title")).toBeVisible();
    await expect(page.getByTestId("other-campaigns")).toHaveCount(0);
  }
  await trpcMutate(admin.request, "campaign.close", { id: everyDoor.id });

  const after = await trpcQuery<{ campaigns: { id: string; name: string }[] }>(
    admin.request,
    "campaign.list",
    undefined,
  );
  const created = after.campaigns.find((c) => c.name === name);
  if (!created) throw new Error("the campaign is not listed");
  await trpcMutate(admin.request, "campaign.close", { id: created.id });
  await phone.close();
  await desk.close();
});
