// The review gate: a pushed correction waits, pending, outside the register; approval writes it,
// re-checked against the register as it is then; a return keeps it out for good; a decision is
// taken only on the version the reviewer was shown. On every database kind.

import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { auditLog, changes, households, persons, rooms, visits } from "@/db/schema";
import type { Mutation } from "@/domain/push";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, codeOf, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { correction, membersOfGrid, openCampaignId, visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type Member = Awaited<ReturnType<typeof membersOfGrid>>[number];

describe.each(databaseKinds)("the review gate on %s", (kind) => {
  let database: Database;
  let gridId: string;
  let campaignId: string;
  let members: Member[];
  let officer: Caller;
  let supervisor: Caller;
  let admin: Caller;
  let next = 0;
  const deviceId = randomUUID();
  const fresh = () => members[next++];

  const push = async (...mutations: Mutation[]) => {
    const { results } = await officer.sync.push({ deviceId, mutations });
    for (const result of results)
      if (result.status === "rejected") throw new Error(`${result.key}: ${result.message} (${result.field})`);
    return results;
  };
  const versionOf = async (id: string) =>
    (await database.db.select({ version: visits.version }).from(visits).where(eq(visits.id, id)))[0].version;
  const decide = async (decision: "approve" | "return", ...ids: string[]) =>
    supervisor.review.decide({
      visits: await Promise.all(ids.map(async (id) => ({ id, version: await versionOf(id) }))),
      decision,
      comment: decision === "return" ? "请核对电话" : null,
    });
  const person = async (id: string) =>
    (await database.db.select().from(persons).where(eq(persons.id, id)))[0];
  const statusesOf = async (visitId: string) =>
    (
      await database.db.select({ status: changes.status }).from(changes).where(eq(changes.visitId, visitId))
    ).map((row) => row.status);
  const phoneFix = (member: Member, value: string) =>
    visitMutation({
      gridId,
      roomId: member.roomId as string,
      subjectType: "household",
      subjectId: member.householdId,
      changes: [correction("person", member, "phone", value)],
    });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    campaignId = await openCampaignId(database);
    members = await membersOfGrid(database, gridId);
    officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    admin = (await callerFor(database, { cookie: await loginAs(database, "admin") })).caller;
  });
  afterAll(() => database?.close());

  it("a pushed correction is pending and outside the register; the review shows the register beside it; approval writes it", async () => {
    const member = fresh();
    const fix = phoneFix(member, "13912340101");
    await push(fix);
    expect((await person(member.id)).phone).toBe(member.phone);
    expect(await statusesOf(fix.id)).toEqual(["pending"]);
    const review = await supervisor.review.reveal({ id: fix.id });
    expect(review.changes[0]).toMatchObject({
      status: "pending",
      registerValue: member.phone,
      observedValue: "13912340101",
      registerNow: member.phone,
    });
    expect(await decide("approve", fix.id)).toEqual({ decided: 1, alreadyDecided: 0 });
    expect((await person(member.id)).phone).toBe("13912340101");
    expect(await statusesOf(fix.id)).toEqual(["applied"]);
  });

  it("a returned visit's correction never reaches the register, not even when a later visit is approved", async () => {
    const member = fresh();
    const fix = phoneFix(member, "13912340202");
    await push(fix);
    await decide("return", fix.id);
    expect(await statusesOf(fix.id)).toEqual(["returned"]);
    const later = visitMutation({ gridId, roomId: member.roomId as string, outcome: "verified" });
    await push(later);
    await decide("approve", later.id);
    expect((await person(member.id)).phone).toBe(member.phone);
  });

  it("approval after the register moved makes the field a conflict with the value now held, never an overwrite", async () => {
    const member = fresh();
    const fix = phoneFix(member, "13912340303");
    await push(fix);
    // Meanwhile a department's file (or another approved visit) changed the same field.
    await database.db
      .update(persons)
      .set({ phone: "13700000303", version: member.version + 1 })
      .where(eq(persons.id, member.id));
    expect(await decide("approve", fix.id)).toEqual({ decided: 1, alreadyDecided: 0 });
    expect((await person(member.id)).phone).toBe("13700000303");
    const [stored] = await database.db.select().from(changes).where(eq(changes.visitId, fix.id));
    expect(stored).toMatchObject({ status: "conflict", serverValue: "13700000303" });
    expect((await supervisor.conflict.list()).map((c) => c.changeId)).toContain(stored.id);
  });

  it("a decision on a version the reviewer was not shown is refused and decides nothing", async () => {
    const a = fresh();
    const b = fresh();
    const first = phoneFix(a, "13912340404");
    const second = phoneFix(b, "13912340405");
    await push(first, second);
    // The reviewer's screen was loaded at version 1; someone returns the first visit meanwhile.
    await decide("return", first.id);
    expect(
      await codeOf(
        supervisor.review.decide({
          visits: [
            { id: first.id, version: 1 },
            { id: second.id, version: 1 },
          ],
          decision: "approve",
        }),
      ),
    ).toBe("CONFLICT");
    const [row] = await database.db.select().from(visits).where(eq(visits.id, second.id));
    expect(row.reviewState).toBe("submitted");
    expect((await person(b.id)).phone).toBe(b.phone);
  });

  it("an officer's second visit builds on their first while it waits; approving both in order ends at the second", async () => {
    const member = fresh();
    const first = phoneFix(member, "13912340606");
    await push(first);
    // The phone shows its own pending value, so the second visit saw it.
    const second = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [{ ...correction("person", member, "phone", "13912340607"), registerValue: "13912340606" }],
    });
    const [result] = await push(second);
    expect(result.status).toBe("applied");
    await decide("approve", first.id);
    await decide("approve", second.id);
    expect((await person(member.id)).phone).toBe("13912340607");
  });

  it("a new member waits outside the register; the same person added again is refused at the push, and one registered meanwhile stops the approval", async () => {
    const a = fresh();
    const b = members.find((m, i) => i > next && m.householdId !== a.householdId) as Member;
    const newcomer = (holder: Member) =>
      visitMutation({
        gridId,
        roomId: holder.roomId as string,
        outcome: "new_person",
        changes: [
          {
            entity: "person",
            entityId: randomUUID(),
            field: "*",
            registerValue: null,
            observedValue: {
              name: "新来者",
              idType: "1",
              idNumber: "440104199001010029",
              sex: "2",
              birthDate: "1990-01-01",
              relation: "97",
              householdId: holder.householdId,
              roomId: holder.roomId,
            },
            baseVersion: 0,
          },
        ],
      });
    const here = newcomer(a);
    await push(here);
    // Added again elsewhere while the first waits: refused at the push, in words.
    const again = newcomer(b);
    const [refused] = (await officer.sync.push({ deviceId, mutations: [again] })).results;
    expect(refused).toMatchObject({ status: "rejected", key: "sync.personRegistered.here" });
    const waiting = await database.db
      .select()
      .from(persons)
      .where(eq(persons.idNumber, "440104199001010029"));
    expect(waiting).toEqual([]);
    // A department's file registers the same person before the reviewer gets to the visit.
    const [holder] = await database.db.select().from(persons).where(eq(persons.id, b.id));
    await database.db.insert(persons).values({
      ...holder,
      id: randomUUID(),
      name: "新来者",
      idNumber: "440104199001010029",
      sex: "2",
      birthDate: "1990-01-01",
      changeXid: undefined,
    });
    expect(await codeOf(decide("approve", here.id))).toBe("CONFLICT");
    const [row] = await database.db.select().from(visits).where(eq(visits.id, here.id));
    expect(row.reviewState).toBe("submitted");
    expect(await statusesOf(here.id)).toEqual(["pending"]);
  });

  it("every field statistics count can be corrected at the door and reaches the register on approval", async () => {
    const member = fresh();
    const values = {
      disability: !member.disability,
      lowIncome: !member.lowIncome,
      unemployed: !member.unemployed,
      marital: member.marital === "20" ? "30" : "20",
      employment: member.employment === "20" ? "10" : "20",
      leftBehind: member.leftBehind === "elderly" ? "child" : "elderly",
      currentAddress: "光塔路99号",
    };
    const fix = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: Object.entries(values).map(([field, value]) => correction("person", member, field, value)),
    });
    await push(fix);
    await decide("approve", fix.id);
    expect(await person(member.id)).toMatchObject(values);
    expect(new Set(await statusesOf(fix.id))).toEqual(new Set(["applied"]));
  });

  it("a household's kind, low income and five-guarantee and a room's use are corrected at the door, pending until approved", async () => {
    const member = fresh();
    const [household] = await database.db
      .select()
      .from(households)
      .where(eq(households.id, member.householdId as string));
    const [room] = await database.db
      .select()
      .from(rooms)
      .where(eq(rooms.id, member.roomId as string));
    const householdValues = {
      kind: household.kind === "1" ? "2" : "1",
      lowIncome: !household.lowIncome,
      fiveGuarantee: !household.fiveGuarantee,
    };
    const use = room.use === "1" ? "2" : "1";
    const fix = visitMutation({
      gridId,
      roomId: room.id,
      subjectType: "household",
      subjectId: household.id,
      changes: [
        ...Object.entries(householdValues).map(([field, value]) =>
          correction("household", household, field, value),
        ),
        correction("room", room, "use", use),
      ],
    });
    await push(fix);
    // Waiting: the register still holds what the officer saw.
    const [waiting] = await database.db.select().from(households).where(eq(households.id, household.id));
    expect(waiting).toMatchObject({ kind: household.kind, lowIncome: household.lowIncome });
    expect(new Set(await statusesOf(fix.id))).toEqual(new Set(["pending"]));
    await decide("approve", fix.id);
    const [after] = await database.db.select().from(households).where(eq(households.id, household.id));
    expect(after).toMatchObject(householdValues);
    const [roomAfter] = await database.db.select().from(rooms).where(eq(rooms.id, room.id));
    expect(roomAfter.use).toBe(use);
  });

  it("a room's use outside its code list is refused in words, alone", async () => {
    const member = fresh();
    const [room] = await database.db
      .select()
      .from(rooms)
      .where(eq(rooms.id, member.roomId as string));
    const bad = visitMutation({ gridId, roomId: room.id, changes: [correction("room", room, "use", "99")] });
    const { results } = await officer.sync.push({ deviceId, mutations: [bad] });
    expect(results[0]).toMatchObject({ status: "rejected", field: "use" });
  });

  it("a campaign that trusts confirmations approves them as they arrive, and only them", async () => {
    // Only an administrator sets it; a supervisor is refused and nothing changes.
    await expect(
      supervisor.campaign.setAutoApprove({ id: campaignId, autoApprove: true }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await admin.campaign.setAutoApprove({ id: campaignId, autoApprove: true })).toEqual({
      changed: true,
    });
    expect((await admin.campaign.get({ id: campaignId })).autoApprove).toBe(true);
    const [audited] = await database.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.action, "campaign.autoApprove"), eq(auditLog.entityId, campaignId)));
    expect(audited.detail).toMatchObject({ autoApprove: true });
    try {
      const a = fresh();
      const b = fresh();
      const confirm = visitMutation({ gridId, roomId: a.roomId as string, outcome: "verified" });
      const fix = phoneFix(b, "13912340808");
      const noAnswer = visitMutation({ gridId, roomId: a.roomId as string, outcome: "no_answer" });
      noAnswer.payload.visit.revisitDue = "2026-11-22";
      await push(confirm, fix, noAnswer);
      const states = await database.db
        .select({ id: visits.id, reviewState: visits.reviewState })
        .from(visits)
        .where(inArray(visits.id, [confirm.id, fix.id, noAnswer.id]));
      const stateOf = (id: string) => states.find((s) => s.id === id)?.reviewState;
      expect([stateOf(confirm.id), stateOf(fix.id), stateOf(noAnswer.id)]).toEqual([
        "approved",
        "submitted",
        "submitted",
      ]);
    } finally {
      await admin.campaign.setAutoApprove({ id: campaignId, autoApprove: false });
    }
  });
});
