import { expect, test } from "@playwright/test";
import { login, SCREENS } from "./support";

test("officer1 logs in and sees their own grid and nothing else", async ({ page, browser }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "入户核查" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/home.png` });

  await login(page, "officer1");
  // Officers land in the field app; the register view is the online read path.
  await expect(page).toHaveURL(/\/field$/);
  await page.goto("/register");
  await expect(page.getByTestId("whoami")).toContainText("信息员");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("网格");
  const buildings = page.getByRole("list", { name: "楼栋" }).getByRole("link");
  await expect(buildings.first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/grid.png`, fullPage: false });

  // No way up: the breadcrumb starts at the officer's own grid.
  await expect(page.getByRole("navigation").getByRole("link")).toHaveCount(0);

  await buildings.first().click();
  await expect(page.getByTestId("room").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/building.png` });

  await page.getByRole("link", { name: /户主/ }).first().click();
  const firstId = page.getByTestId("id-number").first();
  await expect(firstId).toHaveText(/^\d{3}\*{11}[\dX]{4}$/);
  await page.screenshot({ path: `${SCREENS}/household.png` });
  await page.getByRole("button", { name: "查看完整信息" }).first().click();
  await expect(firstId).toHaveText(/^\d{17}[\dX]$/);

  // Another grid, found as the street supervisor, is refused to officer1.
  const supervisorContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const supervisor = await supervisorContext.newPage();
  await login(supervisor, "supervisor");
  // Supervisors land on the completion map; the register is one tab away.
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.getByRole("link", { name: "台账" }).click();
  await expect(supervisor.getByTestId("whoami")).toContainText("督导员");
  const communities = supervisor.getByRole("list", { name: "下辖" }).getByRole("link");
  await expect(communities).toHaveCount(16);
  await supervisor.screenshot({ path: `${SCREENS}/street.png` });
  await communities.nth(5).click();
  await supervisor.getByRole("list", { name: "下辖" }).getByRole("link").first().click();
  await expect(supervisor.getByRole("heading", { level: 1 })).toContainText("网格");
  const otherGrid = new URL(supervisor.url()).searchParams.get("id");
  expect(otherGrid).toBeTruthy();
  await supervisorContext.close();

  await page.goto(`/register?id=${otherGrid}`);
  await expect(page.getByTestId("error")).toContainText("不在您的管辖范围内");
  await page.screenshot({ path: `${SCREENS}/refused.png` });
});

test("a wrong password is refused with a clear message, in English too", async ({ page }) => {
  await login(page, "officer1", "wrong-password");
  await expect(page.getByTestId("error")).toHaveText("用户名或密码不正确，请重新输入");
  await page.getByRole("button", { name: "切换语言" }).click();
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("error")).toHaveText("Wrong username or password. Please try again.");
  await page.screenshot({ path: `${SCREENS}/login-error-en.png` });
});

test("empty fields are refused before anything is sent", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText("请输入用户名")).toBeVisible();
  await expect(page.getByText("请输入密码")).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/login-empty.png` });
});
