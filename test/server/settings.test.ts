import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { areas, auditLog, settings, users } from "@/db/schema";
import { DEFAULT_LOCK_MINUTES } from "@/domain/vault";
import { databaseKinds, openTestDatabase } from "../support/db";
import { addAdmin, callerFor, codeOf, loginAs, seedSmallStreet } from "../support/fixture";

describe.each(databaseKinds)("the phones' idle lock set by the administrator, on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
  }, 120_000);
  afterAll(() => database?.close());

  it("is the environment's default until the top administrator sets it; phones get it with their key; audited", async () => {
    const admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;

    expect(await admin.device.lock()).toMatchObject({
      minutes: DEFAULT_LOCK_MINUTES,
      defaultMinutes: DEFAULT_LOCK_MINUTES,
      updatedAt: null,
      canChange: true,
    });
    expect((await officer.vault.deviceKey({ deviceId: randomUUID() })).lockMinutes).toBe(
      DEFAULT_LOCK_MINUTES,
    );

    expect(await admin.device.setLock({ minutes: 30 })).toEqual({ minutes: 30 });
    expect(await supervisor.device.lock()).toMatchObject({
      minutes: 30,
      canChange: false,
      updatedBy: "系统管理员",
    });
    expect((await officer.vault.deviceKey({ deviceId: randomUUID() })).lockMinutes).toBe(30);
    const [adminRow] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, "admin"));
    const audited = await database.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.action, "settings.fieldLockMinutes"), eq(auditLog.userId, adminRow.id)));
    expect(audited.map((row) => row.detail)).toEqual([{ from: DEFAULT_LOCK_MINUTES, to: 30 }]);

    // Out of bounds or not whole: refused, nothing changes.
    for (const minutes of [0, 241, 7.5])
      expect(await codeOf(admin.device.setLock({ minutes }))).toBe("BAD_REQUEST");
    expect((await admin.device.lock()).minutes).toBe(30);
  });

  it("cannot be changed by a supervisor, an officer or an administrator of one community", async () => {
    const [community] = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(eq(areas.level, "community"))
      .limit(1);
    await addAdmin(database, "admin-c", community.id);
    const before = await database.db.select().from(settings);
    for (const username of ["supervisor", "officer1", "admin-c"]) {
      const caller = (await callerFor(database, { cookie: await loginAs(database, username) })).caller;
      expect(await codeOf(caller.device.setLock({ minutes: 5 })), username).toBe("FORBIDDEN");
    }
    expect(await database.db.select().from(settings)).toEqual(before);
  });
});
