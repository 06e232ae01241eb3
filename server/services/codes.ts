import "server-only";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { campaigns } from "@/db/schema";
import { generateCode } from "@/domain/check";
import { copyFrom, copyText } from "./bulk";

// Visit-slip codes: minted when a campaign opens, when a household enters the register (an import,
// an approved visit) and at start for anything missed. The resident's check (check.ts) reads them.

/**
 * Gives every active household in the campaign's areas (or only those of `householdIds`) a code,
 * leaving existing codes alone. The households without one are found in one statement and inserted
 * in chunks; a (vanishingly rare) clash with another code is skipped and retried. Returns how many
 * codes were created.
 */
export async function ensureCodes(db: Db, campaignId: string, householdIds?: string[]): Promise<number> {
  if (householdIds?.length === 0) return 0;
  const only = householdIds ? sql`and h.id = any(${sql.param(householdIds)}::uuid[])` : sql``;
  let created = 0;
  for (let round = 0; round < 5; round++) {
    const missing = rowsOf<{ id: string; gridId: string }>(
      await db.execute(sql`
        select h.id, h.grid_id as "gridId" from households h join areas g on g.id = h.grid_id
        where h.ended_at is null ${only}
          and exists (
            select 1 from campaign_areas ca join areas a on a.id = ca.area_id
            where ca.campaign_id = ${campaignId} and starts_with(g.path, a.path))
          and not exists (
            select 1 from household_codes hc
            where hc.campaign_id = ${campaignId} and hc.household_id = h.id)`),
    );
    if (missing.length === 0) break;
    for (let i = 0; i < missing.length; i += 2000) {
      const rows = missing.slice(i, i + 2000);
      const inserted = rowsOf<{ n: number }>(
        await db.execute(sql`
          with ins as (
            insert into household_codes (campaign_id, household_id, grid_id, code)
            select ${campaignId}::uuid, x.household_id, x.grid_id, x.code
            from unnest(${sql.param(rows.map((r) => r.id))}::uuid[],
                        ${sql.param(rows.map((r) => r.gridId))}::uuid[],
                        ${sql.param(rows.map(() => generateCode(randomBytes)))}::text[])
                 as x(household_id, grid_id, code)
            on conflict do nothing
            returning 1)
          select count(*)::int as n from ins`),
      );
      created += inserted[0]?.n ?? 0;
    }
  }
  return created;
}

/**
 * Codes for every open campaign, run at start: households imported or added since a campaign opened
 * get theirs before any phone pulls. Cheap when nothing is missing (one anti-join per campaign).
 */
export async function ensureOpenCampaignCodes(db: Db): Promise<number> {
  const open = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.status, "open"));
  let created = 0;
  for (const campaign of open) created += await ensureCodes(db, campaign.id);
  return created;
}

/**
 * Codes for households created in the caller's transaction (an import batch's new households, with
 * their grids): they cannot have a code yet, so the search for households missing one is skipped.
 * One statement finds which open campaigns cover which of their grids; one inserts a code for every
 * (campaign, household) pair and returns those inserted, so a code that clashed with another is
 * retried with a fresh one.
 */
export async function ensureCodesForNewHouseholds(
  db: Db,
  created: readonly { id: string; gridId: string }[],
): Promise<number> {
  if (created.length === 0) return 0;
  const gridIds = [...new Set(created.map((h) => h.gridId))];
  const covering = rowsOf<{ campaignId: string; gridId: string }>(
    await db.execute(sql`
      select distinct ca.campaign_id as "campaignId", g.id as "gridId"
      from areas g
      join campaign_areas ca on true
      join campaigns c on c.id = ca.campaign_id and c.status = 'open'
      join areas a on a.id = ca.area_id
      where g.id = any(${sql.param(gridIds)}::uuid[]) and starts_with(g.path, a.path)`),
  );
  if (covering.length === 0) return 0;
  const campaignsOf = new Map<string, string[]>();
  for (const { campaignId, gridId } of covering) {
    campaignsOf.set(gridId, [...(campaignsOf.get(gridId) ?? []), campaignId]);
  }
  let pending = created.flatMap((h) =>
    (campaignsOf.get(h.gridId) ?? []).map((campaignId) => ({ campaignId, ...h })),
  );
  let made = 0;
  // The households are the caller's transaction's own, so none has a code: all their codes go in by one
  // COPY (a third of the time of the INSERT … ON CONFLICT below, issue 19) under a savepoint. Only a
  // fresh code equal to another household's fails it (vanishingly rare); then the savepoint is rolled
  // back and the rounds below insert the same pairs with fresh codes, skipping clashes.
  await db.execute(sql`savepoint doorstep_codes`);
  try {
    await copyFrom(
      db,
      "household_codes",
      ["campaign_id", "household_id", "grid_id", "code"],
      copyText(
        ["campaignId", "id", "gridId", "code"],
        pending.map((p) => ({ ...p, code: generateCode(randomBytes) })),
      ),
    );
    await db.execute(sql`release savepoint doorstep_codes`);
    return pending.length;
  } catch {
    await db.execute(sql`rollback to savepoint doorstep_codes`);
  }
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    const inserted = rowsOf<{ campaignId: string; householdId: string }>(
      await db.execute(sql`
        insert into household_codes (campaign_id, household_id, grid_id, code)
        select * from unnest(${sql.param(pending.map((p) => p.campaignId))}::uuid[],
                             ${sql.param(pending.map((p) => p.id))}::uuid[],
                             ${sql.param(pending.map((p) => p.gridId))}::uuid[],
                             ${sql.param(pending.map(() => generateCode(randomBytes)))}::text[])
        on conflict do nothing
        returning campaign_id as "campaignId", household_id as "householdId"`),
    );
    made += inserted.length;
    const done = new Set(inserted.map((row) => `${row.campaignId}|${row.householdId}`));
    pending = pending.filter((p) => !done.has(`${p.campaignId}|${p.id}`));
  }
  return made;
}
