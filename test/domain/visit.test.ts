import { describe, expect, it } from "vitest";
import { issuesByPath } from "@/domain/schemas/issues";
import {
  CHANGE_VALUE_MAX_BYTES,
  changeSchema,
  memberFormSchema,
  tenantFormSchema,
  visitSchema,
} from "@/domain/schemas/visit";
import {
  diffFields,
  endChanges,
  fieldChanges,
  newPersonChange,
  nextDay,
  revisitDueFor,
  type VisitInput,
} from "@/domain/visit";

const ids = {
  visit: "6f1c3c8e-2d7a-4b7e-9b1f-0a6d4f3e2c11",
  grid: "0b7d6a2e-5c4f-4e3d-8a1b-9c8d7e6f5a41",
  room: "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c01",
  household: "7c6b5a49-3828-4716-8504-f3e2d1c0b9a8",
  person: "1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a00",
};

function visit(over: Partial<VisitInput> = {}): VisitInput {
  return {
    id: ids.visit,
    campaignId: null,
    gridId: ids.grid,
    roomId: ids.room,
    subjectType: "household",
    subjectId: ids.household,
    outcome: "verified",
    attempt: 1,
    revisitDue: null,
    visitedAt: "2026-11-24T08:30:00.000Z",
    lat: 23.1225,
    lng: 113.2614,
    accuracyM: 12,
    note: null,
    photoSha256: null,
    ...over,
  };
}

function keys(result: { success: boolean; error?: { issues: never[] } }) {
  if (result.success || !result.error) return {};
  return Object.fromEntries(
    Object.entries(issuesByPath(result.error)).map(([path, issues]) => [path, issues.map((i) => i.key)]),
  );
}

describe("the visit envelope", () => {
  it("accepts a visit made on the phone", () => {
    const parsed = visitSchema.parse(visit({ note: "  邻居称户主在家  " }));
    expect(parsed.note).toBe("邻居称户主在家");
    expect(visitSchema.safeParse(visit({ lat: null, lng: null, accuracyM: null })).success).toBe(true);
    expect(visitSchema.safeParse(visit({ subjectType: "room", subjectId: null })).success).toBe(true);
    expect(visitSchema.safeParse(visit({ visitedAt: "2026-11-24T16:30:00+08:00" })).success).toBe(true);
  });

  it("needs a revisit date for a refusal or no answer, not before the visit", () => {
    const missing = visitSchema.safeParse(visit({ outcome: "no_answer" }));
    expect(keys(missing as never)).toEqual({ revisitDue: ["validation.visit.revisitDueMissing"] });
    const past = visitSchema.safeParse(visit({ outcome: "refused", revisitDue: "2026-11-23" }));
    expect(keys(past as never)).toEqual({ revisitDue: ["validation.visit.revisitDuePast"] });
    expect(visitSchema.safeParse(visit({ outcome: "no_answer", revisitDue: "2026-11-25" })).success).toBe(
      true,
    );
    const impossible = visitSchema.safeParse(visit({ outcome: "no_answer", revisitDue: "2026-02-30" }));
    expect(keys(impossible as never)).toEqual({ revisitDue: ["validation.date.invalid"] });
  });

  it("refuses a half position, a missing subject, an unknown outcome and a long note", () => {
    expect(keys(visitSchema.safeParse(visit({ lng: null })) as never)).toEqual({
      lat: ["validation.visit.positionIncomplete"],
    });
    expect(keys(visitSchema.safeParse(visit({ subjectId: null })) as never)).toEqual({
      subjectId: ["validation.visit.subjectMissing"],
    });
    expect(keys(visitSchema.safeParse(visit({ outcome: "gone" as never })) as never)).toEqual({
      outcome: ["validation.invalidValue"],
    });
    expect(keys(visitSchema.safeParse(visit({ note: "字".repeat(501) })) as never)).toEqual({
      note: ["validation.tooLong"],
    });
    expect(visitSchema.safeParse(visit({ id: "not-a-uuid" })).success).toBe(false);
    expect(visitSchema.safeParse(visit({ attempt: 0 })).success).toBe(false);
    expect(keys(visitSchema.safeParse(visit({ photoSha256: "abc" })) as never)).toEqual({
      photoSha256: ["validation.visit.photoHash"],
    });
  });

  it("checks change rows", () => {
    const change = {
      id: crypto.randomUUID(),
      visitId: ids.visit,
      entity: "person",
      entityId: ids.person,
      field: "phone",
      registerValue: "13800001111",
      observedValue: "13900002222",
      baseVersion: 3,
    };
    expect(changeSchema.parse(change)).toEqual(change);
    expect(changeSchema.safeParse({ ...change, field: "*" }).success).toBe(true);
    expect(changeSchema.safeParse({ ...change, field: "drop table" }).success).toBe(false);
    expect(changeSchema.safeParse({ ...change, entity: "building" }).success).toBe(false);
    expect(changeSchema.safeParse({ ...change, baseVersion: -1 }).success).toBe(false);
  });

  it("bounds each value of a change at 16 KB of UTF-8 JSON", () => {
    const change = {
      id: crypto.randomUUID(),
      visitId: ids.visit,
      entity: "person",
      entityId: ids.person,
      field: "note",
      registerValue: null,
      observedValue: null,
      baseVersion: 3,
    };
    // A JSON string is its text and two quotes.
    const ascii = (bytes: number) => "a".repeat(bytes - 2);
    expect(changeSchema.safeParse({ ...change, observedValue: ascii(CHANGE_VALUE_MAX_BYTES) }).success).toBe(
      true,
    );
    const over = changeSchema.safeParse({ ...change, registerValue: ascii(CHANGE_VALUE_MAX_BYTES + 1) });
    expect(over.success).toBe(false);
    expect(issuesByPath(over.error!)).toEqual({
      registerValue: [{ key: "validation.visit.valueTooLarge", params: { max: 16 } }],
    });
    // Counted in bytes: 5,461 Chinese characters are 16,385 bytes with the quotes, far under 16 K characters.
    expect(changeSchema.safeParse({ ...change, observedValue: "屋".repeat(5460) }).success).toBe(true);
    expect(changeSchema.safeParse({ ...change, observedValue: "屋".repeat(5461) }).success).toBe(false);
    // A whole row counts as its JSON.
    expect(
      changeSchema.safeParse({ ...change, observedValue: { a: ascii(CHANGE_VALUE_MAX_BYTES) } }).success,
    ).toBe(false);
    expect(changeSchema.safeParse({ ...change, observedValue: 10n }).success).toBe(false);
  });
});

describe("diffFields", () => {
  const register = { name: "张三", phone: "13800001111", relation: null, areaM2: 38.5, note: "" };

  it("lists only the fields that differ, in the order asked", () => {
    expect(
      diffFields(register, { name: "张三", phone: "13900002222", relation: "02" }, [
        "relation",
        "name",
        "phone",
      ]),
    ).toEqual([
      { field: "relation", registerValue: null, observedValue: "02" },
      { field: "phone", registerValue: "13800001111", observedValue: "13900002222" },
    ]);
  });

  it('treats "", null and a missing register key as the same "no value"', () => {
    expect(
      diffFields(register, { relation: "", note: null, missing: "" }, ["relation", "note", "missing"]),
    ).toEqual([]);
    expect(diffFields(register, { phone: "" }, ["phone"])).toEqual([
      { field: "phone", registerValue: "13800001111", observedValue: null },
    ]);
  });

  it("compares numbers by value and skips fields the form did not send", () => {
    expect(diffFields(register, { areaM2: "38.50" }, ["areaM2", "name"])).toEqual([]);
    expect(diffFields(register, { areaM2: 40 }, ["areaM2"])).toEqual([
      { field: "areaM2", registerValue: 38.5, observedValue: 40 },
    ]);
  });

  it("turns into change rows against the row's version", () => {
    const [change] = fieldChanges(ids.visit, "person", { id: ids.person, version: 4 }, [
      { field: "phone", registerValue: "13800001111", observedValue: "13900002222" },
    ]);
    expect(changeSchema.parse(change)).toMatchObject({
      entityId: ids.person,
      baseVersion: 4,
      field: "phone",
    });
  });
});

describe("new and ended rows", () => {
  it("adds a person as one whole-row change with a fresh id and its place", () => {
    const { change, personId } = newPersonChange(
      ids.visit,
      { name: "王小明", idType: "1", idNumber: "440104201801010011" },
      { householdId: ids.household, roomId: ids.room },
    );
    expect(changeSchema.parse(change)).toMatchObject({
      entity: "person",
      entityId: personId,
      field: "*",
      registerValue: null,
      baseVersion: 0,
      observedValue: { name: "王小明", householdId: ids.household, roomId: ids.room },
    });
    expect(personId).not.toBe(change.id);
  });

  it("ends a person with endedAt and endReason: the death date, or the visit day and destination", () => {
    const row = { id: ids.person, version: 2, endedAt: null, endReason: null };
    const died = endChanges(
      ids.visit,
      "person",
      row,
      { code: "deceased", deathDate: "2026-10-01" },
      "2026-11-24",
    );
    expect(died.map((c) => [c.field, c.registerValue, c.observedValue])).toEqual([
      ["endedAt", null, "2026-10-01"],
      ["endReason", null, { code: "deceased", deathDate: "2026-10-01" }],
    ]);
    const moved = endChanges(
      ids.visit,
      "person",
      row,
      { code: "moved_out", destination: "天河区" },
      "2026-11-24",
    );
    expect(moved.map((c) => c.observedValue)).toEqual([
      "2026-11-24",
      { code: "moved_out", destination: "天河区" },
    ]);
    for (const c of [...died, ...moved]) expect(changeSchema.safeParse(c).success).toBe(true);
  });
});

describe("revisits and attempts", () => {
  it("schedules tomorrow for no contact only, across month and year ends", () => {
    expect(nextDay(new Date(2026, 11, 31, 23, 30))).toBe("2027-01-01");
    expect(nextDay(new Date(2028, 1, 28, 9))).toBe("2028-02-29");
    expect(revisitDueFor("no_answer", new Date(2026, 10, 24, 9))).toBe("2026-11-25");
    expect(revisitDueFor("refused", new Date(2026, 10, 24, 9))).toBe("2026-11-25");
    expect(revisitDueFor("verified", new Date(2026, 10, 24, 9))).toBeNull();
  });
});

describe("the member and tenant forms", () => {
  const member = {
    name: "王芳",
    idType: "1",
    idNumber: "440104195001010020",
    sex: "2",
    birthDate: "1950-01-01",
    ethnicity: "01",
    relation: "02",
    phone: "138 0000 1111",
    personType: "01",
  };

  it("accepts a consistent person and normalises the phone and ID", () => {
    const parsed = memberFormSchema.parse({
      ...member,
      idNumber: "11010519491231002x",
      birthDate: "1949-12-31",
    });
    expect(parsed.idNumber).toBe("11010519491231002X");
    expect(parsed.phone).toBe("13800001111");
  });

  it("names the wrong check character, an impossible date and a disagreeing sex or birth date", () => {
    const check = (over: Record<string, unknown>) =>
      keys(memberFormSchema.safeParse({ ...member, ...over }) as never);
    expect(check({ idNumber: "440104195001010021" })).toEqual({
      idNumber: ["validation.citizenId.checksum"],
    });
    expect(check({ idNumber: "440104195002300010" })).toEqual({
      idNumber: ["validation.citizenId.birthDate"],
    });
    expect(check({ birthDate: "1950-01-02" })).toEqual({
      birthDate: ["validation.person.birthDateMismatch"],
    });
    expect(check({ sex: "1" })).toEqual({ sex: ["validation.person.sexMismatch"] });
    expect(check({ birthDate: "1950-02-30" })).toEqual({ birthDate: ["validation.date.invalid"] });
  });

  it("takes a tenant's move-in date", () => {
    const parsed = tenantFormSchema.parse({
      ...member,
      relation: undefined,
      moveInDate: "2026-03-01",
      personType: "02",
    });
    expect(parsed.moveInDate).toBe("2026-03-01");
    expect(keys(tenantFormSchema.safeParse({ ...member, moveInDate: "2026-13-01" }) as never)).toEqual({
      moveInDate: ["validation.date.invalid"],
    });
  });
});
