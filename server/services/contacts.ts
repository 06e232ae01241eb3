import "server-only";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, users } from "@/db/schema";
import type { SessionUser } from "./auth";

/**
 * Whom an officer asks for work when they have none: the supervisors over their area, nearest first
 * (their community's, then their street's…), else the administrators over it. Names and areas only:
 * colleagues, not personal data.
 */
export async function whoAssigns(db: Db, user: SessionUser): Promise<{ name: string; area: string }[]> {
  const over = (roles: ("supervisor" | "admin")[]) =>
    db
      .select({ name: users.displayName, area: areas.name })
      .from(users)
      .innerJoin(areas, eq(areas.id, users.areaId))
      .where(
        and(
          inArray(users.role, roles),
          isNull(users.disabledAt),
          sql`starts_with(${user.areaPath}, ${areas.path})`,
        ),
      )
      .orderBy(desc(sql`length(${areas.path})`), asc(users.displayName))
      .limit(3);
  const supervisors = await over(["supervisor"]);
  return supervisors.length > 0 ? supervisors : over(["admin"]);
}
