import { TRPCError } from "@trpc/server";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { auditLog, loginThrottle, persons, sessions, users } from "@/db/schema";
import type { AppError } from "@/server/errors";
import { hashToken, SESSION_COOKIE } from "@/server/services/auth";
import { disableUser, setPassword } from "@/server/services/users";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe.each(databaseKinds)("login and sessions on %s", (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    await database.db.delete(loginThrottle);
  });

  const countOf = async (table: typeof sessions | typeof auditLog | typeof loginThrottle) =>
    (await database.db.select({ n: count() }).from(table))[0].n;

  it("logs in, sets an httpOnly SameSite cookie and stores only the token's hash", async () => {
    const { caller, resHeaders } = await callerFor(database, { ip: "198.51.100.1" });
    const user = await caller.auth.login({ username: "officer1", password: "doorstep" });
    expect(user).toMatchObject({ username: "officer1", role: "officer" });
    expect(user).not.toHaveProperty("passwordHash");
    const cookie = resHeaders.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const token = cookie.split(";")[0].split("=")[1];
    const stored = await database.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(token)));
    expect(stored).toHaveLength(1);
    const raw = await database.db.select().from(sessions).where(eq(sessions.tokenHash, token));
    expect(raw).toHaveLength(0);

    const me = await (await callerFor(database, { cookie: cookie.split(";")[0] })).caller.auth.me();
    expect(me?.username).toBe("officer1");
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, "login"));
    expect(audits.some((a) => a.userId === user.id && a.ip === "198.51.100.1")).toBe(true);
  });

  it("answers a wrong password and an unknown user alike", async () => {
    const wrong = await refusal(
      (await callerFor(database)).caller.auth.login({ username: "officer1", password: "nope" }),
    );
    const unknown = await refusal(
      (await callerFor(database)).caller.auth.login({ username: "nobody", password: "nope" }),
    );
    expect(wrong.code).toBe("UNAUTHORIZED");
    expect(unknown.code).toBe(wrong.code);
    expect(unknown.message).toBe(wrong.message);
  });

  it("makes a client wait after 5 failures for an account, in the database for every instance", async () => {
    for (let i = 0; i < 5; i++) {
      const error = await refusal(
        (await callerFor(database)).caller.auth.login({ username: "officer2", password: `wrong${i}` }),
      );
      expect(error.code).toBe("UNAUTHORIZED");
    }
    // A second "instance" is just another context on the same database: it sees the wait, even for
    // the right password from that client.
    const locked = await refusal(
      (await callerFor(database)).caller.auth.login({ username: "officer2", password: "doorstep" }),
    );
    expect(locked.code).toBe("TOO_MANY_REQUESTS");
    expect(locked.message).toBe("auth.tooManyAttempts");
    expect((locked.cause as AppError).params?.seconds).toBeGreaterThan(0);
    const [row] = await database.db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, "login:client:officer2:ip:203.0.113.7"));
    expect(row.failures).toBe(5);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // Only that client waits: the account's owner elsewhere logs in (test/server/throttle.test.ts).
    const elsewhere = (await callerFor(database, { ip: "192.0.2.99" })).caller;
    expect(await elsewhere.auth.login({ username: "officer2", password: "doorstep" })).toMatchObject({
      username: "officer2",
    });
  });

  it("refuses empty and huge fields with a translated message and writes nothing", async () => {
    const before = {
      sessions: await countOf(sessions),
      audit: await countOf(auditLog),
      throttle: await countOf(loginThrottle),
    };
    const { caller } = await callerFor(database);
    const empty = await refusal(caller.auth.login({ username: "", password: "" }));
    expect(empty.code).toBe("BAD_REQUEST");
    const huge = await refusal(
      caller.auth.login({ username: "a".repeat(10_000), password: "b".repeat(100_000) }),
    );
    expect(huge.code).toBe("BAD_REQUEST");
    expect({
      sessions: await countOf(sessions),
      audit: await countOf(auditLog),
      throttle: await countOf(loginThrottle),
    }).toEqual(before);
  });

  it("treats a malformed or unknown cookie as no session", async () => {
    for (const cookie of [
      `${SESSION_COOKIE}=%E0%A4%A`,
      `${SESSION_COOKIE}=short`,
      "garbage;;==",
      `${SESSION_COOKIE}=${"x".repeat(43)}`,
    ]) {
      const { caller } = await callerFor(database, { cookie });
      expect(await caller.auth.me()).toBeNull();
      expect((await refusal(caller.area.get({}))).code).toBe("UNAUTHORIZED");
    }
  });

  it("ends an idle session", async () => {
    const cookie = await loginAs(database, "officer3");
    const token = cookie.split("=")[1];
    await database.db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '3 hours'` })
      .where(eq(sessions.tokenHash, hashToken(token)));
    expect(await (await callerFor(database, { cookie })).caller.auth.me()).toBeNull();
  });

  it("ends a session past its absolute expiry even when active", async () => {
    const cookie = await loginAs(database, "officer3");
    const token = cookie.split("=")[1];
    await database.db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.tokenHash, hashToken(token)));
    expect(await (await callerFor(database, { cookie })).caller.auth.me()).toBeNull();
  });

  it("logs out: the session row is gone and the cookie cleared", async () => {
    const cookie = await loginAs(database, "officer4");
    const { caller, resHeaders } = await callerFor(database, { cookie });
    await caller.auth.logout();
    expect(resHeaders.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await (await callerFor(database, { cookie })).caller.auth.me()).toBeNull();
  });

  it("refuses demo accounts when demo data is off", async () => {
    const cookie = await loginAs(database, "officer5");
    const demoOff = { demo: false };
    const error = await refusal(
      (await callerFor(database, { env: demoOff })).caller.auth.login({
        username: "officer5",
        password: "doorstep",
      }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(await (await callerFor(database, { cookie, env: demoOff })).caller.auth.me()).toBeNull();
    // The same session with demo data on: it was refused for the setting, not lost.
    expect((await (await callerFor(database, { cookie })).caller.auth.me())?.username).toBe("officer5");
  });

  it("a disabled user or a changed password closes sessions", async () => {
    const cookie6 = await loginAs(database, "officer6");
    await disableUser(database.db, "officer6");
    expect(await (await callerFor(database, { cookie: cookie6 })).caller.auth.me()).toBeNull();
    expect(
      (
        await refusal(
          (await callerFor(database)).caller.auth.login({ username: "officer6", password: "doorstep" }),
        )
      ).code,
    ).toBe("UNAUTHORIZED");

    const cookie7 = await loginAs(database, "officer7");
    await setPassword(database.db, "officer7", "a-new-long-password");
    expect(await (await callerFor(database, { cookie: cookie7 })).caller.auth.me()).toBeNull();
    await loginAs(database, "officer7", "a-new-long-password");
  });

  it("writes every unmasked read to the audit log", async () => {
    const cookie = await loginAs(database, "officer1");
    const { personId } = await objectsOfOfficer(database, "officer1");
    const { caller } = await callerFor(database, { cookie });
    const person = await caller.person.reveal({ id: personId });
    const [stored] = await database.db.select().from(persons).where(eq(persons.id, personId));
    expect(person.idNumber).toBe(stored.idNumber);
    const [me] = await database.db.select().from(users).where(eq(users.username, "officer1"));
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, "reveal_person"));
    expect(audits.some((a) => a.entityId === personId && a.userId === me.id)).toBe(true);
  });
});
