// A targeted campaign from creation to progress, on PostgreSQL so the test can count in SQL itself: an
// administrator creates 60岁以上老人健康档案 over one community with its targets the persons aged 60 and
// over on 2026-12-31, sees the preview per grid, opens it with the elderly questionnaire; the officer's
// phone lists exactly those persons of its grid (counted here by a direct SQL count, not by the app);
// the officer answers two of them offline, syncs, and progress says 2 of N targets visited.
//
// The spec runs a server of its own on a fresh PostgreSQL database (TEST_DATABASE_URL's server, else the
// local one), seeded with the demo street at a tenth, and drops the database at the end. With no
// PostgreSQL answering it is skipped, and says so.

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import { Client } from "pg";
import { chinaDay } from "@/domain/progress";
import { elderlyHealth } from "../test/domain/questionnaire/fixtures/elderly-health";
import {
  answerDialogs,
  gridWithNewOfficer,
  login,
  publishQuestionnaire,
  readStore,
  syncUntilEmpty,
  test,
  trpcMutate,
  unlock,
  uploadQuestionnaire,
} from "./support";

const PORT = Number(process.env.TARGETS_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1);
const BASE = `http://127.0.0.1:${PORT}`;
const SERVER_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const SHOTS = "/tmp/shots-tcount";
const AGE_AT = "2026-12-31";
/** Aged 60 or over on AGE_AT: born on or before this day. */
const BORN_BY = "1966-12-31";

test.use({ baseURL: BASE });

type Row = Record<string, unknown>;

let server: ChildProcess | null = null;
let databaseName = "";
let databaseUrl = "";

async function onServer<T = Row>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function reachable(): Promise<boolean> {
  try {
    await onServer(SERVER_URL, "select 1");
    return true;
  } catch {
    return false;
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  if (!(await reachable())) return;
  databaseName = `doorstep_targets_${randomBytes(5).toString("hex")}`;
  await onServer(SERVER_URL, `create database ${databaseName}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
  server = spawn("node", ["node_modules/next/dist/bin/next", "start", "-p", String(PORT)], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DOORSTEP_DEMO: "1",
      DOORSTEP_DEMO_SCALE: "0.1",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error("the spec's server did not come up");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // The spec runs on the database it counts in, not on whatever the server fell back to.
  expect((await (await fetch(`${BASE}/api/health`)).json()).database).toBe("postgresql");
});

test.afterAll(async () => {
  const running = server;
  server = null;
  if (running?.pid) {
    const exited = new Promise((resolve) => running.once("exit", resolve));
    process.kill(-running.pid, "SIGTERM");
    await exited;
  }
  if (databaseName) await onServer(SERVER_URL, `drop database if exists ${databaseName} with (force)`);
});

/** Answers the elderly questionnaire as briefly as it allows and saves the visit as verified. */
async function answerAndSave(page: Page) {
  const form = page.getByTestId("questionnaire");
  await expect(form).toContainText("问卷：老年人健康档案");
  const q = (name: string) => form.getByTestId(`q-${name}`);
  await q("self_care").getByLabel("完全自理").check();
  await q("lives_alone").getByLabel("否").check();
  await q("chronic_diseases").getByLabel("无", { exact: true }).check();
  await q("insurance_type").getByLabel("城乡居民医保").check();
  await q("address").fill("光塔街 老人住址");
  await q("needs").getByLabel("无", { exact: true }).check();
  await q("book_check").getByLabel("是").check();
  await q("consent").check();
  await page.getByRole("button", { name: "全户核实无误" }).click();
  await page.getByRole("button", { name: /^已核实无变化/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
}

test("a targeted campaign's phone lists exactly the SQL's persons aged 60+, and progress counts 2 of N targets", async ({
  browser,
}) => {
  test.skip(!databaseUrl, `no PostgreSQL answers at ${SERVER_URL}: this spec counts in SQL itself`);
  test.setTimeout(300_000);
  mkdirSync(SHOTS, { recursive: true });
  const name = "60岁以上老人健康档案";

  const desk = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  const { grid, community, officer } = await gridWithNewOfficer(admin, 0, {
    prefix: "tgt",
    displayName: "老人走访员",
  });

  // The persons aged 60+ on AGE_AT living at a room of the grid, by the test's own SQL.
  const sqlTargets = async (where: string, value: string) =>
    onServer<{ id: string; name: string; room_id: string }>(
      databaseUrl,
      `select p.id, p.name, r.id as room_id
       from persons p left join households h on h.id = p.household_id
       join rooms r on r.id = coalesce(p.room_id, h.room_id) and r.ended_at is null
       join areas g on g.id = p.grid_id
       where p.ended_at is null and p.birth_date <= $2::date and ${where}`,
      [value, BORN_BY],
    );
  const expected = await sqlTargets("g.id = $1", grid.id);
  const inCommunity = await sqlTargets("g.parent_id = $1", community.id);
  expect(expected.length).toBeGreaterThan(2);

  // The administrator builds the query, previews it per grid and creates the campaign.
  await admin.goto("/supervise/campaigns");
  await admin.getByRole("button", { name: "新建核查任务" }).click();
  const form = admin.getByTestId("campaign-form");
  await form.getByLabel("任务名称").fill(name);
  await form.getByLabel("开始日期").fill(chinaDay(new Date()));
  await form.getByLabel(community.name, { exact: true }).check();
  await form.getByRole("radio", { name: "按登记信息筛选对象" }).check();
  await form.getByLabel("年龄不小于（周岁）").fill("60");
  await form.getByLabel("年龄计算日期").fill(AGE_AT);
  await form.getByRole("button", { name: "预览筛选结果" }).click();
  const preview = form.getByTestId("target-preview");
  await expect(preview.getByTestId("target-total")).toContainText(`共 ${inCommunity.length} 个对象`);
  const gridRow = preview.locator(`[data-grid="${grid.id}"]`);
  await expect(gridRow.locator("td").last()).toHaveText(String(expected.length));
  await preview.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${SHOTS}/admin-preview.png` });
  await form.getByRole("button", { name: "创建并开始" }).click();
  await expect(admin.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(admin.getByTestId("campaign-targets")).toHaveText(
    `走访对象：${inCommunity.length} 个（按登记信息筛选）`,
  );
  await admin.locator(`select#grid-${grid.id}`).selectOption(officer.id);
  await expect(admin.getByTestId("campaign-notice")).toContainText("已分配给");
  // …with the elderly questionnaire.
  await uploadQuestionnaire(admin, "老年人健康档案.xlsx", elderlyHealth);
  await publishQuestionnaire(admin);
  await expect(admin.getByTestId("questionnaire-current")).toContainText("第 1 版");
  const [{ id: campaignId }] = await onServer<{ id: string }>(
    databaseUrl,
    "select id from campaigns where name = $1",
    [name],
  );

  // The officer's phone lists exactly the SQL's persons.
  const phone = await browser.newContext({
    baseURL: BASE,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  answerDialogs(page);
  await login(page, officer.username, officer.temporaryPassword);
  await expect(page).toHaveURL(/\/field$/);
  await expect(page.getByTestId("campaign")).toContainText(name);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toHaveText(`已核查 0 / ${expected.length} 个对象`, {
    timeout: 30_000,
  });
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.ready).active && !!navigator.serviceWorker.controller,
  );
  await expect(page.getByTestId("work-room")).toHaveCount(expected.length);
  const shown = await page.getByTestId("target-name").allTextContents();
  expect(shown.sort()).toEqual(expected.map((p) => p.name).sort());
  const targets = await readStore<Row>(page, "campaignTargets");
  expect(new Set(targets.map((t) => t.subjectId))).toEqual(new Set(expected.map((p) => p.id)));
  await page.screenshot({ path: `${SHOTS}/phone-list.png` });

  // Two targets alone at their doors, each door one household and nothing else: answered offline.
  const [households, rentals, units] = await Promise.all(
    ["households", "rentals", "units"].map((store) => readStore<Row>(page, store)),
  );
  const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
  const alone = expected.filter(
    (p) =>
      expected.filter((o) => o.room_id === p.room_id).length === 1 &&
      !busy.has(p.room_id) &&
      households.filter((h) => h.roomId === p.room_id && !h.endedAt).length === 1,
  );
  expect(alone.length).toBeGreaterThanOrEqual(2);
  await phone.setOffline(true);
  for (const person of alone.slice(0, 2)) {
    await page.goto(`/field/room?id=${person.room_id}&person=${person.id}`).catch(() => page.reload());
    await unlock(page);
    await answerAndSave(page);
  }
  await expect(page.getByTestId("grid-progress")).toHaveText(`已核查 2 / ${expected.length} 个对象`);
  await page.screenshot({ path: `${SHOTS}/phone-list-answered.png` });
  await page.getByTestId("work-building").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-list-targets.png` });
  await phone.setOffline(false);
  await syncUntilEmpty(page);
  const [{ n: stored }] = await onServer<{ n: number }>(
    databaseUrl,
    "select count(*)::int as n from visits where campaign_id = $1 and answers is not null",
    [campaignId],
  );
  expect(stored).toBe(2);

  // Progress: 2 of N targets, N the SQL's count for the one grid given out (progress counts the
  // campaign's assigned grids).
  await admin.goto("/supervise/progress");
  await admin.getByLabel("核查任务").selectOption(campaignId);
  await expect(admin.getByTestId("completion-of")).toHaveText(`已走访 2 / 应核查 ${expected.length} 个对象`);
  await expect(admin.getByTestId("total-visited")).toHaveText("2");
  await expect(admin.getByTestId("total-checked")).toHaveText("2");
  await expect(admin.getByTestId("total-assigned")).toHaveText(String(expected.length));
  await expect(admin.getByTestId("targets-note")).toBeVisible();
  await admin.screenshot({ path: `${SHOTS}/progress.png` });

  await trpcMutate(admin.request, "campaign.close", { id: campaignId });
  await Promise.all([phone.close(), desk.close()]);
});
