// Fault runs: 50 visits queued offline, then synced while requests are dropped before and after the
// server commits, the page is reloaded mid-sync, and (once) the server is restarted. At the end the
// server's rows equal the phone's, nothing is duplicated and the outbox is empty.
//
// CI runs a few seeded runs; `npm run chaos -- --runs 100 [--seed N]` runs many. Each run prints its
// seed, so a failure can be replayed with CHAOS_SEED.

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { type BrowserContext, expect, type Page, type Route, test } from "@playwright/test";
import { Client } from "pg";
import { answerDialogs, login, readStore, syncUntilEmpty } from "./support";

const PORT = Number(process.env.CHAOS_PORT ?? 3200);
const BASE = `http://127.0.0.1:${PORT}`;
const RUNS = Number(process.env.CHAOS_RUNS ?? 3);
const SEED = Number(process.env.CHAOS_SEED ?? 20261124);
const VISITS = 50;
const DATA_DIR = ".chaos-data";
/** PGlite always; PostgreSQL as well when there is a server to make a database on (CI has one). */
const KINDS = (
  process.env.CHAOS_DB
    ? [process.env.CHAOS_DB]
    : process.env.TEST_DATABASE_URL
      ? ["pglite", "postgresql"]
      : ["pglite"]
) as ("pglite" | "postgresql")[];

test.use({ baseURL: BASE });
test.describe.configure({ mode: "serial" });

/** A small seeded PRNG (mulberry32): the same seed gives the same faults. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// -- our own server, so it can be restarted --------------------------------------------------------

let server: ChildProcess | null = null;
/** The app's database for the suite running now: "" for PGlite in DATA_DIR, else a PostgreSQL URL. */
let databaseUrl = "";

async function onAdmin(sql: string) {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitHealthy(timeout = 120_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the chaos server did not come up");
}

async function startServer() {
  server = spawn("node", ["node_modules/next/dist/bin/next", "start", "-p", String(PORT)], {
    env: {
      ...process.env,
      DOORSTEP_DATA_DIR: DATA_DIR,
      DOORSTEP_DEMO_SCALE: "0.1",
      DATABASE_URL: databaseUrl,
      DOORSTEP_DEMO: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  await waitHealthy();
}

async function stopServer() {
  const running = server;
  server = null;
  if (!running?.pid) return;
  const exited = new Promise((resolve) => running.once("exit", resolve));
  // The whole group: a hard stop, like a crash or a redeploy, not a polite shutdown.
  process.kill(-running.pid, "SIGKILL");
  await exited;
}

// -- the phone's store, read and written from the page ------------------------------------------------

interface Queued {
  visitId: string;
  /** The member whose phone the visit corrects; null for a plain confirmation. */
  personId: string | null;
  roomId: string;
  phone: string;
  version: number;
}

/**
 * Queues visits the way the room screen saves them: visit, change, corrected person and outbox entry
 * in one strict transaction each. Each corrects the phone of a different household member.
 */
async function queueVisits(page: Page, count: number, seed: number): Promise<Queued[]> {
  // The store is sealed: its rows are read through the PIN (readStore); the queued rows are written in
  // clear, as a phone from before the vault held them, which the app reads as they are.
  const grid = {
    persons: await readStore(page, "persons"),
    campaignId: (await readStore<string>(page, "meta", undefined, "campaignId"))[0],
  };
  return page.evaluate(
    async ({ count, seed, grid }) => {
      let a = seed >>> 0;
      const random = () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const user = JSON.parse(localStorage.getItem("doorstep.user") ?? "{}");
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open(`doorstep-${user.id}`);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      type Person = {
        id: string;
        gridId: string;
        roomId: string;
        householdId: string | null;
        phone: string | null;
        version: number;
      };
      const persons = grid.persons as unknown as Person[];
      const campaignId = grid.campaignId;
      const members = persons.filter((p) => p.householdId).sort((x, y) => (x.id < y.id ? -1 : 1));
      // A seeded shuffle, so each run works on its own members.
      for (let i = members.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [members[i], members[j]] = [members[j], members[i]];
      }
      const queued = [];
      const start = Date.now();
      // A small grid may have fewer members than visits: the rest confirm a room without changes.
      for (let k = 0; k < count; k++) {
        const person = members[k % members.length];
        const corrects = k < members.length;
        const visitId = crypto.randomUUID();
        const phone = `13${String(Math.floor(random() * 1e9)).padStart(9, "0")}`;
        const visit = {
          id: visitId,
          campaignId,
          gridId: person.gridId,
          roomId: person.roomId,
          subjectType: "household",
          subjectId: person.householdId,
          outcome: corrects ? "changed" : "verified",
          attempt: 1,
          revisitDue: null,
          visitedAt: new Date(start + k).toISOString(),
          lat: null,
          lng: null,
          accuracyM: null,
          note: null,
          photoSha256: null,
        };
        const change = {
          id: crypto.randomUUID(),
          visitId,
          entity: "person",
          entityId: person.id,
          field: "phone",
          registerValue: person.phone ?? null,
          observedValue: phone,
          baseVersion: person.version,
        };
        const tx = db.transaction(["outbox", "visits", "changes", "persons"], "readwrite", {
          durability: "strict",
        });
        tx.objectStore("outbox").add({
          id: visitId,
          kind: "visit",
          createdAt: new Date(start + k).toISOString(),
          payload: { visit, changes: corrects ? [change] : [] },
          state: "pending",
          attempts: 0,
        });
        tx.objectStore("visits").add({
          ...visit,
          version: 0,
          officerId: user.id,
          reviewState: "submitted",
          pending: true,
        });
        if (corrects) {
          tx.objectStore("changes").add(change);
          tx.objectStore("persons").put({ ...person, phone });
        }
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        queued.push({
          visitId,
          personId: corrects ? person.id : null,
          roomId: person.roomId,
          phone,
          version: person.version,
        });
      }
      db.close();
      return queued;
    },
    { count, seed, grid },
  );
}

async function download(page: Page) {
  await page.getByRole("button", { name: "下载网格数据" }).click();
  await expect(page.getByTestId("grid-progress")).toContainText(/已核查 \d+ \/ \d+ 间/, { timeout: 30_000 });
}

/** What each officer's grid should hold on the server: every visit ever queued for it, once. */
for (const kind of KINDS) {
  test.describe(`on ${kind}`, () => {
    const expectedVisits = new Map<string, Set<string>>();
    let databaseName = "";

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      rmSync(DATA_DIR, { recursive: true, force: true });
      rmSync(`${DATA_DIR}.lock`, { force: true });
      databaseUrl = "";
      if (kind === "postgresql") {
        databaseName = `doorstep_chaos_${randomBytes(5).toString("hex")}`;
        await onAdmin(`create database ${databaseName}`);
        const url = new URL(process.env.TEST_DATABASE_URL as string);
        url.pathname = `/${databaseName}`;
        databaseUrl = url.toString();
      }
      await startServer();
      // The suite runs on the database it names, not on whatever the server fell back to.
      expect((await (await fetch(`${BASE}/api/health`)).json()).database).toBe(kind);
    });
    test.afterAll(async () => {
      await stopServer();
      if (databaseName) await onAdmin(`drop database if exists ${databaseName} with (force)`);
    });

    for (let run = 0; run < RUNS; run++) {
      const seed = SEED + run;
      test(`chaos run ${run + 1}/${RUNS} (seed ${seed})`, async ({ browser }) => {
        test.setTimeout(240_000);
        const random = prng(seed);
        const officer = `officer${(run % 16) + 1}`;
        const restartOnce = run === 0;
        console.log(
          `[chaos] ${kind} run ${run + 1}, seed ${seed}, ${officer}${restartOnce ? ", server restart" : ""}`,
        );

        // Without the service worker: requests it forwards are out of the test's reach. Surviving an
        // offline reload from its cache is proven in field-visit.spec.ts.
        const context: BrowserContext = await browser.newContext({ baseURL: BASE, serviceWorkers: "block" });
        // Small batches, so one sync takes many requests and each can be hit.
        const maxBatch = 3 + Math.floor(random() * 10);
        await context.addInitScript(
          (n) => localStorage.setItem("doorstep.sync.maxBatch", String(n)),
          maxBatch,
        );
        const page = await context.newPage();
        answerDialogs(page);

        await login(page, officer);
        await expect(page).toHaveURL(/\/field$/);
        await download(page);

        // Offline: 50 visits saved; the app hears of them as it hears of another tab's saves.
        await context.setOffline(true);
        const queued = await queueVisits(page, VISITS, seed);
        expect(queued).toHaveLength(VISITS);
        await page.evaluate(() =>
          new BroadcastChannel("doorstep-outbox").postMessage({ type: "outbox-changed" }),
        );
        await expect(page.getByTestId("pending").first()).toHaveText(`待同步 ${VISITS}`);

        // A signal comes back, and with it every kind of trouble.
        const faults = { before: 0, after: 0, reloads: 0, restarts: 0 };
        let pushes = 0;
        let troubleLeft = 6 + Math.floor(random() * 6);
        // A reload may cancel a request the handler still holds: every answer to the route tolerates
        // "already handled", since the request is gone either way.
        await context.route("**/api/trpc/**", async (route: Route) => {
          if (!route.request().url().includes("sync.push")) return route.continue().catch(() => {});
          pushes += 1;
          if (restartOnce && faults.restarts === 0 && pushes === 2) {
            faults.restarts += 1;
            // The request reaches a server that dies under it; the next ones find nobody, then a new one.
            const answer = route.fetch().catch(() => null);
            await new Promise((resolve) => setTimeout(resolve, 30));
            await stopServer();
            await answer;
            await route.abort("connectionreset").catch(() => {});
            await startServer();
            return;
          }
          const roll = random();
          if (troubleLeft > 0 && roll < 0.25) {
            troubleLeft -= 1;
            faults.before += 1;
            return route.abort("internetdisconnected").catch(() => {});
          }
          if (troubleLeft > 0 && roll < 0.5) {
            troubleLeft -= 1;
            faults.after += 1;
            // The server commits; its answer never reaches the phone.
            await route.fetch().catch(() => null);
            return route.abort("connectionreset").catch(() => {});
          }
          if (troubleLeft > 0 && roll < 0.6) {
            troubleLeft -= 1;
            faults.reloads += 1;
            // The officer reloads while the batch is on its way.
            const reply = route.fetch().catch(() => null);
            await page.reload({ waitUntil: "commit" }).catch(() => {});
            await reply;
            return route.abort("connectionreset").catch(() => {});
          }
          return route.continue().catch(() => {});
        });
        await context.setOffline(false);
        await syncUntilEmpty(page, 150_000);
        await context.unroute("**/api/trpc/**");
        console.log(
          `[chaos] ${kind} run ${run + 1}: ${pushes} push requests, faults ${JSON.stringify(faults)}, batch ${maxBatch}`,
        );
        expect(faults.before + faults.after + faults.reloads + faults.restarts).toBeGreaterThan(0);

        // The phone: nothing left to send, nothing refused, its copies as corrected.
        expect(await readStore(page, "outbox")).toEqual([]);
        const phonePersons = new Map((await readStore(page, "persons")).map((p) => [p.id as string, p]));
        const corrections = queued.filter((q): q is Queued & { personId: string } => q.personId !== null);
        expect(corrections.length).toBeGreaterThan(VISITS / 2);
        for (const q of corrections) expect(phonePersons.get(q.personId)?.phone).toBe(q.phone);
        await context.close();

        // The server, seen through a fresh download on a new phone: the same values, each applied once,
        // and every visit of the grid exactly once.
        const fresh = await browser.newContext({ baseURL: BASE, serviceWorkers: "block" });
        const check = await fresh.newPage();
        await login(check, officer);
        await download(check);
        const serverPersons = new Map((await readStore(check, "persons")).map((p) => [p.id as string, p]));
        for (const q of corrections) {
          const row = serverPersons.get(q.personId);
          // The correction waits for review: the register's version is untouched, and a download
          // shows the pending value laid over it. (Exactly once: one visit each, checked below.)
          expect(row?.phone, `person ${q.personId}`).toBe(q.phone);
          expect(row?.version, `person ${q.personId} not yet written`).toBe(q.version);
        }
        const seen = expectedVisits.get(officer) ?? new Set<string>();
        for (const q of queued) seen.add(q.visitId);
        expectedVisits.set(officer, seen);
        const serverVisits = (await readStore(check, "visits")).map((v) => v.id as string);
        expect(new Set(serverVisits).size).toBe(serverVisits.length);
        expect(serverVisits.filter((id) => seen.has(id)).length).toBe(seen.size);
        expect(serverVisits.length).toBe(seen.size);
        await fresh.close();
      });
    }
  });
}
