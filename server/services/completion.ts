import "server-only";
import { and, asc, count, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { areas, buildings, campaignAreas, campaigns, changes, rooms, users, visits } from "@/db/schema";
import { VISIT_OUTCOME } from "@/domain/codes";
import {
  type BuildingStatus,
  buildingStatus,
  type CompletionAreaRow,
  type CompletionBuildingRow,
  type CompletionCounts,
  type CompletionPayload,
  encodeCompletion,
  roomCompletionStatus,
} from "@/domain/completion";
import type { ReviewState } from "@/domain/visit";
import type { RoomStatus } from "@/domain/worklist";
import { notFound } from "../errors";
import type { SessionUser } from "./auth";
import { inScope } from "./scope";

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

const REVISIT_OUTCOMES = VISIT_OUTCOME.filter((o) => o.needsRevisit).map((o) => o.code as string);
const needsRevisit = (outcome: string) => REVISIT_OUTCOMES.includes(outcome);

/** The path the map is cut to: the caller's own area, or an area under it. */
async function scopePath(db: Db, user: SessionUser, areaId?: string): Promise<string> {
  if (!areaId || areaId === user.areaId) return user.areaPath;
  const [area] = await db.select({ path: areas.path }).from(areas).where(eq(areas.id, areaId));
  if (!area || !inScope(user, area.path)) throw notFound();
  return area.path;
}

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

async function checkFilters(db: Db, user: SessionUser, filters: CompletionFilters): Promise<string> {
  const path = await scopePath(db, user, filters.areaId);
  if (filters.campaignId) await checkCampaign(db, user, filters.campaignId);
  if (filters.officerId) await checkOfficer(db, user, filters.officerId);
  return path;
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

/** Every building under the caller's (or the chosen) area with its room counts, and the areas to draw. */
export async function getCompletion(
  db: Db,
  user: SessionUser,
  filters: CompletionFilters,
): Promise<CompletionPayload> {
  const path = await checkFilters(db, user, filters);
  const g = gridsCte(path, filters);
  const counted = visitFilter(filters);
  const revisitList = sql`${sql.param(REVISIT_OUTCOMES)}::text[]`;

  const areaRows = rowsOf<CompletionAreaRow>(
    await db.execute(sql`
      with ${g}
      select a.id, a.parent_id as "parentId", a.level, a.code, a.name, a.boundary,
             a.center_lat as "centerLat", a.center_lng as "centerLng"
      from areas a
      where a.level in ('street', 'community', 'grid')
        and starts_with(a.path, ${path})
        and exists (select 1 from g where starts_with(g.path, a.path))
      order by a.path`),
  );

  // One statement: each room's latest counted visit and its conflicts, summed per building.
  const buildingRows = rowsOf<CompletionBuildingRow>(
    await db.execute(sql`
      with ${g},
      latest as (
        select distinct on (v.room_id) v.room_id, v.review_state, v.outcome
        from visits v join g on g.id = v.grid_id
        where ${counted}
        order by v.room_id, v.visited_at desc, v.received_at desc, v.id desc
      ),
      conflicted as (
        select distinct v.room_id
        from changes ch join visits v on v.id = ch.visit_id join g on g.id = v.grid_id
        where ch.status = 'conflict' and ${counted}
      )
      select b.id, b.grid_id as "gridId", b.lat, b.lng, b.address,
        count(r.id)::int as rooms,
        count(l.room_id)::int as visited,
        (count(*) filter (where c.room_id is not null))::int as conflicts,
        (count(*) filter (where c.room_id is null and l.review_state = 'returned'))::int as returned,
        (count(*) filter (where c.room_id is null and l.review_state <> 'returned'
                           and l.outcome = any(${revisitList})))::int as revisit,
        (count(*) filter (where c.room_id is null and l.review_state = 'approved'
                           and not (l.outcome = any(${revisitList}))))::int as approved
      from buildings b
        join g on g.id = b.grid_id
        left join rooms r on r.building_id = b.id and r.ended_at is null
        left join latest l on l.room_id = r.id
        left join conflicted c on c.room_id = r.id
      where b.ended_at is null
      group by b.id, g.path
      order by g.path, b.address, b.id`),
  );

  return encodeCompletion(areaRows, buildingRows);
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
  const [latestRows, countRows, conflictRows] = roomIds.length
    ? await Promise.all([
        db
          .selectDistinctOn([visits.roomId], {
            roomId: visits.roomId,
            id: visits.id,
            outcome: visits.outcome,
            reviewState: visits.reviewState,
            visitedAt: visits.visitedAt,
            attempt: visits.attempt,
            revisitDue: visits.revisitDue,
            officerName: users.displayName,
          })
          .from(visits)
          .innerJoin(users, eq(users.id, visits.officerId))
          .where(counted)
          .orderBy(visits.roomId, desc(visits.visitedAt), desc(visits.receivedAt), desc(visits.id)),
        db.select({ roomId: visits.roomId, n: count() }).from(visits).where(counted).groupBy(visits.roomId),
        db
          .selectDistinct({ roomId: visits.roomId })
          .from(changes)
          .innerJoin(visits, eq(visits.id, changes.visitId))
          .where(and(counted, eq(changes.status, "conflict"))),
      ])
    : [[], [], []];
  const latestByRoom = new Map(latestRows.map((v) => [v.roomId, v]));
  const countByRoom = new Map(countRows.map((c) => [c.roomId, Number(c.n)]));
  const conflicted = new Set(conflictRows.map((c) => c.roomId));

  const counts: CompletionCounts = {
    rooms: 0,
    visited: 0,
    approved: 0,
    returned: 0,
    revisit: 0,
    conflicts: 0,
  };
  const outRooms: BuildingRoom[] = roomRows.map((room) => {
    const latest = latestByRoom.get(room.id) ?? null;
    const status = roomCompletionStatus(
      latest && { reviewState: latest.reviewState, needsRevisit: needsRevisit(latest.outcome) },
      conflicted.has(room.id),
    );
    counts.rooms += 1;
    if (status !== "todo") counts.visited += 1;
    if (status === "approved") counts.approved += 1;
    if (status === "returned") counts.returned += 1;
    if (status === "revisit") counts.revisit += 1;
    if (status === "conflict") counts.conflicts += 1;
    return {
      ...room,
      status,
      visits: countByRoom.get(room.id) ?? 0,
      latest: latest && {
        id: latest.id,
        outcome: latest.outcome,
        reviewState: latest.reviewState,
        officerName: latest.officerName,
        visitedAt: latest.visitedAt,
        attempt: latest.attempt,
        revisitDue: latest.revisitDue,
      },
    };
  });
  const status: BuildingStatus = buildingStatus(counts);
  const { gridPath: _path, ...building } = row;
  return { building, counts, status, rooms: outRooms };
}

// ---------------------------------------------------------------------------------------------

/** What the map's filter form offers: campaigns covering the caller's area, its officers, communities and grids. */
export async function getCompletionFilters(db: Db, user: SessionUser) {
  const underCaller = sql`starts_with(${areas.path}, ${user.areaPath})`;
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
      .where(and(eq(users.role, "officer"), isNull(users.disabledAt), underCaller))
      .orderBy(asc(areas.path), asc(users.displayName)),
    db
      .select({ id: areas.id, parentId: areas.parentId, level: areas.level, name: areas.name })
      .from(areas)
      .where(and(underCaller, inArray(areas.level, ["street", "community", "grid"])))
      .orderBy(asc(areas.path)),
  ]);
  // Open campaigns first, the newest first within each state.
  const rank = { open: 0, draft: 1, closed: 2 } as const;
  campaignRows.sort((a, b) => rank[a.status] - rank[b.status] || b.startsOn.localeCompare(a.startsOn));
  return { campaigns: campaignRows, officers: officerRows, areas: areaRows };
}
