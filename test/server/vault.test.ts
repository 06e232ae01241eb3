// The devices' wrapping secrets: handed to the device's own user, kept across logins, refused for
// another user's device, withheld once set, and every hand-out audited.

import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { auditLog, devices } from "@/db/schema";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, seedSmallStreet } from "../support/fixture";

describe.each(databaseKinds)("vault.deviceKey on %s", (kind) => {
  let database: Database;
  let officer1: Awaited<ReturnType<typeof callerFor>>["caller"];
  let officer2: Awaited<ReturnType<typeof callerFor>>["caller"];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    officer2 = (await callerFor(database, { cookie: await loginAs(database, "officer2") })).caller;
  });
  afterAll(() => database?.close());

  it("registers the device at its first login and hands the same secret out at the next", async () => {
    const deviceId = randomUUID();
    const first = await officer1.vault.deviceKey({ deviceId });
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.lockMinutes).toBe(15);
    const again = await (
      await callerFor(database, { cookie: await loginAs(database, "officer1") })
    ).caller.vault.deviceKey({ deviceId });
    expect(again.secret).toBe(first.secret);
    const [device] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(device.wrapSecret).toBe(first.secret);
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, deviceId), eq(auditLog.action, "vault.keyIssued")));
    expect(audits).toHaveLength(2);
  });

  it("refuses another officer's device and changes nothing of it", async () => {
    const deviceId = randomUUID();
    const mine = await officer1.vault.deviceKey({ deviceId });
    await expect(officer2.vault.deviceKey({ deviceId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [device] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(device.wrapSecret).toBe(mine.secret);
  });

  it("withholds the secret of a device marked so, and audits the refusal", async () => {
    const deviceId = randomUUID();
    await officer1.vault.deviceKey({ deviceId });
    await database.db.update(devices).set({ secretWithheldAt: new Date() }).where(eq(devices.id, deviceId));
    expect((await officer1.vault.deviceKey({ deviceId })).secret).toBeNull();
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, deviceId), eq(auditLog.action, "vault.keyWithheld")));
    expect(audits).toHaveLength(1);
  });

  it("gives a device known from its pushes (before the vault) a secret at its next login", async () => {
    const deviceId = randomUUID();
    const me = await officer1.auth.me();
    if (!me) throw new Error("officer1 is logged in");
    await database.db.insert(devices).values({ id: deviceId, userId: me.id });
    expect((await officer1.vault.deviceKey({ deviceId })).secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
