import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, expect, type Page, type Response, test } from "@playwright/test";
import { maskIdNumber, maskName } from "../domain/mask";
import type { PullResponse } from "../domain/pull";
import { decodePullRows } from "../domain/wire";
import { SCREENS, trpcMutate, trpcQuery } from "./support";

// An officer no other spec works as: a resident's dispute sends this grid's officer back to the door, so
// it must not land in a grid another spec counts rooms in.
const OFFICER = "officer13";

interface Resident {
  householdId: string;
  roomId: string;
  gridId: string;
  code: string;
  name: string;
  idNumber: string;
  members: { id: string; name: string; idNumber: string }[];
}

let resident: Resident;

/**
 * A real (name, ID number, code) triple, read the way the officer's phone gets it: sync.pull until the
 * round is done, then a household with a code and two members or more with citizen ID numbers. The
 * officer then records a visit to its room, as the phone pushes it, so the resident sees it.
 */
test.beforeAll(async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  await trpcMutate(api, "auth.login", { username: OFFICER, password: "doorstep" });
  const codes = new Map<string, string>();
  const rooms = new Map<string, { roomId: string; gridId: string }>();
  const persons = new Map<string, { id: string; name: string; idNumber: string }[]>();
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const pulled: PullResponse = await trpcMutate(api, "sync.pull", { cursor });
    const tables = decodePullRows(pulled.format, pulled.rows);
    for (const row of tables.householdCodes ?? []) codes.set(String(row.householdId), String(row.code));
    for (const row of tables.households ?? []) {
      if (row.roomId) rooms.set(String(row.id), { roomId: String(row.roomId), gridId: String(row.gridId) });
    }
    for (const row of tables.persons ?? []) {
      if (!row.name || !row.idNumber || row.endedAt) continue;
      const list = persons.get(String(row.householdId)) ?? [];
      list.push({ id: String(row.id), name: String(row.name), idNumber: String(row.idNumber) });
      persons.set(String(row.householdId), list);
    }
    cursor = pulled.cursor;
    if (!pulled.hasMore) break;
  }
  const citizen = (p: { name: string; idNumber: string }) =>
    /^\d{17}[\dX]$/.test(p.idNumber) && /^\p{Script=Han}{2,3}$/u.test(p.name);
  for (const [householdId, code] of codes) {
    const members = persons.get(householdId) ?? [];
    const room = rooms.get(householdId);
    if (!room || members.length < 2 || !members.every(citizen)) continue;
    resident = { householdId, ...room, code, name: members[0].name, idNumber: members[0].idNumber, members };
    break;
  }
  expect(resident, "a household with a code and two members with citizen IDs").toBeTruthy();

  const id = randomUUID();
  const { results } = await trpcMutate<{ results: { status: string }[] }>(api, "sync.push", {
    deviceId: randomUUID(),
    mutations: [
      {
        id,
        kind: "visit",
        payload: {
          visit: {
            id,
            campaignId: null,
            gridId: resident.gridId,
            roomId: resident.roomId,
            subjectType: "room",
            subjectId: null,
            outcome: "verified",
            attempt: 1,
            revisitDue: null,
            visitedAt: new Date(Date.now() - 60_000).toISOString(),
            lat: null,
            lng: null,
            accuracyM: null,
            note: null,
            photoSha256: null,
          },
          changes: [],
        },
      },
    ],
  });
  expect(results.map((r) => r.status)).toEqual(["applied"]);
  await api.dispose();
});

/**
 * An anonymous phone of its own, with its own client address: the lookup allows 5 calls a minute per
 * address, and the e2e server is shared by every spec of the run.
 */
async function residentPhone(
  browser: Browser,
  address: string,
  width = 390,
): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width, height: 844 },
    isMobile: true,
    hasTouch: true,
    extraHTTPHeaders: { "x-forwarded-for": address },
  });
  return [context, await context.newPage()];
}

async function seriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")),
    }));
  expect(bad, `${label}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
}

async function fillProof(page: Page, name: string, idNumber: string, code?: string) {
  await page.getByLabel(/^(姓名|Full name)$/).fill(name);
  await page.getByLabel(/^(身份证号码|ID number)$/).fill(idNumber);
  if (code !== undefined) await page.getByLabel(/^(核查码|Check code)$/).fill(code);
}

/** Everything the page keeps on the phone, as text: storage, cookies and the address bar. */
async function kept(page: Page, context: BrowserContext) {
  const storage = await page.evaluate(() =>
    JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie, window.location.href]),
  );
  return storage + JSON.stringify(await context.cookies());
}

test("a resident looks up the household from the slip's code, sees it masked and confirms it", async ({
  browser,
}) => {
  const [context, page] = await residentPhone(browser, "10.9.0.1");
  const bodies: Promise<string>[] = [];
  page.on("response", (response: Response) => {
    bodies.push(response.text().catch(() => ""));
  });

  // The slip's QR code opens the page with the code filled in, then the code leaves the address bar.
  await page.goto(`/check?code=${resident.code}`);
  await expect(page.getByRole("heading", { level: 1, name: "核对我家的登记信息" })).toBeVisible();
  const code = page.getByLabel("核查码", { exact: true });
  await expect(code).toHaveValue(resident.code);
  await expect(page).toHaveURL(/\/check$/);
  await expect(page.getByTestId("privacy-note")).toContainText("每次查询都会被记录");
  for (const input of ["身份证号码", "核查码"]) {
    await expect(page.getByLabel(input, { exact: true })).toHaveAttribute("autocomplete", "off");
  }
  await expect(code).toHaveAttribute("autocapitalize", "characters");
  await page.screenshot({ path: `${SCREENS}/check-form.png` });
  await seriousViolations(page, "form");

  // Shape errors, in words, tied to their inputs.
  await page.getByRole("button", { name: "查询" }).click();
  const nameError = page.getByRole("alert").filter({ hasText: "请填写姓名" });
  await expect(nameError).toBeVisible();
  await expect(page.getByLabel("姓名", { exact: true })).toHaveAttribute("aria-invalid", "true");
  const describedBy = await page.getByLabel("姓名", { exact: true }).getAttribute("aria-describedby");
  expect(describedBy).toBe(await nameError.getAttribute("id"));
  await expect(page.getByRole("alert").filter({ hasText: "请填写身份证号码" })).toBeVisible();
  await page.getByLabel("身份证号码", { exact: true }).fill("4401-中");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "身份证号码位数不够" })).toBeVisible();

  // A wrong name is a miss like any other: one message, in Chinese, that says what to check.
  await fillProof(page, "查无此人", resident.idNumber);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByTestId("lookup-error")).toHaveText(
    /^未找到匹配的信息。请核对姓名、身份证号码和核查码/,
  );
  await expect(page.getByTestId("lookup-error")).toHaveAttribute("role", "alert");
  await page.screenshot({ path: `${SCREENS}/check-miss.png` });

  // The right proof, typed the way people do (spaces, lower-case x, full-width digits), hits.
  const typedId =
    `${resident.idNumber.slice(0, 6)} ${resident.idNumber.slice(6, 14)} ${resident.idNumber.slice(14)}`
      .toLowerCase()
      .replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
  await fillProof(page, ` ${resident.name} `, typedId);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "您家的登记信息" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  const members = page.getByTestId("check-member");
  await expect(members).toHaveCount(resident.members.length);
  const listed = page.getByTestId("check-members");
  for (const member of resident.members) {
    await expect(listed).toContainText(maskName(member.name));
    await expect(listed.getByText(maskIdNumber(member.idNumber), { exact: true })).toBeVisible();
  }
  await expect(listed).toContainText(/户主|配偶|子|女|本人|父|母|孙/);
  await expect(page.getByTestId("check-address")).toContainText("房");
  await expect(page.getByTestId("check-address")).toContainText("核查活动：");
  // The officer's visit, in words: when, what they found, where the review stands.
  const state = page.getByTestId("check-state");
  await expect(state).toContainText("已核查");
  await expect(state).toContainText(
    /^.*工作人员已于 \d{4}年\d{1,2}月\d{1,2}日 上门核查：已核实无变化（社区审核中）/,
  );
  await page.screenshot({ path: `${SCREENS}/check-result.png`, fullPage: true });
  await seriousViolations(page, "result");

  // Nothing unmasked reached the phone: not the page, not any answer from the server; nothing kept.
  const html = await page.content();
  const answers = await Promise.all(bodies);
  for (const member of resident.members) {
    expect(html.includes(member.idNumber), "full ID number in the page").toBe(false);
    expect(
      answers.filter((body) => body.includes(member.idNumber)),
      "full ID number in a response",
    ).toEqual([]);
    expect(
      answers.filter((body) => body.includes(member.name)),
      "full name in a response",
    ).toEqual([]);
  }
  const storage = await kept(page, context);
  for (const secret of [resident.idNumber, resident.name, resident.code]) {
    expect(storage.includes(secret), `${secret} kept on the phone`).toBe(false);
  }

  // Confirm: a thank-you, and the proof is gone from the page.
  await page.getByRole("button", { name: "信息无误，确认" }).click();
  const thanks = page.getByTestId("check-thanks");
  await expect(thanks).toContainText("感谢确认，您的确认已记录。");
  await expect(thanks.getByRole("heading", { level: 1 })).toBeFocused();
  await page.screenshot({ path: `${SCREENS}/check-thanks.png` });

  // "Done" brings an empty form back; a new lookup shows the confirmation in the household's state.
  await page.getByRole("button", { name: "完成" }).click();
  await expect(page.getByLabel("姓名", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("核查码", { exact: true })).toHaveValue("");
  await fillProof(page, resident.members[1].name, resident.members[1].idNumber, resident.code);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByTestId("check-feedback")).toContainText(/^您已于 .+ 确认信息无误$/);

  // Start over clears it all.
  await page.getByTestId("start-over").click();
  await expect(page.getByRole("heading", { level: 1, name: "核对我家的登记信息" })).toBeVisible();
  for (const input of ["姓名", "身份证号码", "核查码"]) {
    await expect(page.getByLabel(input, { exact: true })).toHaveValue("");
  }
  await expect(page.getByTestId("check-members")).toHaveCount(0);
  await context.close();
});

test("a resident reports a wrong phone with a comment and a number to call back", async ({
  browser,
  playwright,
}) => {
  const [context, page] = await residentPhone(browser, "10.9.0.2");
  await page.goto(`/check?code=${resident.code}`);
  await expect(page.getByLabel("核查码", { exact: true })).toHaveValue(resident.code);
  await fillProof(page, resident.name, resident.idNumber);
  await page.getByRole("button", { name: "查询" }).click();
  await page.getByRole("button", { name: "信息有误，我要反馈" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "反馈有误的信息" })).toBeVisible();

  // Nothing ticked: say so.
  await page.getByRole("button", { name: "提交反馈" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "请至少勾选一项有误的信息" })).toBeVisible();

  // The household's items and each member's particulars can be ticked.
  const household = page.getByTestId("dispute-household");
  await expect(household.getByRole("checkbox", { name: "地址有误" })).toBeVisible();
  await expect(household.getByRole("checkbox", { name: "成员有缺漏或多余" })).toBeVisible();
  const memberGroups = page.getByTestId("dispute-member");
  await expect(memberGroups).toHaveCount(resident.members.length);
  const first = memberGroups.first();
  const personId = await first.getAttribute("data-person-id");
  for (const label of ["姓名", "身份证号码", "性别", "出生日期", "与户主关系", "联系电话", "其他"]) {
    await expect(first.getByRole("checkbox", { name: label, exact: true })).toBeVisible();
  }
  await first.getByRole("checkbox", { name: "联系电话" }).check();
  await first.getByLabel("联系电话：补充说明（选填）").fill("电话已换号");
  await page.getByLabel("其他说明（选填）").fill("请晚上打电话");

  // A phone that is no phone is refused in words, tied to its input.
  const phone = page.getByLabel("回电号码（选填）");
  await phone.fill("020-123");
  await page.getByRole("button", { name: "提交反馈" }).click();
  const phoneError = page.getByRole("alert").filter({ hasText: "电话号码格式不正确" });
  await expect(phoneError).toBeVisible();
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  expect(await phone.getAttribute("aria-describedby")).toContain(await phoneError.getAttribute("id"));
  await expect(phone).toBeFocused();
  await page.screenshot({ path: `${SCREENS}/check-dispute.png`, fullPage: true });
  await seriousViolations(page, "dispute form");

  await phone.fill("138 0013 8000");
  await page.getByRole("button", { name: "提交反馈" }).click();
  await expect(page.getByTestId("check-thanks")).toContainText(
    "感谢反馈，社区工作人员会尽快核实并与您联系。",
  );
  await page.screenshot({ path: `${SCREENS}/check-thanks-dispute.png` });
  await context.close();

  // The supervisor's list has it: the member's phone, the comments, the number masked.
  const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  await trpcMutate(api, "auth.login", { username: "supervisor", password: "doorstep" });
  const disputes = await trpcQuery<
    {
      householdId: string;
      fields: { personId: string | null; field: string; comment: string }[];
      comment: string | null;
      phone: string | null;
    }[]
  >(api, "check.disputes", { limit: 200 });
  const mine = disputes.find((d) => d.householdId === resident.householdId);
  expect(mine).toMatchObject({
    fields: [{ personId, field: "phone", comment: "电话已换号" }],
    comment: "请晚上打电话",
    phone: "138****8000",
  });
  await api.dispose();
});

test("English, large text, and a 320 px phone", async ({ browser }) => {
  const [context, page] = await residentPhone(browser, "10.9.0.3", 320);
  await page.goto(`/check?code=${resident.code}`);
  await expect(page.getByLabel("核查码", { exact: true })).toHaveValue(resident.code);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.screenshot({ path: `${SCREENS}/check-320.png`, fullPage: true });

  // Large text: the whole page scales, the choice is remembered, and it is all that is remembered.
  const largeText = page.getByRole("button", { name: "大字" });
  await expect(largeText).toHaveAttribute("aria-pressed", "false");
  const before = await page
    .getByLabel("姓名", { exact: true })
    .evaluate((el) => getComputedStyle(el).fontSize);
  await largeText.click();
  await expect(largeText).toHaveAttribute("aria-pressed", "true");
  const after = await page
    .getByLabel("姓名", { exact: true })
    .evaluate((el) => getComputedStyle(el).fontSize);
  expect(Number.parseFloat(after)).toBeGreaterThan(Number.parseFloat(before) * 1.2);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.reload();
  await expect(page.getByRole("button", { name: "大字" })).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(["doorstep.check.largeText"]);
  await page.screenshot({ path: `${SCREENS}/check-large-320.png`, fullPage: true });

  // English: the form, the server's miss and the household, in English.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("button", { name: "大字" }).click();
  await page.getByRole("button", { name: "切换语言: English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Check your household's registered details",
  );
  await fillProof(page, "Nobody", resident.idNumber, resident.code);
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("lookup-error")).toHaveText(/^No matching record was found\./);
  await fillProof(page, resident.name, resident.idNumber);
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your household as registered" })).toBeVisible();
  await expect(page.getByTestId("check-members")).toContainText(/Head of household|Spouse|Son|Daughter|Self/);
  await expect(page.getByTestId("check-state")).toContainText(
    /Staff visited on .+: Verified, no change \(being reviewed by the community\)/,
  );
  await expect(page.getByRole("button", { name: "All correct, confirm" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/check-english.png`, fullPage: true });

  // Large text on the household at 320 px: still nothing sideways.
  await page.getByRole("button", { name: "Large text" }).click();
  await page.setViewportSize({ width: 320, height: 700 });
  await expect(page.getByRole("button", { name: "Large text" })).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.screenshot({ path: `${SCREENS}/check-large.png`, fullPage: true });
  await seriousViolations(page, "result, English, large text");

  await page.getByRole("button", { name: "Something is wrong, report it" }).click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.screenshot({ path: `${SCREENS}/check-dispute-large-320.png`, fullPage: true });
  await context.close();
});

test("nothing cached, and no network and too many tries are said in words", async ({ browser }) => {
  const [context, page] = await residentPhone(browser, "10.9.0.4");
  // Opened again once the service worker controls the page: the link's code is stored in no cache.
  await page.goto("/check");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await page.goto(`/check?code=${resident.code}`);
  await expect(page.getByLabel("核查码", { exact: true })).toHaveValue(resident.code);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });
  expect(cached.filter((url) => url.includes("/check"))).toEqual([]);
  // A number no register holds, so this spec's household keeps its own daily allowance.
  await fillProof(page, "王小明", "110105194912310021");

  await context.setOffline(true);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByTestId("lookup-error")).toHaveText("网络连接失败，请检查网络后重试。");
  await context.setOffline(false);

  // Five tries a minute from one address; the sixth is asked to wait, and told for how long. One at a
  // time, each answered before the next, so the sixth is the one refused.
  const lookUp = async () => {
    const answered = page.waitForResponse((response) => response.url().includes("/api/trpc/check.lookup"));
    await page.getByRole("button", { name: "查询" }).click();
    await answered;
  };
  for (let i = 0; i < 5; i++) {
    await lookUp();
    await expect(page.getByTestId("lookup-error")).toContainText("未找到匹配的信息");
  }
  await lookUp();
  await expect(page.getByTestId("lookup-error")).toHaveText(
    /^尝试次数较多，为保护您的信息，请在 1 分钟后再试。/,
  );
  await page.screenshot({ path: `${SCREENS}/check-too-many.png` });
  await context.close();
});
