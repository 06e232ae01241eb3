import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, assignments, campaigns } from "@/db/schema";
import type { SessionUser } from "./auth";

/**
 * Which grids a caller may write to. An officer writes only where they hold an active assignment in
 * an open campaign, under their own area; supervisors and administrators write anywhere under theirs.
 */

/** Active assignments in the campaign, cut down to grids under the caller's area. */
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
        sql`starts_with(${areas.path}, ${user.areaPath})`,
      ),
    )
    .orderBy(asc(areas.id));
  return rows.map((row) => row.id);
}

/**
 * Of `gridIds`, the ones the caller may write to, each with the open campaigns it may write under
 * (an officer's assigned campaigns; for supervisors and administrators every open campaign of the grid).
 */
export async function writableGrids(
  tx: Db,
  user: SessionUser,
  gridIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (gridIds.length === 0) return out;
  const wanted = sql`${areas.id} = any(${sql.param([...new Set(gridIds)])}::uuid[])`;
  const underCaller = sql`starts_with(${areas.path}, ${user.areaPath})`;
  const rows =
    user.role === "officer"
      ? await tx
          .selectDistinct({ gridId: areas.id, campaignId: assignments.campaignId })
          .from(assignments)
          .innerJoin(areas, eq(areas.id, assignments.gridId))
          .innerJoin(campaigns, eq(campaigns.id, assignments.campaignId))
          .where(
            and(
              wanted,
              underCaller,
              eq(areas.level, "grid"),
              eq(assignments.officerId, user.id),
              isNull(assignments.endedAt),
              eq(campaigns.status, "open"),
            ),
          )
      : await tx
          .selectDistinct({ gridId: areas.id, campaignId: campaigns.id })
          .from(areas)
          .leftJoin(assignments, eq(assignments.gridId, areas.id))
          .leftJoin(campaigns, and(eq(campaigns.id, assignments.campaignId), eq(campaigns.status, "open")))
          .where(and(wanted, underCaller, eq(areas.level, "grid")));
  for (const row of rows) {
    const set = out.get(row.gridId) ?? new Set<string>();
    if (row.campaignId) set.add(row.campaignId);
    out.set(row.gridId, set);
  }
  return out;
}
