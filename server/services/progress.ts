import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import {
  areas,
  assignments,
  campaignTargets,
  households,
  residentFeedback,
  rollupDays,
  rollupProgress,
  rooms,
  targetAssignments,
  users,
  visits,
} from "@/db/schema";
import type { AreaLevel } from "@/domain/areas";
import { isAreaView } from "@/domain/completion";
import { REVISIT_OUTCOMES } from "@/domain/counts";
import type { Translate } from "@/domain/i18n";
import {
  type AreaProgress,
  type CampaignOption,
  chinaDay,
  type DayCount,
  type ExportTableKey,
  exportTables,
  fillDays,
  type GridProgress,
  measures,
  type OfficerProgress,
  type ProgressSummary,
  sumMeasures,
} from "@/domain/progress";
import { notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { callCtes } from "./calls";
import { roomStateSql } from "./completion";
import { type ExportFile, type ExportFormat, tableFile } from "./export-file";
import { rollupReader } from "./rollup";
import { areaInScope, areaTrail, visibleCampaigns } from "./scope";
import { countsTargets } from "./targets";

/**
 * Supervisor progress by grid, officer and day, for the screen and its exports. The measures and
 * their exact definitions are written down once, on `ProgressMeasures` in domain/progress.ts:
 *
 *   assigned     active rooms in the campaign's assigned grids under the area (plus rooms ended
 *                after a visit in the campaign, so completion never passes 100 %)
 *   visited, checked, approved, revisitsDue, returned
 *                the counts of domain/counts.ts, each room's state computed in SQL by the rule of
 *                roomCountState (completion.ts roomStateSql)
 *   toEscalate   rooms to escalate, by domain/counts.ts roomsToEscalate: each room's calls numbered in
 *                SQL by the rule of callNumbers (the CTE `calls`)
 *   completion   visited ÷ assigned
 *
 * A targeted campaign (targets.ts countsTargets) counts its open targets instead of its rooms: assigned
 * is the open targets of the grids, and every other measure the targets whose room is counted so
 * (domain/counts.ts countTargets), by the same statements with `targeted` set.
 *
 * Everything is set-based: a handful of statements with GROUP BY in one read-only snapshot, whatever
 * the number of grids, officers or rooms. Every area, grid and room is cut to the caller's area path.
 */

export interface ProgressInput {
  campaignId?: string;
  areaId?: string;
}

const zeroMeasures = () =>
  measures({ assigned: 0, visited: 0, checked: 0, approved: 0, returned: 0, revisitsDue: 0, toEscalate: 0 });

/**
 * The statements below share these CTEs:
 *   scope_grids    the grids under the area with an active assignment in the campaign
 *   scoped_visits  the campaign's visits to rooms of those grids (by the room's grid)
 *   latest         each visited room's latest visit (to the second, then id: domain/counts.ts)
 *   disputed       each room's newest open resident dispute in the campaign
 *   states         each room with a visit or an open dispute, its flags as counted: visited, and one
 *                  of checked (of which approved), revisit_due and returned
 *   room_calls, calls, escalations
 *                  each room's calls numbered as domain/counts.ts callNumbers does, and the rooms to
 *                  escalate (calls.ts callCtes)
 *
 * Rooms are counted in UNION ALL branches added up with GROUP BY rather than by joining two large
 * derived sets: a fresh PGlite database has no statistics (no autovacuum), and a planner that
 * believes every CTE holds one row would otherwise nest loops over 16,000 rooms × 16,000 visits.
 * Every join here either goes through an index or is between sets of grid or officer size.
 */
type Ctes = ReturnType<typeof scopeCtes>;

/** The grids under `areaPath` with an active assignment in the campaign: the body of `scope_grids`. */
function assignedGrids(campaignId: string, areaPath: string): SQL {
  return sql`
      select g.id
      from ${areas} g
      where g.level = 'grid' and starts_with(g.path, ${areaPath})
        and exists (
          select 1 from ${assignments} a
          where a.grid_id = g.id and a.campaign_id = ${campaignId} and a.ended_at is null)`;
}

/**
 * `scopeGrids` is the body of `scope_grids` (id): assignedGrids, or the grids a roll-up recounts.
 * `targeted`: the campaign counts its open targets, not its doors (domain/counts.ts countTargets), and
 * the CTE `counted_targets` (room_id, grid_id: the target's grid, as its officer's phone lists it)
 * holds them; its visits are then those to the targets' rooms.
 */
export function scopeCtes(campaignId: string, scopeGrids: SQL, targeted: boolean) {
  const revisitList = sql`${sql.param([...REVISIT_OUTCOMES])}::text[]`;
  const scopedVisits = targeted
    ? sql`counted_targets as (
      select t.room_id, t.grid_id
      from scope_grids sg join ${campaignTargets} t on t.grid_id = sg.id
      where t.campaign_id = ${campaignId} and t.state = 'open'
    ),
    scoped_visits as (
      select v.id, v.room_id, tr.grid_id, r.ended_at is not null as room_ended, v.officer_id,
        v.outcome, v.review_state, v.revisit_due, v.visited_at, v.received_at
      from (select distinct on (ct.room_id) ct.room_id, ct.grid_id from counted_targets ct
            order by ct.room_id, ct.grid_id) tr
      join ${rooms} r on r.id = tr.room_id
      join ${visits} v on v.room_id = r.id
      where v.campaign_id = ${campaignId}
    )`
    : sql`scoped_visits as (
      select v.id, v.room_id, r.grid_id, r.ended_at is not null as room_ended, v.officer_id,
        v.outcome, v.review_state, v.revisit_due, v.visited_at, v.received_at
      from scope_grids sg
      join ${rooms} r on r.grid_id = sg.id
      join ${visits} v on v.room_id = r.id
      where v.campaign_id = ${campaignId}
    )`;
  return sql`
    with recursive scope_grids as (${scopeGrids}),
    ${scopedVisits},
    latest as (
      select distinct on (sv.room_id) sv.room_id, sv.grid_id, sv.room_ended, sv.officer_id,
        sv.outcome, sv.review_state, sv.visited_at
      from scoped_visits sv
      order by sv.room_id, date_trunc('second', sv.visited_at) desc, sv.id desc
    ),
    disputed as (
      select h.room_id, r.grid_id, max(f.created_at) as at
      from scope_grids sg
      join ${residentFeedback} f on f.grid_id = sg.id
      join ${households} h on h.id = f.household_id
      join ${rooms} r on r.id = h.room_id and r.ended_at is null
      where f.campaign_id = ${campaignId} and f.kind = 'dispute' and f.handled_at is null
      group by h.room_id, r.grid_id
    ),
    states as (
      select x.room_id, x.grid_id, x.room_ended, x.officer_id, x.visited,
        case when x.state = 'checked' then 1 else 0 end as checked,
        case when x.state = 'checked' and x.review_state = 'approved' then 1 else 0 end as approved,
        case when x.state = 'revisit' then 1 else 0 end as revisit_due,
        case when x.state = 'returned' then 1 else 0 end as returned,
        0 as to_escalate
      from (
        select coalesce(l.room_id, d.room_id) as room_id, coalesce(l.grid_id, d.grid_id) as grid_id,
          coalesce(l.room_ended, false) as room_ended, l.officer_id, l.review_state,
          case when l.room_id is null then 0 else 1 end as visited,
          ${roomStateSql(sql`l`, sql`d.at`, revisitList)} as state
        from latest l full join disputed d on d.room_id = l.room_id
      ) x
    ),
    ${callCtes(sql`scoped_visits`)}`;
}

/**
 * A room's measures counted once per open target at it (targeted, after scopeCtes' `counted_targets`)
 * or once (every door): joined after a set with the room's id as `${alias}.room_id`.
 */
function perTarget(alias: string, targeted: boolean): SQL {
  return targeted ? sql`join counted_targets ct on ct.room_id = ${sql.raw(alias)}.room_id` : sql``;
}

/**
 * Each grid of `scope_grids` with its measures, as the CTE `grid_measures` (grid_id and the columns of
 * SUM_MEASURES), after scopeCtes: what rollup.ts stores per grid and campaign. A targeted campaign's
 * measures are its open targets', each in the state of its room (domain/counts.ts countTargets).
 */
export function gridMeasuresCte(targeted: boolean): SQL {
  const counted = targeted
    ? sql`
          -- open targets, each in its room's state (visited or disputed, or none: todo)
          select ct.grid_id, 1, coalesce(x.visited, 0), coalesce(x.checked, 0), coalesce(x.approved, 0),
            coalesce(x.returned, 0), coalesce(x.revisit_due, 0), 0
          from counted_targets ct left join states x on x.room_id = ct.room_id
          union all
          -- targets at rooms to escalate
          select ct.grid_id, 0, 0, 0, 0, 0, 0, 1 from escalations e ${perTarget("e", true)}`
    : sql`
          -- active rooms
          select r.grid_id, 1, 0, 0, 0, 0, 0, 0
          from scope_grids sg join ${rooms} r on r.grid_id = sg.id
          where r.ended_at is null
          union all
          -- rooms visited or disputed, by their state (an ended room visited is still assigned)
          select x.grid_id, case when x.room_ended then 1 else 0 end, x.visited, x.checked, x.approved,
            x.returned, x.revisit_due, x.to_escalate
          from states x
          union all
          -- rooms to escalate
          select e.grid_id, 0, 0, 0, 0, 0, 0, 1 from escalations e`;
  return sql`
      grid_measures as (
        select u.grid_id, ${SUM_MEASURES}
        from (
          -- every grid, rooms or not
          select sg.id as grid_id, 0 as assigned, 0 as visited, 0 as checked, 0 as approved, 0 as returned,
            0 as revisit_due, 0 as to_escalate
          from scope_grids sg
          union all
          ${counted}
        ) u
        group by u.grid_id
      )`;
}

type Counts = {
  assigned: number;
  visited: number;
  checked: number;
  approved: number;
  returned: number;
  revisitsDue: number;
  toEscalate: number;
};

const SUM_MEASURES = sql`
  sum(u.assigned)::int as "assigned",
  sum(u.visited)::int as "visited",
  sum(u.checked)::int as "checked",
  sum(u.approved)::int as "approved",
  sum(u.returned)::int as "returned",
  sum(u.revisit_due)::int as "revisitsDue",
  sum(u.to_escalate)::int as "toEscalate"`;

/** Drivers hand back JSON columns parsed; this only guards against a string slipping through. */
const jsonList = (value: unknown): string[] =>
  Array.isArray(value) ? (value as string[]) : typeof value === "string" ? JSON.parse(value) : [];

/**
 * `with scope_grids, grid_measures`: the report's grids (assignedGrids) with their measures, read off
 * the roll-ups (rollup.ts, refreshed before the report's snapshot): a grid without a row of the
 * campaign has its active rooms and nothing else, or, in a targeted campaign (whose every grid with a
 * target has a row), nothing at all.
 */
function rolledUpGridMeasures(campaignId: string, areaPath: string, targeted: boolean): SQL {
  return sql`with scope_grids as (${assignedGrids(campaignId, areaPath)}),
      grid_measures as (
        select sg.id as grid_id, ${targeted ? sql`coalesce(p.assigned, 0)` : sql`coalesce(p.assigned, b.assigned, 0)`} as "assigned",
          coalesce(p.visited, 0) as "visited", coalesce(p.checked, 0) as "checked",
          coalesce(p.approved, 0) as "approved", coalesce(p.returned, 0) as "returned",
          coalesce(p.revisit_due, 0) as "revisitsDue", coalesce(p.to_escalate, 0) as "toEscalate"
        from scope_grids sg
          left join ${rollupProgress} b on b.grid_id = sg.id and b.campaign_key = ''
          left join ${rollupProgress} p on p.grid_id = sg.id and p.campaign_key = ${campaignId}
      )`;
}

/** The report's grids with their measures (rolledUpGridMeasures) and officers, for a table that lists them. */
async function gridRows(tx: Db, campaignId: string, areaPath: string, targeted: boolean) {
  const rows = rowsOf<
    Counts & {
      gridId: string;
      gridCode: string;
      gridName: string;
      communityId: string | null;
      communityName: string | null;
      officers: unknown;
    }
  >(
    await tx.execute(sql`${rolledUpGridMeasures(campaignId, areaPath, targeted)}
      select g.id as "gridId", g.code as "gridCode", g.name as "gridName",
        c.id as "communityId", c.name as "communityName",
        to_json(array(
          select distinct o.display_name from ${assignments} a join ${users} o on o.id = a.officer_id
          where a.grid_id = g.id and a.campaign_id = ${campaignId} and a.ended_at is null
          order by 1)) as "officers",
        gm.assigned as "assigned", gm."visited", gm."checked", gm."approved", gm."returned", gm."revisitsDue",
        gm."toEscalate"
      from grid_measures gm
      join ${areas} g on g.id = gm.grid_id
      left join ${areas} c on c.id = g.parent_id
      order by c.code nulls last, g.code`),
  );
  return rows.map(
    ({
      assigned,
      visited,
      checked,
      approved,
      returned,
      revisitsDue,
      toEscalate,
      officers,
      ...grid
    }): GridProgress => ({
      ...grid,
      officers: jsonList(officers),
      ...measures({ assigned, visited, checked, approved, returned, revisitsDue, toEscalate }),
    }),
  );
}

/**
 * The areas one level below `area` that hold grids of the report, each the sum of its grids (every
 * room lies in one grid, so the sums are exact), added up in the database: a district's or a city's
 * answer is one row per child area, not every grid of the city.
 */
async function childSums(
  tx: Db,
  campaignId: string,
  area: { id: string; path: string },
  targeted: boolean,
): Promise<AreaProgress[]> {
  const rows = rowsOf<Counts & { id: string; name: string; level: AreaProgress["level"] }>(
    await tx.execute(sql`${rolledUpGridMeasures(campaignId, area.path, targeted)},
      -- Each grid's child of the area by its path (the area's path and the next code along), so the
      -- grids are grouped by hashing rather than tested against each child (as completion.ts does).
      per_child as (
        select ${area.path} || split_part(substr(g.path, length(${area.path}) + 1), '/', 1) || '/' as path,
          sum(gm.assigned)::int as "assigned", sum(gm."visited")::int as "visited",
          sum(gm."checked")::int as "checked", sum(gm."approved")::int as "approved",
          sum(gm."returned")::int as "returned", sum(gm."revisitsDue")::int as "revisitsDue",
          sum(gm."toEscalate")::int as "toEscalate"
        from grid_measures gm join ${areas} g on g.id = gm.grid_id
        group by 1
      )
      select ch.id, ch.name, ch.level, pc."assigned", pc."visited", pc."checked", pc."approved",
        pc."returned", pc."revisitsDue", pc."toEscalate"
      from per_child pc join ${areas} ch on ch.path = pc.path and ch.parent_id = ${area.id}
      order by ch.path`),
  );
  return rows.map(({ id, name, level, ...counts }) => ({ id, name, level, ...measures(counts) }));
}

async function officerRows(tx: Db, ctes: Ctes, campaignId: string, areaPath: string, targeted: boolean) {
  const assigned = targeted
    ? sql`-- the open targets that are the officer's: moved to them, else following their grid
          select coalesce(ta.officer_id, og.officer_id) as officer_id, 1 as assigned, 0 as visited,
            0 as checked, 0 as approved, 0 as returned, 0 as revisit_due, 0 as to_escalate
          from scope_grids sg
          join ${campaignTargets} t on t.grid_id = sg.id and t.campaign_id = ${campaignId} and t.state = 'open'
          left join ${targetAssignments} ta on ta.target_id = t.id and ta.ended_at is null
          left join officer_grids og on og.grid_id = t.grid_id
          where coalesce(ta.officer_id, og.officer_id) is not null`
    : sql`-- the rooms of the officer's grids: active ones, and ended ones visited in the campaign
          select og.officer_id, 1 as assigned, 0 as visited, 0 as checked, 0 as approved, 0 as returned,
            0 as revisit_due, 0 as to_escalate
          from officer_grids og join ${rooms} r on r.grid_id = og.grid_id
          where r.ended_at is null
            or exists (select 1 from ${visits} v where v.room_id = r.id and v.campaign_id = ${campaignId})`;
  const rows = rowsOf<Counts & { officerId: string; name: string; username: string; grids: unknown }>(
    await tx.execute(sql`${ctes},
      officer_grids as (
        select distinct a.officer_id, a.grid_id
        from scope_grids sg join ${assignments} a on a.grid_id = sg.id
        where a.campaign_id = ${campaignId} and a.ended_at is null
      ),
      officer_measures as (
        select u.officer_id, ${SUM_MEASURES}
        from (
          ${assigned}
          union all
          -- rooms (targets) the officer visited at least once
          select x.officer_id, 0, 1, 0, 0, 0, 0, 0
          from (select distinct sv.officer_id, sv.room_id from scoped_visits sv) x ${perTarget("x", targeted)}
          union all
          -- rooms (targets) whose latest visit is the officer's
          select x.officer_id, 0, 0, x.checked, x.approved, x.returned, x.revisit_due, 0
          from states x ${perTarget("x", targeted)} where x.officer_id is not null
          union all
          -- rooms (targets) to escalate whose latest visit is the officer's
          select e.officer_id, 0, 0, 0, 0, 0, 0, 1 from escalations e ${perTarget("e", targeted)}
          union all
          -- an assigned officer with no rooms yet still has a row
          select og.officer_id, 0, 0, 0, 0, 0, 0, 0 from officer_grids og
        ) u
        group by u.officer_id
      )
      select o.id as "officerId", o.display_name as "name", o.username as "username",
        to_json(array(
          select g.name from ${assignments} a join ${areas} g on g.id = a.grid_id
          where a.officer_id = o.id and a.campaign_id = ${campaignId} and a.ended_at is null
            and g.level = 'grid' and starts_with(g.path, ${areaPath})
          group by g.name, g.code
          order by g.code)) as "grids",
        om."assigned", om."visited", om."checked", om."approved", om."returned", om."revisitsDue",
        om."toEscalate"
      from officer_measures om
      join ${users} o on o.id = om.officer_id
      order by o.username`),
  );
  return rows.map(
    ({
      assigned,
      visited,
      checked,
      approved,
      returned,
      revisitsDue,
      toEscalate,
      grids,
      ...officer
    }): OfficerProgress => ({
      ...officer,
      grids: jsonList(grids),
      ...measures({ assigned, visited, checked, approved, returned, revisitsDue, toEscalate }),
    }),
  );
}

/** Visits and first visits by China day over the report's grids, summed off the roll-ups (rollup.ts). */
async function dayRows(tx: Db, campaignId: string, areaPath: string): Promise<DayCount[]> {
  return rowsOf<DayCount>(
    await tx.execute(sql`with scope_grids as (${assignedGrids(campaignId, areaPath)})
      select to_char(d.day, 'YYYY-MM-DD') as "day", sum(d.visits)::int as "visits",
        sum(d.first_visits)::int as "firstVisits"
      from scope_grids sg join ${rollupDays} d on d.grid_id = sg.id and d.campaign_id = ${campaignId}
      group by d.day
      order by d.day`),
  );
}

/**
 * Communities with grids assigned in the campaign, to narrow the report: those of the street in view
 * (or the street above the community or grid in view), under the caller's area. None at a district or
 * the city, whose screen drills down through its child areas instead: a city has thousands of
 * communities, and the answer stays bounded whatever its size.
 */
async function communityOptions(
  tx: Db,
  user: SessionUser,
  campaignId: string,
  area: { level: AreaLevel; path: string },
) {
  if (isAreaView(area.level)) return [];
  return rowsOf<{ id: string; name: string }>(
    await tx.execute(sql`
      select c.id, c.name from ${areas} c
      join ${areas} s on s.id = c.parent_id and s.level = 'street' and starts_with(${area.path}, s.path)
      where c.level = 'community' and starts_with(c.path, ${user.areaPath})
        and exists (
          select 1 from ${areas} g join ${assignments} a on a.grid_id = g.id
          where g.parent_id = c.id and g.level = 'grid' and a.campaign_id = ${campaignId}
            and a.ended_at is null)
      order by c.code`),
  );
}

async function buildSummary(
  db: Db,
  user: SessionUser,
  input: ProgressInput,
  now: Date,
  purpose: "screen" | "export",
  primary: Db,
) {
  const area = await areaInScope(db, user, input.areaId);
  const list = await visibleCampaigns(db, user);
  let campaign: CampaignOption | null;
  if (input.campaignId) {
    campaign = list.find((c) => c.id === input.campaignId) ?? null;
    if (!campaign) throw notFound();
  } else {
    campaign = list.find((c) => c.status === "open") ?? list[0] ?? null;
  }
  const today = chinaDay(now);
  const { path, ...areaView } = area;
  const summary: ProgressSummary = {
    campaign,
    campaigns: list,
    area: areaView,
    communities: [],
    trail: await areaTrail(db, user, area.path),
    children: [],
    listed: true,
    today,
    countsTargets: false,
    totals: zeroMeasures(),
    grids: [],
    officers: [],
    days: [],
  };
  if (!campaign) return { summary, areaPath: path };
  const campaignId = campaign.id;
  const targeted = await countsTargets(db, campaignId);
  summary.countsTargets = targeted;
  const reader = await rollupReader(primary, db);

  // One snapshot for all statements, so the totals, tables and days agree with each other.
  await reader.transaction(
    async (transaction) => {
      const tx = transaction as unknown as Db;
      const listed = !(purpose === "screen" && isAreaView(area.level));
      summary.children = await childSums(tx, campaignId, area, targeted);
      if (listed) {
        summary.grids = await gridRows(tx, campaignId, path, targeted);
        summary.totals = sumMeasures(summary.grids);
      } else {
        // A district's or a city's screen lists no grids: the totals are its child areas' (every grid
        // lies under one of them).
        summary.totals = sumMeasures(summary.children);
      }
      summary.days = fillDays(await dayRows(tx, campaignId, path), summary.totals.assigned);
      if (!listed) {
        // A district's or a city's screen lists no grids or officers (domain/completion.ts
        // AREA_VIEW_LEVELS), so the officers, still counted off the visits, are not counted at all.
        summary.listed = false;
      } else {
        summary.officers = await officerRows(
          tx,
          scopeCtes(campaignId, assignedGrids(campaignId, path), targeted),
          campaignId,
          path,
          targeted,
        );
      }
      summary.communities = await communityOptions(tx, user, campaignId, area);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
  return { summary, areaPath: path };
}

/** Progress of one campaign (the newest open one by default) over an area under the caller's. */
export async function progressSummary(
  db: Db,
  user: SessionUser,
  input: ProgressInput,
  now: Date,
  /** Where the roll-ups are refreshed when `db` is a replica (rollup.ts rollupReader). */
  primary: Db = db,
): Promise<ProgressSummary> {
  return (await buildSummary(db, user, input, now, "screen", primary)).summary;
}

// ---------------------------------------------------------------------------------------------
// Exports

export interface ExportInput extends ProgressInput {
  format: ExportFormat;
  /** CSV only: one table; without it the CSV holds all three, each under its title. */
  table?: ExportTableKey;
}

/**
 * An export of the progress report: the same numbers as the screen, as CSV (UTF-8 with a byte-order
 * mark, so Excel reads the Chinese) or XLSX (one sheet per breakdown). Exports leave the system, so
 * each one is written to the audit log.
 */
export async function exportProgress(
  db: Db,
  user: SessionUser,
  input: ExportInput,
  /** `readDb`: where the numbers are read (a replica, see Database.readDb); the audit row goes to `db`. */
  options: { now: Date; ip: string; translate: Translate; readDb?: Db },
): Promise<ExportFile> {
  const { summary, areaPath } = await buildSummary(
    options.readDb ?? db,
    user,
    input,
    options.now,
    "export",
    db,
  );
  const t = options.translate;
  const all = exportTables(summary, t);
  const tables = input.format === "csv" && input.table ? all.filter((x) => x.key === input.table) : all;
  const one = input.format === "csv" && input.table ? `_${tables[0].title}` : "";
  const base = `${t("progress.export.fileName", { area: summary.area.name, date: summary.today })}${one}`;
  await writeAudit(db, {
    userId: user.id,
    action: "export_progress",
    entity: "campaign",
    entityId: summary.campaign?.id,
    areaPath,
    ip: options.ip,
    detail: {
      format: input.format,
      table: input.table ?? null,
      areaId: summary.area.id,
      rows: Object.fromEntries(tables.map((x) => [x.key, x.rows.length])),
    },
  });
  return tableFile(tables, input.format, base, `progress-${summary.today}`);
}
