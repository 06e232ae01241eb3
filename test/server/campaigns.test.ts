import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { campaigns } from "@/db/schema";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, seedSmallStreet } from "../support/fixture";

describe.each(databaseKinds)("the campaigns a phone may download, on %s", (kind) => {
  let database: Database;
  let campaignId: string;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    campaignId = (await seedSmallStreet(database)).campaignId;
  });
  afterAll(() => database?.close());

  it("lists the open campaign an officer is assigned in, and nothing for a supervisor without assignments", async () => {
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    expect(await officer.sync.campaigns()).toEqual([
      expect.objectContaining({ id: campaignId, name: "2026年第四季度入户核查", startsOn: "2026-11-01" }),
    ]);
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    expect(await supervisor.sync.campaigns()).toEqual([]);
  });

  it("drops a campaign once it is closed", async () => {
    await database.db.update(campaigns).set({ status: "closed" }).where(eq(campaigns.id, campaignId));
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer2") })).caller;
    expect(await officer.sync.campaigns()).toEqual([]);
  });
});
