import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  areas,
  buildings,
  campaigns,
  campaignTargets,
  changes,
  devices,
  households,
  persons,
  questionnaires,
  rentals,
  rentalTenants,
  rooms,
  units,
  users,
  visitAttachments,
  visits,
} from "@/db/schema";
import { type ClaimAnswer, moveInStaysPut } from "@/domain/claims";
import { type CallNumber, callNumbers, roomsToEscalate } from "@/domain/counts";
import { distanceMeters, FAR_FROM_BUILDING_M } from "@/domain/geo";
import { maskFieldValue, maskIdNumber, maskName, maskText } from "@/domain/mask";
import {
  type AnswerLine,
  type Answers,
  answerLines,
  maskAnswer,
  type QuestionnaireDefinition,
} from "@/domain/questionnaire";
import type { ChangeEntity, ReviewState } from "@/domain/visit";
import { AppError, notFound } from "../errors";
import { applyApprovedChanges, returnChanges } from "./approve";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { namesAtVisit } from "./note-names";
import { changeValues, type PlaceWord, placeWords } from "./place-words";
import { type PushMeta, pushMutations } from "./push";
import { TABLES, wireValue } from "./register-values";
import { inScope } from "./scope";
import { namedSetters } from "./setters";

/**
 * The supervisor's side of a visit: the queue of submitted visits, one visit with its evidence, the
 * decision (approve, or return with a comment that reaches the officer's phone on the next pull),
 * the inbox of conflicts and the health of officers' devices. Everything is cut to the caller's area.
 */

const underCaller = (user: SessionUser) => sql`starts_with(${areas.path}, ${user.areaPath})`;

export interface QueueInput {
  state: ReviewState;
  campaignId?: string;
  gridId?: string;
  limit: number;
  offset: number;
}

/** A clean confirmation: verified unchanged, no corrections, and recorded at the building if located. */
function isClean(row: { outcome: string; changeCount: number; distanceM: number | null }): boolean {
  return (
    row.outcome === "verified" &&
    row.changeCount === 0 &&
    (row.distanceM === null || row.distanceM <= FAR_FROM_BUILDING_M)
  );
}

function distanceOf(row: {
  lat: number | null;
  lng: number | null;
  buildingLat: number | null;
  buildingLng: number | null;
}): number | null {
  if (row.lat === null || row.lng === null || row.buildingLat === null || row.buildingLng === null)
    return null;
  return Math.round(
    distanceMeters({ lat: row.lat, lng: row.lng }, { lat: row.buildingLat, lng: row.buildingLng }),
  );
}

/**
 * 上门次数 and 未接触次数 of visits (domain/counts.ts callNumbers, not the phone's guess), from every
 * visit of their rooms in their campaigns, and whether the visit puts its room among those to escalate
 * (roomsToEscalate: it is the room's latest visit, not returned, and its calls without contact reached
 * the threshold): the supervisor reports the room to the community. An earlier call that reached it
 * is no flag once a later visit found someone in.
 */
async function callsOf(db: Db, of: readonly { roomId: string; campaignId: string }[]) {
  const out = new Map<string, CallNumber & { escalate: boolean }>();
  if (of.length === 0) return out;
  const rows = await db
    .select({
      id: visits.id,
      roomId: visits.roomId,
      campaignId: visits.campaignId,
      outcome: visits.outcome,
      reviewState: visits.reviewState,
      visitedAt: visits.visitedAt,
    })
    .from(visits)
    .where(inArray(visits.roomId, [...new Set(of.map((v) => v.roomId))]));
  const wanted = new Set(of.map((v) => `${v.campaignId}/${v.roomId}`));
  const byCampaign = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!wanted.has(`${row.campaignId}/${row.roomId}`)) continue;
    byCampaign.set(row.campaignId, [...(byCampaign.get(row.campaignId) ?? []), row]);
  }
  for (const list of byCampaign.values()) {
    const escalating = roomsToEscalate(list);
    const rooms = new Map(list.map((v) => [v.id, v.roomId]));
    for (const [id, call] of callNumbers(list))
      out.set(id, { ...call, escalate: escalating.get(rooms.get(id) as string) === id });
  }
  return out;
}

export async function reviewQueue(db: Db, user: SessionUser, input: QueueInput) {
  const where = and(
    underCaller(user),
    eq(visits.reviewState, input.state),
    input.campaignId ? eq(visits.campaignId, input.campaignId) : undefined,
    input.gridId ? eq(visits.gridId, input.gridId) : undefined,
  );
  const changeCount = sql<number>`(select count(*)::int from ${changes} c where c.visit_id = "visits"."id")`;
  const conflictCount = sql<number>`(select count(*)::int from ${changes} c where c.visit_id = "visits"."id" and c.status = 'conflict')`;
  const rows = await db
    .select({
      id: visits.id,
      version: visits.version,
      visitedAt: visits.visitedAt,
      outcome: visits.outcome,
      reviewState: visits.reviewState,
      reviewComment: visits.reviewComment,
      roomId: visits.roomId,
      campaignId: visits.campaignId,
      lat: visits.lat,
      lng: visits.lng,
      officerName: users.displayName,
      gridName: areas.name,
      address: buildings.address,
      buildingName: buildings.name,
      buildingLat: buildings.lat,
      buildingLng: buildings.lng,
      unitNo: rooms.unitNo,
      roomNo: rooms.roomNo,
      changeCount,
      conflictCount,
      photos: sql<number>`(select count(*)::int from ${visitAttachments} a where a.visit_id = "visits"."id")`,
    })
    .from(visits)
    .innerJoin(areas, eq(areas.id, visits.gridId))
    .innerJoin(rooms, eq(rooms.id, visits.roomId))
    .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
    .innerJoin(users, eq(users.id, visits.officerId))
    .where(where)
    // Oldest first: the queue is worked from the front.
    .orderBy(asc(visits.visitedAt), asc(visits.id))
    .limit(input.limit)
    .offset(input.offset);
  const [{ total }] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(visits)
    .innerJoin(areas, eq(areas.id, visits.gridId))
    .where(where);
  const calls = await callsOf(db, rows);
  return {
    total,
    visits: rows.map(
      ({ lat, lng, buildingLat, buildingLng, roomId: _room, campaignId: _campaign, ...row }) => {
        const distanceM = distanceOf({ lat, lng, buildingLat, buildingLng });
        const call = calls.get(row.id);
        return {
          ...row,
          attempt: call?.attempt ?? 1,
          withoutContact: call?.withoutContact ?? 0,
          escalate: call?.escalate ?? false,
          distanceM,
          far: distanceM !== null && distanceM > FAR_FROM_BUILDING_M,
          clean: isClean({ ...row, distanceM }),
        };
      },
    ),
  };
}

async function visitInScope(db: Db, user: SessionUser, visitId: string) {
  const [row] = await db
    .select({ visit: visits, gridPath: areas.path, gridName: areas.name })
    .from(visits)
    .innerJoin(areas, eq(areas.id, visits.gridId))
    .where(eq(visits.id, visitId));
  if (!row || !inScope(user, row.gridPath)) throw notFound();
  return row;
}

/**
 * One visit with everything a reviewer weighs: each changed field with the register value beside the
 * observed one (names, ID numbers and phones masked unless `reveal`, which is audited), the photo,
 * how far from the building it was recorded, and the room's earlier visits with their decisions.
 */
export async function reviewVisit(
  db: Db,
  user: SessionUser,
  visitId: string,
  options: { reveal?: boolean; ip?: string } = {},
) {
  const { visit, gridPath, gridName } = await visitInScope(db, user, visitId);
  const call = (await callsOf(db, [visit])).get(visit.id);
  const [place] = await db
    .select({
      address: buildings.address,
      buildingName: buildings.name,
      buildingLat: buildings.lat,
      buildingLng: buildings.lng,
      unitNo: rooms.unitNo,
      floor: rooms.floor,
      roomNo: rooms.roomNo,
    })
    .from(rooms)
    .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
    .where(eq(rooms.id, visit.roomId));
  const [officer] = await db
    .select({ name: users.displayName, username: users.username })
    .from(users)
    .where(eq(users.id, visit.officerId));
  const [campaign] = await db
    .select({ name: campaigns.name })
    .from(campaigns)
    .where(eq(campaigns.id, visit.campaignId));
  const changed = await db
    .select()
    .from(changes)
    .where(eq(changes.visitId, visitId))
    // In the order they arrived (a batch's changes share one time): a member's end date beside its reason.
    .orderBy(asc(changes.seq));
  const registerNow = await registerValuesOf(db, changed);
  const records = await recordsOf(db, changed);
  const photos = await db
    .select({ sha256: visitAttachments.sha256, kind: visitAttachments.kind })
    .from(visitAttachments)
    .where(eq(visitAttachments.visitId, visitId));
  const history = await db
    .select({
      id: visits.id,
      visitedAt: visits.visitedAt,
      outcome: visits.outcome,
      reviewState: visits.reviewState,
      reviewComment: visits.reviewComment,
      officerName: users.displayName,
    })
    .from(visits)
    .innerJoin(users, eq(users.id, visits.officerId))
    .where(eq(visits.roomId, visit.roomId))
    .orderBy(desc(visits.visitedAt));
  if (options.reveal) {
    await writeAudit(db, {
      userId: user.id,
      action: "reveal_visit",
      entity: "visit",
      entityId: visitId,
      areaPath: gridPath,
      ip: options.ip,
    });
  }
  const word = await placeWords(db, [
    ...changeValues(changed),
    ...changed.map((change) => ({
      field: change.field,
      values: [registerNow.get(`${change.entity}:${change.entityId}`)?.[change.field]],
    })),
  ]);
  const show = (field: string, value: unknown) =>
    options.reveal ? word(field, value) : maskFieldValue(field, word(field, value));
  // The names of the room's people at the visit, read once: the note, the questionnaire's free text
  // and the officer's words on the department's claims are masked with them unless revealed.
  const names = options.reveal ? [] : await namesAtVisit(db, visitId);
  const distanceM = distanceOf({
    lat: visit.lat,
    lng: visit.lng,
    buildingLat: place?.buildingLat ?? null,
    buildingLng: place?.buildingLng ?? null,
  });
  return {
    id: visit.id,
    version: visit.version,
    campaignName: campaign?.name ?? null,
    gridName,
    officerName: officer?.name ?? null,
    outcome: visit.outcome,
    attempt: call?.attempt ?? 1,
    withoutContact: call?.withoutContact ?? 0,
    escalate: call?.escalate ?? false,
    visitedAt: visit.visitedAt,
    receivedAt: visit.receivedAt,
    revisitDue: visit.revisitDue,
    // Free text: the phones, ID numbers and names of the room's people in it are masked like fields.
    note: options.reveal || !visit.note ? visit.note : maskText(visit.note, names),
    reviewState: visit.reviewState,
    reviewComment: visit.reviewComment,
    reviewFields: visit.reviewFields?.split(",") ?? [],
    reviewedAt: visit.reviewedAt,
    lat: visit.lat,
    lng: visit.lng,
    accuracyM: visit.accuracyM,
    distanceM,
    far: distanceM !== null && distanceM > FAR_FROM_BUILDING_M,
    place: place ?? null,
    revealed: !!options.reveal,
    changes: changed.map((change) => ({
      id: change.id,
      entity: change.entity,
      entityId: change.entityId,
      record: recordText(records.get(change.id), !!options.reveal),
      field: change.field,
      status: change.status,
      registerValue: show(change.field, change.registerValue),
      observedValue: show(change.field, change.observedValue),
      serverValue: change.status === "conflict" ? show(change.field, change.serverValue) : null,
      // What the register holds now, beside a correction still waiting: what approval would replace.
      registerNow:
        change.status === "pending" && change.field !== "*"
          ? show(change.field, registerNow.get(`${change.entity}:${change.entityId}`)?.[change.field] ?? null)
          : null,
    })),
    photos,
    history,
    questionnaire: await answersInWords(db, visit, !!options.reveal, names),
    claims: await claimsAnswered(db, visit, !!options.reveal, names),
  };
}

/**
 * The department's claims the officer answered at this door (a returned-file campaign), each beside
 * its answer: what the reviewer approves is the officer's word on the department's line, so it is
 * shown with the line. Names, ID numbers and the officer's free text are masked unless revealed.
 */
async function claimsAnswered(
  db: Db,
  visit: { claims: ClaimAnswer[] | null },
  reveal: boolean,
  names: readonly string[],
) {
  const answers = visit.claims ?? [];
  if (answers.length === 0) return [];
  const targets = await db
    .select({
      id: campaignTargets.id,
      claim: campaignTargets.claim,
      fileRow: campaignTargets.fileRow,
      gridId: campaignTargets.gridId,
    })
    .from(campaignTargets)
    .where(
      inArray(
        campaignTargets.id,
        answers.map((a) => a.targetId),
      ),
    );
  const byId = new Map(targets.map((target) => [target.id, target]));
  return answers.flatMap((answer) => {
    const claim = byId.get(answer.targetId)?.claim;
    if (!claim) return [];
    return [
      {
        targetId: answer.targetId,
        fileRow: byId.get(answer.targetId)?.fileRow ?? null,
        kind: claim.kind,
        date: claim.date,
        name: claim.name && !reveal ? maskName(claim.name) : claim.name,
        idNumber: claim.idNumber && !reveal ? maskIdNumber(claim.idNumber) : claim.idNumber,
        uscc: claim.uscc,
        outcome: claim.outcome,
        differences: claim.differences,
        staysPut: moveInStaysPut(claim, byId.get(answer.targetId)?.gridId ?? ""),
        answer: answer.answer,
        found: answer.found && !reveal ? maskText(answer.found, names) : answer.found,
      },
    ];
  });
}

/**
 * The visit's questionnaire answers as label → answer in words, with the labels of the version they
 * were given in. Personal answers are masked as fields are (a phone, an ID number; names and numbers
 * in free text) unless the reviewer revealed the visit.
 */
async function answersInWords(
  db: Db,
  visit: {
    campaignId: string;
    answers: unknown;
    questionnaireVersion: number | null;
    visitedAt: Date;
  },
  reveal: boolean,
  names: readonly string[],
): Promise<{ version: number; title: string; lines: AnswerLine[] } | null> {
  if (!visit.answers || visit.questionnaireVersion === null) return null;
  const [form] = await db
    .select({ title: questionnaires.title, definition: questionnaires.definition })
    .from(questionnaires)
    .where(
      and(
        eq(questionnaires.campaignId, visit.campaignId),
        eq(questionnaires.version, visit.questionnaireVersion),
      ),
    );
  if (!form) return null;
  // Labels that name an answer (`第 ${med_row} 种药`) read the stored answers at the visit's time;
  // a label naming the register shows it blank here (the register has moved on since).
  const lines = answerLines(form.definition as QuestionnaireDefinition, visit.answers as Answers, {
    now: visit.visitedAt,
  });
  if (!reveal) {
    for (const line of lines) {
      if (!line.value) continue;
      line.value = Object.fromEntries(
        Object.entries(line.value).map(([locale, text]) => [
          locale,
          maskAnswer(line.type, text ?? "", names),
        ]),
      );
    }
  }
  return { version: visit.questionnaireVersion, title: form.title, lines };
}

/** Who or what a change is about: a person's name is personal, a household number or a unit's name is not. */
type RecordName = { text: string; personal: boolean } | undefined;

function recordText(record: RecordName, reveal: boolean): string | null {
  if (!record) return null;
  return record.personal && !reveal ? maskName(record.text) : record.text;
}

/**
 * The record each change of a visit is about, by change id: the register's row, or for a row still
 * waiting for review its own change (a new member's name; a new tenancy's tenant, registered or new in
 * the same visit).
 */
async function recordsOf(db: Db, changed: (typeof changes.$inferSelect)[]) {
  const ids = (entity: string) => [
    ...new Set(changed.filter((c) => c.entity === entity).map((c) => c.entityId)),
  ];
  const newRow = (c: typeof changes.$inferSelect | undefined) =>
    c && c.field === "*" && c.observedValue && typeof c.observedValue === "object"
      ? (c.observedValue as Record<string, unknown>)
      : null;
  const tenantIds = changed
    .map((c) => (c.entity === "rental_tenant" ? newRow(c)?.personId : null))
    .filter((id): id is string => typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id));
  const personIds = [...new Set([...ids("person"), ...tenantIds])];
  const [personRows, linkRows, householdRows, unitRows, rentalRows] = await Promise.all([
    personIds.length
      ? db.select({ id: persons.id, name: persons.name }).from(persons).where(inArray(persons.id, personIds))
      : [],
    ids("rental_tenant").length
      ? db
          .select({ id: rentalTenants.id, name: persons.name })
          .from(rentalTenants)
          .innerJoin(persons, eq(persons.id, rentalTenants.personId))
          .where(inArray(rentalTenants.id, ids("rental_tenant")))
      : [],
    ids("household").length
      ? db
          .select({ id: households.id, name: households.householdNo })
          .from(households)
          .where(inArray(households.id, ids("household")))
      : [],
    ids("unit").length
      ? db
          .select({ id: units.id, name: units.name })
          .from(units)
          .where(inArray(units.id, ids("unit")))
      : [],
    ids("rental").length
      ? db
          .select({ id: rentals.id, name: rentals.landlordName })
          .from(rentals)
          .where(inArray(rentals.id, ids("rental")))
      : [],
  ]);
  const nameOf = new Map<string, string | null>(
    [...personRows, ...linkRows, ...householdRows, ...unitRows, ...rentalRows].map((r) => [r.id, r.name]),
  );
  const newPersonName = new Map(
    changed
      .filter((c) => c.entity === "person")
      .map((c) => [c.entityId, newRow(c)?.name])
      .filter((pair): pair is [string, string] => typeof pair[1] === "string"),
  );
  const out = new Map<string, RecordName>();
  for (const change of changed) {
    const personal =
      change.entity === "person" || change.entity === "rental_tenant" || change.entity === "rental";
    let text: string | null | undefined = nameOf.get(change.entityId);
    if (!text && change.entity === "person") text = newPersonName.get(change.entityId);
    if (!text && change.entity === "rental_tenant") {
      const tenant = newRow(change)?.personId;
      if (typeof tenant === "string") text = nameOf.get(tenant) ?? newPersonName.get(tenant);
    }
    if (text) out.set(change.id, { text, personal });
  }
  return out;
}

/** The register rows a visit's pending corrections name, in the wire's form, by `entity:id`. */
async function registerValuesOf(db: Db, changed: (typeof changes.$inferSelect)[]) {
  const wanted = new Map<ChangeEntity, Set<string>>();
  for (const change of changed) {
    if (change.status !== "pending" || change.field === "*") continue;
    const entity = change.entity as ChangeEntity;
    if (!(entity in TABLES)) continue;
    wanted.set(entity, (wanted.get(entity) ?? new Set()).add(change.entityId));
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [entity, ids] of wanted) {
    const table = TABLES[entity];
    const rows = (await db
      .select()
      .from(table)
      .where(inArray(table.id, [...ids]))) as Record<string, unknown>[];
    for (const row of rows) {
      const values: Record<string, unknown> = {};
      for (const field of Object.keys(row)) values[field] = wireValue(row, field);
      out.set(`${entity}:${row.id}`, values);
    }
  }
  return out;
}

export interface DecisionInput {
  /** Each visit with the version the reviewer has on screen: a decision on anything else is refused. */
  visits: { id: string; version: number }[];
  decision: "approve" | "return";
  comment?: string | null;
  /** For a return: the register fields the officer should look at again (they are shown on the phone). */
  fields?: string[];
}

/**
 * Approves visits, or returns them with a comment. Only submitted visits in the caller's area are
 * decided, and only at the version the reviewer was shown: if any moved on since (a colleague's
 * decision, a later write), nothing is decided. Approval writes the visits' pending corrections into
 * the register (approve.ts); a return leaves them out of it for good. The version bump (and the
 * change stamp the trigger writes) carries the decision to the officer's phone on its next pull.
 */
export async function decideVisits(
  db: Db,
  user: SessionUser,
  input: DecisionInput,
  meta: { now: Date; ip: string },
) {
  const comment = input.comment?.trim() || null;
  if (input.decision === "return" && !comment) throw new AppError("BAD_REQUEST", "review.commentRequired");
  return db.transaction(async (tx) => {
    const asked = new Map(input.visits.map((visit) => [visit.id, visit.version]));
    const found = await tx
      .select({
        id: visits.id,
        version: visits.version,
        reviewState: visits.reviewState,
        gridPath: areas.path,
      })
      .from(visits)
      .innerJoin(areas, eq(areas.id, visits.gridId))
      .where(inArray(visits.id, [...asked.keys()]))
      .orderBy(visits.id)
      .for("update", { of: visits });
    const visible = found.filter((row) => inScope(user, row.gridPath));
    // Asking about a visit one may not see answers like a missing one.
    if (visible.length !== asked.size) throw notFound();
    if (visible.some((row) => row.version !== asked.get(row.id)))
      throw new AppError("CONFLICT", "review.stale");
    const open = visible.filter((row) => row.reviewState === "submitted").map((row) => row.id);
    if (input.decision === "approve") await applyApprovedChanges(tx, open, meta.now);
    else await returnChanges(tx, open);
    if (open.length > 0) {
      await tx
        .update(visits)
        .set({
          reviewState: input.decision === "approve" ? "approved" : "returned",
          reviewComment: comment,
          reviewFields:
            input.decision === "return" && input.fields?.length ? [...new Set(input.fields)].join(",") : null,
          reviewedBy: user.id,
          reviewedAt: meta.now,
          version: sql`${visits.version} + 1`,
        })
        .where(inArray(visits.id, open));
    }
    await writeAudit(tx, {
      userId: user.id,
      action: input.decision === "approve" ? "visit_approved" : "visit_returned",
      entity: "visit",
      entityId: open.length === 1 ? open[0] : undefined,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: { visits: open, comment, fields: input.fields ?? [] },
    });
    // Visits decided already (by a colleague a moment ago) are left as they are and reported.
    return { decided: open.length, alreadyDecided: visible.length - open.length };
  });
}

/**
 * Conflicts waiting in the caller's area, oldest first, with both values, who recorded the second and
 * who set the first (staff by name, or the register's own data), and whose record it is — a person's
 * name masked like the values, until `revealConflict`.
 */
export async function conflictInbox(db: Db, user: SessionUser) {
  const rows = await db
    .select({
      change: changes,
      visitedAt: visits.visitedAt,
      officerName: users.displayName,
      gridName: areas.name,
      address: buildings.address,
      roomNo: rooms.roomNo,
      unitNo: rooms.unitNo,
    })
    .from(changes)
    .innerJoin(visits, eq(visits.id, changes.visitId))
    .innerJoin(users, eq(users.id, visits.officerId))
    .innerJoin(areas, eq(areas.id, changes.gridId))
    .innerJoin(rooms, eq(rooms.id, visits.roomId))
    .innerJoin(buildings, eq(buildings.id, rooms.buildingId))
    .where(and(eq(changes.status, "conflict"), underCaller(user)))
    .orderBy(asc(changes.createdAt), asc(changes.id))
    .limit(500);
  const records = await recordsOf(
    db,
    rows.map((row) => row.change),
  );
  const setBy = await namedSetters(
    db,
    user,
    rows.map(({ change }) => ({ from: change.serverFrom, userId: change.serverSetBy })),
  );
  const word = await placeWords(db, changeValues(rows.map((row) => row.change)));
  return rows.map(({ change, ...row }, index) => ({
    ...row,
    ...conflictValues(change, records.get(change.id), false, word),
    visitId: change.visitId,
    entity: change.entity,
    entityId: change.entityId,
    field: change.field,
    createdAt: change.createdAt,
    setBy: setBy[index],
  }));
}

/** A conflict's record and values as the inbox shows them: masked, or in clear for a reveal. */
function conflictValues(
  change: typeof changes.$inferSelect,
  record: RecordName,
  reveal: boolean,
  word: PlaceWord,
) {
  const show = (value: unknown) =>
    reveal ? word(change.field, value) : maskFieldValue(change.field, word(change.field, value));
  return {
    changeId: change.id,
    record: recordText(record, reveal),
    registerValue: show(change.registerValue),
    serverValue: show(change.serverValue),
    observedValue: show(change.observedValue),
  };
}

/**
 * One conflict of the caller's area in clear — whose record and the three values — for a supervisor
 * who must compare them with a document: an unmasked read, written to the audit log. A conflict
 * outside the caller's area answers like a missing one.
 */
export async function revealConflict(db: Db, user: SessionUser, changeId: string, ip: string) {
  const [row] = await db
    .select({ change: changes, gridPath: areas.path })
    .from(changes)
    .innerJoin(areas, eq(areas.id, changes.gridId))
    .where(eq(changes.id, changeId));
  if (!row || !inScope(user, row.gridPath)) throw notFound();
  const records = await recordsOf(db, [row.change]);
  await writeAudit(db, {
    userId: user.id,
    action: "reveal_conflict",
    entity: "change",
    entityId: changeId,
    areaPath: row.gridPath,
    ip,
  });
  return conflictValues(
    row.change,
    records.get(changeId),
    true,
    await placeWords(db, changeValues([row.change])),
  );
}

export interface InboxResolution {
  /** Made in the browser, so a double click or a retry settles it once (the ledger's key). */
  mutationId: string;
  deviceId: string;
  changeId: string;
  choice: "server" | "observed" | "other";
  /** The value typed when the choice is "other". */
  value?: unknown;
}

/**
 * Settles a conflict from the inbox. The values stay on the server (the inbox shows them masked), so
 * the choice is named and the value looked up here; the settlement itself is a resolve mutation
 * through the same ledger and merge as the phones' — if the field moved on again, it stays a conflict.
 */
export async function resolveFromInbox(db: Db, user: SessionUser, input: InboxResolution, meta: PushMeta) {
  const [change] = await db
    .select({ change: changes, gridPath: areas.path })
    .from(changes)
    .innerJoin(areas, eq(areas.id, changes.gridId))
    .where(eq(changes.id, input.changeId));
  if (!change || !inScope(user, change.gridPath)) throw notFound();
  const { serverValue, observedValue } = change.change;
  const value =
    input.choice === "server" ? serverValue : input.choice === "observed" ? observedValue : input.value;
  const { results } = await pushMutations(
    db,
    user,
    {
      deviceId: input.deviceId,
      mutations: [
        { id: input.mutationId, kind: "resolve", payload: { changeId: input.changeId, value, serverValue } },
      ],
    },
    meta,
  );
  return results[0];
}

/** Stale: unsent work older than this stands out. */
const STALE_MS = 24 * 3_600_000;

/** Officers' devices in the caller's area: last sync, version, backlog and storage. */
export async function deviceList(db: Db, user: SessionUser, now: Date) {
  const rows = await db
    .select({
      id: devices.id,
      username: users.username,
      displayName: users.displayName,
      appVersion: devices.appVersion,
      lastSyncAt: devices.lastSyncAt,
      unsentCount: devices.unsentCount,
      oldestUnsentAt: devices.oldestUnsentAt,
      storagePersisted: devices.storagePersisted,
      storageUsage: devices.storageUsage,
      storageQuota: devices.storageQuota,
      userAgent: devices.userAgent,
      // First seen: the day the phone first synced, which tells two phones of one officer apart.
      firstSeenAt: devices.createdAt,
      markedAs: devices.markedAs,
      markedAt: devices.markedAt,
      wipeToldAt: devices.wipeToldAt,
    })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.userId))
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(underCaller(user))
    .orderBy(asc(devices.oldestUnsentAt), desc(devices.lastSyncAt));
  return rows.map((row) => ({
    ...row,
    stale:
      row.unsentCount > 0 && !!row.oldestUnsentAt && now.getTime() - row.oldestUnsentAt.getTime() > STALE_MS,
  }));
}
