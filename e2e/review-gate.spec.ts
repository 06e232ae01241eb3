// The review gate, as the people at both ends meet it: the pane always decides the visit on screen
// (a reveal of one visit never carries over to the next), and a correction reaches the register only
// when its visit is approved — returned, it stays out of the register export; recorded again on the
// phone, it goes back with its register value, and approval writes it.

import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { answerDialogs, login, readStore, SCREENS, syncUntilEmpty } from "./support";

type Row = Record<string, string | null> & { id: string };

/** Rooms with one plain household each (no rental, no unit), with a member that has a phone. */
async function plainRooms(page: Page, count: number) {
  const [households, persons, rentals, units] = await Promise.all(
    ["households", "persons", "rentals", "units"].map((name) => readStore<Row>(page, name)),
  );
  const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
  const picked: { roomId: string; member: Row }[] = [];
  for (const household of households) {
    if (busy.has(household.roomId) || households.filter((h) => h.roomId === household.roomId).length > 1)
      continue;
    const members = persons.filter((p) => p.householdId === household.id && p.phone);
    // A name nobody else in the room shares, so the member card is found by it.
    const member = members.find((m) => members.filter((o) => o.name === m.name).length === 1);
    if (member) picked.push({ roomId: household.roomId as string, member });
    if (picked.length === count) break;
  }
  if (picked.length < count) throw new Error("not enough plain rooms");
  return picked;
}

async function latestVisitId(page: Page, roomId: string): Promise<string> {
  const visits = await readStore<{ id: string; roomId: string; visitedAt: string }>(page, "visits");
  return visits.filter((v) => v.roomId === roomId).sort((a, b) => b.visitedAt.localeCompare(a.visitedAt))[0]
    .id;
}

async function save(page: Page) {
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await syncUntilEmpty(page);
}

async function correctPhone(page: Page, roomId: string, name: string, phone: string) {
  await page.goto(`/field/room?id=${roomId}`);
  const member = page.getByTestId("member").filter({ hasText: name });
  await member.getByRole("button", { name: "更正" }).click();
  await page.getByTestId("person-form").getByLabel("联系电话").fill(phone);
  await page.getByTestId("person-form").getByRole("button", { name: "确定" }).click();
  await page.getByRole("button", { name: /^信息变更/ }).click();
  await save(page);
}

/** The persons register as the administrator downloads it. */
async function registerText(page: Page): Promise<string> {
  const response = await page.request.get("/api/export/register?format=csv&kind=persons");
  expect(response.status()).toBe(200);
  return response.text();
}

async function officerPhone(browser: import("@playwright/test").Browser, username: string) {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  answerDialogs(page);
  await login(page, username);
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  return { context, page };
}

test("the review pane decides the visit on screen: reveal A, select B, approve → B is approved, A waits", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { context: officerContext, page: officer } = await officerPhone(browser, "officer8");
  const [a, b] = await plainRooms(officer, 2);
  // Each with a correction, so each pane has values to reveal.
  await correctPhone(officer, a.roomId, String(a.member.name), "13911110001");
  await correctPhone(officer, b.roomId, String(b.member.name), "13911110002");
  const visitA = await latestVisitId(officer, a.roomId);
  const visitB = await latestVisitId(officer, b.roomId);

  const supervisorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.goto("/supervise/review");
  const itemA = supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visitA}"]`);
  const itemB = supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visitB}"]`);
  await itemA.click();
  const pane = supervisor.getByTestId("visit-review");
  const titleA = (await itemA.locator("span").first().textContent()) ?? "";
  await expect(pane.getByRole("heading", { level: 2 })).toHaveText(titleA);
  await pane.getByRole("button", { name: "显示完整信息" }).click();
  await expect(pane.getByRole("button", { name: "显示完整信息" })).toHaveCount(0);

  await itemB.click();
  const titleB = (await itemB.locator("span").first().textContent()) ?? "";
  expect(titleB).not.toBe(titleA);
  await expect(pane.getByRole("heading", { level: 2 })).toHaveText(titleB);
  // B's values are masked again (a reveal of A is not a reveal of B), and the reveal is offered anew.
  await expect(pane.getByRole("button", { name: "显示完整信息" })).toBeVisible();
  await expect(pane.getByTestId("review-changes")).toContainText("139****0002");
  await supervisor.screenshot({ path: `${SCREENS}/review-gate-pane.png` });
  await pane.getByRole("button", { name: "通过" }).click();
  await expect(itemB).toHaveCount(0);
  // A still waits; B is the one approved.
  await expect(itemA).toBeVisible();
  await supervisor.getByRole("tab", { name: "已通过" }).click();
  await expect(supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visitB}"]`)).toBeVisible();
  await expect(supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visitA}"]`)).toHaveCount(0);
  await Promise.all([officerContext.close(), supervisorContext.close()]);
});

test("a returned correction stays out of the register export; recorded again and approved, it is in", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const { context: officerContext, page: officer } = await officerPhone(browser, "officer9");
  const [{ roomId, member }] = await plainRooms(officer, 1);
  const name = String(member.name);
  const newPhone = "13966668888";
  await correctPhone(officer, roomId, name, newPhone);
  const first = await latestVisitId(officer, roomId);
  // On the phone the member shows the officer's value, marked as waiting for review.
  await officer.goto(`/field/room?id=${roomId}`);
  await expect(officer.getByTestId("member").filter({ hasText: name })).toContainText("更正待审核");
  await officer.screenshot({ path: `${SCREENS}/room-awaiting-review.png`, fullPage: true });

  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await adminContext.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  expect(await registerText(admin)).not.toContain(newPhone);

  // The supervisor sees the register beside the correction, and returns the visit.
  const supervisorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.goto("/supervise/review");
  await supervisor.locator(`[data-testid="queue-item"][data-visit-id="${first}"]`).click();
  const pane = supervisor.getByTestId("visit-review");
  await expect(pane.getByTestId("change-state")).toHaveText("待审核");
  await expect(pane.getByTestId("register-now")).toContainText("****");
  await supervisor.screenshot({ path: `${SCREENS}/review-gate-pending.png` });
  await pane.getByLabel("审核意见").fill("请再核对电话号码");
  await pane.getByRole("button", { name: "退回信息员" }).click();
  await expect(supervisor.locator(`[data-testid="queue-item"][data-visit-id="${first}"]`)).toHaveCount(0);
  expect(await registerText(admin)).not.toContain(newPhone);

  // The phone learns of the return; the next visit carries the correction again.
  await officer.goto("/field");
  await officer.getByTestId("sync-now").click();
  await expect(officer.getByRole("button", { name: /^被退回 1/ })).toBeVisible({ timeout: 20_000 });
  await officer.goto(`/field/room?id=${roomId}`);
  await expect(officer.getByTestId("returned-carried")).toContainText("1");
  await officer.screenshot({ path: `${SCREENS}/room-returned-carried.png`, fullPage: true });
  await officer.getByRole("button", { name: /^信息变更/ }).click();
  await save(officer);
  const second = await latestVisitId(officer, roomId);
  expect(second).not.toBe(first);

  await supervisor.reload();
  await supervisor.locator(`[data-testid="queue-item"][data-visit-id="${second}"]`).click();
  await expect(pane.getByTestId("review-changes")).toContainText("138****8888".replace("138", "139"));
  await pane.getByRole("button", { name: "通过" }).click();
  await expect(supervisor.locator(`[data-testid="queue-item"][data-visit-id="${second}"]`)).toHaveCount(0);
  expect(await registerText(admin)).toContain(newPhone);
  await Promise.all([officerContext.close(), supervisorContext.close(), adminContext.close()]);
});
