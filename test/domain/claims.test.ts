import { describe, expect, it } from "vitest";
import { claimChanges, moveInStaysPut, type TargetClaim } from "@/domain/claims";

const claim = (over: Partial<TargetClaim>): TargetClaim => ({
  kind: "move_in",
  date: null,
  name: null,
  idNumber: null,
  uscc: null,
  place: null,
  note: null,
  outcome: "matched",
  differences: [],
  ...over,
});
let n = 0;
const newId = () => `id-${++n}`;
const target = {
  subjectId: "11111111-1111-4111-8111-111111111111",
  roomId: "room-1",
  gridId: "grid-1",
  subjectKind: "person" as const,
};
const person = { id: target.subjectId, version: 3, lowIncome: false, endedAt: null, endReason: null };

describe("the corrections a confirmed claim implies", () => {
  it("a move-in of someone not in the register adds them at the door, sex and birth date read from the ID", () => {
    const [change] = claimChanges(
      "visit-1",
      target,
      claim({ name: "王迁入", idNumber: "440104199001010010", outcome: "room" }),
      null,
      "2026-12-06",
      newId,
    );
    expect(change).toMatchObject({
      entity: "person",
      entityId: target.subjectId,
      field: "*",
      registerValue: null,
      baseVersion: 0,
      observedValue: {
        name: "王迁入",
        idType: "1",
        idNumber: "440104199001010010",
        sex: "1",
        birthDate: "1990-01-01",
        householdId: null,
        roomId: "room-1",
      },
    });
  });

  it("a death ends the person on the death date; a low-income approval sets the flag; a move-in already held needs none", () => {
    expect(
      claimChanges(
        "v",
        target,
        claim({ kind: "death", date: "2026-10-01" }),
        person,
        "2026-12-06",
        newId,
      ).map((c) => [c.field, c.observedValue, c.baseVersion]),
    ).toEqual([
      ["endedAt", "2026-10-01", 3],
      ["endReason", { code: "deceased", deathDate: "2026-10-01" }, 3],
    ]);
    expect(
      claimChanges("v", target, claim({ kind: "move_out" }), person, "2026-12-06", newId).map((c) => [
        c.field,
        c.observedValue,
      ]),
    ).toEqual([
      ["endedAt", "2026-12-06"],
      ["endReason", { code: "moved_out" }],
    ]);
    expect(
      claimChanges("v", target, claim({ kind: "low_income" }), person, "2026-12-06", newId).map((c) => [
        c.field,
        c.registerValue,
        c.observedValue,
      ]),
    ).toEqual([["lowIncome", false, true]]);
    expect(
      claimChanges("v", target, claim({ kind: "move_in", name: "在册" }), person, "2026-12-06", newId),
    ).toEqual([]);
    expect(claimChanges("v", target, claim({ kind: "death" }), null, "2026-12-06", newId)).toEqual([]);
  });

  it("a confirmed move-in of someone the register holds in another room of the grid moves them to the door, out of their household", () => {
    const moved = claim({
      name: "王在册",
      idNumber: "440104199001010010",
      outcome: "matched_diff",
      differences: ["room"],
      registered: { roomId: null, householdId: "household-9", gridId: "grid-1" },
    });
    expect(
      claimChanges("v", target, moved, person, "2026-12-06", newId).map((c) => [
        c.entity,
        c.entityId,
        c.field,
        c.registerValue,
        c.observedValue,
        c.baseVersion,
      ]),
    ).toEqual([
      ["person", target.subjectId, "roomId", null, "room-1", 3],
      ["person", target.subjectId, "householdId", "household-9", null, 3],
    ]);
    // A room of their own and no household: only the room changes. The phone need not hold the row.
    expect(
      claimChanges(
        "v",
        target,
        { ...moved, registered: { roomId: "room-7", householdId: null, gridId: "grid-1" } },
        null,
        "2026-12-06",
        newId,
      ).map((c) => [c.field, c.registerValue, c.observedValue, c.baseVersion]),
    ).toEqual([["roomId", "room-7", "room-1", 0]]);
    // From another grid (a row keeps its grid for life), or already in the door's room: nothing.
    for (const registered of [
      { roomId: "room-7", householdId: null, gridId: "grid-2" },
      { roomId: "room-1", householdId: null, gridId: "grid-1" },
    ])
      expect(claimChanges("v", target, { ...moved, registered }, person, "2026-12-06", newId)).toEqual([]);
    // A birth is never a move.
    expect(claimChanges("v", target, { ...moved, kind: "birth" }, null, "2026-12-06", newId)).toEqual([]);
  });

  it("says which confirmed move-ins will not move anyone: from another grid, or with no record of where", () => {
    const elsewhere = claim({ outcome: "matched_diff", differences: ["room"] });
    const inGrid = { roomId: "room-7", householdId: null, gridId: "grid-1" };
    expect(moveInStaysPut({ ...elsewhere, registered: inGrid }, "grid-1")).toBe(false);
    expect(moveInStaysPut({ ...elsewhere, registered: { ...inGrid, gridId: "grid-2" } }, "grid-1")).toBe(
      true,
    );
    expect(moveInStaysPut(elsewhere, "grid-1")).toBe(true);
    // Not a move: a newcomer, a name that differs only, another kind of claim.
    expect(moveInStaysPut(claim({ outcome: "room" }), "grid-1")).toBe(false);
    expect(moveInStaysPut(claim({ outcome: "matched_diff", differences: ["name"] }), "grid-1")).toBe(false);
    expect(moveInStaysPut({ ...elsewhere, kind: "death" }, "grid-1")).toBe(false);
  });

  it("a move-in or birth of someone the register holds elsewhere, with no record of where, adds nobody", () => {
    for (const kind of ["move_in", "birth"] as const)
      for (const outcome of ["matched", "matched_diff"] as const)
        expect(
          claimChanges(
            "v",
            target,
            claim({ kind, name: "王在册", idNumber: "440104199001010010", outcome, differences: ["room"] }),
            null,
            "2026-12-06",
            newId,
          ),
        ).toEqual([]);
  });

  it("a unit's move-out ends the unit on the claim's date; its move-in, or a claim of a unit the phone does not hold, changes nothing", () => {
    const unitTarget = { ...target, subjectKind: "unit" as const };
    const unit = { id: target.subjectId, version: 2, endedAt: null, endReason: null };
    const uscc = { uscc: "91440101MA59ABCD1X", idNumber: null, name: "某某餐饮店" };
    expect(
      claimChanges(
        "v",
        unitTarget,
        claim({ kind: "move_out", date: "2026-11-30", ...uscc }),
        unit,
        "2026-12-06",
        newId,
      ).map((c) => [c.entity, c.entityId, c.field, c.observedValue, c.baseVersion]),
    ).toEqual([
      ["unit", target.subjectId, "endedAt", "2026-11-30", 2],
      ["unit", target.subjectId, "endReason", { code: "moved_out" }, 2],
    ]);
    expect(
      claimChanges("v", unitTarget, claim({ kind: "move_in", ...uscc }), unit, "2026-12-06", newId),
    ).toEqual([]);
    // Not in the register: a unit is not registered at the door (and never as a person).
    expect(
      claimChanges(
        "v",
        unitTarget,
        claim({ kind: "move_in", outcome: "room", ...uscc }),
        null,
        "2026-12-06",
        newId,
      ),
    ).toEqual([]);
    expect(
      claimChanges("v", unitTarget, claim({ kind: "move_out", ...uscc }), null, "2026-12-06", newId),
    ).toEqual([]);
  });
});
