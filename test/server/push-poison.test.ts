// One bad mutation never blocks an outbox: a batch holding one poisoned mutation — a member whose
// document is registered already, a reused change id, a field named after an Object method, a
// value nested thousands deep, a lone surrogate — answers for every mutation, refuses the poisoned
// one alone in words, and takes every other. On every database kind.

import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { persons, visits } from "@/db/schema";
import type { Mutation } from "@/domain/push";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { correction, membersOfGrid, visitMutation } from "../support/push";

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
type Member = Awaited<ReturnType<typeof membersOfGrid>>[number];

/** 5,000 arrays, one inside the other. */
function nested(depth: number): unknown {
  let value: unknown = "13912345678";
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe.each(databaseKinds)("a poisoned mutation on %s", (kind) => {
  let database: Database;
  let gridId: string;
  let members: Member[];
  let officer: Caller;
  let registeredElsewhere: { idNumber: string; birthDate: string; sex: string };
  let movedOut: { idNumber: string; birthDate: string; sex: string };
  let usedChangeId: string;
  let next = 0;
  const deviceId = randomUUID();
  const fresh = () => members[next++];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    gridId = (await objectsOfOfficer(database, "officer1")).gridId;
    const otherGrid = (await objectsOfOfficer(database, "officer2")).gridId;
    members = await membersOfGrid(database, gridId);
    const [elsewhere] = await membersOfGrid(database, otherGrid);
    registeredElsewhere = elsewhere;
    // A member who moved out earlier: ended in the register, and gone from the phone.
    const gone = members[members.length - 1];
    await database.db
      .update(persons)
      .set({ endedAt: new Date(), endReason: "1" })
      .where(eq(persons.id, gone.id));
    movedOut = gone;
    officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    // A change id the server holds already, from an earlier visit.
    const earlier = fresh();
    usedChangeId = randomUUID();
    const first = visitMutation({
      gridId,
      roomId: earlier.roomId as string,
      changes: [{ ...correction("person", earlier, "phone", "13800000001"), id: usedChangeId }],
    });
    const { results } = await officer.sync.push({ deviceId, mutations: [first] });
    expect(results[0].status).toBe("applied");
  });
  afterAll(() => database?.close());

  const good = (): Mutation => {
    const member = fresh();
    return visitMutation({
      gridId,
      roomId: member.roomId as string,
      changes: [correction("person", member, "phone", `139${String(next).padStart(8, "0")}`)],
    });
  };

  const newMember = (holder: Member, who: { idNumber: string; birthDate: string; sex: string }) =>
    visitMutation({
      gridId,
      roomId: holder.roomId as string,
      changes: [
        {
          entity: "person",
          entityId: randomUUID(),
          field: "*",
          registerValue: null,
          observedValue: {
            name: "回迁人",
            idType: "1",
            idNumber: who.idNumber,
            sex: who.sex,
            birthDate: who.birthDate,
            relation: "97",
            householdId: holder.householdId,
            roomId: holder.roomId,
          },
          baseVersion: 0,
        },
      ],
    });

  /** Each poison, with the catalogue key it must be refused with. */
  const poisons: Record<string, { make: () => Mutation; key: string }> = {
    "a member registered in another grid": {
      make: () => newMember(fresh(), registeredElsewhere),
      key: "sync.personRegistered.elsewhere",
    },
    "a member who moved out and came back": {
      make: () => newMember(fresh(), movedOut),
      key: "sync.personRegistered.ended",
    },
    "a member registered in this very grid": {
      make: () => newMember(fresh(), members[0]),
      key: "sync.personRegistered.here",
    },
    "a reused change id": {
      make: () => {
        const member = fresh();
        return visitMutation({
          gridId,
          roomId: member.roomId as string,
          changes: [{ ...correction("person", member, "phone", "13800000002"), id: usedChangeId }],
        });
      },
      key: "sync.idReused",
    },
    ...Object.fromEntries(
      ["constructor", "toString", "valueOf", "hasOwnProperty"].map((field) => [
        `a change of the field "${field}"`,
        {
          make: () => {
            const member = fresh();
            return visitMutation({
              gridId,
              roomId: member.roomId as string,
              changes: [{ ...correction("person", member, "phone", "x"), field }],
            });
          },
          key: "validation.visit.field",
        },
      ]),
    ),
    "a value nested 5,000 deep": {
      make: () => {
        const member = fresh();
        return visitMutation({
          gridId,
          roomId: member.roomId as string,
          changes: [correction("person", member, "phone", nested(5_000))],
        });
      },
      key: "validation.json.tooDeep",
    },
    "a lone surrogate in a value": {
      make: () => {
        const member = fresh();
        return visitMutation({
          gridId,
          roomId: member.roomId as string,
          changes: [correction("person", member, "name", "张\uD800三")],
        });
      },
      key: "validation.text.malformed",
    },
    "a NUL in a value": {
      make: () => {
        const member = fresh();
        return visitMutation({
          gridId,
          roomId: member.roomId as string,
          changes: [correction("person", member, "name", "张\u0000三")],
        });
      },
      key: "validation.text.malformed",
    },
    "a lone surrogate in the note": {
      make: () => {
        const mutation = good();
        if (mutation.kind === "visit") mutation.payload.visit.note = "门\uDC00牌";
        return mutation;
      },
      key: "validation.text.malformed",
    },
  };

  for (const [name, poison] of Object.entries(poisons)) {
    it(`refuses ${name} alone and takes the rest of its batch`, async () => {
      const before = [good(), good()];
      const bad = poison.make();
      const after = [good()];
      const { results } = await officer.sync.push({ deviceId, mutations: [...before, bad, ...after] });
      expect(results.map((r) => r.id)).toEqual([...before, bad, ...after].map((m) => m.id));
      const refused = results.find((r) => r.id === bad.id);
      expect(refused).toMatchObject({ status: "rejected", key: poison.key });
      expect(refused && "message" in refused ? refused.message : "").not.toBe("");
      for (const result of results.filter((r) => r.id !== bad.id)) expect(result.status).toBe("applied");
      const stored = await database.db
        .select({ id: visits.id })
        .from(visits)
        .where(
          inArray(
            visits.id,
            [...before, bad, ...after].map((m) => m.id),
          ),
        );
      expect(stored.map((v) => v.id).sort()).toEqual([...before, ...after].map((m) => m.id).sort());
    });
  }

  it("any batch with one poisoned mutation at any place applies every other (property)", async () => {
    const names = Object.keys(poisons);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.constantFrom(...names),
        async (size, at, name) => {
          const mutations = Array.from({ length: size }, good);
          const bad = poisons[name].make();
          mutations.splice(at % (size + 1), 0, bad);
          const { results } = await officer.sync.push({ deviceId, mutations });
          for (const result of results) {
            if (result.id === bad.id)
              expect(result).toMatchObject({ status: "rejected", key: poisons[name].key });
            else expect(result.status).toBe("applied");
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});
