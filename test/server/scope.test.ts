import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { campaigns, changes, residentFeedback, users } from "@/db/schema";
import { appRouter } from "@/server/routers";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, codeOf, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { supervisorOf, visitMutation } from "../support/push";

type Objects = Awaited<ReturnType<typeof objectsOfOfficer>>;
type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type SupervisorObjects = Objects & {
  visitId: string;
  changeId: string;
  disputeId: string;
  campaignId: string;
  officerId: string;
};

/**
 * Every procedure that takes an object, and how to ask it for one. A procedure missing from both this
 * table and SELF_ONLY fails the first test, so a new procedure cannot skip the scope check.
 */
const OBJECT_PROCEDURES: Record<string, (caller: Caller, objects: Objects) => Promise<unknown>> = {
  "area.get": (caller, o) => caller.area.get({ id: o.gridId }),
  "building.get": (caller, o) => caller.building.get({ id: o.buildingId }),
  "household.get": (caller, o) => caller.household.get({ id: o.householdId }),
  "person.reveal": (caller, o) => caller.person.reveal({ id: o.personId }),
  // A push answers per mutation; an out-of-scope object is that mutation's refusal, read as its code.
  "sync.push": async (caller, o) => {
    const mutation = visitMutation({
      gridId: o.gridId,
      roomId: o.roomId,
      subjectType: "household",
      subjectId: o.householdId,
    });
    const { results } = await caller.sync.push({ deviceId: randomUUID(), mutations: [mutation] });
    const [result] = results;
    if (result.status === "rejected") {
      throw new TRPCError({
        code: result.key === "errors.notFound" ? "NOT_FOUND" : "BAD_REQUEST",
        message: result.key,
      });
    }
    return result;
  },
};
/**
 * Supervisor procedures that take an object in an officer's grid: the supervisor of that officer's
 * community may, the supervisor of another community gets NOT_FOUND, officers FORBIDDEN.
 */
const SUPERVISOR_PROCEDURES: Record<
  string,
  (caller: Caller, objects: SupervisorObjects) => Promise<unknown>
> = {
  "review.visit": (caller, o) => caller.review.visit({ id: o.visitId }),
  "review.reveal": (caller, o) => caller.review.reveal({ id: o.visitId }),
  "review.decide": (caller, o) => caller.review.decide({ visitIds: [o.visitId], decision: "approve" }),
  "progress.summary": (caller, o) => caller.progress.summary({ areaId: o.gridId }),
  "map.completion": (caller, o) => caller.map.completion({ areaId: o.gridId }),
  "map.building": (caller, o) => caller.map.building({ buildingId: o.buildingId }),
  "conflict.resolve": (caller, o) =>
    caller.conflict.resolve({
      mutationId: randomUUID(),
      deviceId: randomUUID(),
      changeId: o.changeId,
      choice: "observed",
    }),
  "check.handle": (caller, o) => caller.check.handle({ id: o.disputeId, note: "已复访" }),
  // The officer already holds the grid: giving it to them again changes nothing.
  "campaign.assign": (caller, o) =>
    caller.campaign.assign({ campaignId: o.campaignId, gridId: o.gridId, officerId: o.officerId }),
  // Given back at once, so the procedures after it still find the officer assigned.
  "campaign.unassign": async (caller, o) => {
    await caller.campaign.unassign({ campaignId: o.campaignId, gridId: o.gridId });
    return caller.campaign.assign({ campaignId: o.campaignId, gridId: o.gridId, officerId: o.officerId });
  },
};
/**
 * Administrator procedures: supervisors and officers are refused here; campaigns.test.ts proves an
 * administrator's areas (outside them: NOT_FOUND).
 */
const ADMIN_PROCEDURES: Record<string, (caller: Caller, campaignId: string, o: Objects) => Promise<unknown>> =
  {
    "campaign.create": (caller, _campaignId, o) =>
      caller.campaign.create({
        name: "越权",
        startsOn: "2027-01-01",
        endsOn: null,
        areaIds: [o.communityId],
      }),
    "campaign.close": (caller, campaignId) => caller.campaign.close({ id: campaignId }),
  };
/**
 * Supervisor lists: they take no object and return only what lies under the caller's area (proved,
 * community against community, in the test file named).
 */
const SUPERVISOR_LISTS: Record<string, string> = {
  "review.queue": "review.test.ts",
  "conflict.list": "review.test.ts",
  "device.list": "review.test.ts",
  "map.filters": "completion.test.ts",
  "check.disputes": "check.test.ts",
  // A campaign is visible where its areas overlap the caller's, its grids cut to the caller's area.
  "campaign.list": "campaigns.test.ts",
  "campaign.get": "campaigns.test.ts",
};

/**
 * Procedures that only ever act on the caller's own session (sync.pull takes no object: it reads the
 * caller's own assignments, cut to their area; pull.test.ts proves it).
 */
/**
 * Public procedures that act only on what the caller proves (name + ID number + visit-slip code);
 * check.test.ts proves every kind of miss answers alike and the limits hold.
 */
const PUBLIC_PROOF = ["check.lookup", "check.confirm", "check.dispute"];
const SELF_ONLY = ["auth.login", "auth.logout", "auth.me", "sync.pull", "sync.campaigns"];

const procedurePaths = Object.keys(appRouter._def.procedures);

it("every procedure is either scope-checked here or acts on the caller alone", () => {
  expect(procedurePaths.length).toBeGreaterThan(SELF_ONLY.length);
  for (const path of procedurePaths) {
    const covered =
      path in OBJECT_PROCEDURES ||
      path in SUPERVISOR_PROCEDURES ||
      path in SUPERVISOR_LISTS ||
      path in ADMIN_PROCEDURES ||
      SELF_ONLY.includes(path) ||
      PUBLIC_PROOF.includes(path);
    expect(covered, `${path} has no scope test`).toBe(true);
  }
});

describe.each(databaseKinds)("object-level authorisation on %s", (kind) => {
  let database: Database;
  let own: Objects;
  let other: Objects;
  let officer1: Caller;
  let supervisor: Caller;
  let anonymous: Caller;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    own = await objectsOfOfficer(database, "officer1");
    other = await objectsOfOfficer(database, "officer2");
    officer1 = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    anonymous = (await callerFor(database)).caller;
  });
  afterAll(() => database?.close());

  it("the two officers' grids and objects differ", () => {
    expect(own.gridId).not.toBe(other.gridId);
    expect(own.buildingId).not.toBe(other.buildingId);
  });

  for (const [path, call] of Object.entries(OBJECT_PROCEDURES)) {
    it(`${path}: an officer reads their own grid's object`, async () => {
      expect(await codeOf(call(officer1, own))).toBe("OK");
    });
    it(`${path}: an officer asking for another grid's object is refused`, async () => {
      expect(await codeOf(call(officer1, other))).toBe("NOT_FOUND");
    });
    it(`${path}: the street supervisor reads both grids`, async () => {
      expect(await codeOf(call(supervisor, own))).toBe("OK");
      expect(await codeOf(call(supervisor, other))).toBe("OK");
    });
    it(`${path}: without a session it is refused`, async () => {
      expect(await codeOf(call(anonymous, own))).toBe("UNAUTHORIZED");
    });
  }

  describe("supervisor procedures", () => {
    let objects: SupervisorObjects;
    let ownCommunity: Caller;
    let otherCommunity: Caller;

    beforeAll(async () => {
      const mutation = visitMutation({
        gridId: own.gridId,
        roomId: own.roomId,
        subjectType: "household",
        subjectId: own.householdId,
        changes: [
          {
            entity: "household",
            entityId: own.householdId,
            field: "kind",
            registerValue: "1",
            observedValue: "2",
            baseVersion: 1,
          },
        ],
      });
      const { results } = await officer1.sync.push({ deviceId: randomUUID(), mutations: [mutation] });
      expect(results[0].status).not.toBe("rejected");
      const [change] = await database.db
        .select({ id: changes.id })
        .from(changes)
        .where(eq(changes.visitId, mutation.id));
      // A resident's dispute on the officer's household (handling it is idempotent, so every test may).
      const [campaign] = await database.db.select({ id: campaigns.id }).from(campaigns).limit(1);
      const [dispute] = await database.db
        .insert(residentFeedback)
        .values({
          campaignId: campaign.id,
          householdId: own.householdId,
          gridId: own.gridId,
          kind: "dispute",
          fields: [{ personId: null, field: "address", comment: "" }],
        })
        .returning({ id: residentFeedback.id });
      const [officer] = await database.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.username, "officer1"));
      objects = {
        ...own,
        visitId: mutation.id,
        changeId: change.id,
        disputeId: dispute.id,
        campaignId: campaign.id,
        officerId: officer.id,
      };
      ownCommunity = await supervisorOf(database, own.communityId, "scope-community-1");
      otherCommunity = await supervisorOf(database, other.communityId, "scope-community-2");
    });

    for (const [path, call] of Object.entries(SUPERVISOR_PROCEDURES)) {
      it(`${path}: the supervisor of the officer's community may`, async () => {
        expect(await codeOf(call(ownCommunity, objects))).toBe("OK");
      });
      it(`${path}: the supervisor of another community gets NOT_FOUND`, async () => {
        expect(await codeOf(call(otherCommunity, objects))).toBe("NOT_FOUND");
      });
      it(`${path}: an officer, even of that grid, is refused`, async () => {
        expect(await codeOf(call(officer1, objects))).toBe("FORBIDDEN");
      });
      it(`${path}: without a session it is refused`, async () => {
        expect(await codeOf(call(anonymous, objects))).toBe("UNAUTHORIZED");
      });
    }
  });

  describe("administrator procedures", () => {
    let campaignId: string;
    beforeAll(async () => {
      [{ id: campaignId }] = await database.db.select({ id: campaigns.id }).from(campaigns).limit(1);
    });
    for (const [path, call] of Object.entries(ADMIN_PROCEDURES)) {
      it(`${path}: supervisors and officers are refused, and nothing changes`, async () => {
        const before = await database.db.select().from(campaigns);
        expect(await codeOf(call(supervisor, campaignId, own))).toBe("FORBIDDEN");
        expect(await codeOf(call(officer1, campaignId, own))).toBe("FORBIDDEN");
        expect(await codeOf(call(anonymous, campaignId, own))).toBe("UNAUTHORIZED");
        expect(await database.db.select().from(campaigns)).toEqual(before);
      });
    }
  });

  it("an officer cannot climb to their own community", async () => {
    expect(await codeOf(officer1.area.get({ id: own.communityId }))).toBe("NOT_FOUND");
  });

  it("an officer's default area is their grid, listing only its buildings", async () => {
    const view = await officer1.area.get({});
    expect(view.area.id).toBe(own.gridId);
    expect(view.area.level).toBe("grid");
    expect(view.buildings.length).toBeGreaterThan(0);
    expect(view.buildings.map((b) => b.id)).toContain(own.buildingId);
    expect(view.buildings.map((b) => b.id)).not.toContain(other.buildingId);
    expect(view.breadcrumbs).toEqual([{ id: own.gridId, name: view.area.name, level: "grid" }]);
  });

  it("the household view is masked", async () => {
    const view = await officer1.household.get({ id: own.householdId });
    expect(view.members.length).toBeGreaterThan(0);
    for (const member of view.members) {
      expect(member.idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
      expect(member.name).toContain("*");
      if (member.phone) expect(member.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
  });
});
