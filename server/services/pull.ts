import "server-only";
import { and, asc, desc, eq, getTableColumns, isNotNull, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import {
  areas,
  assignments,
  buildings,
  campaigns,
  campaignTargets,
  changes,
  deviceGrids,
  devices,
  householdCodes,
  households,
  persons,
  questionnaires,
  rentals,
  rentalTenants,
  residentFeedback,
  rooms,
  targetAssignments,
  units,
  visits,
} from "@/db/schema";
import { sameValue } from "@/domain/merge";
import {
  ENTITY_OF_PULL_TABLE,
  PULL_COLUMNS,
  PULL_FORMAT,
  PULL_LIMIT_DEFAULT,
  PULL_TABLES,
  type PulledConflict,
  type PullGrid,
  type PullQuestionnaire,
  type PullResponse,
  type PullTableName,
  REGISTER_PULL_TABLES,
} from "@/domain/pull";
import { type PullCursor, pullCursorSchema } from "@/domain/pull-input";
import { encodePullRows, type PullRecord, type PullTables } from "@/domain/wire";
import { AppError } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { columnForm, toColumn } from "./register-values";
import { assignedGridIds, coveredGridIds } from "./scope";
import { namedSetters } from "./setters";

const TABLES = {
  buildings,
  rooms,
  households,
  persons,
  units,
  rentals,
  rentalTenants,
  visits,
  householdCodes,
  residentFeedback,
  campaignTargets,
} as const satisfies Record<PullTableName, PgTable>;

/** Tables whose rows belong to one campaign: only the pulled campaign's go out. */
const CAMPAIGN_OF: Partial<Record<PullTableName, PgColumn>> = {
  visits: visits.campaignId,
  householdCodes: householdCodes.campaignId,
  residentFeedback: residentFeedback.campaignId,
  campaignTargets: campaignTargets.campaignId,
};

// The wire's column names are the schema's property names; this fails to compile when one drifts.
const _columnsExist: {
  [K in PullTableName]: readonly (keyof (typeof TABLES)[K]["_"]["columns"])[];
} = PULL_COLUMNS;

interface Source {
  table: PgTable;
  id: PgColumn;
  gridId: PgColumn;
  changeXid: PgColumn;
  endedAt: PgColumn | null;
  selection: Record<string, PgColumn>;
}

const SOURCES = Object.fromEntries(
  PULL_TABLES.map((name) => {
    const table = TABLES[name];
    const all = getTableColumns(table) as Record<string, PgColumn>;
    const selection: Record<string, PgColumn> = { _xid: all.changeXid };
    for (const column of PULL_COLUMNS[name]) selection[column] = all[column];
    const source: Source = {
      table,
      id: all.id,
      gridId: all.gridId,
      changeXid: all.changeXid,
      endedAt: all.endedAt ?? null,
      selection,
    };
    return [name, source];
  }),
) as Record<PullTableName, Source>;

/** What a tombstone keeps: enough to find and drop the row, nothing about the person or place. */
const TOMBSTONE_COLUMNS = new Set(["id", "gridId", "version", "endedAt", "endReason"]);

export interface PullOptions {
  campaignId?: string;
  /** Only the campaign's own tables, not the register (see pullInputSchema). */
  campaignOnly?: boolean;
  /** With campaignOnly: the campaign whose pull brings the phone its register (see pullInputSchema). */
  registerCampaignId?: string;
  deviceId?: string;
  cursor?: string | null;
  limit?: number;
}

export interface PullMeta {
  ip: string;
  now: Date;
}

// ---------------------------------------------------------------------------------------------
// Cursor

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(cursor: PullCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** A cursor the phone cannot have got from us is refused in words, never a 500. */
export function decodeCursor(text: string): PullCursor {
  const refuse = () => new AppError("BAD_REQUEST", "sync.badCursor");
  // Buffer skips characters outside the alphabet silently; check first so junk cannot half-decode.
  if (!BASE64URL.test(text)) throw refuse();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  const parsed = pullCursorSchema.safeParse(json);
  if (!parsed.success) throw refuse();
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Whose grids

/**
 * Open campaigns the caller has an active assignment in, or targets moved to them (cover), newest
 * first: what a phone may download.
 */
export async function openCampaignsOf(db: Db, user: SessionUser) {
  const assigned = sql`exists (select 1 from ${assignments} a where a.campaign_id = ${campaigns.id}
    and a.officer_id = ${user.id} and a.ended_at is null)`;
  const covering = sql`exists (select 1 from ${targetAssignments} ta
    join ${campaignTargets} t on t.id = ta.target_id and t.state = 'open'
    where ta.campaign_id = ${campaigns.id} and ta.officer_id = ${user.id} and ta.ended_at is null)`;
  return db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      startsOn: campaigns.startsOn,
      endsOn: campaigns.endsOn,
      createdAt: campaigns.createdAt,
    })
    .from(campaigns)
    .where(and(eq(campaigns.status, "open"), sql`(${assigned} or ${covering})`))
    .orderBy(desc(campaigns.startsOn), desc(campaigns.createdAt));
}

/**
 * The campaign asked for; else the one the cursor is on while it is still open and assigned (so
 * two overlapping campaigns do not flap); else the newest open campaign the caller is assigned in.
 */
async function resolveCampaign(
  tx: Db,
  user: SessionUser,
  requested: string | undefined,
  held: string | null,
): Promise<string | null> {
  if (requested) return requested;
  const open = await openCampaignsOf(tx, user);
  if (held && open.some((campaign) => campaign.id === held)) return held;
  return open[0]?.id ?? null;
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

async function gridRows(tx: Db, gridIds: string[]): Promise<PullGrid[]> {
  if (gridIds.length === 0) return [];
  const rows = await tx
    .select({
      id: areas.id,
      code: areas.code,
      name: areas.name,
      boundary: areas.boundary,
      centerLat: areas.centerLat,
      centerLng: areas.centerLng,
    })
    .from(areas)
    // One array parameter rather than an IN list: any number of grids stays one bind parameter.
    .where(sql`${areas.id} = any(${sql.param(gridIds)}::uuid[])`)
    .orderBy(asc(areas.code));
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    name: row.name,
    // A tenth of a metre is finer than any phone's GPS; the generator's 15 digits are not.
    boundary: row.boundary
      ? {
          type: "Polygon",
          coordinates: row.boundary.coordinates.map((ring) => ring.map((point) => point.map(round6))),
        }
      : null,
    center: row.centerLat !== null && row.centerLng !== null ? [row.centerLat, row.centerLng] : null,
  }));
}

/** The campaign's newest published questionnaire version (a draft never reaches a phone), or null. */
async function questionnaireInForce(tx: Db, campaignId: string): Promise<PullQuestionnaire | null> {
  const [row] = await tx
    .select({
      version: questionnaires.version,
      title: questionnaires.title,
      definition: questionnaires.definition,
    })
    .from(questionnaires)
    .where(and(eq(questionnaires.campaignId, campaignId), isNotNull(questionnaires.publishedAt)))
    .orderBy(desc(questionnaires.version))
    .limit(1);
  return row ? { ...row, definition: row.definition as PullQuestionnaire["definition"] } : null;
}

// ---------------------------------------------------------------------------------------------
// The round

interface Plan {
  /** Every grid pulled now, with the stamp it is complete below. */
  floors: Map<string, bigint>;
  dropGridIds: string[];
  ceiling: bigint;
  table: number;
  after: [string, string] | null;
  /** True when this page opens a round (rather than continuing one). */
  opensRound: boolean;
}

function planRound(
  held: PullCursor | null,
  campaignId: string | null,
  gridIds: string[],
  xmin: bigint,
  /** Covered grids whose rooms grew since the phone's floor: pulled again from zero, as if joining. */
  regrown: string[] = [],
  campaignOnly = false,
): Plan {
  // A cursor of the other kind (with or without the register) says nothing of what this pull sends.
  const sameCampaign = held !== null && held.campaignId === campaignId && (held.co === true) === campaignOnly;
  const heldFloors = new Map<string, bigint>();
  for (const [floor, ids] of held?.floors ?? []) for (const id of ids) heldFloors.set(id, BigInt(floor));
  for (const id of regrown) heldFloors.delete(id);
  const current = new Set(gridIds);
  const dropGridIds = [...heldFloors.keys()].filter((id) => !current.has(id)).sort();
  // Another campaign brings other visits: everything starts again from zero.
  const floors = new Map(gridIds.map((id) => [id, sameCampaign ? (heldFloors.get(id) ?? 0n) : 0n]));
  const joined = gridIds.some((id) => !sameCampaign || !heldFloors.has(id));
  // A round in progress goes on unless a grid joined, which must start from the first table; the
  // grids already held then repeat part of a round, which the phone's upserts absorb.
  if (sameCampaign && held.range && !joined) {
    const ceiling = BigInt(held.range.ceiling);
    return {
      floors,
      dropGridIds,
      // Never above what is finished now, whatever a cursor claims.
      ceiling: minXid(ceiling, xmin),
      table: held.range.table,
      after: held.range.after,
      opensRound: false,
    };
  }
  return { floors, dropGridIds, ceiling: xmin, table: 0, after: null, opensRound: true };
}

// Math.min and Math.max refuse bigints.
const minXid = (a: bigint, b: bigint) => (a < b ? a : b);
const maxXid = (a: bigint, b: bigint) => (a > b ? a : b);

function groupFloors(floors: Map<string, bigint>): [string, string[]][] {
  const groups = new Map<bigint, string[]>();
  for (const [id, floor] of floors) groups.set(floor, [...(groups.get(floor) ?? []), id]);
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([floor, ids]) => [floor.toString(), ids.sort()]);
}

/** The rooms of the open targets moved to the caller in the campaign (cover), as a subquery. */
function coveredRooms(user: SessionUser, campaignId: string): SQL {
  return sql`select ct.room_id from ${campaignTargets} ct
    join ${targetAssignments} ta on ta.target_id = ct.id and ta.ended_at is null and ta.officer_id = ${user.id}
    where ct.campaign_id = ${campaignId} and ct.state = 'open'`;
}

/**
 * A table's rows that belong to the `covered` rooms: what a phone needs of a grid it holds only
 * through cover, rather than the whole grid's register.
 */
function roomCut(name: PullTableName, covered: SQL): SQL {
  const householdsThere = sql`select h.id from ${households} h where h.room_id in (${covered})`;
  switch (name) {
    case "buildings":
      return sql`${buildings.id} in (select r.building_id from ${rooms} r where r.id in (${covered}))`;
    case "rooms":
      return sql`${rooms.id} in (${covered})`;
    case "households":
      return sql`${households.roomId} in (${covered})`;
    case "persons":
      return sql`(${persons.roomId} in (${covered}) or ${persons.householdId} in (${householdsThere}))`;
    case "units":
      return sql`${units.roomId} in (${covered})`;
    case "rentals":
      return sql`${rentals.roomId} in (${covered})`;
    case "rentalTenants":
      return sql`${rentalTenants.rentalId} in (select x.id from ${rentals} x where x.room_id in (${covered}))`;
    case "visits":
      return sql`${visits.roomId} in (${covered})`;
    case "householdCodes":
      return sql`${householdCodes.householdId} in (${householdsThere})`;
    case "residentFeedback":
      return sql`${residentFeedback.householdId} in (${householdsThere})`;
    case "campaignTargets":
      return sql`${campaignTargets.roomId} in (${covered})`;
  }
}

/**
 * Covered grids the phone holds whose covered rooms grew since its floor there (a target moved to the
 * caller since: the move stamps the target). The rows of the new rooms are older than the floor, so
 * the grid is pulled again from zero; the phone's upserts absorb what it already has.
 */
async function coverGrown(
  tx: Db,
  user: SessionUser,
  campaignId: string,
  held: PullCursor | null,
  coverOnly: Set<string>,
): Promise<string[]> {
  if (!held || held.campaignId !== campaignId || coverOnly.size === 0) return [];
  const grown: string[] = [];
  for (const [floor, ids] of held.floors) {
    const mine = ids.filter((id) => coverOnly.has(id));
    if (mine.length === 0 || BigInt(floor) === 0n) continue;
    const rows = rowsOf<{ gridId: string }>(
      await tx.execute(sql`select distinct ct.grid_id as "gridId" from ${campaignTargets} ct
        join ${targetAssignments} ta on ta.target_id = ct.id and ta.ended_at is null and ta.officer_id = ${user.id}
        where ct.campaign_id = ${campaignId} and ct.state = 'open'
          and ct.grid_id = any(${sql.param(mine)}::uuid[]) and ct.change_xid >= ${floor}::bigint`),
    );
    grown.push(...rows.map((row) => row.gridId));
  }
  return grown;
}

/**
 * Whether a campaign_targets row is the caller's now: moved to them, or not moved and in a grid they
 * hold (`heldGridIds`). See db/schema.ts targetAssignments.
 */
function targetsOf(user: SessionUser, heldGridIds: string[]): SQL {
  const active = (who: SQL) => sql`exists (select 1 from ${targetAssignments} ta
    where ta.target_id = ${campaignTargets.id} and ta.ended_at is null${who})`;
  return sql`(${active(sql` and ta.officer_id = ${user.id}`)} or (not ${active(sql``)}
    and ${campaignTargets.gridId} = any(${sql.param(heldGridIds)}::uuid[])))`;
}

/**
 * Rows of one table in [floor, ceiling) per floor group, after the keyset position, in (stamp, id)
 * order. A grid pulled from zero gets no tombstones: the phone has nothing of it to drop.
 */
function readTable(
  tx: Db,
  name: PullTableName,
  groups: [string, string[]][],
  ceiling: bigint,
  after: [string, string] | null,
  campaignId: string,
  limit: number,
  cut: { mine: SQL; coverOnly: Set<string>; covered: SQL | null },
): Promise<Record<string, unknown>[]> {
  const { mine } = cut;
  const source = SOURCES[name];
  // A target that is not the caller's (moved to a colleague, or in a grid they only cover for other
  // targets) goes out as a tombstone, so a phone that held it drops it; one pulled from zero not at all.
  const targetEnd =
    name === "campaignTargets"
      ? sql`case when ${mine} then ${campaignTargets.endedAt} else coalesce(${campaignTargets.endedAt}, now()) end`.mapWith(
          campaignTargets.endedAt,
        )
      : null;
  const endedAt = targetEnd ?? source.endedAt;
  // A grid held only through cover: only the rows of the covered rooms.
  const inGrids = (ids: string[]) => {
    const whole = ids.filter((id) => !cut.coverOnly.has(id));
    const rooms = ids.filter((id) => cut.coverOnly.has(id));
    const parts: SQL[] = [];
    if (whole.length > 0) parts.push(sql`${source.gridId} = any(${sql.param(whole)}::uuid[])`);
    if (rooms.length > 0 && cut.covered)
      parts.push(
        sql`(${source.gridId} = any(${sql.param(rooms)}::uuid[]) and ${roomCut(name, cut.covered)})`,
      );
    return parts.length === 1 ? parts[0] : sql`(${sql.join(parts, sql` or `)})`;
  };
  const byFloor = groups.map(([floor, ids]) =>
    and(
      inGrids(ids),
      sql`${source.changeXid} >= ${floor}::bigint`,
      BigInt(floor) === 0n && endedAt ? sql`${endedAt} is null` : undefined,
    ),
  );
  return tx
    .select(targetEnd ? { ...source.selection, endedAt: targetEnd } : source.selection)
    .from(source.table)
    .where(
      and(
        byFloor.length === 1 ? byFloor[0] : or(...byFloor),
        sql`${source.changeXid} < ${ceiling.toString()}::bigint`,
        after
          ? sql`(${source.changeXid}, ${source.id}) > (${after[0]}::bigint, ${after[1]}::uuid)`
          : undefined,
        CAMPAIGN_OF[name] ? eq(CAMPAIGN_OF[name], campaignId) : undefined,
      ),
    )
    .orderBy(asc(source.changeXid), asc(source.id))
    .limit(limit);
}

/**
 * The phone sees what the push judges against: the register with the corrections still waiting for
 * review laid over it, oldest first. So an officer's own corrections survive a new download, and a
 * second phone on the grid builds on them instead of meeting them as a conflict. (The push touches
 * the stamp of every row it leaves a pending correction on, so the rows come down again.)
 */
async function layPendingOverPulled(tx: Db, name: PullTableName, rows: Record<string, unknown>[]) {
  const entity = ENTITY_OF_PULL_TABLE[name];
  if (!entity || rows.length === 0) return;
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  const pending = await tx
    .select({ entityId: changes.entityId, field: changes.field, observedValue: changes.observedValue })
    .from(changes)
    .where(
      and(
        eq(changes.status, "pending"),
        eq(changes.entity, entity),
        sql`${changes.entityId} = any(${sql.param([...byId.keys()])}::uuid[])`,
      ),
    )
    .orderBy(asc(changes.seq));
  for (const change of pending) {
    const row = byId.get(change.entityId);
    if (row && change.field !== "*" && change.field in row)
      row[change.field] = toColumn(change.field, change.observedValue);
  }
}

/**
 * The caller's own conflicts — on corrections of their visits in the campaign, recorded on any of
 * their phones — whose state changed in the round's range of stamps, per grid floor like the rows.
 *
 * Why the pull, and why by stamp: a conflict can arise where no phone is listening (an approval that
 * finds the register moved since the push), and a push answer reaches only the phone that pushed, so
 * the officer's other phones never heard of it; nor of a settlement made elsewhere. Change rows are
 * stamped by the same trigger as the register, so what changed since a phone's floor comes down once,
 * read below the snapshot's xmin like everything else (a settlement committing late is not skipped),
 * and a round interrupted and resumed, or a page stored twice, only repeats what the phone upserts.
 * They come on the page that ends the round, when every grid's range is complete. A grid pulled from
 * zero gets only the open ones: a settlement is news only to a phone that may have shown the conflict,
 * or held the value it set aside.
 */
async function readConflicts(
  tx: Db,
  user: SessionUser,
  deviceId: string | undefined,
  campaignId: string,
  groups: [string, string[]][],
  ceiling: bigint,
): Promise<PulledConflict[]> {
  const byFloor = groups.map(([floor, ids]) =>
    and(
      sql`${changes.gridId} = any(${sql.param(ids)}::uuid[])`,
      sql`${changes.changeXid} >= ${floor}::bigint`,
      BigInt(floor) === 0n ? eq(changes.status, "conflict") : undefined,
    ),
  );
  const rows = await tx
    .select({
      change: changes,
      roomId: visits.roomId,
      recordedOn: visits.deviceId,
    })
    .from(changes)
    .innerJoin(visits, eq(visits.id, changes.visitId))
    .where(
      and(
        byFloor.length === 1 ? byFloor[0] : or(...byFloor),
        sql`${changes.changeXid} < ${ceiling.toString()}::bigint`,
        sql`${changes.status} in ('conflict', 'resolved')`,
        eq(visits.officerId, user.id),
        eq(visits.campaignId, campaignId),
      ),
    )
    .orderBy(asc(changes.changeXid), asc(changes.id));
  if (rows.length === 0) return [];
  const setBy = await namedSetters(
    tx,
    user,
    rows.map(({ change }) => ({ from: change.serverFrom, userId: change.serverSetBy })),
  );
  const settledBy = await namedSetters(
    tx,
    user,
    rows.map(({ change }) => ({ from: change.resolvedBy ? "user" : null, userId: change.resolvedBy })),
  );
  return rows.map(({ change, roomId, recordedOn }, index): PulledConflict => {
    const base = {
      changeId: change.id,
      visitId: change.visitId,
      roomId,
      gridId: change.gridId,
      entity: change.entity,
      entityId: change.entityId,
      field: change.field,
      registerValue: change.registerValue,
      serverValue: change.serverValue,
      observedValue: change.observedValue,
      setBy: setBy[index],
    };
    if (change.status === "conflict") return { ...base, state: "open" };
    const setAside = !sameValue(
      columnForm(change.field, change.resolvedValue),
      columnForm(change.field, change.observedValue),
    );
    // The phone that recorded the value is told it was set aside, unless it made that choice itself;
    // the officer's other phones only drop the conflict from their list.
    const told = !!deviceId && recordedOn === deviceId && change.resolvedDeviceId !== deviceId;
    return {
      ...base,
      state: "settled",
      settledValue: change.resolvedValue,
      settledBy: settledBy[index],
      ...(setAside && told ? { notice: true } : {}),
    };
  });
}

/** ISO to the second: the phone needs no milliseconds, and every byte crosses a weak signal. */
function wire(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return `${value.toISOString().slice(0, 19)}Z`;
  return value;
}

/** A row as it crosses the wire: every column, a tombstone with only what finds and drops it. */
function wireRecord(name: PullTableName, row: Record<string, unknown>): PullRecord {
  const record: PullRecord = {};
  for (const column of PULL_COLUMNS[name]) {
    record[column] = row.endedAt && !TOMBSTONE_COLUMNS.has(column) ? null : wire(row[column]);
  }
  return record;
}

/**
 * One page of the caller's grids: every register row changed since the cursor, tombstones included.
 *
 * Rows are stamped with their writer's transaction id, and ids are handed out before commit, so a
 * smaller stamp can become visible after a larger one was pulled. Reading only below the snapshot's
 * xmin (every transaction below it has ended) closes that hole; the snapshot and the rows come from
 * one REPEATABLE READ transaction so they agree. The ceiling stays fixed while a round is paged, and
 * becomes the next floor once the round is done.
 *
 * The officer's own grid goes out unmasked (they compare ID numbers at the door), so each page that
 * carries rows is one audited read.
 */
export async function pullChanges(
  db: Db,
  user: SessionUser,
  options: PullOptions,
  meta: PullMeta,
): Promise<PullResponse> {
  const held = options.cursor ? decodeCursor(options.cursor) : null;
  const limit = options.limit ?? PULL_LIMIT_DEFAULT;
  if (options.deviceId) {
    // A phone marked lost or retired gets no register data: it is to erase what it holds.
    const [marked] = await db
      .select({ markedAs: devices.markedAs })
      .from(devices)
      .where(and(eq(devices.id, options.deviceId), isNotNull(devices.markedAs)));
    if (marked) throw new AppError("FORBIDDEN", "device.marked");
  }

  return db.transaction(
    async (transaction) => {
      const tx = transaction as unknown as Db;
      // The first statement fixes the transaction's snapshot; its xmin is the ceiling of a new round.
      const [{ xmin }] = rowsOf<{ xmin: string }>(
        await tx.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`),
      );
      const campaignId = await resolveCampaign(tx, user, options.campaignId, held?.campaignId ?? null);
      const heldGridIds = campaignId ? await assignedGridIds(tx, user, campaignId) : [];
      // The grids of targets moved to the caller come too, with only those targets (targetsOf) and
      // the register rows of their rooms (roomCut).
      const coverOnly = new Set(
        campaignId
          ? (await coveredGridIds(tx, user, campaignId)).filter((id) => !heldGridIds.includes(id))
          : [],
      );
      const gridIds = [...new Set([...heldGridIds, ...coverOnly])].sort();
      const mine = targetsOf(user, heldGridIds);
      const covered = campaignId ? coveredRooms(user, campaignId) : null;
      const regrown = campaignId ? await coverGrown(tx, user, campaignId, held, coverOnly) : [];
      const campaignOnly = options.campaignOnly === true;
      // The grids whose register this pull leaves out: those the caller holds whole in the campaign
      // that brings the phone its register (all of them when the phone does not say which). A grid of
      // this campaign alone, or only covered there, comes with its register rows here. A grid left out
      // before and no longer is pulled again from zero, register and all.
      const registerFrom =
        campaignOnly && options.registerCampaignId && options.registerCampaignId !== campaignId
          ? options.registerCampaignId
          : null;
      const registerHeld = registerFrom ? await assignedGridIds(tx, user, registerFrom) : [];
      const registerLeftOut = campaignOnly
        ? gridIds.filter((id) => !registerFrom || registerHeld.includes(id))
        : [];
      const leftOutBefore = held?.co ? (held.ro ?? gridIds) : [];
      const plan = planRound(
        held,
        campaignId,
        gridIds,
        BigInt(xmin),
        [...regrown, ...leftOutBefore.filter((id) => gridIds.includes(id) && !registerLeftOut.includes(id))],
        campaignOnly,
      );
      // A grid this pull drops whose register came with it: the phone erases that register too, unless
      // the register's own campaign holds the grid in any way (then its pull keeps or drops it).
      // Its assigned grids are registerHeld already; only the covered ones are asked for here.
      const registerKept = registerFrom
        ? new Set([...registerHeld, ...(await coveredGridIds(tx, user, registerFrom))])
        : null;
      const dropRegisterGridIds = registerKept
        ? plan.dropGridIds.filter((id) => !registerKept.has(id) && !leftOutBefore.includes(id))
        : [];
      if (options.deviceId && campaignId && gridIds.length > 0) {
        // From its first pull the device holds these grids: late visits from it still count.
        await tx
          .insert(deviceGrids)
          .values(
            gridIds.map((gridId) => ({
              deviceId: options.deviceId as string,
              userId: user.id,
              campaignId,
              gridId,
            })),
          )
          .onConflictDoNothing();
      }
      const groups = groupFloors(plan.floors);
      const leftOut = new Set(registerLeftOut);
      const registerGroups = groups
        .map(([floor, ids]): [string, string[]] => [floor, ids.filter((id) => !leftOut.has(id))])
        .filter(([, ids]) => ids.length > 0);
      // The definition is sent only when the phone's differs (another campaign, a new version, a
      // cursor from before questionnaires): it can be large, and most pulls are quick syncs.
      const questionnaire = campaignId ? await questionnaireInForce(tx, campaignId) : null;
      const [target] = campaignId
        ? await tx.select({ kind: campaigns.targetKind }).from(campaigns).where(eq(campaigns.id, campaignId))
        : [];
      const questionnaireChanged =
        held === null ||
        held.campaignId !== campaignId ||
        (held.co === true) !== campaignOnly ||
        (held.qv ?? null) !== (questionnaire?.version ?? null);

      const records: PullTables = {};
      const counts: Partial<Record<PullTableName, number>> = {};
      let remaining = limit;
      let stop: { table: number; after: [string, string] | null } | null = null;
      if (campaignId && groups.length > 0) {
        for (let index = plan.table; index < PULL_TABLES.length; index++) {
          const name = PULL_TABLES[index];
          // The phone holds these grids' register from its pull of the register's campaign.
          const tableGroups = REGISTER_PULL_TABLES.has(name) ? registerGroups : groups;
          if (tableGroups.length === 0) continue;
          const after = index === plan.table ? plan.after : null;
          // One more than fits tells whether the table goes on; with nothing left it is a probe.
          const rows = await readTable(
            tx,
            name,
            tableGroups,
            plan.ceiling,
            after,
            campaignId,
            remaining + 1,
            {
              mine,
              coverOnly,
              covered,
            },
          );
          const taken = rows.slice(0, remaining);
          await layPendingOverPulled(tx, name, taken);
          if (taken.length > 0) {
            records[name] = taken.map((row) => wireRecord(name, row));
            counts[name] = taken.length;
            remaining -= taken.length;
          }
          if (rows.length > taken.length) {
            const last = taken.at(-1);
            stop = { table: index, after: last ? [String(last._xid), String(last.id)] : after };
            break;
          }
        }
      }

      // The round is done: the caller's conflicts that changed in it (see readConflicts).
      const conflicts =
        !stop && campaignId && groups.length > 0
          ? await readConflicts(tx, user, options.deviceId, campaignId, groups, plan.ceiling)
          : [];

      const grids = plan.opensRound
        ? await gridRows(
            tx,
            gridIds.filter((id) => plan.floors.get(id) === 0n),
          )
        : [];

      // Once the round is done every grid is complete below its ceiling.
      const nextFloors = stop
        ? plan.floors
        : new Map([...plan.floors].map(([id, floor]) => [id, maxXid(floor, plan.ceiling)]));
      const cursor: PullCursor = {
        v: 1,
        campaignId,
        ...(campaignOnly ? { co: true as const, ro: registerLeftOut } : {}),
        floors: groupFloors(nextFloors),
        ...(questionnaire ? { qv: questionnaire.version } : {}),
        ...(stop
          ? { range: { ceiling: plan.ceiling.toString(), table: stop.table, after: stop.after } }
          : {}),
      };

      if (Object.keys(counts).length > 0 || grids.length > 0 || conflicts.length > 0) {
        await writeAudit(tx, {
          userId: user.id,
          action: "pull",
          entity: "campaign",
          entityId: campaignId ?? undefined,
          areaPath: user.areaPath,
          ip: meta.ip,
          detail: {
            campaignId,
            ...(campaignOnly ? { campaignOnly } : {}),
            gridIds,
            grids: grids.length,
            rows: counts,
            conflicts: conflicts.length,
            hasMore: stop !== null,
          },
        });
      }

      return {
        format: PULL_FORMAT,
        cursor: encodeCursor(cursor),
        hasMore: stop !== null,
        serverTime: meta.now.toISOString(),
        campaignId,
        targeted: target?.kind === "query" || target?.kind === "file",
        ...(grids.length > 0 ? { grids } : {}),
        dropGridIds: plan.dropGridIds,
        ...(dropRegisterGridIds.length > 0 ? { dropRegisterGridIds } : {}),
        ...(questionnaireChanged ? { questionnaire } : {}),
        // Grouped by what rows hang off, references within the page as indexes: see domain/wire.ts.
        rows: encodePullRows(records),
        ...(conflicts.length > 0 ? { conflicts } : {}),
      };
    },
    { isolationLevel: "repeatable read" },
  );
}
