// The login and resident-check limits under bursts, through the tRPC route handler on every database
// kind: each attempt is counted before the work it guards, so a burst gets exactly the attempts a limit
// allows, never all of those that looked before the first failure was written.

import { and, eq, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { householdCodes, loginDevices, loginThrottle, persons, users } from "@/db/schema";
import { CODE_ALPHABET } from "@/domain/check";
import { ensureOpenCampaignCodes } from "@/server/services/codes";
import { databaseKinds, openTestDatabase } from "../support/db";
import { fromAddress, seedSmallStreet } from "../support/fixture";

const BASE = "http://localhost:3000";
const BURST = 100;

async function call(path: string, input: unknown, headers: Record<string, string> = {}) {
  const response = await POST(
    new Request(`${BASE}/api/trpc/${path}`, {
      method: "POST",
      body: JSON.stringify({ json: input }),
      headers: { host: "localhost:3000", "content-type": "application/json", ...headers },
    }),
  );
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** How many answers had each status. */
function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const status of statuses) out[status] = (out[status] ?? 0) + 1;
  return out;
}

describe.each(databaseKinds)("throttles under bursts on %s", (kind) => {
  let database: Database;
  let resident: { name: string; idNumber: string; code: string };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    await ensureOpenCampaignCodes(database.db);
    const [row] = await database.db
      .select({ name: persons.name, idNumber: persons.idNumber, code: householdCodes.code })
      .from(persons)
      .innerJoin(householdCodes, eq(householdCodes.householdId, persons.householdId))
      .where(and(isNull(persons.endedAt), eq(persons.idType, "1")))
      .limit(1);
    resident = row;
    globalThis.__doorstepDatabase = Promise.resolve(database);
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });
  beforeEach(async () => {
    await database.db.delete(loginThrottle);
    // The burst arrives at one instant: no wait can run out while it is being answered on a busy machine.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`${BURST} concurrent wrong passwords for one account from one client: 5 are checked, the rest wait`, async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        call("auth.login", { username: "officer2", password: `wrong${i}` }, fromAddress("198.51.100.10")),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: 5, 429: BURST - 5 });
    const waiting = answers.find((a) => a.status === 429);
    expect(waiting?.body.error.json.message).toMatch(/^登录失败次数过多，请在 \d+ 秒后再试$/);
  });

  it(`${BURST} concurrent wrong passwords for different accounts from one client: 30 are checked`, async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        call("auth.login", { username: `nobody${i}`, password: "wrong" }, fromAddress("198.51.100.11")),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: 30, 429: BURST - 30 });
  });

  it(`${BURST} concurrent self-checks of one ID number from ${BURST} clients: 10 are evaluated`, async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        call(
          "check.lookup",
          // Wrong codes, each well formed.
          {
            name: resident.name,
            idNumber: resident.idNumber,
            code: CODE_ALPHABET.slice(i % 20, (i % 20) + 10),
          },
          fromAddress(`198.51.101.${i + 1}`),
        ),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 404: 10, 429: BURST - 10 });
  });

  it(`${BURST} concurrent self-checks from one client: 5 are evaluated`, async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        call(
          "check.lookup",
          {
            name: resident.name,
            idNumber: `4401041970010${String(10000 + i).slice(1)}`,
            code: resident.code,
          },
          fromAddress("198.51.100.12"),
        ),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 404: 5, 429: BURST - 5 });
  });

  // ── who can make whom wait (README, "Security") ─────────────────────────────────────────────────

  /** A login over the route; `device` is a doorstep_device cookie value. */
  const login = (password: string, address: string, device?: string, username = "admin") =>
    call(
      "auth.login",
      { username, password },
      {
        ...fromAddress(address),
        ...(device ? { cookie: `doorstep_device=${device}` } : {}),
      },
    );
  const deviceOf = (headers: Headers) =>
    headers
      .getSetCookie()
      .map((c) => /^doorstep_device=([^;]+)/.exec(c)?.[1])
      .find(Boolean);

  it("a stranger's failures from one address make that address wait, not the account's owner elsewhere", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(`guess${i}`, "203.0.113.66")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // The owner, from another address and a browser never used before, gets in at once.
    expect((await login("doorstep", "198.51.100.20")).status).toBe(200);
  });

  it("strangers from many addresses slow the account for new devices, never for a device it logged in from", async () => {
    const first = await login("doorstep", "198.51.100.21");
    expect(first.status).toBe(200);
    const device = deviceOf(first.headers) as string;
    expect(device).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.headers.getSetCookie().find((c) => c.startsWith("doorstep_device="))).toMatch(
      /HttpOnly.*Max-Age=31536000|Max-Age=31536000.*HttpOnly/,
    );

    // Twelve guesses, each from an address of its own: 10 go through, then the account is slowed.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(`guess${i}`, `203.0.113.${100 + i}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);

    // The owner on a new device is told to wait, and that a known device gets in.
    const newDevice = await login("doorstep", "198.51.100.22");
    expect(newDevice.status).toBe(429);
    expect(newDevice.body.error.json.message).toMatch(
      /^此账号近期在别的设备上登录失败较多，请在 \d+ 秒后再试/,
    );
    // On the device it logged in from before, from anywhere (even a guesser's address), it gets in.
    expect((await login("doorstep", "203.0.113.100", device)).status).toBe(200);
    expect((await login("doorstep", "198.51.100.23", device)).status).toBe(200);
    // And a wrong password there counts on that device only.
    expect((await login("wrong", "198.51.100.23", device)).status).toBe(401);
  });

  it("the account's wait doubles with each attempt that gets through, up to 15 minutes", async () => {
    for (let i = 0; i < 10; i++) expect((await login(`guess${i}`, `203.0.113.${150 + i}`)).status).toBe(401);
    const waits: number[] = [];
    let address = 200;
    for (let i = 0; i < 14; i++) {
      const refused = await login("guess", `203.0.113.${address++}`);
      expect(refused.status).toBe(429);
      const seconds = Number(/(\d+) 秒/.exec(refused.body.error.json.message)?.[1]);
      waits.push(seconds);
      vi.setSystemTime(Date.now() + seconds * 1000);
      expect((await login("guess", `203.0.113.${address++}`)).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
  });

  it("a device cookie the server never issued is no known device, and is replaced at login", async () => {
    const planted = "A".repeat(43);
    for (let i = 0; i < 12; i++) await login(`guess${i}`, `203.0.113.${10 + i}`);
    const slowed = await login("doorstep", "198.51.100.24", planted);
    expect(slowed.status).toBe(429);
    vi.setSystemTime(Date.now() + 16 * 60_000);
    const answer = await login("doorstep", "198.51.100.24", planted);
    expect(answer.status).toBe(200);
    expect(deviceOf(answer.headers)).not.toBe(planted);
  });

  it("slows an ID number instead of locking it: the resident gets in minutes after strangers' failures, never a day", async () => {
    const wrong = (i: number) => ({ ...resident, code: CODE_ALPHABET.slice(i % 20, (i % 20) + 10) });
    const lookup = (input: unknown, address: string) => call("check.lookup", input, fromAddress(address));
    for (let i = 0; i < 10; i++) expect((await lookup(wrong(i), `203.0.114.${i + 1}`)).status).toBe(404);
    const refused = await lookup(resident, "198.51.100.30");
    expect(refused.status).toBe(429);
    expect(refused.body.error.json.message).toContain("1 分钟");
    // A stranger who keeps at it makes each wait longer, up to ten minutes.
    let address = 20;
    let minutes = 0;
    for (let i = 0; i < 8; i++) {
      const answer = await lookup(wrong(i), `203.0.114.${address++}`);
      minutes = Number(/(\d+) 分钟/.exec(answer.body.error.json.message)?.[1]);
      vi.setSystemTime(Date.now() + minutes * 60_000);
      expect((await lookup(wrong(i), `203.0.114.${address++}`)).status).toBe(404);
    }
    expect(minutes).toBe(10);
    // The resident is kept waiting at most ten minutes, then gets in.
    const waiting = await lookup(resident, "198.51.100.31");
    expect(waiting.status).toBe(429);
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect((await lookup(resident, "198.51.100.31")).status).toBe(200);
  });

  it("expired rows and year-old devices are deleted: a successful login sweeps them", async () => {
    const long = new Date(Date.now() - 2 * 24 * 3600_000);
    await database.db.insert(loginThrottle).values(
      Array.from({ length: 20 }, (_, i) => ({
        key: `login:ip:192.0.2.${i}`,
        failures: 3,
        lastFailureAt: long,
        startedAt: long,
        expiresAt: new Date(long.getTime() + 15 * 60_000),
      })),
    );
    await database.db.insert(loginThrottle).values({
      key: "login:ip:192.0.2.250",
      failures: 40,
      lockedUntil: new Date(Date.now() + 60_000),
      expiresAt: new Date(Date.now() + 60_000),
    });
    // A device not logged in from for two years is forgotten too.
    const [officer2] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, "officer2"));
    await database.db.insert(loginDevices).values({
      tokenHash: "0".repeat(64),
      userId: officer2.id,
      createdAt: new Date(Date.now() - 800 * 24 * 3600_000),
      lastLoginAt: new Date(Date.now() - 730 * 24 * 3600_000),
    });
    expect((await login("doorstep", "198.51.100.40", undefined, "officer3")).status).toBe(200);
    expect(
      await database.db
        .select()
        .from(loginDevices)
        .where(eq(loginDevices.tokenHash, "0".repeat(64))),
    ).toEqual([]);
    const left = (await database.db.select({ key: loginThrottle.key }).from(loginThrottle)).map((r) => r.key);
    // The waiting row stays, and the rows of the login itself (its attempt taken back).
    expect(left.filter((key) => key.startsWith("login:ip:192.0.2."))).toEqual(["login:ip:192.0.2.250"]);
  });
});
