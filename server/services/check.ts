import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { persons, residentFeedback } from "@/db/schema";
import {
  type CheckDisputeInput,
  type CheckLookupInput,
  type FeedbackKind,
  isWellFormedCode,
  normaliseName,
} from "@/domain/check";
import { codeValues, ID_TYPE } from "@/domain/codes";
import { maskIdNumber, maskName } from "@/domain/mask";
import { AppError } from "../errors";
import { throttleAddress } from "../http/peer";
import { writeAudit } from "./audit";
import { admit, forgive, type Limit } from "./throttle";

/**
 * The resident self-check: a household member proves themselves with name + ID number + the code on the
 * visit slip, sees the household masked, and confirms it or disputes fields. Every miss (unknown ID,
 * wrong name, wrong or expired code) runs the same statements and ends in the same error, and every
 * attempt is counted in `login_throttle` (the login throttle's table, so all instances share it).
 */

/** The one answer to every miss: no parameters, so no miss can differ from another. */
const noMatch = () => new AppError("NOT_FOUND", "check.noMatch");

/**
 * How many attempts go through at once before a key waits (threat model: README, "Security"). The
 * code on the slip is the secret (31^10 codes): the limits keep guessing it hopeless, and the two a
 * stranger can run up for someone else (an ID number, a carrier's shared address) slow down instead
 * of locking, so a resident is kept waiting minutes, never a day.
 */
export interface CheckLimits {
  /** Lookups one client address may make in a minute; then it waits out the minute. */
  ipPerMinute: number;
  /** Failed lookups from one client address in a day before each further one waits, from a minute
   * doubling to an hour (room for an office or a carrier's NAT). */
  ipFailuresPerDay: number;
  /** Failed lookups for one ID number in a day, from anywhere, before each further one waits, from a
   * minute doubling to ten. */
  idFailuresPerDay: number;
}

export const CHECK_LIMITS: CheckLimits = { ipPerMinute: 5, ipFailuresPerDay: 30, idFailuresPerDay: 10 };

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
// Every ID type, so the lookup by number alone can use the (id_type, id_number) index.
const ID_TYPES = [...codeValues(ID_TYPE)];
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export interface CheckMeta {
  ip: string;
  now: Date;
  limits?: CheckLimits;
}

/** The ID number as the audit and the throttle know it: never in clear. */
export function hashIdNumber(idNumber: string): string {
  return createHash("sha256").update(`check-id:${idNumber}`).digest("hex");
}

const digest = (label: string, value: string) => createHash("sha256").update(`${label}\0${value}`).digest();
const same = (label: string, a: string, b: string) => timingSafeEqual(digest(label, a), digest(label, b));

// ── throttle ───────────────────────────────────────────────────────────────────────────────────────

function limitsFor(idHash: string, ip: string, limits: CheckLimits) {
  return {
    attempts: {
      key: `check:ip:${ip}`,
      free: limits.ipPerMinute,
      windowMs: MINUTE_MS,
      waitMs: MINUTE_MS,
      maxWaitMs: MINUTE_MS,
    },
    ipFailures: {
      key: `check:ip-day:${ip}`,
      free: limits.ipFailuresPerDay,
      windowMs: DAY_MS,
      waitMs: MINUTE_MS,
      maxWaitMs: 60 * MINUTE_MS,
    },
    idFailures: {
      key: `check:id:${idHash}`,
      free: limits.idFailuresPerDay,
      windowMs: DAY_MS,
      waitMs: MINUTE_MS,
      maxWaitMs: 10 * MINUTE_MS,
    },
  } satisfies Record<string, Limit>;
}

// ── the proof ──────────────────────────────────────────────────────────────────────────────────────

export type CheckPurpose = "lookup" | FeedbackKind;

export interface CheckMember {
  /** Opaque: lets a dispute name the member. */
  id: string;
  name: string;
  idNumber: string;
  relation: string | null;
  sex: string;
}

export interface CheckView {
  campaign: { name: string; open: boolean };
  address: { address: string; unitNo: string | null; roomNo: string };
  members: CheckMember[];
  state: {
    /** The latest visit of the household's room in the campaign, if any. */
    visit: { outcome: string; reviewState: string; visitedAt: Date } | null;
    /** The resident's latest confirmation or dispute in the campaign, if any. */
    feedback: { kind: FeedbackKind; at: Date } | null;
  };
}

interface Proof {
  hit: boolean;
  view: CheckView;
  campaignId: string;
  householdId: string;
  gridId: string;
  gridPath: string;
}

interface CandidateRow {
  campaignId: string | null;
  codeHousehold: string | null;
  open: boolean;
  householdActive: boolean;
  personId: string | null;
  personName: string | null;
  personHousehold: string | null;
  personActive: boolean;
}

interface HouseholdRow {
  gridId: string | null;
  gridPath: string | null;
  campaignName: string | null;
  address: string | null;
  unitNo: string | null;
  roomNo: string | null;
  outcome: string | null;
  reviewState: string | null;
  visitedAt: Date | string | null;
  feedbackKind: FeedbackKind | null;
  feedbackAt: Date | string | null;
}

const asDate = (value: Date | string | null) => (value === null ? null : new Date(value));

/**
 * Runs the same statements and the same comparisons whether it hits or misses, and settles both
 * failure counters either way (taking back nothing on a miss), so a miss costs what a hit costs.
 */
async function prove(
  db: Db,
  input: CheckLookupInput,
  meta: CheckMeta,
  purpose: CheckPurpose,
): Promise<Proof> {
  const idHash = hashIdNumber(input.idNumber);
  const counters = limitsFor(idHash, throttleAddress(meta.ip), meta.limits ?? CHECK_LIMITS);
  // Every attempt is counted before the proof is looked at (a hit takes its failures back below), so
  // concurrent attempts cannot all be evaluated before the first failure is written.
  const admission = await admit(db, [counters.attempts, counters.ipFailures, counters.idFailures], meta.now);
  if (!admission.admitted) {
    await writeAudit(db, {
      action: "resident_lookup",
      ip: meta.ip,
      detail: { result: "throttled", purpose, idHash },
    });
    throw new AppError("TOO_MANY_REQUESTS", "check.tooMany", {
      minutes: Math.max(1, Math.ceil(admission.waitMs / MINUTE_MS)),
    });
  }

  // A malformed code still runs the lookup (with a code no row has), so it takes as long as a wrong one.
  const code = isWellFormedCode(input.code) ? input.code : "-";
  // One statement finds the code's household and the ID number's persons, whichever exist.
  const candidates = rowsOf<CandidateRow>(
    await db.execute(sql`
      select hc.campaign_id as "campaignId", hc.household_id as "codeHousehold",
             coalesce(c.status = 'open', false) as "open",
             coalesce(h.ended_at is null, false) as "householdActive",
             p.id as "personId", p.name as "personName", p.household_id as "personHousehold",
             coalesce(p.ended_at is null, false) as "personActive"
      from (select 1) as one
      left join household_codes hc on hc.code = ${code}
      left join campaigns c on c.id = hc.campaign_id
      left join households h on h.id = hc.household_id
      left join persons p on p.id_type = any(${sql.param(ID_TYPES)}::text[]) and p.id_number = ${input.idNumber}
      order by p.id`),
  );
  const codeRow = candidates[0];
  const codeHousehold = codeRow.codeHousehold ?? NIL_UUID;

  let matched = 0;
  let viewHousehold = codeRow.codeHousehold ?? NIL_UUID;
  for (const row of candidates) {
    // Compared as fixed-length digests in constant time; a missing person compares a decoy.
    const nameOk = same("name", normaliseName(row.personName ?? "\u0000decoy"), input.name);
    const householdOk = same("household", row.personHousehold ?? "-", codeHousehold);
    const ok = Number(nameOk) & Number(householdOk) & Number(row.personActive);
    matched |= ok;
    if (!codeRow.codeHousehold && row.personHousehold) viewHousehold = row.personHousehold;
  }
  const hit = (matched & Number(codeRow.open) & Number(codeRow.householdActive)) === 1;

  // The view is always built, for the code's household (or, without one, the person's), so a miss
  // does the work of a hit; only a hit returns it.
  const campaignId = codeRow.campaignId ?? NIL_UUID;
  const [household] = rowsOf<HouseholdRow>(
    await db.execute(sql`
      select h.grid_id as "gridId", g.path as "gridPath", c.name as "campaignName",
             b.address, r.unit_no as "unitNo", r.room_no as "roomNo",
             v.outcome, v.review_state as "reviewState", v.visited_at as "visitedAt",
             f.kind as "feedbackKind", f.created_at as "feedbackAt"
      from (select 1) as one
      left join households h on h.id = ${viewHousehold}
      left join areas g on g.id = h.grid_id
      left join rooms r on r.id = h.room_id
      left join buildings b on b.id = r.building_id
      left join campaigns c on c.id = ${campaignId}
      left join lateral (
        select v.outcome, v.review_state, v.visited_at from visits v
        where v.campaign_id = ${campaignId} and v.room_id = h.room_id
        order by v.visited_at desc, v.received_at desc limit 1) v on true
      left join lateral (
        select f.kind, f.created_at from resident_feedback f
        where f.campaign_id = ${campaignId} and f.household_id = h.id
        order by f.created_at desc limit 1) f on true`),
  );
  const members = await db
    .select({
      id: persons.id,
      name: persons.name,
      idNumber: persons.idNumber,
      relation: persons.relation,
      sex: persons.sex,
    })
    .from(persons)
    .where(and(eq(persons.householdId, viewHousehold), isNull(persons.endedAt)))
    .orderBy(asc(persons.relation), asc(persons.birthDate), asc(persons.id));
  const visitedAt = asDate(household.visitedAt);
  const feedbackAt = asDate(household.feedbackAt);
  const view: CheckView = {
    campaign: { name: household.campaignName ?? "", open: codeRow.open },
    address: {
      address: household.address ?? "",
      unitNo: household.unitNo,
      roomNo: household.roomNo ?? "",
    },
    members: members.map((m) => ({
      id: m.id,
      name: maskName(m.name),
      idNumber: maskIdNumber(m.idNumber),
      relation: m.relation,
      sex: m.sex,
    })),
    state: {
      visit:
        household.outcome && household.reviewState && visitedAt
          ? { outcome: household.outcome, reviewState: household.reviewState, visitedAt }
          : null,
      feedback:
        household.feedbackKind && feedbackAt ? { kind: household.feedbackKind, at: feedbackAt } : null,
    },
  };

  // The same statement either way (taking back nothing on a miss), so a miss costs what a hit costs.
  await forgive(db, [counters.idFailures, counters.ipFailures], hit ? 1 : 0);
  await writeAudit(db, {
    action: "resident_lookup",
    entity: "household",
    entityId: hit ? viewHousehold : undefined,
    areaPath: hit ? (household.gridPath ?? undefined) : undefined,
    ip: meta.ip,
    detail: { result: hit ? "hit" : "miss", purpose, idHash },
  });
  if (!hit) throw noMatch();
  return {
    hit,
    view,
    campaignId,
    householdId: viewHousehold,
    gridId: household.gridId as string,
    gridPath: household.gridPath as string,
  };
}

/** name + ID number + code → the household, masked. Any miss: NOT_FOUND `check.noMatch`. */
export async function lookupHousehold(db: Db, input: CheckLookupInput, meta: CheckMeta): Promise<CheckView> {
  return (await prove(db, input, meta, "lookup")).view;
}

export interface FeedbackResult {
  id: string;
  kind: FeedbackKind;
  at: Date;
}

/** The resident confirms the household as shown; the proof is given again, so there is no session. */
export async function confirmHousehold(
  db: Db,
  input: CheckLookupInput,
  meta: CheckMeta,
): Promise<FeedbackResult> {
  const proof = await prove(db, input, meta, "confirm");
  const [row] = await db
    .insert(residentFeedback)
    .values({
      campaignId: proof.campaignId,
      householdId: proof.householdId,
      gridId: proof.gridId,
      kind: "confirm",
      createdAt: meta.now,
    })
    .returning({ id: residentFeedback.id, at: residentFeedback.createdAt });
  return { id: row.id, kind: "confirm", at: row.at };
}

/**
 * Disputes one household may send in a calendar day (in China). A dispute lands in the officer's
 * revisit list and the supervisors' inbox; anyone holding the slip could otherwise bury both under
 * hundreds. Three leave room for members disputing their own particulars; more can wait a day, or go
 * to community staff directly (the message says so). Counted in the database, so every instance holds
 * the same limit.
 */
export const DISPUTES_PER_HOUSEHOLD_PER_DAY = 3;
/** China keeps UTC+8 all year (no summer time), so its calendar day needs no time zone table. */
const CHINA_OFFSET_MS = 8 * 60 * MINUTE_MS;

/** The calendar day in China that `now` falls in, as [start, end). */
function chinaDay(now: Date): [Date, Date] {
  const start = Math.floor((now.getTime() + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  return [new Date(start), new Date(start + DAY_MS)];
}

/** The resident disputes fields of the household or of named members, with a comment and maybe a phone. */
export async function disputeHousehold(
  db: Db,
  input: CheckDisputeInput,
  meta: CheckMeta,
): Promise<FeedbackResult> {
  const proof = await prove(db, input, meta, "dispute");
  const memberIds = new Set(proof.view.members.map((m) => m.id));
  if (input.fields.some((f) => f.personId !== null && !memberIds.has(f.personId))) {
    throw new AppError("BAD_REQUEST", "check.badPerson");
  }
  const [dayStart, dayEnd] = chinaDay(meta.now);
  const row = await db.transaction(async (tx) => {
    // The household's disputes are counted and the new one written under one lock per household (held
    // to the commit, on every instance), so a burst cannot all count the same few and all be written.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`resident_dispute:${proof.householdId}`}, 0))`,
    );
    const [{ n }] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        select count(*)::int as n from resident_feedback
        where household_id = ${proof.householdId} and kind = 'dispute'
          and created_at >= ${dayStart.toISOString()}::timestamptz and created_at < ${dayEnd.toISOString()}::timestamptz`),
    );
    if (n >= DISPUTES_PER_HOUSEHOLD_PER_DAY) {
      throw new AppError("TOO_MANY_REQUESTS", "check.disputeLimit", {
        count: DISPUTES_PER_HOUSEHOLD_PER_DAY,
      });
    }
    const [inserted] = await tx
      .insert(residentFeedback)
      .values({
        campaignId: proof.campaignId,
        householdId: proof.householdId,
        gridId: proof.gridId,
        kind: "dispute",
        fields: input.fields.map((f) => ({ personId: f.personId, field: f.field, comment: f.comment })),
        comment: input.comment || null,
        phone: input.phone,
        createdAt: meta.now,
      })
      .returning({ id: residentFeedback.id, at: residentFeedback.createdAt });
    return inserted;
  });
  return { id: row.id, kind: "dispute", at: row.at };
}
