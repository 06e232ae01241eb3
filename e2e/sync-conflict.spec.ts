// Two phones edit one person offline. Different fields both land; the same field comes back to the
// second phone as a conflict showing both values, and settling it is synced like a visit.

import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { answerDialogs, login, readStore, SCREENS, syncUntilEmpty } from "./support";

/** A household member with a mobile, alone in a plain room, from the phone's own store. */
async function pickMember(page: Page) {
  type Row = Record<string, string | null> & { id: string; roomId: string };
  const [households, persons, rentals, units] = await Promise.all(
    ["households", "persons", "rentals", "units"].map((name) => readStore<Row>(page, name)),
  );
  const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
  const plain = households.filter(
    (h) => !busy.has(h.roomId) && households.filter((o) => o.roomId === h.roomId).length === 1,
  );
  for (const household of plain) {
    const member = persons.find((p) => p.householdId === household.id && /^1[3-9]\d{9}$/.test(p.phone ?? ""));
    if (member) {
      const ethnicity = member.ethnicity === "03" ? "04" : "03";
      return {
        roomId: household.roomId,
        name: member.name as string,
        phone: member.phone as string,
        ethnicity,
      };
    }
  }
  throw new Error("no member with a mobile in a plain room");
}

async function phone(context: BrowserContext) {
  const page = await context.newPage();
  const dialogs = answerDialogs(page);
  await login(page, "officer5");
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  return { page, dialogs };
}

/** Corrects one field of the member on the room screen and saves the visit as "information changed". */
async function correct(page: Page, roomId: string, name: string, label: string, value: string) {
  await page.goto(`/field/room?id=${roomId}`);
  const member = page.getByTestId("member").filter({ hasText: name });
  await member.getByRole("button", { name: "更正" }).click();
  const form = page.getByTestId("person-form");
  const field = form.getByLabel(label);
  if ((await field.evaluate((e) => e.tagName)) === "SELECT") await field.selectOption(value);
  else await field.fill(value);
  await form.getByRole("button", { name: "确定" }).click();
  await page.getByRole("button", { name: /^信息变更/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
}

test("two phones: different fields both land, the same field is a conflict shown with both values", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const { page: a, dialogs } = await phone(contextA);
  const { page: b } = await phone(contextB);
  const member = await pickMember(a);

  // Both offline. A corrects the phone number; B the ethnicity and, separately, the phone too.
  await contextA.setOffline(true);
  await contextB.setOffline(true);
  await correct(a, member.roomId, member.name, "联系电话", "13712340001");
  await correct(b, member.roomId, member.name, "民族", member.ethnicity);
  await correct(b, member.roomId, member.name, "联系电话", "13712340002");

  // A gets a signal first; then B.
  await contextA.setOffline(false);
  await syncUntilEmpty(a);
  await contextB.setOffline(false);
  await syncUntilEmpty(b);

  const conflict = b.getByTestId("conflict");
  await expect(conflict).toHaveCount(1);
  await expect(conflict).toContainText("联系电话");
  await expect(conflict.getByTestId("conflict-where")).toContainText(member.name);
  await expect(conflict.getByTestId("server-value")).toHaveText("13712340001");
  await expect(conflict.getByTestId("your-value")).toHaveText("13712340002");
  await expect(conflict).toContainText(member.phone);
  await b.getByTestId("sync-panel").scrollIntoViewIfNeeded();
  await b.screenshot({ path: `${SCREENS}/sync-conflict.png` });

  // B checked with the family: their own number is right. Settling it is queued and synced.
  await conflict.getByRole("button", { name: "使用我的值" }).click();
  await expect(b.getByTestId("conflict")).toHaveCount(0);
  await syncUntilEmpty(b);
  await expect(b.getByTestId("conflict")).toHaveCount(0);

  // A third look, from a fresh download: both of B's values, and the ethnicity B set.
  const contextC = await browser.newContext();
  const { page: c } = await phone(contextC);
  await c.goto(`/field/room?id=${member.roomId}`);
  const seen = c.getByTestId("member").filter({ hasText: member.name });
  await seen.getByRole("button", { name: "更正" }).click();
  await expect(c.getByTestId("person-form").getByLabel("联系电话")).toHaveValue("13712340002");
  await expect(c.getByTestId("person-form").getByLabel("民族")).toHaveValue(member.ethnicity);

  // Logging out with unsent work asks first, and keeps the work when the officer says no.
  await contextA.setOffline(true);
  await correct(a, member.roomId, member.name, "联系电话", "13712340003");
  await a.getByTestId("logout").click();
  await expect.poll(() => dialogs.confirms.length).toBe(1);
  expect(dialogs.confirms[0]).toContain("还有 1 条记录未同步");
  await expect(a).toHaveURL(/\/field$/);
  await expect(a.getByTestId("pending")).toHaveText("待同步 1");

  // The session expires while the work waits: the phone asks for the password and keeps everything.
  await contextA.clearCookies();
  await contextA.setOffline(false);
  await a.getByTestId("sync-now").click();
  const relogin = a.getByTestId("relogin");
  await expect(relogin).toBeVisible();
  await expect(a.getByTestId("pending")).toHaveText("待同步 1");
  await a.screenshot({ path: `${SCREENS}/sync-relogin.png` });
  await relogin.getByLabel("密码").fill("doorstep");
  await relogin.getByRole("button", { name: "重新登录并同步" }).click();
  await syncUntilEmpty(a);
  await expect(relogin).toHaveCount(0);

  await Promise.all([contextA.close(), contextB.close(), contextC.close()]);
});
