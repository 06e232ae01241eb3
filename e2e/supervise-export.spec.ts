import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { login, SCREENS } from "./support";

/** Downloads one file from the export page by its button's accessible name; its name and bytes. */
async function download(page: import("@playwright/test").Page, name: RegExp) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path()) as string) };
}

test("a supervisor downloads results, changes and statistics; the register is for administrators", async ({
  page,
}) => {
  await login(page, "supervisor");
  await page.waitForURL(/\/supervise/);
  await page.getByRole("link", { name: "导出", exact: true }).click();
  await expect(page.getByRole("heading", { name: "数据导出" })).toBeVisible();
  await expect(page.getByText(/范围：.+。文件只包含您辖区内的数据/)).toBeVisible();
  await expect(page.getByLabel("核查任务")).toHaveValue(/.+/);
  await expect(page.getByText("台账不脱敏，含完整姓名、证件号码和电话，仅管理员可导出。")).toBeVisible();
  await expect(page.getByRole("link", { name: /下载人口台账/ })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/export.png` });
  await page.screenshot({ path: `${SCREENS}/export-full.png`, fullPage: true });

  const results = await download(page, /^下载走访结果（CSV）$/);
  expect(results.name).toMatch(/^走访结果_.+_\d{4}-\d{2}-\d{2}\.csv$/);
  expect([...results.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(results.bytes.toString("utf8").slice(1).split("\r\n")[0]).toMatch(/^社区,网格,地址,房间,对象类型,/);

  const stats = await download(page, /^下载统计报表（XLSX）$/);
  expect(stats.name).toMatch(/^统计报表_.+\.xlsx$/);
  expect(stats.bytes.subarray(0, 2).toString()).toBe("PK");

  // Narrowed to one community, the file names it.
  const area = page.getByLabel("范围");
  const community = (await area.locator("option").nth(1).textContent()) as string;
  await area.selectOption({ label: community });
  await expect(page.getByText(`范围：${community}。`)).toBeVisible();
  const changes = await download(page, /^下载变更明细（CSV）$/);
  expect(changes.name).toContain(`变更明细_${community}_`);

  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByRole("heading", { name: "Data export" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/export-en.png`, fullPage: true });
});

test("an administrator also downloads the registers, persons by default or another kind; an officer gets no export page", async ({
  page,
  browser,
}) => {
  await login(page, "admin");
  await page.waitForURL(/\/(supervise|register)/);
  await page.goto("/supervise/export");
  const kind = page.getByLabel("台账类型");
  await expect(kind).toHaveValue("persons");
  const register = await download(page, /^下载人口台账（CSV）$/);
  expect(register.name).toMatch(/^人口台账_.+\.csv$/);
  expect(register.bytes.toString("utf8").slice(1).split("\r\n")[0]).toMatch(
    /^姓名,证件类型,公民身份号码,性别,出生日期,/,
  );
  await page.screenshot({ path: `${SCREENS}/export-admin.png` });

  // Another kind: the rental rooms, one row per tenant, under the rentals import's headers.
  await kind.selectOption({ label: "出租屋台账" });
  await expect(page.getByText(/每位承租人一行/)).toBeVisible();
  await kind.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/export-register-kind.png` });
  const rentals = await download(page, /^下载出租屋台账（XLSX）$/);
  expect(rentals.name).toMatch(/^出租屋台账_.+\.xlsx$/);
  expect(rentals.bytes.subarray(0, 2).toString()).toBe("PK");
  await kind.selectOption("buildings");
  const buildingsFile = await download(page, /^下载楼栋台账（CSV）$/);
  expect(buildingsFile.name).toMatch(/^楼栋台账_.+\.csv$/);
  expect(buildingsFile.bytes.toString("utf8").slice(1).split("\r\n")[0]).toBe(
    "建筑物编码,标准地址,建筑物名称,层数,房屋用途,产权类型,经度,纬度,社区代码,网格编码",
  );
  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByLabel("Register", { exact: true })).toHaveValue("buildings");
  await expect(page.getByRole("link", { name: "Download Buildings register (CSV)" })).toBeVisible();
  await page.getByLabel("Register", { exact: true }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/export-register-kind-en.png` });

  const officer = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(officer, "officer14");
  await officer.waitForURL(/\/field/);
  await officer.goto("/supervise/export");
  await expect(officer.getByText(/督导页面供社区、街道工作人员使用/)).toBeVisible();
  const refused = await officer.request.get("/api/export/statistics?format=csv");
  expect(refused.status()).toBe(403);
  await officer.close();
});
