// A database error that reaches the edge is logged without the personal data its statement carried:
// drizzle's error text lists the statement's parameters (a resident's name and ID number, here) and
// PostgreSQL's own message can quote a value. The log keeps what locates the fault — the SQLSTATE and
// the statement with its placeholders — and the answer stays a translated 500.

import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { citizenIdCheckChar } from "@/domain/validators";
import { describeError } from "@/server/log";
import { databaseKinds, openTestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";

const BASE = "http://localhost:3000";

/** Everything console.error is given while `run` runs, as text; the console still gets it. */
async function errorsLoggedBy(run: () => Promise<void>): Promise<string> {
  const logged: string[] = [];
  const original = console.error;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    logged.push(
      args
        .map((a) => (a instanceof Error ? `${a.message}\n${a.stack}\n${JSON.stringify(a)}` : String(a)))
        .join(" "),
    );
    original(...args);
  });
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  return logged.join("\n");
}

describe.each(databaseKinds)("database errors in the log, on %s", (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    globalThis.__doorstepDatabase = Promise.resolve(database);
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it("a failed statement behind a tRPC call is logged by its SQLSTATE, without the name and ID number", async () => {
    const name = "欧阳日志";
    const body = "44010419650708123";
    const idNumber = body + citizenIdCheckChar(body);
    const code = "23456789AB";
    // The table the resident check reads is gone (a migration half-applied, a privilege revoked).
    await database.db.execute(sql`alter table household_codes rename to household_codes_gone`);
    let status = 0;
    let answer = "";
    try {
      const logged = await errorsLoggedBy(async () => {
        const response = await POST(
          new Request(`${BASE}/api/trpc/check.lookup`, {
            method: "POST",
            headers: { host: "localhost:3000", "content-type": "application/json" },
            body: JSON.stringify({ json: { name, idNumber, code } }),
          }),
        );
        status = response.status;
        answer = await response.text();
      });
      expect(status).toBe(500);
      expect(JSON.parse(answer).error.json.message).toBe("服务器出错了，请稍后重试");
      // Logged, and located: the procedure, the SQLSTATE (42P01: no such table), the statement.
      expect(logged).toContain("check.lookup");
      expect(logged).toContain("42P01");
      expect(logged).toMatch(/household_codes/);
      for (const secret of [name, idNumber, code]) expect(logged).not.toContain(secret);
      expect(answer).not.toContain(idNumber);
    } finally {
      await database.db.execute(sql`alter table household_codes_gone rename to household_codes`);
    }
  });

  it("PostgreSQL's own message, which can quote a value, is left out too", async () => {
    const error = await database.db.execute(sql`select ${"张三丰"}::date`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    // What the log would have held before: the value, in the parameters and in the message.
    expect(`${(error as Error).message} ${String((error as Error).cause)}`).toContain("张三丰");
    const line = describeError(error);
    expect(line).toContain("22007");
    expect(line).not.toContain("张三丰");
  });

  it("any other error keeps its message and stack", () => {
    const line = describeError(new TypeError("cannot read x of undefined"));
    expect(line).toContain("TypeError: cannot read x of undefined");
    expect(line).toMatch(/\n\s+at /);
  });
});
