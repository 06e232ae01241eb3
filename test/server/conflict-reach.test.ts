// Conflicts reach the officer: every phone of the officer learns, through the pull, of each unsettled
// conflict on their corrections — one that arose at approval (which no push answer carries) as much as
// one another phone was told of at its push — with who set the value it met; a settlement made
// elsewhere takes it off every list, and the phone whose waiting value it set aside is told. The
// supervisor's inbox names the record (masked) and who set the value, with an audited reveal.
// On every database kind; the late commit on PostgreSQL, where transactions run side by side.

import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas, auditLog, changes, persons, users, visits } from "@/db/schema";
import { maskName } from "@/domain/mask";
import type { PulledConflict } from "@/domain/pull";
import type { Mutation, PushResult } from "@/domain/push";
import { databaseKinds, openTestDatabase, settle, type TestDatabase } from "../support/db";
import { callerFor, codeOf, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { correction, membersOfGrid, supervisorOf, visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type Member = Awaited<ReturnType<typeof membersOfGrid>>[number];
type Conflicted = Extract<PushResult, { status: "conflict" }>;

describe.each(databaseKinds)("conflicts reach the officer on %s", (kind) => {
  let database: TestDatabase;
  let gridId: string;
  let members: Member[];
  let officer: Caller;
  let supervisor: Caller;
  let supervisorName: string;
  let next = 0;
  const fresh = () => members[next++];

  /** One phone of officer1: its device id and the cursor of its last complete round. */
  const phone = () => ({ deviceId: randomUUID(), cursor: null as string | null });
  type Phone = ReturnType<typeof phone>;

  /** A sync's pull on that phone: every page of the round, the conflicts they carried. */
  const pull = async (device: Phone): Promise<PulledConflict[]> => {
    await settle(database.db);
    const carried: PulledConflict[] = [];
    for (;;) {
      const page = await officer.sync.pull({ cursor: device.cursor, deviceId: device.deviceId });
      device.cursor = page.cursor;
      carried.push(...(page.conflicts ?? []));
      if (!page.hasMore) return carried;
    }
  };
  const push = async (caller: Caller, device: Phone, ...mutations: Mutation[]) => {
    const { results } = await caller.sync.push({ deviceId: device.deviceId, mutations });
    for (const result of results)
      if (result.status === "rejected") throw new Error(`${result.key}: ${result.message} (${result.field})`);
    return results;
  };
  const phoneFix = (member: Member, value: string, seen: string | null = member.phone) =>
    visitMutation({
      gridId,
      roomId: member.roomId as string,
      subjectType: "household",
      subjectId: member.householdId,
      changes: [{ ...correction("person", member, "phone", value), registerValue: seen }],
    });
  const approve = async (visitId: string) => {
    const [{ version }] = await database.db
      .select({ version: visits.version })
      .from(visits)
      .where(eq(visits.id, visitId));
    return supervisor.review.decide({ visits: [{ id: visitId, version }], decision: "approve" });
  };
  const changeOf = (mutation: Mutation) =>
    mutation.kind === "visit" ? mutation.payload.changes[0].id : mutation.payload.changeId;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    members = await membersOfGrid(database, gridId);
    officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    [{ supervisorName }] = await database.db
      .select({ supervisorName: users.displayName })
      .from(users)
      .where(eq(users.username, "supervisor"));
  });
  afterAll(() => database?.close());

  it("a conflict that arises at approval reaches every phone of the officer, named as the register's own data", async () => {
    const a = phone();
    const b = phone();
    await pull(a);
    await pull(b);
    const member = fresh();
    const fix = phoneFix(member, "13912345001");
    await push(officer, a, fix);
    // Meanwhile a department's file changes the same field; then the supervisor approves the visit.
    await database.db
      .update(persons)
      .set({ phone: "13700005001", version: member.version + 1 })
      .where(eq(persons.id, member.id));
    await approve(fix.id);

    const expected = {
      changeId: changeOf(fix),
      visitId: fix.id,
      roomId: member.roomId,
      gridId,
      entity: "person",
      entityId: member.id,
      field: "phone",
      state: "open",
      registerValue: member.phone,
      serverValue: "13700005001",
      observedValue: "13912345001",
      setBy: { kind: "register" },
    };
    // The phone that pushed, the officer's other phone, and a phone downloading from zero.
    expect(await pull(a)).toEqual([expected]);
    expect(await pull(b)).toEqual([expected]);
    expect(await pull(phone())).toContainEqual(expected);
    // Told once: the next round brings nothing new.
    expect(await pull(a)).toEqual([]);
  });

  it("names the person whose value the correction met: a supervisor's correction approved first", async () => {
    const a = phone();
    await pull(a);
    const member = fresh();
    const fix = phoneFix(member, "13912345002");
    await push(officer, a, fix);
    // The supervisor corrects the same field on top of the officer's waiting value, and approves
    // their own visit first: the register moved since the officer's push.
    const own = phoneFix(member, "13600005002", "13912345002");
    await push(supervisor, phone(), own);
    await approve(own.id);
    await approve(fix.id);
    const [conflict] = await pull(a);
    expect(conflict).toMatchObject({
      changeId: changeOf(fix),
      state: "open",
      serverValue: "13600005002",
      setBy: { kind: "user", name: supervisorName, role: "supervisor", self: false },
    });
    // The supervisor's inbox says the same, from where they sit.
    const item = (await supervisor.conflict.list()).find((c) => c.changeId === changeOf(fix));
    expect(item?.setBy).toEqual({ kind: "user", name: supervisorName, role: "supervisor", self: true });
  });

  it("a push-time conflict reaches the officer's other phone; settled on one, it leaves both lists, and the phone whose waiting value it set aside is told", async () => {
    const a = phone();
    const b = phone();
    await pull(a);
    await pull(b);
    const member = fresh();
    // Both phones saw the register's number; A's correction arrives first and waits for review.
    const first = phoneFix(member, "13912345003");
    await push(officer, a, first);
    const second = phoneFix(member, "13912345004");
    const [answer] = await push(officer, b, second);
    expect(answer.status).toBe("conflict");
    // The push answer names who set the value met: the officer themselves, on the other phone.
    expect((answer as Conflicted).conflicts[0]).toMatchObject({
      serverValue: "13912345003",
      setBy: { kind: "user", role: "officer", self: true },
    });
    // A learns of B's conflict on its next pull.
    const onA = await pull(a);
    expect(onA).toEqual([
      expect.objectContaining({
        changeId: changeOf(second),
        state: "open",
        serverValue: "13912345003",
        observedValue: "13912345004",
        setBy: expect.objectContaining({ self: true }),
      }),
    ]);
    expect(await pull(b)).toEqual([expect.objectContaining({ changeId: changeOf(second), state: "open" })]);

    // B keeps its own value: the register takes it, and A's waiting correction is superseded.
    const resolve: Mutation = {
      id: randomUUID(),
      kind: "resolve",
      payload: { changeId: changeOf(second), value: "13912345004", serverValue: "13912345003" },
    };
    expect((await push(officer, b, resolve))[0].status).toBe("applied");
    const [superseded] = await database.db
      .select()
      .from(changes)
      .where(eq(changes.id, changeOf(first)));
    expect(superseded).toMatchObject({ status: "resolved", resolvedValue: "13912345004" });

    const settledOnA = await pull(a);
    // B's conflict leaves A's list; A's own value was set aside elsewhere: A is told, with who settled it.
    expect(settledOnA).toHaveLength(2);
    expect(settledOnA.find((c) => c.changeId === changeOf(second))).toMatchObject({ state: "settled" });
    expect(settledOnA.find((c) => c.changeId === changeOf(second))?.notice).toBeUndefined();
    expect(settledOnA.find((c) => c.changeId === changeOf(first))).toMatchObject({
      state: "settled",
      notice: true,
      observedValue: "13912345003",
      settledValue: "13912345004",
      settledBy: { kind: "user", role: "officer", self: true },
    });
    // B settled it: nothing to tell B beyond taking it off the list.
    const settledOnB = await pull(b);
    expect(settledOnB.every((c) => c.state === "settled" && !c.notice)).toBe(true);
    expect(settledOnB.map((c) => c.changeId)).toContain(changeOf(second));
  });

  it("the inbox names the record masked and the field; a reveal shows it in clear, audited, and only in the caller's area", async () => {
    const a = phone();
    const member = fresh();
    const fix = phoneFix(member, "13912345005");
    await push(officer, a, fix);
    await database.db
      .update(persons)
      .set({ phone: "13700005005", version: member.version + 1 })
      .where(eq(persons.id, member.id));
    await approve(fix.id);
    const changeId = changeOf(fix);
    const item = (await supervisor.conflict.list()).find((c) => c.changeId === changeId);
    expect(item).toMatchObject({
      field: "phone",
      entity: "person",
      record: maskName(member.name),
      serverValue: "137****5005",
      setBy: { kind: "register" },
    });
    expect(JSON.stringify(item)).not.toContain(member.name);

    const revealed = await supervisor.conflict.reveal({ changeId });
    expect(revealed).toMatchObject({
      changeId,
      record: member.name,
      registerValue: member.phone,
      serverValue: "13700005005",
      observedValue: "13912345005",
    });
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reveal_conflict"), eq(auditLog.entityId, changeId)));
    expect(audits).toHaveLength(1);

    // A supervisor of another community, and an officer, are refused; nothing is written for them.
    const { communityId } = await objectsOfOfficer(database, "officer1");
    const [{ id: otherCommunity }] = await database.db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.level, "community"), ne(areas.id, communityId)))
      .limit(1);
    const stranger = await supervisorOf(database, otherCommunity, "supervisor-far");
    expect(await codeOf(stranger.conflict.reveal({ changeId }))).toBe("NOT_FOUND");
    expect(await codeOf(officer.conflict.reveal({ changeId }))).toBe("FORBIDDEN");
    expect(
      await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "reveal_conflict"), eq(auditLog.entityId, changeId))),
    ).toHaveLength(1);
  });

  it.runIf(kind === "postgresql")(
    "a conflict whose approval commits late is not skipped: held back while it runs, carried once it commits",
    async () => {
      const a = phone();
      await pull(a);
      const late = fresh();
      const early = fresh();
      const lateFix = phoneFix(late, "13912345006");
      const earlyFix = phoneFix(early, "13912345007");
      await push(officer, a, lateFix, earlyFix);
      for (const member of [late, early])
        await database.db
          .update(persons)
          .set({ phone: "13700005006", version: member.version + 1 })
          .where(eq(persons.id, member.id));
      // A transaction starts (its id is taken now) and marks one change a conflict, but does not
      // commit; a later approval commits the other conflict meanwhile.
      const client = new Client({ connectionString: database.url as string });
      await client.connect();
      try {
        await client.query("begin");
        await client.query("update changes set status = 'conflict', server_value = $2 where id = $1", [
          changeOf(lateFix),
          JSON.stringify("13700005006"),
        ]);
        await approve(earlyFix.id);
        const page = await officer.sync.pull({ cursor: a.cursor, deviceId: a.deviceId });
        // Neither comes yet: the round stops below the running transaction, so the later commit waits.
        expect(page.conflicts ?? []).toEqual([]);
        a.cursor = page.cursor;
        await client.query("commit");
      } finally {
        await client.end();
      }
      const carried = await pull(a);
      expect(carried.map((c) => c.changeId).sort()).toEqual([changeOf(lateFix), changeOf(earlyFix)].sort());
    },
  );
});
