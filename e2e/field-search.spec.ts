import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { login, readStore, SCREENS, unlock } from "./support";

// An officer no other spec works as; this spec only reads, so sharing one later would do no harm.
const OFFICER = "officer15";

interface Person {
  id: string;
  name: string;
  idNumber: string;
  householdId: string | null;
  relation: string | null;
  endedAt: string | null;
}

interface Target {
  personId: string;
  roomId: string;
  name: string;
  idNumber: string;
}

/**
 * Two members of the phone's own store to look for: the last-listed of the two biggest households (so
 * the room screen must scroll to reach them), each with a name and an ID ending no one else shares.
 */
async function pickTargets(page: Page): Promise<[Target, Target]> {
  const persons = await readStore<Person>(page, "persons");
  const households = await readStore<{ id: string; roomId: string; endedAt: string | null }>(
    page,
    "households",
  );
  const names = persons.map((p) => p.name);
  const uniqueName = (p: Person) => names.filter((n) => n.includes(p.name)).length === 1;
  const uniqueTail = (p: Person) =>
    persons.filter((o) => o.idNumber.toUpperCase().endsWith(p.idNumber.slice(-6).toUpperCase())).length === 1;
  const members = (h: { id: string }) => persons.filter((p) => p.householdId === h.id && !p.endedAt);
  const big = households
    .filter((h) => !h.endedAt && members(h).length >= 3)
    .sort((a, b) => members(b).length - members(a).length);
  const targets: Target[] = [];
  for (const household of big) {
    // The member with the highest relation code: listed after the head and the spouse.
    const last = members(household).sort((a, b) => (b.relation ?? "99").localeCompare(a.relation ?? "99"))[0];
    if (last.relation === "02" || !uniqueName(last) || !uniqueTail(last)) continue;
    targets.push({ personId: last.id, roomId: household.roomId, name: last.name, idNumber: last.idNumber });
    if (targets.length === 2) return [targets[0], targets[1]];
  }
  throw new Error("no two households of three or more with a findable member");
}

async function noSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.html}`) }));
  // Soft: one run reports every screen's violations, not only the first screen's.
  expect.soft(bad, `${label}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
}

async function downloadAndGoOffline(page: Page, context: import("@playwright/test").BrowserContext) {
  await login(page, OFFICER);
  await expect(page).toHaveURL(/\/field$/);
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/);
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return !!registration.active && !!navigator.serviceWorker.controller;
  });
  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await expect(page.getByTestId("grid-progress")).toBeVisible();
}

/** Types the query, then reaches the hit from the search box by keyboard alone and opens it with Enter. */
async function searchAndOpen(page: Page, query: string, target: Target, shot?: string) {
  const search = page.getByRole("searchbox", { name: "搜索" });
  await search.fill(query);
  const hit = page.getByTestId("search-hits").getByRole("link");
  await expect(hit).toHaveCount(1);
  // The count is said aloud as it changes, not only drawn.
  await expect(page.getByRole("status").filter({ hasText: /找到 1 处/ })).toBeVisible();
  await expect(hit).toHaveAccessibleName(new RegExp(target.name));
  // The box lies below the panels: typing brings it to the top, so the hits are on screen, not below.
  await expect(hit).toBeInViewport();
  if (shot) await page.screenshot({ path: `${SCREENS}/${shot}` });
  await search.focus();
  await page.keyboard.press("Tab");
  await expect(hit).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(new RegExp(`/field/room\\?id=${target.roomId}&person=${target.personId}$`));
  const member = page.locator(`[data-person-id="${target.personId}"]`);
  await expect(member).toContainText(target.name);
  await expect(member).toBeFocused();
  await expect(member).toBeInViewport({ ratio: 0.6 });
  // It was below the fold: the screen scrolled to it rather than opening at the top.
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
}

test("offline search hits open their room, scrolled to the member found, by keyboard", async ({
  page,
  context,
}) => {
  await downloadAndGoOffline(page, context);
  const [byName, byTail] = await pickTargets(page);

  await searchAndOpen(page, byName.name, byName, "field-search-hits.png");
  await page.screenshot({ path: `${SCREENS}/field-search-room-member.png` });

  await page.goBack();
  await expect(page).toHaveURL(/\/field$/);
  await searchAndOpen(page, byTail.idNumber.slice(-6), byTail, "field-search-id-tail.png");
  await page.screenshot({ path: `${SCREENS}/field-search-room-member-2.png` });
  await context.setOffline(false);
});

test("axe finds no serious or critical violation on /field and /field/room", async ({ page, context }) => {
  await downloadAndGoOffline(page, context);
  await noSeriousViolations(page, "/field list");
  const [target] = await pickTargets(page);
  await page.getByRole("searchbox", { name: "搜索" }).fill(target.name);
  await expect(page.getByTestId("search-hits").getByRole("listitem").first()).toBeVisible();
  await noSeriousViolations(page, "/field search hits");
  await page.goto(`/field/room?id=${target.roomId}`);
  await unlock(page);
  await expect(page.getByTestId("room-title")).toBeVisible();
  await expect(page.getByTestId("member").first()).toBeVisible();
  await noSeriousViolations(page, "/field/room");
  await context.setOffline(false);
});
