import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { areas, users } from "../../db/schema";
import type { SessionUser } from "../../server/services/auth";

/** A seeded account as its session sees it, for benches that call services directly. */
export async function sessionUserOf(db: Db, username: string): Promise<SessionUser> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      areaId: users.areaId,
      areaPath: areas.path,
      areaName: areas.name,
      areaLevel: areas.level,
    })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.username, username));
  if (!row) throw new Error(`no account ${username}`);
  return row;
}
