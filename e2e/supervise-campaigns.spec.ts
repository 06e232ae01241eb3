import { expect, test } from "@playwright/test";
import { login, SCREENS, trpcMutate, trpcQuery } from "./support";

// An officer no other spec works as: the campaign this spec opens and closes touches only their grid.
const OFFICER = "officer16";

interface Breadcrumb {
  id: string;
  name: string;
  level: string;
}

test("an administrator opens a campaign over one community, gives its grid to an officer and closes it", async ({
  page,
  request,
}) => {
  // Where the officer works: their grid and its community, as the administrator sees them.
  await trpcMutate(request, "auth.login", { username: OFFICER, password: "doorstep" });
  const officer = await trpcQuery<{ id: string }>(request, "auth.me", undefined);
  const grid = await trpcQuery<{ area: { id: string; name: string } }>(request, "area.get", {});
  await trpcMutate(request, "auth.login", { username: "admin", password: "doorstep" });
  const seen = await trpcQuery<{ breadcrumbs: Breadcrumb[] }>(request, "area.get", { id: grid.area.id });
  const community = seen.breadcrumbs.find((crumb) => crumb.level === "community") as Breadcrumb;
  expect(community).toBeTruthy();

  await login(page, "admin");
  await page.waitForURL(/\/supervise/);
  await page.goto("/supervise/campaigns");
  await expect(page.getByRole("link", { name: "核查任务" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "核查任务", level: 1 })).toBeVisible();
  await expect(page.getByTestId("campaign-card").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/campaigns.png`, fullPage: true });

  // An empty form is refused field by field, in words that say how to fix it.
  await page.getByRole("button", { name: "新建核查任务" }).click();
  const form = page.getByTestId("campaign-form");
  await form.getByRole("button", { name: "创建并开始" }).click();
  await expect(form.getByText("此项必填，请填写").first()).toBeVisible();
  await expect(form.getByText("请至少选择一个街道或社区")).toBeVisible();
  await expect(form.getByLabel("任务名称")).toBeFocused();
  await page.screenshot({ path: `${SCREENS}/campaigns-form-errors.png` });

  const name = `e2e 核查 ${Date.now()}`;
  await form.getByLabel("任务名称").fill(name);
  await form.getByLabel("开始日期").fill("2027-03-01");
  await form.getByLabel("结束日期（可不填）").fill("2027-02-01");
  await form.getByLabel(community.name, { exact: true }).check();
  await form.getByRole("button", { name: "创建并开始" }).click();
  await expect(form.getByText("结束日期不能早于开始日期，请核对")).toBeVisible();
  await form.getByLabel("结束日期（可不填）").fill("2027-05-31");
  await page.screenshot({ path: `${SCREENS}/campaigns-form.png`, fullPage: true });
  await form.getByRole("button", { name: "创建并开始" }).click();

  // The new campaign opens on its grids, every household of the community with a code.
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId("campaign-notice")).toContainText(/已为 \d+ 户生成核查码/);
  await expect(page.getByTestId("campaign-status")).toHaveText("进行中");
  const select = page.locator(`select#grid-${grid.area.id}`);
  await expect(select).toHaveValue("");
  await page.screenshot({ path: `${SCREENS}/campaigns-created.png`, fullPage: true });

  // Confirmations wait for review unless the administrator says otherwise, here and on the campaign.
  const autoApprove = page.getByTestId("auto-approve");
  await expect(autoApprove).not.toBeChecked();
  await autoApprove.check();
  await expect(page.getByTestId("campaign-notice")).toHaveText("本任务自动通过只核实无误的走访");
  await expect(autoApprove).toBeChecked();
  await autoApprove.uncheck();
  await expect(page.getByTestId("campaign-notice")).toHaveText("本任务的走访全部需要审核");

  await select.selectOption(officer.id);
  await expect(page.getByTestId("campaign-notice")).toContainText("已分配给");
  await expect(select).toHaveValue(officer.id);
  await expect(page.getByText(/已分配网格 1\/\d+ · 信息员 1 人/)).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/campaigns-assigned.png`, fullPage: true });

  // The officer's phone now has the campaign to choose.
  await trpcMutate(request, "auth.login", { username: OFFICER, password: "doorstep" });
  const offered = await trpcQuery<{ name: string }[]>(request, "sync.campaigns", undefined);
  expect(offered.map((c) => c.name)).toContain(name);

  // Closing asks first; "keep it open" changes nothing.
  await page.getByRole("button", { name: "结束任务" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("居民手中的核查码也随之失效");
  await page.screenshot({ path: `${SCREENS}/campaigns-close-confirm.png` });
  await dialog.getByRole("button", { name: "暂不结束" }).click();
  await expect(page.getByTestId("campaign-status")).toHaveText("进行中");
  await page.getByRole("button", { name: "结束任务" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "确认结束" }).click();
  await expect(page.getByTestId("campaign-status")).toHaveText("已结束");
  await expect(page.getByTestId("campaign-notice")).toHaveText(`“${name}”已结束。`);
  await expect(select).toBeDisabled();
  await expect(page.getByRole("button", { name: "结束任务" })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/campaigns-closed.png`, fullPage: true });

  const after = await trpcQuery<{ name: string }[]>(request, "sync.campaigns", undefined);
  expect(after.map((c) => c.name)).not.toContain(name);

  await page.getByRole("button", { name: /返回核查任务列表/ }).click();
  const card = page.getByTestId("campaign-card").filter({ hasText: name });
  await expect(card.getByTestId("campaign-status")).toHaveText("已结束");
});
