// sync.push on every database kind: applied once, replayed from the ledger, merged field by field,
// refused alone and in words, and scoped to the caller's grids.

import { randomUUID } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import {
  assignments,
  attachments,
  auditLog,
  changes,
  devices,
  households,
  mutationLedger,
  persons,
  rentals,
  rentalTenants,
  users,
  visits,
} from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import type { Mutation, PushResult } from "@/domain/push";
import { PUSH_MAX_MUTATIONS } from "@/domain/push";
import { hashPassword } from "@/server/auth/password";
import { databaseKinds, openTestDatabase } from "../support/db";
import {
  callerFor,
  codeOf,
  DEMO_PASSWORD,
  loginAs,
  objectsOfOfficer,
  seedSmallStreet,
} from "../support/fixture";
import { correction, membersOfGrid, openCampaignId, visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type Member = Awaited<ReturnType<typeof membersOfGrid>>[number];

describe.each(databaseKinds)("sync.push on %s", (kind) => {
  let database: Database;
  let gridId: string;
  let otherGridId: string;
  let campaignId: string;
  let members: Member[];
  let officer1: Caller;
  let officer1b: Caller;
  let officer2: Caller;
  let supervisor: Caller;
  let cookie1: string;
  const device1 = randomUUID();
  const device1b = randomUUID();
  let next = 0;
  /** A member no earlier test has touched. */
  const freshMember = () => members[next++];

  const push = (caller: Caller, mutations: Mutation[], deviceId = device1) =>
    caller.sync.push({ deviceId, mutations });
  const person = async (id: string) =>
    (await database.db.select().from(persons).where(eq(persons.id, id)))[0];
  /** The supervisor approves these visits at the versions they are at now. */
  const approve = async (...ids: string[]) => {
    const held = await database.db
      .select({ id: visits.id, version: visits.version })
      .from(visits)
      .where(inArray(visits.id, ids));
    return supervisor.review.decide({ visits: held, decision: "approve" });
  };
  const rowCount = async (table: typeof visits | typeof changes | typeof mutationLedger) =>
    (await database.db.select({ n: count() }).from(table))[0].n;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    const own = await objectsOfOfficer(database, "officer1");
    gridId = own.gridId;
    otherGridId = (await objectsOfOfficer(database, "officer2")).gridId;
    campaignId = await openCampaignId(database);
    members = await membersOfGrid(database, gridId);
    // A second officer working the same grid in the same campaign (a pair covering a large grid).
    const [officer] = await database.db
      .insert(users)
      .values({
        username: "officer1b",
        displayName: "王二",
        passwordHash: await hashPassword(DEMO_PASSWORD),
        role: "officer",
        areaId: gridId,
      })
      .returning({ id: users.id });
    await database.db.insert(assignments).values({ campaignId, gridId, officerId: officer.id });
    cookie1 = await loginAs(database, "officer1");
    officer1 = (await callerFor(database, { cookie: cookie1 })).caller;
    officer1b = (await callerFor(database, { cookie: await loginAs(database, "officer1b") })).caller;
    officer2 = (await callerFor(database, { cookie: await loginAs(database, "officer2") })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
  });
  afterAll(() => database?.close());

  it("takes a corrected field once, as pending, with the visit, its change row and the ledger row; approval writes it", async () => {
    const member = freshMember();
    const mutation = visitMutation({
      gridId,
      roomId: member.roomId as string,
      subjectType: "household",
      subjectId: member.householdId,
      changes: [correction("person", member, "phone", "13912345678")],
    });
    const { results } = await push(officer1, [mutation]);
    expect(results).toEqual([
      {
        id: mutation.id,
        duplicate: false,
        status: "applied",
        versions: { [mutation.id]: 1 },
      },
    ]);
    // The register holds reviewed data: nothing changed yet.
    const untouched = await person(member.id);
    expect([untouched.phone, untouched.version]).toEqual([member.phone, member.version]);
    const [visit] = await database.db.select().from(visits).where(eq(visits.id, mutation.id));
    expect(visit).toMatchObject({
      campaignId,
      gridId,
      deviceId: device1,
      outcome: "changed",
      reviewState: "submitted",
    });
    const stored = await database.db.select().from(changes).where(eq(changes.visitId, mutation.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      field: "phone",
      registerValue: member.phone,
      observedValue: "13912345678",
      status: "pending",
    });
    const [ledger] = await database.db
      .select()
      .from(mutationLedger)
      .where(eq(mutationLedger.id, mutation.id));
    expect(ledger).toMatchObject({ deviceId: device1, kind: "visit" });
    expect(ledger.payloadHash).toMatch(/^[0-9a-f]{64}$/);

    expect(await approve(mutation.id)).toEqual({ decided: 1, alreadyDecided: 0 });
    const after = await person(member.id);
    expect(after.phone).toBe("13912345678");
    expect(after.version).toBe(member.version + 1);
    expect(after.changeXid).not.toBe(member.changeXid);
    const [approved] = await database.db.select().from(changes).where(eq(changes.visitId, mutation.id));
    expect(approved.status).toBe("applied");
  });

  it("a replayed batch answers from the ledger and writes nothing", async () => {
    const a = freshMember();
    const b = freshMember();
    const batch = [
      visitMutation({
        gridId,
        roomId: a.roomId as string,
        changes: [correction("person", a, "phone", "13700000001")],
      }),
      visitMutation({
        gridId,
        roomId: b.roomId as string,
        changes: [correction("person", b, "phone", "13700000002")],
      }),
    ];
    const first = await push(officer1, batch);
    const counts = [await rowCount(visits), await rowCount(changes), await rowCount(mutationLedger)];
    const versions = [(await person(a.id)).version, (await person(b.id)).version];

    const replay = await push(officer1, batch);
    expect(replay.results).toEqual(first.results.map((r) => ({ ...r, duplicate: true })));
    // Reordered and mixed with a new one: the old two still answer from the ledger.
    const c = freshMember();
    const third = visitMutation({
      gridId,
      roomId: c.roomId as string,
      changes: [correction("person", c, "phone", "13700000003")],
    });
    const mixed = await push(officer1, [batch[1], third, batch[0]]);
    expect(mixed.results.map((r) => [r.id, r.status, r.duplicate])).toEqual([
      [batch[1].id, "applied", true],
      [third.id, "applied", false],
      [batch[0].id, "applied", true],
    ]);
    expect([await rowCount(visits), await rowCount(changes), await rowCount(mutationLedger)]).toEqual([
      counts[0] + 1,
      counts[1] + 1,
      counts[2] + 1,
    ]);
    expect([(await person(a.id)).version, (await person(b.id)).version]).toEqual(versions);
  });

  it("the same mutation id with a different payload is refused and changes nothing", async () => {
    const member = freshMember();
    const mutation = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13711111111")],
    });
    await push(officer1, [mutation]);
    const forged = structuredClone(mutation);
    forged.payload.changes[0].observedValue = "13722222222";
    const { results } = await push(officer1, [forged]);
    expect(results[0]).toMatchObject({ status: "rejected", key: "sync.idReused" });
    const [kept] = await database.db.select().from(changes).where(eq(changes.visitId, mutation.id));
    expect(kept.observedValue).toBe("13711111111");
  });

  it("two officers changing different fields of one person both land; the same field is a conflict with both values", async () => {
    const member = freshMember();
    // Both phones downloaded the same row, then went offline.
    const phoneFix = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13633333333")],
    });
    const ethnicityFix = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "ethnicity", "03")],
    });
    const samePhone = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13644444444")],
    });

    expect((await push(officer1, [phoneFix])).results[0].status).toBe("applied");
    expect((await push(officer1b, [ethnicityFix], device1b)).results[0].status).toBe("applied");
    await approve(phoneFix.id);
    await approve(ethnicityFix.id);
    let after = await person(member.id);
    expect([after.phone, after.ethnicity, after.version]).toEqual(["13633333333", "03", member.version + 2]);

    const [result] = (await push(officer1b, [samePhone], device1b)).results;
    expect(result).toMatchObject({
      status: "conflict",
      conflicts: [
        {
          entity: "person",
          entityId: member.id,
          field: "phone",
          registerValue: member.phone,
          serverValue: "13633333333",
          observedValue: "13644444444",
        },
      ],
    });
    after = await person(member.id);
    expect(after.phone).toBe("13633333333");
    const [stored] = await database.db.select().from(changes).where(eq(changes.visitId, samePhone.id));
    expect(stored).toMatchObject({
      status: "conflict",
      serverValue: "13633333333",
      observedValue: "13644444444",
    });

    // Settling it is itself a mutation; the supervisor keeps the second officer's number.
    const conflict = (result as Extract<PushResult, { status: "conflict" }>).conflicts[0];
    const resolve: Mutation = {
      id: randomUUID(),
      kind: "resolve",
      payload: {
        changeId: conflict.changeId,
        value: conflict.observedValue,
        serverValue: conflict.serverValue,
      },
    };
    expect((await push(supervisor, [resolve], randomUUID())).results[0]).toMatchObject({ status: "applied" });
    expect((await person(member.id)).phone).toBe("13644444444");
    const [settled] = await database.db.select().from(changes).where(eq(changes.id, conflict.changeId));
    expect(settled).toMatchObject({ status: "resolved", resolvedValue: "13644444444" });
    expect(settled.resolvedBy).not.toBeNull();
  });

  it("keeps a corrected value in the register's form, as the field's rule writes it", async () => {
    const member = freshMember();
    const mutation = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "139 1234 5670")],
    });
    expect((await push(officer1, [mutation])).results[0].status).toBe("applied");
    const [stored] = await database.db.select().from(changes).where(eq(changes.visitId, mutation.id));
    expect(stored.observedValue).toBe("13912345670");
    await approve(mutation.id);
    expect((await person(member.id)).phone).toBe("13912345670");
  });

  it("a value the server already holds is 'unchanged', not a conflict, and bumps no version", async () => {
    const member = freshMember();
    const first = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13555555555")],
    });
    const same = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13555555555")],
    });
    await push(officer1, [first]);
    await approve(first.id);
    const version = (await person(member.id)).version;
    const { results } = await push(officer1b, [same], device1b);
    expect(results[0].status).toBe("applied");
    const [stored] = await database.db.select().from(changes).where(eq(changes.visitId, same.id));
    expect(stored.status).toBe("unchanged");
    expect((await person(member.id)).version).toBe(version);
  });

  it("a bad mutation is rejected alone, in the caller's language, and writes nothing; the rest of the batch lands", async () => {
    const good = freshMember();
    const target = freshMember();
    const goodVisit = visitMutation({
      gridId,
      roomId: good.roomId as string,
      changes: [correction("person", good, "phone", "13466666666")],
    });
    // A new member whose ID number has a wrong check character, beside a valid correction.
    const badVisit = visitMutation({
      gridId,
      roomId: target.roomId as string,
      changes: [
        correction("person", target, "phone", "13477777777"),
        {
          entity: "person",
          entityId: randomUUID(),
          field: "*",
          registerValue: null,
          observedValue: {
            name: "李小明",
            idType: "1",
            idNumber: "44010620190101123X",
            sex: "1",
            birthDate: "2019-01-01",
            relation: "20",
            householdId: target.householdId,
            roomId: target.roomId,
          },
          baseVersion: 0,
        },
      ],
    });
    const visitsBefore = await rowCount(visits);
    const { results } = await push(officer1, [badVisit, goodVisit]);
    expect(results[0]).toMatchObject({ status: "rejected", key: "validation.citizenId.checksum" });
    expect((results[0] as { message: string }).message).toMatch(/校验/);
    expect(results[1].status).toBe("applied");
    expect((await person(target.id)).phone).toBe(target.phone);
    expect(await rowCount(visits)).toBe(visitsBefore + 1);
    expect(await database.db.select().from(mutationLedger).where(eq(mutationLedger.id, badVisit.id))).toEqual(
      [],
    );

    const english = (await callerFor(database, { cookie: `${cookie1}; doorstep_locale=en` })).caller;
    const again = await push(english, [badVisit]);
    expect((again.results[0] as { message: string }).message).toBe(
      createTranslator("en")("validation.citizenId.checksum"),
    );
  });

  it("an object outside the caller's grids is rejected like a missing one, and nothing is written", async () => {
    const [foreign] = await membersOfGrid(database, otherGridId);
    const intoOtherGrid = visitMutation({
      gridId: otherGridId,
      roomId: foreign.roomId as string,
      changes: [correction("person", foreign, "phone", "13388888888")],
    });
    // The visit claims one's own grid but corrects a person of another.
    const own = freshMember();
    const smuggled = visitMutation({
      gridId,
      roomId: own.roomId as string,
      changes: [correction("person", foreign, "phone", "13399999999")],
    });
    const { results } = await push(officer1, [intoOtherGrid, smuggled]);
    expect(results.map((r) => [r.status, "key" in r ? r.key : null])).toEqual([
      ["rejected", "errors.notFound"],
      ["rejected", "errors.notFound"],
    ]);
    expect((await person(foreign.id)).phone).toBe(foreign.phone);
    // The officer of that grid may.
    expect((await push(officer2, [intoOtherGrid], randomUUID())).results[0].status).toBe("applied");
  });

  it("without a session the push is refused outright", async () => {
    const anonymous = (await callerFor(database)).caller;
    expect(await codeOf(push(anonymous, []))).toBe("UNAUTHORIZED");
  });

  it("adds a household with its members, a tenant with a tenancy, and ends a member who moved out", async () => {
    const member = freshMember();
    const roomId = member.roomId as string;
    const householdId = randomUUID();
    const childId = randomUUID();
    const mutation = visitMutation({
      gridId,
      roomId,
      outcome: "new_household",
      subjectType: "household",
      subjectId: householdId,
      changes: [
        // The member before the household: the server puts parents first.
        {
          entity: "person",
          entityId: childId,
          field: "*",
          registerValue: null,
          observedValue: {
            name: "陈一一",
            idType: "1",
            idNumber: "110101201501010011",
            sex: "1",
            birthDate: "2015-01-01",
            relation: "20",
            householdId,
            roomId,
          },
          baseVersion: 0,
        },
        {
          entity: "household",
          entityId: householdId,
          field: "*",
          registerValue: null,
          observedValue: { roomId, kind: "1", householdNo: null },
          baseVersion: 0,
        },
        {
          entity: "person",
          entityId: member.id,
          field: "endedAt",
          registerValue: null,
          observedValue: "2026-11-01",
          baseVersion: member.version,
        },
        {
          entity: "person",
          entityId: member.id,
          field: "endReason",
          registerValue: null,
          observedValue: { code: "moved_out", destination: "天河区" },
          baseVersion: member.version,
        },
      ],
    });
    const { results } = await push(officer1, [mutation]);
    expect(results[0]).toMatchObject({ status: "applied", versions: { [mutation.id]: 1 } });
    // Waiting for review: neither the household nor the child is in the register, the member is current.
    expect(await database.db.select().from(households).where(eq(households.id, householdId))).toEqual([]);
    expect(await person(childId)).toBeUndefined();
    expect((await person(member.id)).endedAt).toBeNull();
    await approve(mutation.id);
    const [household] = await database.db.select().from(households).where(eq(households.id, householdId));
    expect(household).toMatchObject({ roomId, gridId, source: "field", version: 1 });
    expect(household.householdNo).toMatch(/^F[0-9A-F]{15}$/);
    expect(await person(childId)).toMatchObject({ householdId, gridId, name: "陈一一", source: "field" });
    const ended = await person(member.id);
    expect(ended.endReason).toBe("moved_out");
    expect(ended.endedAt?.toISOString()).toBe("2026-10-31T16:00:00.000Z");

    const [rental] = await database.db.select().from(rentals).where(eq(rentals.gridId, gridId)).limit(1);
    expect(rental, "the small street has a rental room in this grid").toBeDefined();
    const tenantId = randomUUID();
    const linkId = randomUUID();
    const tenancy = visitMutation({
      gridId,
      roomId: rental.roomId,
      subjectType: "rental",
      subjectId: rental.id,
      outcome: "new_person",
      changes: [
        {
          entity: "rental_tenant",
          entityId: linkId,
          field: "*",
          registerValue: null,
          observedValue: { rentalId: rental.id, personId: tenantId, moveInDate: "2026-10-01" },
          baseVersion: 0,
        },
        {
          entity: "person",
          entityId: tenantId,
          field: "*",
          registerValue: null,
          observedValue: {
            name: "赵六",
            idType: "1",
            idNumber: "110101199003070011",
            sex: "1",
            birthDate: "1990-03-07",
            personType: "02",
            householdId: null,
            roomId: rental.roomId,
          },
          baseVersion: 0,
        },
      ],
    });
    expect((await push(officer1, [tenancy])).results[0].status).toBe("applied");
    expect(await database.db.select().from(rentalTenants).where(eq(rentalTenants.id, linkId))).toEqual([]);
    await approve(tenancy.id);
    const [link] = await database.db.select().from(rentalTenants).where(eq(rentalTenants.id, linkId));
    expect(link).toMatchObject({ rentalId: rental.id, personId: tenantId, moveInDate: "2026-10-01" });
  });

  it("a corrected ID number must agree with the birth date and sex", async () => {
    const member = freshMember();
    const wrong = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [
        correction(
          "person",
          member,
          "idNumber",
          member.birthDate === "1990-01-01" ? "110101201501010011" : "440106199001010013",
        ),
      ],
    });
    const { results } = await push(officer1, [wrong]);
    expect(results[0]).toMatchObject({ status: "rejected" });
    expect(["validation.person.birthDateMismatch", "validation.person.sexMismatch"]).toContain(
      (results[0] as { key: string }).key,
    );
    expect((await person(member.id)).idNumber).toBe(member.idNumber);
  });

  it("a visit naming a photo not yet uploaded waits for it, then lands", async () => {
    const member = freshMember();
    const sha = "a".repeat(64);
    const mutation = visitMutation({ gridId, roomId: member.roomId as string, photoSha256: sha });
    expect((await push(officer1, [mutation])).results[0]).toMatchObject({
      status: "rejected",
      key: "sync.photoMissing",
    });
    const [me] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, "officer1"));
    await database.db.insert(attachments).values({
      sha256: sha,
      mime: "image/jpeg",
      bytes: 3,
      data: new Uint8Array([0xff, 0xd8, 0xff]),
      uploadedBy: me.id,
      gridId,
    });
    expect((await push(officer1, [mutation])).results[0]).toMatchObject({
      status: "applied",
      duplicate: false,
    });
  });

  it("keeps each device's health, and refuses a device id that belongs to another user", async () => {
    const deviceId = randomUUID();
    const health = {
      appVersion: "1.2.3",
      unsentCount: 4,
      oldestUnsentAt: "2026-11-20T08:00:00+08:00",
      storagePersisted: true,
      storageUsage: 1_234_567,
      storageQuota: 9_876_543_210,
    };
    await officer1.sync.push({ deviceId, mutations: [], device: health });
    const [row] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(row).toMatchObject({
      appVersion: "1.2.3",
      unsentCount: 4,
      storagePersisted: true,
      storageUsage: 1_234_567,
    });
    expect(row.oldestUnsentAt?.toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(await codeOf(officer2.sync.push({ deviceId, mutations: [] }))).toBe("FORBIDDEN");
    const audited = await database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "sync.push"), eq(auditLog.entityId, device1)));
    expect(audited[0].n).toBeGreaterThan(0);
  });

  it(`a full batch (${PUSH_MAX_MUTATIONS} visits, more rows than one statement may bind) lands whole`, async () => {
    // 250 visits × 20 change rows = 5,000 change rows: one insert would bind about 75,000 parameters.
    const member = freshMember();
    let current = await person(member.id);
    const batch: Mutation[] = [];
    for (let i = 0; i < PUSH_MAX_MUTATIONS; i++) {
      const values = Array.from(
        { length: 20 },
        (_, k) => `1${String(3_000_000_000 + i * 20 + k).slice(0, 10)}`,
      );
      // Each visit corrects the phone 20 times over (a chain of edits): 20 change rows, last one wins.
      const specs = values.map((value, k) => ({
        ...correction("person", current, "phone", value),
        registerValue: k === 0 ? current.phone : values[k - 1],
      }));
      batch.push(visitMutation({ gridId, roomId: member.roomId as string, changes: specs }));
      current = { ...current, phone: values[values.length - 1] };
    }
    const changesBefore = await rowCount(changes);
    const { results } = await push(officer1, batch);
    expect(results.filter((r) => r.status !== "applied")).toEqual([]);
    expect(await rowCount(changes)).toBe(changesBefore + PUSH_MAX_MUTATIONS * 20);
    expect((await person(member.id)).phone).toBe(member.phone);
    // Approved in the order they arrived, the chain of edits ends where the officer left it.
    await approve(...batch.slice(0, 200).map((m) => m.id));
    await approve(...batch.slice(200).map((m) => m.id));
    expect((await person(member.id)).phone).toBe(current.phone);
  });

  it(`more than ${PUSH_MAX_MUTATIONS} mutations in one request is a bad request`, async () => {
    const member = members[0];
    const batch = Array.from({ length: PUSH_MAX_MUTATIONS + 1 }, () =>
      visitMutation({ gridId, roomId: member.roomId as string }),
    );
    expect(await codeOf(push(officer1, batch))).toBe("BAD_REQUEST");
  });

  it("two pushes of the same mutation at once write it once", async () => {
    const member = freshMember();
    const mutation = visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", "13200000000")],
    });
    const second = (await callerFor(database, { cookie: cookie1 })).caller;
    const answers = await Promise.all([push(officer1, [mutation]), push(second, [mutation])]);
    expect(answers.map((a) => a.results[0].status)).toEqual(["applied", "applied"]);
    expect(answers.map((a) => a.results[0].duplicate).sort()).toEqual([false, true]);
    expect(await database.db.select().from(visits).where(eq(visits.id, mutation.id))).toHaveLength(1);
    expect(await database.db.select().from(changes).where(eq(changes.visitId, mutation.id))).toHaveLength(1);
  });
});
