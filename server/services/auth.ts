import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, loginThrottle, sessions, users } from "@/db/schema";
import { DECOY_HASH, verifyPassword } from "../auth/password";
import type { Env } from "../env";
import { AppError } from "../errors";
import { writeAudit } from "./audit";

export const SESSION_COOKIE = "doorstep_session";

export type Role = "admin" | "supervisor" | "officer";

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaPath: string;
  areaName: string;
  areaLevel: string;
}

// Failures before a key starts to wait, and the longest wait; a client address gets more room
// because one office's officers may share it.
const USER_FREE_FAILURES = 5;
const IP_FREE_FAILURES = 30;
const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_LOCK_MS = 15 * 60_000;
// Refresh last_seen_at at most this often, so reading pages does not write on every request.
const TOUCH_INTERVAL_MS = 60_000;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const sessionUserColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  areaId: users.areaId,
  areaPath: areas.path,
  areaName: areas.name,
  areaLevel: areas.level,
  demo: users.demo,
  disabledAt: users.disabledAt,
};

function toSessionUser(row: { demo: boolean; disabledAt: Date | null } & SessionUser): SessionUser {
  const { demo: _demo, disabledAt: _disabled, ...user } = row;
  return user;
}

/** The user behind a session cookie, or null for a missing, malformed, expired or idle token. */
export async function resolveSession(
  db: Db,
  env: Env,
  token: string | undefined,
  now: Date,
): Promise<{ user: SessionUser; tokenHash: string } | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const tokenHash = hashToken(token);
  const idleCutoff = new Date(now.getTime() - env.sessionIdleMinutes * 60_000);
  const [row] = await db
    .select({ ...sessionUserColumns, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, idleCutoff),
      ),
    )
    .limit(1);
  if (!row || row.disabledAt || (row.demo && !env.demo)) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
  }
  const { lastSeenAt: _seen, ...user } = row;
  return { user: toSessionUser(user), tokenHash };
}

function lockMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_LOCK_MS, 1000 * 2 ** Math.min(20, failures - free + 1));
}

async function throttleWait(db: Db, keys: string[], now: Date): Promise<number> {
  let waitMs = 0;
  for (const key of keys) {
    const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil > now) {
      waitMs = Math.max(waitMs, row.lockedUntil.getTime() - now.getTime());
    }
  }
  return waitMs;
}

async function recordFailure(db: Db, key: string, free: number, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS);
  // One statement, so two instances counting the same key at once cannot lose a failure.
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${loginThrottle.lastFailureAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
        lastFailureAt: now,
      },
    })
    .returning({ failures: loginThrottle.failures });
  const ms = lockMs(row.failures, free);
  if (ms > 0) {
    await db
      .update(loginThrottle)
      .set({ lockedUntil: new Date(now.getTime() + ms) })
      .where(eq(loginThrottle.key, key));
  }
}

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent: string | null;
  now: Date;
}

export async function loginUser(
  db: Db,
  env: Env,
  input: LoginInput,
): Promise<{ user: SessionUser; token: string; maxAgeSeconds: number }> {
  const username = input.username.trim().toLowerCase();
  const userKey = `user:${username}`;
  const ipKey = `ip:${input.ip}`;
  const waitMs = await throttleWait(db, [userKey, ipKey], input.now);
  if (waitMs > 0) {
    await writeAudit(db, { action: "login_throttled", ip: input.ip, detail: { username } });
    throw new AppError("TOO_MANY_REQUESTS", "auth.tooManyAttempts", { seconds: Math.ceil(waitMs / 1000) });
  }

  const [row] = await db
    .select({ ...sessionUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.username, username))
    .limit(1);
  // An unknown user costs one full hash too, so timing does not tell which usernames exist.
  const passwordOk = await verifyPassword(input.password, row?.passwordHash ?? DECOY_HASH);
  if (!row || !passwordOk || row.disabledAt) {
    await recordFailure(db, userKey, USER_FREE_FAILURES, input.now);
    await recordFailure(db, ipKey, IP_FREE_FAILURES, input.now);
    await writeAudit(db, { userId: row?.id, action: "login_failed", ip: input.ip, detail: { username } });
    throw new AppError("UNAUTHORIZED", "auth.invalidCredentials");
  }
  if (row.demo && !env.demo) {
    await writeAudit(db, { userId: row.id, action: "login_refused_demo", ip: input.ip });
    throw new AppError("FORBIDDEN", "auth.demoDisabled");
  }

  await db.delete(loginThrottle).where(eq(loginThrottle.key, userKey));
  const token = randomBytes(32).toString("base64url");
  const maxAgeSeconds = env.sessionMaxHours * 3600;
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId: row.id,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt: new Date(input.now.getTime() + maxAgeSeconds * 1000),
    userAgent: input.userAgent?.slice(0, 300),
    ip: input.ip,
  });
  await writeAudit(db, { userId: row.id, action: "login", ip: input.ip, areaPath: row.areaPath });
  const { passwordHash: _hash, ...user } = row;
  return { user: toSessionUser(user), token, maxAgeSeconds };
}

export async function logoutSession(
  db: Db,
  session: { tokenHash: string; user: SessionUser } | null,
  ip: string,
): Promise<void> {
  if (!session) return;
  await db.delete(sessions).where(eq(sessions.tokenHash, session.tokenHash));
  await writeAudit(db, { userId: session.user.id, action: "logout", ip });
}
