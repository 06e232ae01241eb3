import { expect, type Page, test } from "@playwright/test";
import { citizenIdCheckChar } from "../domain/validators/citizen-id";
import { answerDialogs, login, readStore, SCREENS, syncUntilEmpty, unlock } from "./support";

/** A valid citizen ID for someone born on `birth` (YYYYMMDD), odd sequence = male. */
function citizenId(birth: string, male: boolean): string {
  const seq = 100 + Math.floor(Math.random() * 800);
  const sequence = String(male ? seq | 1 : seq & ~1).padStart(3, "0");
  const first17 = `440104${birth}${sequence}`;
  return first17 + citizenIdCheckChar(first17);
}

interface Picked {
  confirmRoom: string;
  correctRoom: string;
  correctName: string;
  rentalRoom: string;
  badIdRoom: string;
}

/** Rooms from the phone's own store: two plain households (one with a mobile to correct) and a rental. */
async function pickRooms(page: Page): Promise<Picked> {
  {
    type Row = Record<string, string | null> & { id: string; roomId: string };
    const [households, persons, rentals, units] = await Promise.all(
      ["households", "persons", "rentals", "units"].map((name) => readStore<Row>(page, name)),
    );
    const busy = new Set([...rentals.map((r) => r.roomId), ...units.map((u) => u.roomId)]);
    const perRoom = new Map<string, number>();
    for (const h of households) perRoom.set(h.roomId, (perRoom.get(h.roomId) ?? 0) + 1);
    const plain = households.filter((h) => !busy.has(h.roomId) && perRoom.get(h.roomId) === 1);
    const membersOf = (h: { id: string }) => persons.filter((p) => p.householdId === h.id);
    const withMobile = plain.find(
      (h) => membersOf(h).length >= 2 && membersOf(h).some((p) => /^1[3-9]\d{9}$/.test(p.phone ?? "")),
    );
    if (!withMobile) throw new Error("no household with a mobile number");
    const others = plain.filter((h) => h.id !== withMobile.id && membersOf(h).length >= 1);
    const rental = rentals.find((r) => !perRoom.has(r.roomId) && !units.some((u) => u.roomId === r.roomId));
    if (!rental || others.length < 2) throw new Error("not enough rooms of each kind");
    const person = membersOf(withMobile).find((p) => /^1[3-9]\d{9}$/.test(p.phone ?? ""));
    return {
      confirmRoom: others[0].roomId,
      correctRoom: withMobile.roomId,
      correctName: String(person?.name),
      rentalRoom: rental.roomId,
      badIdRoom: others[1].roomId,
    };
  }
}

const tile = (page: Page, roomId: string) => page.locator(`a[href="/field/room?id=${roomId}"]`);

async function openRoom(page: Page, roomId: string) {
  const search = page.getByPlaceholder("搜索地址、姓名或身份证号后几位");
  if (await search.isVisible()) await search.fill("");
  await tile(page, roomId).click();
  await expect(page).toHaveURL(new RegExp(`/field/room\\?id=${roomId}`));
  await expect(page.getByTestId("room-title")).toBeVisible();
}

async function saveAndReturn(page: Page, shot: string) {
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toHaveText(/已保存，待同步/);
  await page.screenshot({ path: `${SCREENS}/${shot}` });
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  await expect(page.getByTestId("grid-progress")).toBeVisible();
}

test("an officer records three visits offline, and they survive a reload", async ({ page, context }) => {
  test.setTimeout(180_000);
  const dialogs = answerDialogs(page);
  await login(page, "officer1");
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/);
  await expect(page.getByTestId("pending")).toHaveText("待同步 0");
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });
  const rooms = await pickRooms(page);

  await context.setOffline(true);

  // (a) A household confirmed unchanged.
  await openRoom(page, rooms.confirmRoom);
  await page.screenshot({ path: `${SCREENS}/visit-room.png`, fullPage: true });
  await page.getByRole("button", { name: "全户核实无误" }).click();
  await expect(page.getByTestId("member").first()).toContainText("已核实");
  await page.getByRole("button", { name: /^已核实无变化/ }).click();
  await expect(page.getByTestId("chosen-outcome")).toHaveText("已核实无变化");
  // GPS with its accuracy, and a door-plate photo compressed on the phone.
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: 23.1190123, longitude: 113.2637456, accuracy: 14 });
  await page.getByRole("button", { name: "获取定位" }).click();
  await expect(page.getByTestId("gps-position")).toContainText("纬度 23.119012，经度 113.263746");
  await expect(page.getByTestId("gps-position")).toContainText("精度约 ±14 米");
  const photo = await page.screenshot({ fullPage: true });
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "door.png", mimeType: "image/png", buffer: photo });
  await expect(page.getByTestId("photo").getByRole("img")).toBeVisible();
  await expect(page.getByTestId("photo")).toContainText(/已压缩，约 \d+ KB/);
  await page.screenshot({ path: `${SCREENS}/visit-confirmed.png`, fullPage: true });
  await saveAndReturn(page, "visit-saved.png");
  await expect(page.getByTestId("pending")).toHaveText("待同步 1");
  await expect(tile(page, rooms.confirmRoom)).toContainText("已核查");

  // (b) A member's phone corrected and a child added. Location refused: said so, and saving still works.
  await context.clearPermissions();
  await openRoom(page, rooms.correctRoom);
  await page.getByRole("button", { name: "获取定位" }).click();
  await expect(page.getByTestId("gps-error")).toContainText("定位权限被拒绝");
  const member = page.getByTestId("member").filter({ hasText: rooms.correctName });
  await member.getByRole("button", { name: "更正" }).click();
  const correction = page.getByTestId("person-form");
  await correction.getByLabel("联系电话").fill("139 0000 2222");
  await expect(correction.getByTestId("register-value")).toContainText("台账：");
  await page.screenshot({ path: `${SCREENS}/visit-correct.png`, fullPage: true });
  await correction.getByRole("button", { name: "确定" }).click();
  await expect(member.getByTestId("diff-list")).toContainText("13900002222");

  await page.getByRole("button", { name: "添加成员" }).click();
  const child = page.getByTestId("person-form");
  await child.getByLabel("姓名").fill("测试小童");
  await child.getByLabel("公民身份号码").fill(citizenId("20200315", true));
  // Birth date and sex come from the ID number.
  await expect(child.getByLabel("出生日期")).toHaveValue("2020-03-15");
  await expect(child.getByLabel("性别")).toHaveValue("1");
  await child.getByLabel("与户主关系").selectOption("20");
  await page.screenshot({ path: `${SCREENS}/visit-add-child.png`, fullPage: true });
  await child.getByRole("button", { name: "添加" }).click();
  await expect(page.getByTestId("new-member")).toContainText("测试小童");
  await page.getByRole("button", { name: /^信息变更/ }).click();
  await expect(page.getByRole("button", { name: "保存（2 项变更）" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/visit-changed.png`, fullPage: true });
  await saveAndReturn(page, "visit-saved-changed.png");
  await expect(page.getByTestId("pending")).toHaveText("待同步 2");

  // (c) A rental room with a new tenant.
  await openRoom(page, rooms.rentalRoom);
  const occupantsBefore = Number(await page.getByTestId("occupants").first().textContent());
  // The rental's own details, corrected against the register.
  await page.getByTestId("rental").first().getByRole("button", { name: "更正" }).click();
  const rentalForm = page.getByTestId("rental-form");
  await rentalForm.getByLabel("租赁备案证号").fill("穗租备0104E2E001");
  await expect(rentalForm.getByTestId("register-value").first()).toContainText("台账：");
  await rentalForm.getByRole("button", { name: "确定" }).click();
  await expect(page.getByTestId("rental").first().getByTestId("diff-list")).toContainText("穗租备0104E2E001");
  await page.getByRole("button", { name: "添加承租人" }).first().click();
  const tenant = page.getByTestId("person-form");
  await tenant.getByLabel("姓名").fill("测试租客");
  await tenant.getByLabel("公民身份号码").fill(citizenId("19950620", false));
  await tenant.getByLabel("联系电话").fill("13712345678");
  await tenant.getByLabel("入住日期").fill("2026-11-01");
  await tenant.getByRole("button", { name: "添加" }).click();
  await expect(page.getByTestId("new-tenant")).toContainText("测试租客");
  await expect(page.getByTestId("occupants").first()).toHaveText(String(occupantsBefore + 1));
  await page.getByRole("button", { name: /^新增人员/ }).click();
  await page.screenshot({ path: `${SCREENS}/visit-rental.png`, fullPage: true });
  await saveAndReturn(page, "visit-saved-rental.png");
  await expect(page.getByTestId("pending")).toHaveText("待同步 3");

  // Reload offline: the three visits and the pending count are still there (after the browser asked
  // whether to leave a page with unsent work).
  await page.reload();
  expect(dialogs.leaveWarnings).toBeGreaterThan(0);
  // The reload forgot the data key: offline, the PIN opens the store again.
  await unlock(page);
  await expect(page.getByTestId("pending")).toHaveText("待同步 3");
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 3 \/ \d+ 间/);
  for (const roomId of [rooms.confirmRoom, rooms.correctRoom, rooms.rentalRoom]) {
    await expect(tile(page, roomId)).toContainText("已核查");
  }
  await page.screenshot({ path: `${SCREENS}/visit-list-offline.png`, fullPage: true });

  // The outbox holds the three envelopes as the server will get them.
  const entries = (
    await readStore<{
      state: string;
      createdAt: string;
      payload: { visit: Record<string, unknown>; changes: { entity: string; field: string }[] };
    }>(page, "outbox")
  ).sort((x, y) => x.createdAt.localeCompare(y.createdAt));
  const outbox = (() => {
    return entries.map((e) => ({
      state: e.state,
      roomId: e.payload.visit.roomId,
      outcome: e.payload.visit.outcome,
      lat: e.payload.visit.lat,
      accuracyM: e.payload.visit.accuracyM,
      photo: e.payload.visit.photoSha256,
      changes: e.payload.changes.map((c) => `${c.entity}.${c.field}`).sort(),
    }));
  })();
  expect(outbox).toEqual([
    {
      state: "pending",
      roomId: rooms.confirmRoom,
      outcome: "verified",
      lat: 23.119012,
      accuracyM: 14,
      photo: expect.stringMatching(/^[0-9a-f]{64}$/),
      changes: [],
    },
    {
      state: "pending",
      roomId: rooms.correctRoom,
      outcome: "changed",
      lat: null,
      accuracyM: null,
      photo: null,
      changes: ["person.*", "person.phone"],
    },
    {
      state: "pending",
      roomId: rooms.rentalRoom,
      outcome: "new_person",
      lat: null,
      accuracyM: null,
      photo: null,
      changes: ["person.*", "rental.actualOccupants", "rental.filingNo", "rental_tenant.*"],
    },
  ]);

  // The corrected household shows what the officer observed.
  await openRoom(page, rooms.correctRoom);
  await expect(page.getByTestId("member").filter({ hasText: "测试小童" })).toBeVisible();
  await expect(page.getByTestId("previous-visits")).toContainText("信息变更 · 待同步");

  // A wrong check character is named as it is typed, and nothing is saved.
  await page.goto(`/field/room?id=${rooms.badIdRoom}`);
  await unlock(page);
  await page.getByRole("button", { name: "添加成员" }).click();
  const bad = page.getByTestId("person-form");
  await bad.getByLabel("姓名").fill("错号测试");
  const good = citizenId("19800101", true);
  const wrong = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
  await bad.getByLabel("公民身份号码").fill(wrong);
  await expect(bad.getByText("公民身份号码校验位不正确，请核对最后一位")).toBeVisible();
  await bad.getByRole("button", { name: "添加" }).click();
  await expect(page.getByTestId("new-member")).toHaveCount(0);
  // The quick "no contact" row at the top of the room.
  await page.getByRole("button", { name: "无人应答" }).first().click();
  await expect(page.getByTestId("revisit-top")).toContainText("第 1 次上门未接触，3 次后上报社区");
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("save-problems")).toContainText("还有未完成的表单");
  await page.screenshot({ path: `${SCREENS}/visit-bad-id.png`, fullPage: true });

  // What was typed survives a reload as a draft, error and all; discarding it leaves nothing.
  await page.waitForTimeout(1_000);
  await page.reload();
  await unlock(page);
  await expect(page.getByTestId("draft-restored")).toBeVisible();
  await expect(page.getByTestId("chosen-outcome")).toHaveText("无人应答");
  await expect(bad.getByLabel("姓名")).toHaveValue("错号测试");
  await expect(bad.getByLabel("公民身份号码")).toHaveValue(wrong);
  await expect(bad.getByText("公民身份号码校验位不正确，请核对最后一位")).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/visit-draft-restored.png` });
  await page.getByRole("button", { name: "放弃草稿" }).click();
  await expect(page.getByTestId("person-form")).toHaveCount(0);
  await page.goto("/field");
  await unlock(page);
  await expect(page.getByTestId("pending")).toHaveText("待同步 3");
  await expect(tile(page, rooms.badIdRoom)).toContainText("未核查");

  // 320 px wide still fits without sideways scrolling, in Chinese and in English.
  await page.setViewportSize({ width: 320, height: 640 });
  await openRoom(page, rooms.rentalRoom);
  await page.getByRole("button", { name: "添加承租人" }).first().click();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENS}/visit-320.png`, fullPage: true });
  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByRole("button", { name: /^Save/ })).toBeVisible();
  await expect(page.locator("body")).not.toContainText(/visit\.|validation\./);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENS}/visit-320-en.png`, fullPage: true });
  await page.getByRole("button", { name: "Switch language" }).click();

  // A signal again: the three visits go to the server and leave the outbox.
  await context.setOffline(false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/field");
  await expect(page.getByTestId("pending")).toHaveText(/待同步 [0-3]/);
  await syncUntilEmpty(page);
  await expect(page.getByTestId("sync-state")).toContainText("上次同步");
  await page.screenshot({ path: `${SCREENS}/sync-done.png` });
  await openRoom(page, rooms.correctRoom);
  await expect(page.getByTestId("previous-visits")).toContainText("信息变更");
  await expect(page.getByTestId("previous-visits")).not.toContainText("待同步");
  await expect(page.getByTestId("member").filter({ hasText: "测试小童" })).toBeVisible();
});

test("a unit is corrected field by field, then recorded as closed", async ({ page, context }) => {
  answerDialogs(page);
  // officer3's grid has units in the e2e data set (officer1's has none).
  await login(page, "officer3");
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 0 \/ \d+ 间/);
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });
  const unitRoom =
    (await readStore<{ roomId: string | null }>(page, "units")).find((u) => u.roomId)?.roomId ?? null;
  expect(unitRoom).not.toBeNull();
  await context.setOffline(true);
  await openRoom(page, unitRoom!);
  const unit = page.getByTestId("unit").first();
  await unit.getByRole("button", { name: "更正" }).click();
  const form = page.getByTestId("unit-form");
  await form.getByLabel("从业人数").fill("77");
  await expect(form.getByTestId("register-value").first()).toContainText("台账：");
  await page.screenshot({ path: `${SCREENS}/visit-unit-form.png`, fullPage: true });
  await form.getByRole("button", { name: "确定" }).click();
  await expect(unit.getByTestId("diff-list")).toContainText("从业人数");
  await expect(unit.getByTestId("diff-list")).toContainText("77");
  // Changed mind: it has closed down.
  await unit.getByRole("button", { name: "撤销" }).click();
  await unit.getByRole("button", { name: "歇业/停业/注销" }).click();
  await unit.getByRole("button", { name: "歇业" }).click();
  await expect(unit.getByTestId("diff-list")).toContainText("歇业");
  await page.getByRole("button", { name: /^单位歇业\/注销/ }).click();
  await page.screenshot({ path: `${SCREENS}/visit-unit.png`, fullPage: true });
  await saveAndReturn(page, "visit-saved-unit.png");
  await expect(page.getByTestId("pending")).toHaveText("待同步 1");
  await context.setOffline(false);
});
