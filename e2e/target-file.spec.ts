// A department's returned file end to end: an administrator opens a returned-file campaign over one
// community, uploads a file of 20 rows (moves in, a death, a birth, three rows that match nothing, one
// with a bad ID number…) and reads the row-level report; the officer's phone shows the claims at their
// doors, confirms one move-in and refutes another, and confirms the move-in of a registered resident
// into another room of the grid; after approval the confirmed newcomer is in the register, the refuted
// one is not, and the resident lives at the new door; the results export answers all 20 lines. The spec closes its
// campaign at the end.

import { mkdirSync } from "node:fs";
import { expect } from "@playwright/test";
import { parse as parseCsv } from "csv-parse/sync";
import { chinaDay } from "@/domain/progress";
import { citizenIdCheckChar } from "@/domain/validators/citizen-id";
import {
  gridWithNewOfficer,
  login,
  officerPhone,
  readStore,
  syncUntilEmpty,
  test,
  trpcMutate,
} from "./support";

const SHOTS = "/tmp/shots-targets";

type Row = Record<string, unknown>;

/** A Yuexiu-district citizen ID with its right check character (ISO 7064 MOD 11-2). */
const citizenId = (birth: string, seq: string) => {
  const first17 = `440104${birth}${seq}`;
  return first17 + citizenIdCheckChar(first17);
};

test("a returned file of 20 rows: report per row, a move-in confirmed and one refuted at the door, the export answers every line", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  mkdirSync(SHOTS, { recursive: true });
  const name = `户籍变动回流核实 ${Date.now()}`;
  const stamp = String(Date.now() % 1_000);

  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  // The grid before the last (targets.spec takes the last), with an officer of this spec's own.
  const { grid, community, officer } = await gridWithNewOfficer(admin, -2, {
    prefix: "tf",
    displayName: "回流核实员",
  });
  const created = await trpcMutate<{ id: string }>(admin.request, "campaign.create", {
    name,
    startsOn: chinaDay(new Date()),
    areaIds: [community.id],
    target: { kind: "file" },
  });
  await trpcMutate(admin.request, "campaign.assign", {
    campaignId: created.id,
    gridId: grid.id,
    officerId: officer.id,
  });

  // The grid's register as the administrator exports it (unmasked): the department's file names its people and rooms.
  const registerOf = async (kind: string) => {
    const response = await admin.request.get(
      `/api/export/register?format=csv&kind=${kind}&areaId=${grid.id}`,
    );
    expect(response.ok()).toBe(true);
    return parseCsv((await response.body()).subarray(3), { columns: true }) as Record<string, string>[];
  };
  const rooms = (await registerOf("rooms")).filter((r) => r.房号);
  const people = (await registerOf("persons")).filter((p) => /^\d{17}[\dX]$/.test(p.公民身份号码 ?? ""));
  expect(rooms.length).toBeGreaterThanOrEqual(9);
  expect(people.length).toBeGreaterThanOrEqual(8);
  const at = (r: Record<string, string>) => [r.建筑物编码, r.单元 ?? "", r.房号];
  const newcomers = Array.from({ length: 8 }, (_, i) => ({
    id: citizenId(`1990010${i + 1}`, `${stamp.padStart(3, "0").slice(0, 2)}${i + 1}`),
    name: `迁入者${i + 1}`,
  }));
  const mover = people.slice(7).find((p) => at(p).join("|") !== at(rooms[7]).join("|")) as Record<
    string,
    string
  >;
  expect(mover).toBeTruthy();
  const unknown = (i: number) => citizenId(`1980020${i}`, `7${stamp.slice(-1)}${i}`);
  const badId = `${newcomers[0].id.slice(0, 17)}${newcomers[0].id[17] === "0" ? "1" : "0"}`;
  const lines: string[][] = [
    ["变动类型", "变动日期", "身份证号", "姓名", "建筑物编码", "单元", "房号"],
    // rows 2–8: seven moves in of people not in the register, each at a room of the grid
    ...newcomers.slice(0, 7).map((n, i) => ["迁入", `2026-11-0${i + 1}`, n.id, n.name, ...at(rooms[i])]),
    // row 9: a registered resident of the grid moving into another of its rooms
    ["迁入", "2026-11-08", mover.公民身份号码, mover.姓名, ...at(rooms[7])],
    // row 10: a death of a registered person; row 11: a birth at a room
    ["死亡", "2026-10-15", people[0].公民身份号码, people[0].姓名, "", "", ""],
    ["出生", "2026-09-09", "", "新生儿", ...at(rooms[8])],
    // rows 12–14: three rows that match nothing (no such person, no such room)
    ["迁出", "", unknown(1), "查无此人", "", "", ""],
    ["死亡", "", unknown(2), "查无此人", "NOSUCHBUILDING", "", "101"],
    ["新增低保", "", unknown(3), "查无此人", "", "", ""],
    // row 15: a bad ID number
    ["死亡", "", badId, "错号", "", "", ""],
    // rows 16–21: low-income approvals and moves out of registered people
    ...people.slice(1, 4).map((p) => ["新增低保", "2026-11-30", p.公民身份号码, p.姓名, "", "", ""]),
    ...people.slice(4, 7).map((p) => ["迁出", "2026-11-28", p.公民身份号码, p.姓名, "", "", ""]),
  ];
  expect(lines.length - 1).toBe(20);
  const file = `${lines.map((l) => l.join(",")).join("\n")}\n`;

  // The administrator uploads it on the campaign's page and reads the row-level report.
  await admin.goto("/supervise/campaigns");
  await admin
    .getByTestId("campaign-card")
    .filter({ hasText: name })
    .getByRole("button", { name: "分配网格" })
    .click();
  await expect(admin.getByRole("heading", { name, level: 1 })).toBeVisible();
  const panel = admin.getByTestId("target-file");
  await panel.locator('input[type="file"]').setInputFiles({
    name: "派出所回流.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(file, "utf8"),
  });
  await panel.getByRole("button", { name: "上传并比对" }).click();
  const report = panel.getByTestId("target-file-report");
  await expect(report.getByRole("status")).toHaveText(
    "共 20 行：匹配 7，匹配但有差异 1，仅匹配到房屋 8，未采用 4",
  );
  await expect(report.locator('tr[data-outcome="rejected"]')).toHaveCount(4);
  await expect(report.locator("tr").filter({ hasText: "身份证号" }).filter({ hasText: "有误" })).toHaveCount(
    1,
  );
  await expect(admin.getByTestId("campaign-targets")).toHaveText("走访对象：16 个（部门回流数据）");
  await panel.evaluate((el) => el.scrollIntoView({ block: "start" }));
  await admin.screenshot({ path: `${SHOTS}/admin-target-file-report.png` });

  // The officer downloads the campaign; each target carries its claim.
  const { phone, page } = await officerPhone(browser, officer.username, officer.temporaryPassword);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText("个对象", { timeout: 30_000 });
  const targets = await readStore<Row>(page, "campaignTargets");
  expect(targets).toHaveLength(16);
  const roomOf = (idNumber: string) =>
    String(targets.find((t) => (t.claim as Row | null)?.idNumber === idNumber)?.roomId);

  // Row 2: the newcomer is there — confirmed.
  await page.goto(`/field/room?id=${roomOf(newcomers[0].id)}`);
  const claim = page.getByTestId("claim").filter({ hasText: "迁入" }).first();
  await expect(claim).toContainText("2026-11-01");
  await claim.getByRole("button", { name: "属实", exact: true }).click();
  await expect(claim).toContainText("经审核通过才写入台账");
  await page.screenshot({ path: `${SHOTS}/phone-claim.png` });
  await page.getByRole("button", { name: /^新增人员/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });

  // Row 3: nobody of that name lives there — not so, with what was found.
  await page.goto(`/field/room?id=${roomOf(newcomers[1].id)}`);
  const other = page.getByTestId("claim").filter({ hasText: "迁入" }).first();
  await other.getByRole("button", { name: "不属实", exact: true }).click();
  await other.getByTestId("claim-found").fill("住户称无此人迁入，房屋由原住户居住");
  await page.screenshot({ path: `${SHOTS}/phone-claim-refuted.png` });
  await page.getByRole("button", { name: /^已核实无变化/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });

  // Row 9: the registered resident does live here now — confirmed; approving will move them.
  await page.goto(`/field/room?id=${roomOf(mover.公民身份号码)}`);
  const move = page.getByTestId("claim").filter({ hasText: "2026-11-08" });
  await expect(move).toContainText("与登记信息不一致");
  await expect(move.getByTestId("claim-stays")).toHaveCount(0);
  await move.getByRole("button", { name: "属实", exact: true }).click();
  await page.getByRole("button", { name: /^信息变更/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await syncUntilEmpty(page);

  // The reviewer approves both visits; the register then holds the confirmed newcomer only.
  const doors = new Set([roomOf(newcomers[0].id), roomOf(newcomers[1].id), roomOf(mover.公民身份号码)]);
  const visits = (await readStore<Row>(page, "visits")).filter((v) => doors.has(String(v.roomId)));
  expect(visits).toHaveLength(3);
  // The reviewer reads each of the department's lines beside the officer's word on it.
  await admin.goto("/supervise/review");
  for (const [visit, answer] of [
    [visits.find((v) => v.roomId === roomOf(newcomers[0].id)), "属实"],
    [visits.find((v) => v.roomId === roomOf(newcomers[1].id)), "不属实"],
  ] as const) {
    await admin.locator(`[data-testid="queue-item"][data-visit-id="${visit?.id}"]`).click();
    const line = admin.getByTestId("review-claim");
    await expect(line).toHaveCount(1);
    await expect(line).toContainText("迁入");
    await expect(line.locator("[data-answer]")).toHaveText(new RegExp(`^${answer}`));
  }
  await expect(admin.getByTestId("review-claim")).toContainText("住户称无此人迁入，房屋由原住户居住");
  await admin.screenshot({ path: `${SHOTS}/review-claim-refuted.png` });
  // The move: the resident's room and household as places, the door beside where they were.
  const moveVisit = visits.find((v) => v.roomId === roomOf(mover.公民身份号码));
  await admin.locator(`[data-testid="queue-item"][data-visit-id="${moveVisit?.id}"]`).click();
  const moveRows = admin.getByTestId("review-changes").locator("tbody tr");
  await expect(moveRows.filter({ hasText: "居住房屋" })).toContainText(rooms[7].房号);
  await expect(moveRows.filter({ hasText: "所属户" })).toHaveCount(1);
  await expect(admin.getByTestId("review-claim-stays")).toHaveCount(0);
  await admin.screenshot({ path: `${SHOTS}/review-move-in.png` });
  await trpcMutate(admin.request, "review.decide", {
    visits: visits.map((v) => ({ id: v.id, version: Number(v.version ?? 1) })),
    decision: "approve",
    comment: null,
  });
  // The register: the confirmed newcomer is there (under the id their target carried), the refuted one not.
  const subjectOf = (idNumber: string) =>
    String(targets.find((t) => (t.claim as Row | null)?.idNumber === idNumber)?.subjectId);
  const revealed = await trpcMutate<{ idNumber: string; roomId: string | null }>(
    admin.request,
    "person.reveal",
    {
      id: subjectOf(newcomers[0].id),
    },
  );
  expect(revealed.idNumber).toBe(newcomers[0].id);
  const refused = await admin.request.post("/api/trpc/person.reveal", {
    data: { json: { id: subjectOf(newcomers[1].id) } },
  });
  expect(refused.status()).toBe(404);
  // The resident now lives at the door the department named, out of their old household: the phone's
  // next sync brings their register row so.
  await expect
    .poll(
      async () => {
        await page
          .getByTestId("sync-chip")
          .first()
          .click()
          .catch(() => {});
        const row = (await readStore<Row>(page, "persons")).find(
          (p) => p.id === subjectOf(mover.公民身份号码),
        );
        return row ? [row.roomId, row.householdId ?? null] : null;
      },
      { timeout: 30_000 },
    )
    .toEqual([roomOf(mover.公民身份号码), null]);

  // The results export answers all 20 lines of the file, in its order.
  const exported = await admin.request.get(`/api/export/results?format=csv&campaignId=${created.id}`);
  expect(exported.ok()).toBe(true);
  const [header, ...rows] = parseCsv((await exported.body()).subarray(3)) as string[][];
  const col = (h: string) => header.indexOf(h);
  expect(rows.map((r) => Number(r[col("原文件行号")]))).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  for (const r of rows) expect(r[col("核实结论")]).not.toBe("");
  expect(rows[0][col("核实结论")]).toBe("属实");
  expect(rows[1][col("核实结论")]).toBe("不属实");
  expect(rows[1][col("核实情况/原因")]).toBe("住户称无此人迁入，房屋由原住户居住");
  expect(rows.filter((r) => r[col("核实结论")] === "未采用")).toHaveLength(4);
  expect(rows[7][col("核实结论")]).toBe("属实");
  expect(rows.filter((r) => r[col("核实结论")] === "未走访")).toHaveLength(13);

  await trpcMutate(admin.request, "campaign.close", { id: created.id });
  await phone.close();
  await desk.close();
});
