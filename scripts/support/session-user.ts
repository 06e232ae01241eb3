import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { type SessionUser, sessionUserWhere } from "../../server/services/auth";

/** A seeded account as its session sees it, for benches that call services directly. */
export async function sessionUserOf(db: Db, username: string): Promise<SessionUser> {
  const user = await sessionUserWhere(db, eq(users.username, username));
  if (!user) throw new Error(`no account ${username}`);
  return user;
}
