import "server-only";

export { insertChunked } from "./bulk";

import { createHash } from "node:crypto";
import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { z } from "zod";
import type { Db } from "@/db/client";
import {
  assignments,
  attachments,
  campaigns,
  campaignTargets,
  changes,
  deviceGrids,
  devices,
  mutationLedger,
  persons,
  targetAssignments,
  visitAttachments,
  visits,
} from "@/db/schema";
import { MOVE_IN_FIELDS } from "@/domain/claims";
import {
  DEFAULT_LOCALE,
  type Locale,
  type MessageKey,
  type MessageParams,
  type Translate,
} from "@/domain/i18n";
import { issueMessage } from "@/domain/i18n/issues";
import { JSON_VALUE_MAX_DEPTH, jsonValueProblem } from "@/domain/json-value";
import { maskFieldValue } from "@/domain/mask";
import { canonicalJson, mergeField, sameValue } from "@/domain/merge";
import { isPhotoHash } from "@/domain/photo";
import type {
  ConflictField,
  DeviceHealth,
  Mutation,
  MutationResult,
  PushResponse,
  PushResult,
  ResolveMutation,
  VisitMutation,
} from "@/domain/push";
import {
  type Answers,
  answerPhotos,
  type BindEntity,
  bindingText,
  cleanForm,
  errorText,
  evaluateForm,
  type QuestionnaireDefinition,
  registerOfAnswer,
  registerOfSubject,
  textIn,
  validateForm,
  walkItems,
} from "@/domain/questionnaire";
import { householdSchema } from "@/domain/schemas/household";
import { normaliseCitizenId, personObject, personSchema, personShape } from "@/domain/schemas/person";
import { roomSchema } from "@/domain/schemas/place";
import { rentalSchema } from "@/domain/schemas/rental";
import { tenantObject } from "@/domain/schemas/tenant";
import { unitSchema } from "@/domain/schemas/unit";
import { changeSchema, visitSchema } from "@/domain/schemas/visit";
import { type Change, type ChangeEntity, END_CODES, type Visit } from "@/domain/visit";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { insertChunked, updateFromRecordset } from "./bulk";
import { publishedDefinitions } from "./questionnaires";
import {
  columnForm,
  ENTITY_ORDER,
  IDENTITY_FIELDS,
  identitySchema,
  keyOf,
  lockRegisterRows,
  type Row,
  TABLES,
  toColumn,
  wireValue,
} from "./register-values";
import { holdsNow, writableGrids } from "./scope";
import { namedSetters, registerSetters, type SetterSource } from "./setters";

/**
 * `sync.push`: a batch of the phone's outbox, taken in order, exactly once.
 *
 * The register holds reviewed data: a visit's corrections and new rows are stored as *pending*
 * change rows, judged field by field against the register as the earlier pending corrections leave
 * it (so an officer's second visit builds on their first), and written into the register only when
 * a supervisor approves the visit (see approve.ts). Settling a conflict (`resolve`) is itself a
 * decision, so it writes the register at once.
 *
 * The whole batch runs in one transaction: every register row it names is read once and locked
 * (`for update`, in one fixed order, so two phones cannot deadlock), each mutation is judged and
 * merged in memory against what the earlier mutations of the batch left, and the result is written
 * in a few bulk statements together with the ledger rows. A rejected mutation writes nothing and is
 * not kept in the ledger, so the same entry can be sent again once its cause is cleared. If a write
 * trips a constraint nobody foresaw, the batch is replayed one mutation per transaction so only the
 * guilty one is rejected.
 */

type FieldRules = Record<string, z.ZodType>;

/** A target a pushed visit answers a claim of. */
interface PushTarget {
  campaignId: string;
  roomId: string;
  subjectKind: string;
  subjectId: string;
  claimKind: string | null;
}

function rulesFor(entity: ChangeEntity, shape: FieldRules): FieldRules {
  const columns = getTableColumns(TABLES[entity]) as Record<string, PgColumn>;
  return Object.fromEntries(Object.entries(shape).filter(([field]) => Object.hasOwn(columns, field)));
}

/** The register columns an officer may correct, each with its validator from domain/. */
const FIELD_RULES: Record<ChangeEntity, FieldRules> = {
  room: rulesFor("room", { use: roomSchema.shape.use }),
  household: rulesFor("household", {
    kind: householdSchema.shape.kind,
    lowIncome: householdSchema.shape.lowIncome,
    fiveGuarantee: householdSchema.shape.fiveGuarantee,
  }),
  person: rulesFor("person", personShape),
  unit: rulesFor("unit", unitSchema.shape),
  rental: rulesFor("rental", rentalSchema.shape),
  rental_tenant: { moveInDate: tenantObject.shape.moveInDate },
};

// ---------------------------------------------------------------------------------------------
// Judging one mutation

class Rejection extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params?: MessageParams,
    readonly field?: string,
  ) {
    super(key);
  }
}

const notFound = () => new Rejection("errors.notFound");

function rejectIssues(error: { issues: z.core.$ZodIssue[] }, prefix?: string): Rejection {
  const issue = error.issues[0];
  const { key, params } = issueMessage(issue);
  const path = issue.path.map(String).join(".");
  return new Rejection(key, params, prefix ? `${prefix}${path ? `.${path}` : ""}` : path || undefined);
}

export function payloadHash(mutation: Mutation): string {
  return createHash("sha256")
    .update(canonicalJson({ kind: mutation.kind, payload: mutation.payload }))
    .digest("hex");
}

/** Everything one batch reads up front, and what its mutations change, in memory. */
interface Batch {
  user: SessionUser;
  deviceId: string;
  now: Date;
  /** Writable grids: campaign → null while assigned, or when the assignment ended (see writableGrids). */
  grids: Map<string, Map<string, Date | null>>;
  /** Rows as the batch sees them: the register, with pending corrections and new rows laid over it. */
  rows: Map<string, Row>;
  /** The register's own rows, as read (and as a settled conflict writes them). */
  register: Map<string, Row>;
  /** The corrections waiting for review on these rows, oldest first: laid over `register` to give `rows`. */
  overlays: { key: string; field: string; value: unknown; seq: number; by: string }[];
  /**
   * Who set each value of `rows` that a correction laid over or the batch wrote (`key|field` → user);
   * a value not here is the register's, whose author setters.ts finds if a conflict meets it.
   */
  setters: Map<string, string>;
  /** Conflicts judged in the batch: who set the value each met is stored with it and told in the answer. */
  conflictSetters: {
    conflict: ConflictField;
    entity: ChangeEntity;
    /** The value met, in clear (the answer's may be masked). */
    value: unknown;
    userId: string | undefined;
  }[];
  /** Pending corrections a settled conflict decided against: they leave the overlay and the review. */
  superseded: { entity: ChangeEntity; entityId: string; field: string; beforeSeq: number; value: unknown }[];
  /** Campaigns that approve plain confirmations without a reviewer. */
  autoApprove: Set<string>;
  /** When this device first pulled each grid of a campaign (`gridId|campaignId`), if it did. */
  heldSince: Map<string, Date>;
  photos: Set<string>;
  visitIdsTaken: Set<string>;
  /** Change ids already stored (by any visit), and those taken earlier in this batch. */
  changeIdsTaken: Set<string>;
  /** Persons already in the register, by `idType|idNumber`: a new member must not be one of them. */
  registeredIds: Map<string, { gridId: string; ended: boolean }>;
  conflictChanges: Map<string, typeof changes.$inferSelect>;
  // writes
  created: Set<string>;
  /** Existing rows changed by the batch, with the fields changed. */
  dirty: Map<string, Set<string>>;
  visitRows: (typeof visits.$inferInsert)[];
  changeRows: (typeof changes.$inferInsert)[];
  changeUpdates: Map<string, Partial<typeof changes.$inferInsert>>;
  attachmentRows: (typeof visitAttachments.$inferInsert)[];
  ledgerRows: (typeof mutationLedger.$inferInsert)[];
  /** Questionnaire definitions the batch's answers were given in, by `campaignId|version`. */
  questionnaires: Map<string, QuestionnaireDefinition>;
  /** Targets named by the batch's visits' claim answers: their campaign and door. */
  targets: Map<string, PushTarget>;
  /**
   * An officer's open targets at the batch's doors, by `roomId|campaignId`, each with its moves
   * (target_assignments, oldest first): whose the door was when a visit was recorded (coverAt).
   */
  doorTargets: Map<string, { officerId: string; from: Date; until: Date | null }[][]>;
  /** Grids the officer holds by assignment at all (`gridId|campaignId`), not only through cover. */
  assignedGrids: Set<string>;
  /** The caller's language, for a refused answer's question and reason (the form's own texts). */
  locale: Locale;
  translate: Translate;
}

const personKey = (person: { idType: unknown; idNumber: unknown }) => `${person.idType}|${person.idNumber}`;

/** Reads and writes of one mutation, over the batch's rows; kept only if the mutation is accepted. */
class Scratch {
  readonly rows = new Map<string, Row>();
  readonly created = new Set<string>();
  readonly touched = new Set<string>();
  constructor(private readonly batch: Batch) {}

  get(entity: ChangeEntity, id: unknown): Row | undefined {
    if (typeof id !== "string") return undefined;
    const key = keyOf(entity, id);
    return this.rows.get(key) ?? this.batch.rows.get(key);
  }

  readonly fields = new Map<string, Set<string>>();
  private readonly newIds = new Map<string, string>();

  registered(key: string) {
    const added = this.newIds.get(key);
    return added ? { gridId: added, ended: false } : this.batch.registeredIds.get(key);
  }

  register(key: string, gridId: string): void {
    this.newIds.set(key, gridId);
  }

  /** Sets a field on this mutation's copy of the row, and remembers which field it was. */
  set(entity: ChangeEntity, id: string, field: string, value: unknown): void {
    const key = keyOf(entity, id);
    let row = this.rows.get(key);
    if (!row) {
      const base = this.batch.rows.get(key);
      if (!base) throw notFound();
      row = { ...base };
      this.rows.set(key, row);
    }
    row[field] = value;
    this.touched.add(key);
    const fields = this.fields.get(key) ?? new Set<string>();
    fields.add(field);
    this.fields.set(key, fields);
  }

  create(entity: ChangeEntity, row: Row): void {
    const key = keyOf(entity, row.id);
    this.rows.set(key, row);
    this.created.add(key);
  }

  /**
   * Keeps this mutation's reads and writes for the rest of the batch. `pending`: they are a visit's
   * corrections, laid over the register for the mutations after it but not written to it.
   */
  commit(mode: "write" | "pending" = "write"): Record<string, number> {
    const versions: Record<string, number> = {};
    if (mode === "pending") {
      for (const [key, row] of this.rows)
        if (this.touched.has(key) || this.created.has(key)) this.batch.rows.set(key, row);
      for (const [key, fields] of this.fields)
        for (const field of fields) this.batch.setters.set(`${key}|${field}`, this.batch.user.id);
      for (const [key, gridId] of this.newIds) this.batch.registeredIds.set(key, { gridId, ended: false });
      return versions;
    }
    for (const key of this.touched) {
      const row = this.rows.get(key) as Row;
      if (!this.created.has(key)) {
        row.version += 1;
        row.updatedAt = this.batch.now;
      }
    }
    for (const [key, row] of this.rows) {
      if (!this.touched.has(key) && !this.created.has(key)) continue;
      this.batch.rows.set(key, row);
      if (this.created.has(key)) this.batch.created.add(key);
      else {
        const dirty = this.batch.dirty.get(key) ?? new Set<string>();
        for (const field of this.fields.get(key) ?? []) dirty.add(field);
        this.batch.dirty.set(key, dirty);
        // Written to the register; what the batch judges against stays the register with the
        // corrections still waiting laid over it, as the next batch will read it.
        const held = this.batch.register.get(key);
        if (held) {
          for (const field of this.fields.get(key) ?? []) held[field] = row[field];
          held.version = row.version;
          held.updatedAt = row.updatedAt;
          for (const overlay of this.batch.overlays)
            if (overlay.key === key && this.fields.get(key)?.has(overlay.field))
              row[overlay.field] = overlay.value;
        }
        for (const field of this.fields.get(key) ?? []) setterAfterWrite(this.batch, key, field);
      }
      versions[row.id] = row.version;
    }
    for (const [key, gridId] of this.newIds) this.batch.registeredIds.set(key, { gridId, ended: false });
    return versions;
  }
}

/**
 * Who set a field the batch just wrote to the register, as the batch sees it: the newest correction
 * still laid over it, else the writer (the batch's user).
 */
function setterAfterWrite(batch: Batch, key: string, field: string): void {
  let by = batch.user.id;
  for (const overlay of batch.overlays) if (overlay.key === key && overlay.field === field) by = overlay.by;
  batch.setters.set(`${key}|${field}`, by);
}

/**
 * Checks a value an officer set against the field's rule from domain/, and returns it in the form the
 * register keeps (a phone without spaces, an ID number with an upper-case X…).
 */
function validateField(entity: ChangeEntity, field: string, value: unknown): unknown {
  if (field === "endedAt") {
    if (value !== null && (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value))) {
      throw new Rejection("validation.date.format", undefined, field);
    }
    return value;
  }
  if (field === "endReason") {
    const code = columnForm(field, value);
    if (code !== null && !END_CODES.includes(code as never)) {
      throw new Rejection("validation.invalidValue", undefined, field);
    }
    return value;
  }
  // Own properties only: a field named "constructor" or "toString" is not a rule.
  const rule = Object.hasOwn(FIELD_RULES[entity], field) ? FIELD_RULES[entity][field] : undefined;
  if (!rule) throw new Rejection("validation.visit.field", undefined, field);
  const parsed = rule.safeParse(value === null ? undefined : value);
  if (parsed.success) return parsed.data ?? null;
  if (value === null && rule.safeParse(null).success) return null;
  throw rejectIssues(parsed.error, field);
}

/**
 * A person's room or household, which no form changes: only a move-in the visit confirms at this door
 * (domain/claims.ts movedInChanges), of the target's own person, to this room and out of any household.
 * Anything else is refused as a field the officer may not correct.
 */
function movedInValue(batch: Batch, visit: Visit, change: Change): unknown {
  const licensed = (visit.claims ?? []).some((answer) => {
    const target = batch.targets.get(answer.targetId);
    return (
      answer.answer === "confirmed" &&
      target?.claimKind === "move_in" &&
      target.subjectKind === "person" &&
      target.subjectId === change.entityId &&
      target.roomId === visit.roomId
    );
  });
  const expected = change.field === "roomId" ? visit.roomId : null;
  if (!licensed || change.observedValue !== expected)
    throw new Rejection("validation.visit.field", undefined, change.field);
  return expected;
}

function createRow(scratch: Scratch, visit: Visit, change: Change, now: Date): void {
  const observed = change.observedValue;
  if (!observed || typeof observed !== "object")
    throw new Rejection("validation.visit.field", undefined, "*");
  if (scratch.get(change.entity, change.entityId) || scratch.get("person", change.entityId)) {
    throw new Rejection("sync.idReused");
  }
  const values = observed as Record<string, unknown>;
  const base = {
    id: change.entityId,
    gridId: visit.gridId,
    version: 1,
    source: "field",
    createdAt: now,
    updatedAt: now,
    endedAt: null,
    endReason: null,
  };
  const inGrid = (row: Row | undefined) => row && row.gridId === visit.gridId && !row.endedAt;

  switch (change.entity) {
    case "household": {
      if (values.roomId !== visit.roomId) throw notFound();
      const parsed = householdSchema.pick({ householdNo: true, kind: true }).safeParse(values);
      if (!parsed.success) throw rejectIssues(parsed.error);
      // Households found in the field have no number yet; one derived from the id keeps it unique.
      const householdNo =
        parsed.data.householdNo ?? `F${change.entityId.replace(/-/g, "").slice(0, 15).toUpperCase()}`;
      scratch.create("household", {
        ...base,
        roomId: visit.roomId,
        householdNo,
        kind: parsed.data.kind,
        lowIncome: false,
        fiveGuarantee: false,
      });
      return;
    }
    case "person": {
      const householdId = (values.householdId as string | null | undefined) ?? null;
      const roomId = (values.roomId as string | null | undefined) ?? null;
      if (householdId !== null && !inGrid(scratch.get("household", householdId))) throw notFound();
      if (roomId !== null && !inGrid(scratch.get("room", roomId))) throw notFound();
      if (householdId === null && roomId === null) throw notFound();
      const fields = Object.fromEntries(
        Object.entries(values).filter(([field]) => Object.hasOwn(FIELD_RULES.person, field)),
      );
      const parsed = personSchema.safeParse(fields);
      if (!parsed.success) throw rejectIssues(parsed.error);
      // A person is in the register once (unique by document). Adding them again would trip the
      // database's unique index and, before, refuse the whole batch: say where they are instead.
      const registered = scratch.registered(personKey(parsed.data));
      if (registered) {
        throw new Rejection(
          registered.ended
            ? "sync.personRegistered.ended"
            : registered.gridId === visit.gridId
              ? "sync.personRegistered.here"
              : "sync.personRegistered.elsewhere",
          undefined,
          "idNumber",
        );
      }
      scratch.create("person", { ...base, ...parsed.data, householdId, roomId });
      scratch.register(personKey(parsed.data), visit.gridId);
      return;
    }
    case "rental_tenant": {
      const rental = scratch.get("rental", values.rentalId);
      const person = scratch.get("person", values.personId);
      if (!inGrid(rental) || !inGrid(person)) throw notFound();
      const parsed = tenantObject.pick({ moveInDate: true }).safeParse(values);
      if (!parsed.success) throw rejectIssues(parsed.error);
      scratch.create("rental_tenant", {
        ...base,
        rentalId: (rental as Row).id,
        personId: (person as Row).id,
        moveInDate: parsed.data.moveInDate ?? null,
      });
      return;
    }
    default:
      throw new Rejection("validation.visit.field", undefined, "*");
  }
}

function checkIdentity(row: Row): void {
  const parsed = identitySchema.safeParse(row);
  if (!parsed.success) throw rejectIssues(parsed.error);
}

/**
 * The server's value as a conflict answer carries it. An officer holds their grid unmasked on the
 * phone (they compare documents at the door, and settle the conflict with this value), so they get
 * it in clear and the answer is audited as a reveal; anyone else gets it masked as their screens show
 * it: a push with an invented "seen" value must not read the register.
 */
function answered(batch: Batch, field: string, value: unknown): unknown {
  return batch.user.role === "officer" ? value : maskFieldValue(field, value);
}

/**
 * Whether the door was the officer's when the visit was recorded, where targets were moved (issue 17,
 * cover): in a grid they hold only through cover, a target at the door must have been theirs then; in
 * a grid they hold, not every target at the door may have been moved to someone else by then. So work
 * recorded before a move goes in from either phone, and work recorded after it only from the phone of
 * the officer the targets were moved to. Supervisors and administrators write anywhere in their area.
 */
function coverAt(batch: Batch, gridId: string, roomId: string, campaignId: string, at: Date): void {
  if (batch.user.role !== "officer") return;
  const targets = batch.doorTargets.get(`${roomId}|${campaignId}`) ?? [];
  const whoseAt = (moves: { officerId: string; from: Date; until: Date | null }[]) =>
    moves.find((move) => move.from <= at && (move.until === null || at < move.until))?.officerId ?? null;
  const officers = targets.map(whoseAt);
  if (batch.assignedGrids.has(`${gridId}|${campaignId}`)) {
    // Not moved at the time (null): the grid's, so the officer's.
    if (officers.length > 0 && officers.every((officer) => officer !== null && officer !== batch.user.id))
      throw new Rejection("sync.targetMoved");
  } else if (!officers.includes(batch.user.id)) {
    // A door whose targets were the officer's before a move back: moved; any other: not theirs.
    const wasMine = targets.some((moves) => moves.some((move) => move.officerId === batch.user.id));
    throw wasMine ? new Rejection("sync.targetMoved") : notFound();
  }
}

function judgeVisit(batch: Batch, mutation: VisitMutation): MutationResult {
  // A visit is flat but for its questionnaire answers, whose repeats nest rows (judged on their own).
  // Its claim answers are a list of flat objects.
  const {
    answers: rawAnswers,
    claims: rawClaims,
    ...flat
  } = mutation.payload.visit as Record<string, unknown>;
  const visitProblem =
    jsonValueProblem(flat, 2) ??
    jsonValueProblem(rawAnswers ?? null) ??
    jsonValueProblem(rawClaims ?? null, 3);
  if (visitProblem) throw new Rejection(visitProblem, undefined, "visit");
  const visitParsed = visitSchema.safeParse(mutation.payload.visit);
  if (!visitParsed.success) throw rejectIssues(visitParsed.error, "visit");
  const visit = visitParsed.data;
  if (visit.id !== mutation.id || batch.visitIdsTaken.has(visit.id)) throw new Rejection("sync.idReused");

  const campaigns = batch.grids.get(visit.gridId);
  if (!campaigns) throw notFound();
  const campaignId = visit.campaignId ?? (campaigns.size === 1 ? [...campaigns.keys()][0] : null);
  if (!campaignId || !campaigns.has(campaignId)) throw new Rejection("sync.campaignClosed");
  // A grid reassigned since: what was recorded before goes in, anything after was not the officer's.
  const endedAt = campaigns.get(campaignId);
  // An officer's grid held only through targets moved to them ends when the targets are moved away.
  const ended =
    batch.user.role === "officer" && !batch.assignedGrids.has(`${visit.gridId}|${campaignId}`)
      ? "sync.targetMoved"
      : "sync.gridReassigned";
  if (endedAt && new Date(visit.visitedAt) >= endedAt) throw new Rejection(ended);
  // A late visit counts only from a device that held the grid before the end: the time on a visit is
  // the phone's word, and any other device could stamp one "before".
  if (endedAt) {
    const held = batch.heldSince.get(`${visit.gridId}|${campaignId}`);
    if (!held || held >= endedAt) throw new Rejection(ended);
  }

  const scratch = new Scratch(batch);
  const room = scratch.get("room", visit.roomId);
  if (!room || room.gridId !== visit.gridId) throw notFound();
  coverAt(batch, visit.gridId, visit.roomId, campaignId, new Date(visit.visitedAt));
  if (visit.photoSha256 && !batch.photos.has(visit.photoSha256)) throw new Rejection("sync.photoMissing");

  const parsedChanges: Change[] = [];
  for (const [index, raw] of mutation.payload.changes.entries()) {
    const parsed = changeSchema.safeParse(raw);
    if (!parsed.success) throw rejectIssues(parsed.error, `changes.${index}`);
    if (parsed.data.visitId !== visit.id) throw new Rejection("sync.idReused");
    if (batch.changeIdsTaken.has(parsed.data.id) || parsedChanges.some((c) => c.id === parsed.data.id))
      throw new Rejection("sync.idReused");
    parsedChanges.push(parsed.data);
  }
  // New rows first, parents before children, so a member can name the household added beside it.
  const rank = (change: Change) =>
    change.field === "*" ? ENTITY_ORDER.indexOf(change.entity) : ENTITY_ORDER.length;
  const ordered = parsedChanges.map((change, index) => ({ change, index }));
  ordered.sort((a, b) => rank(a.change) - rank(b.change) || a.index - b.index);

  const statuses = new Map<
    string,
    { status: "pending" | "unchanged" | "conflict"; serverValue?: unknown; observedValue?: unknown }
  >();
  const conflicts: ConflictField[] = [];
  const setters: Batch["conflictSetters"] = [];
  const identityTouched = new Set<string>();
  for (const { change } of ordered) {
    if (change.field === "*") {
      createRow(scratch, visit, change, batch.now);
      // Kept as the register will take it at approval: validated, normalised, with its place.
      const {
        id: _id,
        gridId: _grid,
        version: _v,
        source: _s,
        createdAt: _c,
        updatedAt: _u,
        ...values
      } = scratch.get(change.entity, change.entityId) as Row;
      statuses.set(change.id, {
        status: "pending",
        observedValue: { ...values, endedAt: null, endReason: null },
      });
      continue;
    }
    const current = scratch.get(change.entity, change.entityId);
    if (!current || current.gridId !== visit.gridId) throw notFound();
    const observed =
      change.entity === "person" && MOVE_IN_FIELDS.includes(change.field)
        ? movedInValue(batch, visit, change)
        : validateField(change.entity, change.field, change.observedValue);
    const serverValue = wireValue(current, change.field);
    const decision = mergeField(
      serverValue,
      columnForm(change.field, change.registerValue),
      columnForm(change.field, observed),
    );
    if (decision === "apply") {
      scratch.set(change.entity, change.entityId, change.field, toColumn(change.field, observed));
      if (change.entity === "person" && IDENTITY_FIELDS.has(change.field))
        identityTouched.add(change.entityId);
    }
    if (decision === "conflict") {
      const conflict: ConflictField = {
        changeId: change.id,
        entity: change.entity,
        entityId: change.entityId,
        field: change.field,
        registerValue: change.registerValue,
        serverValue: answered(batch, change.field, serverValue),
        observedValue: change.observedValue,
      };
      conflicts.push(conflict);
      setters.push({
        conflict,
        entity: change.entity,
        value: serverValue,
        userId: batch.setters.get(`${keyOf(change.entity, change.entityId)}|${change.field}`),
      });
    }
    statuses.set(
      change.id,
      decision === "apply"
        ? // The value in the register's form (as its rule writes it), and what the register itself
          // held at the push: approval applies the change while it still does.
          {
            observedValue: observed,
            status: "pending",
            serverValue: wireValue(
              batch.register.get(keyOf(change.entity, change.entityId)) ?? {},
              change.field,
            ),
          }
        : { status: decision, serverValue },
    );
  }
  for (const personId of identityTouched) checkIdentity(scratch.get("person", personId) as Row);

  if (visit.subjectId) {
    const subjectEntity: ChangeEntity | null =
      visit.subjectType === "household"
        ? "household"
        : visit.subjectType === "unit"
          ? "unit"
          : visit.subjectType === "rental"
            ? "rental"
            : null;
    const subject = subjectEntity ? scratch.get(subjectEntity, visit.subjectId) : undefined;
    if (!subject || subject.roomId !== visit.roomId) throw notFound();
  }

  const judged = judgeAnswers(batch, visit, campaignId, parsedChanges);
  const answers = judged?.answers ?? null;
  // The photos its image questions name come before the visit, as its door-plate photo does.
  const imagePhotos = (judged?.photos ?? []).filter((sha) => sha !== visit.photoSha256);
  if (imagePhotos.some((sha) => !batch.photos.has(sha))) throw new Rejection("sync.photoMissing");
  // A claim answered is one of this campaign's targets at this door, answered once.
  const claims = visit.claims && visit.claims.length > 0 ? visit.claims : null;
  for (const [i, claim] of (claims ?? []).entries()) {
    const target = batch.targets.get(claim.targetId);
    if (!target || target.campaignId !== campaignId || target.roomId !== visit.roomId) throw notFound();
    if (claims?.findIndex((c) => c.targetId === claim.targetId) !== i)
      throw new Rejection("validation.visit.claimTwice", undefined, "visit.claims");
  }

  // Accepted: from here on nothing can refuse it.
  batch.conflictSetters.push(...setters);
  const versions = scratch.commit("pending");
  // A plain confirmation in a campaign that trusts them needs no reviewer.
  const autoApproved =
    batch.autoApprove.has(campaignId) && visit.outcome === "verified" && parsedChanges.length === 0;
  batch.visitIdsTaken.add(visit.id);
  for (const change of parsedChanges)
    if (change.field !== "*" && statuses.get(change.id)?.status === "pending") {
      const key = keyOf(change.entity, change.entityId);
      // Newer than anything stored: a conflict settled later in the batch never supersedes it.
      batch.overlays.push({
        key,
        field: change.field,
        value: batch.rows.get(key)?.[change.field],
        seq: Number.MAX_SAFE_INTEGER,
        by: batch.user.id,
      });
    }
  for (const change of parsedChanges) batch.changeIdsTaken.add(change.id);
  batch.visitRows.push({
    id: visit.id,
    campaignId,
    gridId: visit.gridId,
    roomId: visit.roomId,
    subjectType: visit.subjectType,
    subjectId: visit.subjectId,
    officerId: batch.user.id,
    deviceId: batch.deviceId,
    outcome: visit.outcome,
    attempt: visit.attempt,
    revisitDue: visit.revisitDue,
    visitedAt: new Date(visit.visitedAt),
    receivedAt: batch.now,
    lat: visit.lat,
    lng: visit.lng,
    accuracyM: visit.accuracyM,
    note: visit.note,
    answers,
    questionnaireVersion: answers ? (visit.questionnaireVersion ?? null) : null,
    claims,
    ...(autoApproved ? { reviewState: "approved" as const, reviewedAt: batch.now } : {}),
  });
  versions[visit.id] = 1;
  for (const change of parsedChanges) {
    const judged = statuses.get(change.id);
    batch.changeRows.push({
      id: change.id,
      visitId: visit.id,
      gridId: visit.gridId,
      entity: change.entity,
      entityId: change.entityId,
      field: change.field,
      registerValue: change.registerValue ?? null,
      observedValue:
        (judged && "observedValue" in judged ? judged.observedValue : change.observedValue) ?? null,
      status: judged?.status ?? "pending",
      serverValue: judged?.status === "unchanged" ? null : (judged?.serverValue ?? null),
      createdAt: batch.now,
    });
  }
  for (const sha256 of visit.photoSha256 ? [visit.photoSha256, ...imagePhotos] : imagePhotos)
    batch.attachmentRows.push({
      visitId: visit.id,
      sha256,
      kind: sha256 === visit.photoSha256 ? "doorplate" : "answer",
    });
  return conflicts.length > 0 ? { status: "conflict", versions, conflicts } : { status: "applied", versions };
}

/**
 * A visit's questionnaire answers, checked against the definition of the version they were given in
 * with the same code the phone ran (domain/questionnaire): ${register.…} reads the subject's row as
 * the batch sees it before this visit (the register with the corrections waiting laid over it, as the
 * phone's pull has it) and today() the visit's own time. The first failing answer refuses the visit, naming the
 * question in the caller's language; a clean set is stored cleaned (only what applies).
 */
function judgeAnswers(
  batch: Batch,
  visit: Visit,
  campaignId: string,
  changes: readonly Change[],
): { answers: Answers; photos: string[] } | null {
  if (!visit.answers) return null;
  const version = visit.questionnaireVersion as number;
  const definition = batch.questionnaires.get(`${campaignId}|${version}`);
  if (!definition)
    throw new Rejection("questionnaire.push.unknownVersion", { version }, "visit.questionnaireVersion");
  // The row as it stood before this visit's own corrections (the phone checked against the row it
  // held then): the register with the corrections of earlier visits laid over it.
  const entity: ChangeEntity = visit.subjectType === "room" ? "room" : visit.subjectType;
  const subjectId = visit.subjectType === "room" ? visit.roomId : visit.subjectId;
  const row = subjectId ? batch.rows.get(keyOf(entity, subjectId)) : undefined;
  const wire = row
    ? Object.fromEntries(Object.keys(row).map((field) => [field, wireValue(row, field)]))
    : undefined;
  const ctx = { now: new Date(visit.visitedAt), register: registerOfSubject(visit.subjectType, wire) };
  const answers = visit.answers as Answers;
  // One evaluation for the check and the keeping (validateAnswers and cleanAnswers of the same state).
  const state = evaluateForm(definition, answers, ctx);
  const [error] = validateForm(state);
  if (error) {
    let label = "";
    for (const { item } of walkItems(definition.survey))
      if (item.name === error.name) label = textIn(item.label, batch.locale);
    throw new Rejection(
      "questionnaire.push.refused",
      { question: label || error.name, reason: errorText(error, batch.locale, batch.translate) },
      `visit.answers.${error.name}`,
    );
  }
  const cleaned = cleanForm(state);
  checkBoundAnswers(batch, definition, cleaned, visit, changes);
  return { answers: cleaned, photos: answerPhotos(definition, cleaned) };
}

/**
 * A question bound to the register (`bind::register`) and the visit's change of that field must say
 * the same thing: the phone makes the change from the answer (app/field/_lib/record.ts), so a visit
 * whose answer claims a new value (one differing from the change's register value) while its change
 * observes another was not built by that code, and is refused rather than leaving the review two
 * stories. The change rows themselves are ordinary ones, judged as any. Checked where the server
 * knows the row a binding reads: the visit's subject (household, rental, unit) and its room. A person
 * binding reads the household head, which the phone chose from the members it holds; that is not
 * re-derived here (its change is judged as any other person correction).
 */
function checkBoundAnswers(
  batch: Batch,
  definition: QuestionnaireDefinition,
  answers: Answers,
  visit: Visit,
  changes: readonly Change[],
): void {
  const rowOf = (entity: BindEntity): string | null =>
    entity === "room" ? visit.roomId : entity === visit.subjectType ? visit.subjectId : null;
  for (const { item, parents } of walkItems(definition.survey)) {
    if (item.kind !== "question" || !item.bind || parents.some((p) => p.kind === "repeat")) continue;
    const bind = item.bind;
    const rowId = rowOf(bind.entity);
    const answer = answers[item.name];
    const value = registerOfAnswer(bind, item.type, typeof answer === "string" ? answer : undefined);
    if (!rowId || value === undefined) continue;
    for (const change of changes) {
      if (change.entity !== bind.entity || change.entityId !== rowId || change.field !== bind.field) continue;
      if (sameValue(value, change.registerValue) || sameValue(value, change.observedValue)) continue;
      throw new Rejection(
        "questionnaire.push.boundDisagrees",
        { question: textIn(item.label, batch.locale) || item.name, field: bindingText(bind) },
        `visit.answers.${item.name}`,
      );
    }
  }
}

function judgeResolve(batch: Batch, mutation: ResolveMutation): MutationResult {
  const { changeId, value, serverValue: seen } = mutation.payload;
  const valueProblem = jsonValueProblem(value) ?? jsonValueProblem(seen);
  if (valueProblem) throw new Rejection(valueProblem, undefined, "value");
  const change = batch.conflictChanges.get(changeId);
  if (!change || !holdsNow(batch.grids.get(change.gridId))) throw notFound();
  const pending = batch.changeUpdates.get(changeId);
  // Settled already (by someone else, or earlier in this batch): nothing left to do.
  if ((pending?.status ?? change.status) !== "conflict") return { status: "applied", versions: {} };
  const entity = change.entity as ChangeEntity;
  const scratch = new Scratch(batch);
  const current = scratch.get(entity, change.entityId);
  if (!current) throw notFound();
  // A row still waiting for its own visit's review has no register value to settle yet.
  if (!batch.register.has(keyOf(entity, change.entityId))) throw new Rejection("review.parentPending");
  const serverValue = wireValue(current, change.field);
  // A move-in's room or household is settled by keeping either side, never by a value typed in.
  const chosen =
    entity === "person" && MOVE_IN_FIELDS.includes(change.field)
      ? [change.observedValue, serverValue].find((side) => sameValue(side, value ?? null))
      : validateField(entity, change.field, value);
  if (chosen === undefined) throw new Rejection("validation.visit.field", undefined, change.field);
  const decision = mergeField(serverValue, columnForm(change.field, seen), columnForm(change.field, chosen));
  if (decision === "conflict") {
    batch.changeUpdates.set(changeId, { serverValue });
    const conflict: ConflictField = {
      changeId,
      entity,
      entityId: change.entityId,
      field: change.field,
      registerValue: change.registerValue,
      serverValue: answered(batch, change.field, serverValue),
      observedValue: value,
    };
    batch.conflictSetters.push({
      conflict,
      entity,
      value: serverValue,
      userId: batch.setters.get(`${keyOf(entity, change.entityId)}|${change.field}`),
    });
    return { status: "conflict", versions: {}, conflicts: [conflict] };
  }
  if (decision === "apply") {
    scratch.set(entity, change.entityId, change.field, toColumn(change.field, chosen));
    if (entity === "person" && IDENTITY_FIELDS.has(change.field))
      checkIdentity(scratch.get("person", change.entityId) as Row);
  }
  const versions = scratch.commit();
  if (decision === "apply")
    supersede(batch, entity, change.entityId, change.field, change.seq, value ?? null);
  batch.changeUpdates.set(changeId, {
    status: "resolved",
    resolvedValue: value ?? null,
    resolvedBy: batch.user.id,
    resolvedAt: batch.now,
    resolvedDeviceId: batch.deviceId,
  });
  return { status: "applied", versions };
}

/**
 * Settling a conflict to a value other than the one the push judged against decides against the
 * pending corrections that made up that value (those older than the conflict): they are resolved
 * with the settled value, so phones no longer show them and their visits' approval does not bring
 * them back. Later pending corrections of the field still stand.
 */
function supersede(
  batch: Batch,
  entity: ChangeEntity,
  entityId: string,
  field: string,
  beforeSeq: number,
  value: unknown,
): void {
  const key = keyOf(entity, entityId);
  batch.overlays = batch.overlays.filter((o) => !(o.key === key && o.field === field && o.seq < beforeSeq));
  batch.superseded.push({ entity, entityId, field, beforeSeq, value });
  setterAfterWrite(batch, key, field);
  const row = batch.rows.get(key);
  const held = batch.register.get(key);
  if (!row || !held) return;
  row[field] = held[field];
  for (const overlay of batch.overlays)
    if (overlay.key === key && overlay.field === field) row[field] = overlay.value;
}

// ---------------------------------------------------------------------------------------------
// Reading and writing a batch

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idsNamed(mutations: readonly Mutation[], conflictChanges: Iterable<typeof changes.$inferSelect>) {
  const ids = new Map<ChangeEntity, Set<string>>(ENTITY_ORDER.map((entity) => [entity, new Set()]));
  const add = (entity: ChangeEntity, id: unknown) => {
    if (typeof id === "string" && UUID.test(id)) ids.get(entity)?.add(id.toLowerCase());
  };
  for (const mutation of mutations) {
    if (mutation.kind !== "visit") continue;
    const visit = mutation.payload.visit as Record<string, unknown>;
    add("room", visit.roomId);
    const subject = visit.subjectType;
    if (subject === "household" || subject === "unit" || subject === "rental") add(subject, visit.subjectId);
    for (const change of mutation.payload.changes as Record<string, unknown>[]) {
      if (ENTITY_ORDER.includes(change.entity as ChangeEntity))
        add(change.entity as ChangeEntity, change.entityId);
      const observed = change.observedValue;
      if (change.field === "*" && observed && typeof observed === "object") {
        const place = observed as Record<string, unknown>;
        add("household", place.householdId);
        add("room", place.roomId);
        add("rental", place.rentalId);
        add("person", place.personId);
        // A new row's own id: found only if it is taken already.
        add("person", change.entityId);
      }
    }
  }
  for (const change of conflictChanges) add(change.entity as ChangeEntity, change.entityId);
  return ids;
}

const anyOf = (column: PgColumn, values: readonly string[]) =>
  sql`${column} = any(${sql.param(values)}::uuid[])`;

/**
 * The questionnaire versions the batch's answers name, in any campaign the caller may write to (a
 * visit's campaign is settled while it is judged): one query, whatever the batch holds (publishedDefinitions, which keeps them in the process). Any published
 * version, not only the one in force: a visit begun before a newer version was published keeps the
 * version it was answered in. A draft is no version a phone can hold, so answers naming it are refused.
 */
async function questionnairesOf(
  tx: Db,
  mutations: readonly Mutation[],
  grids: Map<string, Map<string, Date | null>>,
): Promise<Map<string, QuestionnaireDefinition>> {
  const versions = new Set<number>();
  for (const m of mutations) {
    const version =
      m.kind === "visit" ? (m.payload.visit as Record<string, unknown>).questionnaireVersion : null;
    if (typeof version === "number" && Number.isSafeInteger(version) && version > 0) versions.add(version);
  }
  const campaignIds = new Set<string>();
  for (const campaigns of grids.values()) for (const id of campaigns.keys()) campaignIds.add(id);
  if (versions.size === 0 || campaignIds.size === 0) return new Map();
  return publishedDefinitions(tx, [...campaignIds], [...versions]);
}

/** The strings in a visit's answers (repeats' rows too) that read as a photo's name: at most a few hundred. */
function photoNamesIn(answers: unknown, depth = 0): string[] {
  if (isPhotoHash(answers)) return [answers];
  if (depth > 8 || typeof answers !== "object" || answers === null) return [];
  return Object.values(answers).flatMap((value) => photoNamesIn(value, depth + 1));
}

async function readBatch(
  tx: Db,
  user: SessionUser,
  deviceId: string,
  mutations: readonly Mutation[],
  now: Date,
  words: { locale: Locale; translate: Translate },
): Promise<Batch> {
  const resolveIds = mutations.filter((m) => m.kind === "resolve").map((m) => m.payload.changeId);
  const conflictChanges = new Map<string, typeof changes.$inferSelect>();
  if (resolveIds.length > 0) {
    const found = await tx
      .select()
      .from(changes)
      .where(anyOf(changes.id, resolveIds))
      .orderBy(changes.id)
      .for("update");
    for (const change of found) conflictChanges.set(change.id, change);
  }

  const ids = idsNamed(mutations, conflictChanges.values());
  const rows = await lockRegisterRows(tx, ids);
  const register = new Map([...rows].map(([key, row]) => [key, { ...row }]));
  const overlays = await layPendingOver(tx, rows, ids);

  const gridIds = new Set<string>();
  for (const mutation of mutations) {
    const gridId =
      mutation.kind === "visit" ? (mutation.payload.visit as Record<string, unknown>).gridId : null;
    if (typeof gridId === "string" && UUID.test(gridId)) gridIds.add(gridId);
  }
  for (const change of conflictChanges.values()) gridIds.add(change.gridId);
  const grids = await writableGrids(tx, user, [...gridIds]);

  // Every photo a visit may name: its door-plate photo, and any answer that reads as a photo's name
  // (an image question's; which answers are is known once the visit is judged against its version).
  const hashes = mutations.flatMap((m) => {
    if (m.kind !== "visit") return [];
    const visit = m.payload.visit as Record<string, unknown>;
    return [visit.photoSha256, ...photoNamesIn(visit.answers)].filter(isPhotoHash);
  });
  const photos = new Set<string>();
  if (hashes.length > 0) {
    const found = await tx
      .select({ sha256: attachments.sha256 })
      .from(attachments)
      .where(sql`${attachments.sha256} = any(${sql.param(hashes)}::text[])`);
    for (const row of found) photos.add(row.sha256);
  }

  const visitIds = mutations.filter((m) => m.kind === "visit").map((m) => m.id);
  const taken = visitIds.length
    ? await tx.select({ id: visits.id }).from(visits).where(anyOf(visits.id, visitIds))
    : [];
  const changeIds = mutations.flatMap((m) =>
    m.kind === "visit"
      ? (m.payload.changes as Record<string, unknown>[]).flatMap((c) =>
          typeof c.id === "string" && UUID.test(c.id) ? [c.id.toLowerCase()] : [],
        )
      : [],
  );
  const changesTaken = changeIds.length
    ? await tx.select({ id: changes.id }).from(changes).where(anyOf(changes.id, changeIds))
    : [];
  const registeredIds = await registeredPersons(tx, mutations);
  const targetIds = mutations.flatMap((m) => {
    const claims = m.kind === "visit" ? (m.payload.visit as Record<string, unknown>).claims : null;
    return Array.isArray(claims)
      ? claims.flatMap((c) => {
          const id = (c as Record<string, unknown> | null)?.targetId;
          return typeof id === "string" && UUID.test(id) ? [id.toLowerCase()] : [];
        })
      : [];
  });
  const targets = new Map<string, PushTarget>();
  if (targetIds.length > 0) {
    const found = await tx
      .select({
        id: campaignTargets.id,
        campaignId: campaignTargets.campaignId,
        roomId: campaignTargets.roomId,
        subjectKind: campaignTargets.subjectKind,
        subjectId: campaignTargets.subjectId,
        claimKind: sql<string | null>`${campaignTargets.claim}->>'kind'`,
      })
      .from(campaignTargets)
      .where(anyOf(campaignTargets.id, targetIds));
    for (const row of found) targets.set(row.id, row);
  }

  const { doorTargets, assignedGrids } = await coverOfDoors(tx, user, mutations);
  return {
    targets,
    doorTargets,
    assignedGrids,
    user,
    deviceId,
    now,
    grids,
    rows,
    photos,
    register,
    autoApprove: await autoApproving(tx, grids),
    heldSince: await heldGrids(tx, user, deviceId, [...gridIds]),
    visitIdsTaken: new Set(taken.map((row) => row.id)),
    changeIdsTaken: new Set(changesTaken.map((row) => row.id)),
    registeredIds,
    overlays,
    setters: new Map(overlays.map((overlay) => [`${overlay.key}|${overlay.field}`, overlay.by])),
    conflictSetters: [],
    superseded: [],
    conflictChanges,
    created: new Set(),
    dirty: new Map(),
    visitRows: [],
    changeRows: [],
    changeUpdates: new Map(),
    attachmentRows: [],
    ledgerRows: [],
    questionnaires: await questionnairesOf(tx, mutations, grids),
    ...words,
  };
}

/** The batch's doors' open targets with their moves, and the grids the officer holds by assignment. */
async function coverOfDoors(tx: Db, user: SessionUser, mutations: readonly Mutation[]) {
  const doorTargets: Batch["doorTargets"] = new Map();
  const assignedGrids = new Set<string>();
  if (user.role !== "officer") return { doorTargets, assignedGrids };
  const roomIds = new Set<string>();
  const gridIds = new Set<string>();
  for (const mutation of mutations) {
    if (mutation.kind !== "visit") continue;
    const { roomId, gridId } = mutation.payload.visit as Record<string, unknown>;
    if (typeof roomId === "string" && UUID.test(roomId)) roomIds.add(roomId.toLowerCase());
    if (typeof gridId === "string" && UUID.test(gridId)) gridIds.add(gridId.toLowerCase());
  }
  if (roomIds.size === 0) return { doorTargets, assignedGrids };
  const held = await tx
    .selectDistinct({ gridId: assignments.gridId, campaignId: assignments.campaignId })
    .from(assignments)
    .where(and(eq(assignments.officerId, user.id), anyOf(assignments.gridId, [...gridIds])));
  for (const row of held) assignedGrids.add(`${row.gridId}|${row.campaignId}`);
  const rows = await tx
    .select({
      id: campaignTargets.id,
      roomId: campaignTargets.roomId,
      campaignId: campaignTargets.campaignId,
      officerId: targetAssignments.officerId,
      from: targetAssignments.assignedAt,
      until: targetAssignments.endedAt,
    })
    .from(campaignTargets)
    .leftJoin(targetAssignments, eq(targetAssignments.targetId, campaignTargets.id))
    .where(and(anyOf(campaignTargets.roomId, [...roomIds]), eq(campaignTargets.state, "open")))
    .orderBy(campaignTargets.id, targetAssignments.assignedAt);
  const byTarget = new Map<
    string,
    { key: string; moves: { officerId: string; from: Date; until: Date | null }[] }
  >();
  for (const row of rows) {
    const held = byTarget.get(row.id) ?? { key: `${row.roomId}|${row.campaignId}`, moves: [] };
    if (row.officerId && row.from)
      held.moves.push({ officerId: row.officerId, from: row.from, until: row.until });
    byTarget.set(row.id, held);
  }
  for (const { key, moves } of byTarget.values())
    doorTargets.set(key, [...(doorTargets.get(key) ?? []), moves]);
  return { doorTargets, assignedGrids };
}

async function heldGrids(tx: Db, user: SessionUser, deviceId: string, gridIds: string[]) {
  const held = new Map<string, Date>();
  if (gridIds.length === 0) return held;
  const rows = await tx
    .select({ gridId: deviceGrids.gridId, campaignId: deviceGrids.campaignId, at: deviceGrids.firstPulledAt })
    .from(deviceGrids)
    .where(
      and(
        eq(deviceGrids.deviceId, deviceId),
        eq(deviceGrids.userId, user.id),
        sql`${deviceGrids.gridId} = any(${sql.param(gridIds)}::uuid[])`,
      ),
    );
  for (const row of rows) held.set(`${row.gridId}|${row.campaignId}`, row.at);
  return held;
}

async function autoApproving(tx: Db, grids: Map<string, Map<string, Date | null>>): Promise<Set<string>> {
  const ids = [...new Set([...grids.values()].flatMap((campaignsOfGrid) => [...campaignsOfGrid.keys()]))];
  if (ids.length === 0) return new Set();
  const found = await tx
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(anyOf(campaigns.id, ids), eq(campaigns.autoApprove, true)));
  return new Set(found.map((row) => row.id));
}

/** The register's persons holding the documents of the members a batch adds, current or ended. */
async function registeredPersons(tx: Db, mutations: readonly Mutation[]) {
  const wanted = new Map<string, { idType: string; idNumber: string }>();
  for (const mutation of mutations) {
    if (mutation.kind !== "visit") continue;
    for (const change of mutation.payload.changes as Record<string, unknown>[]) {
      const observed = change.observedValue as Record<string, unknown> | null;
      if (change.entity !== "person" || change.field !== "*" || !observed || typeof observed !== "object")
        continue;
      const parsed = personObject
        .pick({ idType: true, idNumber: true })
        .transform(normaliseCitizenId)
        .safeParse(observed);
      if (parsed.success) wanted.set(personKey(parsed.data), parsed.data);
    }
  }
  const found = new Map<string, { gridId: string; ended: boolean }>();
  if (wanted.size === 0) return found;
  const numbers = [...wanted.values()].map((w) => w.idNumber);
  const rows = await tx
    .select({
      idType: persons.idType,
      idNumber: persons.idNumber,
      gridId: persons.gridId,
      endedAt: persons.endedAt,
    })
    .from(persons)
    .where(sql`${persons.idNumber} = any(${sql.param(numbers)}::text[])`);
  for (const row of rows) {
    const key = personKey(row);
    if (wanted.has(key)) found.set(key, { gridId: row.gridId, ended: row.endedAt !== null });
  }
  // A member another visit added, still waiting for review, is registered for this purpose too.
  const waiting = await tx
    .select({ gridId: changes.gridId, observed: changes.observedValue })
    .from(changes)
    .where(
      and(
        eq(changes.status, "pending"),
        eq(changes.entity, "person"),
        eq(changes.field, "*"),
        sql`${changes.observedValue}->>'idNumber' = any(${sql.param(numbers)}::text[])`,
      ),
    );
  for (const row of waiting) {
    const key = personKey(row.observed as { idType: unknown; idNumber: unknown });
    if (wanted.has(key) && !found.has(key)) found.set(key, { gridId: row.gridId, ended: false });
  }
  return found;
}

/**
 * Lays the corrections still waiting for review over the register rows a batch read, oldest first,
 * and adds the rows still waiting to be created: a visit judged now builds on the officer's earlier
 * visits (their phone shows those values), and can name a member added in one of them.
 */
async function layPendingOver(tx: Db, rows: Map<string, Row>, ids: Map<ChangeEntity, Set<string>>) {
  const overlays: Batch["overlays"] = [];
  const named = [...new Set([...ids.values()].flatMap((set) => [...set]))];
  if (named.length === 0) return overlays;
  const pending = await tx
    .select({
      entity: changes.entity,
      entityId: changes.entityId,
      field: changes.field,
      observedValue: changes.observedValue,
      gridId: changes.gridId,
      seq: changes.seq,
      officerId: visits.officerId,
    })
    .from(changes)
    .innerJoin(visits, eq(visits.id, changes.visitId))
    .where(and(eq(changes.status, "pending"), anyOf(changes.entityId, named)))
    .orderBy(asc(changes.seq));
  for (const change of pending) {
    const entity = change.entity as ChangeEntity;
    if (!ENTITY_ORDER.includes(entity)) continue;
    const key = keyOf(entity, change.entityId);
    if (change.field === "*") {
      if (!rows.has(key) && change.observedValue && typeof change.observedValue === "object")
        rows.set(key, {
          ...(change.observedValue as Record<string, unknown>),
          id: change.entityId,
          gridId: change.gridId,
          version: 0,
        });
      continue;
    }
    const row = rows.get(key);
    if (!row) continue;
    row[change.field] = toColumn(change.field, change.observedValue);
    overlays.push({
      key,
      field: change.field,
      value: row[change.field],
      seq: change.seq,
      by: change.officerId,
    });
  }
  return overlays;
}

function _withoutBookkeeping(row: Row): Record<string, unknown> {
  const { changeXid: _xid, ...rest } = row;
  return rest;
}

/**
 * Changed register rows: one statement per table and set of changed fields, the rows travelling as
 * one JSON parameter, so neither the number of statements nor of bind parameters grows with the batch.
 */
async function updateChanged(tx: Db, batch: Batch): Promise<void> {
  const groups = new Map<string, { entity: ChangeEntity; fields: string[]; rows: Row[] }>();
  for (const [key, changed] of batch.dirty) {
    if (batch.created.has(key)) continue;
    const entity = key.slice(0, key.indexOf(":")) as ChangeEntity;
    const fields = [...changed].sort();
    const groupKey = `${entity}|${fields.join(",")}`;
    const group = groups.get(groupKey) ?? { entity, fields, rows: [] };
    // The register's row: a settled conflict writes its value, never a pending one laid over it.
    group.rows.push(batch.register.get(key) as Row);
    groups.set(groupKey, group);
  }
  for (const { entity, fields, rows } of groups.values()) {
    await updateFromRecordset(tx, TABLES[entity], [...fields, "version", "updatedAt"], rows);
  }
}

/**
 * Register rows a visit left a pending correction on get a new change stamp (their values and
 * version stay): the next pull brings them down again with the correction laid over, so the
 * officer's other phones and their colleagues on the grid see it too.
 */
async function touchPending(tx: Db, batch: Batch): Promise<void> {
  const ids = new Map<ChangeEntity, Set<string>>();
  for (const change of batch.changeRows) {
    if (change.status !== "pending" || change.field === "*") continue;
    const entity = change.entity as ChangeEntity;
    if (!batch.register.has(keyOf(entity, change.entityId))) continue;
    ids.set(entity, (ids.get(entity) ?? new Set()).add(change.entityId));
  }
  for (const [entity, set] of ids) {
    const table = TABLES[entity];
    await tx
      .update(table)
      .set({ version: sql`${table.version}` } as never)
      .where(anyOf(table.id, [...set]));
  }
}

/**
 * Who set the value each conflict of the batch met: stored with the conflict, and told in the answer
 * (which the ledger keeps, so a replay tells the same).
 */
async function nameConflictSetters(tx: Db, batch: Batch): Promise<void> {
  if (batch.conflictSetters.length === 0) return;
  const asked = batch.conflictSetters.filter((entry) => !entry.userId);
  const found = await registerSetters(
    tx,
    asked.map(({ conflict, entity, value }) => ({
      entity,
      entityId: conflict.entityId,
      field: conflict.field,
      value,
    })),
  );
  const sources = batch.conflictSetters.map((entry): SetterSource => {
    const index = asked.indexOf(entry);
    return index >= 0 ? found[index] : { from: "user", userId: entry.userId as string };
  });
  const names = await namedSetters(
    tx,
    batch.user,
    sources.map((source) => ({ from: source.from, userId: source.from === "user" ? source.userId : null })),
  );
  const rows = new Map(batch.changeRows.map((change) => [change.id, change]));
  batch.conflictSetters.forEach(({ conflict }, index) => {
    const source = sources[index];
    const stored = {
      serverFrom: source.from,
      serverSetBy: source.from === "user" ? source.userId : null,
    };
    const row = rows.get(conflict.changeId);
    if (row) Object.assign(row, stored);
    const update = batch.changeUpdates.get(conflict.changeId);
    if (update && update.status !== "resolved") Object.assign(update, stored);
    conflict.setBy = names[index];
  });
}

async function writeBatch(tx: Db, batch: Batch): Promise<void> {
  // Only a settled conflict writes the register here; a visit's corrections wait for approval.
  await updateChanged(tx, batch);
  await touchPending(tx, batch);
  await insertChunked(tx, visits, batch.visitRows);
  await insertChunked(tx, changes, batch.changeRows);
  for (const [id, values] of batch.changeUpdates)
    await tx.update(changes).set(values).where(eq(changes.id, id));
  for (const { entity, entityId, field, beforeSeq, value } of batch.superseded)
    await tx
      .update(changes)
      .set({
        status: "resolved",
        resolvedValue: value,
        resolvedBy: batch.user.id,
        resolvedAt: batch.now,
        resolvedDeviceId: batch.deviceId,
      })
      .where(
        and(
          eq(changes.status, "pending"),
          eq(changes.entity, entity),
          eq(changes.entityId, entityId),
          eq(changes.field, field),
          sql`${changes.seq} < ${beforeSeq}`,
        ),
      );
  await insertChunked(tx, visitAttachments, batch.attachmentRows);
  await insertChunked(tx, mutationLedger, batch.ledgerRows);
}

// ---------------------------------------------------------------------------------------------
// The service

export interface PushMeta {
  now: Date;
  ip: string;
  userAgent: string | null;
  translate: Translate;
  /** The caller's language, which the questionnaire's own texts are read in; Chinese when absent. */
  locale?: Locale;
  /**
   * Work a supervisor accepts out of the quarantine (server/services/devices.ts): judged as if the
   * officer pushed it, but the device made no contact, so its record (last contact, browser) stays.
   */
  fromQuarantine?: boolean;
}

interface PushRequest {
  deviceId: string;
  mutations: Mutation[];
  device?: DeviceHealth;
}

function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Another push of the same mutation committed first, or two batches crossed: run it again. */
const isRace = (error: unknown) => ["23505", "40001", "40P01"].includes(pgCode(error) ?? "");
/**
 * The data broke a rule or a limit of the database (22 data exception, 23 integrity, 54 program
 * limit such as a stack too deep): that mutation's fault, not the server's.
 */
const isDataError = (error: unknown) => /^(22|23|54)/.test(pgCode(error) ?? "") && !isRace(error);

/** The error's class and code, never its message or parameters: those can hold names and ID numbers. */
function errorName(error: unknown): string {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  const code = pgCode(error);
  return code ? `${name} ${code}` : name;
}

async function runBatch(
  db: Db,
  user: SessionUser,
  request: PushRequest,
  meta: PushMeta,
): Promise<PushResult[]> {
  return db.transaction(async (tx) => {
    const { deviceId, mutations } = request;
    // Lock first, then read the ledger: a concurrent push of the same mutation holds the same room,
    // so by the time this one reads the ledger, the other's ledger row is there to be found.
    const batch = await readBatch(tx, user, deviceId, mutations, meta.now, {
      locale: meta.locale ?? DEFAULT_LOCALE,
      translate: meta.translate,
    });
    const ledger = new Map<string, { userId: string; payloadHash: string; result: MutationResult }>();
    if (mutations.length > 0) {
      const found = await tx
        .select({
          id: mutationLedger.id,
          userId: mutationLedger.userId,
          payloadHash: mutationLedger.payloadHash,
          result: mutationLedger.result,
        })
        .from(mutationLedger)
        .where(
          anyOf(
            mutationLedger.id,
            mutations.map((m) => m.id),
          ),
        );
      for (const row of found) ledger.set(row.id, { ...row, result: row.result as MutationResult });
    }

    const results: PushResult[] = [];
    for (const mutation of mutations) {
      // Hashing walks the payload: one nested beyond any form's depth is refused before it can
      // overflow the stack (and so fail the whole batch).
      const shapeProblem = jsonValueProblem(mutation.payload, PAYLOAD_MAX_DEPTH);
      if (shapeProblem) {
        results.push(rejected(mutation.id, new Rejection(shapeProblem), meta.translate));
        continue;
      }
      const hash = payloadHash(mutation);
      const stored = ledger.get(mutation.id);
      if (stored) {
        results.push(
          stored.payloadHash === hash && stored.userId === user.id
            ? { id: mutation.id, duplicate: true, ...stored.result }
            : rejected(mutation.id, new Rejection("sync.idReused"), meta.translate),
        );
        continue;
      }
      let result: MutationResult;
      try {
        result = mutation.kind === "visit" ? judgeVisit(batch, mutation) : judgeResolve(batch, mutation);
      } catch (error) {
        // Judging reads nothing from the database: whatever it throws is this mutation's input
        // meeting a bug, so this mutation alone is refused and the rest of the batch goes on.
        if (!(error instanceof Rejection))
          console.error(`[sync.push] mutation ${mutation.id} could not be judged: ${errorName(error)}`);
        const reason = error instanceof Rejection ? error : new Rejection("sync.applyFailed");
        results.push(rejected(mutation.id, reason, meta.translate));
        continue;
      }
      ledger.set(mutation.id, { userId: user.id, payloadHash: hash, result });
      batch.ledgerRows.push({
        id: mutation.id,
        userId: user.id,
        deviceId,
        kind: mutation.kind,
        payloadHash: hash,
        result,
        createdAt: meta.now,
      });
      results.push({ id: mutation.id, duplicate: false, ...result });
    }
    await nameConflictSetters(tx, batch);
    await writeBatch(tx, batch);
    if (!meta.fromQuarantine) await recordDevice(tx, user, request, meta);
    const count = (status: string) => results.filter((r) => r.status === status && !r.duplicate).length;
    const revealed = results.flatMap((r) =>
      r.status === "conflict" && user.role === "officer" ? r.conflicts.map((c) => c.changeId) : [],
    );
    if (revealed.length > 0) {
      // Conflict answers carry the register's values in clear: an unmasked read like any other.
      await writeAudit(tx, {
        userId: user.id,
        action: "reveal_conflict",
        entity: "change",
        entityId: revealed.length === 1 ? revealed[0] : undefined,
        areaPath: user.areaPath,
        ip: meta.ip,
        detail: { changes: revealed },
      });
    }
    if (mutations.length > 0) {
      await writeAudit(tx, {
        userId: user.id,
        action: "sync.push",
        entity: "device",
        entityId: deviceId,
        areaPath: user.areaPath,
        ip: meta.ip,
        detail: {
          mutations: mutations.length,
          applied: count("applied"),
          conflict: count("conflict"),
          rejected: count("rejected"),
          duplicate: results.filter((r) => r.duplicate).length,
        },
      });
    }
    return results;
  });
}

function rejected(id: string, rejection: Rejection, translate: Translate): PushResult {
  return {
    id,
    duplicate: false,
    status: "rejected",
    key: rejection.key,
    message: translate(rejection.key, rejection.params),
    ...(rejection.field ? { field: rejection.field } : {}),
  };
}

/** The devices row's columns for what a push says of the phone's health (none when it said nothing). */
export function deviceHealthColumns(health: PushRequest["device"]) {
  if (!health) return {};
  return {
    appVersion: health.appVersion,
    unsentCount: health.unsentCount,
    oldestUnsentAt: health.oldestUnsentAt ? new Date(health.oldestUnsentAt) : null,
    storagePersisted: health.storagePersisted,
    storageUsage: health.storageUsage,
    storageQuota: health.storageQuota,
  };
}

async function recordDevice(tx: Db, user: SessionUser, request: PushRequest, meta: PushMeta): Promise<void> {
  const values = {
    lastSyncAt: meta.now,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    ...deviceHealthColumns(request.device),
  };
  const written = await tx
    .insert(devices)
    .values({ id: request.deviceId, userId: user.id, ...values })
    .onConflictDoUpdate({ target: devices.id, set: values, setWhere: eq(devices.userId, user.id) })
    .returning({ id: devices.id });
  // A device id is made per user on the phone; another user's means a forged or copied store.
  if (written.length === 0) throw new AppError("FORBIDDEN", "sync.deviceTaken");
}

const RACE_RETRIES = 3;
/** payload → changes → change → value → the value's own depth. */
const PAYLOAD_MAX_DEPTH = 4 + JSON_VALUE_MAX_DEPTH;

/**
 * Applies a batch in order and answers per mutation. Replays answer from the ledger; a mutation that
 * cannot be applied is rejected alone, with its reason in the caller's language.
 */
export async function pushMutations(
  db: Db,
  user: SessionUser,
  request: PushRequest,
  meta: PushMeta,
): Promise<PushResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { results: await runBatch(db, user, request, meta) };
    } catch (error) {
      if (isRace(error) && attempt < RACE_RETRIES) continue;
      // A race that keeps coming back is one mutation's data meeting a unique index: find it alone.
      const mutationsFault = isDataError(error) || isRace(error);
      if (!mutationsFault) throw error;
      if (request.mutations.length <= 1)
        return { results: [unexpected(request.mutations[0].id, error, meta)] };
      return { results: await oneByOne(db, user, request, meta) };
    }
  }
}

function unexpected(id: string, error: unknown, meta: PushMeta): PushResult {
  console.error(`[sync.push] mutation ${id} refused by the database: ${errorName(error)}`);
  return rejected(id, new Rejection("sync.applyFailed"), meta.translate);
}

/** The slow path: each mutation in its own transaction, so one the database refuses is named alone. */
async function oneByOne(
  db: Db,
  user: SessionUser,
  request: PushRequest,
  meta: PushMeta,
): Promise<PushResult[]> {
  const results: PushResult[] = [];
  for (const mutation of request.mutations) {
    const single = { ...request, mutations: [mutation] };
    for (let attempt = 1; ; attempt++) {
      try {
        results.push(...(await runBatch(db, user, single, meta)));
        break;
      } catch (error) {
        if (isRace(error) && attempt < RACE_RETRIES) continue;
        if (!isDataError(error) && !isRace(error)) throw error;
        results.push(unexpected(mutation.id, error, meta));
        break;
      }
    }
  }
  return results;
}
