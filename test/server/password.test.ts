// Passwords are hashed at OWASP's current level for scrypt (N = 2^17, r = 8, p = 1). The parameters are
// stored in each hash, so a hash made earlier (N = 2^15) keeps verifying, and is replaced by one at the
// current level at its owner's next successful login; a failed login changes nothing.

import { randomBytes, scryptSync } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { auditLog, loginThrottle, users } from "@/db/schema";
import { DECOY_HASH, hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from "@/server/auth/password";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, seedSmallStreet } from "../support/fixture";

/** A hash as the previous release made it: scrypt N = 2^15, r = 8, p = 1, in the same format. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize("NFKC"), salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 << 20 });
  return `scrypt$${2 ** 15}$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

describe("password hashes", () => {
  it("are made at N = 2^17, r = 8, p = 1, with the parameters in the hash", async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsf", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("made at the old level still verify, and are marked for rehashing", async () => {
    const old = legacyHash("doorstep");
    expect(await verifyPassword("doorstep", old)).toBe(true);
    expect(await verifyPassword("doorstop", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it("the decoy an unknown user is checked against costs what a current hash costs", () => {
    expect(DECOY_HASH.split("$").slice(0, 4)).toEqual(["scrypt", "131072", "8", "1"]);
    expect(needsRehash(DECOY_HASH)).toBe(false);
  });

  it("a damaged or unknown stored hash is a failed check, never an exception", async () => {
    for (const stored of [
      "",
      "bcrypt$whatever",
      "scrypt$abc$8$1$AAAA$AAAA",
      "scrypt$100$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", // N not a power of two
      `scrypt$${2 ** 30}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA`, // beyond what any release made: refused, not run
      "scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$", // no key
    ]) {
      expect(await verifyPassword("doorstep", stored)).toBe(false);
    }
  });
});

describe.each(databaseKinds)("an old hash at login on %s", (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    await database.db.delete(loginThrottle);
  });

  const storedHash = async (username: string) =>
    (
      await database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.username, username))
    )[0].hash;

  it("is kept by a failed login and replaced at the current level by a successful one", async () => {
    const old = legacyHash("doorstep");
    await database.db.update(users).set({ passwordHash: old }).where(eq(users.username, "officer3"));

    const failed = (await callerFor(database)).caller.auth.login({ username: "officer3", password: "nope" });
    await expect(failed).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await storedHash("officer3")).toBe(old);

    const user = await (await callerFor(database)).caller.auth.login({
      username: "officer3",
      password: "doorstep",
    });
    const now = await storedHash("officer3");
    expect(now).not.toBe(old);
    expect(now.split("$").slice(0, 4)).toEqual(["scrypt", "131072", "8", "1"]);
    expect(await verifyPassword("doorstep", now)).toBe(true);
    const [login] = await database.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.userId, user.id), eq(auditLog.action, "login")));
    expect(login.detail).toMatchObject({ rehashed: true });

    // The next login finds nothing to do.
    await (await callerFor(database)).caller.auth.login({ username: "officer3", password: "doorstep" });
    expect(await storedHash("officer3")).toBe(now);
  });
});
