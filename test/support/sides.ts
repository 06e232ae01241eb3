import { createHash, randomUUID } from "node:crypto";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import {
  areas,
  attachments,
  campaignAreas,
  campaigns,
  changes,
  householdCodes,
  persons,
  questionnaires,
  residentFeedback,
  users,
} from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { elderlyHealth } from "@/db/seed/questionnaires/elderly-health";
import { parseDefinition } from "@/domain/questionnaire";
import { hashPassword } from "@/server/auth/password";
import { callerFor, DEMO_PASSWORD, loginAs, objectsOfOfficer } from "./fixture";
import { openCampaignId, visitMutation } from "./push";

/** Two small demo streets (every community of each, about 2,400 persons) with the demo accounts. */
export async function seedTwoStreets(database: Database) {
  return seedDemo(database.db, {
    scale: 0.03,
    streets: 2,
    passwordHash: await hashPassword(DEMO_PASSWORD),
  });
}

/** A tiny valid JPEG-looking body: the photo service sniffs the magic bytes, not the picture. */
export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);

/**
 * Everything the authorisation matrix and the fuzzer ask for, inside one officer's grid: register
 * objects, a pushed visit with one change, a resident's dispute, a stored photo, the resident's proof
 * (name, ID number, visit-slip code), and a campaign over the grid's community alone.
 */
export async function sideOf(database: Database, officer: string) {
  const { db } = database;
  const objects = await objectsOfOfficer(database, officer);
  const campaignId = await openCampaignId(database);
  const [officerRow] = await db.select({ id: users.id }).from(users).where(eq(users.username, officer));
  const caller = (await callerFor(database, { cookie: await loginAs(database, officer) })).caller;

  const mutation = visitMutation({
    gridId: objects.gridId,
    roomId: objects.roomId,
    subjectType: "household",
    subjectId: objects.householdId,
    campaignId,
    changes: [
      {
        entity: "household",
        entityId: objects.householdId,
        field: "kind",
        registerValue: "1",
        observedValue: "2",
        baseVersion: 1,
      },
    ],
  });
  const { results } = await caller.sync.push({ deviceId: randomUUID(), mutations: [mutation] });
  if (results[0].status === "rejected") throw new Error(`${officer}: the setup visit was rejected`);
  const [change] = await db.select({ id: changes.id }).from(changes).where(eq(changes.visitId, mutation.id));
  const [dispute] = await db
    .insert(residentFeedback)
    .values({
      campaignId,
      householdId: objects.householdId,
      gridId: objects.gridId,
      kind: "dispute",
      fields: [{ personId: null, field: "address", comment: "" }],
    })
    .returning({ id: residentFeedback.id });

  // The photo is named by its hash; the officer's name makes each side's bytes (and hash) its own.
  const photo = new Uint8Array([...JPEG, ...new TextEncoder().encode(officer)]);
  const sha256 = createHash("sha256").update(photo).digest("hex");
  await db.insert(attachments).values({
    sha256,
    mime: "image/jpeg",
    bytes: photo.length,
    data: photo,
    uploadedBy: officerRow.id,
    gridId: objects.gridId,
  });

  const [resident] = await db
    .select({ name: persons.name, idNumber: persons.idNumber, code: householdCodes.code })
    .from(persons)
    .innerJoin(
      householdCodes,
      and(eq(householdCodes.householdId, persons.householdId), eq(householdCodes.campaignId, campaignId)),
    )
    .where(and(eq(persons.householdId, objects.householdId), isNotNull(persons.idNumber)))
    .limit(1);
  if (!resident) throw new Error(`${officer}: no visit-slip code (call ensureOpenCampaignCodes first)`);

  const [ownCampaign] = await db
    .insert(campaigns)
    .values({ name: `${officer} 专项`, startsOn: "2026-01-01" })
    .returning({ id: campaigns.id });
  await db.insert(campaignAreas).values({ campaignId: ownCampaign.id, areaId: objects.communityId });
  // Version 1 of a questionnaire on it, for the download.
  const parsed = parseDefinition(elderlyHealth);
  if (!parsed.ok) throw new Error("the elderly questionnaire does not parse");
  await db.insert(questionnaires).values({
    campaignId: ownCampaign.id,
    version: 1,
    title: "老年人健康档案",
    definition: parsed.definition,
    sourceFile: "老年人健康档案.xlsx",
  });
  // A returned-file campaign of its own, for the target-file upload.
  const [fileCampaign] = await db
    .insert(campaigns)
    .values({ name: `${officer} 回流核实`, startsOn: "2026-01-01", targetKind: "file" })
    .returning({ id: campaigns.id });
  await db.insert(campaignAreas).values({ campaignId: fileCampaign.id, areaId: objects.communityId });
  return {
    ...objects,
    officer,
    officerId: officerRow.id,
    campaignId,
    visitId: mutation.id,
    changeId: change.id,
    disputeId: dispute.id,
    photoSha256: sha256,
    photo,
    proof: { name: resident.name, idNumber: resident.idNumber as string, code: resident.code },
    /** An open campaign over this grid's community alone (the demo campaign covers every street), with questionnaire version 1. */
    ownCampaignId: ownCampaign.id,
    /** An open returned-file campaign over this grid's community alone, without targets. */
    fileCampaignId: fileCampaign.id,
  };
}

export type Side = Awaited<ReturnType<typeof sideOf>>;

async function officersByGrid(database: Database) {
  return database.db
    .select({ username: users.username, path: areas.path })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.role, "officer"))
    .orderBy(asc(areas.code));
}

/** The first officer (in grid-code order) whose grid lies under the area of user `username`. */
export async function firstOfficerUnder(database: Database, username: string): Promise<string> {
  const [user] = await database.db
    .select({ path: areas.path })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.username, username));
  const officer = (await officersByGrid(database)).find((o) => o.path.startsWith(user.path));
  if (!officer) throw new Error(`no officer under ${username}`);
  return officer.username;
}

/** The first officer (in grid-code order) whose grid lies outside the street of `username`'s grid. */
export async function officerOfAnotherStreet(database: Database, username: string): Promise<string> {
  const officers = await officersByGrid(database);
  const own = officers.find((o) => o.username === username);
  if (!own) throw new Error(`no officer ${username}`);
  // A path is the chain of codes between slashes: /city/district/street/community/grid/.
  const streetPath = `/${own.path.split("/").filter(Boolean).slice(0, -2).join("/")}/`;
  const other = officers.find((o) => !o.path.startsWith(streetPath));
  if (!other) throw new Error("the data has one street only");
  return other.username;
}
