import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { and, eq, ne } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import {
  areas,
  campaignAreas,
  campaigns,
  campaignTargets,
  questionnaires,
  residentFeedback,
  users,
  visits,
} from "@/db/schema";
import { parseDefinition } from "@/domain/questionnaire";
import { targetQuery } from "@/domain/targets";
import { appRouter } from "@/server/routers";
import { ensureOpenCampaignCodes } from "@/server/services/codes";
import { elderlyHealth } from "../domain/questionnaire/fixtures/elderly-health";
import { databaseKinds, openTestDatabase } from "../support/db";
import { callerFor, codeOf, fromAddress, loginAs } from "../support/fixture";
import { visitMutation } from "../support/push";
import { workbookXlsx } from "../support/questionnaire";
import { routeHandlers } from "../support/routes";
import {
  firstOfficerUnder,
  JPEG,
  officerOfAnotherStreet,
  type Side,
  seedTwoStreets,
  sideOf,
} from "../support/sides";

/**
 * The authorisation matrix: every tRPC procedure and every HTTP route handler × every kind of caller
 * × an object inside and outside the caller's area, with the expected outcome written out below.
 *
 * Two sides, A and B, each an officer's grid in a different street: officerA holds A's grid and
 * officerB B's; supervisorA oversees A's community and supervisorB B's; `street` is the demo
 * supervisor of A's street (光塔街); `admin` the city's administrator; `disabled` an officer of A's
 * grid whose account was disabled after logging in (the old cookie must open nothing).
 *
 * A cell reads "outcome on A's object / outcome on B's object":
 *   OK  it worked          UN  UNAUTHORIZED (401): no (live) session
 *   FB  FORBIDDEN (403): the role may never      NF  NOT_FOUND (404): outside the caller's area,
 *                                                     answered exactly like a missing object
 * The procedure rows are checked against appRouter and the route rows against app/api/**\/route.ts,
 * so a new procedure or route fails the first tests until it has a row and a recipe here.
 */
const PROCEDURES = `
  procedure           anonymous officerA officerB supervisorA supervisorB street admin disabled
  # objects in a grid: officers in their own grid, supervisors under their area
  area.get            UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  building.get        UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  household.get       UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  person.reveal       UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  sync.push           UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  # supervision of an object: officers never, supervisors under their area
  review.visit        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  review.reveal       UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  review.decide       UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  review.queue        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  progress.summary    UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  map.completion      UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  map.building        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  conflict.resolve    UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  conflict.reveal     UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  check.handle        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  check.disputes      UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  campaign.get        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  campaign.questionnaire UN/UN  FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  campaign.questionnaireVersions UN/UN FB/FB FB/FB OK/NF     NF/OK       OK/NF  OK/OK UN/UN
  campaign.assign     UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  campaign.unassign   UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  campaign.targetHolders UN/UN  FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  campaign.moveTargets UN/UN    FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  # supervisor lists without an object: cut to the caller's area (proved in the files named in LISTS)
  conflict.list       UN/UN     FB/FB    FB/FB    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  device.list         UN/UN     FB/FB    FB/FB    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  device.quarantine   UN/UN     FB/FB    FB/FB    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  # a device or quarantined work named by id: role-gated here; the cut by area is in devices.test.ts
  device.mark         UN/UN     FB/FB    FB/FB    NF/NF       NF/NF       NF/NF  NF/NF UN/UN
  device.decide       UN/UN     FB/FB    FB/FB    NF/NF       NF/NF       NF/NF  NF/NF UN/UN
  map.filters         UN/UN     FB/FB    FB/FB    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  campaign.list       UN/UN     FB/FB    FB/FB    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  # administration
  campaign.create     UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.close      UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.setAutoApprove UN/UN FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.previewTargets UN/UN FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.previewRerun UN/UN   FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.rerunTargets UN/UN   FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.questionnaireDraft UN/UN FB/FB  FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.publishQuestionnaire UN/UN FB/FB FB/FB   FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  campaign.discardQuestionnaireDraft UN/UN FB/FB FB/FB FB/FB    FB/FB       FB/FB  OK/OK UN/UN
  # settings of every phone, no area: supervisors read, the administrator of the whole city changes
  device.lock         UN/UN     FB/FB    FB/FB    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  device.setLock      UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  # accounts in a grid: an administrator's under their area, a supervisor's officers under theirs
  user.list           UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  user.areas          UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  user.create         UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  user.bulkCreate     UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  user.setDisabled    UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  user.resetPassword  UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  user.update         UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  # the caller's own session and assignments
  auth.login          OK/OK     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK OK/OK
  auth.me             OK/OK     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK OK/OK
  auth.logout         UN/UN     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  sync.pull           UN/UN     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  sync.campaigns      UN/UN     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  sync.supervisors    UN/UN     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  vault.deviceKey     UN/UN     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK UN/UN
  # a phone without a session, by its device's contact token: a session adds nothing, a device unproved is told to log in
  vault.contact       UN/UN     UN/UN    UN/UN    UN/UN       UN/UN       UN/UN  UN/UN UN/UN
  # the resident's self-check: the proof (name, ID number, slip code) is the key, a session adds nothing
  check.lookup        OK/OK     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK OK/OK
  check.confirm       OK/OK     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK OK/OK
  check.dispute       OK/OK     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK OK/OK
`;

/** The route handlers, by method and path under app/api, called with real Requests. */
const ROUTES = `
  route                     anonymous officerA officerB supervisorA supervisorB street admin disabled
  # the tRPC endpoint itself: a query (household.get) by GET and a mutation (person.reveal) by POST
  GET trpc/[trpc]           UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  POST trpc/[trpc]          UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  # photos: stored into a grid one may write to, read by its officer or a supervisor over it
  PUT photos/[sha256]       UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  HEAD photos/[sha256]      UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  GET photos/[sha256]       UN/UN     OK/NF    NF/OK    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  # exports of an area (the side's community)
  GET export/results        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  GET export/changes        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  GET export/statistics     UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  GET export/progress       UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  GET export/answers        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  GET export/register       UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  # imports: administrators only; the rejected rows go back to the administrator who uploaded
  POST import               UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  GET import/rejected       UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  # a campaign's questionnaire: administrators over the whole campaign (the side's own)
  POST questionnaires       UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  # a department's returned file: administrators over the whole (returned-file) campaign
  POST target-files         UN/UN     FB/FB    FB/FB    FB/FB       FB/FB       FB/FB  OK/OK UN/UN
  # a version downloaded again: administrators and supervisors whose area touches the campaign
  GET questionnaires        UN/UN     FB/FB    FB/FB    OK/NF       NF/OK       OK/NF  OK/OK UN/UN
  # public
  GET health                OK/OK     OK/OK    OK/OK    OK/OK       OK/OK       OK/OK  OK/OK OK/OK
`;

/** Lists that take no object: where their cut to the caller's area is proved. */
const LISTS: Record<string, string> = {
  "conflict.list": "review.test.ts",
  "device.list": "review.test.ts",
  "device.quarantine": "devices.test.ts",
  "map.filters": "completion.test.ts",
  "campaign.list": "campaigns.test.ts",
};

const WHO = [
  "anonymous",
  "officerA",
  "officerB",
  "supervisorA",
  "supervisorB",
  "street",
  "admin",
  "disabled",
] as const;
type Who = (typeof WHO)[number];
const SHORT: Record<string, string> = {
  OK: "OK",
  UN: "UNAUTHORIZED",
  FB: "FORBIDDEN",
  NF: "NOT_FOUND",
};

/** `name → who → [outcome on A, outcome on B]`, from one of the tables above. */
function parseTable(table: string): Map<string, Record<Who, [string, string]>> {
  const rows = table
    .trim()
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  // A route's name is its method and path: two words.
  const nameWords = rows[0].startsWith("route") ? 2 : 1;
  const [header, ...body] = rows.map((row, i) => {
    const words = row.split(/\s+/);
    const n = i === 0 ? 1 : nameWords;
    return [words.slice(0, n).join(" "), ...words.slice(n)];
  });
  expect(header.slice(1)).toEqual([...WHO]);
  const out = new Map<string, Record<Who, [string, string]>>();
  for (const cells of body) {
    const [name, ...outcomes] = cells;
    expect(outcomes, name).toHaveLength(WHO.length);
    const row = {} as Record<Who, [string, string]>;
    WHO.forEach((who, i) => {
      const [a, b] = outcomes[i].split("/");
      row[who] = [SHORT[a], SHORT[b]];
    });
    out.set(name, row);
  }
  return out;
}

const procedureMatrix = parseTable(PROCEDURES);
const routeMatrix = parseTable(ROUTES);

type Caller = Awaited<ReturnType<typeof callerFor>>["caller"];
interface Call {
  database: Database;
  side: Side;
  /** The caller's cookie (undefined: anonymous), and a caller through the real context. */
  cookie: string | undefined;
  caller: Caller;
  /** A second session of the same user, for calls that end the one they run in. */
  freshCookie: () => Promise<string | undefined>;
}

/** A campaign over the side's community targeting persons aged 60 and over (no targets made yet). */
async function targetedCampaign(database: Database, side: Side): Promise<string> {
  const [campaign] = await database.db
    .insert(campaigns)
    .values({
      name: "老人走访",
      startsOn: "2026-01-01",
      targetKind: "query",
      targetQuery: targetQuery.parse({ subject: "person", ageMin: 60 }),
    })
    .returning({ id: campaigns.id });
  await database.db.insert(campaignAreas).values({ campaignId: campaign.id, areaId: side.communityId });
  return campaign.id;
}

/** How to ask each procedure about one side's object. */
const PROCEDURE_CALLS: Record<string, (c: Call) => Promise<unknown>> = {
  "area.get": ({ caller, side }) => caller.area.get({ id: side.gridId }),
  "building.get": ({ caller, side }) => caller.building.get({ id: side.buildingId }),
  "household.get": ({ caller, side }) => caller.household.get({ id: side.householdId }),
  "person.reveal": ({ caller, side }) => caller.person.reveal({ id: side.personId }),
  // A push answers per mutation; an out-of-scope object is that mutation's refusal, read as its code.
  "sync.push": async ({ caller, side }) => {
    const mutation = visitMutation({
      gridId: side.gridId,
      roomId: side.roomId,
      subjectType: "household",
      subjectId: side.householdId,
    });
    const { results } = await caller.sync.push({ deviceId: randomUUID(), mutations: [mutation] });
    const [result] = results;
    if (result.status === "rejected")
      throw new TRPCError({ code: result.key === "errors.notFound" ? "NOT_FOUND" : "BAD_REQUEST" });
    return result;
  },
  "review.visit": ({ caller, side }) => caller.review.visit({ id: side.visitId }),
  "review.reveal": ({ caller, side }) => caller.review.reveal({ id: side.visitId }),
  // At the version the visit is at now: earlier rows of the matrix may have decided it already.
  "review.decide": async ({ caller, side, database }) => {
    const [{ version }] = await database.db
      .select({ version: visits.version })
      .from(visits)
      .where(eq(visits.id, side.visitId));
    return caller.review.decide({ visits: [{ id: side.visitId, version }], decision: "approve" });
  },
  // A list answers with what the caller may see: the side's visit missing from it reads as NOT_FOUND.
  "review.queue": async ({ caller, side }) => {
    for (const state of ["submitted", "approved", "returned"] as const) {
      const { visits } = await caller.review.queue({ state, gridId: side.gridId, limit: 200 });
      if (visits.some((visit) => visit.id === side.visitId)) return;
    }
    throw new TRPCError({ code: "NOT_FOUND" });
  },
  "progress.summary": ({ caller, side }) =>
    caller.progress.summary({ campaignId: side.campaignId, areaId: side.gridId }),
  "map.completion": ({ caller, side }) => caller.map.completion({ areaId: side.gridId }),
  "map.building": ({ caller, side }) => caller.map.building({ buildingId: side.buildingId }),
  "conflict.resolve": ({ caller, side }) =>
    caller.conflict.resolve({
      mutationId: randomUUID(),
      deviceId: randomUUID(),
      changeId: side.changeId,
      choice: "observed",
    }),
  "conflict.reveal": ({ caller, side }) => caller.conflict.reveal({ changeId: side.changeId }),
  "check.handle": ({ caller, side }) => caller.check.handle({ id: side.disputeId, note: "已复访" }),
  "check.disputes": async ({ caller, side }) => {
    const disputes = await caller.check.disputes({
      campaignId: side.campaignId,
      includeHandled: true,
      limit: 200,
    });
    if (!disputes.some((dispute) => dispute.id === side.disputeId))
      throw new TRPCError({ code: "NOT_FOUND" });
  },
  "campaign.get": ({ caller, side }) => caller.campaign.get({ id: side.ownCampaignId }),
  "campaign.questionnaire": ({ caller, side }) => caller.campaign.questionnaire({ id: side.ownCampaignId }),
  "campaign.questionnaireVersions": ({ caller, side }) =>
    caller.campaign.questionnaireVersions({ id: side.ownCampaignId }),
  // The officer already holds the grid: giving it to them again changes nothing.
  "campaign.assign": ({ caller, side }) =>
    caller.campaign.assign({ campaignId: side.campaignId, gridId: side.gridId, officerId: side.officerId }),
  // Given back at once, so the calls after it still find the officer assigned.
  "campaign.unassign": async ({ caller, side }) => {
    await caller.campaign.unassign({ campaignId: side.campaignId, gridId: side.gridId });
    return caller.campaign.assign({
      campaignId: side.campaignId,
      gridId: side.gridId,
      officerId: side.officerId,
    });
  },
  "campaign.targetHolders": ({ caller, side }) =>
    caller.campaign.targetHolders({ campaignId: side.ownCampaignId, officerId: side.officerId }),
  // A targeted campaign of its own with one target in the side's grid, moved to the side's officer.
  "campaign.moveTargets": async ({ caller, side, database }) => {
    const campaignId = await targetedCampaign(database, side);
    const [target] = await database.db
      .insert(campaignTargets)
      .values({
        campaignId,
        subjectKind: "person",
        subjectId: side.personId,
        roomId: side.roomId,
        gridId: side.gridId,
      })
      .returning({ id: campaignTargets.id });
    return caller.campaign.moveTargets({ campaignId, targetIds: [target.id], toOfficerId: side.officerId });
  },
  "conflict.list": ({ caller }) => caller.conflict.list(),
  "device.list": ({ caller }) => caller.device.list(),
  "device.quarantine": ({ caller }) => caller.device.quarantine(),
  "device.mark": ({ caller }) => caller.device.mark({ deviceId: randomUUID(), mark: "lost" }),
  "device.lock": ({ caller }) => caller.device.lock(),
  "device.setLock": ({ caller }) => caller.device.setLock({ minutes: 15 }),
  "device.decide": ({ caller }) =>
    caller.device.decide({ id: randomUUID(), decision: "discard", reason: "矩阵" }),
  "map.filters": ({ caller }) => caller.map.filters(),
  "campaign.list": ({ caller }) => caller.campaign.list(),
  "campaign.create": ({ caller, side }) =>
    caller.campaign.create({
      name: "矩阵",
      startsOn: "2027-01-01",
      endsOn: null,
      areaIds: [side.communityId],
    }),
  // Its own campaign each time, so closing one leaves the others open.
  "campaign.close": async ({ caller, side, database }) => {
    const [campaign] = await database.db
      .insert(campaigns)
      .values({ name: "待关闭", startsOn: "2026-01-01" })
      .returning({ id: campaigns.id });
    await database.db.insert(campaignAreas).values({ campaignId: campaign.id, areaId: side.communityId });
    return caller.campaign.close({ id: campaign.id });
  },
  "campaign.questionnaireDraft": ({ caller, side }) =>
    caller.campaign.questionnaireDraft({ id: side.ownCampaignId }),
  // Each on a campaign of its own with a draft version 1, so every administrator's call finds one.
  "campaign.publishQuestionnaire": async ({ caller, side, database }) =>
    caller.campaign.publishQuestionnaire({ campaignId: await campaignWithDraft(database, side), version: 1 }),
  "campaign.discardQuestionnaireDraft": async ({ caller, side, database }) =>
    caller.campaign.discardQuestionnaireDraft({
      campaignId: await campaignWithDraft(database, side),
      version: 1,
    }),
  // Its own campaign too: the setting of the others stays as their tests expect.
  "campaign.setAutoApprove": async ({ caller, side, database }) => {
    const [campaign] = await database.db
      .insert(campaigns)
      .values({ name: "自动通过", startsOn: "2026-01-01" })
      .returning({ id: campaigns.id });
    await database.db.insert(campaignAreas).values({ campaignId: campaign.id, areaId: side.communityId });
    return caller.campaign.setAutoApprove({ id: campaign.id, autoApprove: true });
  },
  "campaign.previewTargets": ({ caller, side }) =>
    caller.campaign.previewTargets({ areaIds: [side.communityId], query: { subject: "person", ageMin: 60 } }),
  // A targeted campaign of the side's community of its own, so re-running it touches no other.
  "campaign.previewRerun": async ({ caller, side, database }) =>
    caller.campaign.previewRerun({ campaignId: await targetedCampaign(database, side) }),
  "campaign.rerunTargets": async ({ caller, side, database }) =>
    caller.campaign.rerunTargets({ campaignId: await targetedCampaign(database, side) }),
  // The side's officer is the account looked for; missing from the list reads as NOT_FOUND.
  "user.list": async ({ caller, side }) => {
    const { users: found } = await caller.user.list({ search: side.officer, role: "officer" });
    if (!found.some((user) => user.id === side.officerId)) throw new TRPCError({ code: "NOT_FOUND" });
  },
  "user.areas": ({ caller, side }) => caller.user.areas({ parentId: side.communityId }),
  "user.create": ({ caller, side }) =>
    caller.user.create({
      username: `matrix-${randomUUID().slice(0, 8)}`,
      displayName: "矩阵",
      role: "officer",
      areaId: side.gridId,
    }),
  // A row in the side's grid: outside the caller's area it is a problem of the report, read as NOT_FOUND.
  "user.bulkCreate": async ({ caller, side, database }) => {
    const [grid] = await database.db
      .select({ code: areas.code })
      .from(areas)
      .where(eq(areas.id, side.gridId));
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("用户");
    sheet.addRow(["用户名", "姓名", "角色", "区域代码"]);
    sheet.addRow([`matrix-${randomUUID().slice(0, 8)}`, "矩阵", "信息员", grid.code]);
    const data = Buffer.from(await book.xlsx.writeBuffer()).toString("base64");
    const report = await caller.user.bulkCreate({ fileName: "matrix.xlsx", data });
    if (report.created.length !== 1) throw new TRPCError({ code: "NOT_FOUND" });
  },
  // A fresh officer of the side's grid each time, so the side's own officer keeps their session.
  "user.setDisabled": async ({ caller, side, database }) =>
    caller.user.setDisabled({ userId: await freshOfficer(database, side), disabled: true }),
  "user.resetPassword": async ({ caller, side, database }) =>
    caller.user.resetPassword({ userId: await freshOfficer(database, side) }),
  "user.update": async ({ caller, side, database }) =>
    caller.user.update({ userId: await freshOfficer(database, side), areaId: side.communityId }),
  "auth.login": ({ caller, side }) => caller.auth.login({ username: side.officer, password: "doorstep" }),
  "auth.me": ({ caller }) => caller.auth.me(),
  "auth.logout": async ({ database, freshCookie, caller }) => {
    const cookie = await freshCookie();
    const own = cookie ? (await callerFor(database, { cookie })).caller : caller;
    return own.auth.logout();
  },
  "sync.pull": ({ caller }) => caller.sync.pull({}),
  "sync.campaigns": ({ caller }) => caller.sync.campaigns(),
  "sync.supervisors": ({ caller }) => caller.sync.supervisors(),
  // The caller's own (new) device; another user's device id is refused (test/server/vault.test.ts).
  "vault.deviceKey": ({ caller }) => caller.vault.deviceKey({ deviceId: randomUUID() }),
  // A disabled officer's proved device is devices.test.ts's; an unknown one takes nothing from anyone.
  "vault.contact": ({ caller }) =>
    caller.vault.contact({ deviceId: randomUUID(), token: "x".repeat(43), mutations: [] }),
  "check.lookup": ({ caller, side }) => caller.check.lookup(side.proof),
  "check.confirm": ({ caller, side }) => caller.check.confirm(side.proof),
  "check.dispute": async ({ caller, side, database }) => {
    // Eight callers dispute each side's household here, more than a household may in a day; the daily
    // limit is check.test.ts's to prove, so this table's own earlier disputes go first (the side's stays).
    await database.db
      .delete(residentFeedback)
      .where(
        and(
          eq(residentFeedback.householdId, side.householdId),
          eq(residentFeedback.kind, "dispute"),
          ne(residentFeedback.id, side.disputeId),
        ),
      );
    return caller.check.dispute({
      ...side.proof,
      fields: [{ personId: null, field: "address", comment: "门牌不对" }],
    });
  },
};

/** A new officer account in the side's grid. */
async function freshOfficer(database: Database, side: Side): Promise<string> {
  const [user] = await database.db
    .insert(users)
    .values({
      username: `matrix-${randomUUID().slice(0, 8)}`,
      displayName: "矩阵",
      passwordHash: "scrypt$unusable",
      role: "officer",
      areaId: side.gridId,
    })
    .returning({ id: users.id });
  return user.id;
}

const BASE = "http://localhost:3000";
type RouteCall = Omit<Call, "caller">;
const handlers = routeHandlers();

function request(url: string, cookie: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("host", "localhost:3000");
  for (const [name, value] of Object.entries(
    fromAddress(`198.51.100.${Math.floor(Math.random() * 250) + 1}`),
  ))
    headers.set(name, value);
  if (cookie) headers.set("cookie", cookie);
  return new Request(`${BASE}${url}`, { ...init, headers });
}
const trpcInput = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));
const exportQuery = (s: Side) => `format=csv&campaignId=${s.campaignId}&areaId=${s.communityId}`;

/** How to ask each route about one side's object: [url, init, params]. */
const ROUTE_CALLS: Record<
  string,
  (c: RouteCall & { uploadId: string }) => [string, RequestInit?, Record<string, string>?]
> = {
  "GET trpc/[trpc]": ({ side }) => [`/api/trpc/household.get?input=${trpcInput({ id: side.householdId })}`],
  "POST trpc/[trpc]": ({ side }) => [
    "/api/trpc/person.reveal",
    {
      method: "POST",
      body: JSON.stringify({ json: { id: side.personId } }),
      headers: { "content-type": "application/json" },
    },
  ],
  // New bytes each time, so every upload is a store, not a "had it already".
  "PUT photos/[sha256]": ({ side }) => {
    const bytes = new Uint8Array([...JPEG, ...randomBytes(16)]);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    return [
      `/api/photos/${sha256}?grid=${side.gridId}`,
      { method: "PUT", body: bytes, headers: { "content-type": "image/jpeg" } },
      { sha256 },
    ];
  },
  "HEAD photos/[sha256]": ({ side }) => [
    `/api/photos/${side.photoSha256}`,
    { method: "HEAD" },
    { sha256: side.photoSha256 },
  ],
  "GET photos/[sha256]": ({ side }) => [`/api/photos/${side.photoSha256}`, {}, { sha256: side.photoSha256 }],
  "GET export/results": ({ side }) => [`/api/export/results?${exportQuery(side)}`],
  "GET export/changes": ({ side }) => [`/api/export/changes?${exportQuery(side)}`],
  "GET export/statistics": ({ side }) => [`/api/export/statistics?format=csv&areaId=${side.communityId}`],
  "GET export/progress": ({ side }) => [`/api/export/progress?${exportQuery(side)}`],
  "GET export/answers": ({ side }) => [`/api/export/answers?format=csv&campaign=${side.ownCampaignId}`],
  "GET export/register": ({ side }) => [`/api/export/register?format=csv&areaId=${side.communityId}`],
  "POST import": () => [
    "/api/import?kind=buildings&dryRun=1&name=matrix.csv",
    { method: "POST", body: "建筑物编码,标准地址,社区代码\n", headers: { "content-type": "text/csv" } },
  ],
  "GET import/rejected": ({ uploadId }) => [`/api/import/rejected?id=${uploadId}`],
  "POST questionnaires": ({ side }) => [
    `/api/questionnaires?campaign=${side.ownCampaignId}&name=matrix.xlsx`,
    { method: "POST", body: ELDERLY_XLSX, headers: { "content-type": "application/octet-stream" } },
  ],
  "GET questionnaires": ({ side }) => [`/api/questionnaires?campaign=${side.ownCampaignId}&version=1`],
  "POST target-files": ({ side }) => [
    `/api/target-files?campaign=${side.fileCampaignId}&name=matrix.csv`,
    {
      method: "POST",
      body: `变动类型,身份证号\n迁出,${side.proof.idNumber}\n`,
      headers: { "content-type": "text/csv" },
    },
  ],
  "GET health": () => ["/api/health"],
};

/** A campaign over the side's community whose questionnaire has only a draft, version 1. */
async function campaignWithDraft(database: Database, side: { communityId: string }): Promise<string> {
  const [campaign] = await database.db
    .insert(campaigns)
    .values({ name: "草稿问卷", startsOn: "2026-01-01" })
    .returning({ id: campaigns.id });
  await database.db.insert(campaignAreas).values({ campaignId: campaign.id, areaId: side.communityId });
  const parsed = parseDefinition(elderlyHealth);
  if (!parsed.ok) throw new Error("the elderly questionnaire does not parse");
  await database.db.insert(questionnaires).values({
    campaignId: campaign.id,
    version: 1,
    title: "老年人健康档案",
    definition: parsed.definition,
    sourceFile: "matrix.xlsx",
    publishedAt: null,
  });
  return campaign.id;
}

/** A clean questionnaire workbook, made once: each administrator's upload replaces the side's draft. */
const ELDERLY_XLSX = await workbookXlsx(elderlyHealth);

const STATUS_CODE: Record<number, string> = {
  200: "OK",
  201: "OK",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
};

it("every procedure of the router has a row in the matrix and a way to be called", () => {
  const paths = Object.keys(appRouter._def.procedures).sort();
  expect([...procedureMatrix.keys()].sort()).toEqual(paths);
  expect(Object.keys(PROCEDURE_CALLS).sort()).toEqual(paths);
});

it("every route handler under app/api has a row in the matrix and a way to be called", () => {
  const routes = [...handlers.keys()].sort();
  expect(routes).toContain("GET health");
  expect([...routeMatrix.keys()].sort()).toEqual(routes);
  expect(Object.keys(ROUTE_CALLS).sort()).toEqual(routes);
});

it("lists without an object name where their cut to the caller's area is proved", () => {
  for (const [list, file] of Object.entries(LISTS)) {
    expect(procedureMatrix.has(list)).toBe(true);
    expect(fs.existsSync(path.resolve(__dirname, file)), file).toBe(true);
  }
});

describe.each(databaseKinds)("the authorisation matrix on %s", (kind) => {
  let database: Database;
  const sides = {} as Record<"A" | "B", Side>;
  const cookies = {} as Record<Who, string | undefined>;
  const usernames = {} as Record<Who, string | undefined>;
  let uploadId: string;
  let ip = 0;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedTwoStreets(database);
    await ensureOpenCampaignCodes(database.db);
    // A lies in the demo supervisor's street (光塔街), B in the other one.
    const officerA = await firstOfficerUnder(database, "supervisor");
    sides.A = await sideOf(database, officerA);
    sides.B = await sideOf(database, await officerOfAnotherStreet(database, officerA));
    const supervisor = async (username: string, areaId: string) => {
      await database.db.insert(users).values({
        username,
        displayName: username,
        passwordHash: (await database.db.select().from(users).where(eq(users.username, "admin")))[0]
          .passwordHash,
        role: "supervisor",
        areaId,
      });
      return username;
    };
    const [officerRow] = await database.db.select().from(users).where(eq(users.username, officerA));
    await database.db.insert(users).values({ ...officerRow, id: randomUUID(), username: "disabled-officer" });
    Object.assign(usernames, {
      officerA: sides.A.officer,
      officerB: sides.B.officer,
      supervisorA: await supervisor("matrix-supervisor-a", sides.A.communityId),
      supervisorB: await supervisor("matrix-supervisor-b", sides.B.communityId),
      street: "supervisor",
      admin: "admin",
      disabled: "disabled-officer",
    });
    for (const who of WHO) cookies[who] = usernames[who] && (await loginAs(database, usernames[who]));
    await database.db
      .update(users)
      .set({ disabledAt: new Date() })
      .where(eq(users.username, "disabled-officer"));
    // The route handlers open the process's database through this; point it at the test one.
    globalThis.__doorstepDatabase = Promise.resolve(database);
    const { POST } = await import("@/app/api/import/route");
    const upload = await POST(
      request("/api/import?kind=buildings&name=rejected.csv", cookies.admin, {
        method: "POST",
        body: "建筑物编码,标准地址,社区代码\nX,无此社区,000000000000\n",
      }),
    );
    const report = (await upload.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .find((event) => event.type === "report");
    uploadId = report.report.uploadId;
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  const callFor = async (who: Who, side: Side): Promise<Call> => {
    const cookie = cookies[who];
    // Each call its own client address, so the self-check's per-address limit never decides a cell.
    ip += 1;
    const { caller } = await callerFor(database, { cookie, ip: `203.0.${ip >> 8}.${ip & 255}` });
    const freshCookie = async () =>
      who === "disabled" || !usernames[who] ? cookie : loginAs(database, usernames[who] as string);
    return { database, side, cookie, caller, freshCookie };
  };

  for (const [name, row] of procedureMatrix) {
    it(name, async () => {
      // One line per caller, so a failure shows the whole row of the table against what happened.
      const actual: string[] = [];
      const expected: string[] = [];
      for (const who of WHO) {
        const outcomes: string[] = [];
        for (const side of [sides.A, sides.B])
          outcomes.push(await codeOf(PROCEDURE_CALLS[name](await callFor(who, side))));
        actual.push(`${who} ${outcomes.join("/")}`);
        expected.push(`${who} ${row[who].join("/")}`);
      }
      expect(actual).toEqual(expected);
    });
  }

  for (const [name, row] of routeMatrix) {
    it(name, async () => {
      const handler = await handlers.get(name)?.();
      if (!handler) throw new Error(`no handler for ${name}`);
      // One line per caller, so a failure shows the whole row of the table against what happened.
      const actual: string[] = [];
      const expected: string[] = [];
      for (const who of WHO) {
        const outcomes: string[] = [];
        for (const side of [sides.A, sides.B]) {
          const { caller: _caller, ...call } = await callFor(who, side);
          const [url, init, params = {}] = ROUTE_CALLS[name]({ ...call, uploadId });
          const response = await handler(request(url, call.cookie, init), {
            params: Promise.resolve(params),
          });
          await response.arrayBuffer();
          outcomes.push(STATUS_CODE[response.status] ?? `HTTP ${response.status}`);
        }
        actual.push(`${who} ${outcomes.join("/")}`);
        expected.push(`${who} ${row[who].join("/")}`);
      }
      expect(actual).toEqual(expected);
    });
  }

  it("an officer cannot climb to their own community", async () => {
    const { caller } = await callFor("officerA", sides.A);
    expect(await codeOf(caller.area.get({ id: sides.A.communityId }))).toBe("NOT_FOUND");
  });

  it("an officer's default area is their grid, listing only its buildings", async () => {
    const { caller } = await callFor("officerA", sides.A);
    const view = await caller.area.get({});
    expect(view.area.id).toBe(sides.A.gridId);
    expect(view.area.level).toBe("grid");
    expect(view.buildings.map((b) => b.id)).toContain(sides.A.buildingId);
    expect(view.buildings.map((b) => b.id)).not.toContain(sides.B.buildingId);
    expect(view.breadcrumbs).toEqual([{ id: sides.A.gridId, name: view.area.name, level: "grid" }]);
  });

  it("the household view is masked", async () => {
    const { caller } = await callFor("officerA", sides.A);
    const view = await caller.household.get({ id: sides.A.householdId });
    expect(view.members.length).toBeGreaterThan(0);
    for (const member of view.members) {
      expect(member.idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
      expect(member.name).toContain("*");
      if (member.phone) expect(member.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
  });

  it("refusals to supervisors and officers change no campaign", async () => {
    const before = await database.db.select().from(campaigns).orderBy(campaigns.id);
    for (const who of ["officerA", "supervisorA", "street", "anonymous"] as const) {
      const call = await callFor(who, sides.A);
      expect(await codeOf(PROCEDURE_CALLS["campaign.create"](call))).not.toBe("OK");
    }
    expect(await database.db.select().from(campaigns).orderBy(campaigns.id)).toEqual(before);
  });
});
