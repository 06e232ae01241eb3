// Questions bound to the register, end to end on every database kind: a workbook with bind::register
// uploaded through the route, a visit built by the phone's own code (record.ts) from the rows the
// register holds, pushed; its bound answers that differ leave ordinary pending corrections that the
// register does not take until a supervisor approves the visit, and then does. A visit whose bound
// answer and change of that field disagree is refused alone.

import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/questionnaires/route";
import { buildRecord, emptyDraft, householdHead, type RoomData } from "@/app/field/_lib/record";
import type { Row } from "@/app/field/_lib/store";
import type { Database } from "@/db/client";
import { changes, households, persons, questionnaires, rooms, visits } from "@/db/schema";
import type { VisitMutation } from "@/domain/push";
import { type QuestionnaireDefinition, sheetRows, type Workbook } from "@/domain/questionnaire";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { workbookXlsx } from "../support/questionnaire";
import { BASE, SAME_ORIGIN } from "../support/routes";

const bound: Workbook = {
  survey: sheetRows([
    ["type", "name", "label::zh", "label::en", "bind::register"],
    ["phone", "head_phone", "户主联系电话", "Head's phone", "person.phone"],
    ["select_one yesno", "low_income", "是否低保户", "Low-income household", "household.lowIncome"],
    ["select_one use", "room_use", "房屋用途", "Use of the room", "room.use"],
  ]),
  choices: sheetRows([
    ["list_name", "name", "label::zh", "label::en"],
    ["yesno", "yes", "是", "Yes"],
    ["yesno", "no", "否", "No"],
    ["use", "1", "住宅", "Residential"],
    ["use", "2", "商业", "Commercial"],
    ["use", "3", "办公", "Office"],
  ]),
  settings: sheetRows([
    ["form_title", "form_id", "version"],
    ["台账核实", "register_check", "1"],
  ]),
};

describe.each(databaseKinds)("questions bound to the register on %s", (kind) => {
  let database: Database;
  let campaignId: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    campaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);
    const cookie = await loginAs(database, "admin");
    const init: RequestInit & { duplex?: "half" } = {
      method: "POST",
      body: (await workbookXlsx(bound)) as BodyInit,
      duplex: "half",
      headers: {
        ...SAME_ORIGIN,
        "content-type": "application/octet-stream",
        cookie: `${cookie}; doorstep_locale=zh-CN`,
      },
    };
    const query = new URLSearchParams({ campaign: campaignId, name: "台账核实.xlsx" });
    const response = await POST(new Request(`${BASE}/api/questionnaires?${query}`, init));
    expect(response.status).toBe(200);
    // The upload is a draft: published, it is the version phones answer and the push accepts.
    const admin = (await callerFor(database, { cookie })).caller;
    await admin.campaign.publishQuestionnaire({ campaignId, version: (await response.json()).version });
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  /** The room as the phone holds it after a pull: its one household and the members. */
  async function roomData(): Promise<RoomData> {
    const own = await objectsOfOfficer(database, "officer1");
    const [room] = await database.db.select().from(rooms).where(eq(rooms.id, own.roomId));
    const held = await database.db.select().from(households).where(eq(households.id, own.householdId));
    const members = await database.db.select().from(persons).where(eq(persons.householdId, own.householdId));
    const [stored] = await database.db
      .select()
      .from(questionnaires)
      .where(eq(questionnaires.campaignId, campaignId));
    return {
      room: room as unknown as Row,
      building: undefined,
      households: held as unknown as Row[],
      members: { [own.householdId]: members as unknown as Row[] },
      rentals: [],
      tenants: {},
      units: [],
      visits: [],
      campaignId,
      codes: {},
      feedback: [],
      questionnaire: {
        campaignId,
        version: stored.version,
        title: "台账核实",
        definition: stored.definition as QuestionnaireDefinition,
      },
    };
  }

  function mutationOf(data: RoomData, answers: Record<string, string>, outcome = "changed"): VisitMutation {
    const draft = { ...emptyDraft(crypto.randomUUID()), outcome, answers };
    const built = buildRecord(data, draft, { now: new Date("2026-11-20T02:00:00Z") });
    return {
      id: built.visit.id,
      kind: "visit",
      payload: { visit: built.visit as VisitMutation["payload"]["visit"], changes: built.changes },
    } as VisitMutation;
  }

  it("a bound answer that differs leaves a pending correction, written to the register at approval", async () => {
    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const data = await roomData();
    const head = householdHead(data.members[data.households[0].id]) as Row;
    expect(head).toBeDefined();
    const household = data.households[0];
    const newLow = household.lowIncome ? "no" : "yes";
    const mutation = mutationOf(data, {
      head_phone: "13712345678",
      low_income: newLow,
      room_use: String(data.room.use ?? "1"),
    });
    expect(mutation.payload.visit.subjectType).toBe("household");
    const { results } = await officer.sync.push({ deviceId: crypto.randomUUID(), mutations: [mutation] });
    expect(results.map((r) => r.status)).toEqual(["applied"]);

    const rows = await database.db.select().from(changes).where(eq(changes.visitId, mutation.id));
    const byField = new Map(rows.map((row) => [`${row.entity}.${row.field}`, row]));
    expect(rows).toHaveLength(2);
    expect(byField.get("person.phone")).toMatchObject({
      entityId: head.id,
      status: "pending",
      registerValue: head.phone ?? null,
      observedValue: "13712345678",
    });
    expect(byField.get("household.lowIncome")).toMatchObject({
      entityId: household.id,
      status: "pending",
      observedValue: newLow === "yes",
    });
    // Pending: the register still holds what it held.
    const [before] = await database.db.select().from(persons).where(eq(persons.id, head.id));
    expect(before.phone).toBe(head.phone);
    const [visit] = await database.db.select().from(visits).where(eq(visits.id, mutation.id));
    expect(visit.answers).toMatchObject({ head_phone: "13712345678", low_income: newLow });

    const supervisor = (await callerFor(database, { cookie: await loginAs(database, "supervisor") })).caller;
    const held = await database.db
      .select({ id: visits.id, version: visits.version })
      .from(visits)
      .where(inArray(visits.id, [mutation.id]));
    expect(await supervisor.review.decide({ visits: held, decision: "approve" })).toMatchObject({
      decided: 1,
    });
    const [after] = await database.db.select().from(persons).where(eq(persons.id, head.id));
    expect(after.phone).toBe("13712345678");
    const [householdAfter] = await database.db
      .select()
      .from(households)
      .where(eq(households.id, household.id));
    expect(householdAfter.lowIncome).toBe(newLow === "yes");
    const applied = await database.db.select().from(changes).where(eq(changes.visitId, mutation.id));
    expect(applied.map((row) => row.status)).toEqual(["applied", "applied"]);
  });

  it("an unchanged bound answer makes no change; one disagreeing with its change is refused alone", async () => {
    const officer = (
      await callerFor(database, { cookie: `${await loginAs(database, "officer1")}; doorstep_locale=en` })
    ).caller;
    const data = await roomData();
    const head = householdHead(data.members[data.households[0].id]) as Row;
    const use = String(data.room.use ?? "1");
    const unchanged = mutationOf(data, { head_phone: String(head.phone), room_use: use }, "verified");
    expect(unchanged.payload.changes).toEqual([]);
    // The answer says 办公 while the change of the same field says 商业: not what the phone builds.
    const other = use === "3" ? "1" : "3";
    const tampered = mutationOf(data, { room_use: other });
    const change = tampered.payload.changes.find((c) => c.entity === "room" && c.field === "use");
    expect(change).toBeDefined();
    (change as { observedValue: unknown }).observedValue = "2";
    const { results } = await officer.sync.push({
      deviceId: crypto.randomUUID(),
      mutations: [unchanged, tampered],
    });
    expect(results.map((r) => r.status)).toEqual(["applied", "rejected"]);
    expect(results[1]).toMatchObject({
      key: "questionnaire.push.boundDisagrees",
      field: "visit.answers.room_use",
    });
    expect((results[1] as { message: string }).message).toContain("Use of the room");
  });
});
