import type { Page } from "@playwright/test";

export const SCREENS = "test-results/screens";

export async function login(page: Page, username: string, password = "doorstep") {
  await page.goto("/login");
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole("button", { name: /^(登录|Log in)$/ }).click();
}
