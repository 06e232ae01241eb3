import "server-only";
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import {
  areas,
  buildings,
  campaignAreas,
  campaigns,
  campaignTargets,
  changes,
  households,
  residentFeedback,
  rooms,
  users,
  visits,
} from "@/db/schema";
import {
  type BuildingStatus,
  buildingStatus,
  type CompletionAreaRow,
  type CompletionBuildingRow,
  type CompletionCounts,
  type CompletionPayload,
  type CompletionTrailStep,
  encodeAreaCompletion,
  encodeCompletion,
  isAreaView,
  roomCompletionStatus,
} from "@/domain/completion";
import { attemptNumbers, latestVisit, REVISIT_OUTCOMES, roomCountState } from "@/domain/counts";
import type { ReviewState } from "@/domain/visit";
import type { RoomStatus } from "@/domain/worklist";
import { notFound } from "../errors";
import type { SessionUser } from "./auth";
import { rollupReader } from "./rollup";
import { areaInScope, areaTrail, inScope } from "./scope";
import { countsTargets } from "./targets";

/**
 * The supervisor's completion map: every building under the caller's area with its room counts (one
 * set-based statement, columns of small numbers), the boundaries to draw, and one building's rooms.
 * The filters choose which visits count; a room's state comes from its latest counted visit
 * (domain/completion.ts has the rule). Every id given is checked against the caller's area first:
 * outside it, or missing, is NOT_FOUND.
 */

export interface CompletionFilters {
  campaignId?: string;
  /** A street, community or grid under the caller's area: the map is cut to it. */
  areaId?: string;
  officerId?: string;
  outcome?: string;
  /** YYYY-MM-DD, China time, inclusive. */
  from?: string;
  to?: string;
}

/** Dates are the supervisor's calendar days in China (UTC+8, no daylight saving). */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
const dayAfter = (day: string) =>
  new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();

/** A campaign the caller may filter by: one that covers some place under (or above) their area. */
async function checkCampaign(db: Db, user: SessionUser, campaignId: string): Promise<void> {
  const [row] = await db
    .select({ id: campaignAreas.campaignId })
    .from(campaignAreas)
    .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
    .where(
      and(
        eq(campaignAreas.campaignId, campaignId),
        sql`(starts_with(${areas.path}, ${user.areaPath}) or starts_with(${user.areaPath}, ${areas.path}))`,
      ),
    )
    .limit(1);
  if (!row) throw notFound();
}

/** An officer the caller may filter by: a user whose area lies under the caller's. */
async function checkOfficer(db: Db, user: SessionUser, officerId: string): Promise<void> {
  const [row] = await db
    .select({ path: areas.path })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.id, officerId));
  if (!row || !inScope(user, row.path)) throw notFound();
}

async function checkFilters(db: Db, user: SessionUser, filters: CompletionFilters) {
  const area = await areaInScope(db, user, filters.areaId);
  if (filters.campaignId) await checkCampaign(db, user, filters.campaignId);
  if (filters.officerId) await checkOfficer(db, user, filters.officerId);
  return area;
}

/**
 * A room's state as domain/counts.ts roomCountState defines it, from its latest visit (alias `l`, null
 * when none) and its newest open dispute's time (null when none), both compared to the second.
 */
export function roomStateSql(l: SQL, disputedAt: SQL, revisitList: SQL): SQL {
  return sql`case
    when ${l}.review_state = 'returned' then 'returned'
    when ${disputedAt} is not null and (${l}.room_id is null
      or date_trunc('second', ${disputedAt}) > date_trunc('second', ${l}.visited_at)) then 'revisit'
    when ${l}.room_id is null then 'todo'
    when ${l}.outcome = any(${revisitList}) then 'revisit'
    else 'checked' end`;
}

/**
 * Which residents' disputes count, on resident_feedback aliased `f`: open ones, of the campaign when one
 * is chosen. A dispute is no visit, so a filter on visits (officer, outcome, days) leaves them out.
 */
function disputeFilter(f: CompletionFilters): SQL {
  if (f.officerId || f.outcome || f.from || f.to) return sql`false`;
  const parts: SQL[] = [sql`f.kind = 'dispute'`, sql`f.handled_at is null`];
  if (f.campaignId) parts.push(sql`f.campaign_id = ${f.campaignId}`);
  return sql.join(parts, sql` and `);
}

/** Which visits count, on a visits table aliased `v`. */
function visitFilter(f: CompletionFilters): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.campaignId) parts.push(sql`v.campaign_id = ${f.campaignId}`);
  if (f.officerId) parts.push(sql`v.officer_id = ${f.officerId}`);
  if (f.outcome) parts.push(sql`v.outcome = ${f.outcome}`);
  if (f.from) parts.push(sql`v.visited_at >= ${dayStart(f.from)}::timestamptz`);
  if (f.to) parts.push(sql`v.visited_at < ${dayAfter(f.to)}::timestamptz`);
  return sql.join(parts, sql` and `);
}

/**
 * The grids on the map, as a CTE named `g` (id, path): under the scope path; with a campaign, only
 * grids the campaign covers; with an officer, only grids they are assigned to or have visited.
 */
function gridsCte(path: string, f: CompletionFilters): SQL {
  const parts: SQL[] = [sql`a.level = 'grid'`, sql`starts_with(a.path, ${path})`];
  if (f.campaignId) {
    parts.push(sql`exists (
      select 1 from campaign_areas ca join areas c on c.id = ca.area_id
      where ca.campaign_id = ${f.campaignId}
        and (starts_with(a.path, c.path) or starts_with(c.path, a.path)))`);
  }
  if (f.officerId) {
    const inCampaign = (alias: string) =>
      f.campaignId ? sql`and ${sql.raw(alias)}.campaign_id = ${f.campaignId}` : sql``;
    parts.push(sql`(
      a.id in (select s.grid_id from assignments s
               where s.officer_id = ${f.officerId} and s.ended_at is null ${inCampaign("s")})
      or a.id in (select ov.grid_id from visits ov where ov.officer_id = ${f.officerId} ${inCampaign("ov")}))`);
  }
  return sql`g as (select a.id, a.path from areas a where ${sql.join(parts, sql` and `)})`;
}

/**
 * Each room under the grids `g` in its state as domain/counts.ts defines it — from its latest counted
 * visit, newest open dispute and unsettled conflicts — as the CTE `room_states` (id, building_id,
 * grid_path, visited, conflict, review_state, state), after the CTEs it needs. `targeted` (the filters'
 * campaign counts its targets, targets.ts countsTargets): one row per open target of the campaign, in
 * its room's state, and no row for a room without one — so a building is counted and coloured by its
 * targets (domain/counts.ts countTargets).
 */
export function roomStatesCte(filters: CompletionFilters, targeted: boolean): SQL {
  const counted = visitFilter(filters);
  const revisitList = sql`${sql.param([...REVISIT_OUTCOMES])}::text[]`;
  return sql`
      latest as (
        select distinct on (v.room_id) v.room_id, v.review_state, v.outcome, v.visited_at
        from visits v join g on g.id = v.grid_id
        where ${counted}
        order by v.room_id, date_trunc('second', v.visited_at) desc, v.id desc
      ),
      disputed as (
        select h.room_id, max(f.created_at) as at
        from resident_feedback f join g on g.id = f.grid_id join households h on h.id = f.household_id
        where ${disputeFilter(filters)}
        group by h.room_id
      ),
      conflicted as (
        select distinct v.room_id
        from changes ch join visits v on v.id = ch.visit_id join g on g.id = v.grid_id
        where ch.status = 'conflict' and ${counted}
      ),
      room_states as (
        select r.id, r.building_id, g.path as grid_path, l.room_id is not null as visited,
          c.room_id is not null as conflict, l.review_state,
          ${roomStateSql(sql`l`, sql`d.at`, revisitList)} as state
        from rooms r
          join buildings b on b.id = r.building_id and b.ended_at is null
          join g on g.id = b.grid_id
          left join latest l on l.room_id = r.id
          left join disputed d on d.room_id = r.id
          left join conflicted c on c.room_id = r.id
          ${
            targeted && filters.campaignId
              ? sql`join campaign_targets t on t.room_id = r.id and t.campaign_id = ${filters.campaignId}
                  and t.state = 'open'`
              : sql``
          }
        where r.ended_at is null
      )`;
}

/** The counts of domain/completion.ts CompletionCounts over the `room_states` rows aliased `rs`. */
export const roomCountColumns = sql`
        count(rs.id)::int as rooms,
        (count(*) filter (where rs.visited))::int as visited,
        (count(*) filter (where rs.state = 'checked'))::int as checked,
        (count(*) filter (where rs.state = 'checked' and rs.review_state = 'approved'))::int as approved,
        (count(*) filter (where rs.state = 'returned'))::int as returned,
        (count(*) filter (where rs.state = 'revisit'))::int as revisit,
        (count(*) filter (where rs.conflict and rs.state <> 'todo'))::int as conflicts`;

/**
 * The map of the caller's (or the chosen) area. From a street down: every building with its room
 * counts, and the street, community and grid outlines. A district or a city (domain/completion.ts
 * AREA_VIEW_LEVELS): its child areas, each with the summed counts of its rooms, drawn where the
 * buildings would be — so the answer stays the size of a street's whatever the city's size, and the
 * supervisor drills down from there. Both carry the trail from the caller's area to the one in view.
 */
export async function getCompletion(
  db: Db,
  user: SessionUser,
  filters: CompletionFilters,
  /** Where the roll-ups are refreshed when `db` is a replica (rollup.ts rollupReader). */
  primary: Db = db,
): Promise<CompletionPayload> {
  const cut = await checkFilters(db, user, filters);
  const targeted = !!filters.campaignId && (await countsTargets(db, filters.campaignId));
  const g = gridsCte(cut.path, filters);
  const trail = await areaTrail(db, user, cut.path);
  if (isAreaView(cut.level)) {
    if (filters.officerId || filters.outcome || filters.from || filters.to) {
      return areaCompletion(db, cut, g, countedStates(filters, targeted), trail);
    }
    const reader = await rollupReader(primary, db);
    return rolledUpAreaCompletion(reader, cut, filters.campaignId, targeted, trail);
  }

  const areaRows = rowsOf<CompletionAreaRow>(
    await db.execute(sql`
      with ${g}
      select a.id, a.parent_id as "parentId", a.level, a.code, a.name, a.boundary,
             a.center_lat as "centerLat", a.center_lng as "centerLng"
      from areas a
      where a.level in ('street', 'community', 'grid')
        and starts_with(a.path, ${cut.path})
        and exists (select 1 from g where starts_with(g.path, a.path))
      order by a.path`),
  );

  // One statement: each room's state, summed per building.
  const buildingRows = rowsOf<CompletionBuildingRow>(
    await db.execute(sql`
      with ${g}, ${roomStatesCte(filters, targeted)}
      select b.id, b.grid_id as "gridId", b.lat, b.lng, b.address, ${roomCountColumns}
      from buildings b
        join g on g.id = b.grid_id
        left join room_states rs on rs.building_id = b.id
      where b.ended_at is null
      group by b.id, g.path
      order by g.path, b.address, b.id`),
  );

  return encodeCompletion(areaRows, buildingRows, trail);
}

/** roomStatesCte's rooms counted per grid, as the CTE `grid_counts` of (grid_path, roomCountColumns). */
function countedStates(filters: CompletionFilters, targeted: boolean): SQL {
  return sql`${roomStatesCte(filters, targeted)},
      grid_counts as (
        select rs.grid_path, ${roomCountColumns}
        from room_states rs
        group by rs.grid_path
      )`;
}

/**
 * A district's or a city's map when a filter on visits leaves the roll-ups out (rolledUpAreaCompletion
 * otherwise): its child areas that hold grids on the map, each with the counts of every room under it,
 * summed over its grids' counts (`counts`: countedStates). A grid's child area is read off its path (the
 * chain of codes), so the grids are grouped in one pass, not matched against each child.
 */
async function areaCompletion(
  db: Db,
  cut: { id: string; path: string },
  g: SQL,
  counts: SQL,
  trail: CompletionTrailStep[],
): Promise<CompletionPayload> {
  const rows = rowsOf<CompletionAreaRow & CompletionCounts>(
    await db.execute(sql`
      with ${g}, ${counts},
      per_child as (
        select ${cut.path} || split_part(substr(gc.grid_path, length(${cut.path}) + 1), '/', 1) || '/' as path,
          sum(gc.rooms)::int as rooms, sum(gc.visited)::int as visited, sum(gc.checked)::int as checked,
          sum(gc.approved)::int as approved, sum(gc.returned)::int as returned,
          sum(gc.revisit)::int as revisit, sum(gc.conflicts)::int as conflicts
        from grid_counts gc
        group by 1
      )
      select a.id, a.parent_id as "parentId", a.level, a.code, a.name, a.boundary,
        a.center_lat as "centerLat", a.center_lng as "centerLng",
        coalesce(pc.rooms, 0) as rooms, coalesce(pc.visited, 0) as visited,
        coalesce(pc.checked, 0) as checked, coalesce(pc.approved, 0) as approved,
        coalesce(pc.returned, 0) as returned, coalesce(pc.revisit, 0) as revisit,
        coalesce(pc.conflicts, 0) as conflicts
      from areas a left join per_child pc on pc.path = a.path
      where a.parent_id = ${cut.id} and exists (select 1 from g where starts_with(g.path, a.path))
      order by a.path`),
  );
  return encodeAreaCompletion(rows, trail);
}

/**
 * A district's or a city's map off the roll-ups: its child areas that hold grids on the map, each with
 * the counts of every room under it, read off the per-area sums (rollup.ts rollup_area_completion) of a
 * few pieces per child rather than summed over the thousand grids of a city. Without a campaign, or
 * where the campaign covers the child whole (it or an area above it is the campaign's), the piece is the
 * child; otherwise the campaign's outermost areas under the child — the grids gridsCte puts on the map
 * are exactly those under the pieces. A piece's counts are its campaign row's; its rooms are its ''
 * row's (a campaign's own grid rows count the grid's rooms too) unless the campaign counts targets,
 * whose rooms are its own rows' (none without). Every grid has a '' row once counted (migration 0023
 * marks new grids), so a child holds grids on the map exactly when a piece of it has a '' row.
 */
async function rolledUpAreaCompletion(
  db: Db,
  cut: { id: string; path: string },
  campaignId: string | undefined,
  targeted: boolean,
  trail: CompletionTrailStep[],
): Promise<CompletionPayload> {
  const pieces = campaignId
    ? // The campaign's areas each by its key (offset 0 keeps the planner from hashing every area of the
      // city against a few dozen).
      sql`covering as (
        select c.id, c.path from campaign_areas ca
          cross join lateral (select x.id, x.path from areas x where x.id = ca.area_id offset 0) c
        where ca.campaign_id = ${campaignId}
      ),
      pieces as (
        select a.id as child_id, a.id as area_id from areas a
        where a.parent_id = ${cut.id} and exists (select 1 from covering c where starts_with(a.path, c.path))
        union all
        select a.id, c.id from areas a join covering c on starts_with(c.path, a.path) and c.id <> a.id
        where a.parent_id = ${cut.id}
          and not exists (select 1 from covering o where o.id <> c.id and starts_with(c.path, o.path))
      )`
    : sql`pieces as (select a.id as child_id, a.id as area_id from areas a where a.parent_id = ${cut.id})`;
  const keys = sql`${sql.param(["", campaignId ?? ""])}::text[]`;
  const roomsKey = targeted ? (campaignId as string) : "";
  const countsKey = campaignId ?? "";
  const sum = (column: string, key: string) =>
    sql`coalesce(sum(pr.${sql.identifier(column)}) filter (where pr.campaign_key = ${key}), 0)::int as ${sql.identifier(column)}`;
  const rows = rowsOf<CompletionAreaRow & CompletionCounts>(
    await db.execute(sql`
      with ${pieces},
      piece_rows as (
        select p.child_id, x.campaign_key, x.rooms, x.visited, x.checked, x.approved, x.returned,
          x.revisit, x.conflicts
        from pieces p join rollup_area_completion x on x.area_id = p.area_id and x.campaign_key = any(${keys})
        union all
        select p.child_id, x.campaign_key, x.rooms, x.visited, x.checked, x.approved, x.returned,
          x.revisit, x.conflicts
        from pieces p join rollup_completion x on x.grid_id = p.area_id and x.campaign_key = any(${keys})
      ),
      per_child as (
        select pr.child_id, ${sum("rooms", roomsKey)}, ${sum("visited", countsKey)},
          ${sum("checked", countsKey)}, ${sum("approved", countsKey)}, ${sum("returned", countsKey)},
          ${sum("revisit", countsKey)}, ${sum("conflicts", countsKey)}
        from piece_rows pr
        group by pr.child_id
        having bool_or(pr.campaign_key = '')
      )
      select a.id, a.parent_id as "parentId", a.level, a.code, a.name, a.boundary,
        a.center_lat as "centerLat", a.center_lng as "centerLng", pc.rooms, pc.visited, pc.checked,
        pc.approved, pc.returned, pc.revisit, pc.conflicts
      from areas a join per_child pc on pc.child_id = a.id
      order by a.path`),
  );
  return encodeAreaCompletion(rows, trail);
}

// ---------------------------------------------------------------------------------------------

export interface BuildingRoom {
  id: string;
  unitNo: string | null;
  floor: number;
  roomNo: string;
  status: RoomStatus;
  /** Counted visits to the room. */
  visits: number;
  latest: {
    id: string;
    outcome: string;
    reviewState: ReviewState;
    officerName: string;
    visitedAt: Date;
    attempt: number;
    revisitDue: string | null;
  } | null;
}

/** One building's rooms, each with its latest counted visit and state, under the same filters as the map. */
export async function getBuildingCompletion(
  db: Db,
  user: SessionUser,
  buildingId: string,
  filters: Omit<CompletionFilters, "areaId">,
) {
  const [row] = await db
    .select({
      id: buildings.id,
      address: buildings.address,
      name: buildings.name,
      floors: buildings.floors,
      lat: buildings.lat,
      lng: buildings.lng,
      gridId: areas.id,
      gridName: areas.name,
      gridPath: areas.path,
    })
    .from(buildings)
    .innerJoin(areas, eq(areas.id, buildings.gridId))
    .where(eq(buildings.id, buildingId));
  if (!row || !inScope(user, row.gridPath)) throw notFound();
  if (filters.campaignId) await checkCampaign(db, user, filters.campaignId);
  if (filters.officerId) await checkOfficer(db, user, filters.officerId);

  const roomRows = await db
    .select({ id: rooms.id, unitNo: rooms.unitNo, floor: rooms.floor, roomNo: rooms.roomNo })
    .from(rooms)
    .where(and(eq(rooms.buildingId, row.id), isNull(rooms.endedAt)))
    .orderBy(asc(rooms.unitNo), asc(rooms.floor), asc(rooms.roomNo));
  const roomIds = roomRows.map((r) => r.id);

  const counted = and(
    roomIds.length ? inArray(visits.roomId, roomIds) : sql`false`,
    filters.campaignId ? eq(visits.campaignId, filters.campaignId) : undefined,
    filters.officerId ? eq(visits.officerId, filters.officerId) : undefined,
    filters.outcome ? eq(visits.outcome, filters.outcome) : undefined,
    filters.from ? sql`${visits.visitedAt} >= ${dayStart(filters.from)}::timestamptz` : undefined,
    filters.to ? sql`${visits.visitedAt} < ${dayAfter(filters.to)}::timestamptz` : undefined,
  );
  const [visitRows, conflictRows, disputeRows] = roomIds.length
    ? await Promise.all([
        // Every visit of the rooms: the counted ones choose the state, all of a campaign number the calls.
        db
          .select({
            roomId: visits.roomId,
            id: visits.id,
            campaignId: visits.campaignId,
            outcome: visits.outcome,
            reviewState: visits.reviewState,
            visitedAt: visits.visitedAt,
            revisitDue: visits.revisitDue,
            officerName: users.displayName,
            counted: sql<boolean>`coalesce(${counted}, false)`,
          })
          .from(visits)
          .innerJoin(users, eq(users.id, visits.officerId))
          .where(inArray(visits.roomId, roomIds)),
        db
          .selectDistinct({ roomId: visits.roomId })
          .from(changes)
          .innerJoin(visits, eq(visits.id, changes.visitId))
          .where(and(counted, eq(changes.status, "conflict"))),
        filters.officerId || filters.outcome || filters.from || filters.to
          ? []
          : db
              .select({
                householdId: residentFeedback.householdId,
                roomId: households.roomId,
                at: residentFeedback.createdAt,
              })
              .from(residentFeedback)
              .innerJoin(households, eq(households.id, residentFeedback.householdId))
              .where(
                and(
                  inArray(households.roomId, roomIds),
                  eq(residentFeedback.kind, "dispute"),
                  isNull(residentFeedback.handledAt),
                  filters.campaignId ? eq(residentFeedback.campaignId, filters.campaignId) : undefined,
                ),
              ),
      ])
    : [[], [], []];
  const countedVisits = visitRows.filter((v) => v.counted);
  const byRoom = new Map<string, typeof countedVisits>();
  for (const v of countedVisits) byRoom.set(v.roomId, [...(byRoom.get(v.roomId) ?? []), v]);
  // 上门次数 counts a campaign's calls at the door, whichever of them the filters show.
  const attempts = new Map<string, number>();
  const byCampaign = new Map<string, typeof visitRows>();
  for (const v of visitRows) byCampaign.set(v.campaignId, [...(byCampaign.get(v.campaignId) ?? []), v]);
  for (const list of byCampaign.values()) for (const [id, n] of attemptNumbers(list)) attempts.set(id, n);
  const disputedAt = new Map<string, Date>();
  for (const d of disputeRows) {
    const held = disputedAt.get(d.roomId);
    if (!held || d.at > held) disputedAt.set(d.roomId, d.at);
  }
  const conflicted = new Set(conflictRows.map((c) => c.roomId));
  // A targeted campaign counts (and colours the building by) its open targets, each in its room's state,
  // as the map does (roomStatesCte): a room counts once per target at it, a room without one not at all.
  const targetsAt =
    filters.campaignId && roomIds.length && (await countsTargets(db, filters.campaignId))
      ? new Map(
          (
            await db
              .select({ roomId: campaignTargets.roomId, n: sql<number>`count(*)::int` })
              .from(campaignTargets)
              .where(
                and(
                  eq(campaignTargets.campaignId, filters.campaignId),
                  eq(campaignTargets.state, "open"),
                  inArray(campaignTargets.roomId, roomIds),
                ),
              )
              .groupBy(campaignTargets.roomId)
          ).map((row) => [row.roomId, Number(row.n)]),
        )
      : null;

  const counts: CompletionCounts = {
    rooms: 0,
    visited: 0,
    checked: 0,
    approved: 0,
    returned: 0,
    revisit: 0,
    conflicts: 0,
  };
  const outRooms: BuildingRoom[] = roomRows.map((room) => {
    const roomVisits = byRoom.get(room.id) ?? [];
    const latest = latestVisit(roomVisits);
    const state = roomCountState(latest, disputedAt.get(room.id));
    const approved = state === "checked" && latest?.reviewState === "approved";
    const conflict = conflicted.has(room.id) && state !== "todo";
    const n = targetsAt ? (targetsAt.get(room.id) ?? 0) : 1;
    counts.rooms += n;
    if (latest) counts.visited += n;
    if (state === "checked") counts.checked += n;
    if (approved) counts.approved += n;
    if (state === "returned") counts.returned += n;
    if (state === "revisit") counts.revisit += n;
    if (conflict) counts.conflicts += n;
    return {
      ...room,
      status: roomCompletionStatus(state, approved, conflict),
      visits: roomVisits.length,
      latest: latest && {
        id: latest.id,
        outcome: latest.outcome,
        reviewState: latest.reviewState,
        officerName: latest.officerName,
        visitedAt: latest.visitedAt,
        attempt: attempts.get(latest.id) ?? 1,
        revisitDue: latest.revisitDue,
      },
    };
  });
  const status: BuildingStatus = buildingStatus(counts);
  const { gridPath: _path, ...building } = row;
  return { building, counts, status, rooms: outRooms };
}

// ---------------------------------------------------------------------------------------------

/**
 * What the map's filter form offers: campaigns covering the caller's area, and the officers,
 * communities and grids under the area in view (the caller's own, or one they drilled down to). Over
 * a district or a city (AREA_VIEW_LEVELS) no officer or area is offered — a city has thousands — the
 * supervisor drills down to a street first; so the answer stays a street's size whatever the city's.
 */
export async function getCompletionFilters(db: Db, user: SessionUser, areaId?: string) {
  const area = await areaInScope(db, user, areaId);
  const underView = sql`starts_with(${areas.path}, ${area.path})`;
  // Over a district or a city nothing is listed (the condition keeps one query shape for both).
  const listed = sql`${!isAreaView(area.level)}::boolean`;
  const [campaignRows, officerRows, areaRows] = await Promise.all([
    db
      .selectDistinct({
        id: campaigns.id,
        name: campaigns.name,
        status: campaigns.status,
        startsOn: campaigns.startsOn,
        endsOn: campaigns.endsOn,
      })
      .from(campaigns)
      .innerJoin(campaignAreas, eq(campaignAreas.campaignId, campaigns.id))
      .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
      .where(
        sql`(starts_with(${areas.path}, ${user.areaPath}) or starts_with(${user.areaPath}, ${areas.path}))`,
      ),
    db
      .select({ id: users.id, displayName: users.displayName, areaId: users.areaId, areaName: areas.name })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(and(eq(users.role, "officer"), isNull(users.disabledAt), underView, listed))
      .orderBy(asc(areas.path), asc(users.displayName)),
    db
      .select({ id: areas.id, parentId: areas.parentId, level: areas.level, name: areas.name })
      .from(areas)
      .where(and(underView, inArray(areas.level, ["street", "community", "grid"]), listed))
      .orderBy(asc(areas.path)),
  ]);
  // Open campaigns first, the newest first within each state.
  const rank = { open: 0, draft: 1, closed: 2 } as const;
  campaignRows.sort((a, b) => rank[a.status] - rank[b.status] || b.startsOn.localeCompare(a.startsOn));
  return { campaigns: campaignRows, officers: officerRows, areas: areaRows };
}
