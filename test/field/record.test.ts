import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { saveVisit } from "@/app/field/_lib/outbox";
import { countPending } from "@/app/field/_lib/pending";
import {
  buildRecord,
  emptyDraft,
  type RoomData,
  type RoomDraft,
  recordProblems,
  suggestOutcome,
} from "@/app/field/_lib/record";
import { memberFormSchema, tenantFormSchema, visitSchema } from "@/domain/schemas/visit";
import { openUnlockedDb } from "../support/unlocked";

const id = () => crypto.randomUUID();
const gridId = id();
const room = { id: id(), gridId, version: 1, buildingId: id(), unitNo: null, floor: 2, roomNo: "201" };
const household = { id: id(), gridId, version: 1, roomId: room.id, householdNo: "H001", kind: "1" };
const head = {
  id: id(),
  gridId,
  version: 3,
  householdId: household.id,
  roomId: room.id,
  name: "王芳",
  idType: "1",
  idNumber: "440104195001010020",
  sex: "2",
  birthDate: "1950-01-01",
  ethnicity: "01",
  relation: "02",
  phone: "13800001111",
  personType: "01",
  // As every pulled person carries them (the register's columns are not null).
  disability: false,
  lowIncome: false,
  unemployed: false,
};
const rental = {
  id: id(),
  gridId,
  version: 2,
  roomId: room.id,
  landlordName: "李四",
  use: "1",
  areaM2: 30,
  maxOccupants: 2,
  actualOccupants: 2,
  filingNo: null,
  hazardLevel: "0",
};
const tenantPerson = { ...head, id: id(), householdId: null, relation: null, personType: "02", version: 1 };
const tenancy = {
  id: id(),
  gridId,
  version: 1,
  rentalId: rental.id,
  personId: tenantPerson.id,
  moveInDate: "2025-01-01",
};

function data(over: Partial<RoomData> = {}): RoomData {
  return {
    room,
    building: { id: room.buildingId, address: "光塔路1号" },
    households: [household],
    members: { [household.id]: [head] },
    rentals: [],
    tenants: {},
    units: [],
    visits: [],
    campaignId: null,
    codes: {},
    feedback: [],
    ...over,
  };
}

function draft(over: Partial<RoomDraft> = {}): RoomDraft {
  return { ...emptyDraft(id()), ...over };
}

const now = new Date(2026, 10, 24, 10, 0);

describe("building the record of a visit", () => {
  it("a household confirmed unchanged: a visit and no changes", () => {
    const d = draft({ outcome: "verified", members: { [head.id]: { kind: "confirm" } } });
    const record = buildRecord(data(), d, { now });
    expect(record.changes).toEqual([]);
    expect(record.localUpdates).toEqual([]);
    expect(visitSchema.parse(record.visit)).toMatchObject({
      subjectType: "household",
      subjectId: household.id,
      outcome: "verified",
      attempt: 1,
      revisitDue: null,
    });
    expect(recordProblems(d, record)).toEqual([]);
  });

  it("a phone corrected and a child added: field change, new person, local rows", () => {
    const corrected = memberFormSchema.parse({ ...head, phone: "13900002222" });
    const child = memberFormSchema.parse({
      name: "王小明",
      idType: "1",
      idNumber: "440104201801010019",
      sex: "1",
      birthDate: "2018-01-01",
      relation: "20",
      personType: "01",
    });
    const childId = id();
    const d = draft({
      outcome: "changed",
      members: { [head.id]: { kind: "correct", values: corrected } },
      newMembers: [{ id: childId, householdId: household.id, values: child }],
    });
    const record = buildRecord(data(), d, { now });
    expect(record.changes).toHaveLength(2);
    expect(record.changes[0]).toMatchObject({
      entity: "person",
      entityId: head.id,
      field: "phone",
      registerValue: "13800001111",
      observedValue: "13900002222",
      baseVersion: 3,
      visitId: d.visitId,
    });
    expect(record.changes[1]).toMatchObject({
      entity: "person",
      entityId: childId,
      field: "*",
      registerValue: null,
      observedValue: { name: "王小明", householdId: household.id, roomId: room.id, relation: "20" },
    });
    expect(record.localUpdates).toEqual([
      { op: "patch", store: "persons", id: head.id, values: { phone: "13900002222" } },
      expect.objectContaining({
        op: "put",
        store: "persons",
        row: expect.objectContaining({ id: childId, name: "王小明" }),
      }),
    ]);
    expect(suggestOutcome({ ...d, outcome: null })).toBe("changed");
    expect(recordProblems({ ...d, outcome: "verified" }, record)).toEqual([
      "visit.error.verifiedWithChanges",
    ]);
  });

  it("a rental with a new tenant: person, tenancy and the occupancy that follows", () => {
    const tenant = tenantFormSchema.parse({
      name: "陈大文",
      idType: "1",
      idNumber: "440104193910051234",
      sex: "1",
      birthDate: "1939-10-05",
      personType: "02",
      moveInDate: "2026-11-01",
    });
    const personId = id();
    const linkId = id();
    const d = draft({
      outcome: "new_person",
      newTenants: [{ id: personId, linkId, rentalId: rental.id, values: tenant }],
    });
    const roomData = data({
      households: [],
      members: {},
      rentals: [rental],
      tenants: { [rental.id]: [{ link: tenancy, person: tenantPerson }] },
    });
    const record = buildRecord(roomData, d, { now });
    expect(record.visit).toMatchObject({ subjectType: "rental", subjectId: rental.id });
    expect(record.changes.map((c) => [c.entity, c.field, c.registerValue, c.observedValue])).toEqual([
      ["rental", "actualOccupants", 2, 3],
      ["person", "*", null, expect.objectContaining({ name: "陈大文", householdId: null, roomId: room.id })],
      ["rental_tenant", "*", null, { rentalId: rental.id, personId, moveInDate: "2026-11-01" }],
    ]);
    expect(record.localUpdates.map((u) => [u.op, u.store])).toEqual([
      ["patch", "rentals"],
      ["put", "persons"],
      ["put", "rentalTenants"],
    ]);
  });

  it("a tenant who left and a member who died end their rows", () => {
    const d = draft({
      outcome: "changed",
      members: { [head.id]: { kind: "deceased", date: "2026-10-01" } },
      endedTenancies: { [tenancy.id]: { date: "2026-11-20" } },
    });
    const record = buildRecord(
      data({ rentals: [rental], tenants: { [rental.id]: [{ link: tenancy, person: tenantPerson }] } }),
      d,
      { now },
    );
    expect(record.changes.map((c) => [c.entity, c.field, c.observedValue])).toEqual([
      ["person", "endedAt", "2026-10-01"],
      ["person", "endReason", { code: "deceased", deathDate: "2026-10-01" }],
      ["rental", "actualOccupants", 1],
      ["rental_tenant", "endedAt", "2026-11-20"],
      ["rental_tenant", "endReason", { code: "moved_out" }],
      ["person", "endedAt", "2026-11-20"],
      ["person", "endReason", { code: "moved_out" }],
    ]);
    expect(record.localUpdates.filter((u) => u.op === "delete").map((u) => u.store)).toEqual([
      "persons",
      "rentalTenants",
      "persons",
    ]);
    // Two subjects touched: the visit is about the room.
    expect(record.visit).toMatchObject({ subjectType: "room", subjectId: null });
  });

  it("no answer: tomorrow's revisit, the attempt number, and no corrections allowed", () => {
    const earlier = (hours: number, outcome: string) => ({
      id: id(),
      outcome,
      visitedAt: new Date(now.getTime() - hours * 3_600_000).toISOString(),
    });
    const previous = [earlier(48, "refused"), earlier(24, "no_answer")];
    const d = draft({ outcome: "no_answer" });
    const record = buildRecord(data({ visits: previous }), d, { now });
    expect(record.visit).toMatchObject({ attempt: 3, revisitDue: "2026-11-25" });
    expect(record.withoutContact).toBe(3);
    // A no-answer half an hour ago: knocking again is the same call (domain/counts.ts).
    const again = buildRecord(data({ visits: [...previous, earlier(0.5, "no_answer")] }), d, { now });
    expect(again).toMatchObject({ attempt: 3, withoutContact: 3 });
    expect(again.visit.attempt).toBe(3);
    // Found someone in: a call of its own, with contact.
    const found = buildRecord(data({ visits: previous }), draft({ outcome: "verified" }), { now });
    expect(found).toMatchObject({ attempt: 3, withoutContact: 0 });
    expect(visitSchema.safeParse(record.visit).success).toBe(true);
    const withChange = { ...d, members: { [head.id]: { kind: "deceased" as const, date: "2026-10-01" } } };
    expect(recordProblems(withChange, buildRecord(data(), withChange, { now }))).toEqual([
      "visit.error.noContactWithChanges",
    ]);
  });

  it("names what stops a save: no outcome, an open form, an empty new household", () => {
    const d = draft({ open: { key: "add:x", values: {} }, newHouseholds: [{ id: id(), kind: "1" }] });
    expect(recordProblems(d, buildRecord(data(), d, { now }))).toEqual([
      "visit.error.openForm",
      "visit.error.outcome",
      "visit.error.emptyHousehold",
    ]);
  });

  it("a household's facts and the room's use, as found: field changes and local patches; set back, nothing", () => {
    const household2 = { ...household, lowIncome: false, fiveGuarantee: false };
    const d = draft({
      outcome: "changed",
      members: { [head.id]: { kind: "confirm" } },
      households: { [household.id]: { kind: "2", lowIncome: true } },
      room: { use: "2" },
    });
    const record = buildRecord(data({ households: [household2], room: { ...room, use: "1" } }), d, { now });
    expect(
      record.changes.map((c) => [c.entity, c.field, c.registerValue, c.observedValue, c.baseVersion]),
    ).toEqual([
      ["room", "use", "1", "2", 1],
      ["household", "kind", "1", "2", 1],
      ["household", "lowIncome", false, true, 1],
    ]);
    expect(record.localUpdates).toEqual([
      { op: "patch", store: "rooms", id: room.id, values: { use: "2" } },
      { op: "patch", store: "households", id: household.id, values: { kind: "2", lowIncome: true } },
    ]);
    expect(suggestOutcome(draft({ households: { [household.id]: { lowIncome: true } } }))).toBe("changed");
    // A fact set back to the register's value is no correction.
    const back = draft({ outcome: "verified", households: { [household.id]: { kind: "1" } } });
    expect(buildRecord(data({ households: [household2] }), back, { now }).changes).toEqual([]);
  });

  it("saves what it builds", async () => {
    const db = await openUnlockedDb(`record-${Date.now()}`);
    await db.put("persons", head);
    const corrected = memberFormSchema.parse({ ...head, phone: "13900002222" });
    const d = draft({ outcome: "changed", members: { [head.id]: { kind: "correct", values: corrected } } });
    const record = buildRecord(data(), d, { now });
    await saveVisit(db, {
      visit: visitSchema.parse(record.visit),
      changes: record.changes,
      localUpdates: record.localUpdates,
    });
    expect(await countPending(db)).toBe(1);
    expect((await db.get("persons", head.id))?.phone).toBe("13900002222");
  });
});

describe("a visit after the supervisor returned the last one", () => {
  // The returned visit corrected the phone; the phone still shows the officer's value.
  const heldHead = { ...head, phone: "13900002222" };
  const returnedVisit = id();
  const returnedPhone = {
    id: id(),
    visitId: returnedVisit,
    entity: "person" as const,
    entityId: head.id,
    field: "phone",
    registerValue: "13800001111",
    observedValue: "13900002222",
    baseVersion: 3,
  };
  const returnedMember = {
    id: id(),
    visitId: returnedVisit,
    entity: "person" as const,
    entityId: id(),
    field: "*",
    registerValue: null,
    observedValue: { name: "王小芳", householdId: household.id, roomId: room.id },
    baseVersion: 0,
  };
  const withReturned = (over: Partial<RoomData>) =>
    data({ members: { [household.id]: [heldHead] }, returnedChanges: [returnedPhone], ...over });

  it("sends the returned correction again, against the register value first seen, not 'no corrections'", () => {
    const record = buildRecord(withReturned({}), draft({ outcome: "changed" }), { now });
    expect(record.changes).toHaveLength(1);
    expect(record.changes[0]).toMatchObject({
      entity: "person",
      entityId: head.id,
      field: "phone",
      registerValue: "13800001111",
      observedValue: "13900002222",
      visitId: record.visit.id,
    });
    expect(record.changes[0].id).not.toBe(returnedPhone.id);
    expect(
      recordProblems(
        draft({ outcome: "verified" }),
        buildRecord(withReturned({}), draft({ outcome: "verified" }), { now }),
      ),
    ).toContain("visit.error.verifiedWithChanges");
  });

  it("a field corrected again keeps the register value first seen as its base", () => {
    const values = memberFormSchema.parse({ ...heldHead, phone: "13700003333" });
    const record = buildRecord(
      withReturned({}),
      draft({ members: { [head.id]: { kind: "correct", values } } }),
      {
        now,
      },
    );
    const phone = record.changes.filter((c) => c.field === "phone");
    expect(phone).toHaveLength(1);
    expect(phone[0]).toMatchObject({ registerValue: "13800001111", observedValue: "13700003333" });
  });

  it("a field the officer sets back to the register's value is not sent; a new member still on the phone is added again", () => {
    const values = memberFormSchema.parse({ ...heldHead, phone: "13800001111" });
    const record = buildRecord(
      withReturned({
        members: { [household.id]: [heldHead, { ...head, id: returnedMember.entityId, name: "王小芳" }] },
        returnedChanges: [returnedPhone, returnedMember],
      }),
      draft({ outcome: "changed", members: { [head.id]: { kind: "correct", values } } }),
      { now },
    );
    expect(record.changes.map((c) => [c.entityId, c.field])).toEqual([[returnedMember.entityId, "*"]]);
  });

  it("still sent when a pull brought the register's row back over the phone's value", () => {
    // After the return the register row came down again: the phone shows the register's phone.
    const record = buildRecord(
      withReturned({ members: { [household.id]: [{ ...head }] } }),
      draft({ outcome: "changed" }),
      { now },
    );
    expect(record.changes).toHaveLength(1);
    expect(record.changes[0]).toMatchObject({ registerValue: "13800001111", observedValue: "13900002222" });
  });

  it("nothing is carried when the last visit was not returned", () => {
    const record = buildRecord(withReturned({ returnedChanges: [] }), draft({ outcome: "verified" }), {
      now,
    });
    expect(record.changes).toEqual([]);
  });
});
