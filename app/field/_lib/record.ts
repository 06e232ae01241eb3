/**
 * From what the officer did on the room screen (a serialisable draft) to what is saved: the visit,
 * its change rows and the corrections to the phone's own register rows. Pure, so it is tested
 * without a browser.
 */

import { type ClaimSubject, claimChanges, type TargetClaim } from "@/domain/claims";
import { type CallNumber, nextCall } from "@/domain/counts";
import { normaliseValue, sameValue } from "@/domain/merge";
import { PULL_COLUMNS } from "@/domain/pull";
import {
  answerOfRegister,
  type BindEntity,
  type Binding,
  registerOfAnswer,
} from "@/domain/questionnaire/bind";
import type { Item, Question, QuestionnaireDefinition } from "@/domain/questionnaire/definition";
import type { Answers } from "@/domain/questionnaire/evaluate";
import type { Misfit } from "@/domain/questionnaire/migrate";
import type { TargetSubject } from "@/domain/targets";
import { toIsoDate } from "@/domain/validators/date";
import {
  type Change,
  type ChangeEntity,
  diffFields,
  endChanges,
  fieldChanges,
  HOUSEHOLD_FIELDS,
  MEMBER_FIELDS,
  type MemberFormOutput,
  type NewId,
  needsRevisit,
  newPersonChange,
  newRowChange,
  outcomeAnswersQuestionnaire,
  RENTAL_FIELDS,
  ROOM_FIELDS,
  revisitDueFor,
  type SubjectType,
  TENANT_FIELDS,
  type TenantFormOutput,
  UNIT_FIELDS,
  type VisitInput,
} from "@/domain/visit";
import type { LocalUpdate } from "./outbox";
import type { HeldQuestionnaire, Row } from "./store";

/** What the room screen reads from the phone's store. */
export interface RoomData {
  room: Row;
  building: Row | undefined;
  households: Row[];
  members: Record<string, Row[]>;
  rentals: Row[];
  tenants: Record<string, { link: Row; person: Row | undefined }[]>;
  units: Row[];
  visits: Row[];
  campaignId: string | null;
  /** The visit slip's self-check code of each household, for the campaign held. */
  codes: Record<string, string>;
  /** What residents said on /check about this room's households, oldest first. */
  feedback: Row[];
  /** The campaign's open targets at this door that carry a department's claim to verify. */
  targets?: Row[];
  /** The officer's other held campaigns with open targets at this door, how many: a tap switches there. */
  otherCampaigns?: { id: string; name: string; targets: number }[];
  /** Every campaign the phone holds, by name (the switcher's list). */
  heldCampaigns?: { id: string; name: string }[];
  /**
   * Rows this phone corrected in visits still waiting for review (or still unsent): their values on
   * the phone are not the register's yet. By row id, the time of the latest such visit.
   */
  awaitingReview?: Record<string, string>;
  /**
   * The corrections of this room's latest visit when the supervisor returned it. They never reached
   * the register, though the phone still shows them: the next visit sends them again, against the
   * register's values, unless the officer changes them.
   */
  returnedChanges?: Change[];
  /**
   * The campaign's questionnaire the phone holds, when the campaign has one: the version in force, or
   * the older one the room's draft was begun in (questionnaireOfDraft).
   */
  questionnaire?: HeldQuestionnaire | null;
  /** Older versions the phone still keeps for drafts and unsent visits begun in them. */
  olderQuestionnaires?: HeldQuestionnaire[];
}

export type MemberAction =
  | { kind: "confirm" }
  | { kind: "correct"; values: MemberFormOutput }
  | { kind: "moved_out"; destination: string | null }
  | { kind: "deceased"; date: string };

export type RentalAction =
  | { kind: "confirm" }
  | { kind: "correct"; values: Record<string, unknown> }
  | { kind: "ended" };

export type UnitAction =
  | { kind: "confirm" }
  | { kind: "correct"; values: Record<string, unknown> }
  | { kind: "closed"; status: "2" | "3" | "4" };

export interface NewMember {
  id: string;
  householdId: string;
  values: MemberFormOutput;
}

export interface NewTenant {
  id: string;
  linkId: string;
  rentalId: string;
  values: TenantFormOutput;
}

export interface Position {
  lat: number;
  lng: number;
  accuracyM: number;
}

/** Everything typed on the room screen; saved as a draft while the officer works. */
export interface RoomDraft {
  v: 1;
  /** Fixed for the whole visit, so a restored draft saves under the same mutation id. */
  visitId: string;
  /** The campaign it was begun for (absent from drafts of phones that held one campaign). */
  campaignId?: string | null;
  outcome: string | null;
  note: string;
  position: Position | null;
  /** The door-plate photo, by the SHA-256 it is stored under. */
  photoSha256: string | null;
  members: Record<string, MemberAction>;
  newHouseholds: { id: string; kind: string }[];
  newMembers: NewMember[];
  rentals: Record<string, RentalAction>;
  /** Tenancies ended, by rental_tenant id: the day the tenant left. */
  endedTenancies: Record<string, { date: string }>;
  newTenants: NewTenant[];
  /** 实住人数 as observed, by rental id, when it differs from the register's. */
  occupants: Record<string, number>;
  units: Record<string, UnitAction>;
  /** Household facts (户别, 低保, 五保) as found, by household id: only the fields that differ. */
  households: Record<string, Record<string, unknown>>;
  /** The room's facts (its use) as found: only the fields that differ. */
  room: Record<string, unknown>;
  /** A form still being filled in: its key and raw values. */
  open: { key: string; values: unknown } | null;
  /** The campaign questionnaire's answers as typed (defaults included), checked and cleaned at save. */
  answers?: Answers;
  /** The officer typed an answer (defaults filled in by the form alone are no input worth a draft). */
  answersEdited?: boolean;
  /** The questionnaire version the answers were given in: the draft stays in it until the officer moves it. */
  questionnaireVersion?: number;
  /** A newer version the officer chose not to move to (its notice folds away). */
  keptOver?: number;
  /** Answers the move to a newer version could not carry, shown to the officer until they dismiss them. */
  misfits?: Misfit[];
  /** The officer's answers to the door's claims, by target id: confirmed, or not so with what was found. */
  claims?: Record<string, { answer: "confirmed" | "refuted"; found: string }>;
}

/** A person of the room as the phone holds them (a household member or a tenant), by id. */
function roomPerson(data: RoomData, id: string): Row | undefined {
  for (const members of Object.values(data.members)) {
    const found = members.find((m) => m.id === id);
    if (found) return found;
  }
  for (const links of Object.values(data.tenants)) {
    const found = links.find((l) => l.person?.id === id)?.person;
    if (found) return found;
  }
  return undefined;
}

export function emptyDraft(visitId: string): RoomDraft {
  return {
    v: 1,
    visitId,
    outcome: null,
    note: "",
    position: null,
    photoSha256: null,
    members: {},
    newHouseholds: [],
    newMembers: [],
    rentals: {},
    endedTenancies: {},
    newTenants: [],
    occupants: {},
    units: {},
    households: {},
    room: {},
    open: null,
  };
}

/** True when the officer has entered anything worth keeping. */
export function draftHasInput(draft: RoomDraft): boolean {
  return (
    draft.outcome !== null ||
    draft.note.trim() !== "" ||
    draft.position !== null ||
    (draft.photoSha256 ?? null) !== null ||
    Object.keys(draft.members).length > 0 ||
    draft.newHouseholds.length > 0 ||
    draft.newMembers.length > 0 ||
    Object.keys(draft.rentals).length > 0 ||
    Object.keys(draft.endedTenancies).length > 0 ||
    draft.newTenants.length > 0 ||
    Object.keys(draft.occupants).length > 0 ||
    Object.keys(draft.units).length > 0 ||
    Object.keys(draft.households ?? {}).length > 0 ||
    Object.keys(draft.room ?? {}).length > 0 ||
    draft.answersEdited === true ||
    Object.keys(draft.claims ?? {}).length > 0 ||
    draft.open !== null
  );
}

/** 实住人数 as it stands: the officer's count, else the register's adjusted by tenants added and ended. */
export function observedOccupants(data: RoomData, draft: RoomDraft, rental: Row): number | null {
  if (rental.id in draft.occupants) return draft.occupants[rental.id];
  const register = rental.actualOccupants as number | null | undefined;
  const added = draft.newTenants.filter((t) => t.rentalId === rental.id).length;
  const ended = (data.tenants[rental.id] ?? []).filter((t) => t.link.id in draft.endedTenancies).length;
  if (register == null && added === 0 && ended === 0) return null;
  return Math.max(0, (register ?? (data.tenants[rental.id] ?? []).length) + added - ended);
}

function emptyRow(table: keyof typeof PULL_COLUMNS): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of PULL_COLUMNS[table]) row[column] = null;
  return row;
}

function personRow(
  id: string,
  gridId: unknown,
  values: Record<string, unknown>,
  place: { householdId: string | null; roomId: string },
): Row {
  return {
    ...emptyRow("persons"),
    disability: false,
    lowIncome: false,
    unemployed: false,
    ...values,
    ...place,
    id,
    gridId: gridId as string,
    version: 0,
    pending: true,
  } as Row;
}

function pick(values: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in values) out[field] = values[field];
  return out;
}

export interface BuiltRecord {
  visit: VisitInput;
  changes: Change[];
  localUpdates: LocalUpdate[];
  /** 上门次数 of this visit (domain/counts.ts: no answers within two hours are one call). */
  attempt: number;
  /** 未接触次数: this call's number among the room's calls without contact in a row (0 with contact). */
  withoutContact: number;
}

/** Which subject the visit is about: the one the officer worked on, or the room's only one. */
export function visitSubject(data: RoomData, draft: RoomDraft): { type: SubjectType; id: string | null } {
  const subjects: { type: SubjectType; id: string; touched: boolean }[] = [
    ...data.households.map((h) => ({
      type: "household" as const,
      id: h.id,
      touched:
        h.id in draft.households ||
        (data.members[h.id] ?? []).some((m) => m.id in draft.members) ||
        draft.newMembers.some((m) => m.householdId === h.id),
    })),
    ...draft.newHouseholds.map((h) => ({ type: "household" as const, id: h.id, touched: true })),
    ...data.rentals.map((r) => ({
      type: "rental" as const,
      id: r.id,
      touched:
        r.id in draft.rentals ||
        r.id in draft.occupants ||
        draft.newTenants.some((t) => t.rentalId === r.id) ||
        (data.tenants[r.id] ?? []).some((t) => t.link.id in draft.endedTenancies),
    })),
    ...data.units.map((u) => ({ type: "unit" as const, id: u.id, touched: u.id in draft.units })),
  ];
  const touched = subjects.filter((s) => s.touched);
  const chosen = touched.length === 1 ? touched : touched.length === 0 ? subjects : [];
  if (chosen.length === 1) return { type: chosen[0].type, id: chosen[0].id };
  return { type: "room", id: null };
}

/**
 * The visit, its changes and the local corrections. Throws nothing: problems the officer must fix
 * come from `recordProblems`.
 */
export function buildRecord(
  data: RoomData,
  draft: RoomDraft,
  options: { now: Date; newId?: NewId },
): BuiltRecord {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const visitId = draft.visitId;
  const room = data.room;
  const gridId = room.gridId as string;
  const visitDate = toIsoDate(options.now);
  const changes: Change[] = [];
  const localUpdates: LocalUpdate[] = [];

  // Answers to questions bound to the register that differ from it: corrections like the forms' own.
  const bound = boundObserved(data, draft);
  const withBound = (row: Row, observed: Record<string, unknown> | undefined) => {
    const values = bound.get(row.id);
    return values ? { ...(observed ?? {}), ...values } : observed;
  };

  // The room's and its households' facts, as found at the door.
  const facts: [
    ChangeEntity,
    "rooms" | "households",
    Row,
    Record<string, unknown> | undefined,
    readonly string[],
  ][] = [
    ["room", "rooms", room, withBound(room, draft.room), ROOM_FIELDS],
    ...data.households.map(
      (h) =>
        [
          "household",
          "households",
          h,
          withBound(h, draft.households[h.id]),
          HOUSEHOLD_FIELDS,
        ] as (typeof facts)[number],
    ),
  ];
  for (const [entity, store, row, observed, fields] of facts) {
    const diffs = observed ? diffFields(row, observed, fields) : [];
    if (diffs.length === 0) continue;
    changes.push(...fieldChanges(visitId, entity, row, diffs, newId));
    localUpdates.push({
      op: "patch",
      store,
      id: row.id,
      values: Object.fromEntries(diffs.map((d) => [d.field, d.observedValue])),
    });
  }

  // Household members: corrected field by field, moved out, deceased.
  for (const household of data.households) {
    for (const member of data.members[household.id] ?? []) {
      const boundValues = bound.get(member.id) as Partial<MemberFormOutput> | undefined;
      let action = draft.members[member.id];
      // A bound answer corrects the person as the member form would (someone leaving takes none).
      if (boundValues && (!action || action.kind === "confirm"))
        action = { kind: "correct", values: boundValues as MemberFormOutput };
      else if (boundValues && action?.kind === "correct")
        action = { kind: "correct", values: { ...action.values, ...boundValues } };
      if (!action || action.kind === "confirm") continue;
      if (action.kind === "correct") {
        const diffs = diffFields(member, action.values, MEMBER_FIELDS);
        if (diffs.length === 0) continue;
        changes.push(...fieldChanges(visitId, "person", member, diffs, newId));
        localUpdates.push({
          op: "patch",
          store: "persons",
          id: member.id,
          values: Object.fromEntries(diffs.map((d) => [d.field, d.observedValue])),
        });
      } else {
        const reason =
          action.kind === "deceased"
            ? { code: "deceased" as const, deathDate: action.date }
            : { code: "moved_out" as const, destination: action.destination };
        changes.push(...endChanges(visitId, "person", member, reason, visitDate, newId));
        localUpdates.push({ op: "delete", store: "persons", id: member.id });
      }
    }
  }

  // Households found in the field, then their members.
  for (const household of draft.newHouseholds) {
    const observed = { roomId: room.id, kind: household.kind, householdNo: null };
    changes.push(newRowChange(visitId, "household", household.id, observed, newId));
    localUpdates.push({
      op: "put",
      store: "households",
      row: {
        ...emptyRow("households"),
        ...observed,
        lowIncome: false,
        fiveGuarantee: false,
        id: household.id,
        gridId,
        version: 0,
        pending: true,
      } as Row,
    });
  }
  for (const member of draft.newMembers) {
    const values = pick(member.values, MEMBER_FIELDS);
    const place = { householdId: member.householdId, roomId: room.id };
    changes.push(newPersonChange(visitId, values, place, newId, member.id).change);
    localUpdates.push({ op: "put", store: "persons", row: personRow(member.id, gridId, values, place) });
  }

  // Rental rooms: the rental itself, its tenants and its occupancy.
  for (const rental of data.rentals) {
    const action = draft.rentals[rental.id];
    if (action?.kind === "ended") {
      changes.push(...endChanges(visitId, "rental", rental, { code: "rental_ended" }, visitDate, newId));
      localUpdates.push({ op: "delete", store: "rentals", id: rental.id });
      continue;
    }
    const observed: Record<string, unknown> =
      action?.kind === "correct" ? pick(action.values, RENTAL_FIELDS) : {};
    const occupants = observedOccupants(data, draft, rental);
    if (occupants !== null) observed.actualOccupants = occupants;
    Object.assign(observed, bound.get(rental.id));
    const diffs = diffFields(rental, observed, [...RENTAL_FIELDS, "actualOccupants"]);
    if (diffs.length > 0) {
      changes.push(...fieldChanges(visitId, "rental", rental, diffs, newId));
      localUpdates.push({
        op: "patch",
        store: "rentals",
        id: rental.id,
        values: Object.fromEntries(diffs.map((d) => [d.field, d.observedValue])),
      });
    }
    for (const { link, person } of data.tenants[rental.id] ?? []) {
      const ended = draft.endedTenancies[link.id];
      if (!ended) continue;
      const reason = { code: "moved_out" as const };
      changes.push(...endChanges(visitId, "rental_tenant", link, reason, ended.date, newId));
      localUpdates.push({ op: "delete", store: "rentalTenants", id: link.id });
      if (person) {
        changes.push(...endChanges(visitId, "person", person, reason, ended.date, newId));
        localUpdates.push({ op: "delete", store: "persons", id: person.id });
      }
    }
  }
  for (const tenant of draft.newTenants) {
    const values = pick(tenant.values, TENANT_FIELDS);
    const place = { householdId: null, roomId: room.id };
    changes.push(newPersonChange(visitId, values, place, newId, tenant.id).change);
    localUpdates.push({ op: "put", store: "persons", row: personRow(tenant.id, gridId, values, place) });
    const link = {
      rentalId: tenant.rentalId,
      personId: tenant.id,
      moveInDate: tenant.values.moveInDate ?? null,
    };
    changes.push(newRowChange(visitId, "rental_tenant", tenant.linkId, link, newId));
    localUpdates.push({
      op: "put",
      store: "rentalTenants",
      row: {
        ...emptyRow("rentalTenants"),
        ...link,
        id: tenant.linkId,
        gridId,
        version: 0,
        pending: true,
      } as Row,
    });
  }

  // Units: corrected, or closed (歇业/停业 keep the row; 注销 ends it).
  for (const unit of data.units) {
    const action = draft.units[unit.id];
    const boundValues = bound.get(unit.id);
    if ((!action || action.kind === "confirm") && !boundValues) continue;
    const observed: Record<string, unknown> =
      action?.kind === "closed"
        ? { status: action.status }
        : { ...(action?.kind === "correct" ? pick(action.values, UNIT_FIELDS) : {}), ...boundValues };
    const diffs = diffFields(unit, observed, UNIT_FIELDS);
    if (diffs.length > 0) changes.push(...fieldChanges(visitId, "unit", unit, diffs, newId));
    if (action?.kind === "closed" && action.status === "4") {
      changes.push(...endChanges(visitId, "unit", unit, { code: "closed" }, visitDate, newId));
      localUpdates.push({ op: "delete", store: "units", id: unit.id });
    } else if (diffs.length > 0) {
      localUpdates.push({
        op: "patch",
        store: "units",
        id: unit.id,
        values: Object.fromEntries(diffs.map((d) => [d.field, d.observedValue])),
      });
    }
  }

  carryReturned(data, draft, changes, visitId, newId);

  // The door's claims answered: a confirmed one brings the corrections it implies (domain/claims.ts).
  const claims: NonNullable<VisitInput["claims"]> = [];
  for (const target of data.targets ?? []) {
    const answered = draft.claims?.[target.id];
    if (!answered) continue;
    claims.push({
      targetId: target.id,
      answer: answered.answer,
      found: answered.answer === "refuted" ? answered.found.trim() || null : null,
    });
    if (answered.answer !== "confirmed") continue;
    const subjectKind = target.subjectKind as TargetSubject;
    const subject =
      subjectKind === "unit"
        ? data.units.find((unit) => unit.id === target.subjectId)
        : roomPerson(data, target.subjectId as string);
    const implied = claimChanges(
      visitId,
      { subjectId: target.subjectId as string, roomId: room.id, gridId, subjectKind },
      target.claim as TargetClaim,
      subject && !subject.endedAt ? (subject as ClaimSubject) : null,
      visitDate,
      newId,
    );
    // What the officer already recorded on the row (a unit closed on its own card) is not sent twice.
    const recorded = new Set(changes.map((c) => `${c.entity}|${c.entityId}|${c.field}`));
    changes.push(...implied.filter((c) => !recorded.has(`${c.entity}|${c.entityId}|${c.field}`)));
  }

  const outcome = draft.outcome ?? "";
  const subject = visitSubject(data, draft);
  const { attempt, withoutContact }: CallNumber = nextCall(
    data.visits as unknown as { id: string; outcome: string; visitedAt: string }[],
    outcome || null,
    options.now,
  );
  const note = draft.note.trim();
  const visit: VisitInput = {
    id: visitId,
    campaignId: data.campaignId,
    gridId,
    roomId: room.id,
    subjectType: subject.type,
    subjectId: subject.id,
    outcome: outcome as VisitInput["outcome"],
    attempt,
    revisitDue: outcome ? revisitDueFor(outcome, options.now) : null,
    visitedAt: options.now.toISOString(),
    lat: draft.position?.lat ?? null,
    lng: draft.position?.lng ?? null,
    accuracyM: draft.position?.accuracyM ?? null,
    note: note === "" ? null : note,
    photoSha256: draft.photoSha256 ?? null,
    // As typed: the room checks and cleans them against the definition before it saves (the
    // questionnaire code is its own chunk, kept out of this module the room loads at once).
    ...(questionnaireAsked(data, draft.outcome) && data.questionnaire
      ? { answers: { ...(draft.answers ?? {}) }, questionnaireVersion: data.questionnaire.version }
      : { answers: null, questionnaireVersion: null }),
    ...(claims.length > 0 ? { claims } : {}),
  };
  return { visit, changes, localUpdates, attempt, withoutContact };
}

/**
 * The room as the draft sees it: a draft with typed answers begun in an older version the phone still
 * keeps is answered (and saved) in that version, with the version in force offered as `newer`. Any
 * other draft follows the version in force.
 */
export function questionnaireOfDraft(
  data: RoomData,
  draft: Pick<RoomDraft, "questionnaireVersion" | "answersEdited">,
): { data: RoomData; newer: HeldQuestionnaire | null } {
  const inForce = data.questionnaire;
  const version = draft.questionnaireVersion;
  if (!inForce || !draft.answersEdited || version === undefined || version === inForce.version)
    return { data, newer: null };
  const begun = data.olderQuestionnaires?.find((q) => q.version === version);
  if (!begun) return { data, newer: null };
  return { data: { ...data, questionnaire: begun }, newer: inForce };
}

/**
 * Whether the visit carries the campaign questionnaire: the campaign has one and the outcome says
 * someone answered the door (no outcome yet: the officer is still asking it).
 */
export function questionnaireAsked(data: RoomData, outcome: string | null): boolean {
  return !!data.questionnaire && (outcome === null || outcomeAnswersQuestionnaire(outcome));
}

// -- questions bound to the register ---------------------------------------------------------------

/**
 * Whose register row each kind of binding reads in this visit: the visit's subject (visitSubject)
 * and the room. A person binding reads the head of the subject household (householdHead): the
 * questionnaire is answered once per visit, and the visit is about a household, not a person. A
 * binding with no row here (person.* at a rental or a unit, household.* when the visit is about no
 * single household) is asked as a plain question: no prefill, no correction.
 */
export function boundRows(data: RoomData, draft: RoomDraft): Partial<Record<BindEntity, Row>> {
  const subject = visitSubject(data, draft);
  const rows: Partial<Record<BindEntity, Row>> = { room: data.room };
  if (subject.type === "household") {
    const household = data.households.find((h) => h.id === subject.id);
    if (household) {
      rows.household = household;
      const head = householdHead(data.members[household.id] ?? []);
      if (head) rows.person = head;
    }
  } else if (subject.type === "rental") {
    rows.rental = data.rentals.find((r) => r.id === subject.id);
  } else if (subject.type === "unit") {
    rows.unit = data.units.find((u) => u.id === subject.id);
  }
  return rows;
}

/** 户主 (relation 02), else 本人 (01), else the only member; none when that says nobody. */
export function householdHead(members: readonly Row[]): Row | undefined {
  return (
    members.find((m) => m.relation === "02") ??
    members.find((m) => m.relation === "01") ??
    (members.length === 1 ? members[0] : undefined)
  );
}

/** The definition's bound questions (groups opened; the reader refuses bindings inside repeats). */
function boundQuestions(items: readonly Item[]): (Question & { bind: Binding })[] {
  return items.flatMap((item) =>
    item.kind === "group"
      ? boundQuestions(item.children)
      : item.kind === "question" && item.bind
        ? [item as Question & { bind: Binding }]
        : [],
  );
}

const listOf = (def: QuestionnaireDefinition, q: Question) =>
  def.lists.find((l) => l.name === q.list)?.choices;

/** The bound questions' first answers: the register values of the rows they read (EvalContext.bound). */
export function boundPrefill(data: RoomData, draft: RoomDraft): Record<string, string | undefined> {
  const def = data.questionnaire?.definition;
  if (!def) return {};
  const rows = boundRows(data, draft);
  const out: Record<string, string | undefined> = {};
  for (const q of boundQuestions(def.survey)) {
    const row = rows[q.bind.entity];
    if (row) out[q.name] = answerOfRegister(q.bind, q.type, listOf(def, q), row[q.bind.field]);
  }
  return out;
}

/**
 * The bound answers that differ from the row the phone holds, as observed values by row id. An answer
 * equal to it is a confirmation and leaves the room form's own correction of that field, if any, in
 * force; a blank one says nothing (registerOfAnswer). Answers of a visit that carries none (nobody
 * met) make no correction.
 */
function boundObserved(data: RoomData, draft: RoomDraft): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const def = data.questionnaire?.definition;
  if (!def || !draft.answers || !questionnaireAsked(data, draft.outcome)) return out;
  const rows = boundRows(data, draft);
  for (const q of boundQuestions(def.survey)) {
    const row = rows[q.bind.entity];
    if (!row) continue;
    const answer = draft.answers[q.name];
    const value = registerOfAnswer(q.bind, q.type, typeof answer === "string" ? answer : undefined);
    if (value === undefined || sameValue(row[q.bind.field], value)) continue;
    out.set(row.id, { ...(out.get(row.id) ?? {}), [q.bind.field]: value });
  }
  return out;
}

/** The visit subject's row as the phone holds it, for the questionnaire's ${register.…}. */
export function subjectRow(
  data: RoomData,
  subject: { type: SubjectType; id: string | null },
): Row | undefined {
  if (subject.type === "room") return data.room;
  const rows =
    subject.type === "household" ? data.households : subject.type === "rental" ? data.rentals : data.units;
  return rows.find((row) => row.id === subject.id);
}

/**
 * Whether the room screen still holds the row with this id (ids are UUIDs, so one list serves every
 * kind of row; false once the phone dropped it).
 */
function holdsRow(data: RoomData, id: string): boolean {
  const all: Row[] = [
    data.room,
    ...data.households,
    ...Object.values(data.members).flat(),
    ...data.rentals,
    ...Object.values(data.tenants).flatMap((links) =>
      links.flatMap((l) => (l.person ? [l.link, l.person] : [l.link])),
    ),
    ...data.units,
  ];
  return all.some((row) => row.id === id);
}

/** The value the officer sets again in this visit for a field of a returned correction, if any. */
function correctedAgain(draft: RoomDraft, old: Change): unknown {
  const values: Record<string, unknown> | undefined =
    old.entity === "person"
      ? (() => {
          const action = draft.members[old.entityId];
          return action?.kind === "correct" ? (action.values as Record<string, unknown>) : undefined;
        })()
      : old.entity === "household"
        ? draft.households[old.entityId]
        : old.entity === "room"
          ? draft.room
          : undefined;
  return values && old.field in values ? normaliseValue(values[old.field]) : undefined;
}

/**
 * A returned visit's corrections never reached the register: a diff against the phone's rows finds
 * nothing to send (they hold the officer's value, or, once a pull brought the register's row again,
 * the register's), which would say "没有更正" while the visit carries corrections. Each one goes
 * again, measured against the register value the officer first saw, with the value the officer
 * found, unless they correct the field again in this visit: then their new value goes (and a field
 * set back to the register's value is dropped). New rows the phone still holds are added again.
 */
function carryReturned(
  data: RoomData,
  draft: RoomDraft,
  changes: Change[],
  visitId: string,
  newId: NewId,
): void {
  const returned = data.returnedChanges ?? [];
  if (returned.length === 0) return;
  const made = new Map(changes.map((c) => [`${c.entity}:${c.entityId}:${c.field}`, c]));
  for (const old of returned) {
    const key = `${old.entity}:${old.entityId}:${old.field}`;
    const again = made.get(key);
    if (again) {
      if (old.field === "*") continue;
      // The register never took the returned value: what the officer saw there is still the base,
      // and a field set back to it is no correction at all.
      again.registerValue = old.registerValue;
      if (sameValue(again.observedValue, old.registerValue)) changes.splice(changes.indexOf(again), 1);
      continue;
    }
    if (old.field === "*") {
      if (holdsRow(data, old.entityId)) changes.push({ ...old, id: newId(), visitId });
      continue;
    }
    const corrected = correctedAgain(draft, old);
    if (corrected !== undefined && sameValue(corrected, old.registerValue)) continue;
    changes.push({ ...old, id: newId(), visitId, observedValue: corrected ?? old.observedValue });
  }
}

/** Message keys of what stops the save, in the order the officer should fix them. */
export function recordProblems(draft: RoomDraft, record: BuiltRecord): string[] {
  const problems: string[] = [];
  if (draft.open) problems.push("visit.error.openForm");
  if (!draft.outcome) problems.push("visit.error.outcome");
  else if (record.changes.length > 0 && draft.outcome === "verified") {
    problems.push("visit.error.verifiedWithChanges");
  } else if (record.changes.length > 0 && needsRevisit(draft.outcome)) {
    problems.push("visit.error.noContactWithChanges");
  }
  if (draft.newHouseholds.some((h) => !draft.newMembers.some((m) => m.householdId === h.id))) {
    problems.push("visit.error.emptyHousehold");
  }
  return problems;
}

/** The outcome the officer's edits point to, offered when none is picked yet. */
export function suggestOutcome(draft: RoomDraft): string | null {
  const memberActions = Object.values(draft.members).map((a) => a.kind);
  const kinds = new Set<string>();
  for (const kind of memberActions) if (kind !== "confirm") kinds.add(kind === "correct" ? "changed" : kind);
  if (draft.newHouseholds.length > 0) kinds.add("new_household");
  else if (draft.newMembers.length > 0 || draft.newTenants.length > 0) kinds.add("new_person");
  for (const action of Object.values(draft.rentals)) {
    if (action.kind === "ended") kinds.add("rental_ended");
    else if (action.kind === "correct") kinds.add("changed");
  }
  if (
    Object.keys(draft.endedTenancies).length > 0 ||
    Object.keys(draft.occupants).length > 0 ||
    Object.keys(draft.households).length > 0 ||
    Object.keys(draft.room).length > 0
  ) {
    kinds.add("changed");
  }
  for (const action of Object.values(draft.units)) {
    if (action.kind === "closed") kinds.add("unit_closed");
    else if (action.kind === "correct") kinds.add("changed");
  }
  if (kinds.size === 1) return [...kinds][0];
  if (kinds.size > 1) return "changed";
  if (
    memberActions.length > 0 ||
    Object.keys(draft.rentals).length > 0 ||
    Object.keys(draft.units).length > 0
  ) {
    return "verified";
  }
  return null;
}
