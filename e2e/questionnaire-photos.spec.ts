// Image questions end to end: an administrator publishes a questionnaire asking for a photo of the
// door and one per room (a repeat); an officer takes them offline at the door, through the visit's
// photo pipeline, and syncs; the supervisor sees every photo with the visit, and the answers say so.

import { expect } from "@playwright/test";
import type { Workbook } from "@/domain/questionnaire/definition";
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

// officer2's grid, which only questionnaire.spec (after this one) works in, at another door: its
// first room with one household alone, this spec's last.
const OFFICER = "officer2";
const SHOTS = "/tmp/shots-quest";
const CAMPAIGN = "出租屋消防安全检查（照片）";

const rows = (cells: string[][]) => cells.map((c, i) => ({ row: i + 1, cells: c }));
const fireCheck: Workbook = {
  survey: rows([
    ["type", "name", "label::zh", "label::en", "required"],
    ["image", "extinguisher", "灭火器照片", "Extinguisher photo", "yes"],
    ["begin_repeat", "rooms", "房间", "Rooms", ""],
    ["text", "room_use", "用途", "Use", ""],
    ["image", "room_photo", "房间照片", "Room photo", ""],
    ["end_repeat", "", "", "", ""],
  ]),
  choices: rows([["list_name", "name", "label::zh", "label::en"]]),
  settings: rows([
    ["form_title::zh", "form_title::en", "form_id", "version", "default_language"],
    ["消防检查", "Fire check", "fire_check", "1", "zh"],
  ]),
};

type Row = Record<string, string | boolean | null> & { id: string };

test("image questions take photos offline, which reach the supervisor with the visit", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await desk.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/supervise$/);
  const created = await campaignForOfficer(admin, OFFICER, CAMPAIGN);
  await uploadQuestionnaire(admin, "消防检查.xlsx", fireCheck);
  // The preview has no phone to take photos with: it says where they are taken.
  await expect(admin.getByTestId("questionnaire-preview")).toContainText("走访时在手机上拍照");
  await publishQuestionnaire(admin);

  const { phone, page } = await officerPhone(browser, OFFICER);
  await downloadCampaign(page, CAMPAIGN);
  const households = await readStore<Row>(page, "households");
  const household = households.findLast((h) => households.filter((o) => o.roomId === h.roomId).length === 1);
  if (!household) throw new Error("no room with one household alone");
  const roomId = String(household.roomId);
  // Three different pictures: three photos, each its own name.
  const pictures = await Promise.all(
    [0, 200, 400].map((y) => page.screenshot({ clip: { x: 0, y, width: 390, height: 200 } })),
  );

  await phone.setOffline(true);
  await page.goto(`/field/room?id=${roomId}`).catch(() => page.reload());
  await unlock(page);
  const form = page.getByTestId("questionnaire");
  await expect(form).toContainText("问卷：消防检查");
  const q = (name: string) => form.getByTestId(`q-${name}`);
  const take = (name: string, nth: number, picture: Buffer) =>
    q(name)
      .nth(nth)
      .locator('input[type="file"]')
      .setInputFiles({
        name: `${name}.png`,
        mimeType: "image/png",
        buffer: picture,
      });
  await take("extinguisher", 0, pictures[0]);
  await expect(q("extinguisher").getByRole("img")).toBeVisible();
  await expect(q("extinguisher")).toContainText(/已压缩，约 \d+ KB/);
  const addRoom = form.getByRole("button", { name: "+ 添加一行：房间" });
  await addRoom.click();
  await addRoom.click();
  await q("room_use").nth(0).fill("卧室");
  await take("room_photo", 0, pictures[1]);
  await q("room_use").nth(1).fill("厨房");
  await take("room_photo", 1, pictures[2]);
  await expect(q("room_photo").nth(1).getByRole("img")).toBeVisible();
  await q("extinguisher").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-image-questions.png` });

  await page.getByRole("button", { name: "全户核实无误" }).click();
  await page.getByRole("button", { name: /^已核实无变化/ }).click();
  await page.getByRole("button", { name: /^保存/ }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect(page).toHaveURL(/\/field$/, { timeout: 15_000 });
  const [entry] = (
    await readStore<{
      id: string;
      photos?: string[];
      payload: { visit: { campaignId: string; answers: Row } };
    }>(page, "outbox")
  ).filter((e) => e.payload.visit.campaignId === created.id);
  // Each answer is its photo's name; the entry lists them, for the upload before the visit.
  const { answers: given } = entry.payload.visit;
  const rooms = given.rooms as unknown as { room_photo: string }[];
  const named = [String(given.extinguisher), rooms[0].room_photo, rooms[1].room_photo];
  for (const name of named) expect(name).toMatch(/^[0-9a-f]{64}$/);
  expect(new Set(named).size).toBe(3);
  expect(entry.photos).toEqual(named);
  const photoCount = 3;
  await phone.setOffline(false);
  await syncUntilEmpty(page);

  const office = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const supervisor = await office.newPage();
  await login(supervisor, "supervisor");
  await expect(supervisor).toHaveURL(/\/supervise$/);
  await supervisor.goto("/supervise/review");
  await supervisor.locator(`[data-testid="queue-item"][data-visit-id="${entry.id}"]`).click();
  const review = supervisor.getByTestId("visit-review");
  const answers = review.getByTestId("review-answers");
  await expect(answers.getByTestId("review-answer").filter({ hasText: "灭火器照片" })).toContainText(
    "已拍照",
  );
  await expect(review.locator('img[src^="/api/photos/"]')).toHaveCount(photoCount);
  // Each photo is served to the supervisor from the server, not the phone.
  for (const img of await review.locator('img[src^="/api/photos/"]').all())
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await answers.scrollIntoViewIfNeeded();
  await supervisor.screenshot({ path: `${SHOTS}/supervisor-image-answers.png`, fullPage: true });

  await trpcMutate(desk.request, "campaign.close", { id: created.id });
  await Promise.all([phone.close(), desk.close(), office.close()]);
});
