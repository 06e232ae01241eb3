// The resident self-check end to end: the officer shows the visit slip offline, the resident opens
// /check from its QR link, looks up the household and disputes a member's phone; the supervisor sees
// the dispute in the review screen; the officer's phone puts the room back on the revisit list; the
// supervisor marks it handled and the phone learns that too.

import { expect, type Page, test } from "@playwright/test";
import { answerDialogs, login, readStore, SCREENS, unlock } from "./support";

type Row = Record<string, unknown> & { id: string };

/** A room with one household of two or more members and a visit-slip code, from the phone's store. */
async function pickHousehold(page: Page) {
  const [households, persons, codes] = await Promise.all(
    ["households", "persons", "householdCodes"].map((name) => readStore<Row>(page, name)),
  );
  const codeOf = new Map(codes.map((c) => [c.householdId as string, c.code as string]));
  for (const household of households) {
    const members = persons.filter((p) => p.householdId === household.id);
    const sameRoom = households.filter((h) => h.roomId === household.roomId).length;
    if (members.length >= 2 && sameRoom === 1 && codeOf.has(household.id)) {
      return { household, members, code: codeOf.get(household.id) as string };
    }
  }
  throw new Error("no household with a code and two members");
}

test("a resident disputes a member's phone from the visit slip; supervisor and officer see it", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const officerContext = await browser.newContext();
  const officer = await officerContext.newPage();
  answerDialogs(officer);
  await login(officer, "officer9");
  await expect(officer).toHaveURL(/\/field$/);
  await officer.getByRole("button", { name: "下载网格数据" }).click();
  await expect(officer.getByTestId("grid-progress")).toBeVisible({ timeout: 30_000 });
  const { household, members, code } = await pickHousehold(officer);
  const roomId = household.roomId as string;
  const member = members[1];

  // The slip is drawn on the phone with no signal: code, QR and link.
  await officer.goto(`/field/room?id=${roomId}`);
  await expect(officer.getByTestId("room-title")).toBeVisible();
  await officerContext.setOffline(true);
  await officer.reload();
  await unlock(officer);
  await officer.getByTestId("slip-open").first().click();
  const slip = officer.getByTestId("slip");
  await expect(slip.getByTestId("slip-code")).toHaveText(code.replace(/(.{5})(?=.)/g, "$1 "));
  await expect(slip.getByTestId("slip-qr")).toBeVisible();
  const link = (await slip.getByTestId("slip-link").getAttribute("href")) as string;
  expect(link).toMatch(new RegExp(`/check\\?code=${code}$`));
  await officer.screenshot({ path: `${SCREENS}/slip.png` });
  await slip.getByRole("button", { name: "关闭" }).click();
  await expect(slip).toHaveCount(0);
  await officerContext.setOffline(false);

  // The resident, on their own phone, opens the link from the QR code.
  const residentContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.77.0.1" } });
  const resident = await residentContext.newPage();
  await resident.goto(link);
  await expect(resident.getByLabel("核查码", { exact: true })).toHaveValue(code);
  await resident.getByLabel("姓名", { exact: true }).fill(String(member.name));
  await resident.getByLabel("身份证号码", { exact: true }).fill(String(member.idNumber));
  await resident.getByRole("button", { name: "查询" }).click();
  const result = resident.getByTestId("check-result");
  await expect(result).toBeVisible();
  await expect(result).not.toContainText(String(member.idNumber));
  await resident.getByRole("button", { name: /信息有误/ }).click();
  const memberBox = resident.locator(`[data-testid="dispute-member"][data-person-id="${member.id}"]`);
  await memberBox.getByLabel("联系电话", { exact: true }).check();
  await memberBox.getByLabel("联系电话：补充说明（选填）").fill("电话已换号");
  await resident.getByRole("button", { name: "提交反馈" }).click();
  await expect(resident.getByTestId("check-thanks")).toContainText("感谢反馈");
  await residentContext.close();

  // The supervisor sees it among the residents' reports.
  const supervisorContext = await browser.newContext();
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.getByRole("link", { name: "审核" }).click();
  await supervisor.getByRole("tab", { name: "居民反馈" }).click();
  const item = supervisor.getByTestId("dispute-item").filter({ hasText: String(household.householdNo) });
  await expect(item).toContainText("联系电话");
  await supervisor.screenshot({ path: `${SCREENS}/review-disputes.png`, fullPage: true });

  // The officer's next pull puts the room on the revisit list, with what the resident said.
  await officer.goto("/field");
  await officer.getByTestId("sync-now").click();
  await expect(officer.locator(`a[href="/field/room?id=${roomId}"]`)).toContainText("待复访", {
    timeout: 20_000,
  });
  await officer.goto(`/field/room?id=${roomId}`);
  await expect(officer.getByTestId("dispute-open")).toContainText("联系电话");
  await officer.screenshot({ path: `${SCREENS}/room-dispute.png` });

  // Handled by the supervisor, it leaves the list; the phone shows the note.
  await item.getByRole("button", { name: "标记已处理" }).click();
  await expect(item.getByRole("alert")).toContainText("请写明");
  await item.getByLabel("处理说明").fill("已电话联系，周五复访");
  await item.getByRole("button", { name: "标记已处理" }).click();
  await expect(item).toHaveCount(0);
  await officer.goto("/field");
  await officer.getByTestId("sync-now").click();
  await expect(officer.locator(`a[href="/field/room?id=${roomId}"]`)).not.toContainText("待复访", {
    timeout: 20_000,
  });
  await officer.goto(`/field/room?id=${roomId}`);
  await expect(officer.getByTestId("dispute-handled")).toContainText("已电话联系，周五复访");

  await Promise.all([officerContext.close(), supervisorContext.close()]);
});
