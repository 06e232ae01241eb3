// An officer with no grid learns whom to ask: the supervisors over their area, nearest first.

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas, users } from "@/db/schema";
import { hashPassword } from "@/server/auth/password";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { callerFor, DEMO_PASSWORD, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";

describe.each(databaseKinds)("whom an officer without a grid asks, on %s", (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    const { db } = database;
    const { gridId, communityId } = await objectsOfOfficer(database, "officer1");
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await db.insert(users).values([
      // New in officer1's grid, assigned nowhere yet.
      { username: "newcomer", displayName: "新来的", passwordHash, role: "officer", areaId: gridId },
      {
        username: "community",
        displayName: "社区督导",
        passwordHash,
        role: "supervisor",
        areaId: communityId,
      },
      {
        username: "gone",
        displayName: "已停用督导",
        passwordHash,
        role: "supervisor",
        areaId: communityId,
        disabledAt: new Date(),
      },
    ]);
  });
  afterAll(() => database?.close());

  it("names the community's supervisor first, then the street's; never a disabled one", async () => {
    const { db } = database;
    const [street] = await db
      .select({ name: areas.name, supervisor: users.displayName })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(eq(users.username, "supervisor"));
    const { communityId } = await objectsOfOfficer(database, "officer1");
    const [community] = await db.select({ name: areas.name }).from(areas).where(eq(areas.id, communityId));
    const newcomer = (await callerFor(database, { cookie: await loginAs(database, "newcomer") })).caller;
    expect(await newcomer.sync.campaigns()).toEqual([]);
    expect(await newcomer.sync.supervisors()).toEqual([
      { name: "社区督导", area: community.name },
      { name: street.supervisor, area: street.name },
    ]);
  });
});
