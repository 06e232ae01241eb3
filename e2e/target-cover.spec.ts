// Cover (issue 17): an officer is away, and the supervisor's campaign screen moves all of their
// targets to a colleague in one action; the colleague's phone, at its next download, lists its own
// targets and the moved ones. The spec makes its own officers and campaign, and closes the campaign.

import { mkdirSync } from "node:fs";
import { expect } from "@playwright/test";
import { demoGrids, login, officerPhone, readStore, test, trpcMutate, trpcQuery } from "./support";

const SHOTS = "/tmp/shots-cover";

test("the supervisor moves an officer's targets to a colleague; the colleague's phone lists them", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  mkdirSync(SHOTS, { recursive: true });
  const name = `代班走访 ${Date.now()}`;
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);

  const { grids, areaOptions } = await demoGrids(admin);
  const street = areaOptions.find((a) => a.level === "street");
  if (!street) throw new Error("no street offered");
  const [gridA, gridB] = grids.slice(-3, -1);
  const stamp = Date.now() % 1_000_000;
  const make = (suffix: string, gridId: string, displayName: string) =>
    trpcMutate<{ id: string; username: string; temporaryPassword: string }>(admin.request, "user.create", {
      username: `cov${suffix}${stamp}`,
      displayName,
      role: "officer",
      areaId: gridId,
    });
  const away = await make("a", gridA.id, "请假信息员");
  const cover = await make("b", gridB.id, "代班信息员");
  const campaign = await trpcMutate<{ id: string }>(admin.request, "campaign.create", {
    name,
    startsOn: "2026-12-01",
    areaIds: [street.id],
    target: { kind: "query", query: { subject: "person", ageMin: 60, ageAt: "2026-12-31" } },
  });
  for (const [gridId, officerId] of [
    [gridA.id, away.id],
    [gridB.id, cover.id],
  ])
    await trpcMutate(admin.request, "campaign.assign", { campaignId: campaign.id, gridId, officerId });
  type Holders = { officers: { id: string; open: number }[] };
  const holders = await trpcQuery<Holders>(admin.request, "campaign.targetHolders", {
    campaignId: campaign.id,
  });
  const awayCount = holders.officers.find((o) => o.id === away.id)?.open ?? 0;
  const coverCount = holders.officers.find((o) => o.id === cover.id)?.open ?? 0;
  expect(awayCount).toBeGreaterThan(0);
  expect(coverCount).toBeGreaterThan(0);

  // The covering officer's phone first holds its own targets only.
  const { phone, page } = await officerPhone(browser, cover.username, cover.temporaryPassword);
  await expect(page.getByTestId("campaign")).toContainText(name);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toHaveText(`已核查 0 / ${coverCount} 个对象`, {
    timeout: 30_000,
  });

  // The supervisor's screen: from the away officer, all of them, to the colleague.
  await admin.goto("/supervise/campaigns");
  await admin.getByTestId("campaign-card").filter({ hasText: name }).getByRole("button").click();
  await expect(admin.getByRole("heading", { name, level: 1 })).toBeVisible();
  const panel = admin.getByTestId("target-move");
  await panel.getByTestId("target-move-from").selectOption(away.id);
  await expect(panel.getByTestId("target-move-pick").first()).toBeVisible();
  await expect(panel.getByTestId("target-move-pick")).toHaveCount(awayCount);
  await panel.getByTestId("target-move-to").selectOption(cover.id);
  await panel.getByTestId("target-move-pick").first().check();
  await expect(panel.getByTestId("target-move-submit")).toContainText("已选 1 个");
  await panel.getByTestId("target-move-all").check();
  await expect(panel.getByTestId("target-move-submit")).toContainText(`已选 ${awayCount} 个`);
  await panel.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${SHOTS}/supervisor-move.png` });
  await panel.getByTestId("target-move-submit").click();
  await expect(panel.getByTestId("target-move-done")).toHaveText(
    `已将 ${awayCount} 个走访对象移交给 代班信息员。`,
  );
  await panel.getByTestId("target-move-from").selectOption(cover.id);
  await expect(panel.getByTestId("target-move-pick")).toHaveCount(awayCount + coverCount);
  await admin.screenshot({ path: `${SHOTS}/supervisor-moved.png` });
  // The same panel in English.
  await admin.getByRole("button", { name: "切换语言" }).click();
  await expect(panel.getByRole("heading", { name: "Move targets" })).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${SHOTS}/supervisor-moved-en.png` });

  // The colleague's phone, at its next download, lists both.
  await page.getByRole("button", { name: /下载网格数据|更新数据/ }).click();
  await expect(page.getByTestId("grid-progress")).toHaveText(`已核查 0 / ${awayCount + coverCount} 个对象`, {
    timeout: 30_000,
  });
  const targets = await readStore<Record<string, unknown>>(page, "campaignTargets");
  expect(targets).toHaveLength(awayCount + coverCount);
  expect(new Set(targets.map((t) => t.gridId))).toEqual(new Set([gridA.id, gridB.id]));
  await page.screenshot({ path: `${SHOTS}/phone-covering.png` });

  await trpcMutate(admin.request, "campaign.close", { id: campaign.id });
  await phone.close();
  await desk.close();
});
