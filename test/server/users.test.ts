import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "@/server/errors";
import { createUser } from "@/server/services/users";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, seedSmallStreet } from "../support/fixture";

async function refusedKey(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.key;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe.each(databaseKinds)("managing real users on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  });
  afterAll(() => database?.close());

  const base = {
    displayName: "黄丽华",
    role: "supervisor" as const,
    areaCode: "440104007103",
    password: "long-enough-1",
  };

  it("adds a community supervisor who logs in and sees only that community", async () => {
    await createUser(database.db, { ...base, username: "Huang.LH" });
    const [stored] = await database.db.select().from(users).where(eq(users.username, "huang.lh"));
    expect(stored.demo).toBe(false);
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    const { caller } = await callerFor(database, {
      cookie: await loginAs(database, "huang.lh", "long-enough-1"),
    });
    const view = await caller.area.get({});
    expect(view.area.code).toBe("440104007103");
    expect(view.children.every((child) => child.code.startsWith("440104007103"))).toBe(true);
    const street = (await database.db.select().from(users).where(eq(users.username, "supervisor")))[0];
    await expect(caller.area.get({ id: street.areaId })).rejects.toBeInstanceOf(TRPCError);
  });

  it("refuses bad input with a reason and writes nothing", async () => {
    const before = (await database.db.select().from(users)).length;
    expect(await refusedKey(createUser(database.db, { ...base, username: "x y" }))).toBe("users.badUsername");
    expect(
      await refusedKey(createUser(database.db, { ...base, username: "shortpw", password: "1234567" })),
    ).toBe("users.passwordTooShort");
    expect(
      await refusedKey(createUser(database.db, { ...base, username: "nowhere", areaCode: "999999" })),
    ).toBe("users.unknownArea");
    expect(await refusedKey(createUser(database.db, { ...base, username: "officer1" }))).toBe("users.exists");
    expect((await database.db.select().from(users)).length).toBe(before);
  });
});
