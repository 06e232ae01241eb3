import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { areas, assignments, campaignAreas, campaigns, campaignTargets, users } from "@/db/schema";
import type {
  CampaignCreateInput,
  CampaignDetail,
  CampaignGrid,
  CampaignOfficer,
  CampaignStatus,
  CampaignSummary,
} from "@/domain/campaign";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { ensureCodes } from "./codes";
import { inScope } from "./scope";
import { insertTargets, ownAreaPaths } from "./targets";

/**
 * Campaigns (核查任务): an administrator opens one over some areas and closes it; an administrator or
 * the supervisor over a grid gives the grid to an officer of their area (an officer may hold several
 * grids, in or beyond their own area: the assignment is what lets the phone pull and push it, see
 * scope.ts). A grid has at most one active assignment per campaign: giving it to another officer ends
 * the old one in the same transaction, and the old officer's next pull drops the grid (pull.ts
 * `dropGridIds`) while the phone keeps its outbox, whose visits recorded before the end are still
 * accepted (scope.ts writableGrids).
 *
 * A campaign is visible to a caller when one of its areas overlaps theirs (above it or under it);
 * its grids are always cut to the caller's area. Anything else answers NOT_FOUND, like a missing id.
 */

export interface Meta {
  now: Date;
  ip?: string;
}

// A campaign area touches the caller's when one path is a prefix of the other.
const touches = (campaignId: ReturnType<typeof sql>, areaPath: string) => sql`exists (
  select 1 from ${campaignAreas} ca join ${areas} x on x.id = ca.area_id
  where ca.campaign_id = ${campaignId}
    and (starts_with(x.path, ${areaPath}) or starts_with(${areaPath}, x.path)))`;

/** The campaigns' grids under the caller's area: (campaign_id, grid_id, path, parent_id) rows. */
const coveredGrids = (campaignIds: string[], areaPath: string) => sql`
  select distinct ca.campaign_id, g.id as grid_id, g.path, g.parent_id, g.code, g.name
  from ${campaignAreas} ca
  join ${areas} a on a.id = ca.area_id
  join ${areas} g on g.level = 'grid' and starts_with(g.path, a.path)
  where ca.campaign_id = any(${sql.param(campaignIds)}::uuid[]) and starts_with(g.path, ${areaPath})`;

interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  startsOn: string;
  endsOn: string | null;
  closedAt: Date | null;
  autoApprove: boolean;
}

const campaignColumns = {
  id: campaigns.id,
  name: campaigns.name,
  status: campaigns.status,
  startsOn: campaigns.startsOn,
  endsOn: campaigns.endsOn,
  closedAt: campaigns.closedAt,
  autoApprove: campaigns.autoApprove,
};

async function summaries(db: Db, user: SessionUser, rows: CampaignRow[]): Promise<CampaignSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const counts = rowsOf<{ campaignId: string; grids: number; assignedGrids: number; officers: number }>(
    await db.execute(sql`
      with covered as (${coveredGrids(ids, user.areaPath)}),
      active as (
        select c.campaign_id, c.grid_id, s.officer_id
        from covered c
        join ${assignments} s
          on s.campaign_id = c.campaign_id and s.grid_id = c.grid_id and s.ended_at is null)
      select c.campaign_id as "campaignId", count(distinct c.grid_id)::int as grids,
        (select count(distinct a.grid_id)::int from active a where a.campaign_id = c.campaign_id)
          as "assignedGrids",
        (select count(distinct a.officer_id)::int from active a where a.campaign_id = c.campaign_id)
          as officers
      from covered c group by c.campaign_id`),
  );
  const areaRows = await db
    .select({ campaignId: campaignAreas.campaignId, id: areas.id, name: areas.name, level: areas.level })
    .from(campaignAreas)
    .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
    .where(sql`${campaignAreas.campaignId} = any(${sql.param(ids)}::uuid[])`)
    .orderBy(areas.path);
  const countOf = new Map(counts.map((row) => [row.campaignId, row]));
  return rows.map((row) => {
    const count = countOf.get(row.id);
    return {
      ...row,
      areas: areaRows.filter((area) => area.campaignId === row.id).map(({ campaignId: _, ...area }) => area),
      grids: count?.grids ?? 0,
      assignedGrids: count?.assignedGrids ?? 0,
      officers: count?.officers ?? 0,
    };
  });
}

/**
 * Campaigns touching the caller's area, newest first, with how far their grids are staffed; for an
 * administrator also the streets and communities a new campaign may cover.
 */
export async function listCampaigns(db: Db, user: SessionUser) {
  const rows = await db
    .select(campaignColumns)
    .from(campaigns)
    .where(touches(sql`"campaigns"."id"`, user.areaPath))
    .orderBy(sql`${campaigns.startsOn} desc, ${campaigns.createdAt} desc, ${campaigns.id}`);
  const areaOptions =
    user.role === "admin"
      ? await db
          .select({ id: areas.id, name: areas.name, level: areas.level, parentId: areas.parentId })
          .from(areas)
          .where(
            and(
              sql`${areas.level} in ('street', 'community')`,
              sql`starts_with(${areas.path}, ${user.areaPath})`,
            ),
          )
          .orderBy(areas.path)
      : [];
  return { campaigns: await summaries(db, user, rows), areaOptions, canCreate: user.role === "admin" };
}

export async function visibleCampaign(db: Db, user: SessionUser, id: string): Promise<CampaignRow> {
  const [row] = await db
    .select(campaignColumns)
    .from(campaigns)
    .where(and(eq(campaigns.id, id), touches(sql`"campaigns"."id"`, user.areaPath)));
  if (!row) throw notFound();
  return row;
}

/** Whether every area of the campaign lies in the caller's: only then may an administrator close it. */
async function whollyInside(db: Db, user: SessionUser, campaignId: string): Promise<boolean> {
  const outside = await db
    .select({ id: areas.id })
    .from(campaignAreas)
    .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
    .where(
      and(eq(campaignAreas.campaignId, campaignId), sql`not starts_with(${areas.path}, ${user.areaPath})`),
    )
    .limit(1);
  return outside.length === 0;
}

/** One campaign with its grids under the caller's area, each with its officer and who may take it. */
export async function getCampaign(db: Db, user: SessionUser, id: string): Promise<CampaignDetail> {
  const campaign = await visibleCampaign(db, user, id);
  const [summary] = await summaries(db, user, [campaign]);
  const grids = rowsOf<{
    id: string;
    code: string;
    name: string;
    path: string;
    communityName: string;
    officerId: string | null;
    officerName: string | null;
    officerUsername: string | null;
    officerAreaName: string | null;
  }>(
    await db.execute(sql`
      with covered as (${coveredGrids([id], user.areaPath)})
      select c.grid_id as id, c.code, c.name, c.path, p.name as "communityName",
        o.id as "officerId", o.display_name as "officerName", o.username as "officerUsername",
        o.area_name as "officerAreaName"
      from covered c
      left join ${areas} p on p.id = c.parent_id
      left join lateral (
        select u.id, u.display_name, u.username, oa.name as area_name
        from ${assignments} s join ${users} u on u.id = s.officer_id join ${areas} oa on oa.id = u.area_id
        where s.campaign_id = c.campaign_id and s.grid_id = c.grid_id and s.ended_at is null
        order by s.assigned_at desc limit 1) o on true
      order by c.path`),
  );
  // The officers the caller may give these grids to, as the select offers them: active officers under
  // the caller's area whose own area lies in the campaign's areas or contains one of its grids (an
  // officer of another street can be given a grid too, but is not offered with every grid here).
  const eligible = rowsOf<{
    id: string;
    displayName: string;
    username: string;
    areaName: string;
    areaPath: string;
  }>(
    await db.execute(sql`
      select u.id, u.display_name as "displayName", u.username, ua.name as "areaName", ua.path as "areaPath"
      from ${users} u join ${areas} ua on ua.id = u.area_id
      where u.role = 'officer' and u.disabled_at is null and starts_with(ua.path, ${user.areaPath})
        and exists (
          select 1 from ${campaignAreas} ca join ${areas} a on a.id = ca.area_id
          where ca.campaign_id = ${id}
            and (starts_with(ua.path, a.path) or starts_with(a.path, ua.path)))
      order by u.username`),
  );
  const officers = new Map<string, CampaignOfficer>();
  for (const row of eligible) {
    officers.set(row.id, {
      id: row.id,
      displayName: row.displayName,
      username: row.username,
      areaName: row.areaName,
      eligible: true,
    });
  }
  const gridList: CampaignGrid[] = grids.map((grid) => {
    const officer = grid.officerId
      ? {
          id: grid.officerId,
          displayName: grid.officerName as string,
          username: grid.officerUsername as string,
        }
      : null;
    // Whoever holds a grid is listed even when no longer offered (disabled, or beyond the caller).
    if (officer && !officers.has(officer.id)) {
      officers.set(officer.id, { ...officer, areaName: grid.officerAreaName ?? "", eligible: false });
    }
    return {
      id: grid.id,
      code: grid.code,
      name: grid.name,
      communityName: grid.communityName,
      officer,
      homeOfficerIds: eligible.filter((row) => grid.path.startsWith(row.areaPath)).map((row) => row.id),
    };
  });
  const [target] = await db
    .select({ targetKind: campaigns.targetKind, targetQuery: campaigns.targetQuery })
    .from(campaigns)
    .where(eq(campaigns.id, id));
  const [{ targets }] = rowsOf<{ targets: number }>(
    await db.execute(sql`select count(*)::int as targets from ${campaignTargets} t join ${areas} g on g.id = t.grid_id
      where t.campaign_id = ${id} and t.state = 'open' and starts_with(g.path, ${user.areaPath})`),
  );
  return {
    ...summary,
    ...target,
    targets,
    gridList,
    officerList: [...officers.values()].sort((a, b) => a.username.localeCompare(b.username, "en")),
    canClose: user.role === "admin" && campaign.status !== "closed" && (await whollyInside(db, user, id)),
  };
}

/**
 * Opens a campaign over areas in the caller's area (anything else NOT_FOUND) and gives every
 * household under them its visit-slip code, in one transaction: a campaign is never open without codes.
 */
export async function createCampaign(db: Db, user: SessionUser, input: CampaignCreateInput, meta: Meta) {
  const areaIds = [...new Set(input.areaIds)];
  const areaPaths = await ownAreaPaths(db, user, areaIds);
  const query = input.target.kind === "query" ? input.target.query : null;
  return db.transaction(async (tx) => {
    const [campaign] = await tx
      .insert(campaigns)
      .values({
        name: input.name,
        status: "open",
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
        autoApprove: input.autoApprove,
        createdBy: user.id,
        targetKind: input.target.kind,
        targetQuery: query,
      })
      .returning({ id: campaigns.id });
    await tx.insert(campaignAreas).values(areaIds.map((areaId) => ({ campaignId: campaign.id, areaId })));
    const codes = await ensureCodes(tx, campaign.id);
    // The targets come with the campaign, in its transaction: it is never open with half a list.
    const targets = query ? await insertTargets(tx, user, campaign.id, query, areaPaths, meta.now) : null;
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.create",
      entity: "campaign",
      entityId: campaign.id,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: {
        name: input.name,
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
        areaIds,
        codes,
        autoApprove: input.autoApprove,
        target: input.target,
        targets,
      },
    });
    return { id: campaign.id, codes, targets };
  });
}

/**
 * The campaign locked for the rest of the transaction, so assignments and closing in one campaign
 * take turns: two administrators giving one grid away at once cannot leave it with two officers.
 */
/**
 * Locks a campaign the caller may change as a whole (an administrator's, lying wholly in their area):
 * anything else is NOT_FOUND. Its status, for the caller to refuse a closed one.
 */
export async function lockOwnCampaign(tx: Db, user: SessionUser, campaignId: string) {
  const campaign = await lockCampaign(tx, user, campaignId);
  if (!(await whollyInside(tx, user, campaignId))) throw notFound();
  return campaign;
}

/** A campaign the caller may change as a whole, read without a lock (anything else: NOT_FOUND). */
export async function ownCampaign(db: Db, user: SessionUser, campaignId: string): Promise<CampaignRow> {
  const campaign = await visibleCampaign(db, user, campaignId);
  if (!(await whollyInside(db, user, campaignId))) throw notFound();
  return campaign;
}

export async function lockCampaign(tx: Db, user: SessionUser, campaignId: string) {
  await visibleCampaign(tx, user, campaignId);
  const [campaign] = await tx
    .select({ id: campaigns.id, status: campaigns.status })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId))
    .for("update");
  return campaign;
}

/** A grid under the caller's area that the campaign covers; its path for the audit. */
async function campaignGrid(tx: Db, user: SessionUser, campaignId: string, gridId: string) {
  const [grid] = await tx
    .select({ id: areas.id, path: areas.path, level: areas.level })
    .from(areas)
    .where(eq(areas.id, gridId));
  if (grid?.level !== "grid" || !inScope(user, grid.path)) throw notFound();
  const covered = await tx
    .select({ id: campaignAreas.areaId })
    .from(campaignAreas)
    .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
    .where(and(eq(campaignAreas.campaignId, campaignId), sql`starts_with(${grid.path}, ${areas.path})`))
    .limit(1);
  if (covered.length === 0) throw new AppError("BAD_REQUEST", "campaign.error.gridNotInCampaign");
  return grid;
}

async function activeAssignments(tx: Db, campaignId: string, gridId: string) {
  return tx
    .select({ id: assignments.id, officerId: assignments.officerId })
    .from(assignments)
    .where(
      and(
        eq(assignments.campaignId, campaignId),
        eq(assignments.gridId, gridId),
        isNull(assignments.endedAt),
      ),
    );
}

export interface AssignInput {
  campaignId: string;
  gridId: string;
  officerId: string;
}

/**
 * Gives a grid to an active officer under the caller's area (or one whose own area contains the grid),
 * whether or not they hold other grids. Any other active assignment of the grid ends in the same
 * transaction; giving it to the officer who holds it changes nothing.
 */
export async function assignGrid(db: Db, user: SessionUser, input: AssignInput, meta: Meta) {
  return db.transaction(async (tx) => {
    const campaign = await lockCampaign(tx, user, input.campaignId);
    const grid = await campaignGrid(tx, user, input.campaignId, input.gridId);
    const [officer] = await tx
      .select({ id: users.id, role: users.role, disabledAt: users.disabledAt, path: areas.path })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(eq(users.id, input.officerId));
    const containsGrid = !!officer && grid.path.startsWith(officer.path);
    // An officer neither under the caller nor over the grid is none of the caller's business.
    if (officer?.role !== "officer" || officer.disabledAt || !(containsGrid || inScope(user, officer.path))) {
      throw notFound();
    }
    if (campaign.status === "closed") throw new AppError("CONFLICT", "campaign.error.closed");

    const active = await activeAssignments(tx, input.campaignId, input.gridId);
    if (active.length === 1 && active[0].officerId === input.officerId) {
      return { changed: false, previousOfficerIds: [] as string[] };
    }
    if (active.length > 0) {
      await tx
        .update(assignments)
        .set({ endedAt: meta.now })
        .where(sql`${assignments.id} = any(${sql.param(active.map((row) => row.id))}::uuid[])`);
    }
    await tx.insert(assignments).values({
      campaignId: input.campaignId,
      gridId: input.gridId,
      officerId: input.officerId,
      assignedAt: meta.now,
    });
    const previousOfficerIds = active.map((row) => row.officerId);
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.assign",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: grid.path,
      ip: meta.ip,
      detail: { gridId: input.gridId, officerId: input.officerId, previousOfficerIds },
    });
    return { changed: true, previousOfficerIds };
  });
}

/** Takes a grid from whoever holds it in the campaign; nothing to take changes nothing. */
export async function unassignGrid(
  db: Db,
  user: SessionUser,
  input: Omit<AssignInput, "officerId">,
  meta: Meta,
) {
  return db.transaction(async (tx) => {
    const campaign = await lockCampaign(tx, user, input.campaignId);
    const grid = await campaignGrid(tx, user, input.campaignId, input.gridId);
    if (campaign.status === "closed") throw new AppError("CONFLICT", "campaign.error.closed");
    const active = await activeAssignments(tx, input.campaignId, input.gridId);
    if (active.length === 0) return { changed: false, previousOfficerIds: [] as string[] };
    await tx
      .update(assignments)
      .set({ endedAt: meta.now })
      .where(sql`${assignments.id} = any(${sql.param(active.map((row) => row.id))}::uuid[])`);
    const previousOfficerIds = active.map((row) => row.officerId);
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.unassign",
      entity: "campaign",
      entityId: input.campaignId,
      areaPath: grid.path,
      ip: meta.ip,
      detail: { gridId: input.gridId, previousOfficerIds },
    });
    return { changed: true, previousOfficerIds };
  });
}

/**
 * Closes a campaign lying wholly in the caller's area. Phones stop offering it (sync.campaigns),
 * pushes into it are refused and its visit-slip codes stop working (check.ts reads status = 'open').
 * Assignments are kept as the record of who held which grid. Closing a closed campaign changes nothing.
 */
export async function closeCampaign(db: Db, user: SessionUser, campaignId: string, meta: Meta) {
  return db.transaction(async (tx) => {
    const campaign = await lockCampaign(tx, user, campaignId);
    if (!(await whollyInside(tx, user, campaignId))) throw notFound();
    if (campaign.status === "closed") return { changed: false };
    await tx
      .update(campaigns)
      .set({ status: "closed", closedAt: meta.now })
      .where(eq(campaigns.id, campaignId));
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.close",
      entity: "campaign",
      entityId: campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: { previousStatus: campaign.status },
    });
    return { changed: true };
  });
}

/**
 * Whether a campaign lying wholly in the caller's area approves plain confirmations as they arrive.
 * Only visits pushed from now on are affected: a confirmation already waiting stays for review.
 */
export async function setAutoApprove(
  db: Db,
  user: SessionUser,
  input: { id: string; autoApprove: boolean },
  meta: Meta,
) {
  return db.transaction(async (tx) => {
    const campaign = await lockCampaign(tx, user, input.id);
    if (!(await whollyInside(tx, user, input.id))) throw notFound();
    const [held] = await tx
      .select({ autoApprove: campaigns.autoApprove })
      .from(campaigns)
      .where(eq(campaigns.id, input.id));
    if (held.autoApprove === input.autoApprove) return { changed: false };
    await tx.update(campaigns).set({ autoApprove: input.autoApprove }).where(eq(campaigns.id, input.id));
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.autoApprove",
      entity: "campaign",
      entityId: input.id,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: { autoApprove: input.autoApprove, status: campaign.status },
    });
    return { changed: true };
  });
}
