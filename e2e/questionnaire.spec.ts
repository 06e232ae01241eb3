// A campaign questionnaire end to end (issue 16's must-show, on the Pixel 7 profile): an administrator
// uploads the 老年人健康档案 workbook as XLSX (a faulty one first: refused with its problems), its
// resident's phone bound to the register, previews and publishes it; an officer answers it offline for
// two residents — one takes a skip-logic branch, 其他 and a constraint message that blocks the save; the
// other corrects the register phone through the bound question and adds two rows to a repeat — a
// reload offline keeps the saved visit and the draft; after the sync the supervisor reads the answers in
// words and the pending correction, and the XLSX export has a column per question.

import { expect } from "@playwright/test";
import ExcelJS from "exceljs";
import { maskPhone } from "@/domain/mask";
import { chinaDay } from "@/domain/progress";
import type { Workbook } from "@/domain/questionnaire/definition";
import { elderlyHealth } from "../test/domain/questionnaire/fixtures/elderly-health";
import {
  campaignForOfficer,
  downloadCampaign,
  login,
  officerPhone,
  publishQuestionnaire,
  readStore,
  syncUntilEmpty,
  test,
  trpcMutate,
  unlock,
  uploadQuestionnaire,
} from "./support";

// No other spec works in officer2's grid.
const OFFICER = "officer2";
const SHOTS = "/tmp/shots-quest";
const CAMPAIGN = "老年人健康档案建档";

type Row = Record<string, string | boolean | null> & { id: string };

/** The demo's workbook with the resident's phone bound to the register (the household head's). */
const header = elderlyHealth.survey[0].cells;
const elderlyBound: Workbook = {
  ...elderlyHealth,
  survey: elderlyHealth.survey.map(({ row, cells }, i) => ({
    row,
    cells:
      i === 0
        ? [...cells, "bind::register"]
        : cells[1] === "phone"
          ? [...cells.map((cell, j) => (header[j] === "default" ? "" : cell)), "person.phone"]
          : [...cells, ""],
  })),
};

test("an uploaded questionnaire is answered offline at the door and read by the supervisor", async ({
  browser,
}) => {
  test.setTimeout(240_000);

  // The administrator: a campaign over officer2's community, their grid given to them, the questionnaire.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  const created = await campaignForOfficer(admin, OFFICER, CAMPAIGN);
  await expect(admin.getByTestId("questionnaire-panel")).toContainText("本任务还没有问卷");
  // A faulty workbook: refused, every problem named by sheet, row and column, nothing published.
  const broken: Workbook = {
    ...elderlyHealth,
    survey: [
      ...elderlyHealth.survey,
      { row: elderlyHealth.survey.length + 1, cells: ["rating", "score", "评分", "Score"] },
    ],
  };
  await uploadQuestionnaire(admin, "老年人健康档案-错.xlsx", broken);
  const problems = admin.getByTestId("questionnaire-problems");
  await expect(problems).toContainText("问卷有 1 处问题，未保存");
  await expect(problems).toContainText(`survey 表第 ${elderlyHealth.survey.length + 1} 行“type”列`);
  await expect(problems).toContainText("不支持的类型“rating”");
  await admin.screenshot({ path: `${SHOTS}/admin-upload-refused.png`, fullPage: true });
  await uploadQuestionnaire(admin, "老年人健康档案.xlsx", elderlyBound);
  await publishQuestionnaire(admin);
  await expect(admin.getByTestId("questionnaire-done")).toContainText(
    "已发布“老年人健康档案”第 1 版（19 题）",
  );
  await expect(admin.getByTestId("questionnaire-current")).toContainText("第 1 版，19 题");
  await admin.getByTestId("questionnaire-panel").scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${SHOTS}/admin-upload-done.png` });

  // The officer downloads the new campaign's grid, questionnaire with it.
  const { phone, page } = await officerPhone(browser, OFFICER);
  await downloadCampaign(page, CAMPAIGN);
  const [households, rentals, units, persons] = await Promise.all(
    ["households", "rentals", "units", "persons"].map((name) => readStore<Row>(page, name)),
  );
  const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
  // Two doors of one household each, whose head has a phone (the bound question reads it).
  const headOf = (h: Row) => persons.find((p) => p.householdId === h.id && p.relation === "02" && p.phone);
  const [household, second] = households.filter(
    (h) => !busy.has(h.roomId) && households.filter((o) => o.roomId === h.roomId).length === 1 && !!headOf(h),
  );
  if (!household || !second) throw new Error("no two rooms with one household and a head with a phone");
  const roomId = String(household.roomId);
  const head = headOf(household) as Row;
  const secondHead = headOf(second) as Row;

  // Offline at the door.
  await phone.setOffline(true);
  await page.goto(`/field/room?id=${roomId}`).catch(() => page.reload());
  await unlock(page);
  const form = page.getByTestId("questionnaire");
  await expect(form).toContainText("问卷：老年人健康档案");
  const q = (name: string) => form.getByTestId(`q-${name}`);
  await form.getByRole("heading", { name: "问卷：老年人健康档案" }).scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -80));
  await page.screenshot({ path: `${SHOTS}/phone-questionnaire-top.png` });
  await q("self_care").getByLabel("部分自理").check();
  await q("lives_alone").getByLabel("是").check();
  await q("chronic_diseases").getByLabel("高血压").check();
  // 其他 opens its own question.
  await expect(q("chronic_diseases_other")).toHaveCount(0);
  await q("chronic_diseases").getByLabel("其他").check();
  await q("chronic_diseases_other").fill("骨质疏松");
  await q("insurance_type").getByLabel("城乡居民医保").check();
  // Bound: the register's phone, kept.
  await expect(q("phone")).toHaveValue(String(head.phone));
  await expect(form.getByTestId("q-bound-phone")).toContainText("与台账一致");
  await q("contact_name").fill("李明");
  // The contact's phone must differ from the resident's: said under the answer as it is typed.
  await q("contact_phone").fill(String(head.phone));
  await expect(form.getByText("紧急联系人电话不能与老人本人电话相同")).toBeVisible();
  await q("contact_phone").fill("13987654321");
  await expect(form.getByText("紧急联系人电话不能与老人本人电话相同")).toHaveCount(0);
  await q("contact_relation").getByLabel("子女").check();
  await q("address").fill("光塔街杏花巷 12 号 301");
  // Skip logic: the meal frequency only once meals are needed.
  await expect(q("meal_frequency")).toHaveCount(0);
  await q("needs").getByLabel("助餐").check();
  await q("meal_frequency").getByLabel("每天").check();
  const lastCheck = chinaDay(new Date(Date.now() - 30 * 86_400_000));
  await q("last_check").fill(lastCheck);
  await expect(q("book_check")).toHaveCount(0);
  // Two medicines in the repeat.
  const addMedicine = form.getByRole("button", { name: "+ 添加一行：长期用药" });
  await addMedicine.click();
  await addMedicine.click();
  await q("med_name").nth(0).fill("硝苯地平");
  await q("med_daily").nth(0).fill("2");
  await q("med_name").nth(1).fill("钙片");
  await q("med_daily").nth(1).fill("1");
  await expect(form.getByText("第 2 种药的药名 *")).toBeVisible();
  // Rows out of view are not laid out (content-visibility), and no guessed width of theirs may make
  // the page wider than the phone. A guard: the 852 px page showed with the 30 rows of
  // bench:questionnaire-phone (which checks it too), not with these two rows.
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
    .toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);

  await page.getByRole("button", { name: "全户核实无误" }).click();
  await page.getByRole("button", { name: /^已核实无变化/ }).click();
  // Consent is required: the save is refused, and the question says why.
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("save-problems")).toContainText("问卷中还有题目未填或填写有误");
  await expect(q("consent").locator("xpath=ancestor::div[1]")).toContainText("必填");
  await q("consent").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-questionnaire-blocked.png` });
  await q("consent").check();
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-questionnaire.png` });
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  type Entry = {
    id: string;
    payload: { visit: { answers: Record<string, unknown>; roomId: string }; changes: Row[] };
  };
  const [outboxEntry] = await readStore<Entry>(page, "outbox");
  // Saved cleaned: what applies, calculations as their text.
  expect(outboxEntry.payload.visit.answers).toMatchObject({
    chronic_diseases: "hypertension other",
    meal_frequency: "daily",
    medication_count: "2",
    consent: "OK",
  });

  // The second resident, still offline: another branch (no check for over a year, no meals), the
  // register phone corrected through the bound question, two medicines.
  const secondRoom = String(second.roomId);
  await page.goto(`/field/room?id=${secondRoom}`).catch(() => page.reload());
  await unlock(page);
  await expect(form).toContainText("问卷：老年人健康档案");
  await q("self_care").getByLabel("完全自理").check();
  await q("lives_alone").getByLabel("否").check();
  await q("chronic_diseases").getByLabel("糖尿病").check();
  await q("insurance_type").getByLabel("职工医保").check();
  await expect(q("phone")).toHaveValue(String(secondHead.phone));
  await q("phone").fill("13712345678");
  await expect(form.getByTestId("q-bound-phone")).toContainText(
    `与台账不同（台账：${maskPhone(String(secondHead.phone))}），保存后作为更正提交审核`,
  );
  await q("address").fill("光塔街杏花巷 14 号 502");
  await q("needs").getByLabel("助医").check();
  await expect(q("meal_frequency")).toHaveCount(0);
  await q("book_check").getByLabel("是").check();
  await addMedicine.click();
  await addMedicine.click();
  await q("med_name").nth(0).fill("二甲双胍");
  await q("med_daily").nth(0).fill("2");
  await q("med_name").nth(1).fill("阿卡波糖");
  await q("med_daily").nth(1).fill("3");

  // A reload without signal: the draft is there, answer by answer, and so is the saved visit.
  await page.reload();
  await unlock(page);
  await expect(q("phone")).toHaveValue("13712345678");
  await expect(q("book_check").getByLabel("是")).toBeChecked();
  await expect(q("med_name")).toHaveCount(2);
  await expect(q("med_name").nth(1)).toHaveValue("阿卡波糖");
  await expect(q("med_daily").nth(1)).toHaveValue("3");
  expect((await readStore<Entry>(page, "outbox")).map((e) => e.id)).toEqual([outboxEntry.id]);
  await page.screenshot({ path: `${SHOTS}/phone-second-resident-reloaded.png` });
  await q("consent").check();
  await page.getByRole("button", { name: /^信息变更/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  const secondEntry = (await readStore<Entry>(page, "outbox")).find(
    (e) => e.payload.visit.roomId === secondRoom,
  );
  expect(secondEntry?.payload.changes).toEqual([
    expect.objectContaining({
      entity: "person",
      entityId: secondHead.id,
      field: "phone",
      registerValue: secondHead.phone,
      observedValue: "13712345678",
    }),
  ]);

  await phone.setOffline(false);
  await syncUntilEmpty(page);
  // This campaign's visits: the phone holds the other campaigns' visits of the grid too.
  const ours = (await readStore<{ id: string; roomId: string; campaignId: string }>(page, "visits")).filter(
    (v) => v.campaignId === created.id,
  );
  const visit = ours.find((v) => v.roomId === roomId) as { id: string };
  const secondVisit = ours.find((v) => v.roomId === secondRoom) as { id: string };

  // The supervisor reads the answers in words.
  const office = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const supervisor = await office.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.goto("/supervise/review");
  await supervisor.locator(`[data-testid="queue-item"][data-visit-id="${visit.id}"]`).click();
  const answers = supervisor.getByTestId("visit-review").getByTestId("review-answers");
  await expect(answers).toContainText("问卷答案（第 1 版） · 老年人健康档案");
  for (const [label, value] of [
    ["生活自理能力", "部分自理"],
    ["患有的慢性病", "高血压、其他"],
    ["请注明其他", "骨质疏松"],
    ["服务需求", "助餐"],
    ["助餐频次", "每天"],
    ["第 2 种药的药名", "钙片"],
    ["已告知居民建档用途，居民同意建档", "已确认"],
  ])
    await expect(answers.getByTestId("review-answer").filter({ hasText: label }).first()).toContainText(
      value,
    );
  // The resident's phone is masked until revealed.
  await expect(answers).not.toContainText(String(head.phone));
  await answers.scrollIntoViewIfNeeded();
  await supervisor.screenshot({ path: `${SHOTS}/supervisor-answers.png` });

  // The second resident: the answers, and the phone corrected through the question, pending review.
  await supervisor.locator(`[data-testid="queue-item"][data-visit-id="${secondVisit.id}"]`).click();
  const review = supervisor.getByTestId("visit-review");
  await expect(review.getByTestId("review-answers")).toContainText("阿卡波糖");
  await expect(review.getByTestId("review-changes")).toContainText(maskPhone("13712345678"));
  await supervisor.screenshot({ path: `${SHOTS}/supervisor-second-resident.png`, fullPage: true });

  // The XLSX export: a column per question (a multiple choice's 0/1 columns and its labels), each
  // visit a row, the medicines on the repeats' sheet keyed by the visit.
  const file = await desk.request.get(`/api/export/answers?format=xlsx&campaign=${created.id}`);
  expect(file.ok()).toBe(true);
  const book = new ExcelJS.Workbook();
  const body = await file.body();
  await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
  expect(book.worksheets.map((sheet) => sheet.name)).toEqual(["问卷答案", "重复组", "答案统计"]);
  const rowsOf = (sheet: ExcelJS.Worksheet) => {
    const out: string[][] = [];
    sheet.eachRow((row) =>
      out.push((row.values as unknown[]).slice(1).map((v) => (v == null ? "" : String(v)))),
    );
    return out;
  };
  const [, codes, ...visitRows] = rowsOf(book.worksheets[0]);
  expect(codes).toEqual(
    expect.arrayContaining([
      "chronic_diseases/hypertension",
      "chronic_diseases/diabetes",
      "chronic_diseases",
      "phone",
      "needs/meal",
      "meal_frequency",
      "book_check",
      "consent",
    ]),
  );
  const cell = (visitId: string, code: string) =>
    // A row's empty cells at its end are not written: read as empty.
    visitRows.find((row) => row[0] === visitId)?.[codes.indexOf(code)] ?? "";
  expect(cell(visit.id, "chronic_diseases/hypertension")).toBe("1");
  expect(cell(secondVisit.id, "chronic_diseases/diabetes")).toBe("1");
  expect(cell(secondVisit.id, "chronic_diseases/hypertension")).toBe("0");
  expect(cell(visit.id, "meal_frequency")).toBe("每天");
  expect(cell(secondVisit.id, "meal_frequency")).toBe("");
  const medicines = rowsOf(book.worksheets[1]).slice(2);
  expect(medicines.filter((row) => row[0] === visit.id)).toHaveLength(2);
  expect(medicines.filter((row) => row[0] === secondVisit.id).map((row) => row[3])).toEqual([
    "二甲双胍",
    "阿卡波糖",
  ]);

  // The specs after this one count the demo campaign alone.
  await trpcMutate(desk.request, "campaign.close", { id: created.id });
  await Promise.all([phone.close(), desk.close(), office.close()]);
});
