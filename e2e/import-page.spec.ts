// The administrator's import page: a CSV with good and bad rows is uploaded, the report lists every
// rejected row with its reason, the totals add up, the rejected rows come back as a file to fix, and a
// supervisor neither sees the tab nor may upload. A units file shows the warnings of rows imported all
// the same (a credit code's check character overridden by 校验说明).

import { expect, type Page, test } from "@playwright/test";
import { citizenIdCheckChar, orgCodeCheckChar, usccCheckChar } from "../domain/validators";
import { login, SCREENS, trpcQuery } from "./support";

interface AreaView {
  area: { id: string; code: string; level: string };
  children: { id: string; level: string }[];
  buildings: { id: string; code: string }[];
}
interface BuildingView {
  rooms: { unitNo: string | null; roomNo: string }[];
}

/** A community code, a building of it and one of its rooms, found through the register as the admin. */
async function somePlace(page: Page) {
  let view = await trpcQuery<AreaView>(page.request, "area.get", {});
  let communityCode = "";
  while (view.area.level !== "grid") {
    if (view.area.level === "community") communityCode = view.area.code;
    view = await trpcQuery<AreaView>(page.request, "area.get", { id: view.children[0].id });
  }
  const building = view.buildings[0];
  const { rooms } = await trpcQuery<BuildingView>(page.request, "building.get", { id: building.id });
  return { communityCode, buildingCode: building.code, room: rooms[0] };
}

const citizenId = (body: string) => body + citizenIdCheckChar(body);

test("an administrator imports a CSV: totals, every rejected row, the rejected file; supervisors cannot", async ({
  page,
  browser,
}) => {
  await login(page, "admin");
  await expect(page).toHaveURL(/\/supervise$/);
  const place = await somePlace(page);
  const header = "姓名,公民身份号码,性别,出生日期,户号,社区代码,建筑物编码,单元,房号,与户主关系";
  const where = `${place.communityCode},${place.buildingCode},${place.room.unitNo ?? ""},${place.room.roomNo}`;
  const good1 = citizenId("44010419800101201");
  const good2 = citizenId("44010420100101202");
  const badCheck = `${good1.slice(0, 17)}${good1[17] === "0" ? "1" : "0"}`;
  const csv = [
    header,
    `导入甲,${good1},男,1980-01-01,E2E-IMPORT-1,${where},户主`,
    `导入乙,${good2},女,2010-01-01,E2E-IMPORT-1,${where},女`,
    `导入丙,${badCheck},男,1980-01-01,E2E-IMPORT-1,${where},子`,
    `导入丁,${citizenId("44010419900101203")},男,1990-01-01,E2E-IMPORT-2,440104999999,${place.buildingCode},,101,户主`,
  ].join("\r\n");

  await page.getByRole("link", { name: "数据导入" }).click();
  await expect(page.getByRole("heading", { name: "数据导入" })).toBeVisible();
  // Nothing chosen: said in words, nothing sent.
  await page.getByRole("button", { name: "开始导入" }).click();
  await expect(page.getByTestId("import-form").getByRole("alert")).toHaveText("请选择要导入的文件");

  await page.getByLabel("文件", { exact: true }).setInputFiles({
    name: "人员.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf8"),
  });
  await page.getByRole("button", { name: "开始导入" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("导入完成", { timeout: 30_000 });
  await expect(page.getByTestId("total-read")).toHaveText("4");
  await expect(page.getByTestId("total-inserted")).toHaveText("2");
  await expect(page.getByTestId("total-rejected")).toHaveText("2");
  const errors = page.getByTestId("import-error");
  await expect(errors).toHaveCount(2);
  await expect(errors.nth(0)).toContainText("4");
  await expect(errors.nth(0)).toContainText("公民身份号码");
  await expect(errors.nth(1)).toContainText("5");
  await expect(errors.nth(1)).toContainText("社区代码");
  await page.screenshot({ path: `${SCREENS}/import-report.png`, fullPage: true });

  // The rejected rows come back as a file with the same headers and the reason, ready to fix.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-rejected").click(),
  ]);
  expect(download.suggestedFilename()).toBe("人员.rejected.csv");
  const body = await (await download.createReadStream()).toArray();
  const text = Buffer.concat(body).toString("utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.slice(1).trim().split(/\r?\n/);
  expect(lines[0]).toBe(`${header},错误原因`);
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain("导入丙");
  expect(lines[2]).toContain("导入丁");

  // Again, as a dry run: the two good rows are now unchanged, nothing written.
  await page.getByLabel("只校验，不写入（试导入）").check();
  await page.getByLabel("文件", { exact: true }).setInputFiles({
    name: "人员.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf8"),
  });
  await page.getByRole("button", { name: "开始校验" }).click();
  await expect(report).toContainText("校验完成，未写入任何数据", { timeout: 30_000 });
  await expect(page.getByTestId("total-unchanged")).toHaveText("2");

  // A supervisor has no such tab, and the route refuses them.
  const context = await browser.newContext();
  const supervisor = await context.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await expect(supervisor.getByRole("link", { name: "数据导入" })).toHaveCount(0);
  const refused = await supervisor.request.post("/api/import?kind=persons&name=a.csv", { data: csv });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.key).toBe("auth.forbidden");
  await context.close();
});

/** A credit code that passes both checks (organisation code and its own), and one with a wrong check character. */
function creditCodes(org8: string) {
  const first17 = `91440104${org8}${orgCodeCheckChar(org8)}`;
  const good = first17 + usccCheckChar(first17);
  return { good, wrongCheck: `${first17}${good[17] === "0" ? "1" : "0"}` };
}

test("a unit whose credit code fails its check is imported with the reason in 校验说明, listed as a warning", async ({
  page,
}) => {
  await login(page, "admin");
  await expect(page).toHaveURL(/\/supervise$/);
  const place = await somePlace(page);
  const overridden = creditCodes("E2EW0001").wrongCheck;
  const csv = [
    "单位名称,统一社会信用代码,校验说明,社区代码,建筑物编码",
    `校验说明公司,${overridden},与营业执照一致，已电话核实,${place.communityCode},${place.buildingCode}`,
    `无说明公司,${creditCodes("E2EW0002").wrongCheck},,${place.communityCode},${place.buildingCode}`,
    `正常公司,${creditCodes("E2EW0003").good},,${place.communityCode},${place.buildingCode}`,
  ].join("\r\n");

  await page.getByRole("link", { name: "数据导入" }).click();
  await page.getByLabel("数据类型").selectOption("units");
  await page.getByLabel("文件", { exact: true }).setInputFiles({
    name: "单位.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf8"),
  });
  await page.getByRole("button", { name: "开始导入" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("导入完成", { timeout: 30_000 });
  await expect(page.getByTestId("total-inserted")).toHaveText("2");
  await expect(page.getByTestId("total-rejected")).toHaveText("1");
  // Units make no households: the line says only the batches.
  await expect(report).toContainText(/共 1 批，用时 [\d.]+ 秒/);
  await expect(report).not.toContainText("新建户");
  const errors = page.getByTestId("import-error");
  await expect(errors).toHaveCount(1);
  await expect(errors.first()).toContainText("请在“校验说明”列填写原因后重新导入");
  await expect(report.getByRole("heading", { name: "提醒（共 1 条）" })).toBeVisible();
  const warnings = page.getByTestId("import-warning");
  await expect(warnings).toHaveCount(1);
  await expect(warnings.first()).toContainText("第 2 行");
  await expect(warnings.first()).toContainText(overridden);
  await expect(warnings.first()).toContainText("已按“校验说明”导入：与营业执照一致，已电话核实");
  await page.screenshot({ path: `${SCREENS}/import-warnings.png`, fullPage: true });
});
