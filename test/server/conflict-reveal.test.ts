// A conflict answer is a read of the register: an invented "seen" value must not turn a push into an
// unmasked, unaudited read. Officers (who hold their grid unmasked) get the value and an audit row;
// anyone else gets it masked, and the conflict inbox masks birth dates and addresses too.

import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { auditLog } from "@/db/schema";
import type { PushResult } from "@/domain/push";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { correction, membersOfGrid, visitMutation } from "../support/push";

type Member = Awaited<ReturnType<typeof membersOfGrid>>[number];
type Conflicted = Extract<PushResult, { status: "conflict" }>;

describe.each(databaseKinds)("conflict answers on %s", (kind) => {
  let database: Database;
  let gridId: string;
  let members: Member[];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    members = await membersOfGrid(database, gridId);
  });
  afterAll(() => database?.close());

  /** A push claiming to have seen values the register never held: every field a conflict. */
  const probe = (member: Member) =>
    visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: Object.entries({
        idNumber: "440104199001010029",
        name: "某某",
        birthDate: "1990-01-01",
        hukouAddress: "某地某路1号",
      }).map(([field, value]) => ({
        ...correction("person", member, field, value),
        registerValue: "invented",
      })),
    });

  it("a supervisor's push gets the register's values masked, never in clear", async () => {
    const member = members[0];
    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const [result] = (await supervisor.sync.push({ deviceId: randomUUID(), mutations: [probe(member)] }))
      .results;
    expect(result.status).toBe("conflict");
    const values = Object.fromEntries((result as Conflicted).conflicts.map((c) => [c.field, c.serverValue]));
    expect(values.idNumber).toBe(
      `${member.idNumber.slice(0, 3)}${"*".repeat(11)}${member.idNumber.slice(-4)}`,
    );
    expect(values.name).not.toBe(member.name);
    expect(values.birthDate).toBe(`${member.birthDate.slice(0, 4)}-**-**`);
    if (member.hukouAddress) expect(values.hukouAddress).not.toBe(member.hukouAddress);
    expect(JSON.stringify(result)).not.toContain(member.idNumber);
    // The inbox masks them too, birth date and address included.
    const inbox = await supervisor.conflict.list();
    const shown = inbox.filter((c) => c.entityId === member.id);
    expect(shown.find((c) => c.field === "birthDate")?.serverValue).toBe(
      `${member.birthDate.slice(0, 4)}-**-**`,
    );
    expect(JSON.stringify(shown)).not.toContain(member.idNumber);
    if (member.hukouAddress) expect(JSON.stringify(shown)).not.toContain(member.hukouAddress);
  });

  it("the grid's officer gets them in clear, and the read is audited", async () => {
    const member = members[1];
    const { caller: officer } = await callerFor(database, { cookie: await loginAs(database, "officer1") });
    const mutation = probe(member);
    const [result] = (await officer.sync.push({ deviceId: randomUUID(), mutations: [mutation] })).results;
    const values = Object.fromEntries((result as Conflicted).conflicts.map((c) => [c.field, c.serverValue]));
    expect(values.idNumber).toBe(member.idNumber);
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reveal_conflict")));
    const ids = (result as Conflicted).conflicts.map((c) => c.changeId);
    expect(audits.some((a) => JSON.stringify(a.detail).includes(ids[0]))).toBe(true);
  });
});
