// A lost phone (issue 18, items 3 and 4): an administrator marks it lost; at its next contact its
// unsent visit goes to the server's quarantine and its register data is erased (read raw from
// IndexedDB); the street's supervisor accepts the visit into review, with a reason.
// A disabled officer's phone, whose session is gone, does the same by its device's contact token.

import { mkdirSync } from "node:fs";
import { type Browser, expect, type Page } from "@playwright/test";
import { chinaDay } from "@/domain/progress";
import { demoGridOf, login, rawStoreText, readStore, test, trpcMutate, trpcQuery } from "./support";

// Not seeded (the e2e street has 16 grids): an officer of the spec's own on officer15's grid, in a
// campaign of the spec's own (closed at the end), so the demo campaign stays as it was.
const OFFICER = "devicesofficer27";
const OFFICER_NAME = "设备测试";
const CAMPAIGN = "设备丢失核查";
const SHOTS = "/tmp/shots-devices";
const DESK = { width: 1280, height: 800 };

type Person = { id: string; name: string | null; idNumber: string | null; phone: string | null };

async function makeOfficer(
  admin: Page,
  username = OFFICER,
  campaignName = CAMPAIGN,
): Promise<{ campaignId: string; password: string; officerId: string }> {
  const { grid, community } = await demoGridOf(admin, "officer15");
  const created = await trpcMutate<{ id: string; temporaryPassword: string }>(admin.request, "user.create", {
    username,
    displayName: OFFICER_NAME,
    role: "officer",
    areaId: grid.id,
  });
  const campaign = await trpcMutate<{ id: string }>(admin.request, "campaign.create", {
    name: campaignName,
    startsOn: chinaDay(new Date()),
    areaIds: [community.id],
  });
  await trpcMutate(admin.request, "campaign.assign", {
    campaignId: campaign.id,
    gridId: grid.id,
    officerId: created.id,
  });
  return { campaignId: campaign.id, password: created.temporaryPassword, officerId: created.id };
}

async function deskPage(browser: Browser, username: string): Promise<Page> {
  const page = await (
    await browser.newContext({ viewport: DESK, isMobile: false, hasTouch: false })
  ).newPage();
  await login(page, username);
  await expect(page).toHaveURL(/\/supervise/);
  return page;
}

test("a phone marked lost hands its unsent visit to the quarantine and erases its register data", async ({
  page,
  context,
  browser,
}) => {
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  const admin = await deskPage(browser, "admin");
  const { campaignId, password } = await makeOfficer(admin);
  try {
    // The officer's phone: first login (PIN set by the helper), the grid downloaded.
    await login(page, OFFICER, password);
    await expect(page).toHaveURL(/\/field$/);
    await page.getByRole("button", { name: "下载网格数据" }).click();
    await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/, { timeout: 30_000 });
    const persons = await readStore<Person>(page, "persons");
    expect(persons.length).toBeGreaterThan(20);
    const secrets = persons
      .filter((p) => p.name && p.idNumber && p.phone)
      .slice(0, 10)
      .flatMap((p) => [String(p.name), String(p.idNumber), String(p.phone)]);
    expect(secrets.length).toBeGreaterThan(10);

    // A visit recorded offline waits in the outbox.
    await context.setOffline(true);
    const roomId = (await readStore<{ id: string }>(page, "rooms"))[0].id;
    await page.locator(`a[href="/field/room?id=${roomId}"]`).click();
    await expect(page.getByTestId("room-title")).toBeVisible();
    await page.getByRole("button", { name: "无人应答" }).first().click();
    await page.getByRole("button", { name: /^保存/ }).click();
    await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
    await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
    await expect(page.getByTestId("pending")).toHaveText("待同步 1");
    const [entry] = await readStore<{ id: string; state: string }>(page, "outbox");
    expect(entry.state).toBe("pending");

    // The administrator marks the phone lost.
    await admin.goto("/supervise/devices");
    const row = admin.getByTestId("device-row").filter({ hasText: OFFICER_NAME });
    await expect(row).toHaveCount(1);
    admin.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "标记丢失" }).click();
    await expect(row.getByTestId("device-mark")).toContainText("已标记丢失");
    await expect(row.getByTestId("device-mark")).toContainText("等待设备联网");

    // Its next contact: the visit goes to the quarantine, the register data is erased.
    await context.setOffline(false);
    await page.getByTestId("sync-chip").first().click();
    await expect(page.getByTestId("wiped")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("wiped")).toContainText("本机数据已清除");
    await expect(page.getByTestId("work-room")).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/phone-wiped.png` });
    for (const store of [
      "persons",
      "rooms",
      "households",
      "buildings",
      "visits",
      "outbox",
      "drafts",
      "changes",
    ])
      expect(await readStore(page, store), store).toEqual([]);
    const raw = await rawStoreText(page);
    expect(secrets.filter((s) => raw.includes(s))).toEqual([]);
    // After a reload it stays erased and says so.
    await page.reload();
    await expect(page.getByTestId("wiped")).toBeVisible({ timeout: 30_000 });
    expect(await readStore(page, "persons")).toEqual([]);

    await admin.reload();
    await expect(row.getByTestId("device-mark")).toContainText("已通知清除");

    // The city's administrator sets how long a phone may sit idle before it locks (then puts it back:
    // other specs' phones keep the default).
    const lock = admin.getByTestId("lock-setting");
    await lock.getByTestId("lock-minutes").fill("20");
    await lock.getByRole("button", { name: "保存" }).click();
    await expect(lock).toContainText("最近由 系统管理员");
    await expect(lock.getByTestId("lock-minutes")).toHaveValue("20");
    await admin.screenshot({ path: `${SHOTS}/devices.png`, fullPage: true });
    await lock.getByTestId("lock-minutes").fill("15");
    await lock.getByRole("button", { name: "保存" }).click();
    await expect(lock.getByRole("button", { name: "保存" })).toBeDisabled();

    // The street's supervisor accepts the visit into review, with a reason.
    const supervisor = await deskPage(browser, "supervisor");
    await supervisor.goto("/supervise/quarantine");
    const held = supervisor.getByTestId("quarantine-row").filter({ hasText: OFFICER_NAME });
    await expect(held).toHaveCount(1);
    await expect(held).toContainText("已标记丢失");
    await held.getByRole("button", { name: "接收进入审核" }).click();
    await expect(held.getByRole("alert")).toHaveText("请写明原因");
    await held.getByLabel("原因").fill("已与信息员电话核实，走访属实");
    await supervisor.screenshot({ path: `${SHOTS}/quarantine.png`, fullPage: true });
    await held.getByRole("button", { name: "接收进入审核" }).click();
    await expect(supervisor.getByRole("status")).toHaveText("已接收，进入审核");
    await expect(held).toHaveCount(0);

    const queue = await trpcQuery<{ visits: { id: string; outcome: string }[] }>(
      supervisor.request,
      "review.queue",
      { state: "submitted", campaignId },
    );
    expect(queue.visits.map((v) => [v.id, v.outcome])).toEqual([[entry.id, "no_answer"]]);

    // The phone turns up in the office: the administrator lifts the mark, and the officer, logging in
    // online again, downloads the grid afresh onto the erased phone.
    await admin.reload();
    admin.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "撤销标记" }).click();
    await expect(row.getByTestId("device-mark")).toHaveAttribute("data-mark", "");
    await expect(row.getByRole("button", { name: "标记丢失" })).toBeVisible();
    await admin.screenshot({ path: `${SHOTS}/devices-lifted.png`, fullPage: true });
    await page.getByTestId("wiped").getByRole("button").click();
    // The logout goes to the login page itself: the next navigation waits for it.
    await expect(page).toHaveURL(/\/login/);
    await login(page, OFFICER, password);
    await expect(page).toHaveURL(/\/field$/);
    await page.getByRole("button", { name: "下载网格数据" }).click();
    await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/, {
      timeout: 30_000,
    });
    expect((await readStore<Person>(page, "persons")).length).toBe(persons.length);
    await page.screenshot({ path: `${SHOTS}/phone-after-lift.png` });
  } finally {
    await trpcMutate(admin.request, "campaign.close", { id: campaignId });
  }
});

test("a disabled officer's phone, its session gone, hands its unsent visit to the quarantine and erases its register data", async ({
  page,
  context,
  browser,
}) => {
  test.setTimeout(240_000);
  const admin = await deskPage(browser, "admin");
  const { campaignId, password, officerId } = await makeOfficer(admin, "devicesofficer28", "停用人员核查");
  try {
    await login(page, "devicesofficer28", password);
    await expect(page).toHaveURL(/\/field$/);
    await page.getByRole("button", { name: "下载网格数据" }).click();
    await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/, { timeout: 30_000 });
    const names = (await readStore<Person>(page, "persons"))
      .map((p) => p.name)
      .filter((n): n is string => !!n && n.length >= 2)
      .slice(0, 10);
    expect(names.length).toBe(10);

    // A visit recorded offline waits in the outbox.
    await context.setOffline(true);
    const roomId = (await readStore<{ id: string }>(page, "rooms"))[0].id;
    await page.locator(`a[href="/field/room?id=${roomId}"]`).click();
    await page.getByRole("button", { name: "无人应答" }).first().click();
    await page.getByRole("button", { name: /^保存/ }).click();
    await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
    await expect(page.getByTestId("pending")).toHaveText("待同步 1");
    const [entry] = await readStore<{ id: string }>(page, "outbox");

    // The administrator disables the officer: every session ends, the phone's included.
    await trpcMutate(admin.request, "user.setDisabled", { userId: officerId, disabled: true });

    await context.setOffline(false);
    await page.getByTestId("sync-chip").first().click();
    await expect(page.getByTestId("wiped")).toBeVisible({ timeout: 30_000 });
    for (const store of ["persons", "rooms", "visits", "outbox", "changes"])
      expect(await readStore(page, store), store).toEqual([]);
    const raw = await rawStoreText(page);
    expect(names.filter((n) => raw.includes(n))).toEqual([]);

    const supervisor = await deskPage(browser, "supervisor");
    const held = await trpcQuery<{ id: string; officerName: string }[]>(
      supervisor.request,
      "device.quarantine",
      undefined,
    );
    expect(held.filter((q) => q.id === entry.id).map((q) => q.officerName)).toEqual([OFFICER_NAME]);
    await trpcMutate(supervisor.request, "device.decide", {
      id: entry.id,
      decision: "discard",
      reason: "人员已停用，测试记录",
    });
  } finally {
    await trpcMutate(admin.request, "campaign.close", { id: campaignId });
  }
});
