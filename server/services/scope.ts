import "server-only";
import { and, asc, desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  areas,
  assignments,
  campaignAreas,
  campaigns,
  campaignTargets,
  targetAssignments,
} from "@/db/schema";
import type { AreaLevel } from "@/domain/areas";
import type { CampaignOption } from "@/domain/progress";
import { notFound } from "../errors";
import type { SessionUser } from "./auth";

/**
 * A caller's reach, asked by every service: what they may see (an object, area or campaign under their
 * area path) and which grids they may write to. Kept in one module so read and write scope cannot drift.
 */

/** Object-level authorisation: an object is visible when its grid's path lies under the user's area. */
export function inScope(user: Pick<SessionUser, "areaPath">, path: string | null | undefined): boolean {
  return !!path && path.startsWith(user.areaPath);
}

const campaignColumns = {
  id: campaigns.id,
  name: campaigns.name,
  status: campaigns.status,
  startsOn: campaigns.startsOn,
  endsOn: campaigns.endsOn,
};

/**
 * Campaigns the caller may report on: one whose areas overlap the caller's (above it or under it),
 * or with an assignment under it. Drafts have no work yet and are left out. Newest first.
 */
export async function visibleCampaigns(db: Db, user: SessionUser): Promise<CampaignOption[]> {
  const overlaps = sql`exists (
    select 1 from ${campaignAreas} ca join ${areas} x on x.id = ca.area_id
    where ca.campaign_id = "campaigns"."id"
      and (starts_with(x.path, ${user.areaPath}) or starts_with(${user.areaPath}, x.path)))`;
  const assignedUnder = sql`exists (
    select 1 from ${assignments} a join ${areas} g on g.id = a.grid_id
    where a.campaign_id = "campaigns"."id" and starts_with(g.path, ${user.areaPath}))`;
  return db
    .select(campaignColumns)
    .from(campaigns)
    .where(and(sql`${campaigns.status} <> 'draft'`, sql`(${overlaps} or ${assignedUnder})`))
    .orderBy(desc(campaigns.startsOn), desc(campaigns.createdAt), desc(campaigns.id));
}

/** The area asked for (the caller's own by default), or not found when it lies outside their area. */
export async function areaInScope(db: Db, user: SessionUser, areaId: string | undefined) {
  const [area] = await db
    .select({ id: areas.id, name: areas.name, level: areas.level, path: areas.path })
    .from(areas)
    .where(eq(areas.id, areaId ?? user.areaId));
  if (!area || !inScope(user, area.path)) throw notFound();
  return area;
}

/**
 * The areas from the caller's own down to the one at `path` (inclusive), top first: the breadcrumbs of
 * a supervisor's drill-down (map, progress). `path` must be in the caller's scope (areaInScope).
 */
export async function areaTrail(
  db: Db,
  user: SessionUser,
  path: string,
): Promise<{ id: string; level: AreaLevel; name: string }[]> {
  return (
    db
      .select({ id: areas.id, level: areas.level, name: areas.name })
      .from(areas)
      // The path's beginnings, found through the unique index on path rather than by testing every area
      // of the city against it.
      .where(
        and(
          sql`${areas.path} = any(array(select left(${path}, i) from generate_series(1, length(${path})) i))`,
          sql`starts_with(${areas.path}, ${user.areaPath})`,
        ),
      )
      .orderBy(asc(areas.path))
  );
}

/*
 * Which grids a caller may write to. An officer writes only where they hold an assignment in an open
 * campaign; supervisors and administrators write anywhere under their area.
 *
 * An officer's assignment is their authority, wherever their own area lies: it is given only by an
 * administrator or supervisor over both the grid and the officer (campaigns.ts assignGrid), so a
 * community's supervisor can have one officer cover several grids, or a colleague's grid: the phone
 * pulls and pushes the assigned grids, while the register screens (register.ts) stay cut to the
 * officer's own area.
 */

/**
 * A target's officer now: the one it was moved to (target_assignments), else its grid's. `target` is
 * the SQL alias of a campaign_targets row.
 */
export function targetOfficer(target: SQL): SQL {
  return sql`coalesce(
    (select ta.officer_id from ${targetAssignments} ta where ta.target_id = ${target}.id and ta.ended_at is null),
    (select a.officer_id from ${assignments} a where a.campaign_id = ${target}.campaign_id
      and a.grid_id = ${target}.grid_id and a.ended_at is null order by a.assigned_at desc limit 1))`;
}

/**
 * Grids the caller does not necessarily hold where open targets of the campaign were moved to them
 * (a colleague's list they cover): the phone pulls these grids too, and shows only the targets that
 * are the caller's (pull.ts).
 */
export async function coveredGridIds(tx: Db, user: SessionUser, campaignId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: campaignTargets.gridId })
    .from(targetAssignments)
    .innerJoin(campaignTargets, eq(campaignTargets.id, targetAssignments.targetId))
    .where(
      and(
        eq(targetAssignments.campaignId, campaignId),
        eq(targetAssignments.officerId, user.id),
        isNull(targetAssignments.endedAt),
        eq(campaignTargets.state, "open"),
      ),
    )
    .orderBy(asc(campaignTargets.gridId));
  return rows.map((row) => row.id);
}

/** Active assignments of the caller in the campaign. */
export async function assignedGridIds(tx: Db, user: SessionUser, campaignId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: areas.id })
    .from(assignments)
    .innerJoin(areas, eq(areas.id, assignments.gridId))
    .where(
      and(
        eq(assignments.campaignId, campaignId),
        eq(assignments.officerId, user.id),
        isNull(assignments.endedAt),
        eq(areas.level, "grid"),
      ),
    )
    .orderBy(asc(areas.id));
  return rows.map((row) => row.id);
}

/**
 * Of `gridIds`, the ones the caller may write to, each with the open campaigns it may write under and
 * until when: null while the assignment holds, else when it ended. An officer's grid that was
 * reassigned stays writable for what they recorded before the reassignment, so work saved offline is
 * never lost to it (the push compares the visit's time); supervisors and administrators write under
 * every open campaign of a grid in their area.
 */
export async function writableGrids(
  tx: Db,
  user: SessionUser,
  gridIds: readonly string[],
): Promise<Map<string, Map<string, Date | null>>> {
  const out = new Map<string, Map<string, Date | null>>();
  if (gridIds.length === 0) return out;
  const wanted = sql`${areas.id} = any(${sql.param([...new Set(gridIds)])}::uuid[])`;
  const underCaller = sql`starts_with(${areas.path}, ${user.areaPath})`;
  const rows: { gridId: string; campaignId: string | null; endedAt: Date | null }[] =
    user.role === "officer"
      ? await tx
          .select({ gridId: areas.id, campaignId: assignments.campaignId, endedAt: assignments.endedAt })
          .from(assignments)
          .innerJoin(areas, eq(areas.id, assignments.gridId))
          .innerJoin(campaigns, eq(campaigns.id, assignments.campaignId))
          .where(
            and(
              wanted,
              eq(areas.level, "grid"),
              eq(assignments.officerId, user.id),
              eq(campaigns.status, "open"),
            ),
          )
      : (
          await tx
            .selectDistinct({ gridId: areas.id, campaignId: campaigns.id })
            .from(areas)
            .leftJoin(assignments, eq(assignments.gridId, areas.id))
            .leftJoin(campaigns, and(eq(campaigns.id, assignments.campaignId), eq(campaigns.status, "open")))
            .where(and(wanted, underCaller, eq(areas.level, "grid")))
        ).map((row) => ({ ...row, endedAt: null }));
  if (user.role === "officer") {
    // A target moved to the officer makes its grid writable to them as an assignment would, with the
    // same end; push.ts then holds each visit to the rooms of the targets they cover (coverAt).
    const covers = await tx
      .select({
        gridId: campaignTargets.gridId,
        campaignId: targetAssignments.campaignId,
        endedAt: targetAssignments.endedAt,
      })
      .from(targetAssignments)
      .innerJoin(campaignTargets, eq(campaignTargets.id, targetAssignments.targetId))
      .innerJoin(campaigns, eq(campaigns.id, targetAssignments.campaignId))
      .where(
        and(
          sql`${campaignTargets.gridId} = any(${sql.param([...new Set(gridIds)])}::uuid[])`,
          eq(targetAssignments.officerId, user.id),
          eq(campaigns.status, "open"),
        ),
      );
    rows.push(...covers);
  }
  for (const row of rows) {
    const until = out.get(row.gridId) ?? new Map<string, Date | null>();
    if (row.campaignId) {
      const held = until.get(row.campaignId);
      // An active assignment wins; of several ended ones, the latest end.
      if (held !== null) {
        until.set(
          row.campaignId,
          row.endedAt === null || held === undefined || row.endedAt > held ? row.endedAt : held,
        );
      }
    }
    out.set(row.gridId, until);
  }
  return out;
}

/** Whether the caller holds the grid now (not only for work recorded before a reassignment). */
export function holdsNow(until: Map<string, Date | null> | undefined): boolean {
  return !!until && [...until.values()].some((end) => end === null);
}
