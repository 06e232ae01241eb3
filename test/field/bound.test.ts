// Questions bound to the register on the phone, without a browser: the answer starts from the
// subject's register value (a person binding reads the household head), an unchanged answer makes
// no change, a different one becomes a change row with the register's and the observed value —
// the same row the room's own correction forms make — and a returned one is carried again.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.

import { describe, expect, it } from "vitest";
import {
  boundPrefill,
  boundRows,
  buildRecord,
  emptyDraft,
  householdHead,
  type RoomData,
  type RoomDraft,
} from "@/app/field/_lib/record";
import {
  evaluateForm,
  parseDefinition,
  type QuestionnaireDefinition,
  sheetRows,
} from "@/domain/questionnaire";

const parsed = parseDefinition({
  survey: sheetRows([
    ["type", "name", "label", "bind::register", "relevant"],
    ["phone", "tel", "户主电话", "person.phone"],
    ["select_one emp", "job", "户主就业", "person.employment"],
    ["select_one yesno", "low", "低保户", "household.lowIncome"],
    ["text", "note", "备注", ""],
    ["text", "addr", "现住址", "person.currentAddress", "${note} = 'ask'"],
  ]),
  choices: sheetRows([
    ["list_name", "name", "label"],
    ["yesno", "yes", "是"],
    ["yesno", "no", "否"],
    ["emp", "10", "在业"],
    ["emp", "20", "失业"],
  ]),
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const definition: QuestionnaireDefinition = parsed.definition;

let n = 0;
const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
const gridId = id();
const room = { id: id(), gridId, version: 1, buildingId: id(), unitNo: null, floor: 3, roomNo: "301" };
const household = {
  id: id(),
  gridId,
  version: 4,
  roomId: room.id,
  householdNo: "H301",
  kind: "1",
  lowIncome: false,
};
const head = {
  id: id(),
  gridId,
  version: 2,
  householdId: household.id,
  name: "陈建国",
  relation: "02",
  phone: "13800138000",
  employment: "10",
};
const spouse = { ...head, id: id(), name: "李秀英", relation: "10", phone: "13900139000" };

function data(over: Partial<RoomData> = {}): RoomData {
  return {
    room,
    building: undefined,
    households: [household],
    members: { [household.id]: [spouse, head] },
    rentals: [],
    tenants: {},
    units: [],
    visits: [],
    campaignId: id(),
    codes: {},
    feedback: [],
    questionnaire: { campaignId: id(), version: 1, title: "核实", definition },
    ...over,
  };
}
const draft = (over: Partial<RoomDraft>): RoomDraft => ({ ...emptyDraft(id()), ...over });
const NOW = new Date("2026-11-20T03:00:00Z");

describe("bound questions on the phone", () => {
  it("start from the register: person.* reads the household head", () => {
    expect(householdHead([spouse, head])).toBe(head);
    expect(boundRows(data(), draft({})).person).toBe(head);
    const prefill = boundPrefill(data(), draft({}));
    expect(prefill).toEqual({ tel: "13800138000", job: "10", low: "no", addr: undefined });
    // The form takes them as the bound questions' first answers.
    const state = evaluateForm(definition, {}, { now: NOW, bound: prefill });
    expect(state.defaultFor("tel")).toBe("13800138000");
    expect(state.defaultFor("note")).toBeUndefined();
  });

  it("an unchanged answer makes no change", () => {
    const answers = { tel: "13800138000", job: "10", low: "no" };
    const built = buildRecord(data(), draft({ outcome: "verified", answers }), { now: NOW });
    expect(built.changes).toEqual([]);
    expect(built.visit.answers).toEqual(answers);
  });

  it("a different answer is a change row with the register's and the observed value", () => {
    const answers = { tel: "13712345678", job: "20", low: "yes" };
    const built = buildRecord(data(), draft({ outcome: "changed", answers }), { now: NOW });
    const rows = built.changes.map(
      ({ entity, entityId, field, registerValue, observedValue, baseVersion }) => ({
        entity,
        entityId,
        field,
        registerValue,
        observedValue,
        baseVersion,
      }),
    );
    expect(rows).toEqual([
      {
        entity: "household",
        entityId: household.id,
        field: "lowIncome",
        registerValue: false,
        observedValue: true,
        baseVersion: 4,
      },
      {
        entity: "person",
        entityId: head.id,
        field: "phone",
        registerValue: "13800138000",
        observedValue: "13712345678",
        baseVersion: 2,
      },
      {
        entity: "person",
        entityId: head.id,
        field: "employment",
        registerValue: "10",
        observedValue: "20",
        baseVersion: 2,
      },
    ]);
    // The phone's own rows take the officer's values, as with any correction.
    expect(built.localUpdates).toContainEqual({
      op: "patch",
      store: "persons",
      id: head.id,
      values: { phone: "13712345678", employment: "20" },
    });
  });

  it("a blank answer, or no one met at the door, corrects nothing", () => {
    const blank = buildRecord(data(), draft({ outcome: "verified", answers: { tel: "" } }), { now: NOW });
    expect(blank.changes).toEqual([]);
    const nobody = buildRecord(data(), draft({ outcome: "no_answer", answers: { tel: "13712345678" } }), {
      now: NOW,
    });
    expect(nobody.changes).toEqual([]);
  });

  it("a bound answer goes over the member form's value of the same field; an unchanged one leaves it", () => {
    const form = { kind: "correct" as const, values: { ...head, phone: "13600000000" } as never };
    const changed = buildRecord(
      data(),
      draft({ outcome: "changed", members: { [head.id]: form }, answers: { tel: "13712345678" } }),
      { now: NOW },
    );
    expect(changed.changes.map((c) => [c.field, c.observedValue])).toEqual([["phone", "13712345678"]]);
    const kept = buildRecord(
      data(),
      draft({ outcome: "changed", members: { [head.id]: form }, answers: { tel: "13800138000" } }),
      { now: NOW },
    );
    expect(kept.changes.map((c) => [c.field, c.observedValue])).toEqual([["phone", "13600000000"]]);
  });

  it("with no single household the person and household bindings read nothing", () => {
    const second = { ...household, id: id() };
    const two = data({ households: [household, second], members: { [household.id]: [head] } });
    expect(boundPrefill(two, draft({}))).toEqual({});
    const built = buildRecord(two, draft({ outcome: "changed", answers: { tel: "13712345678" } }), {
      now: NOW,
    });
    expect(built.changes).toEqual([]);
  });

  it("a returned bound correction is carried again like the forms' own", () => {
    // The phone's row holds the officer's value since the first visit; the register never took it.
    const patched = { ...head, phone: "13712345678" };
    const returned = {
      id: id(),
      visitId: id(),
      entity: "person" as const,
      entityId: head.id,
      field: "phone",
      registerValue: "13800138000",
      observedValue: "13712345678",
      baseVersion: 2,
    };
    const d = data({ members: { [household.id]: [patched] }, returnedChanges: [returned] });
    expect(boundPrefill(d, draft({})).tel).toBe("13712345678");
    const again = buildRecord(d, draft({ outcome: "changed", answers: { tel: "13712345678" } }), {
      now: NOW,
    });
    expect(again.changes.map((c) => [c.field, c.registerValue, c.observedValue])).toEqual([
      ["phone", "13800138000", "13712345678"],
    ]);
    const back = buildRecord(d, draft({ outcome: "changed", answers: { tel: "13800138000" } }), { now: NOW });
    expect(back.changes).toEqual([]);
  });
});
