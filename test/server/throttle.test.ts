// The login and resident-check limits under bursts, through the tRPC route handler on every database
// kind: each attempt is counted before the work it guards, so a burst gets exactly the attempts a limit
// allows, never all of those that looked before the first failure was written.

import { and, eq, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { householdCodes, loginThrottle, persons } from "@/db/schema";
import { CODE_ALPHABET } from "@/domain/check";
import { ensureOpenCampaignCodes } from "@/server/services/check";
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
});
