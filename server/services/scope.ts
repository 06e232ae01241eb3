import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, assignments, campaigns } from "@/db/schema";
import type { SessionUser } from "./auth";

/**
 * Which grids a caller may write to. An officer writes only where they hold an assignment in an open
 * campaign; supervisors and administrators write anywhere under their area.
 *
 * An officer's assignment is their authority, wherever their own area lies: it is given only by an
 * administrator or supervisor over both the grid and the officer (campaigns.ts assignGrid), so a
 * community's supervisor can have one officer cover several grids, or a colleague's grid: the phone
 * pulls and pushes the assigned grids, while the register screens (register.ts) stay cut to the
 * officer's own area.
 */

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
