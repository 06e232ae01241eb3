import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { areas, sessions, users } from "@/db/schema";
import { DECOY_HASH, verifyPassword } from "../auth/password";
import type { Env } from "../env";
import { AppError } from "../errors";
import { throttleAddress } from "../http/peer";
import { writeAudit } from "./audit";
import { admit, clear, forgive, type Limit } from "./throttle";

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

// Attempts before a key starts to wait, and the waits: a client address gets more room because one
// office's officers may share it.
const FAILURE_WINDOW_MS = 15 * 60_000;
const userLimit = (username: string): Limit => ({
  key: `user:${username}`,
  free: 5,
  windowMs: FAILURE_WINDOW_MS,
  waitMs: 2000,
  maxWaitMs: 15 * 60_000,
});
const ipLimit = (ip: string): Limit => ({
  key: `ip:${ip}`,
  free: 30,
  windowMs: FAILURE_WINDOW_MS,
  waitMs: 2000,
  maxWaitMs: 15 * 60_000,
});

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
  const userKey = userLimit(username);
  const ipKey = ipLimit(throttleAddress(input.ip));
  // Counted before the password is checked, so a burst cannot have every attempt checked before the
  // first failure is written; a good password takes its attempt back below.
  const admission = await admit(db, [userKey, ipKey], input.now);
  if (!admission.admitted) {
    await writeAudit(db, { action: "login_throttled", ip: input.ip, detail: { username } });
    throw new AppError("TOO_MANY_REQUESTS", "auth.tooManyAttempts", {
      seconds: Math.ceil(admission.waitMs / 1000),
    });
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
    await writeAudit(db, { userId: row?.id, action: "login_failed", ip: input.ip, detail: { username } });
    throw new AppError("UNAUTHORIZED", "auth.invalidCredentials");
  }
  // The password is right: this attempt was no guess.
  await clear(db, userKey.key);
  await forgive(db, [ipKey], 1);
  if (row.demo && !env.demo) {
    await writeAudit(db, { userId: row.id, action: "login_refused_demo", ip: input.ip });
    throw new AppError("FORBIDDEN", "auth.demoDisabled");
  }

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
