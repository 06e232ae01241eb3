// Everything an officer records reaches the supervisor and the files that leave the system, in words:
// a member moved out (with where to), a death (with its date), a tenancy ended, a new member, a new
// tenant and the visit's note. The changes export holds no JSON in any cell, every value is written
// with its code table's labels in the caller's language, and what is personal is masked (the
// destination to its district, names, ID numbers, phones and birth dates, and the note's phone and names).

import { randomUUID } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import { and, eq, isNull } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changesRoute } from "@/app/api/export/changes/route";
import { GET as resultsRoute } from "@/app/api/export/results/route";
import { persons, rentals, rentalTenants } from "@/db/schema";
import { endChanges, newPersonChange, newRowChange } from "@/domain/visit";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { callerFor, loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { membersOfGrid, visitMutation } from "../support/push";

const BASE = "http://localhost:3000";
type Route = (req: Request) => Promise<Response>;

// What the officer typed: values the test knows, so each can be looked for (or its absence proved).
const DESTINATION = "广州市天河区天河路385号";
const DESTINATION_MASKED = "广州市天河区****";
const DEATH_DATE = "2026-11-15";
const LEFT_ON = "2026-11-18";
const NEW_MEMBER = { name: "欧阳小明", idNumber: "440104201503070013", phone: "13700001111" };
const NEW_TENANT = { name: "赵六", idNumber: "110101199003070011", phone: "13612345678" };
const NOTE_PHONE = "13812345678";

describe.each(databaseKinds)("what the officer records, in words, on %s", (kind) => {
  let database: TestDatabase;
  let campaignId: string;
  let supervisorCookie: string;
  let movedName: string;
  let deceasedName: string;
  let tenantName: string;
  let householdVisitId: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const { db } = database;
    campaignId = (await seedSmallStreet(database)).campaignId;
    globalThis.__doorstepDatabase = Promise.resolve(database);
    const { gridId } = await objectsOfOfficer(database, "officer1");

    // A household of two or more: one member moves out, one has died, a child is found.
    const members = await membersOfGrid(database, gridId);
    const byHousehold = new Map<string, typeof members>();
    for (const m of members)
      byHousehold.set(m.householdId as string, [...(byHousehold.get(m.householdId as string) ?? []), m]);
    const family = [...byHousehold.values()].find((list) => list.length >= 2);
    expect(family, "the small street has a household of two in officer1's grid").toBeDefined();
    const [moved, deceased] = family as typeof members;
    movedName = moved.name;
    deceasedName = deceased.name;
    const visitDate = "2026-11-20";
    householdVisitId = randomUUID();
    const child = newPersonChange(
      householdVisitId,
      { ...NEW_MEMBER, idType: "1", sex: "1", birthDate: "2015-03-07", relation: "20", personType: "01" },
      { householdId: moved.householdId, roomId: moved.roomId ?? null },
    );
    const householdVisit = visitMutation(
      {
        gridId,
        roomId: (moved.roomId ?? (await roomOfHousehold(moved.householdId as string))) as string,
        subjectType: "household",
        subjectId: moved.householdId,
        outcome: "changed",
        changes: [
          ...endChanges(
            householdVisitId,
            "person",
            moved,
            { code: "moved_out", destination: DESTINATION },
            visitDate,
          ),
          ...endChanges(
            householdVisitId,
            "person",
            deceased,
            { code: "deceased", deathDate: DEATH_DATE },
            visitDate,
          ),
          child.change,
        ],
        visitedAt: "2026-11-20T10:00:00+08:00",
      },
      householdVisitId,
    );
    householdVisit.payload.visit.note = `${moved.name}搬去天河了，家属电话 ${NOTE_PHONE}`;

    // A rental room with a tenant: the tenant leaves, a new one moves in.
    const [tenancy] = await db
      .select({ link: rentalTenants, person: persons, roomId: rentals.roomId })
      .from(rentalTenants)
      .innerJoin(rentals, eq(rentals.id, rentalTenants.rentalId))
      .innerJoin(persons, eq(persons.id, rentalTenants.personId))
      .where(and(eq(rentals.gridId, gridId), isNull(rentalTenants.endedAt), isNull(rentals.endedAt)))
      .limit(1);
    expect(tenancy, "the small street has a let room with a tenant in officer1's grid").toBeDefined();
    tenantName = tenancy.person.name;
    const rentalVisitId = randomUUID();
    const tenant = newPersonChange(
      rentalVisitId,
      { ...NEW_TENANT, idType: "1", sex: "1", birthDate: "1990-03-07", personType: "02" },
      { householdId: null, roomId: tenancy.roomId },
    );
    const rentalVisit = visitMutation(
      {
        gridId,
        roomId: tenancy.roomId,
        subjectType: "rental",
        subjectId: tenancy.link.rentalId,
        outcome: "changed",
        changes: [
          ...endChanges(rentalVisitId, "rental_tenant", tenancy.link, { code: "moved_out" }, LEFT_ON),
          ...endChanges(rentalVisitId, "person", tenancy.person, { code: "moved_out" }, LEFT_ON),
          tenant.change,
          newRowChange(rentalVisitId, "rental_tenant", randomUUID(), {
            rentalId: tenancy.link.rentalId,
            personId: tenant.personId,
            moveInDate: "2026-11-19",
          }),
        ],
        visitedAt: "2026-11-20T11:00:00+08:00",
      },
      rentalVisitId,
    );
    rentalVisit.payload.visit.note = "新租客已登记";

    const officer = (await callerFor(database, { cookie: await loginAs(database, "officer1") })).caller;
    const pushed = await officer.sync.push({
      deviceId: randomUUID(),
      mutations: [householdVisit, rentalVisit],
    });
    expect(pushed.results.map((r) => r.status)).toEqual(["applied", "applied"]);
    supervisorCookie = await loginAs(database, "supervisor");
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  async function roomOfHousehold(householdId: string) {
    const { households } = await import("@/db/schema");
    const [row] = await database.db
      .select({ roomId: households.roomId })
      .from(households)
      .where(eq(households.id, householdId));
    return row.roomId;
  }

  const get = (route: Route, name: string, query: string, cookie: string) =>
    route(
      new Request(`${BASE}/api/export/${name}?${query}`, { headers: { host: "localhost:3000", cookie } }),
    );
  const csvRows = async (response: Response) => {
    expect(response.status).toBe(200);
    const text = new TextDecoder().decode(new Uint8Array(await response.arrayBuffer()).slice(3));
    return parseCsv(text) as string[][];
  };

  it("the changes CSV: no JSON in any cell; destination, death date, tenancy end, new rows and note in words, masked", async () => {
    const [header, ...rows] = await csvRows(
      await get(changesRoute, "changes", `format=csv&campaignId=${campaignId}`, supervisorCookie),
    );
    const col = (name: string) => header.indexOf(name);
    const json = rows.flat().filter((cell) => cell.includes("{") || cell.includes("personId"));
    expect(json, "cells holding JSON").toEqual([]);
    expect(col("走访备注")).toBeGreaterThan(0);
    const of = (record: string, field: string) =>
      rows.filter((row) => row[col("记录")] === record && row[col("字段")] === field);
    const masked = (name: string) => `${[...name][0]}*`;

    // Moved out: the reason with where to, the destination masked to its district.
    const [movedReason] = of(masked(movedName), "注销原因").filter((r) => r[col("核查值")].includes("迁往"));
    expect(movedReason[col("核查值")]).toBe(`迁出/搬离；迁往：${DESTINATION_MASKED}`);
    expect(rows.flat().join("\n")).not.toContain(DESTINATION);

    // Deceased: the reason with the date, and the end date itself.
    const [deathReason] = of(masked(deceasedName), "注销原因").filter((r) =>
      r[col("核查值")].startsWith("死亡"),
    );
    expect(deathReason[col("核查值")]).toBe(`死亡；死亡日期：${DEATH_DATE}`);
    expect(of(masked(deceasedName), "注销日期").map((r) => r[col("核查值")])).toContain(DEATH_DATE);

    // The tenancy ended: its end date and reason on the tenancy's row, named by the (masked) tenant.
    const tenancyRows = rows.filter(
      (r) => r[col("记录类型")] === "承租人" && r[col("记录")] === masked(tenantName),
    );
    expect(tenancyRows.map((r) => [r[col("字段")], r[col("核查值")]])).toEqual([
      ["注销日期", LEFT_ON],
      ["注销原因", "迁出/搬离"],
    ]);

    // New rows: each field in words with its code's label, personal ones masked.
    const [child] = of("欧阳*", "新增记录");
    expect(child[col("核查值")]).toBe(
      "姓名：欧阳*；证件类型：居民身份证；公民身份号码：440***********0013；性别：男；出生日期：2015-**-**；与户主关系：子；联系电话：137****1111；人口类型：户籍人口",
    );
    const newTenancy = rows.find(
      (r) => r[col("记录类型")] === "承租人" && r[col("字段")] === "新增记录",
    ) as string[];
    expect(newTenancy[col("记录")]).toBe("赵*");
    expect(newTenancy[col("核查值")]).toBe("入住日期：2026-11-19");

    // The note, on each of its visit's rows, with the phone and the member's name masked.
    expect(movedReason[col("走访备注")]).toBe(`${masked(movedName)}搬去天河了，家属电话 138****5678`);
    expect(tenancyRows[0][col("走访备注")]).toBe("新租客已登记");
    const all = rows.flat().join("\n");
    for (const secret of [
      NOTE_PHONE,
      NEW_MEMBER.idNumber,
      NEW_MEMBER.phone,
      NEW_TENANT.idNumber,
      "2015-03-07",
    ])
      expect(all).not.toContain(secret);
  });

  it("the changes XLSX in English: the labels in English, no JSON", async () => {
    const response = await get(
      changesRoute,
      "changes",
      `format=xlsx&campaignId=${campaignId}`,
      `${supervisorCookie}; doorstep_locale=en`,
    );
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const values = workbook.worksheets[0]
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? row : []))
      .filter((cell): cell is string => typeof cell === "string");
    expect(values.some((cell) => cell.includes("{"))).toBe(false);
    expect(values).toContain(`Moved out; Moved to: ${DESTINATION_MASKED}`);
    expect(values).toContain(`Deceased; Date of death: ${DEATH_DATE}`);
    expect(values).toContain("Move-in date: 2026-11-19");
    expect(values).toContain("Visit note");
  });

  it("the results CSV carries the note, masked", async () => {
    const [header, ...rows] = await csvRows(
      await get(resultsRoute, "results", `format=csv&campaignId=${campaignId}`, supervisorCookie),
    );
    const notes = rows.map((row) => row[header.indexOf("走访备注")]);
    expect(notes).toContain(`${[...movedName][0]}*搬去天河了，家属电话 138****5678`);
    expect(notes).toContain("新租客已登记");
  });

  it("the review pane's data names the record and keeps the destination and death date (masked)", async () => {
    const supervisor = (await callerFor(database, { cookie: supervisorCookie })).caller;
    const visit = await supervisor.review.visit({ id: householdVisitId });
    const reasons = visit.changes.filter((c) => c.field === "endReason").map((c) => c.observedValue);
    expect(reasons).toContainEqual({ code: "moved_out", destination: DESTINATION_MASKED });
    expect(reasons).toContainEqual({ code: "deceased", deathDate: DEATH_DATE });
    const records = visit.changes.map((c) => c.record);
    expect(records).toContain(`${[...movedName][0]}*`);
    expect(records).toContain("欧阳*");
    // The note too is masked until the reviewer asks to see it in full (an audited reveal).
    expect(visit.note).toBe(`${[...movedName][0]}*搬去天河了，家属电话 138****5678`);
    const revealed = await supervisor.review.reveal({ id: householdVisitId });
    expect(revealed.note).toBe(`${movedName}搬去天河了，家属电话 ${NOTE_PHONE}`);
    expect(revealed.changes.map((c) => c.observedValue)).toContainEqual({
      code: "moved_out",
      destination: DESTINATION,
    });
  });
});
