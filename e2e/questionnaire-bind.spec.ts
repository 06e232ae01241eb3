// Questions bound to the register on a phone: the household head's phone and the household's 低保
// start from the register; the officer corrects the phone through the question, the form says it
// differs and will be sent for review, and the saved visit carries the correction as an ordinary
// change row with the register's and the observed value.

import { expect } from "@playwright/test";
import { maskPhone } from "@/domain/mask";
import { sheetRows, type Workbook } from "@/domain/questionnaire/definition";
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
  uploadQuestionnaire,
} from "./support";

// No other spec works in officer5's grid.
const OFFICER = "officer5";
const SHOTS = "/tmp/shots-qbind";
const CAMPAIGN = "户主信息核实";

type Row = Record<string, string | boolean | null> & { id: string };

const bound: Workbook = {
  survey: sheetRows([
    ["type", "name", "label::zh", "label::en", "bind::register"],
    ["phone", "head_phone", "户主联系电话", "Head's phone", "person.phone"],
    ["select_one yesno", "low_income", "是否低保户", "Low-income household", "household.lowIncome"],
    ["text", "remark", "其他情况", "Anything else", ""],
  ]),
  choices: sheetRows([
    ["list_name", "name", "label::zh", "label::en"],
    ["yesno", "yes", "是", "Yes"],
    ["yesno", "no", "否", "No"],
  ]),
  settings: sheetRows([
    ["form_title", "form_id", "version"],
    ["户主信息核实", "head_check", "1"],
  ]),
};

test("a bound question starts from the register and a changed answer is saved as a correction", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  const created = await campaignForOfficer(admin, OFFICER, CAMPAIGN);
  await uploadQuestionnaire(admin, "户主信息核实.xlsx", bound);
  await publishQuestionnaire(admin);
  await expect(admin.getByTestId("questionnaire-done")).toContainText("已发布“户主信息核实”第 1 版");

  const { phone, page } = await officerPhone(browser, OFFICER);
  await downloadCampaign(page, CAMPAIGN);
  const [households, rentals, units, persons] = await Promise.all(
    ["households", "rentals", "units", "persons"].map((name) => readStore<Row>(page, name)),
  );
  const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
  const headOf = (h: Row) => persons.find((p) => p.householdId === h.id && p.relation === "02" && p.phone);
  const household = households.find(
    (h) => !busy.has(h.roomId) && households.filter((o) => o.roomId === h.roomId).length === 1 && !!headOf(h),
  );
  if (!household) throw new Error("no room with one household and a head with a phone");
  const head = headOf(household) as Row;

  await page.goto(`/field/room?id=${household.roomId}`);
  const form = page.getByTestId("questionnaire");
  await expect(form).toContainText("问卷：户主信息核实");
  const q = (name: string) => form.getByTestId(`q-${name}`);
  // Prefilled from the register: the head's phone, the household's 低保 as 是/否.
  await expect(q("head_phone")).toHaveValue(String(head.phone));
  await expect(q("low_income").getByLabel(household.lowIncome ? "是" : "否")).toBeChecked();
  await expect(form.getByTestId("q-bound-head_phone")).toContainText("与台账一致");
  await q("head_phone").fill("13712345678");
  await expect(form.getByTestId("q-bound-head_phone")).toContainText(
    `与台账不同（台账：${maskPhone(String(head.phone))}），保存后作为更正提交审核`,
  );
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-bound-question.png` });

  await page.getByRole("button", { name: /^信息变更/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  const [entry] = await readStore<{
    payload: { visit: { answers: Record<string, unknown> }; changes: Record<string, unknown>[] };
  }>(page, "outbox");
  expect(entry.payload.visit.answers).toMatchObject({ head_phone: "13712345678" });
  expect(entry.payload.changes).toEqual([
    expect.objectContaining({
      entity: "person",
      entityId: head.id,
      field: "phone",
      registerValue: head.phone,
      observedValue: "13712345678",
    }),
  ]);
  await syncUntilEmpty(page);
  // The specs after this one count the demo campaign alone.
  await trpcMutate(desk.request, "campaign.close", { id: created.id });
  await phone.close();
  await desk.close();
});
