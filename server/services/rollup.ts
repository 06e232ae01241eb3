import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import {
  rollupAreaCompletion,
  rollupAreaRegister,
  rollupCompletion,
  rollupDays,
  rollupDirty,
  rollupProgress,
  rollupRegister,
} from "@/db/schema";
import { STATISTICS_AGE_BOUNDARIES } from "@/domain/export";
import { chinaDay } from "@/domain/progress";
import { type CompletionFilters, roomCountColumns, roomStatesCte } from "./completion";
import { ageCounts, personAgeOn, statisticsStatements } from "./export";
import { gridMeasuresCte, scopeCtes } from "./progress";

/**
 * Roll-ups: per-grid counts that the district and city views sum (a few hundred or thousand grid rows)
 * instead of rescanning every visit of the city. Three tables (db/schema.ts):
 *
 *   rollup_completion  the completion map's counts per grid, of every campaign ('') and of each
 *                      campaign where it differs from "the grid's rooms and nothing else"
 *   rollup_progress    progress measures per grid and campaign ('' holds the grid's active rooms)
 *   rollup_days        progress by China day per grid and campaign
 *   rollup_register    the register statistics per grid (export.ts statisticsStatements), counted on
 *                      a day: persons' ages move with the calendar, so the age counts of a grid
 *                      counted on another day are moved by the persons who crossed an age band since
 *                      before statistics of today are read (refreshStatistics)
 *   rollup_area_completion rollup_completion summed per area above a grid and campaign key, moved by
 *                      each recounted grid's change, so a district's or a city's map reads its child
 *                      areas' rows and never every grid of a city
 *   rollup_area_register the register's area view figures (households, persons) of every area, grid or
 *                      above, summed from rollup_register whenever a grid under it is recounted, so
 *                      the view reads its child areas' rows and never every grid of a city
 *
 * They are counted by the very statements that count them from scratch (completion.ts roomStatesCte,
 * progress.ts scopeCtes + gridMeasuresCte), restricted to the grids recounted, so a roll-up and a
 * recount cannot disagree by definition. Staleness is tracked, not pushed: statement-level triggers
 * (migration 0015) append each grid a statement wrote to rollup_dirty, and refreshRollups recounts
 * those grids before a read. A read therefore never lags behind the primary: it pays for the grids
 * written since the last read, and a push pays one small insert per statement.
 *
 * Race-free under READ COMMITTED: the dirty rows are deleted first, then the grids recounted in later
 * statements, which see every commit up to then; a write committing after the delete left its own dirty
 * row, so the next refresh recounts that grid again. Refreshes take a transaction-scoped advisory lock,
 * so two never recount the same grid at once.
 */

/** pg_advisory_xact_lock key of the refresh ("rollup" in ASCII). */
const REFRESH_LOCK = 0x726f6c6c7570;

/** Recounts the grids written since the last refresh. Returns how many. `db` must be the primary. */
export async function refreshRollups(db: Db): Promise<number> {
  // Nothing stale (the usual read): one indexed probe, no transaction.
  const [any] = rowsOf<{ one: number }>(await db.execute(sql`select 1 as one from ${rollupDirty} limit 1`));
  if (!any) return 0;
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(${REFRESH_LOCK})`);
    const ids = [
      ...new Set(
        rowsOf<{ grid_id: string }>(await tx.execute(sql`delete from ${rollupDirty} returning grid_id`)).map(
          (r) => r.grid_id,
        ),
      ),
    ];
    if (!ids.length) return 0;
    await recount(tx, ids);
    await recountRegister(tx, ids, chinaDay(new Date()));
    return ids.length;
  });
}

/**
 * Where a read of the roll-ups goes, after refreshing them on `primary`: `read` (a replica, or the
 * primary itself), unless the refresh counted grids afresh just now. A replica that has not replayed
 * that recount yet would answer the counts from before it (none at all after a seed), so the read goes
 * to the primary then. Every roll-up view asks here, so none can forget it.
 */
export async function rollupReader(primary: Db, read: Db = primary): Promise<Db> {
  return (await refreshRollups(primary)) > 0 ? primary : read;
}

/**
 * Before statistics of `today` (a China day) under `areaPath` are read: the grids written since the last
 * refresh, and those under the area whose statistics were counted on another day (or never).
 *
 * A grid counted on an earlier day is not recounted: nothing in it moved but the calendar (a write
 * would have marked it), and the calendar moves only the counts by age. Those are moved by the persons
 * who crossed an age boundary of the statistics since (a six-year-old turned seven, a 59-year-old
 * turned 60), each leaving one band and entering another, under the conditions the count itself uses
 * (export.ts ageCounts). So the first statistics of a day read those persons, not the whole city.
 * Returns how many grids were counted afresh and how many moved to the day: a reader on a replica
 * that has not replayed these writes yet would read counts of another day, or none.
 */
export async function refreshStatistics(
  db: Db,
  today: string,
  areaPath: string,
): Promise<{ recounted: number; moved: number }> {
  const recounted = await refreshRollups(db);
  const stale = sql`select g.id, rr.as_of::text as "asOf" from areas g
    left join ${rollupRegister} rr on rr.grid_id = g.id
    where g.level = 'grid' and starts_with(g.path, ${areaPath}) and rr.as_of is distinct from ${today}::date`;
  const [any] = rowsOf<{ id: string }>(await db.execute(sql`${stale} limit 1`));
  if (!any) return { recounted, moved: 0 };
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(${REFRESH_LOCK})`);
    const staleGrids = rowsOf<{ id: string; asOf: string | null }>(await tx.execute(stale));
    // Never counted, or counted on a later day (a clock set back): counted afresh.
    const recount = staleGrids.filter((g) => g.asOf === null || g.asOf > today).map((g) => g.id);
    const byDay = new Map<string, string[]>();
    for (const g of staleGrids)
      if (g.asOf !== null && g.asOf < today) byDay.set(g.asOf, [...(byDay.get(g.asOf) ?? []), g.id]);
    let moved = 0;
    for (const [counted, ids] of byDay) {
      await moveAgesForward(tx, ids, counted, today);
      moved += ids.length;
    }
    if (recount.length) await recountRegister(tx, recount, today);
    return { recounted: recounted + recount.length, moved };
  });
}

/** Where a read of statistics of `today` under `areaPath` goes: rollupReader's rule, for refreshStatistics. */
export async function statisticsReader(primary: Db, today: string, areaPath: string, read: Db = primary) {
  const refreshed = await refreshStatistics(primary, today, areaPath);
  return refreshed.recounted + refreshed.moved > 0 ? primary : read;
}

/**
 * Moves the grids' statistics counted on `from` to `to` (from < to): each age count (the bands, the
 * elderly) changes by the active persons who entered it minus those who left it between the two days.
 * Only persons born in a window around a boundary can have (ages are whole years as age() reckons
 * them; the windows are widened by a few days so a leap day's reckoning only adds persons whose counts
 * do not change, never leaves one out).
 */
async function moveAgesForward(tx: Db, ids: string[], from: string, to: string) {
  // -1 too: age() of a birth date after the day is negative, and its whole years round toward zero, so
  // someone born within the coming year already counts as 0 (a register row dated ahead of its day).
  const windows = sql.join(
    [-1, ...STATISTICS_AGE_BOUNDARIES].map(
      (years) => sql`(p.birth_date > ${from}::date - make_interval(years => ${years}, days => 3)
        and p.birth_date <= ${to}::date - make_interval(years => ${years}) + interval '3 days')`,
    ),
    sql` or `,
  );
  const before = ageCounts(personAgeOn(from));
  const after = ageCounts(personAgeOn(to));
  const deltas = sql.join(
    after.map(
      ({ column, condition }, i) =>
        sql`sum((${condition})::int - (${before[i].condition})::int)::int as ${sql.identifier(column)}`,
    ),
    sql`, `,
  );
  const moved = sql.join(
    after.map(
      ({ column }) =>
        sql`${column}::text, to_jsonb((rr.persons -> 0 ->> ${column})::int + d.${sql.identifier(column)})`,
    ),
    sql`, `,
  );
  const list = sql`${sql.param(ids)}::uuid[]`;
  await tx.execute(sql`
    with d as (
      select p.grid_id, ${deltas} from persons p
      where p.grid_id = any(${list}) and p.ended_at is null and (${windows})
      group by p.grid_id)
    update ${rollupRegister} rr
    set persons = jsonb_build_array((rr.persons -> 0) || jsonb_build_object(${moved}))
    from d where rr.grid_id = d.grid_id and jsonb_array_length(rr.persons) = 1`);
  await tx.execute(sql`update ${rollupRegister} set as_of = ${to}::date where grid_id = any(${list})`);
}

/** Counts the grids' register statistics on `today` and stores each statement's rows per grid. */
async function recountRegister(tx: Db, ids: string[], today: string) {
  const list = sql`${sql.param(ids)}::uuid[]`;
  const statements = statisticsStatements(
    sql`with sg as (select id from areas where id = any(${list}))`,
    today,
  );
  const rows: Record<string, Record<string, Record<string, unknown>[]>> = {};
  for (const id of ids) rows[id] = { persons: [], households: [], units: [], industries: [], rentals: [] };
  for (const [name, statement] of Object.entries(statements)) {
    for (const { gridId, ...row } of rowsOf<{ gridId: string } & Record<string, unknown>>(
      await tx.execute(statement),
    )) {
      rows[gridId]?.[name].push(row);
    }
  }
  await tx.execute(sql`delete from ${rollupRegister} where grid_id = any(${list})`);
  await tx.execute(sql`
    insert into ${rollupRegister} (grid_id, as_of, persons, households, units, industries, rentals)
    select x.grid_id, ${today}::date, x.persons, x.households, x.units, x.industries, x.rentals
    from jsonb_to_recordset(${JSON.stringify(
      ids.map((id) => ({ grid_id: id, ...rows[id] })),
    )}::jsonb) as x(grid_id uuid, persons jsonb, households jsonb, units jsonb, industries jsonb, rentals jsonb)`);
  await sumAreaRegister(tx, list);
}

/**
 * The register area view's figures (rollup_area_register) of the grids `list`, from their register rows
 * just written, and of every area above them, moved by each grid's change (new figure less the one it
 * replaces) rather than summed again over all the grids under each: a city's root has a thousand grids
 * and a refresh touches a few. Exact because every grid figure changes only here, under the refresh's
 * advisory lock, and areas never move. Only the households and persons, which the calendar does not
 * move: moveAgesForward leaves them as they are.
 */
async function sumAreaRegister(tx: Db, list: SQL) {
  // One statement: the grids' previous figures are read in the snapshot the new ones are written over.
  await tx.execute(sql`
    with fresh as (
      select rr.grid_id as id, ${AREA_REGISTER_HOUSEHOLDS} as households, ${AREA_REGISTER_PERSONS} as persons
      from ${rollupRegister} rr join areas g on g.id = rr.grid_id and g.level = 'grid'
      where rr.grid_id = any(${list})
    ),
    written as (
      insert into ${rollupAreaRegister} (area_id, households, persons)
      select id, households, persons from fresh
      on conflict (area_id) do update set households = excluded.households, persons = excluded.persons
    ),
    change as (
      select f.id, f.households - coalesce(p.households, 0) as households,
        f.persons - coalesce(p.persons, 0) as persons
      from fresh f left join ${rollupAreaRegister} p on p.area_id = f.id
      where f.households is distinct from p.households or f.persons is distinct from p.persons
    )
    -- The areas above: those whose path begins a grid's path, found by the path's beginnings (through
    -- the unique index on path) rather than by testing every area against every grid.
    insert into ${rollupAreaRegister} as r (area_id, households, persons)
    select a.id, sum(c.households)::int, sum(c.persons)::int
    from change c join areas g on g.id = c.id
      cross join lateral generate_series(1, length(g.path) - 1) i
      join areas a on a.path = left(g.path, i)
    group by a.id
    on conflict (area_id) do update
      set households = r.households + excluded.households, persons = r.persons + excluded.persons`);
}

/**
 * The areas above the grids of `rows` (a CTE named `moved` of rollup_completion rows) moved by `sign`
 * times those rows, per campaign key (rollup_area_completion): recount takes its grids' old rows out as
 * it deletes them and puts the new ones in once written, so an area's sums follow its grids' without
 * summing the thousand grids under a city again. Exact for the reason sumAreaRegister's figures are
 * (only here, under the refresh's lock; areas never move). A row left at zero reads as no row.
 */
async function moveAreaCompletion(tx: Db, rows: SQL, sign: 1 | -1) {
  const columns = ["rooms", "visited", "checked", "approved", "returned", "revisit", "conflicts"];
  const sums = sql.join(
    columns.map((c) => sql`(${sql.raw(String(sign))} * sum(moved.${sql.identifier(c)}))::int`),
    sql`, `,
  );
  const added = sql.join(
    columns.map((c) => sql`${sql.identifier(c)} = r.${sql.identifier(c)} + excluded.${sql.identifier(c)}`),
    sql`, `,
  );
  await tx.execute(sql`
    with ${rows}
    insert into ${rollupAreaCompletion} as r
      (area_id, campaign_key, rooms, visited, checked, approved, returned, revisit, conflicts)
    select a.id, moved.campaign_key, ${sums}
    from moved join areas g on g.id = moved.grid_id
      cross join lateral generate_series(1, length(g.path) - 1) i
      join areas a on a.path = left(g.path, i)
    group by a.id, moved.campaign_key
    on conflict (area_id, campaign_key) do update set ${added}`);
}

/** A grid's active households (its rollup_register households, summed over their kinds), of `rr`. */
export const AREA_REGISTER_HOUSEHOLDS = sql`coalesce((select sum((x->>'n')::int) from jsonb_array_elements(rr.households) x), 0)`;
/** A grid's active persons, of `rr`. */
export const AREA_REGISTER_PERSONS = sql`coalesce((rr.persons->0->>'population')::int, 0)`;

async function recount(tx: Db, ids: string[]) {
  const list = sql`${sql.param(ids)}::uuid[]`;
  const g = sql`g as (select a.id, a.path from areas a where a.id = any(${list}))`;
  // The campaigns with anything in these grids: visits (by the visit's or the room's grid), residents'
  // feedback and targets (by the target's or its room's grid). Any other campaign's counts are the
  // fallback rows'. A targeted campaign counts its targets, never the grid's rooms: it has a row of
  // its own wherever it has a target, visited or not.
  const campaignRows = rowsOf<{ id: string; targeted: boolean }>(
    await tx.execute(sql`
      select c.id, c.target_kind <> 'every_door' as targeted
      from campaigns c
      where c.id in (
        select v.campaign_id from visits v where v.grid_id = any(${list})
        union
        select v.campaign_id from rooms r join visits v on v.room_id = r.id where r.grid_id = any(${list})
        union
        select f.campaign_id from resident_feedback f where f.grid_id = any(${list})
        union
        select t.campaign_id from campaign_targets t where t.grid_id = any(${list}) and t.state = 'open'
        union
        select t.campaign_id from rooms r join campaign_targets t on t.room_id = r.id
        where r.grid_id = any(${list}) and t.state = 'open')`),
  );

  await moveAreaCompletion(
    tx,
    sql`moved as (delete from ${rollupCompletion} where grid_id = any(${list}) returning *)`,
    -1,
  );
  await tx.execute(sql`delete from ${rollupProgress} where grid_id = any(${list})`);
  await tx.execute(sql`delete from ${rollupDays} where grid_id = any(${list})`);

  const completion = async (
    key: string,
    filters: CompletionFilters,
    onlyActive: boolean,
    targeted: boolean,
  ) =>
    tx.execute(sql`
      insert into ${rollupCompletion}
        (grid_id, campaign_key, rooms, visited, checked, approved, returned, revisit, conflicts)
      with ${g}, ${roomStatesCte(filters, targeted)},
      counted as (
        select g.id as grid_id, ${roomCountColumns}
        from g left join room_states rs on rs.grid_path = g.path
        group by g.id
      )
      select grid_id, ${key}, rooms, visited, checked, approved, returned, revisit, conflicts
      from counted
      where ${onlyActive ? sql`visited + checked + approved + returned + revisit + conflicts > 0` : sql`true`}`);
  await completion("", {}, false, false);
  for (const { id, targeted } of campaignRows) await completion(id, { campaignId: id }, !targeted, targeted);

  await moveAreaCompletion(
    tx,
    sql`moved as (select * from ${rollupCompletion} where grid_id = any(${list}))`,
    1,
  );

  // Progress: a grid's active rooms, then each campaign's measures where more than those.
  await tx.execute(sql`
    insert into ${rollupProgress}
      (grid_id, campaign_key, assigned, visited, checked, approved, returned, revisit_due, to_escalate)
    select g.id, '', (select count(*) from rooms r where r.grid_id = g.id and r.ended_at is null)::int,
      0, 0, 0, 0, 0, 0
    from areas g where g.id = any(${list})`);
  for (const { id, targeted } of campaignRows) {
    await tx.execute(sql`
      insert into ${rollupProgress}
        (grid_id, campaign_key, assigned, visited, checked, approved, returned, revisit_due, to_escalate)
      ${scopeCtes(id, sql`select a.id from areas a where a.id = any(${list})`, targeted)},
      ${gridMeasuresCte(targeted)}
      select gm.grid_id, ${id}, gm."assigned", gm."visited", gm."checked", gm."approved", gm."returned",
        gm."revisitsDue", gm."toEscalate"
      from grid_measures gm
      where ${targeted ? sql`gm."assigned" > 0 or ` : sql``}gm."visited" + gm."checked" + gm."approved" + gm."returned" + gm."revisitsDue" + gm."toEscalate" > 0`);
  }

  // Days: a day is the calendar day in China (UTC + 8 hours, no daylight saving); a room's first visit
  // is its earliest day in the campaign (progress.ts counted the same off scoped_visits). A targeted
  // campaign's first visits are its open targets', each on its room's first day, in the target's grid
  // (as progress counts them), so the running sum reaches the visited targets.
  const chinaDate = sql`((v.visited_at at time zone 'UTC') + interval '8 hours')::date`;
  await tx.execute(sql`
    insert into ${rollupDays} (grid_id, campaign_id, day, visits, first_visits)
    with visit_days as (
      select r.grid_id, v.campaign_id, v.room_id, ${chinaDate} as day
      from rooms r join visits v on v.room_id = r.id
      where r.grid_id = any(${list})
    )
    select u.grid_id, u.campaign_id, u.day, sum(u.visits)::int, sum(u.first_visits)::int
    from (
      select grid_id, campaign_id, day, 1 as visits, 0 as first_visits from visit_days
      union all
      select vd.grid_id, vd.campaign_id, min(vd.day), 0, 1
      from visit_days vd join campaigns c on c.id = vd.campaign_id and c.target_kind = 'every_door'
      group by vd.grid_id, vd.campaign_id, vd.room_id
      union all
      select t.grid_id, t.campaign_id, min(${chinaDate}), 0, 1
      from campaign_targets t join visits v on v.room_id = t.room_id and v.campaign_id = t.campaign_id
      where t.grid_id = any(${list}) and t.state = 'open'
      group by t.id, t.grid_id, t.campaign_id
    ) u
    group by u.grid_id, u.campaign_id, u.day`);
}
