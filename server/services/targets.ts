import "server-only";
import { eq, type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { areas, campaignAreas, campaigns, campaignTargets } from "@/db/schema";
import { maskIdNumber, maskName } from "@/domain/mask";
import {
  birthDateBounds,
  TARGET_SAMPLE_SIZE,
  type TargetPreview,
  type TargetPreviewGrid,
  type TargetQuery,
  type TargetRerunPreview,
  type TargetSampleRow,
  type TargetSubject,
} from "@/domain/targets";
import { toIsoDate } from "@/domain/validators/date";
import { AppError, notFound } from "../errors";
import { writeAudit } from "./audit";
import type { SessionUser } from "./auth";
import { lockOwnCampaign } from "./campaigns";
import { inScope } from "./scope";

/**
 * A campaign's targets from a register query (domain/targets.ts): the preview before anything is
 * made, the targets made in the campaign's creating transaction (campaigns.ts createCampaign), and the
 * re-run that adds new matches. Every query is cut to the campaign's areas and the caller's area.
 *
 * A target is counted as visited by any visit of its campaign to its room (the phone records a visit
 * per door and subject), so a re-run never withdraws a target whose room has one.
 */

export interface Meta {
  now: Date;
  ip?: string;
}

/**
 * Whether the campaign counts its open targets rather than its doors (a register query's or a returned
 * file's campaign): progress and the completion map then count targets (domain/counts.ts countTargets).
 */
export async function countsTargets(db: Db, campaignId: string): Promise<boolean> {
  const [row] = await db
    .select({ targetKind: campaigns.targetKind })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  return !!row && row.targetKind !== "every_door";
}

/** The day ages are reckoned on: the query's, else the day of the run. */
const runDate = (query: TargetQuery, now: Date) =>
  (query.subject === "person" ? query.ageAt : null) ?? toIsoDate(now);

const anyOf = (column: SQL, values: readonly string[]) =>
  values.length > 0 ? sql`${column} = any(${sql.param([...values])}::text[])` : undefined;
const is = (column: SQL, value: boolean | null) => (value === null ? undefined : sql`${column} = ${value}`);

function all(conditions: (SQL | undefined)[]): SQL {
  const present = conditions.filter((c): c is SQL => !!c);
  return present.length === 0 ? sql`true` : sql.join(present, sql` and `);
}

/**
 * The ids of the areas under one of `areaPaths` and under the caller's area: the grids a match may
 * pick rows of. Looked up before the match and handed to it as a list, so the planner knows how many
 * register rows it reads; a path test joined inside the match looks to it like a handful of grids,
 * and a city's match then ran as half a million index probes where hash joins take a fraction of it.
 */
async function scopeAreaIds(db: Db, areaPaths: string[], userPath: string): Promise<string[]> {
  const found = await db
    .select({ id: areas.id })
    .from(areas)
    .where(sql`starts_with(${areas.path}, ${userPath}) and exists (
      select 1 from unnest(${sql.param(areaPaths)}::text[]) as ap(path) where starts_with(${areas.path}, ap.path))`);
  return found.map((area) => area.id);
}

/**
 * The register rows the query picks, alive, at a live room, in a grid of `gridIds` (scopeAreaIds):
 * (subject_id, room_id, grid_id, label, detail) rows. Each filter is one condition on one register
 * column; an empty filter is no condition.
 */
function matches(query: TargetQuery, gridIds: string[], now: Date): SQL {
  const where = (grid: SQL) => sql`${grid} = any(${sql.param(gridIds)}::uuid[])`;
  switch (query.subject) {
    case "person": {
      const bounds = birthDateBounds(runDate(query, now), query.ageMin, query.ageMax);
      return sql`select p.id as subject_id, r.id as room_id, p.grid_id, p.name as label, p.id_number as detail
        from persons p
        left join households h on h.id = p.household_id
        join rooms r on r.id = coalesce(p.room_id, h.room_id) and r.ended_at is null
        where p.ended_at is null and ${where(sql`p.grid_id`)} and ${all([
          bounds.bornOnOrBefore ? sql`p.birth_date <= ${bounds.bornOnOrBefore}::date` : undefined,
          bounds.bornAfter ? sql`p.birth_date > ${bounds.bornAfter}::date` : undefined,
          anyOf(sql`p.sex`, query.sex),
          anyOf(sql`p.person_type`, query.personType),
          anyOf(sql`p.hukou_category`, query.hukouCategory),
          is(sql`p.disability`, query.disability),
          is(sql`p.low_income`, query.lowIncome),
          is(sql`p.unemployed`, query.unemployed),
          anyOf(sql`p.left_behind`, query.leftBehind),
          query.arrivalFrom ? sql`p.arrival_date >= ${query.arrivalFrom}::date` : undefined,
          query.arrivalTo ? sql`p.arrival_date <= ${query.arrivalTo}::date` : undefined,
        ])}`;
    }
    case "household": {
      const size = sql`(select count(*) from persons m where m.household_id = h.id and m.ended_at is null)`;
      return sql`select h.id as subject_id, r.id as room_id, h.grid_id, h.household_no as label, '' as detail
        from households h
        join rooms r on r.id = h.room_id and r.ended_at is null
        where h.ended_at is null and ${where(sql`h.grid_id`)} and ${all([
          anyOf(sql`h.kind`, query.kind),
          is(sql`h.low_income`, query.lowIncome),
          is(sql`h.five_guarantee`, query.fiveGuarantee),
          query.sizeMin !== null ? sql`${size} >= ${query.sizeMin}` : undefined,
          query.sizeMax !== null ? sql`${size} <= ${query.sizeMax}` : undefined,
        ])}`;
    }
    case "rental": {
      const over = sql`coalesce(rt.actual_occupants > rt.max_occupants, false)`;
      return sql`select rt.id as subject_id, r.id as room_id, rt.grid_id, rt.landlord_name as label, '' as detail
        from rentals rt
        join rooms r on r.id = rt.room_id and r.ended_at is null
        where rt.ended_at is null and ${where(sql`rt.grid_id`)} and ${all([
          anyOf(sql`rt.use`, query.use),
          query.overOccupied === null ? undefined : query.overOccupied ? over : sql`not ${over}`,
          anyOf(sql`rt.hazard_level`, query.hazardLevel),
        ])}`;
    }
    case "unit":
      // A unit with no room has no door on the work list: it cannot be a target.
      return sql`select u.id as subject_id, r.id as room_id, u.grid_id, u.name as label, coalesce(u.uscc, '') as detail
        from units u
        join rooms r on r.id = u.room_id and r.ended_at is null
        where u.ended_at is null and ${where(sql`u.grid_id`)} and ${all([
          anyOf(sql`u.industry`, query.industry),
          anyOf(sql`u.status`, query.status),
          anyOf(sql`u.kind`, query.kind),
        ])}`;
  }
}

/** A sample row as a preview may show it: names and ID numbers masked. */
function maskedSample(
  subject: TargetSubject,
  label: string,
  detail: string,
): Pick<TargetSampleRow, "label" | "detail"> {
  if (subject === "person") return { label: maskName(label), detail: maskIdNumber(detail) };
  if (subject === "rental") return { label: maskName(label), detail: "" };
  return { label, detail };
}

/** The count per grid and community and a masked sample of the rows `picked` selects. */
async function summarise(tx: Db, subject: TargetSubject, picked: SQL): Promise<TargetPreview> {
  const grids = rowsOf<TargetPreviewGrid>(
    await tx.execute(sql`with m as (${picked})
      select g.id as "gridId", g.name as "gridName", c.id as "communityId", c.name as "communityName",
        count(*)::int as count
      from m join areas g on g.id = m.grid_id left join areas c on c.id = g.parent_id
      group by g.id, g.name, g.path, c.id, c.name order by g.path`),
  );
  const sample = rowsOf<{ label: string; detail: string; address: string; roomNo: string; gridName: string }>(
    await tx.execute(sql`with m as (${picked})
      select m.label, m.detail, b.address, concat_ws('-', r.unit_no, r.room_no) as "roomNo", g.name as "gridName"
      from m join rooms r on r.id = m.room_id join buildings b on b.id = r.building_id
      join areas g on g.id = m.grid_id
      order by g.path, b.address, r.unit_no nulls first, r.room_no, m.subject_id
      limit ${TARGET_SAMPLE_SIZE}`),
  );
  const communities = new Map<string, TargetPreview["communities"][number]>();
  for (const grid of grids) {
    const held = communities.get(grid.communityId);
    if (held) held.count += grid.count;
    else
      communities.set(grid.communityId, {
        communityId: grid.communityId,
        communityName: grid.communityName,
        count: grid.count,
      });
  }
  return {
    total: grids.reduce((sum, grid) => sum + grid.count, 0),
    grids,
    communities: [...communities.values()],
    sample: sample.map((row) => ({ subject, ...row, ...maskedSample(subject, row.label, row.detail) })),
  };
}

/** The paths of areas the caller may open a campaign over; anything else (or missing) NOT_FOUND. */
export async function ownAreaPaths(db: Db, user: SessionUser, areaIds: readonly string[]) {
  const ids = [...new Set(areaIds)];
  const found = await db
    .select({ id: areas.id, path: areas.path })
    .from(areas)
    .where(sql`${areas.id} = any(${sql.param(ids)}::uuid[])`);
  if (found.length !== ids.length || found.some((area) => !inScope(user, area.path))) throw notFound();
  return found.map((area) => area.path);
}

/** What a new campaign over `areaIds` with this query would target: nothing is written. */
export async function previewTargets(
  db: Db,
  user: SessionUser,
  input: { areaIds: string[]; query: TargetQuery },
  meta: Meta,
): Promise<TargetPreview> {
  const paths = await ownAreaPaths(db, user, input.areaIds);
  const gridIds = await scopeAreaIds(db, paths, user.areaPath);
  return summarise(db, input.query.subject, matches(input.query, gridIds, meta.now));
}

/**
 * Makes (or reopens) the targets the query picks now, in the caller's transaction: new matches become
 * open targets, a withdrawn target that matches again opens again, an open one is left as it is.
 * Returns how many were added.
 *
 * Two set-based statements rather than one INSERT … ON CONFLICT: a speculative insertion per row cost
 * a tenth more than the plain insert (issue 17), and a campaign's targets are only written under its
 * lock (a new campaign's transaction, or lockTargeted), so no other writer races these. The unique
 * index still refuses a duplicate.
 */
export async function insertTargets(
  tx: Db,
  user: SessionUser,
  campaignId: string,
  query: TargetQuery,
  areaPaths: string[],
  now: Date,
): Promise<number> {
  const picked = matches(query, await scopeAreaIds(tx, areaPaths, user.areaPath), now);
  // Only a campaign that holds targets needs the match checked against them. A new one must not be:
  // to a planner that has seen campaign_targets empty, a nested loop over it is cheapest, and it then
  // reads every row the same insert has written so far for each match, quadratic in the matches.
  const held = sql`${campaignTargets} t where t.campaign_id = ${campaignId} and t.subject_kind = ${query.subject}`;
  let reopened = 0;
  const [{ any, withdrawn }] = rowsOf<{ any: boolean; withdrawn: boolean }>(
    await tx.execute(sql`select exists (select 1 from ${held}) as any,
      exists (select 1 from ${held} and t.state = 'withdrawn') as withdrawn`),
  );
  // A new campaign has none withdrawn: its creation runs the match once, in the insert.
  if (withdrawn)
    [{ reopened }] = rowsOf<{ reopened: number }>(
      await tx.execute(sql`with re as (
        update ${campaignTargets} t set state = 'open', ended_at = null, room_id = m.room_id,
          grid_id = m.grid_id, version = t.version + 1
        from (${picked}) m
        where t.campaign_id = ${campaignId} and t.subject_kind = ${query.subject}
          and t.subject_id = m.subject_id and t.state = 'withdrawn'
        returning 1)
      select count(*)::int as reopened from re`),
    );
  const [{ inserted }] = rowsOf<{ inserted: number }>(
    await tx.execute(sql`with ins as (
      insert into ${campaignTargets} (campaign_id, subject_kind, subject_id, room_id, grid_id)
      select ${campaignId}::uuid, ${query.subject}, m.subject_id, m.room_id, m.grid_id
      from (${picked}) m
      ${any ? sql`where not exists (select 1 from ${held} and t.subject_id = m.subject_id)` : sql``}
      returning 1)
    select count(*)::int as inserted from ins`),
  );
  return reopened + inserted;
}

/** The targeted campaign the caller may re-run (an administrator's, wholly in their area), locked. */
async function lockTargeted(tx: Db, user: SessionUser, campaignId: string) {
  const campaign = await lockOwnCampaign(tx, user, campaignId);
  const [row] = await tx
    .select({ targetKind: campaigns.targetKind, targetQuery: campaigns.targetQuery })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (row.targetKind !== "query" || !row.targetQuery)
    throw new AppError("BAD_REQUEST", "targets.error.notTargeted");
  const paths = (
    await tx
      .select({ path: areas.path })
      .from(campaignAreas)
      .innerJoin(areas, eq(areas.id, campaignAreas.areaId))
      .where(eq(campaignAreas.campaignId, campaignId))
  ).map((area) => area.path);
  return { status: campaign.status, query: row.targetQuery, paths };
}

/** Open targets no longer matching whose room the campaign never visited: what a re-run withdraws. */
function unmatchedUnvisited(campaignId: string, picked: SQL, subject: TargetSubject) {
  return sql`t.campaign_id = ${campaignId} and t.state = 'open' and t.subject_kind = ${subject}
    and not exists (select 1 from (${picked}) m where m.subject_id = t.subject_id)
    and not exists (select 1 from visits v where v.campaign_id = t.campaign_id and v.room_id = t.room_id)`;
}

/** What re-running the campaign's query now would add and withdraw: nothing is written. */
export async function previewRerun(
  db: Db,
  user: SessionUser,
  campaignId: string,
  meta: Meta,
): Promise<TargetRerunPreview> {
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    const { query, paths } = await lockTargeted(tx, user, campaignId);
    const picked = matches(query, await scopeAreaIds(tx, paths, user.areaPath), meta.now);
    const fresh = sql`select m.* from (${picked}) m where not exists (
      select 1 from ${campaignTargets} t where t.campaign_id = ${campaignId} and t.subject_kind = ${query.subject}
        and t.subject_id = m.subject_id and t.state = 'open')`;
    const preview = await summarise(tx, query.subject, fresh);
    const [counts] = rowsOf<{ held: number; withdrawn: number }>(
      await tx.execute(sql`select
        (select count(*)::int from ${campaignTargets} t where t.campaign_id = ${campaignId} and t.state = 'open') as held,
        (select count(*)::int from ${campaignTargets} t where ${unmatchedUnvisited(campaignId, picked, query.subject)}) as withdrawn`),
    );
    return { ...preview, ...counts };
  });
}

/**
 * Runs the campaign's query again, in one transaction: adds the new matches (someone who turned 60,
 * moved in) and withdraws open targets that no longer match and were never visited. A target whose
 * room has a visit of the campaign stays, matching or not.
 */
export async function rerunTargets(db: Db, user: SessionUser, campaignId: string, meta: Meta) {
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    const { status, query, paths } = await lockTargeted(tx, user, campaignId);
    if (status === "closed") throw new AppError("CONFLICT", "campaign.error.closed");
    const added = await insertTargets(tx, user, campaignId, query, paths, meta.now);
    const picked = matches(query, await scopeAreaIds(tx, paths, user.areaPath), meta.now);
    const [{ withdrawn }] = rowsOf<{ withdrawn: number }>(
      await tx.execute(sql`with w as (
        update ${campaignTargets} t set state = 'withdrawn', ended_at = ${meta.now.toISOString()}::timestamptz,
          version = t.version + 1
        where ${unmatchedUnvisited(campaignId, picked, query.subject)}
        returning 1)
      select count(*)::int as withdrawn from w`),
    );
    await writeAudit(tx, {
      userId: user.id,
      action: "campaign.targets",
      entity: "campaign",
      entityId: campaignId,
      areaPath: user.areaPath,
      ip: meta.ip,
      detail: { added, withdrawn, runDate: runDate(query, meta.now) },
    });
    return { added, withdrawn };
  });
}
